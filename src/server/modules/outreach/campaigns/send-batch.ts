import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import { mailOutbox } from '../../../platform/mail/mail.schema';
import type { Services } from '../../../platform/services';
import { memberProfile } from '../../accounts';
import { logActivities } from '../../activities';
import { consume } from '../../billing';
import { readMergeValuesBatch } from '../../crm';
import { workspaceProfile } from '../../workspaces';
import type { SuppressionReason } from '../mail/consent';
import { blockReasonOf, composeOutreachMail, postalAddressMissing, unsubscribeMailboxOf, type SendingContext } from '../mail/send-outreach-mail';
import { BulkSmtp, smtpTargetOfUrl } from '../../../platform/mail/bulk-smtp';
import { accountForStream, bulkSmtpForAccount, CAMPAIGN_CONNECTIONS, CAMPAIGN_WINDOW, resendBatchSender, transportForAccount } from '../mail/sending-accounts';
import { trackingEnabled } from '../mail/tracking';
import { addressHash } from '../mail/unsubscribe-token';
import { outreachMessages } from '../outreach.schema';
import { compileTemplate, type CompiledTemplate, type MergeValues } from '../templates/merge-fields';
import { outreachCampaignRecipients as recipients } from './campaigns.schema';

/** Sends retried this many times (a provider's 5xx, a dropped connection) before the recipient is marked failed. */
export const MAX_ATTEMPTS = 3;

/** What a campaign run reads once: the sending context, the merge values every mail shares, the transport. */
export interface CampaignRun {
  services: Services;
  ctx: WorkspaceContext;
  campaign: { id: string; subject: string; html: string; advertisement: boolean };
  sending: SendingContext;
  shared: MergeValues;
  /** The campaign's template compiled once for the run: each mail only joins strings (MAIL-2). */
  template: CompiledTemplate;
  /** Mails sent and not yet marked at once (the pool's connections, or `CAMPAIGN_WINDOW` pipelined; at most the account's per-minute rate). */
  inFlight: number;
  deliver(mail: { from: string; to: string; subject: string; text: string; html: string; headers: Record<string, string>; messageId: string }): Promise<string | null>;
  close(): void;
}

/**
 * MAIL-1, MAIL-5: reads the campaign's fixed context once per run: the workspace's name and postal
 * address (a marketing mail without one is refused: `postal_address_missing`), the marketing
 * account, the inbound address for List-Unsubscribe's mailto, the tracking setting and the sender.
 */
export async function openCampaignRun(services: Services, tx: Tx, ctx: WorkspaceContext, campaign: CampaignRun['campaign']): Promise<CampaignRun> {
  const ws = await workspaceProfile(tx, ctx.workspaceId);
  if (!ws?.mailingAddress?.trim()) throw postalAddressMissing();
  const sender = await memberProfile(tx, ctx.userId);
  const account = await accountForStream(tx, ctx.workspaceId, 'marketing');
  const sending: SendingContext = {
    workspace: { name: ws.name, mailingAddress: ws.mailingAddress },
    account,
    replyTo: sender?.email ?? null,
    track: await trackingEnabled(tx, ctx.workspaceId),
    unsubscribeMailbox: await unsubscribeMailboxOf(services, tx, ctx.workspaceId),
  };
  const shared: MergeValues = { 'workspace.name': ws.name, 'sender.name': sender?.name ?? null };
  const template = compileTemplate(campaign);
  const inFlight = Math.max(1, Math.min(CAMPAIGN_CONNECTIONS, account?.perMinute ?? CAMPAIGN_CONNECTIONS));
  const bulk = account ? bulkSmtpForAccount(services, account) : services.mail.transport.name === 'smtp' && services.config.SMTP_URL ? new BulkSmtp(smtpTargetOfUrl(services.config.SMTP_URL, CAMPAIGN_CONNECTIONS)) : null;
  if (bulk) {
    // SMTP (an account's or the instance's): one buffer per mail, pipelined over kept-open connections.
    return {
      services, ctx, campaign, sending, shared, template, inFlight: Math.max(1, Math.min(CAMPAIGN_WINDOW, account?.perMinute ?? CAMPAIGN_WINDOW)),
      deliver: async (m) => (await bulk.send({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers })).messageId,
      close: () => bulk.close(),
    };
  }
  if (account?.kind === 'resend') {
    // Resend: the window's mails in one call of its batch endpoint; the window stays `CAMPAIGN_WINDOW`, the kill bound.
    const batch = resendBatchSender(services, account);
    return {
      services, ctx, campaign, sending, shared, template, inFlight: Math.max(1, Math.min(CAMPAIGN_WINDOW, account.perMinute)),
      deliver: async (m) => (await batch.send({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers, idempotencyKey: m.messageId })).messageId,
      close: () => batch.close(),
    };
  }
  if (account) {
    const transport = transportForAccount(services, account, { pooled: true });
    return {
      services, ctx, campaign, sending, shared, template, inFlight,
      deliver: async (m) => (await transport.send({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers, idempotencyKey: m.messageId })).messageId,
      close: () => transport.close?.(),
    };
  }
  const instance = services.mail.transport;
  return {
    services, ctx, campaign, sending, shared, template, inFlight,
    deliver: async (m) => {
      if (instance.name === 'none') {
        // No mail server (development): the mailbox shows what would have gone out.
        await services.database.db.insert(mailOutbox).values({ kind: 'marketing', template: 'outreach', toAddress: m.to, fromAddress: m.from, subject: m.subject, textBody: m.text, htmlBody: m.html, status: 'kept' });
        return null;
      }
      return (await instance.send({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers })).messageId;
    },
    close: () => {},
  };
}

