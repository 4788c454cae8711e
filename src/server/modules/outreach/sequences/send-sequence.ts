import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { htmlToText } from '../../activities';
import { memberRole } from '../../workspaces';
import { sendOutreachMail } from '../mail/send-outreach-mail';
import { accountForStream } from '../mail/sending-accounts';
import { sendingRoom } from '../throttle';
import { mergeValuesFor } from '../templates/manage-templates';
import { renderTemplate } from '../templates/merge-fields';
import { DAY_MS, nextSendTime } from './send-window';
import { outreachSequenceEnrolments as enrolments, outreachSequenceSteps as steps, outreachSequences as sequences } from './sequences.schema';
import { endStateFor } from './stop-enrolments';

/** Enrolments claimed per statement. */
const BATCH = 25;
/** A run sends for this long at most; the next minute's run carries on. */
const SLICE_MS = 50_000;
/** A send retried this many times (a provider's 5xx, a dropped connection) before the enrolment is stopped with the error. */
const MAX_ATTEMPTS = 3;

type Claimed = {
  workspace_id: string;
  sequence_id: string;
  contact_id: string;
  current_step: number;
  next_step_id: string | null;
  attempts: number;
  time_zone: string | null;
  thread_subject: string | null;
  thread_references: string | null;
  /** The claim's time as PostgreSQL wrote it (text: a Date would lose the microseconds). */
  claimed_at: string;
};

type StepRow = typeof steps.$inferSelect;

/** Thrown in the send's transaction when the sending account's cap or spacing leaves no room now. */
class NoRoom extends Error {
  constructor(readonly retryAt: Date) {
    super('sending account limit');
  }
}

/** A thread's References are kept to this many Message-IDs (the first and the latest ones, as RFC 5322 allows trimming). */
const MAX_REFERENCES = 20;

/**
 * MAIL-2: the step an enrolment sends next. By id: a step reordered meanwhile is still found; a
 * step removed meanwhile is skipped for the one that followed it (a removed step keeps the
 * position of its successor). An enrolment from before steps had ids goes by how many it was sent.
 */
export function stepToSend(all: StepRow[], nextStepId: string | null, sentCount: number): StepRow | null {
  const live = all.filter((s) => !s.removedAt).sort((a, b) => a.position - b.position);
  if (!nextStepId) return live[sentCount] ?? null;
  const step = all.find((s) => s.id === nextStepId);
  if (!step) return null;
  if (!step.removedAt) return step;
  return live.find((s) => s.position >= step.position) ?? null;
}

/** The live step after `step`, by position. */
export const stepAfter = (all: StepRow[], step: StepRow): StepRow | null => all.filter((s) => !s.removedAt && s.position > step.position).sort((a, b) => a.position - b.position)[0] ?? null;

/** Thrown inside the send's transaction when the enrolment ended (a reply) between its claim and its send. */
class EnrolmentEnded extends Error {}

const key = (c: Claimed) => and(eq(enrolments.workspaceId, c.workspace_id), eq(enrolments.sequenceId, c.sequence_id), eq(enrolments.contactId, c.contact_id));

/** Updates a claimed enrolment, only while it is still active (a reply that ended it meanwhile wins). */
const settle = (services: Services, c: Claimed, values: Partial<typeof enrolments.$inferSelect>) =>
  withTenant(services.database.db, { workspaceId: c.workspace_id, userId: null }, (tx) => tx.update(enrolments).set(values).where(and(key(c), eq(enrolments.state, 'active'))));

/**
 * MAIL-2: sends every sequence step due by `now` (a clock, for tests; the real time otherwise).
 * Each enrolment is claimed (`claimed_at`), its step sent through the one checked send path with
 * an idempotency key naming sequence, contact and step (a claim that lapsed because its worker died
 * is taken again, and the key finds the first send), then moved to its next step, due that many
 * days later at the next weekday 09:00–17:00 in the lead's zone. A send blocked by suppression
 * ends the enrolment as unsubscribed or bounced. Returns how many steps were sent.
 */
