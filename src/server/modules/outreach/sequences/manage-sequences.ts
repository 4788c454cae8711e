import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest, conflict, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { contactNameOf, selectContacts, type ContactFields } from '../../crm';
import { workspaceProfile } from '../../workspaces';
import { resolveZones } from '../calls/call-hours';
import { audienceWhere, recipientReason } from '../campaigns/manage-campaigns';
import { postalAddressMissing } from '../mail/send-outreach-mail';
import { outreachSuppressions, outreachTemplates } from '../outreach.schema';
import { checkWrittenTemplate, saveWrittenTemplate } from '../templates/manage-templates';
import { scheduleSequenceRun } from './sequence.job';
import { emailHashSql } from './stop-enrolments';
import type { Enrolment, Sequence, SequenceBody, SequenceUpdateBody } from './sequences.contract';
import { DAY_MS, nextSendTime } from './send-window';
import { enrolmentStates, outreachSequenceEnrolments as enrolments, outreachSequenceSteps as steps, outreachSequences as sequences } from './sequences.schema';

/** Contacts enrolled by one request, at most: a view larger than this is refused with the number. */
export const MAX_ENROL = 5000;

type State = (typeof enrolmentStates)[number];
const emptyCounts = () => Object.fromEntries(enrolmentStates.map((s) => [s, 0])) as Record<State, number>;

type StepInput = { id?: string | undefined; templateId?: string | undefined; delayDays: number; subject?: string | undefined };
type TemplateRow = typeof outreachTemplates.$inferSelect;

/** The templates the steps name, all of this workspace, or a 400 naming the step. */
async function templatesOf(tx: Tx, workspaceId: string, input: StepInput[]): Promise<Map<string, TemplateRow>> {
  const ids = [...new Set(input.map((s) => s.templateId).filter((id): id is string => !!id))];
  const found = ids.length ? await tx.select().from(outreachTemplates).where(and(eq(outreachTemplates.workspaceId, workspaceId), inArray(outreachTemplates.id, ids))) : [];
  const byId = new Map(found.map((t) => [t.id, t]));
  const missing = input.findIndex((s) => s.templateId && !byId.has(s.templateId));
  if (missing >= 0) throw badRequest('template_not_found', `Step ${missing + 1}: no such template in this workspace.`, { fields: { [`steps.${missing}.templateId`]: 'Choose one of your templates.' }, in: 'body' });
  const script = input.findIndex((s) => s.templateId && byId.get(s.templateId)!.kind !== 'email');
  if (script >= 0) throw conflict('not_an_email_template', `Step ${script + 1}: "${byId.get(input[script]!.templateId!)!.name}" is a call script, not an email template; a sequence sends email templates only.`, { fields: { [`steps.${script}.templateId`]: 'Choose an email template.' } });
  return byId;
}

/**
 * A step's subject as stored: its own when it has one; the template's for the first step; empty for
 * a follow-up, which is then sent as a reply ("Re: <first subject>").
 */
function subjectOf(s: StepInput, template: TemplateRow | undefined, position: number, earlier: string | null): string {
  if (s.subject) return s.subject;
  if (position > 0) return '';
  const subject = template?.subject ?? earlier ?? '';
  if (!subject.trim()) throw badRequest('first_step_subject', 'The first step needs a subject: give it one or choose a template.', { fields: { 'steps.0.subject': 'Required for the first step.' }, in: 'body' });
  return subject;
}

/**
 * AI-2, MAIL-2: a sequence Forge wrote, once a person approved it, in the approval's transaction:
 * each step's email saved as a marketing template, then the sequence made from them as a draft.
 */
export async function saveWrittenSequence(tx: Tx, ctx: WorkspaceContext, input: { name: string; steps: { delayDays: number; subject?: string | undefined; body: string }[] }): Promise<{ sequenceId: string; templateIds: string[] }> {
  const templateIds: string[] = [];
  for (const [i, s] of input.steps.entries()) {
    const subject = s.subject || (i > 0 ? `Re: ${input.steps[0]!.subject ?? ''}` : '');
    const t = await saveWrittenTemplate(tx, ctx, { kind: 'email', name: `${input.name.slice(0, 100)} — step ${i + 1}`, subject, text: s.body, stream: 'marketing' });
    templateIds.push(t.id);
  }
  const sequenceId = await createSequenceIn(tx, ctx, { name: input.name, status: 'draft', steps: input.steps.map((s, i) => ({ templateId: templateIds[i]!, delayDays: s.delayDays, ...(s.subject ? { subject: s.subject } : {}) })) });
  return { sequenceId, templateIds };
}

