import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { contacts } from '../../crm/crm.schema';
import { workspaces } from '../../workspaces/workspaces.schema';
import { resolveZones } from '../calls/call-hours';
import { audienceWhere, recipientReason } from '../campaigns/manage-campaigns';
import { postalAddressMissing } from '../mail/send-outreach-mail';
import { outreachSuppressions, outreachTemplates } from '../outreach.schema';
import { scheduleSequenceRun } from './sequence.job';
import { emailHashSql } from './stop-enrolments';
import type { Enrolment, Sequence, SequenceBody } from './sequences.contract';
import { DAY_MS, nextSendTime } from './send-window';
import { enrolmentStates, outreachSequenceEnrolments as enrolments, outreachSequenceSteps as steps, outreachSequences as sequences } from './sequences.schema';

/** Contacts enrolled by one request, at most: a view larger than this is refused with the number. */
export const MAX_ENROL = 5000;

type State = (typeof enrolmentStates)[number];
const emptyCounts = () => Object.fromEntries(enrolmentStates.map((s) => [s, 0])) as Record<State, number>;

/** MAIL-2: a sequence of steps from templates; each template's subject and body are copied, so editing it later changes nothing here. */
export async function createSequence(services: Services, ctx: WorkspaceContext, body: SequenceBody): Promise<Sequence> {
  const id = await withTenant(services.database.db, ctx, async (tx) => {
    const ids = [...new Set(body.steps.map((s) => s.templateId))];
    const found = await tx.select().from(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, ctx.workspaceId), inArray(outreachTemplates.id, ids)));
    const byId = new Map(found.map((t) => [t.id, t]));
    const missing = body.steps.findIndex((s) => !byId.has(s.templateId));
    if (missing >= 0) throw badRequest('template_not_found', `Step ${missing + 1}: no such template in this workspace.`, { fields: { [`steps.${missing}.templateId`]: 'Choose one of your templates.' }, in: 'body' });
    const [row] = await tx.insert(sequences).values({ workspaceId: ctx.workspaceId, name: body.name, createdBy: ctx.userId }).returning({ id: sequences.id });
    await tx.insert(steps).values(
      body.steps.map((s, position) => {
        const t = byId.get(s.templateId)!;
        return { workspaceId: ctx.workspaceId, sequenceId: row!.id, position, templateId: t.id, subject: t.subject, html: t.html, delayDays: s.delayDays };
      }),
    );
    return row!.id;
  });
  return getSequence(services, ctx, id);
}

async function sequenceRow(tx: Tx, workspaceId: string, id: string) {
  const [row] = await tx.select().from(sequences).where(and(eq(sequences.workspaceId, workspaceId), eq(sequences.id, id)));
  if (!row) throw notFound('Sequence');
  return row;
}

async function present(tx: Tx, workspaceId: string, rows: (typeof sequences.$inferSelect)[]): Promise<Sequence[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const stepRows = await tx.select().from(steps).where(and(eq(steps.workspaceId, workspaceId), inArray(steps.sequenceId, ids))).orderBy(asc(steps.position));
  const counts = await tx
    .select({ sequenceId: enrolments.sequenceId, state: enrolments.state, n: sql<number>`count(*)::int` })
    .from(enrolments)
    .where(and(eq(enrolments.workspaceId, workspaceId), inArray(enrolments.sequenceId, ids)))
    .groupBy(enrolments.sequenceId, enrolments.state);
  return rows.map((r) => {
    const c = emptyCounts();
    for (const x of counts) if (x.sequenceId === r.id) c[x.state] = x.n;
    return {
      id: r.id,
      name: r.name,
      createdAt: r.createdAt.toISOString(),
      steps: stepRows.filter((s) => s.sequenceId === r.id).map((s) => ({ position: s.position, templateId: s.templateId, subject: s.subject, delayDays: s.delayDays })),
      counts: c,
    };
  });
}

