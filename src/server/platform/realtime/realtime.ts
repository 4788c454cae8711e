import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Queryable } from '../db/database';

/**
 * What travels over NOTIFY: only where something happened, never what. A subscriber re-reads
 * what its caller may see (CONV-4), so the payload leaks nothing and stays far below
 * PostgreSQL's 8,000-byte limit.
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
}

export const REALTIME_CHANNEL = 'kestrel_events';

type Listener = (event: RealtimeEvent) => void;

/**
 * Platform realtime: one dedicated LISTEN connection per app instance, fanned out in memory to
 * the SSE clients of this instance. Events are published with `pg_notify` inside the writer's
 * transaction, so they arrive only when the change commits, on every instance sharing the
 * database. The connection reconnects after a drop; clients resume from their last event id.
 */
export class Realtime {
  private client: pg.Client | null = null;
  private readonly listeners = new Set<{ workspaceId: string; fn: Listener }>();
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
      for (const l of this.listeners) {
        if (l.workspaceId !== event.w) continue;
        try {
          l.fn(event);
        } catch (error) {
          this.logger.warn({ err: error }, 'realtime listener failed');
        }
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${REALTIME_CHANNEL}`);
      this.client = client;
      // Clients missed what happened while the connection was down: tell them to re-read.
      for (const l of this.listeners) l.fn({ w: l.workspaceId, c: null, e: null, k: 'resync' });
    } catch (error) {
      this.logger.warn({ err: error }, 'realtime LISTEN failed; retrying');
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || this.retry) return;
    if (this.client === client) this.client = null;
    client.removeAllListeners('end');
    void client.end().catch(() => {});
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, 1000);
  }

  /** Calls `fn` for every event of the workspace until the returned function is called. */
  subscribe(workspaceId: string, fn: Listener): () => void {
    const entry = { workspaceId, fn };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.listeners.clear();
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}

/** Publishes an event; inside a transaction it is delivered when (and only if) the transaction commits. */
export async function publish(tx: Queryable, event: RealtimeEvent): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${REALTIME_CHANNEL}, ${JSON.stringify(event)})`);
}
