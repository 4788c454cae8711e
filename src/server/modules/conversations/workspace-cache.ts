import { eq } from 'drizzle-orm';
import type { Queryable, Tx } from '../../platform/db/database';
import { publish, type Realtime } from '../../platform/realtime/realtime';
import { knowledgeChunks, widgetSettings } from './conversations.schema';

/**
 * Issue 15: what the widget and the assistant read for every message — the workspace's widget
 * settings and whether its knowledge is indexed by meaning — kept per app instance. A change
 * publishes an event (LISTEN/NOTIFY) in the writer's transaction, so every instance on the
 * database forgets its copy when the change commits. While the LISTEN connection is down (or
 * after it came back: notifications in between are lost) nothing cached is trusted.
 */
export const SETTINGS_CHANGED = 'widget_settings_changed';
export const KNOWLEDGE_CHANGED = 'knowledge_changed';
const KINDS: ReadonlySet<string> = new Set([SETTINGS_CHANGED, KNOWLEDGE_CHANGED]);
/** Workspaces kept per kind; the oldest goes first. */
const MAX_WORKSPACES = 5_000;
/** A last guard against a change that did not announce itself (a hand edit in psql). */
const MAX_AGE_MS = 5 * 60_000;

export type WidgetSettingsRow = typeof widgetSettings.$inferSelect;

interface Slot<T> {
  value: T;
  epoch: number;
  at: number;
}

class Shelf<T> {
  private readonly slots = new Map<string, Slot<T>>();
  /** Bumped on each change of a workspace: a read that began before it must not be kept. */
  private readonly changes = new Map<string, number>();

  constructor(private readonly realtime: Realtime) {}

  get(workspaceId: string): T | undefined {
    const slot = this.slots.get(workspaceId);
    if (!slot) return undefined;
    if (slot.epoch === this.realtime.generation && this.realtime.listening && Date.now() - slot.at < MAX_AGE_MS) return slot.value;
    this.slots.delete(workspaceId);
    return undefined;
  }

  async read(workspaceId: string, load: () => Promise<T>, keep: (value: T) => boolean = () => true): Promise<T> {
    const hit = this.get(workspaceId);
    if (hit !== undefined) return hit;
    const change = this.changes.get(workspaceId) ?? 0;
    const epoch = this.realtime.generation;
    const listening = this.realtime.listening;
    const value = await load();
    if (listening && keep(value) && epoch === this.realtime.generation && change === (this.changes.get(workspaceId) ?? 0)) {
      if (this.slots.size >= MAX_WORKSPACES) this.slots.delete(this.slots.keys().next().value!);
      this.slots.set(workspaceId, { value, epoch, at: Date.now() });
    }
    return value;
  }

  forget(workspaceId: string): void {
    this.slots.delete(workspaceId);
    this.changes.set(workspaceId, (this.changes.get(workspaceId) ?? 0) + 1);
    // The counters only need to outlive reads in flight; a bounded map is enough.
    if (this.changes.size > MAX_WORKSPACES) this.changes.delete(this.changes.keys().next().value!);
  }
}

class WorkspaceCache {
  readonly settings: Shelf<WidgetSettingsRow | null>;
  /** Per workspace: the embedding models its knowledge is known to be indexed with. */
  readonly indexed: Shelf<ReadonlySet<string>>;

  constructor(realtime: Realtime) {
    this.settings = new Shelf(realtime);
    this.indexed = new Shelf(realtime);
    realtime.watch(KINDS, (e) => this.changed(e.w, e.k));
  }

  changed(workspaceId: string, kind: string): void {
    if (kind === SETTINGS_CHANGED) this.settings.forget(workspaceId);
    else this.indexed.forget(workspaceId);
  }
}

const caches = new WeakMap<Realtime, WorkspaceCache>();
function cacheOf(realtime: Realtime): WorkspaceCache {
  let cache = caches.get(realtime);
  if (!cache) caches.set(realtime, (cache = new WorkspaceCache(realtime)));
  return cache;
}

export type HasRealtime = { realtime: Realtime };

/** The workspace's widget settings (null: none yet), from this instance's copy when it has one. */
export function cachedSettings(services: HasRealtime, tx: Tx, workspaceId: string): Promise<WidgetSettingsRow | null> {
  return cacheOf(services.realtime).settings.read(workspaceId, async () => (await tx.select().from(widgetSettings).where(eq(widgetSettings.workspaceId, workspaceId)))[0] ?? null);
}

/** The copy this instance holds, if any, without reading. */
export function peekSettings(services: HasRealtime, workspaceId: string): WidgetSettingsRow | null | undefined {
  return cacheOf(services.realtime).settings.get(workspaceId);
}

/** Whether the knowledge has chunks embedded with `model`. Kept once some are (the index job announces its changes). */
export async function knowledgeIndexedWith(services: HasRealtime, tx: Tx, workspaceId: string, model: string): Promise<boolean> {
  const shelf = cacheOf(services.realtime).indexed;
  const known = shelf.get(workspaceId);
  if (known?.has(model)) return true;
  const modelsIn = async () => new Set((await tx.selectDistinct({ model: knowledgeChunks.model }).from(knowledgeChunks).where(eq(knowledgeChunks.workspaceId, workspaceId))).map((r) => r.model));
  // Known, but not with this model (the provider changed): read again, keep nothing until the job announces.
  const models = known ? await modelsIn() : await shelf.read(workspaceId, modelsIn, (found) => found.size > 0);
  return models.has(model);
}

/**
 * Announces a change of the workspace's widget settings or knowledge, in the writer's transaction
 * (every instance forgets its copy when it commits), and forgets this instance's copy now.
 */
export async function announceChange(services: HasRealtime, tx: Queryable, workspaceId: string, kind: typeof SETTINGS_CHANGED | typeof KNOWLEDGE_CHANGED): Promise<void> {
  cacheOf(services.realtime).changed(workspaceId, kind);
  await publish(tx, { w: workspaceId, c: null, e: null, k: kind });
}
