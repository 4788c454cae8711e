import { and, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { contacts, deals } from '../crm/crm.schema';
import { FieldErrors } from '../../platform/http/field-errors';
import type { Activity, ActivityKind, CallOutcome, CreateActivityInput, RecordLink } from './activities.contract';
import { activities, activityLinks } from './activities.schema';
import { checkAssignee, presentActivity, resolveLinks, writeLinks, type ActivityRow } from './activity-rows';
import { htmlToText, isSanitisedBody, sanitiseRichText, type SanitisedBody } from './sanitise-html';
import { scheduleReminder } from './task-reminder.job';

/** CRM-4: adds a note, call, email, meeting or task to the timelines of the records it links. */
export async function createActivity(db: Db, ctx: WorkspaceContext, input: CreateActivityInput): Promise<Activity> {
  return withTenant(db, ctx, async (tx) => {
    const row = await insertActivity(tx, ctx, input);
    return presentActivity(tx, ctx, row);
  });
}

/**
 * What other modules (imports, AI agents, the inbox) call to put an item on a timeline inside
 * their own transaction. Chat and WhatsApp messages come this way. Links are checked like a
 * person's input; a bad one fails the caller's transaction with a field error.
 */
export interface LogActivityInput {
  kind: ActivityKind;
  subject?: string | null;
  /** HTML; sanitised like a person's note. `logActivities` also takes a body a `SanitisedTemplate` filled (sanitised once for many). */
  body?: string | SanitisedBody | null;
  occurredAt?: Date;
  links: RecordLink[];
  callOutcome?: CallOutcome | null;
  callDurationSeconds?: number | null;
  /** CALL-1: the call script used on the call. */
  callScript?: { id: string; name: string } | null;
  emailDirection?: 'outbound' | 'inbound';
  emailFrom?: string | null;
  emailTo?: string[];
  meetingStartsAt?: Date | null;
  meetingEndsAt?: Date | null;
  meetingLocation?: string | null;
  taskDueAt?: Date | null;
  assigneeUserId?: string | null;
  reminderAt?: Date | null;
}

export async function logActivity(tx: Tx, ctx: WorkspaceContext, input: LogActivityInput): Promise<{ id: string }> {
  const iso = (d: Date | null | undefined) => (d === undefined ? undefined : d === null ? null : d.toISOString());
  const row = await insertActivity(tx, ctx, {
    ...input,
    body: isSanitisedBody(input.body) ? input.body.html : input.body,
    occurredAt: iso(input.occurredAt) ?? undefined,
    meetingStartsAt: iso(input.meetingStartsAt),
    meetingEndsAt: iso(input.meetingEndsAt),
    taskDueAt: iso(input.taskDueAt),
    reminderAt: iso(input.reminderAt),
  } as unknown as CreateActivityInput);
  return { id: row.id };
}

/** Dates arrive as ISO strings; they are stored at millisecond precision so keyset cursors are exact. */
const toDate = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));

