import { registerData } from '../../platform/data/registry';

registerData({
  table: 'privacy_suppressions',
  module: 'privacy',
  scope: 'workspace',
  description: 'Hashes (sha256) of the emails and phone numbers of erased people, so they are not contacted again (PRIV-3).',
  export: { kind: 'excluded', reason: 'Only hashes of erased people\'s addresses; exporting them would serve no one.' },
  erase: { kind: 'with-workspace' },
});