export async function listSequences(services: Services, ctx: WorkspaceContext): Promise<Sequence[]> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const rows = await tx.select().from(sequences).where(eq(sequences.workspaceId, ctx.workspaceId)).orderBy(desc(sequences.createdAt)).limit(100);
    return present(tx, ctx.workspaceId, rows);
  });
}

/** MAIL-2: a sequence, its steps and how many enrolments are in each state. */
export async function getSequence(services: Services, ctx: WorkspaceContext, id: string): Promise<Sequence> {
  return withTenant(services.database.db, ctx, async (tx) => (await present(tx, ctx.workspaceId, [await sequenceRow(tx, ctx.workspaceId, id)]))[0]!);
}

/**
 * MAIL-2, MAIL-4: enrols the contacts of a saved view. Those without recorded marketing consent, an
 * address, with a restricted record or a suppressed address are skipped with the reason; someone
 * already in the sequence is not enrolled twice. Each one's first step is due after its delay, at
 * the next weekday 09:00–17:00 in their own time zone (the contact's, else their phone's region,
 * else their US ZIP code — as the call planner finds it — else the workspace's).
 */
export async function enrolFromView(services: Services, ctx: WorkspaceContext, sequenceId: string, viewId: string) {
  return withTenant(services.database.db, ctx, async (tx) => {
    const [ws] = await tx.select({ mailingAddress: workspaces.mailingAddress, timeZone: workspaces.timeZone }).from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
    if (!ws?.mailingAddress?.trim()) throw postalAddressMissing();
    await sequenceRow(tx, ctx.workspaceId, sequenceId);
    const [first] = await tx.select({ delayDays: steps.delayDays }).from(steps).where(and(eq(steps.workspaceId, ctx.workspaceId), eq(steps.sequenceId, sequenceId), eq(steps.position, 0)));
    const where = await audienceWhere(tx, ctx, { viewId });
    const suppressed = sql`EXISTS (SELECT 1 FROM ${outreachSuppressions} s WHERE s.workspace_id = ${contacts.workspaceId} AND s.address_hash = ${emailHashSql(contacts.email)})`;
    const rows = await tx
      .select({
        id: contacts.id,
        timeZone: contacts.timeZone,
        phone: contacts.phone,
        postalCode: contacts.postalCode,
        country: contacts.country,
        reason: sql<string | null>`coalesce(${recipientReason}, CASE WHEN ${suppressed} THEN 'suppressed' END)`,
      })
      .from(contacts)
      .where(where)
      .limit(MAX_ENROL + 1);
    if (!rows.length) throw badRequest('empty_audience', 'This saved view has no contacts: choose another.', { fields: { viewId: 'No contacts.' }, in: 'body' });
    if (rows.length > MAX_ENROL) throw badRequest('audience_too_large', `This view has more than ${MAX_ENROL} contacts; enrol at most ${MAX_ENROL} at a time (narrow the view).`, { fields: { viewId: `More than ${MAX_ENROL} contacts.` }, in: 'body' });

    const skipped = new Map<string, number>();
    const eligible = rows.filter((r) => (r.reason ? (skipped.set(r.reason, (skipped.get(r.reason) ?? 0) + 1), false) : true));
    if (!eligible.length) {
      const detail = [...skipped].map(([r, n]) => `${n} ${r.replace('_', ' ')}`).join(', ');
      throw conflict('no_consented_contacts', `None of the ${rows.length} contacts in this view may get marketing mail (${detail}). Only contacts with recorded marketing consent, an email address, no restriction and no suppressed address are enrolled.`, { reasons: [...skipped].map(([reason, count]) => ({ reason, count })) });
    }
    const due = new Date(Date.now() + (first?.delayDays ?? 0) * DAY_MS);
    const values = [];
    for (const r of eligible) {
      const zones = (await resolveZones(r))?.zones ?? [ws.timeZone];
      values.push({ workspaceId: ctx.workspaceId, sequenceId, contactId: r.id, timeZone: zones.join(','), nextSendAt: nextSendTime(due, zones), enrolledBy: ctx.userId });
    }
    let enrolled = 0;
    for (let i = 0; i < values.length; i += 500) {
      enrolled += (await tx.insert(enrolments).values(values.slice(i, i + 500)).onConflictDoNothing().returning({ id: enrolments.contactId })).length;
    }
    if (enrolled) await scheduleSequenceRun(tx, new Date(Math.min(...values.map((v) => v.nextSendAt.getTime()))));
    return { enrolled, alreadyEnrolled: eligible.length - enrolled, skipped: [...skipped].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count) };
  });
}

