import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import type { Services } from '../../../platform/services';
import { disconnect as disconnectMailbox } from '../../integrations';
import { outreachCampaigns } from '../campaigns/campaigns.schema';
import { outreachSendingAccounts } from '../outreach.schema';
import { outreachSequenceEnrolments, outreachSequences } from '../sequences/sequences.schema';
import { accountForStream, getSendingAccountRow, type AccountRow } from './sending-accounts';

const streams = ['marketing', 'transactional'] as const;

/**
 * MAIL-1: what removing an account changes, said before it is removed (decision 033). Campaigns
 * and sequences are not pinned to an account: each mail leaves through the stream's account at
 * the time it is sent, so removing one in use hands its streams to the next account (or
 * Kestrel's own address) and names the campaigns still sending and the sequences with people in
 * them that will carry on from there. A Gmail/Outlook mailbox of the member removing it is also
 * disconnected (tokens wiped, the grant taken back), unless another account still sends from it.
 */
export async function sendingAccountRemoval(services: Services, ctx: WorkspaceContext, id: string) {
  return withTenant(services.database.db, ctx, async (tx) => {
    const account = await getSendingAccountRow(tx, ctx.workspaceId, id);
    const serves: { stream: (typeof streams)[number]; nextFrom: { fromAddress: string; kind: AccountRow['kind'] } | null }[] = [];
    for (const stream of streams) {
      if ((await accountForStream(tx, ctx.workspaceId, stream))?.id !== id) continue;
      const next = await accountForStream(tx, ctx.workspaceId, stream, id);
      serves.push({ stream, nextFrom: next ? { fromAddress: next.fromAddress, kind: next.kind } : null });
    }
    const marketing = serves.some((s) => s.stream === 'marketing');
    const campaigns = marketing
      ? await tx
          .select({ id: outreachCampaigns.id, name: outreachCampaigns.name, status: outreachCampaigns.status })
          .from(outreachCampaigns)
          .where(and(eq(outreachCampaigns.workspaceId, ctx.workspaceId), inArray(outreachCampaigns.status, ['scheduled', 'sending', 'paused'])))
          .orderBy(asc(outreachCampaigns.createdAt))
      : [];
    const sequences = marketing
      ? await tx
          .select({ id: outreachSequences.id, name: outreachSequences.name, people: sql<number>`count(*)::int` })
          .from(outreachSequences)
          .innerJoin(outreachSequenceEnrolments, and(eq(outreachSequenceEnrolments.workspaceId, outreachSequences.workspaceId), eq(outreachSequenceEnrolments.sequenceId, outreachSequences.id)))
          .where(and(eq(outreachSequences.workspaceId, ctx.workspaceId), eq(outreachSequences.status, 'active'), inArray(outreachSequenceEnrolments.state, ['active', 'paused'])))
          .groupBy(outreachSequences.id, outreachSequences.name)
          .orderBy(asc(outreachSequences.name))
      : [];
    return {
      fromAddress: account.fromAddress,
      streams: serves,
      campaigns,
      sequences: sequences.map((s) => ({ id: s.id, name: s.name, activeEnrolments: s.people })),
      disconnectsMailbox: await disconnectsMailbox(tx, ctx, account),
    };
  });
}

/** Whether removing this account also disconnects the remover's own mailbox (no other account of theirs sends from it). */
async function disconnectsMailbox(tx: Tx, ctx: WorkspaceContext, account: AccountRow): Promise<boolean> {
  if ((account.kind !== 'gmail' && account.kind !== 'outlook') || !ctx.userId || account.connectionUserId !== ctx.userId) return false;
  const [other] = await tx
    .select({ id: outreachSendingAccounts.id })
    .from(outreachSendingAccounts)
    .where(and(eq(outreachSendingAccounts.workspaceId, ctx.workspaceId), eq(outreachSendingAccounts.kind, account.kind), eq(outreachSendingAccounts.connectionUserId, ctx.userId), sql`${outreachSendingAccounts.id} <> ${account.id}`))
    .limit(1);
  return !other;
}

/**
 * MAIL-1: removes an account; its streams fall to the next account at once (see
 * {@link sendingAccountRemoval}). The member's own Gmail/Outlook mailbox is disconnected once the
 * removal has committed (integrations wipes its tokens and takes the grant back at the provider).
 */
export async function removeSendingAccount(services: Services, ctx: WorkspaceContext, id: string): Promise<{ mailboxDisconnected: 'gmail' | 'outlook' | null }> {
  const mailbox = await withTenant(services.database.db, ctx, async (tx) => {
    const account = await getSendingAccountRow(tx, ctx.workspaceId, id);
    const alsoDisconnect = await disconnectsMailbox(tx, ctx, account);
    await tx.delete(outreachSendingAccounts).where(and(eq(outreachSendingAccounts.workspaceId, ctx.workspaceId), eq(outreachSendingAccounts.id, id)));
    return alsoDisconnect ? (account.kind as 'gmail' | 'outlook') : null;
  });
  if (mailbox) await disconnectMailbox(services, ctx, mailbox);
  return { mailboxDisconnected: mailbox };
}
