import { enqueue } from '../../platform/jobs/jobs';
import type { Tx } from '../../platform/db/database';
import type { Services } from '../../platform/services';
import { resolveProviderIn } from '../ai';
import { recordAudit } from '../audit';
import type { BookingListener } from '../booking';
import { agentRunJob, runJobKey } from './agent-run.job';
import { agentRuns } from './agents.schema';

/**
 * BOOK-4, AI-2: a booking marked no-show starts Recovery's "Re-book no-shows" for that contact,
 * as a background run queued in the marking's own transaction and acting as the member who
 * marked it. Its re-booking email waits for approval unless Recovery is on autopilot. Without
 * an AI provider there is nothing to run, and marking the no-show goes ahead alone.
 */
export const queueNoShowRecovery: BookingListener = async (tx: Tx, services: Services, event) => {
  const ctx = event.actor;
  if (event.kind !== 'no_show' || !event.booking.contactId || !ctx?.userId) return;
  if (!(await resolveProviderIn(tx, services, ctx))) return;
  const [run] = await tx
    .insert(agentRuns)
    .values({ workspaceId: ctx.workspaceId, agent: 'recovery', task: 'no_shows', subjectType: 'contacts', subjectId: event.booking.contactId, userId: ctx.userId })
    .returning({ id: agentRuns.id });
  await recordAudit(tx, ctx, { action: 'agent.run_started', targetType: 'agent_run', targetId: run!.id, details: { agent: 'recovery', task: 'no_shows', subjectType: 'contacts', subjectId: event.booking.contactId, because: 'booking_no_show', bookingId: event.booking.id } });
  await enqueue(tx, agentRunJob, { workspaceId: ctx.workspaceId, runId: run!.id, role: ctx.role }, { workspaceId: ctx.workspaceId, jobKey: runJobKey(run!.id) });
};
