import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Queryable } from '../db/database';
import { notifyAfterCommit } from '../db/tenant';

/**
 * What travels over NOTIFY: where something happened and, when a subscriber would otherwise read
 * it back for each of its streams, what it needs to show (`d`). `d` holds only what every
 * subscriber of the subject may see (a visitor-visible message, a status), never internal notes;
 * it travels inside the app's own database connection, as the rows themselves do. A payload that
 * would come near PostgreSQL's 8,000-byte limit is sent without `d`, and subscribers read instead.
 */
export interface RealtimeEvent {
  /** Workspace. */
  w: string;
  /** Conversation (or another subject) the event is about. */
  c: string | null;
  /** The event's id within its subject (a message's sequence number), for resuming. */
  e: number | null;
  /** Kind, e.g. `message`, `conversation`. */
  k: string;
  /** What the subject's subscribers show, so they need not read it (optional: read when absent). */
  d?: unknown;
  /**
   * For a message: the `e` of the subject's message before it (null: none), so a subscriber that
   * has not shown that one yet knows it missed something (events of different transactions may
   * arrive out of commit order) and reads instead. Absent: unknown.
   */
  p?: number | null;
}

/** Bytes of payload above which `d` is left out (PostgreSQL refuses 8,000 and more). */
export const PAYLOAD_LIMIT = 7_500;

export const REALTIME_CHANNEL = 'kestrel_events';

type Listener = (event: RealtimeEvent) => void;

export interface SubscribeOptions {
  /** Only events about this subject (a conversation id), plus `resync`. */
  subject?: string;
  /** Only events of these kinds, plus `resync`. */
  kinds?: ReadonlySet<string>;
}

interface Entry {
  workspaceId: string;
  key: string;
  fn: Listener;
  kinds: ReadonlySet<string> | null;
}

/**
 * Platform realtime: one dedicated LISTEN connection per app instance, fanned out in memory to
 * the SSE clients of this instance. Events are published with `pg_notify` inside the writer's
 * transaction, so they arrive only when the change commits, on every instance sharing the
 * database. The connection reconnects after a drop; clients resume from their last event id.
 *
 * Routing (CONV-4, issue 15): subscribers are kept by workspace and, when they name one, by
 * subject, so an event reaches only the streams that may show it (a visitor's stream: its own
 * conversation) in time proportional to those streams, not to every stream of the instance.
 * The payload is parsed once per instance.
 */
export class Realtime {
  private client: pg.Client | null = null;
  /** `w` → workspace-wide subscribers; `w c` → one subject's subscribers. */
  private readonly byKey = new Map<string, Set<Entry>>();
  private count = 0;
  /** Listeners of some kinds in every workspace (per-instance caches), see {@link watch}. */
  private readonly watchers = new Set<{ kinds: ReadonlySet<string>; fn: Listener }>();
  private epoch = 0;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** Resolves once LISTEN is in place (tests wait on it). */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.ready = this.connect();
    return this.ready;
  }

  private deliver(entries: Set<Entry> | undefined, event: RealtimeEvent): void {
    if (!entries) return;
    for (const l of entries) {
      if (l.kinds && !l.kinds.has(event.k) && event.k !== 'resync') continue;
      try {
        l.fn(event);
      } catch (error) {
        this.logger.warn({ err: error }, 'realtime listener failed');
      }
    }
  }

  /** Hands an event to the subscribers of its workspace and of its subject (public for tests of routing). */
  dispatch(event: RealtimeEvent): void {
    if (event.k === 'resync') {
      // Rare (a reconnect): every subscriber of the workspace re-reads, whatever its subject.
      for (const entries of [...this.byKey.values()]) this.deliver(new Set([...entries].filter((l) => l.workspaceId === event.w)), event);
      return;
    }
    for (const w of this.watchers) if (w.kinds.has(event.k)) w.fn(event);
    this.deliver(this.byKey.get(event.w), event);
    if (event.c !== null) this.deliver(this.byKey.get(`${event.w} ${event.c}`), event);
  }

  /**
   * Issue 15: calls `fn` for events of `kinds` in any workspace, for caches of this instance that
   * a change on any instance must clear. What was cached is trustworthy only while {@link epoch}
   * stays the same and {@link listening} is true: the epoch changes whenever the LISTEN connection
   * drops or comes back, since notifications sent in between are lost.
   */
  watch(kinds: ReadonlySet<string>, fn: Listener): () => void {
    const entry = { kinds, fn };
    this.watchers.add(entry);
    return () => this.watchers.delete(entry);
  }

  /** Whether LISTEN is in place now (a cache must not keep what it reads while it is not). */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Changes each time the LISTEN connection drops or comes back. */
  get generation(): number {
    return this.epoch;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'realtime connection lost; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    client.on('notification', (msg) => {
      if (msg.channel !== REALTIME_CHANNEL || !msg.payload) return;
      let event: RealtimeEvent;
      try {
        event = JSON.parse(msg.payload) as RealtimeEvent;
      } catch {
        return;
      }
      if (typeof event.w !== 'string') return;
      this.dispatch(event);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REALTIME_CHANNEL}`);
      this.client = client;
      this.epoch++;
      // Clients missed what happened while the connection was down: tell them to re-read.
      for (const entries of [...this.byKey.values()]) {
        for (const l of [...entries]) l.fn({ w: l.workspaceId, c: null, e: null, k: 'resync' });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'realtime LISTEN failed; retrying');
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || this.retry) return;
    if (this.client === client) {
      this.client = null;
      this.epoch++;
    }
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, 1000);
  }

  /**
   * Calls `fn` for the workspace's events (only `options.subject`'s and of `options.kinds`, when
   * given; `resync` always) until the returned function is called.
   */
  subscribe(workspaceId: string, fn: Listener, options: SubscribeOptions = {}): () => void {
    const key = options.subject === undefined ? workspaceId : `${workspaceId} ${options.subject}`;
    const entry: Entry = { workspaceId, key, fn, kinds: options.kinds ?? null };
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(entry);
    this.count++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.count--;
      const current = this.byKey.get(key);
      if (!current) return;
      current.delete(entry);
      if (!current.size) this.byKey.delete(key);
    };
  }

  get subscribers(): number {
    return this.count;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.byKey.clear();
    this.count = 0;
    const client = this.client;
    this.client = null;
    this.epoch++;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

/** The NOTIFY payload of an event: with its data when that fits, else without (subscribers read instead). */
export function payloadOf(event: RealtimeEvent): string {
  const full = JSON.stringify(event);
  if (event.d === undefined || Buffer.byteLength(full) <= PAYLOAD_LIMIT) return full;
  const { d: _dropped, ...bare } = event;
  return JSON.stringify(bare);
}

/**
 * Publishes an event; inside a transaction it is delivered when (and only if) the transaction
 * commits: right after the commit for a tenant transaction (issue 15, see notifyAfterCommit),
 * else from inside it.
 */
export async function publish(tx: Queryable, event: RealtimeEvent): Promise<void> {
  const payload = payloadOf(event);
  if (notifyAfterCommit(tx, REALTIME_CHANNEL, payload)) return;
  await tx.execute(sql`SELECT pg_notify(${REALTIME_CHANNEL}, ${payload})`);
}
