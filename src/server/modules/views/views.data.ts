import { registerData } from '../../platform/data/registry';

registerData({
  table: 'saved_views', user: { ids: ['owner_user_id'] },
  module: 'views',
  scope: 'workspace',
  description: 'Saved table views: name, object, columns, filters, sort and grouping; personal or shared (CRM-6).',
  export: { kind: 'rows' },
  erase: { kind: 'with-workspace' },
  person: { text: ['name', 'definition'] },
});
