import { registerData } from '../../platform/data/registry';

registerData({
  table: 'data_providers', user: { ids: ['updated_by_user_id'] },
  module: 'enrichment',
  scope: 'workspace',
  description: "The workspace's data provider for contact enrichment: kind and base URL; the key is sealed and never exported (AI-2).",
  export: { kind: 'rows', omit: ['api_key_sealed'] },
  erase: { kind: 'with-workspace' },
});
