import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { outreachCampaignRecipients as recipients } from './campaigns/campaigns.schema';
import { outreachMessages } from './outreach.schema';

/** The sending account's limits: its per-minute rate (the spacing of mails) and its daily cap. */
export interface SendLimits {
  perMinute: number;
  dailyCap: number;
}

/**
 * MAIL-1, MAIL-2: how many more marketing mails the workspace's sending account allows now, shared
 * by campaigns and sequences, and when to look again when none. Campaign mail is counted by claim
 * time (a mail in flight counts as much as one sent); sequence mail by its message row, written in
 * the send's transaction while this lock is held. One claimer at a time per workspace (a
 * transaction-scoped advisory lock), so two workers cannot both take the last mail of the minute.
 */
export async function sendingRoom(tx: Tx, workspaceId: string, limits: SendLimits, want: number): Promise<{ n: number; retryAt: Date | null }> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`outreach-throttle:${workspaceId}`}))`);
  const r = await tx.execute<{ at: string }>(sql`
    SELECT claimed_at AS at FROM ${recipients}
    WHERE workspace_id = ${workspaceId} AND claimed_at > now() - interval '1 day' AND status IN ('sending', 'sent')
    UNION ALL
    SELECT created_at FROM ${outreachMessages}
    WHERE workspace_id = ${workspaceId} AND created_at > now() - interval '1 day' AND stream = 'marketing'
      AND idempotency_key LIKE 'sequence:%' AND status IN ('sending', 'sent')
    ORDER BY 1`);
  const times = r.rows.map((x) => new Date(x.at).getTime());
  const minuteAgo = Date.now() - 60_000;
  const inMinute = times.filter((t) => t > minuteAgo);
  const n = Math.min(want, limits.perMinute - inMinute.length, limits.dailyCap - times.length);
  if (n > 0) return { n, retryAt: null };
  // Full: the window opens again when its oldest mail leaves it.
  const dayFull = times.length >= limits.dailyCap;
  const oldest = dayFull ? times[times.length - limits.dailyCap] : inMinute[inMinute.length - limits.perMinute];
  return { n: 0, retryAt: new Date((oldest ?? Date.now()) + (dayFull ? 86_400_000 : 60_000) + 50) };
}
