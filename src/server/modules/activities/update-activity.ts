import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import { FieldErrors } from '../../platform/http/field-errors';
import type { Activity, ActivityKind, UpdateActivityInput } from './activities.contract';
import { activities } from './activities.schema';
import { assertMayChange, checkAssignee, findActivityRow, presentActivity, resolveLinks, syncLinkTimes, writeLinks, type ActivityRow } from './activity-rows';
import { htmlToText, sanitiseRichText } from './sanitise-html';
import { scheduleReminder } from './task-reminder.job';

/** Which kind-specific fields each kind has; the rest are refused on update. */
const kindFields: Record<ActivityKind, (keyof UpdateActivityInput)[]> = {
  note: [],
  call: ['callOutcome', 'callDurationSeconds'],
  email: ['emailDirection', 'emailFrom', 'emailTo'],
  meeting: ['meetingStartsAt', 'meetingEndsAt', 'meetingLocation'],
  task: ['taskDueAt', 'assigneeUserId', 'reminderAt'],
  chat: [],
  whatsapp: [],
};
const commonFields: (keyof UpdateActivityInput)[] = ['version', 'subject', 'body', 'occurredAt', 'links'];

const toDate = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : new Date(v));
const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * CRM-4: changes the fields given. The body names the version it was based on; when someone
 * saved in between, nothing is written and the caller gets 409 with the item as it is now.
 */
export async function updateActivity(db: Db, ctx: WorkspaceContext, id: string, input: UpdateActivityInput): Promise<Activity> {
  return withTenant(db, ctx, async (tx) => {
    const before = await findActivityRow(tx, ctx, id, { lock: true });
    if (!before) throw notFound('Activity');
    assertMayChange(ctx, before, 'change');
    if (before.version !== input.version) {
      throw conflict('version_conflict', 'Someone else changed this item since you opened it. Review the current version and try again.', { current: await presentActivity(tx, ctx, before) });
    }

    const errors = new FieldErrors();
    const allowed = new Set([...commonFields, ...kindFields[before.kind]]);
    for (const key of Object.keys(input) as (keyof UpdateActivityInput)[]) {
      if (input[key] !== undefined && !allowed.has(key)) errors.add(key, `A ${before.kind} has no such field.`);
    }

    const set: Partial<ActivityRow> = {};
    if (input.subject !== undefined) set.subject = input.subject || null;
    if (input.body !== undefined) {
      set.body = sanitiseRichText(input.body);
      set.bodyText = set.body ? htmlToText(set.body) : null;
    }
    if (input.occurredAt !== undefined) set.occurredAt = new Date(input.occurredAt);
    if (input.callOutcome !== undefined) set.callOutcome = input.callOutcome;
    if (input.callDurationSeconds !== undefined) set.callDurationSeconds = input.callDurationSeconds;
    if (input.emailDirection !== undefined) set.emailDirection = input.emailDirection;
    if (input.emailFrom !== undefined) set.emailFrom = input.emailFrom;
    if (input.emailTo !== undefined) set.emailTo = input.emailTo;
    if (input.meetingStartsAt !== undefined) set.meetingStartsAt = toDate(input.meetingStartsAt);
    if (input.meetingEndsAt !== undefined) set.meetingEndsAt = toDate(input.meetingEndsAt);
    if (input.meetingLocation !== undefined) set.meetingLocation = input.meetingLocation || null;
    if (input.taskDueAt !== undefined) set.taskDueAt = toDate(input.taskDueAt);
    if (input.assigneeUserId !== undefined) set.assigneeUserId = input.assigneeUserId;
    if (input.reminderAt !== undefined) set.reminderAt = toDate(input.reminderAt);
    const after = { ...before, ...set };

    // What each kind cannot be without, as on create.
    if (before.kind === 'note' && !after.body) errors.add('body', 'Write the note.');
    if (before.kind === 'call' && !after.callOutcome) errors.add('callOutcome', 'Choose the outcome of the call.');
    if ((before.kind === 'email' || before.kind === 'meeting' || before.kind === 'task') && !after.subject) errors.add('subject', 'This cannot be empty.');
    if (before.kind === 'meeting' && !after.meetingStartsAt) errors.add('meetingStartsAt', 'Enter when the meeting starts.');
    if (after.meetingStartsAt && after.meetingEndsAt && after.meetingEndsAt < after.meetingStartsAt) errors.add('meetingEndsAt', 'The meeting cannot end before it starts.');
    if (set.assigneeUserId !== undefined && set.assigneeUserId !== before.assigneeUserId) await checkAssignee(tx, ctx, set.assigneeUserId, errors);
    if (after.reminderAt && !after.assigneeUserId) errors.add('reminderAt', 'A reminder needs an assignee to remind.');
    if (input.links && !input.links.length && before.kind !== 'task') errors.add('links', 'Link at least one contact, company or deal.');
    const links = input.links ? await resolveLinks(tx, ctx, input.links, errors) : undefined;
    errors.throwIfAny();

    // A meeting moved to another time moves on the timeline too, unless a time was given.
    if (before.kind === 'meeting' && set.meetingStartsAt && input.occurredAt === undefined && same(before.occurredAt, before.meetingStartsAt)) set.occurredAt = set.meetingStartsAt;
    // A new reminder time is a new reminder: the old one having been sent does not stop it.
    const reminderMoved = set.reminderAt !== undefined && !same(set.reminderAt, before.reminderAt);
    if (reminderMoved) set.reminderSentAt = null;

    const [row] = await tx
      .update(activities)
      .set({ ...set, version: before.version + 1, updatedAt: new Date() })
      .where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)))
      .returning();
    if (links) await writeLinks(tx, ctx, row!, links);
    else if (!same(row!.occurredAt, before.occurredAt)) await syncLinkTimes(tx, ctx, row!);
    if (reminderMoved && row!.reminderAt) await scheduleReminder(tx, row!);
    return presentActivity(tx, ctx, row!);
  });
}
