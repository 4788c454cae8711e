import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { memberRole } from '../../workspaces';
import { sendingRoom, type SendLimits } from '../throttle';
import { scheduleCampaignJob } from './campaign.job';
import { openCampaignRun, sendCampaignBatch } from './send-batch';
import { outreachCampaignRecipients as recipients, outreachCampaigns as campaigns } from './campaigns.schema';

/** Recipients claimed per transaction. */
const BATCH = 250;
/** A job sends for this long, then queues its continuation, so other jobs (and workspaces) get their turn. */
const SLICE_MS = 15_000;

type CampaignRow = typeof campaigns.$inferSelect;
const later = scheduleCampaignJob;

/** Sets the campaign's own fields and, with `where`, only while it is in that status. */
const setCampaign = (tx: Tx, row: { workspaceId: string; id: string }, values: Partial<CampaignRow>) =>
  tx.update(campaigns).set(values).where(and(eq(campaigns.workspaceId, row.workspaceId), eq(campaigns.id, row.id)));

/** MAIL-1: the sending account's room now, shared with sequences (`sendingRoom`); without an account, a batch. */
const room = (tx: Tx, workspaceId: string, limits: SendLimits | null) => (limits ? sendingRoom(tx, workspaceId, limits, BATCH) : Promise.resolve({ n: BATCH, retryAt: null }));

/**
 * MAIL-2: sends a campaign. One run sends it at a time: a run takes the campaign (`runner_id`) unless
 * another run's heartbeat is fresh, and gives it back when it hands over (a slice used up, the
 * account's limit reached) or ends. A run that takes over from a dead one (its heartbeat older than
 * the lease) puts that run's claims back in the queue. Each recipient is claimed (`sending`), sent
 * through the one checked send path with an idempotency key naming the campaign and contact, then
 * marked; the key makes a second send of a claim find the first one when it had got through. A batch
 * is read, checked and counted in one transaction and sent a wave (`inFlight` mails) at a time
 * (`sendCampaignBatch`). Before each wave the run renews its heartbeat when a quarter of the lease
 * has passed, and stops at once when the campaign is no longer its own (paused, or taken over after
 * the host froze it), so at most the one wave in flight at that moment can go out twice, under the
 * same Message-IDs. The plan's emails a month are spent per batch for the mails about to leave
 * (BILL-1); at the limit the rest are skipped with the reason.
 */
