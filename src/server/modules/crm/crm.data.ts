import { registerData } from '../../platform/data/registry';

const crm = (table: string, description: string) =>
  ({ table, module: 'crm', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' } }) as const;

registerData(
  crm('contacts', 'People: names, emails, phones, address, owner, lifecycle, consent and custom fields (CRM-1).'),
  crm('companies', 'Companies (accounts): name, domain, industry, size, address and custom fields (CRM-2).'),
  crm('pipelines', 'Sales pipelines (CRM-3).'),
  crm('pipeline_stages', 'Ordered stages of each pipeline with probability and open/won/lost kind (CRM-3).'),
  crm('deals', 'Deals: amount, currency, stage, expected close, owner, won/lost with reason (CRM-3).'),
  crm('tags', 'Tag names and colours (CRM-5).'),
  crm('record_tags', 'Which contact, company or deal carries which tag (CRM-5).'),
  crm('custom_field_definitions', 'Typed custom fields per object (CRM-5).'),
  crm('search_terms', 'The name words of the workspace\'s records, for fuzzy search (CRM-6); derived from the records.'),
);