export async function sendDueSteps(services: Services, now: Date = new Date()): Promise<number> {
  const lease = services.config.CAMPAIGN_LEASE_SECONDS;
  const started = Date.now();
  let sent = 0;
  // MAIL-2: enrolments paused by an out-of-office reply go on once its return date has passed.
  await services.database.system.execute(sql`
    UPDATE ${enrolments} SET state = 'active', paused_until = NULL, claimed_at = NULL
    WHERE state = 'paused' AND paused_until <= ${now.toISOString()}::timestamptz`);
  while (Date.now() - started < SLICE_MS) {
    const r = await services.database.system.execute<Claimed>(sql`
      WITH picked AS MATERIALIZED (
        SELECT e.workspace_id, e.sequence_id, e.contact_id FROM ${enrolments} e
        WHERE e.state = 'active' AND e.next_send_at <= ${now.toISOString()}::timestamptz
          AND (e.claimed_at IS NULL OR e.claimed_at < now() - make_interval(secs => ${lease}))
          -- A sequence set back to draft holds its enrolments where they are.
          AND EXISTS (SELECT 1 FROM ${sequences} s WHERE s.workspace_id = e.workspace_id AND s.id = e.sequence_id AND s.status = 'active')
        ORDER BY e.next_send_at LIMIT ${BATCH} FOR UPDATE OF e SKIP LOCKED)
      UPDATE ${enrolments} e SET claimed_at = now(), attempts = e.attempts + 1
      FROM picked WHERE e.workspace_id = picked.workspace_id AND e.sequence_id = picked.sequence_id AND e.contact_id = picked.contact_id
      RETURNING e.workspace_id, e.sequence_id, e.contact_id, e.current_step, e.next_step_id, e.attempts, e.time_zone, e.thread_subject, e.thread_references, e.claimed_at::text`);
    if (!r.rows.length) break;
    const claimedAt = Date.now();
    for (const c of r.rows) {
      // A batch sent slowly (a throttled account, a frozen host) renews each claim before its send, and
      // leaves one another worker took over after the lease lapsed to that worker: never sent twice.
      if (Date.now() - claimedAt > (lease * 1000) / 4 && !(await renewClaim(services, c))) continue;
      if (await sendStep(services, c, now)) sent++;
    }
  }
  return sent;
}

/** Extends a claim while it is still this worker's (the same claim time); false when another worker has it now. */
async function renewClaim(services: Services, c: Claimed): Promise<boolean> {
  const r = await withTenant(services.database.db, { workspaceId: c.workspace_id, userId: null }, (tx) =>
    tx.execute<{ claimed_at: string }>(sql`
      UPDATE ${enrolments} SET claimed_at = now()
      WHERE workspace_id = ${c.workspace_id} AND sequence_id = ${c.sequence_id} AND contact_id = ${c.contact_id}
        AND state = 'active' AND claimed_at = ${c.claimed_at}::timestamptz
      RETURNING claimed_at::text`),
  );
  if (!r.rows[0]) return false;
  c.claimed_at = r.rows[0].claimed_at;
  return true;
}

