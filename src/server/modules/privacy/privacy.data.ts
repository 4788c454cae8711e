import { registerData } from '../../platform/data/registry';

registerData({
  table: 'privacy_exports',
  module: 'privacy',
  scope: 'workspace',
  description: 'Data exports asked for: who, when, progress, and until when the download link works (PRIV-2).',
  export: { kind: 'rows', omit: ['token_hash'] },
  erase: { kind: 'with-workspace' },
}, {
  table: 'privacy_settings',
  module: 'privacy',
  scope: 'workspace',
  description: 'How many days the workspace keeps conversations and AI call records (PRIV-4).',
  export: { kind: 'rows' },
  erase: { kind: 'with-workspace' },
});
