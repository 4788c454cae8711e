import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { contacts } from '../crm.schema';

/**
 * CRM-1: the contact an email address belongs to — as their primary address (case-insensitive) or
 * any of their others — the oldest when several share it; null when none. The one lookup other
 * modules use (booking, conversations, double opt-in) instead of reading the contacts table.
 */
export async function findContactByEmail(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>, email: string): Promise<string | null> {
  const address = email.trim();
  if (!address) return null;
  const [found] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, ctx.workspaceId), sql`(${contacts.email} = ${address} OR ${contacts.emails} @> ARRAY[${address}]::text[])`))
    .orderBy(contacts.createdAt)
    .limit(1);
  return found?.id ?? null;
}