export async function runCampaign(services: Services, workspaceId: string, campaignId: string): Promise<void> {
  const { db } = services.database;
  const system = { workspaceId, userId: null };
  const lease = services.config.CAMPAIGN_LEASE_SECONDS;
  const runnerId = uuidv7();
  const ours = and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, campaignId), eq(campaigns.runnerId, runnerId));
  const loaded = await withTenant(db, system, async (tx) => {
    const [row] = await tx.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, campaignId))).for('update');
    if (!row) return null;
    if (row.status === 'scheduled') {
      if (row.scheduledAt.getTime() > Date.now()) {
        await later(tx, workspaceId, campaignId, row.scheduledAt);
        return null;
      }
      await setCampaign(tx, row, { status: 'sending', startedAt: new Date() });
    } else if (row.status !== 'sending') return null;
    // Another run is sending it and alive: it goes on (and hands over when its slice is used up).
    const [{ live } = { live: false }] = await tx
      .select({ live: sql<boolean>`${campaigns.runnerId} IS NOT NULL AND ${campaigns.heartbeatAt} >= now() - make_interval(secs => ${lease})` })
      .from(campaigns)
      .where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, campaignId)));
    if (live) return null;
    // No other run is sending it: a claim still open is a dead run's, and goes back in the queue.
    await tx.update(recipients).set({ status: 'queued', claimedAt: null }).where(and(eq(recipients.workspaceId, workspaceId), eq(recipients.campaignId, campaignId), eq(recipients.status, 'sending')));
    await tx.update(campaigns).set({ runnerId, heartbeatAt: sql`now()` }).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, campaignId)));
    // It sends as the member who made it (their address for replies) while they are still a member.
    const member = await memberRole(tx, workspaceId, row.createdBy);
    const ctx: WorkspaceContext = { workspaceId, userId: member ? row.createdBy : null, role: 'admin', actorLabel: `campaign ${row.name}` };
    // MAIL-5: without the postal address nothing leaves: the campaign pauses and says what to fill in.
    const run = await openCampaignRun(services, tx, ctx, row).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'postal_address_missing') return error;
      throw error;
    });
    if (run instanceof AppError) {
      await tx.update(recipients).set({ status: 'queued', claimedAt: null }).where(and(eq(recipients.workspaceId, workspaceId), eq(recipients.campaignId, campaignId), eq(recipients.status, 'sending')));
      await tx.update(campaigns).set({ status: 'paused', stopReason: run.message.slice(0, 500), runnerId: null }).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, campaignId)));
      return null;
    }
    const account = run.sending.account;
    return { run, limits: account ? { perMinute: account.perMinute, dailyCap: account.dailyCap } : null };
  });
  if (!loaded) return;
  const { run, limits } = loaded;
  const started = Date.now();
  let beat = Date.now();
  /** Claimed by this run and not yet sent or marked. */
  let pending: string[] = [];
  /** Renews the heartbeat while the campaign is still this run's and still sending; false when it is not. */
  const stillOurs = async (): Promise<boolean> => {
    if (Date.now() - beat < (lease * 1000) / 4) return true;
    const r = await withTenant(db, system, (tx) => tx.update(campaigns).set({ heartbeatAt: sql`now()` }).where(and(ours, eq(campaigns.status, 'sending'))).returning({ id: campaigns.id }));
    beat = Date.now();
    return r.length > 0;
  };
  /** Hands the campaign over in the same transaction that queues what comes next. */
  const handOver = (tx: Tx, values: Partial<CampaignRow> = {}) => tx.update(campaigns).set({ runnerId: null, ...values }).where(ours);

  try {
    for (;;) {
      const claimed = await withTenant(db, system, async (tx) => {
        const [now] = await tx.update(campaigns).set({ heartbeatAt: sql`now()` }).where(ours).returning({ status: campaigns.status });
        if (!now) return { stop: true as const };
        if (now.status !== 'sending') {
          await handOver(tx);
          return { stop: true as const };
        }
        beat = Date.now();
        if (Date.now() - started > SLICE_MS) {
          await handOver(tx);
          await later(tx, workspaceId, campaignId, new Date());
          return { stop: true as const };
        }
        const space = await room(tx, workspaceId, limits);
        if (space.n <= 0) {
          await handOver(tx);
          await later(tx, workspaceId, campaignId, space.retryAt!);
          return { stop: true as const };
        }
        // Materialised, so the LIMIT is applied once (an IN-subquery may be run again and claim more).
        // The rows are found by their ctid (locked by this statement, so it cannot move): joined by
        // contact_id instead, the planner scanned the campaign's whole queue once per picked row on a
        // table the campaign had just filled and never analysed (2.5 s a claim at 20,000; issue 17).
        const r = await tx.execute<{ contact_id: string; attempts: number }>(sql`
          WITH picked AS MATERIALIZED (
            SELECT ctid FROM ${recipients}
            WHERE workspace_id = ${workspaceId} AND campaign_id = ${campaignId} AND status = 'queued'
            ORDER BY contact_id LIMIT ${space.n} FOR UPDATE SKIP LOCKED)
          UPDATE ${recipients} r SET status = 'sending', claimed_at = now(), attempts = r.attempts + 1
          WHERE r.ctid = ANY(ARRAY(SELECT ctid FROM picked))
          RETURNING r.contact_id, r.attempts`);
        if (r.rows.length) return { batch: r.rows };
        // Nothing left to claim, and this run marks each claim before it claims again: done.
        await handOver(tx, { status: 'completed', finishedAt: new Date() });
        return { stop: true as const };
      });
      if ('stop' in claimed) return;
      pending = claimed.batch.map((r) => r.contact_id);
      const outcome = await sendCampaignBatch(run, claimed.batch, {
        stillOurs,
        sent: (ids) => {
          const done = new Set(ids);
          pending = pending.filter((id) => !done.has(id));
        },
      });
      if (outcome.status === 'stop') return;
      if (outcome.status === 'plan_limit') {
        // BILL-1: the plan's emails this month are spent: the rest are skipped, and the campaign says why.
        await withTenant(db, system, async (tx) => {
          await tx
            .update(recipients)
            .set({ status: 'skipped', reason: 'plan_limit' })
            .where(and(eq(recipients.workspaceId, workspaceId), eq(recipients.campaignId, campaignId), inArray(recipients.status, ['queued', 'sending'])));
          await handOver(tx, { status: 'completed', finishedAt: new Date(), stopReason: outcome.message.slice(0, 500) });
        });
        pending = [];
        return;
      }
    }
  } finally {
    // Whatever ended this run (an error, a pause): while the campaign is still its own, its unsent
    // claims go back in the queue and the campaign is free for the next run.
    await withTenant(db, system, async (tx) => {
      const [own] = await tx.select({ id: campaigns.id }).from(campaigns).where(ours).for('update');
      if (!own) return;
      if (pending.length) await tx.update(recipients).set({ status: 'queued', claimedAt: null }).where(and(eq(recipients.workspaceId, workspaceId), eq(recipients.campaignId, campaignId), inArray(recipients.contactId, pending), eq(recipients.status, 'sending')));
      await tx.update(campaigns).set({ runnerId: null }).where(ours);
    }).catch((err: unknown) => services.logger.warn({ err, campaignId }, 'campaign hand-over failed'));
    run.close();
  }
}

/**
 * MAIL-2: campaigns still held by a run that has not written a heartbeat within the lease (its worker
 * was killed, or its machine went away) get a fresh job, whose run takes over and sends that run's
 * claims again. Runs at boot and every minute.
 */
export async function resumeStalledCampaigns(services: Services): Promise<number> {
  const lease = services.config.CAMPAIGN_LEASE_SECONDS;
  const { system } = services.database;
  const stalled = await system.execute<{ workspace_id: string; id: string }>(sql`
    SELECT workspace_id, id FROM ${campaigns}
    WHERE status = 'sending' AND runner_id IS NOT NULL AND heartbeat_at < now() - make_interval(secs => ${lease})
    LIMIT 1000`);
  for (const c of stalled.rows) {
    await system.transaction((tx) => later(tx, c.workspace_id, c.id, new Date()));
  }
  return stalled.rows.length;
}
