import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest } from '../../../platform/http/errors';
import { userNameOf } from '../../accounts';
import type { DncPage } from './calls.contract';
import { doNotCall } from './calls.schema';
import { presentDncEntry } from './add-to-do-not-call';

const encode = (createdAt: Date, number: string) => Buffer.from(JSON.stringify([createdAt.toISOString(), number])).toString('base64url');

function decode(cursor: string): { createdAt: Date; number: string } {
  try {
    const [at, number] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const createdAt = new Date(at);
    if (typeof number === 'string' && number.length <= 20 && !Number.isNaN(createdAt.getTime())) return { createdAt, number };
  } catch {
    // fall through
  }
  throw badRequest('invalid_cursor', 'This page link is no longer valid; start from the first page.', { in: 'query' });
}

/** CALL-2: the list, newest first, paged by (created_at, number) on its index; `q` matches the start of a number. */
export async function listDoNotCall(db: Db, ctx: WorkspaceContext, query: { q?: string | undefined; cursor?: string | undefined; limit: number }): Promise<DncPage> {
  const after = query.cursor ? decode(query.cursor) : null;
  const digits = (query.q ?? '').replace(/\D/g, '');
  const matches = digits ? or(sql`starts_with(${doNotCall.number}, ${`+${digits}`})`, sql`starts_with(${doNotCall.number}, ${`+1${digits}`})`) : undefined;
  return withTenant(db, ctx, async (tx) => {
    const scope = and(eq(doNotCall.workspaceId, ctx.workspaceId), matches);
    const rows = await tx
      .select({ entry: doNotCall, addedByName: userNameOf(doNotCall.addedBy) })
      .from(doNotCall)
      .where(and(scope, after ? sql`(${doNotCall.createdAt}, ${doNotCall.number}) < (${after.createdAt.toISOString()}::timestamptz, ${after.number})` : undefined))
      .orderBy(desc(doNotCall.createdAt), desc(doNotCall.number))
      .limit(query.limit + 1);
    const [{ total }] = (await tx.select({ total: sql<number>`count(*)::int` }).from(doNotCall).where(scope)) as [{ total: number }];
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => presentDncEntry(r.entry, r.addedByName)),
      nextCursor: rows.length > query.limit && last ? encode(last.entry.createdAt, last.entry.number) : null,
      total,
    };
  });
}