async function insertActivity(tx: Tx, ctx: WorkspaceContext, input: CreateActivityInput): Promise<ActivityRow> {
  const errors = new FieldErrors();
  const fields = input as Partial<Record<string, unknown>> & CreateActivityInput;
  const links = await resolveLinks(tx, ctx, input.links ?? [], errors);
  if (input.kind !== 'task' && !(input.links ?? []).length) errors.add('links', 'Link at least one contact, company or deal.');

  const body = sanitiseRichText(input.body);
  const meetingStartsAt = toDate(fields.meetingStartsAt as string | null | undefined);
  const meetingEndsAt = toDate(fields.meetingEndsAt as string | null | undefined);
  if (meetingStartsAt && meetingEndsAt && meetingEndsAt < meetingStartsAt) errors.add('meetingEndsAt', 'The meeting cannot end before it starts.');
  const isTask = input.kind === 'task';
  const assigneeUserId = isTask ? ((fields.assigneeUserId as string | null | undefined) === undefined ? ctx.userId : (fields.assigneeUserId as string | null)) : null;
  if (isTask) await checkAssignee(tx, ctx, assigneeUserId, errors);
  const reminderAt = isTask ? toDate(fields.reminderAt as string | null | undefined) ?? null : null;
  if (reminderAt && !assigneeUserId) errors.add('reminderAt', 'A reminder needs an assignee to remind.');
  errors.throwIfAny();

  // A meeting sits on the timeline at its start; everything else when it happened or was written.
  const occurredAt = toDate(input.occurredAt) ?? meetingStartsAt ?? new Date();
  const [row] = await tx
    .insert(activities)
    .values({
      workspaceId: ctx.workspaceId,
      kind: input.kind,
      subject: input.subject ?? null,
      body,
      bodyText: body ? htmlToText(body) : null,
      occurredAt,
      callOutcome: (fields.callOutcome as ActivityRow['callOutcome']) ?? null,
      callDurationSeconds: (fields.callDurationSeconds as number | null | undefined) ?? null,
      callScriptId: (fields.callScript as LogActivityInput['callScript'])?.id ?? null,
      callScriptName: (fields.callScript as LogActivityInput['callScript'])?.name ?? null,
      emailDirection: input.kind === 'email' ? ((fields.emailDirection as ActivityRow['emailDirection']) ?? 'outbound') : null,
      emailFrom: (fields.emailFrom as string | null | undefined) ?? null,
      emailTo: (fields.emailTo as string[] | undefined) ?? [],
      meetingStartsAt: meetingStartsAt ?? null,
      meetingEndsAt: meetingEndsAt ?? null,
      meetingLocation: (fields.meetingLocation as string | null | undefined) ?? null,
      taskDueAt: isTask ? (toDate(fields.taskDueAt as string | null | undefined) ?? null) : null,
      assigneeUserId,
      reminderAt,
      authorUserId: ctx.userId,
    })
    .returning();
  await writeLinks(tx, ctx, row!, links);
  if (row!.reminderAt) await scheduleReminder(tx, row!);
  return row!;
}

/**
 * CRM-4: many timeline items in one go inside the caller's transaction (a campaign's batch of sent
 * mails): links checked once for all of them, the rows and their links written in one statement
 * each. Not for tasks (reminders are scheduled one by one through `logActivity`).
 */
