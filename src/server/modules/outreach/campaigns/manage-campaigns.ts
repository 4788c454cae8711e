import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { contactNameOf, selectContacts, taggedContactsWhere, type ContactFields } from '../../crm';
import { qualified } from '../../../platform/db/qualified';
import { findVisibleView, prepareView } from '../../views';
import { workspaceProfile } from '../../workspaces';
import { postalAddressMissing } from '../mail/send-outreach-mail';
import { outreachDeliveryEvents, outreachTemplates } from '../outreach.schema';
import { scheduleCampaignJob } from './campaign.job';
import type { Campaign, CampaignBody } from './campaigns.contract';
import { outreachCampaignRecipients as recipients, outreachCampaigns as campaigns } from './campaigns.schema';

type CampaignRow = typeof campaigns.$inferSelect;
type Counts = Campaign['counts'];

const emptyCounts = (): Counts => ({ total: 0, queued: 0, sending: 0, sent: 0, skipped: 0, failed: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0, complained: 0 });

/**
 * Who a campaign may reach, decided when it is made: consent with its source on record, an address, no restriction (MAIL-4, PRIV-5).
 * Qualified: selected bare, its contact columns would name the subquery's own `workspace_id` and `id`.
 */
export const recipientReason = (c: ContactFields) => qualified<string | null>(sql`CASE
  WHEN ${c.email} IS NULL THEN 'no_address'
  WHEN ${c.restricted} THEN 'restricted'
  WHEN ${c.consentState} <> 'granted'
    OR (SELECT oc.state FROM outreach_consents oc WHERE oc.workspace_id = ${c.workspaceId} AND oc.contact_id = ${c.id}
        ORDER BY oc.recorded_at DESC, oc.id DESC LIMIT 1) IS DISTINCT FROM 'granted' THEN 'no_consent'
  END`);

/** MAIL-2: the contacts of a saved view of contacts (as its viewer sees them), or those with a tag; shared by campaigns and sequences. */
export async function audienceWhere(tx: Tx, ctx: WorkspaceContext, body: { viewId?: string | undefined; tagId?: string | undefined }): Promise<SQL | undefined> {
  if (body.viewId) {
    const view = await findVisibleView(tx, ctx, body.viewId);
    if (view.object !== 'contacts') throw badRequest('not_a_contacts_view', 'Mail goes to saved views of contacts; this view lists something else.', { fields: { viewId: 'Choose a view of contacts.' }, in: 'body' });
    return (await prepareView(tx, ctx, view.definition, 'view')).where;
  }
  return taggedContactsWhere(tx, ctx, body.tagId!);
}

/**
 * MAIL-2: a campaign from a template to a saved view or a tag, now or at a time. Its recipients
 * are fixed here, one row each: those without recorded marketing consent, an address or with a
 * restricted record are skipped with the reason; a campaign that would reach nobody is refused.
 */
export async function createCampaign(services: Services, ctx: WorkspaceContext, body: CampaignBody): Promise<Campaign> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const ws = await workspaceProfile(tx, ctx.workspaceId);
    if (!ws?.mailingAddress?.trim()) throw postalAddressMissing();
    const [template] = await tx.select().from(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, ctx.workspaceId), eq(outreachTemplates.id, body.templateId)));
    if (!template) throw notFound('Template');
    if (template.kind !== 'email') throw conflict('not_an_email_template', `"${template.name}" is a call script, not an email template: a campaign sends email templates only.`, { templateId: template.id });
    const where = await audienceWhere(tx, ctx, body);

    const now = new Date();
    const sendAt = body.sendAt ? new Date(body.sendAt) : now;
    const later = sendAt.getTime() > now.getTime();
    const [row] = await tx
      .insert(campaigns)
      .values({
        workspaceId: ctx.workspaceId,
        name: body.name,
        templateId: template.id,
        subject: template.subject,
        html: template.html,
        viewId: body.viewId ?? null,
        tagId: body.tagId ?? null,
        status: later ? 'scheduled' : 'sending',
        scheduledAt: later ? sendAt : now,
        startedAt: later ? null : now,
        advertisement: body.advertisement ?? false,
        createdBy: ctx.userId,
      })
      .returning();
    const audience = selectContacts(
      tx,
      (c) => ({
        workspaceId: c.workspaceId,
        campaignId: sql`${row!.id}::uuid`,
        contactId: c.id,
        status: sql`CASE WHEN ${recipientReason(c)} IS NULL THEN 'queued' ELSE 'skipped' END`,
        reason: recipientReason(c),
      }),
      where,
    );
    await tx.execute(sql`INSERT INTO ${recipients} (workspace_id, campaign_id, contact_id, status, reason) ${audience}`);

    const counts = await countsFor(tx, ctx.workspaceId, [row!.id]);
    const c = counts.get(row!.id)!;
    if (c.counts.total === 0) throw badRequest('empty_audience', 'This audience has no contacts: choose another saved view or tag.', { fields: { [body.viewId ? 'viewId' : 'tagId']: 'No contacts.' }, in: 'body' });
    if (c.counts.queued === 0) {
      const detail = c.reasons.map((r) => `${r.count} ${r.reason.replace('_', ' ')}`).join(', ');
      throw conflict('no_consented_contacts', `None of the ${c.counts.total} contacts in this audience may get marketing mail (${detail}). Only contacts with recorded marketing consent, an email address and no restriction are sent a campaign.`, { reasons: c.reasons });
    }
    await scheduleCampaignJob(tx, ctx.workspaceId, row!.id, later ? sendAt : undefined);
    return present(row!, c);
  });
}