type Facts = {
  id: string;
  suppression: SuppressionReason | null;
  latest_consent: string | null;
  message_id: string | null;
  message_status: string | null;
};

type Mark = { contactId: string; status: 'sent' | 'skipped' | 'failed' | 'queued'; reason?: string | null; messageId?: string | null };

/** Marks recipients still claimed (`sending`) in one statement. */
async function markRecipients(tx: Tx, workspaceId: string, campaignId: string, marks: Mark[]): Promise<void> {
  if (!marks.length) return;
  await tx.execute(sql`
    UPDATE ${recipients} r SET status = v.status, reason = v.reason, message_id = COALESCE(v.message_id, r.message_id),
      sent_at = CASE WHEN v.status = 'sent' THEN now() ELSE r.sent_at END,
      claimed_at = CASE WHEN v.status = 'queued' THEN NULL ELSE r.claimed_at END
    FROM unnest(${sql.param(marks.map((m) => m.contactId))}::uuid[], ${sql.param(marks.map((m) => m.status))}::text[], ${sql.param(marks.map((m) => m.reason ?? null))}::text[], ${sql.param(marks.map((m) => m.messageId ?? null))}::uuid[]) AS v(contact_id, status, reason, message_id)
    WHERE r.workspace_id = ${workspaceId} AND r.campaign_id = ${campaignId} AND r.contact_id = v.contact_id AND r.status = 'sending'`);
}

/**
 * A mail of the batch waiting to leave: its merge values, not its rendered HTML and text, which are
 * made right before it is sent and dropped once it is (a batch lives through several young-generation
 * collections, so what it holds per mail ends up in the old generation: issue 17's RSS).
 */
interface Outgoing {
  contactId: string;
  attempts: number;
  email: string;
  messageId: string;
  subject: string;
  merge: MergeValues;
}

export type BatchOutcome = { status: 'next' } | { status: 'stop' } | { status: 'plan_limit'; message: string };

/**
 * MAIL-2, MAIL-4, BILL-1: sends one batch of claimed recipients. One transaction reads every
 * recipient's contact, merge values, suppression, restriction, latest consent and earlier message
 * in ONE statement, decides each with the same rule as `sendOutreachMail` (`blockReasonOf`),
 * spends the plan's emails for those about to leave (a refused mail counts nothing; a message row
 * already made by an earlier attempt was counted then), inserts their message rows in one statement
 * (an idempotency key seen before reuses its row, so its Message-ID) and marks the skipped ones.
 * Then the mails leave through a window of `inFlight`: while what came back is marked (messages
 * sent or failed, timeline entries, recipients) in one transaction, the next mails go out; a kill
 * loses the marks of at most `inFlight` mails, which go out again under the same Message-IDs.
 * `stillOurs` is asked before each mail starts; `sent` is told of each group marked.
 */