/** AI-2: refuses (400, naming it) a merge field Kestrel does not know in any step, before a proposal is made. */
export function checkWrittenSequence(input: { steps: { subject?: string | undefined; body: string }[] }): void {
  for (const s of input.steps) checkWrittenTemplate({ subject: s.subject ?? '', text: s.body });
}

/** MAIL-2: a sequence of steps from templates; each template's subject and body are copied, so editing it later changes nothing here. */
export async function createSequence(services: Services, ctx: WorkspaceContext, body: SequenceBody): Promise<Sequence> {
  const id = await withTenant(services.database.db, ctx, (tx) => createSequenceIn(tx, ctx, body));
  return getSequence(services, ctx, id);
}

/** `createSequence` inside the caller's transaction; the new sequence's id. */
export async function createSequenceIn(tx: Tx, ctx: WorkspaceContext, body: SequenceBody): Promise<string> {
  const byId = await templatesOf(tx, ctx.workspaceId, body.steps);
  const [row] = await tx.insert(sequences).values({ workspaceId: ctx.workspaceId, name: body.name, status: body.status ?? 'active', createdBy: ctx.userId }).returning({ id: sequences.id });
  await tx.insert(steps).values(
    body.steps.map((s, position) => {
      const t = byId.get(s.templateId)!;
      return { workspaceId: ctx.workspaceId, sequenceId: row!.id, position, templateId: t.id, subject: subjectOf(s, t, position, null), html: t.html, delayDays: s.delayDays };
    }),
  );
  return row!.id;
}

/**
 * MAIL-2: edits a sequence while it runs (see `sequenceUpdateBody`). Kept steps keep their id, so
 * every enrolment keeps its place; a removed step is kept as a row with `removed_at` and the
 * position of the step that followed it, and enrolments waiting on it are moved to that step (or
 * finish, when it was the last). Enrolments whose next step or its delay changed are due again at
 * that delay after their last mail, in their send window.
 */