async function countsFor(tx: Tx, workspaceId: string, ids: string[]): Promise<Map<string, { counts: Counts; reasons: Campaign['reasons'] }>> {
  const out = new Map(ids.map((id) => [id, { counts: emptyCounts(), reasons: [] as Campaign['reasons'] }]));
  if (!ids.length) return out;
  const byStatus = await tx
    .select({ campaignId: recipients.campaignId, status: recipients.status, reason: recipients.reason, n: sql<number>`count(*)::int` })
    .from(recipients)
    .where(and(eq(recipients.workspaceId, workspaceId), inArray(recipients.campaignId, ids)))
    .groupBy(recipients.campaignId, recipients.status, recipients.reason);
  for (const r of byStatus) {
    const c = out.get(r.campaignId)!;
    c.counts[r.status] += r.n;
    c.counts.total += r.n;
    if (r.reason && (r.status === 'skipped' || r.status === 'failed')) c.reasons.push({ reason: r.reason, count: r.n });
  }
  // MAIL-3: what the provider's signed webhooks said about the messages sent.
  const events = await tx
    .select({ campaignId: recipients.campaignId, kind: outreachDeliveryEvents.kind, n: sql<number>`count(DISTINCT ${outreachDeliveryEvents.messageId})::int` })
    .from(outreachDeliveryEvents)
    .innerJoin(recipients, and(eq(recipients.workspaceId, outreachDeliveryEvents.workspaceId), eq(recipients.messageId, outreachDeliveryEvents.messageId)))
    .where(and(eq(outreachDeliveryEvents.workspaceId, workspaceId), inArray(recipients.campaignId, ids)))
    .groupBy(recipients.campaignId, outreachDeliveryEvents.kind);
  for (const e of events) if (e.kind) out.get(e.campaignId)!.counts[e.kind] = e.n;
  for (const c of out.values()) c.reasons.sort((a, b) => b.count - a.count);
  return out;
}

function present(row: CampaignRow, c: { counts: Counts; reasons: Campaign['reasons'] }): Campaign {
  return {
    id: row.id,
    name: row.name,
    templateId: row.templateId,
    subject: row.subject,
    viewId: row.viewId,
    tagId: row.tagId,
    status: row.status,
    scheduledAt: row.scheduledAt.toISOString(),
    advertisement: row.advertisement,
    stopReason: row.stopReason,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    ...c,
  };
}

export async function listCampaigns(services: Services, ctx: WorkspaceContext): Promise<Campaign[]> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const rows = await tx.select().from(campaigns).where(eq(campaigns.workspaceId, ctx.workspaceId)).orderBy(desc(campaigns.createdAt)).limit(100);
    const counts = await countsFor(tx, ctx.workspaceId, rows.map((r) => r.id));
    return rows.map((r) => present(r, counts.get(r.id)!));
  });
}