export async function sendCampaignBatch(run: CampaignRun, batch: { contact_id: string; attempts: number }[], hooks: { stillOurs(): Promise<boolean>; sent(contactIds: string[]): void }): Promise<BatchOutcome> {
  const { services, ctx, campaign } = run;
  const { db } = services.database;
  const ws = ctx.workspaceId;
  const keyOf = (contactId: string) => `campaign:${campaign.id}:${contactId}`;
  const attempts = new Map(batch.map((r) => [r.contact_id, r.attempts]));
  const prepared = await withTenant(db, ctx, async (tx) => {
    const ids = batch.map((r) => r.contact_id);
    // The contacts through the CRM's own read; the outreach facts by the address hash as the suppression list writes it.
    const people = await readMergeValuesBatch(tx, ws, ids);
    const hashes = ids.map((id) => {
      const email = people.get(id)?.email;
      return email ? addressHash(email) : null;
    });
    const r = await tx.execute<Facts>(sql`
      SELECT x.id, s.reason AS suppression,
        (SELECT oc.state FROM outreach_consents oc WHERE oc.workspace_id = ${ws} AND oc.contact_id = x.id ORDER BY oc.recorded_at DESC, oc.id DESC LIMIT 1) AS latest_consent,
        m.id AS message_id, m.status AS message_status
      FROM unnest(${sql.param(ids)}::uuid[], ${sql.param(hashes)}::text[]) AS x(id, hash)
      LEFT JOIN outreach_suppressions s ON s.workspace_id = ${ws} AND s.kind = 'email' AND s.address_hash = x.hash
      LEFT JOIN outreach_messages m ON m.workspace_id = ${ws} AND m.idempotency_key = ${`campaign:${campaign.id}:`} || x.id::text`);
    const marks: Mark[] = [];
    const toSend: Omit<Outgoing, 'messageId'>[] = [];
    const earlier = new Map<string, string>();
    for (const f of r.rows) {
      const c = people.get(f.id);
      if (!c) {
        marks.push({ contactId: f.id, status: 'skipped', reason: 'contact_deleted' });
        continue;
      }
      if (f.message_status === 'sent') {
        // Sent by an earlier attempt whose mark was lost: not sent again.
        marks.push({ contactId: f.id, status: 'sent', messageId: f.message_id });
        continue;
      }
      const reason = blockReasonOf('marketing', { email: c.email, restricted: c.restricted, consentState: c.consentState, suppression: f.suppression, latestConsent: f.latest_consent });
      if (reason) {
        marks.push({ contactId: f.id, status: 'skipped', reason });
        continue;
      }
      const merge: MergeValues = { ...run.shared, ...c.merge };
      const rendered = run.template.render(merge);
      if (!rendered.ok) {
        marks.push({ contactId: f.id, status: 'skipped', reason: `merge_value_missing:${rendered.field}`.slice(0, 100) });
        continue;
      }
      if (f.message_id) earlier.set(f.id, f.message_id);
      toSend.push({ contactId: f.id, attempts: attempts.get(f.id) ?? 1, email: c.email!, subject: rendered.subject, merge });
    }
    // BILL-1: the batch's new mails counted at once; at the limit, as many as it still allows, one by one.
    const fresh = toSend.filter((m) => !earlier.has(m.contactId));
    let granted = fresh.length;
    let planMessage: string | null = null;
    try {
      if (fresh.length) await consume(tx, ws, 'emails', fresh.length);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'plan_limit_reached')) throw error;
      planMessage = error.message;
      granted = 0;
      for (; granted < fresh.length; granted++) {
        try {
          await consume(tx, ws, 'emails', 1);
        } catch (e) {
          if (e instanceof AppError && e.code === 'plan_limit_reached') break;
          throw e;
        }
      }
    }
    const refused = new Set(fresh.slice(granted).map((m) => m.contactId));
    for (const id of refused) marks.push({ contactId: id, status: 'skipped', reason: 'plan_limit' });
    const going = toSend.filter((m) => !refused.has(m.contactId));
    // Arrays as parameters (unnest), not the query builder's row-by-column chunks: with 250 rows a
    // batch, drizzle's insert was a large share of what a campaign allocated (issue 17).
    const rows = going.length
      ? (
          await tx.execute<{ id: string; key: string }>(sql`
            INSERT INTO ${outreachMessages} (workspace_id, id, contact_id, address_hash, stream, subject, idempotency_key, sent_by_user_id)
            SELECT ${ws}::uuid, v.id, v.contact_id, v.address_hash, 'marketing', v.subject, v.key, ${ctx.userId}::uuid
            FROM unnest(${sql.param(going.map(() => uuidv7()))}::uuid[], ${sql.param(going.map((m) => m.contactId))}::uuid[], ${sql.param(going.map((m) => addressHash(m.email)))}::text[], ${sql.param(going.map((m) => m.subject.slice(0, 500)))}::text[], ${sql.param(going.map((m) => keyOf(m.contactId)))}::text[]) AS v(id, contact_id, address_hash, subject, key)
            ON CONFLICT (workspace_id, idempotency_key) DO UPDATE SET status = 'sending'
            RETURNING id, idempotency_key AS key`)
        ).rows
      : [];
    const idOf = new Map(rows.map((x) => [x.key, x.id]));
    await markRecipients(tx, ws, campaign.id, marks);
    return { outgoing: going.map((m) => ({ ...m, messageId: idOf.get(keyOf(m.contactId))! })), planMessage, done: marks.map((m) => m.contactId) };
  });
  hooks.sent(prepared.done);

  /** What marking needs of a mail that went (or failed): the rendered body is not kept. */
  type Result = { m: Outgoing; mail: { from: string; subject: string } } & ({ ok: true; providerMessageId: string | null } | { ok: false; error: string });
  const sendOne = async (m: Outgoing): Promise<Result> => {
    const rendered = run.template.render(m.merge);
    const composed = composeOutreachMail(services, ws, run.sending, { messageId: m.messageId, stream: 'marketing', subject: m.subject, html: rendered.html, text: run.template.text(m.merge), advertisement: campaign.advertisement });
    const mail = { from: composed.from, subject: composed.subject };
    try {
      const providerMessageId = await run.deliver({ from: composed.from, to: m.email, subject: composed.subject, text: composed.body.text, html: composed.body.html, headers: composed.headers, messageId: m.messageId });
      return { m, mail, ok: true, providerMessageId };
    } catch (error) {
      services.logger.warn({ err: error, campaignId: campaign.id }, 'campaign mail failed');
      return { m, mail, ok: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 300) };
    }
  };
  /** One transaction: the messages sent or failed, on the timelines, the recipients marked. */
  const markDone = (results: Result[]) =>
    withTenant(db, ctx, async (tx) => {
      const sent = results.filter((x) => x.ok);
      const failed = results.filter((x) => !x.ok);
      if (sent.length) {
        await tx.execute(sql`
          UPDATE ${outreachMessages} m SET status = 'sent', sent_at = now(), provider_message_id = v.provider, last_error = NULL
          FROM unnest(${sql.param(sent.map((x) => x.m.messageId))}::uuid[], ${sql.param(sent.map((x) => (x.ok ? x.providerMessageId : null)))}::text[]) AS v(id, provider)
          WHERE m.workspace_id = ${ws} AND m.id = v.id`);
        await logActivities(
          tx,
          { ...ctx, role: 'admin' },
          sent.map((x) => ({ kind: 'email' as const, subject: x.mail.subject, body: run.template.timelineBody(x.m.merge, () => run.template.render(x.m.merge).html), emailDirection: 'outbound' as const, emailFrom: x.mail.from, emailTo: [x.m.email], links: [{ recordType: 'contacts' as const, recordId: x.m.contactId }] })),
        );
      }
      for (const x of failed) {
        if (!x.ok) await tx.update(outreachMessages).set({ status: 'failed', lastError: x.error }).where(and(eq(outreachMessages.workspaceId, ws), eq(outreachMessages.id, x.m.messageId)));
      }
      await markRecipients(tx, ws, campaign.id, [
        ...sent.map((x) => ({ contactId: x.m.contactId, status: 'sent' as const, messageId: x.m.messageId })),
        ...failed.map((x) => (x.m.attempts >= MAX_ATTEMPTS ? { contactId: x.m.contactId, status: 'failed' as const, reason: x.ok ? null : x.error } : { contactId: x.m.contactId, status: 'queued' as const })),
      ]);
    });

  /**
   * MAIL-4: right before a group of mails starts (a window's worth), the suppression list and the
   * latest consent are read again for that group in one statement, so someone who unsubscribes (or
   * bounces, complains, is erased or restricted onto the list, or withdraws consent) while the batch
   * is sending gets no further mail. A mail stopped here never left: its message row goes, and the
   * recipient is skipped with the reason. Returns the contacts stopped.
   */
  const recheck = async (group: Outgoing[]): Promise<Set<string>> =>
    withTenant(db, ctx, async (tx) => {
      const r = await tx.execute<{ id: string; suppression: SuppressionReason | null; latest_consent: string | null }>(sql`
        SELECT x.id, s.reason AS suppression,
          (SELECT oc.state FROM outreach_consents oc WHERE oc.workspace_id = ${ws} AND oc.contact_id = x.id ORDER BY oc.recorded_at DESC, oc.id DESC LIMIT 1) AS latest_consent
        FROM unnest(${sql.param(group.map((m) => m.contactId))}::uuid[], ${sql.param(group.map((m) => addressHash(m.email)))}::text[]) AS x(id, hash)
        LEFT JOIN outreach_suppressions s ON s.workspace_id = ${ws} AND s.kind = 'email' AND s.address_hash = x.hash`);
      const stop: Mark[] = [];
      for (const f of r.rows) {
        const reason = blockReasonOf('marketing', { email: 'checked', restricted: false, consentState: 'granted', suppression: f.suppression, latestConsent: f.latest_consent });
        if (reason) stop.push({ contactId: f.id, status: 'skipped', reason });
      }
      if (!stop.length) return new Set<string>();
      const ids = new Set(stop.map((x) => x.contactId));
      const messageIds = group.filter((m) => ids.has(m.contactId)).map((m) => m.messageId);
      await tx.execute(sql`DELETE FROM ${outreachMessages} WHERE workspace_id = ${ws} AND id = ANY(${sql.param(messageIds)}::uuid[]) AND status <> 'sent'`);
      await markRecipients(tx, ws, campaign.id, stop);
      return ids;
    });

  // A window of `inFlight` mails: a mail starts when fewer than `inFlight` are sent-or-sending and
  // not yet marked; what has come back is marked in one transaction while the next mails go out.
  // So the sending never waits for a commit while the window has room, and a kill leaves at most
  // `inFlight` mails unmarked (the bound the kill -9 test checks).
  const queue = prepared.outgoing;
  let next = 0;
  /** Mails before this index were re-checked (MAIL-4); `stopped` among them are not sent. */
  let checkedUntil = 0;
  const blocked = new Set<string>();
  let unmarked = 0;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const back: Result[] = [];
  let marking: Promise<void> | null = null;
  for (;;) {
    while (!stopped && next < queue.length && unmarked < run.inFlight) {
      if (!(await hooks.stillOurs())) {
        stopped = true;
        break;
      }
      if (next >= checkedUntil) {
        const group = queue.slice(next, next + run.inFlight);
        checkedUntil = next + group.length;
        const stop = await recheck(group);
        if (stop.size) {
          for (const id of stop) blocked.add(id);
          hooks.sent([...stop]);
        }
      }
      const m = queue[next++]!;
      if (blocked.has(m.contactId)) continue;
      unmarked++;
      const p: Promise<void> = sendOne(m).then((r) => {
        back.push(r);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    if (!marking && back.length) {
      const group = back.splice(0);
      marking = markDone(group).then(() => {
        unmarked -= group.length;
        marking = null;
        hooks.sent(group.map((x) => x.m.contactId));
      });
      // Raced below; this only keeps a failure from counting as unhandled while a mail is being started.
      marking.catch(() => {});
    }
    if (!inFlight.size && !marking) break;
    await Promise.race(marking ? [...inFlight, marking] : inFlight);
  }
  if (stopped) return { status: 'stop' };
  return prepared.planMessage ? { status: 'plan_limit', message: prepared.planMessage } : { status: 'next' };
}
