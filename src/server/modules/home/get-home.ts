import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { listRecentActivity, listTasks } from '../activities';
import { listProposals } from '../agents';
import { crmSummary, listDealsClosing, listNewLeads, pipelineValue } from '../crm';
import { workspaceProfile } from '../workspaces';
import type { Home } from './home.contract';

/** Each list on the home page stops here; its page in the app has the rest. */
export const HOME_LIST = 8;
/** Tasks are counted up to this many before the count says "50+". */
const TASKS_COUNTED = 50;
export const NEW_LEAD_DAYS = 7;

/**
 * CRM-1, CRM-3, CRM-4, AI-5: the member's day in one request, through each module's own use
 * cases, so each applies its own visibility by role exactly as its list routes do. Clients
 * have no timeline, tasks or agents: those sections are null for them.
 */
export async function getHome(db: Db, ctx: WorkspaceContext): Promise<Home> {
  const ws = await withTenant(db, ctx, (tx) => workspaceProfile(tx, ctx.workspaceId));
  if (!ws) throw notFound('Workspace');
  const team = ctx.role !== 'client';

  const summary = await crmSummary(db, ctx);
  const newLeads = await listNewLeads(db, ctx, { days: NEW_LEAD_DAYS, limit: HOME_LIST });
  const closingThisMonth = await listDealsClosing(db, ctx, { limit: HOME_LIST });
  const pipelines = await pipelineValue(db, ctx);

  let tasks: Home['tasks'] = null;
  let approvals: Home['approvals'] = null;
  let recentActivity: Home['recentActivity'] = null;
  if (team) {
    // "Overdue" is everything due before now, "today" all of today: together, what is due by tonight.
    const overdue = await listTasks(db, ctx, { assignee: 'me', status: 'open', due: 'overdue', limit: TASKS_COUNTED });
    const today = await listTasks(db, ctx, { assignee: 'me', status: 'open', due: 'today', limit: TASKS_COUNTED });
    const due = [...new Map([...overdue.items, ...today.items].map((t) => [t.id, t])).values()].sort((a, b) => (a.taskDueAt ?? '').localeCompare(b.taskDueAt ?? '') || a.id.localeCompare(b.id));
    tasks = { items: due.slice(0, HOME_LIST), count: due.length, capped: !!(overdue.nextCursor || today.nextCursor) };
    const pending = await listProposals(db, ctx, { status: 'pending', limit: HOME_LIST });
    approvals = { items: pending.items, pendingCount: pending.pendingCount };
    recentActivity = await listRecentActivity(db, ctx, { limit: HOME_LIST });
  }
  return { workspace: ws, summary, tasks, approvals, newLeads: { days: NEW_LEAD_DAYS, ...newLeads }, closingThisMonth, pipelines, recentActivity };
}