const presentEnrolment = (r: typeof enrolments.$inferSelect & { firstName: string | null; lastName: string | null; email: string | null }): Enrolment => ({
  contactId: r.contactId,
  name: [r.firstName, r.lastName].filter(Boolean).join(' ') || r.email || 'Deleted contact',
  state: r.state,
  currentStep: r.currentStep,
  nextSendAt: r.nextSendAt?.toISOString() ?? null,
  timeZone: r.timeZone,
  stopReason: r.stopReason,
  lastSentAt: r.lastSentAt?.toISOString() ?? null,
  enrolledAt: r.enrolledAt.toISOString(),
  endedAt: r.endedAt?.toISOString() ?? null,
});

async function enrolmentRows(tx: Tx, workspaceId: string, sequenceId: string, filter: { state?: State | undefined; contactId?: string; limit: number }) {
  const rows = await tx
    .select({ e: enrolments, firstName: contacts.firstName, lastName: contacts.lastName, email: contacts.email })
    .from(enrolments)
    .leftJoin(contacts, and(eq(contacts.workspaceId, enrolments.workspaceId), eq(contacts.id, enrolments.contactId)))
    .where(and(eq(enrolments.workspaceId, workspaceId), eq(enrolments.sequenceId, sequenceId), filter.state ? eq(enrolments.state, filter.state) : undefined, filter.contactId ? eq(enrolments.contactId, filter.contactId) : undefined))
    .orderBy(desc(enrolments.enrolledAt), enrolments.contactId)
    .limit(filter.limit);
  return rows.map((r) => presentEnrolment({ ...r.e, firstName: r.firstName, lastName: r.lastName, email: r.email }));
}

export async function listEnrolments(services: Services, ctx: WorkspaceContext, sequenceId: string, query: { state?: State | undefined; limit: number }): Promise<Enrolment[]> {
  return withTenant(services.database.db, ctx, async (tx) => {
    await sequenceRow(tx, ctx.workspaceId, sequenceId);
    return enrolmentRows(tx, ctx.workspaceId, sequenceId, query);
  });
}

/** MAIL-2: a person takes one contact out of a sequence; nothing more of it is sent to them. */
export async function stopEnrolment(services: Services, ctx: WorkspaceContext, sequenceId: string, contactId: string): Promise<Enrolment> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const [row] = await tx.select({ state: enrolments.state }).from(enrolments).where(and(eq(enrolments.workspaceId, ctx.workspaceId), eq(enrolments.sequenceId, sequenceId), eq(enrolments.contactId, contactId))).for('update');
    if (!row) throw notFound('Enrolment');
    if (row.state !== 'active') throw conflict('enrolment_state', `This enrolment is ${row.state} already; only an active one can be stopped.`, { state: row.state });
    await tx
      .update(enrolments)
      .set({ state: 'stopped', stopReason: 'stopped_by_user', nextSendAt: null, endedAt: new Date() })
      .where(and(eq(enrolments.workspaceId, ctx.workspaceId), eq(enrolments.sequenceId, sequenceId), eq(enrolments.contactId, contactId)));
    return (await enrolmentRows(tx, ctx.workspaceId, sequenceId, { contactId, limit: 1 }))[0]!;
  });
}
