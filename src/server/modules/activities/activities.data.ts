import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const activities = (table: string, description: string, person?: PersonColumns) =>
  ({ table, module: 'activities', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' }, ...(person ? { person } : {}) }) as const;

registerData(
  activities('activities', 'Timeline items: notes, calls, emails, meetings and tasks with their reminders (CRM-4).', { email: ['email_to'], text: ['subject', 'body', 'body_text', 'email_from', 'meeting_location'] }),
  activities('activity_links', 'Which contacts, companies and deals each timeline item appears on (CRM-4).', { record: { type: 'record_type', id: 'record_id' } }),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  activities: { ids: ['assignee_user_id', 'author_user_id', 'completed_by_user_id'] },
});
