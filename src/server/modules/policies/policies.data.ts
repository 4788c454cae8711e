import { registerData, registerSystemTables } from '../../platform/data/registry';

registerSystemTables({ table: 'policy_versions', reason: 'The installation’s published privacy policy versions: the operator’s text, about no one.' });

registerData({
  table: 'policy_acknowledgements', user: { ids: ['user_id'] },
  module: 'policies',
  scope: 'account',
  description: 'Which privacy policy versions a person acknowledged, and when.',
  export: { kind: 'rows' },
  erase: { kind: 'with-account' },
});
