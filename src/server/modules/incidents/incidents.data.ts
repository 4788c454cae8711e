import { registerData } from '../../platform/data/registry';

registerData({
  table: 'breach_incidents', user: { ids: ['user_ids', 'created_by'] },
  module: 'incidents',
  scope: 'workspace',
  description: 'Records of personal-data breaches: what happened, when it was found, whose data and which kinds, the measures taken and when people were told.',
  export: { kind: 'rows' },
  erase: { kind: 'with-workspace' },
});
