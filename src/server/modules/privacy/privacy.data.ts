import { registerData } from '../../platform/data/registry';

registerData({
  table: 'privacy_exports', user: { ids: ['requested_by'] },
  module: 'privacy',
  scope: 'workspace',
  description: 'Data exports asked for: who, when, progress, and until when the download link works (PRIV-2).',
  export: { kind: 'rows', omit: ['token_hash'] },
  erase: { kind: 'with-workspace' },
}, {
  table: 'privacy_account_exports',
  user: { ids: ['user_id'] },
  module: 'privacy',
  scope: 'account',
  description: 'A person\'s own data exports ("Download my data"): when, progress, and until when the link works (PRIV-2).',
  export: { kind: 'rows', omit: ['token_hash'] },
  erase: { kind: 'with-account' },
}, {
  table: 'privacy_settings', user: { ids: ['updated_by'] },
  module: 'privacy',
  scope: 'workspace',
  description: 'How many days the workspace keeps conversations and AI call records (PRIV-4).',
  export: { kind: 'rows' },
  erase: { kind: 'with-workspace' },
}, {
  table: 'privacy_minor_reports',
  module: 'privacy',
  scope: 'workspace',
  description: "Reports from the public privacy page that the workspace holds a child's data, waiting for an owner or admin (PRIV-10).",
  export: { kind: 'rows' },
  erase: { kind: 'with-workspace' },
  person: { email: ['email', 'reporter_email'], phone: ['phone'], text: ['details'] },
});
