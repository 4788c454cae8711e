import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable, Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import { queueMail } from '../../platform/mail/outbox';
import type { Services } from '../../platform/services';
import { workspaceProfile, workspaceMembers } from '../workspaces';
import { activities, activityLinks } from './activities.schema';
import type { ActivityRow } from './activity-rows';

/**
 * CRM-4: a task's reminder email to its assignee. The job is keyed by the task, so a changed
 * reminder time replaces the pending job; the job itself re-reads the task and sends nothing
 * when it was completed, deleted, re-timed to later, or already reminded. The reminder is marked
 * sent in the same transaction that queues the mail, so it goes out at most once.
 */
export const taskReminderJob = defineJob({
  name: 'activities_task_reminder',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), activityId: z.uuid() }),
  maxAttempts: 5,
  async run({ workspaceId, activityId }, services) {
    await sendTaskReminder(services, workspaceId, activityId);
  },
});

/**
 * The safety net: a job lost (a restore from backup, a queue purged by an operator) must not
 * mean a reminder never goes out. Every five minutes, due reminders that were not sent are sent.
 */
// Crontab task names allow no dots, hence the underscores.
export const taskReminderSweepJob = defineJob({
  name: 'activities_task_reminder_sweep',
  version: 1,
  payload: z.object({}),
  cron: '*/5 * * * *',
  async run(_payload, services) {
    await sweepTaskReminders(services);
  },
});

/** Enqueues (or re-times) the reminder of a task, inside the transaction that set it. */
export async function scheduleReminder(tx: Queryable, row: Pick<ActivityRow, 'workspaceId' | 'id' | 'reminderAt'>): Promise<void> {
  if (!row.reminderAt) return;
  await enqueue(tx, taskReminderJob, { workspaceId: row.workspaceId, activityId: row.id }, { workspaceId: row.workspaceId, runAt: row.reminderAt, jobKey: `task-reminder:${row.id}` });
}

// Clock skew between the app and the database, and the poll interval of the worker.
const EARLY_TOLERANCE_MS = 5_000;

/** Sends one task's reminder if it is still due. Returns whether an email was queued. */
export async function sendTaskReminder(services: Services, workspaceId: string, activityId: string): Promise<boolean> {
  const { database, config, mail } = services;
  return withTenant(database.db, { workspaceId, userId: null }, async (tx) => {
    const [task] = await tx
      .select()
      .from(activities)
      .where(and(eq(activities.workspaceId, workspaceId), eq(activities.id, activityId)))
      .for('update');
    if (!task || task.kind !== 'task' || task.completedAt || task.reminderSentAt || !task.reminderAt || !task.assigneeUserId) return false;
    if (task.reminderAt.getTime() > Date.now() + EARLY_TOLERANCE_MS) return false;
    const [assignee] = await workspaceMembers(tx, workspaceId, { userIds: [task.assigneeUserId] });
    // Someone who left the workspace is not mailed about its work; the reminder is spent.
    if (assignee) {
      const ws = await workspaceProfile(tx, workspaceId);
      const url = await taskUrl(tx, config.publicUrl, workspaceId, activityId);
      await queueMail(tx, mail.from, assignee.email, 'taskReminder', {
        name: assignee.name,
        title: task.subject ?? 'A task',
        due: task.taskDueAt ? formatDue(task.taskDueAt, ws?.timeZone ?? 'UTC') : null,
        workspaceName: ws?.name ?? 'your workspace',
        url,
      });
    }
    await tx.update(activities).set({ reminderSentAt: new Date() }).where(and(eq(activities.workspaceId, workspaceId), eq(activities.id, activityId)));
    return !!assignee;
  });
}

/** The first record the task is about (direct links first), else the task list. */
async function taskUrl(tx: Tx, publicUrl: string, workspaceId: string, activityId: string): Promise<string> {
  const [link] = await tx
    .select({ recordType: activityLinks.recordType, recordId: activityLinks.recordId })
    .from(activityLinks)
    .where(and(eq(activityLinks.workspaceId, workspaceId), eq(activityLinks.activityId, activityId)))
    .orderBy(activityLinks.inferred, sql`CASE ${activityLinks.recordType} WHEN 'contacts' THEN 0 WHEN 'deals' THEN 1 ELSE 2 END`)
    .limit(1);
  const base = `${publicUrl}/w/${workspaceId}`;
  return link ? `${base}/${link.recordType}/${link.recordId}` : `${base}/tasks`;
}

function formatDue(at: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone, timeZoneName: 'short' }).format(at);
  } catch {
    return at.toISOString();
  }
}

/** Sends every due, unsent reminder of an open task, across workspaces. Returns how many were queued. */
export async function sweepTaskReminders(services: Services, limit = 500): Promise<number> {
  const due = await services.database.system
    .select({ workspaceId: activities.workspaceId, id: activities.id })
    .from(activities)
    .where(and(isNotNull(activities.reminderAt), lte(activities.reminderAt, new Date()), isNull(activities.reminderSentAt), isNull(activities.completedAt)))
    .orderBy(activities.reminderAt)
    .limit(limit);
  let sent = 0;
  for (const task of due) if (await sendTaskReminder(services, task.workspaceId, task.id)) sent++;
  return sent;
}
