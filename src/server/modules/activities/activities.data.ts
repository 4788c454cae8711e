import { registerData } from '../../platform/data/registry';

const activities = (table: string, description: string) =>
  ({ table, module: 'activities', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' } }) as const;

registerData(
  activities('activities', 'Timeline items: notes, calls, emails, meetings and tasks with their reminders (CRM-4).'),
  activities('activity_links', 'Which contacts, companies and deals each timeline item appears on (CRM-4).'),
);
