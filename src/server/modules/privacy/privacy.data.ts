import { registerData } from '../../platform/data/registry';

registerData({
  table: 'privacy_suppressions',
  module: 'privacy',
  scope: 'workspace',
  description: 'Hashes (sha256) of the emails and phone numbers of erased people, so they are not contacted again (PRIV-3).',
  export: { kind: 'excluded', reason: 'Only hashes of erased people\'s addresses; exporting them would serve no one.' },
  erase: { kind: 'with-workspace' },
}, {
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