export async function logActivities(tx: Tx, ctx: WorkspaceContext, inputs: LogActivityInput[]): Promise<void> {
  if (!inputs.length) return;
  if (inputs.some((i) => i.kind === 'task' || !i.links.length)) throw new Error('logActivities takes linked, non-task items only');
  const errors = new FieldErrors();
  const unique = new Map(inputs.flatMap((i) => i.links).map((l) => [`${l.recordType}:${l.recordId}`, l]));
  // Every link checked as `logActivity` checks it; the companies inferred from contacts and deals found once.
  await resolveLinks(tx, ctx, [...unique.values()], errors);
  errors.throwIfAny();
  const contactIds = [...unique.values()].filter((l) => l.recordType === 'contacts').map((l) => l.recordId);
  const dealIds = [...unique.values()].filter((l) => l.recordType === 'deals').map((l) => l.recordId);
  const [cs, ds] = await Promise.all([
    contactIds.length ? tx.select({ id: contacts.id, companyId: contacts.companyId }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, contactIds))) : [],
    dealIds.length ? tx.select({ id: deals.id, companyId: deals.companyId }).from(deals).where(and(eq(deals.workspaceId, ctx.workspaceId), inArray(deals.id, dealIds))) : [],
  ]);
  const companyOf = new Map([...cs, ...ds].map((r) => [r.id, r.companyId]));
  const now = new Date();
  // Bodies repeat across a batch only when not personalised; each distinct one is sanitised once.
  const clean = new Map<string, string | null>();
  // The rows go as one JSON parameter (jsonb_to_recordset), not through the query builder: a
  // campaign logs a timeline entry per mail, and drizzle's insert of many rows builds a chunk per
  // column per row (most of them `default`), which was most of what a campaign allocated (issue 17).
  const rows = inputs.map((input) => {
    const raw = input.body ?? null;
    let body: string | null | undefined;
    let bodyText: string | null;
    if (isSanitisedBody(raw)) {
      ({ html: body, text: bodyText } = raw);
    } else {
      if (typeof raw === 'object' && raw !== null) throw new Error('A timeline body is HTML or a SanitisedTemplate filling');
      body = raw === null ? null : clean.get(raw);
      if (body === undefined) clean.set(raw!, (body = sanitiseRichText(raw)));
      bodyText = body ? htmlToText(body) : null;
    }
    return {
      id: uuidv7(),
      kind: input.kind,
      subject: input.subject ?? null,
      body: body ?? null,
      body_text: bodyText,
      occurred_at: (input.occurredAt ?? now).toISOString(),
      call_outcome: input.callOutcome ?? null,
      call_duration_seconds: input.callDurationSeconds ?? null,
      call_script_id: input.callScript?.id ?? null,
      call_script_name: input.callScript?.name ?? null,
      email_direction: input.kind === 'email' ? (input.emailDirection ?? 'outbound') : null,
      email_from: input.emailFrom ?? null,
      email_to: input.emailTo ?? [],
      meeting_starts_at: input.meetingStartsAt?.toISOString() ?? null,
      meeting_ends_at: input.meetingEndsAt?.toISOString() ?? null,
      meeting_location: input.meetingLocation ?? null,
    };
  });
  await tx.execute(sql`
    INSERT INTO ${activities} (workspace_id, id, kind, subject, body, body_text, occurred_at, call_outcome, call_duration_seconds, call_script_id, call_script_name, email_direction, email_from, email_to, meeting_starts_at, meeting_ends_at, meeting_location, author_user_id)
    SELECT ${ctx.workspaceId}::uuid, r.id, r.kind, r.subject, r.body, r.body_text, r.occurred_at, r.call_outcome, r.call_duration_seconds, r.call_script_id, r.call_script_name, r.email_direction, r.email_from, r.email_to, r.meeting_starts_at, r.meeting_ends_at, r.meeting_location, ${ctx.userId}::uuid
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, kind text, subject text, body text, body_text text, occurred_at timestamptz, call_outcome text, call_duration_seconds integer, call_script_id uuid, call_script_name text, email_direction text, email_from text, email_to text[], meeting_starts_at timestamptz, meeting_ends_at timestamptz, meeting_location text)`);
  const links = rows.flatMap((row, i) => {
    const out = new Map<string, { recordType: RecordLink['recordType']; recordId: string; inferred: boolean }>();
    for (const l of inputs[i]!.links) out.set(`${l.recordType}:${l.recordId}`, { recordType: l.recordType, recordId: l.recordId, inferred: false });
    for (const l of inputs[i]!.links) {
      const companyId = l.recordType === 'companies' ? null : companyOf.get(l.recordId);
      if (companyId && !out.has(`companies:${companyId}`)) out.set(`companies:${companyId}`, { recordType: 'companies', recordId: companyId, inferred: true });
    }
    return [...out.values()].map((l) => ({ activity_id: row.id, occurred_at: row.occurred_at, kind: row.kind, record_type: l.recordType, record_id: l.recordId, inferred: l.inferred }));
  });
  if (links.length)
    await tx.execute(sql`
      INSERT INTO ${activityLinks} (workspace_id, activity_id, occurred_at, kind, record_type, record_id, inferred)
      SELECT ${ctx.workspaceId}::uuid, l.activity_id, l.occurred_at, l.kind, l.record_type, l.record_id, l.inferred
      FROM jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS l(activity_id uuid, occurred_at timestamptz, kind text, record_type text, record_id uuid, inferred boolean)`);
}

/** CRM-4: a logged item's body rewritten inside the caller's transaction (a website chat's transcript kept up to date as the conversation goes on). */
export async function replaceActivityBody(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>, id: string, html: string): Promise<void> {
  const body = sanitiseRichText(html);
  await tx
    .update(activities)
    .set({ body, bodyText: htmlToText(body), updatedAt: sql`now()` })
    .where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)));
}
