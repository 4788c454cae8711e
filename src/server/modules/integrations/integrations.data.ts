import { registerData } from '../../platform/data/registry';

registerData({
  table: 'integration_connections', user: { ids: ['user_id'] },
  module: 'integrations',
  scope: 'workspace',
  description: "Members' OAuth connections (Google Calendar): provider, status, granted scopes; tokens sealed (INT-1, SEC-2).",
  export: { kind: 'rows', omit: ['access_token_sealed', 'refresh_token_sealed', 'verifier_sealed', 'state_hash'] },
  erase: { kind: 'with-workspace' },
});
