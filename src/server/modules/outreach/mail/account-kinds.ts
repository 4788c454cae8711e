import { eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { outreachSendingAccounts } from '../outreach.schema';

/** PRIV-9: which kinds of sending account a workspace mails through (its own SMTP server, Resend). */
export async function sendingAccountKindsInUse(tx: Tx, workspaceId: string): Promise<string[]> {
  const rows = await tx.selectDistinct({ kind: outreachSendingAccounts.kind }).from(outreachSendingAccounts).where(eq(outreachSendingAccounts.workspaceId, workspaceId));
  return rows.map((r) => r.kind);
}
