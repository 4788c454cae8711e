import { registerData } from '../../platform/data/registry';

registerData(
  { table: 'workspaces', module: 'workspaces', scope: 'workspace', description: 'Business profile and territory.', export: { kind: 'rows' }, erase: { kind: 'with-workspace' } },
  { table: 'memberships', user: { ids: ['user_id'] }, module: 'workspaces', scope: 'workspace', description: 'Who belongs to the workspace, with which role.', export: { kind: 'rows' }, erase: { kind: 'with-workspace' } },
  { table: 'invitations', user: { ids: ['invited_by', 'accepted_by'] }, module: 'workspaces', scope: 'workspace', description: 'Invitations by email.', export: { kind: 'rows', omit: ['token_hash'] }, erase: { kind: 'with-workspace' }, person: { email: ['email'] } },
);
