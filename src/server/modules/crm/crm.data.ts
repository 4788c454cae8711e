import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const crm = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'crm', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  {
    ...crm('contacts', 'People: names, emails, phones, address, owner, lifecycle, consent and custom fields (CRM-1).', {
      email: ['email', 'emails'], phone: ['phone', 'phones'], name: ['first_name', 'last_name'], contactId: 'id', text: ['title', 'address_line1', 'address_line2', 'custom'],
    }),
    // `words`: the name split for search (a generated column, the contacts_words_column migration), not data of its own.
    export: { kind: 'rows', omit: ['words'] },
  },
  crm('companies', 'Companies (accounts): name, domain, industry, size, address and custom fields (CRM-2).', { text: ['custom'] }),
  crm('pipelines', 'Sales pipelines (CRM-3).'),
  crm('pipeline_stages', 'Ordered stages of each pipeline with probability and open/won/lost kind (CRM-3).'),
  crm('deals', 'Deals: amount, currency, stage, expected close, owner, won/lost with reason (CRM-3).', { contactId: 'contact_id', onErase: 'unlink', text: ['name', 'lost_reason', 'custom'] }),
  crm('tags', 'Tag names and colours (CRM-5).'),
  crm('record_tags', 'Which contact, company or deal carries which tag (CRM-5).', { record: { type: 'record_type', id: 'record_id' } }),
  crm('custom_field_definitions', 'Typed custom fields per object (CRM-5).'),
  crm('search_terms', 'The name words of the workspace\'s records, for fuzzy search (CRM-6); derived from the records.'),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  contacts: { ids: ['owner_user_id'] },
  deals: { ids: ['owner_user_id'] },
  companies: { ids: ['owner_user_id'] },
});
