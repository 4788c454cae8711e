import { registerData } from '../../platform/data/registry';

registerData({
  table: 'audit_log', user: { ids: ['actor_user_id'], target: { type: 'target_type', id: 'target_id', value: 'user' } },
  module: 'audit',
  scope: 'workspace',
  description: 'Security- and data-relevant actions with actor, IP and user agent.',
  export: { kind: 'rows' },
  erase: { kind: 'with-workspace' },
  person: { text: ['details'] },
});
