import { registerData } from '../../platform/data/registry';

registerData({
  table: 'bulk_operations', user: { ids: ['created_by'] },
  module: 'bulk',
  scope: 'workspace',
  description: 'Bulk changes to records: action, selection, who asked, progress and outcome (CRM-9).',
  export: { kind: 'rows' },
  erase: { kind: 'with-workspace' },
  person: { text: ['action', 'selection', 'error'] },
});
