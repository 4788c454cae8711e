import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { contacts, deals } from '../crm/crm.schema';
import { FieldErrors } from '../crm/normalise';
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
  const rows = await tx
    .insert(activities)
    .values(
      inputs.map((input) => {
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
          workspaceId: ctx.workspaceId,
          kind: input.kind,
          subject: input.subject ?? null,
          body,
          bodyText,
          occurredAt: input.occurredAt ?? now,
          callOutcome: input.callOutcome ?? null,
          callDurationSeconds: input.callDurationSeconds ?? null,
          callScriptId: input.callScript?.id ?? null,
          callScriptName: input.callScript?.name ?? null,
          emailDirection: input.kind === 'email' ? (input.emailDirection ?? 'outbound') : null,
          emailFrom: input.emailFrom ?? null,
          emailTo: input.emailTo ?? [],
          meetingStartsAt: input.meetingStartsAt ?? null,
          meetingEndsAt: input.meetingEndsAt ?? null,
          meetingLocation: input.meetingLocation ?? null,
          authorUserId: ctx.userId,
        };
      }),
    )
    .returning({ id: activities.id, occurredAt: activities.occurredAt, kind: activities.kind });
  const links = rows.flatMap((row, i) => {
    const out = new Map<string, { recordType: RecordLink['recordType']; recordId: string; inferred: boolean }>();
    for (const l of inputs[i]!.links) out.set(`${l.recordType}:${l.recordId}`, { recordType: l.recordType, recordId: l.recordId, inferred: false });
    for (const l of inputs[i]!.links) {
      const companyId = l.recordType === 'companies' ? null : companyOf.get(l.recordId);
      if (companyId && !out.has(`companies:${companyId}`)) out.set(`companies:${companyId}`, { recordType: 'companies', recordId: companyId, inferred: true });
    }
    return [...out.values()].map((l) => ({ workspaceId: ctx.workspaceId, activityId: row.id, occurredAt: row.occurredAt, kind: row.kind, ...l }));
  });
  if (links.length) await tx.insert(activityLinks).values(links);
}