export async function updateSequence(services: Services, ctx: WorkspaceContext, id: string, body: SequenceUpdateBody): Promise<Sequence> {
  await withTenant(services.database.db, ctx, async (tx) => {
    const [seq] = await tx.select().from(sequences).where(and(eq(sequences.workspaceId, ctx.workspaceId), eq(sequences.id, id))).for('update');
    if (!seq) throw notFound('Sequence');
    if (body.name !== undefined || body.status !== undefined) {
      await tx.update(sequences).set({ ...(body.name !== undefined ? { name: body.name } : {}), ...(body.status !== undefined ? { status: body.status } : {}) }).where(and(eq(sequences.workspaceId, ctx.workspaceId), eq(sequences.id, id)));
    }
    if (!body.steps) {
      if (body.status === 'active') await scheduleSequenceRun(tx);
      return;
    }
    const input = body.steps;
    const current = await tx.select().from(steps).where(and(eq(steps.workspaceId, ctx.workspaceId), eq(steps.sequenceId, id), isNull(steps.removedAt)));
    const byStepId = new Map(current.map((s) => [s.id, s]));
    const unknown = input.findIndex((s) => s.id && !byStepId.has(s.id));
    if (unknown >= 0) throw badRequest('step_not_found', `Step ${unknown + 1}: no such step in this sequence (it may have been removed); leave out its id to add it as a new step.`, { fields: { [`steps.${unknown}.id`]: 'Not a step of this sequence.' }, in: 'body' });
    const twice = input.findIndex((s, i) => s.id && input.findIndex((o) => o.id === s.id) !== i);
    if (twice >= 0) throw badRequest('step_repeated', `Step ${twice + 1} repeats an earlier step.`, { fields: { [`steps.${twice}.id`]: 'Named twice.' }, in: 'body' });
    const fresh = input.findIndex((s) => !s.id && !s.templateId);
    if (fresh >= 0) throw badRequest('template_required', `Step ${fresh + 1}: a new step needs a template.`, { fields: { [`steps.${fresh}.templateId`]: 'Choose a template.' }, in: 'body' });
    const templates = await templatesOf(tx, ctx.workspaceId, input);

    const kept: (typeof steps.$inferSelect)[] = [];
    for (const [position, s] of input.entries()) {
      const old = s.id ? byStepId.get(s.id) : undefined;
      const t = s.templateId ? templates.get(s.templateId) : undefined;
      const templateChanged = !!t && t.id !== old?.templateId;
      const subject = s.subject ? s.subject : templateChanged || !old || position === 0 || old.position === 0 ? subjectOf(s, t, position, old?.subject || null) : old.subject;
      const values = { position, delayDays: s.delayDays, subject, ...(t && (templateChanged || !old) ? { templateId: t.id, html: t.html } : {}) };
      if (old) {
        const [row] = await tx.update(steps).set(values).where(and(eq(steps.workspaceId, ctx.workspaceId), eq(steps.sequenceId, id), eq(steps.id, old.id))).returning();
        kept.push(row!);
      } else {
        const [row] = await tx.insert(steps).values({ workspaceId: ctx.workspaceId, sequenceId: id, templateId: t!.id, html: t!.html, ...values }).returning();
        kept.push(row!);
      }
    }
    // Removed steps: kept as rows (mail already sent names them), placed where their successor now is.
    const keptIds = new Set(kept.map((k) => k.id));
    const successor = new Map<string, string | null>();
    const oldOrder = [...current].sort((a, b) => a.position - b.position);
    for (const [i, old] of oldOrder.entries()) {
      if (keptIds.has(old.id)) continue;
      const next = oldOrder.slice(i + 1).find((o) => keptIds.has(o.id));
      successor.set(old.id, next?.id ?? null);
      const position = next ? kept.find((k) => k.id === next.id)!.position : kept.length;
      await tx.update(steps).set({ removedAt: new Date(), position }).where(and(eq(steps.workspaceId, ctx.workspaceId), eq(steps.sequenceId, id), eq(steps.id, old.id)));
    }

    // Enrolments still to send: to their (possibly new) next step, due at its (possibly new) delay.
    const open = await tx
      .select({ contactId: enrolments.contactId, state: enrolments.state, nextStepId: enrolments.nextStepId, currentStep: enrolments.currentStep, nextSendAt: enrolments.nextSendAt, lastSentAt: enrolments.lastSentAt, enrolledAt: enrolments.enrolledAt, timeZone: enrolments.timeZone })
      .from(enrolments)
      .where(and(eq(enrolments.workspaceId, ctx.workspaceId), eq(enrolments.sequenceId, id), inArray(enrolments.state, ['active', 'paused'])))
      .for('update');
    const oldById = new Map(current.map((s) => [s.id, s]));
    const now = Date.now();
    let earliest: number | null = null;
    for (const e of open) {
      // Before steps had ids an enrolment went by count: its step in the old order.
      let target = e.nextStepId ?? oldOrder[e.currentStep]?.id ?? null;
      if (target && successor.has(target)) target = successor.get(target)!;
      const where = and(eq(enrolments.workspaceId, ctx.workspaceId), eq(enrolments.sequenceId, id), eq(enrolments.contactId, e.contactId));
      if (!target) {
        await tx.update(enrolments).set({ state: 'finished', nextStepId: null, nextSendAt: null, pausedUntil: null, claimedAt: null, endedAt: new Date() }).where(where);
        continue;
      }
      const step = kept.find((k) => k.id === target)!;
      const before = e.nextStepId ? oldById.get(e.nextStepId) : oldOrder[e.currentStep];
      let nextSendAt = e.nextSendAt;
      if (before?.id !== step.id || before.delayDays !== step.delayDays) {
        const base = (e.lastSentAt ?? e.enrolledAt).getTime() + step.delayDays * DAY_MS;
        nextSendAt = nextSendTime(new Date(Math.max(base, now)), e.timeZone ? e.timeZone.split(',') : []);
      }
      await tx.update(enrolments).set({ nextStepId: step.id, nextSendAt }).where(where);
      if (e.state === 'active' && nextSendAt) earliest = Math.min(earliest ?? Infinity, nextSendAt.getTime());
    }
    if (earliest !== null) await scheduleSequenceRun(tx, new Date(earliest));
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
  const stepRows = await tx.select().from(steps).where(and(eq(steps.workspaceId, workspaceId), inArray(steps.sequenceId, ids), isNull(steps.removedAt))).orderBy(asc(steps.position));
  const waiting = await tx
    .select({ stepId: enrolments.nextStepId, n: sql<number>`count(*)::int` })
    .from(enrolments)
    .where(and(eq(enrolments.workspaceId, workspaceId), inArray(enrolments.sequenceId, ids), eq(enrolments.state, 'active')))
    .groupBy(enrolments.nextStepId);
  const waitingBy = new Map(waiting.map((w) => [w.stepId, w.n]));
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
      status: r.status,
      createdAt: r.createdAt.toISOString(),
      steps: stepRows.filter((s) => s.sequenceId === r.id).map((s) => ({ id: s.id, position: s.position, templateId: s.templateId, subject: s.subject, delayDays: s.delayDays, waiting: waitingBy.get(s.id) ?? 0 })),
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
    const ws = await workspaceProfile(tx, ctx.workspaceId);
    if (!ws?.mailingAddress?.trim()) throw postalAddressMissing();
    const seq = await sequenceRow(tx, ctx.workspaceId, sequenceId);
    if (seq.status !== 'active') throw conflict('sequence_draft', 'This sequence is a draft: make it active before enrolling contacts.', { status: seq.status });
    const [first] = await tx
      .select({ id: steps.id, delayDays: steps.delayDays })
      .from(steps)
      .where(and(eq(steps.workspaceId, ctx.workspaceId), eq(steps.sequenceId, sequenceId), isNull(steps.removedAt)))
      .orderBy(asc(steps.position))
      .limit(1);
    const where = await audienceWhere(tx, ctx, { viewId });
    const suppressed = (c: ContactFields) => sql`EXISTS (SELECT 1 FROM ${outreachSuppressions} s WHERE s.workspace_id = ${c.workspaceId} AND s.address_hash = ${emailHashSql(c.email)})`;
    const rows = await selectContacts(
      tx,
      (c) => ({
        id: c.id,
        timeZone: c.timeZone,
        phone: c.phone,
        postalCode: c.postalCode,
        country: c.country,
        reason: sql<string | null>`coalesce(${recipientReason(c)}, CASE WHEN ${suppressed(c)} THEN 'suppressed' END)`,
      }),
      where,
    ).limit(MAX_ENROL + 1);
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
      values.push({ workspaceId: ctx.workspaceId, sequenceId, contactId: r.id, nextStepId: first?.id ?? null, timeZone: zones.join(','), nextSendAt: nextSendTime(due, zones), enrolledBy: ctx.userId });
    }
    let enrolled = 0;
    for (let i = 0; i < values.length; i += 500) {
      enrolled += (await tx.insert(enrolments).values(values.slice(i, i + 500)).onConflictDoNothing().returning({ id: enrolments.contactId })).length;
    }
    if (enrolled) await scheduleSequenceRun(tx, new Date(Math.min(...values.map((v) => v.nextSendAt.getTime()))));
    return { enrolled, alreadyEnrolled: eligible.length - enrolled, skipped: [...skipped].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count) };
  });
}

