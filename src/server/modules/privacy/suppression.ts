import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { privacySuppressions } from './privacy.schema';

/** The form an address is hashed in: trimmed, lower-cased (emails); E.164 (phones, normalised by the caller). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function suppressionHash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** PRIV-3: remembers an erased person's addresses, as hashes, so they are not contacted again. */
export async function suppress(tx: Tx, workspaceId: string, values: { emails: string[]; phones: string[] }): Promise<void> {
  const rows = [
    ...values.emails.map((e) => ({ workspaceId, kind: 'email' as const, hash: suppressionHash(normaliseEmail(e)) })),
    ...values.phones.map((p) => ({ workspaceId, kind: 'phone' as const, hash: suppressionHash(p.trim()) })),
  ];
  if (rows.length) await tx.insert(privacySuppressions).values(rows).onConflictDoNothing();
}

/**
 * PRIV-3: whether an address belongs to someone erased from this workspace. Outreach (campaigns,
 * sequences) asks before it mails; the caller's transaction is scoped to the workspace.
 */
export async function isSuppressed(tx: Tx, workspaceId: string, email: string): Promise<boolean> {
  const [row] = await tx
    .select({ hash: privacySuppressions.hash })
    .from(privacySuppressions)
    .where(and(eq(privacySuppressions.workspaceId, workspaceId), eq(privacySuppressions.kind, 'email'), eq(privacySuppressions.hash, suppressionHash(normaliseEmail(email)))))
    .limit(1);
  return row !== undefined;
}
