import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { recordAudit } from '../audit/record-audit';
import type { BusinessHours, updateWidgetSettingsBody, weekdays, widgetSettingsSchema } from './conversations.contract';
import { widgetSettings } from './conversations.schema';
import type { z } from 'zod';

export type WidgetSettingsRow = typeof widgetSettings.$inferSelect;

/** The workspace's widget settings, made with defaults the first time a manager opens them. */
export async function ensureSettings(tx: Tx, workspaceId: string): Promise<WidgetSettingsRow> {
  await tx.insert(widgetSettings).values({ workspaceId }).onConflictDoNothing();
  const [row] = await tx.select().from(widgetSettings).where(eq(widgetSettings.workspaceId, workspaceId));
  return row!;
}

export async function readSettings(tx: Tx, workspaceId: string): Promise<WidgetSettingsRow | undefined> {
  const [row] = await tx.select().from(widgetSettings).where(eq(widgetSettings.workspaceId, workspaceId));
  return row;
}

/**
 * CONV-1: the origins allowed to embed a workspace's widget, cached for a few seconds so that a
 * page's calls (and a flood of made-up origins) do not each open a transaction. A change of the
 * settings on this instance takes effect at once; on other instances within {@link ORIGIN_CACHE_MS}.
 */
const ORIGIN_CACHE_MS = 10_000;
const ORIGIN_CACHE_MAX = 5000;
const originCache = new Map<string, { origins: string[]; until: number }>();

/** The cached origins, or undefined when they must be read again. */
export function cachedAllowedOrigins(workspaceId: string): string[] | undefined {
  const hit = originCache.get(workspaceId);
  if (hit && hit.until > Date.now()) return hit.origins;
  originCache.delete(workspaceId);
  return undefined;
}

export async function allowedOrigins(db: Db, workspaceId: string): Promise<string[]> {
  const cached = cachedAllowedOrigins(workspaceId);
  if (cached) return cached;
  const settings = await withTenant(db, { workspaceId, userId: null }, (tx) => readSettings(tx, workspaceId));
  const origins = settings?.allowedOrigins ?? [];
  if (originCache.size >= ORIGIN_CACHE_MAX) originCache.delete(originCache.keys().next().value!);
  originCache.set(workspaceId, { origins, until: Date.now() + ORIGIN_CACHE_MS });
  return origins;
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

export async function getWidgetSettings(db: Db, ctx: WorkspaceContext, publicUrl: string) {
  return withTenant(db, ctx, async (tx) => present(await ensureSettings(tx, ctx.workspaceId), publicUrl));
}

/** CONV-1: a manager changes the widget; audited (allowed origins decide who may embed it). */
export async function updateWidgetSettings(db: Db, ctx: WorkspaceContext, publicUrl: string, input: z.infer<typeof updateWidgetSettingsBody>) {
  return withTenant(db, ctx, async (tx) => {
    await ensureSettings(tx, ctx.workspaceId);
    const [row] = await tx
      .update(widgetSettings)
      .set({ ...input, updatedAt: sql`now()` })
      .where(eq(widgetSettings.workspaceId, ctx.workspaceId))
      .returning();
    originCache.delete(ctx.workspaceId);
    await recordAudit(tx, ctx, { action: 'widget.settings_changed', targetType: 'widget', targetId: ctx.workspaceId, details: { fields: Object.keys(input) } });
    return present(row!, publicUrl);
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