const presentEnrolment = (r: typeof enrolments.$inferSelect & { name: string | null }): Enrolment => ({
  contactId: r.contactId,
  name: r.name ?? 'Deleted contact',
  state: r.state,
  currentStep: r.currentStep,
  nextSendAt: r.nextSendAt?.toISOString() ?? null,
  nextStepId: r.nextStepId,
  pausedUntil: r.pausedUntil?.toISOString() ?? null,
  timeZone: r.timeZone,
  stopReason: r.stopReason,
  lastSentAt: r.lastSentAt?.toISOString() ?? null,
  enrolledAt: r.enrolledAt.toISOString(),
  endedAt: r.endedAt?.toISOString() ?? null,
});

async function enrolmentRows(tx: Tx, workspaceId: string, sequenceId: string, filter: { state?: State | undefined; contactId?: string; limit: number }) {
  const rows = await tx
    .select({ e: enrolments, name: contactNameOf(enrolments.workspaceId, enrolments.contactId) })
    .from(enrolments)
    .where(and(eq(enrolments.workspaceId, workspaceId), eq(enrolments.sequenceId, sequenceId), filter.state ? eq(enrolments.state, filter.state) : undefined, filter.contactId ? eq(enrolments.contactId, filter.contactId) : undefined))
    .orderBy(desc(enrolments.enrolledAt), enrolments.contactId)
    .limit(filter.limit);
  return rows.map((r) => presentEnrolment({ ...r.e, name: r.name }));
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
    if (row.state !== 'active' && row.state !== 'paused') throw conflict('enrolment_state', `This enrolment is ${row.state} already; only an active or paused one can be stopped.`, { state: row.state });
    await tx
      .update(enrolments)
      .set({ state: 'stopped', stopReason: 'stopped_by_user', nextSendAt: null, pausedUntil: null, endedAt: new Date() })
      .where(and(eq(enrolments.workspaceId, ctx.workspaceId), eq(enrolments.sequenceId, sequenceId), eq(enrolments.contactId, contactId)));
    return (await enrolmentRows(tx, ctx.workspaceId, sequenceId, { contactId, limit: 1 }))[0]!;
  });
}
