import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { contacts } from '../crm.schema';

/**
 * PRIV-5: whether any of these contacts is restricted (processing limited at their request), for
 * modules that must not write to such a person (conversations' emailed replies).
 */
export async function anyContactRestricted(tx: Tx, workspaceId: string, ids: (string | null | undefined)[]): Promise<boolean> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return false;
  const [hit] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, wanted), eq(contacts.restricted, true)))
    .limit(1);
  return !!hit;
}