async function sendStep(services: Services, c: Claimed, now: Date): Promise<boolean> {
  const { db } = services.database;
  const loaded = await withTenant(db, { workspaceId: c.workspace_id, userId: null }, async (tx) => {
    const [seq] = await tx.select().from(sequences).where(and(eq(sequences.workspaceId, c.workspace_id), eq(sequences.id, c.sequence_id)));
    const all = await tx.select().from(steps).where(and(eq(steps.workspaceId, c.workspace_id), eq(steps.sequenceId, c.sequence_id))).orderBy(steps.position);
    const account = await accountForStream(tx, c.workspace_id, 'marketing');
    const [enrolment] = await tx.select({ enrolledBy: enrolments.enrolledBy }).from(enrolments).where(key(c));
    // It sends as the member who enrolled the contact (their address for replies) while they are still a member.
    const by = enrolment?.enrolledBy;
    const member = by ? await memberRole(tx, c.workspace_id, by) : null;
    return { seq, all, userId: member ? by! : null, limits: account ? { perMinute: account.perMinute, dailyCap: account.dailyCap } : null };
  });
  const step = stepToSend(loaded.all, c.next_step_id, c.current_step);
  if (!loaded.seq || !step) {
    await settle(services, c, { state: 'finished', nextSendAt: null, claimedAt: null, endedAt: new Date() });
    return false;
  }
  const ctx: WorkspaceContext = { workspaceId: c.workspace_id, userId: loaded.userId, role: 'admin', actorLabel: `sequence ${loaded.seq.name}` };
  const stop = (reason: string, state = endStateFor(reason)) => settle(services, c, { state, stopReason: reason.slice(0, 300), nextSendAt: null, claimedAt: null, endedAt: new Date() });
  try {
    // MAIL-2: a follow-up without its own subject answers the first mail: "Re: <its subject>".
    const replying = !!c.thread_subject && !step.subject.trim();
    const rendered = await withTenant(db, ctx, async (tx) => renderTemplate({ subject: step.subject.trim() || loaded.seq!.name, html: step.html }, await mergeValuesFor(tx, ctx, c.contact_id)));
    if (!rendered.ok) {
      await stop(`merge_value_missing:${rendered.field}`, 'stopped');
      return false;
    }
    const subject = replying ? `Re: ${c.thread_subject!.replace(/^(re:\s*)+/i, '')}` : rendered.subject;
    const references = c.thread_references ? c.thread_references.split(' ').filter(Boolean) : [];
    const outcome = await sendOutreachMail(services, ctx, {
      contactId: c.contact_id,
      stream: 'marketing',
      subject,
      html: rendered.html,
      text: htmlToText(rendered.html),
      // By step id: a step sent once is never sent again to this contact, however the steps are edited.
      idempotencyKey: `sequence:${c.sequence_id}:${c.contact_id}:${c.next_step_id ? `step:${step.id}` : c.current_step}`,
      ...(references.length ? { thread: { inReplyTo: references.at(-1)!, references } } : {}),
      beforeSend: async (tx: Tx) => {
        // A reply that ended the enrolment after its claim: nothing leaves.
        const [now] = await tx.select({ state: enrolments.state }).from(enrolments).where(key(c));
        if (now?.state !== 'active') throw new EnrolmentEnded();
        // MAIL-1: the sending account's daily cap and spacing, shared with campaigns; the lock is held until this send's message row commits.
        if (loaded.limits) {
          const space = await sendingRoom(tx, c.workspace_id, loaded.limits, 1);
          if (space.n <= 0) throw new NoRoom(space.retryAt!);
        }
        // BILL-1: the send path then counts it against the plan's emails a month.
      },
    });
    if (outcome.status === 'blocked') {
      await stop(outcome.reason);
      return false;
    }
    const next = stepAfter(loaded.all, step);
    const zones = c.time_zone ? c.time_zone.split(',') : [];
    const thread = outcome.status === 'sent' ? [...references, outcome.headerMessageId] : references;
    await settle(services, c, {
      currentStep: c.current_step + 1,
      nextStepId: next?.id ?? null,
      lastSentAt: new Date(),
      claimedAt: null,
      attempts: 0,
      threadSubject: c.thread_subject ?? subject.slice(0, 500),
      threadReferences: (thread.length > MAX_REFERENCES ? [thread[0]!, ...thread.slice(-(MAX_REFERENCES - 1))] : thread).join(' ') || null,
      ...(next ? { nextSendAt: nextSendTime(new Date(now.getTime() + next.delayDays * DAY_MS), zones) } : { state: 'finished', nextSendAt: null, endedAt: new Date() }),
    });
    return outcome.status === 'sent';
  } catch (error) {
    if (error instanceof EnrolmentEnded) return false;
    if (error instanceof NoRoom) {
      // MAIL-1: over the account's cap: it waits for the next window (inside the lead's send hours), never dropped.
      const zones = c.time_zone ? c.time_zone.split(',') : [];
      await settle(services, c, { claimedAt: null, attempts: 0, nextSendAt: nextSendTime(new Date(Math.max(error.retryAt.getTime(), now.getTime())), zones) });
      return false;
    }
    if (error instanceof AppError && error.code === 'plan_limit_reached') {
      await stop('plan_limit', 'stopped');
      return false;
    }
    if (error instanceof AppError && error.statusCode === 404) {
      await stop('contact_deleted', 'stopped');
      return false;
    }
    if (error instanceof AppError && error.code === 'postal_address_missing') {
      // MAIL-5: held, not dropped: tried again in an hour, once the address may be filled in.
      await settle(services, c, { claimedAt: null, attempts: 0, nextSendAt: new Date(now.getTime() + 3_600_000) });
      return false;
    }
    const message = error instanceof Error ? error.message : String(error);
    services.logger.warn({ err: error, sequenceId: c.sequence_id }, 'sequence mail failed');
    if (c.attempts >= MAX_ATTEMPTS) await stop(message, 'stopped');
    // Tried again a few minutes later, not at once.
    else await settle(services, c, { claimedAt: null, nextSendAt: new Date(now.getTime() + c.attempts * 300_000) });
    return false;
  }
}
