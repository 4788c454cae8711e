import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { FieldErrors } from '../crm/normalise';
import type { Activity, ActivityKind, CallOutcome, CreateActivityInput, RecordLink } from './activities.contract';
import { activities } from './activities.schema';
import { checkAssignee, presentActivity, resolveLinks, writeLinks, type ActivityRow } from './activity-rows';
import { htmlToText, sanitiseRichText } from './sanitise-html';
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
  /** HTML; sanitised like a person's note. */
  body?: string | null;
  occurredAt?: Date;
  links: RecordLink[];
  callOutcome?: CallOutcome | null;
  callDurationSeconds?: number | null;
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
