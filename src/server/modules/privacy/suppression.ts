import { createHash } from 'node:crypto';
import type { Tx } from '../../platform/db/database';
import { suppressErased, suppressionOf } from '../outreach';

/** The form an address is hashed in: trimmed, lower-cased (emails); E.164 (phones, normalised by the caller). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function suppressionHash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * PRIV-3: remembers an erased person's addresses, as hashes, so they are not contacted again. The
 * list is outreach's suppression list (one list for unsubscribed, bounced, complained and erased),
 * since outreach is what reads it before every message.
 */
export const suppress = (tx: Tx, workspaceId: string, values: { emails: string[]; phones: string[] }): Promise<void> => suppressErased(tx, workspaceId, values);

/** PRIV-3: whether an address belongs to someone erased from this workspace; the caller's transaction is scoped to the workspace. */
export async function isSuppressed(tx: Tx, workspaceId: string, email: string): Promise<boolean> {
  return (await suppressionOf(tx, workspaceId, email))?.reason === 'erased';
}
