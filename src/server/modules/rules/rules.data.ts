import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const rules = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'rules', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  rules('crm_settings', 'CRM settings such as whether staff see only the records they own.'),
  rules('record_shares', 'Which contacts, companies and deals are shared with which client members.', { record: { type: 'record_type', id: 'record_id' } }),
  rules('scoring_rules', 'Lead scoring rules: condition, points and label (CRM-10).'),
  rules('territory_rules', 'Territory rules: postal code prefixes, cities, states or countries and the owner they assign (CRM-10).'),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  territory_rules: { ids: ['owner_user_id'] },
  record_shares: { ids: ['user_id', 'shared_by'] },
});
