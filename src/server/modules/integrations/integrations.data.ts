import { registerData } from '../../platform/data/registry';

registerData(
  {
    table: 'integration_connections',
    user: { ids: ['user_id'] },
    module: 'integrations',
    scope: 'workspace',
    description: "Members' OAuth connections (Google Calendar): provider, status, granted scopes; tokens sealed (INT-1, SEC-2).",
    export: { kind: 'rows', omit: ['access_token_sealed', 'refresh_token_sealed', 'verifier_sealed', 'state_hash'] },
    erase: { kind: 'with-workspace' },
  },
  {
    table: 'integration_calendar_channels',
    module: 'integrations',
    scope: 'workspace',
    description: 'Google Calendar push channels open for a connection: channel id, calendar, expiry (BOOK-2).',
    export: { kind: 'rows', omit: ['token_hash'] },
    erase: { kind: 'with-workspace' },
  },
  {
    table: 'integration_calendar_busy',
    module: 'integrations',
    scope: 'workspace',
    description: "Busy times last read from a connected calendar, shared by every instance for a minute (BOOK-2).",
    export: { kind: 'rows' },
    erase: { kind: 'with-workspace' },
  },
);
