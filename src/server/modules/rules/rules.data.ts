import { registerData } from '../../platform/data/registry';

const rules = (table: string, description: string) =>
  ({ table, module: 'rules', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' } }) as const;

registerData(
  rules('crm_settings', 'CRM settings such as whether staff see only the records they own.'),
  rules('record_shares', 'Which contacts, companies and deals are shared with which client members.'),
  rules('scoring_rules', 'Lead scoring rules: condition, points and label (CRM-10).'),
  rules('territory_rules', 'Territory rules: postal code prefixes, cities, states or countries and the owner they assign (CRM-10).'),
);
