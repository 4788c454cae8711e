import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { recordAudit } from '../audit';
import type { BusinessHours, updateWidgetSettingsBody, weekdays, widgetSettingsSchema } from './conversations.contract';
import { widgetSettings } from './conversations.schema';
import type { Services } from '../../platform/services';
import type { Realtime } from '../../platform/realtime/realtime';
import { announceChange, cachedSettings, peekSettings, SETTINGS_CHANGED, type WidgetSettingsRow } from './workspace-cache';

type HasRealtime = { realtime: Realtime };
import type { z } from 'zod';

export type { WidgetSettingsRow } from './workspace-cache';

/** The workspace's widget settings, made with defaults the first time a manager opens them. */
export async function ensureSettings(services: HasRealtime, tx: Tx, workspaceId: string): Promise<WidgetSettingsRow> {
  const made = await tx.insert(widgetSettings).values({ workspaceId }).onConflictDoNothing().returning();
  if (made[0]) {
    // Instances that cached "no settings" learn of the new row.
    await announceChange(services, tx, workspaceId, SETTINGS_CHANGED);
    return made[0];
  }
  const [row] = await tx.select().from(widgetSettings).where(eq(widgetSettings.workspaceId, workspaceId));
  return row!;
}

/** The settings as stored (undefined: none yet), from this instance's copy when it has one (issue 15). */
export async function readSettings(services: HasRealtime, tx: Tx, workspaceId: string): Promise<WidgetSettingsRow | undefined> {
  return (await cachedSettings(services, tx, workspaceId)) ?? undefined;
}

/**
 * CONV-1: the origins allowed to embed a workspace's widget, from the instance's copy of the
 * settings, so that a page's calls (and a flood of made-up origins) do not each open a
 * transaction. A change on any instance takes effect on all at once (LISTEN/NOTIFY, issue 15).
 */
export function cachedAllowedOrigins(services: HasRealtime, workspaceId: string): string[] | undefined {
  const held = peekSettings(services, workspaceId);
  return held === undefined ? undefined : (held?.allowedOrigins ?? []);
}

export async function allowedOrigins(services: HasRealtime & { database: { db: Db } }, workspaceId: string): Promise<string[]> {
  const settings = await withTenant(services.database.db, { workspaceId, userId: null }, (tx) => cachedSettings(services, tx, workspaceId));
  return settings?.allowedOrigins ?? [];
}

export function scriptTag(publicUrl: string, workspaceId: string): string {
  return `<script src="${publicUrl.replace(/\/$/, '')}/widget.js" data-workspace="${workspaceId}" async></script>`;
}

function present(row: WidgetSettingsRow, publicUrl: string): z.infer<typeof widgetSettingsSchema> {
  return {
    enabled: row.enabled,
    title: row.title,
    greeting: row.greeting,
    accentColor: row.accentColor,
    position: row.position,
    allowedOrigins: row.allowedOrigins,
    businessHours: row.businessHours ?? null,
    privacyNotice: row.privacyNotice,
    privacyUrl: row.privacyUrl,
    questions: row.questions,
    assistantEnabled: row.assistantEnabled,
    autoAssign: row.autoAssign,
    assignCap: row.assignCap,
    scriptTag: scriptTag(publicUrl, row.workspaceId),
  };
}

export async function getWidgetSettings(services: Services, ctx: WorkspaceContext) {
  return withTenant(services.database.db, ctx, async (tx) => present(await ensureSettings(services, tx, ctx.workspaceId), services.config.publicUrl));
}

/** CONV-1: a manager changes the widget; audited (allowed origins decide who may embed it). */
export async function updateWidgetSettings(services: Services, ctx: WorkspaceContext, input: z.infer<typeof updateWidgetSettingsBody>) {
  return withTenant(services.database.db, ctx, async (tx) => {
    await ensureSettings(services, tx, ctx.workspaceId);
    const [row] = await tx
      .update(widgetSettings)
      .set({ ...input, updatedAt: sql`now()` })
      .where(eq(widgetSettings.workspaceId, ctx.workspaceId))
      .returning();
    // Issue 15: every instance forgets its copy when this commits.
    await announceChange(services, tx, ctx.workspaceId, SETTINGS_CHANGED);
    await recordAudit(tx, ctx, { action: 'widget.settings_changed', targetType: 'widget', targetId: ctx.workspaceId, details: { fields: Object.keys(input) } });
    return present(row!, services.config.publicUrl);
  });
}

const dayKeys: (typeof weekdays)[number][] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** CONV-1: whether `now` falls in the business hours, read in their time zone. No hours: always open. */
export function isOpen(hours: BusinessHours | null | undefined, now = new Date()): boolean {
  if (!hours) return true;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  } catch {
    return true;
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = dayKeys[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'))];
  const hhmm = `${get('hour').padStart(2, '0')}:${get('minute')}`;
  return (day ? (hours.days[day] ?? []) : []).some(([from, to]) => hhmm >= from && hhmm < to);
}