async function campaignRow(tx: Tx, workspaceId: string, id: string, lock = false): Promise<CampaignRow> {
  const q = tx.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, id)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw notFound('Campaign');
  return row;
}

/** MAIL-2, MAIL-3: the campaign with its counts per status, read live. */
export async function getCampaign(services: Services, ctx: WorkspaceContext, id: string): Promise<Campaign> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const row = await campaignRow(tx, ctx.workspaceId, id);
    return present(row, (await countsFor(tx, ctx.workspaceId, [id])).get(id)!);
  });
}

export async function listRecipients(services: Services, ctx: WorkspaceContext, id: string, query: { status?: (typeof recipients.$inferSelect)['status'] | undefined; limit: number }) {
  return withTenant(services.database.db, ctx, async (tx) => {
    await campaignRow(tx, ctx.workspaceId, id);
    const rows = await tx
      .select({ contactId: recipients.contactId, status: recipients.status, reason: recipients.reason, sentAt: recipients.sentAt, name: contactNameOf(recipients.workspaceId, recipients.contactId) })
      .from(recipients)
      .where(and(eq(recipients.workspaceId, ctx.workspaceId), eq(recipients.campaignId, id), query.status ? eq(recipients.status, query.status) : undefined))
      .orderBy(desc(recipients.sentAt), recipients.contactId)
      .limit(query.limit);
    return rows.map((r) => ({
      contactId: r.contactId,
      name: r.name ?? 'Deleted contact',
      status: r.status,
      reason: r.reason,
      sentAt: r.sentAt?.toISOString() ?? null,
    }));
  });
}

const wrongState = (row: CampaignRow, action: string) => conflict('campaign_state', `This campaign is ${row.status}; it cannot be ${action}.`, { status: row.status });

/** MAIL-2: pause stops a campaign after the mail in flight; nothing more leaves until it is resumed. */
export async function pauseCampaign(services: Services, ctx: WorkspaceContext, id: string): Promise<Campaign> {
  await withTenant(services.database.db, ctx, async (tx) => {
    const row = await campaignRow(tx, ctx.workspaceId, id, true);
    if (row.status !== 'sending' && row.status !== 'scheduled') throw wrongState(row, 'paused');
    await tx.update(campaigns).set({ status: 'paused' }).where(and(eq(campaigns.workspaceId, ctx.workspaceId), eq(campaigns.id, id)));
  });
  return getCampaign(services, ctx, id);
}

/** MAIL-2: resume carries on where it stopped (or waits for its time, when that is still ahead). */
export async function resumeCampaign(services: Services, ctx: WorkspaceContext, id: string): Promise<Campaign> {
  await withTenant(services.database.db, ctx, async (tx) => {
    const row = await campaignRow(tx, ctx.workspaceId, id, true);
    if (row.status !== 'paused') throw wrongState(row, 'resumed');
    const later = row.scheduledAt.getTime() > Date.now();
    await tx
      .update(campaigns)
      .set({ status: later ? 'scheduled' : 'sending', stopReason: null, startedAt: row.startedAt ?? (later ? null : new Date()) })
      .where(and(eq(campaigns.workspaceId, ctx.workspaceId), eq(campaigns.id, id)));
    await scheduleCampaignJob(tx, ctx.workspaceId, id, later ? row.scheduledAt : undefined);
  });
  return getCampaign(services, ctx, id);
}

/** MAIL-2: cancel ends it: whoever has not been sent it yet is skipped as cancelled. */
export async function cancelCampaign(services: Services, ctx: WorkspaceContext, id: string): Promise<Campaign> {
  await withTenant(services.database.db, ctx, async (tx) => {
    const row = await campaignRow(tx, ctx.workspaceId, id, true);
    if (row.status === 'cancelled' || row.status === 'completed') throw wrongState(row, 'cancelled');
    await tx.update(campaigns).set({ status: 'cancelled', finishedAt: new Date() }).where(and(eq(campaigns.workspaceId, ctx.workspaceId), eq(campaigns.id, id)));
    await tx
      .update(recipients)
      .set({ status: 'skipped', reason: 'cancelled' })
      .where(and(eq(recipients.workspaceId, ctx.workspaceId), eq(recipients.campaignId, id), eq(recipients.status, 'queued')));
  });
  return getCampaign(services, ctx, id);
}
