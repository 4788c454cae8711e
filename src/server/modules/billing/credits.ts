import { and, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Tx } from '../../platform/db/database';
import { AppError } from '../../platform/http/errors';
import { creditBalances, creditEntries, type CreditAccount, type CreditEntryKind } from './billing.schema';

/** The workspace's own accounts; the others (issued, sold, spent, expired, refunded) are where credits come from and go. */
const own = new Set<CreditAccount>(['free', 'paid']);

export interface Leg {
  account: CreditAccount;
  amount: number;
}

export interface EntryRef {
  refType?: string | null;
  refId?: string | null;
  userId?: string | null;
  expiresAt?: Date | null;
  note?: string | null;
}

export const creditsExhausted = (needed: number, balance: number) =>
  new AppError('credits_exhausted', 402, `This needs ${needed} credit${needed === 1 ? '' : 's'} and the workspace has ${balance}. An owner can buy a credit pack under Settings → Billing.`, { needed, balance });

/**
 * BILL-3: one ledger transaction — legs that sum to zero (checked again by the database at
 * commit), written once and never changed. The workspace's running balances move with it in the
 * same transaction; a leg that would take one below zero is refused by its CHECK.
 */
export async function post(tx: Tx, workspaceId: string, kind: CreditEntryKind, legs: Leg[], ref: EntryRef = {}): Promise<string> {
  if (legs.reduce((s, l) => s + l.amount, 0) !== 0) throw new Error('credit legs must sum to zero');
  const txnId = uuidv7();
  const live = legs.filter((l) => l.amount !== 0);
  if (!live.length) return txnId;
  await tx.insert(creditEntries).values(
    live.map((l) => ({
      workspaceId,
      txnId,
      account: l.account,
      amount: l.amount,
      kind,
      refType: ref.refType ?? null,
      refId: ref.refId ?? null,
      userId: ref.userId ?? null,
      expiresAt: own.has(l.account) ? (ref.expiresAt ?? null) : null,
      note: ref.note?.slice(0, 500) ?? null,
    })),
  );
  for (const l of live.filter((x) => own.has(x.account))) {
    const account = l.account as 'free' | 'paid';
    // A CHECK holds the proposed row of an upsert too, so what is taken away is a plain UPDATE.
    if (l.amount < 0) {
      const moved = await tx.update(creditBalances).set({ balance: sql`${creditBalances.balance} + ${l.amount}` }).where(and(eq(creditBalances.workspaceId, workspaceId), eq(creditBalances.account, account))).returning({ b: creditBalances.balance });
      if (!moved.length) throw creditsExhausted(-l.amount, 0);
    } else {
      await tx
        .insert(creditBalances)
        .values({ workspaceId, account, balance: l.amount })
        .onConflictDoUpdate({ target: [creditBalances.workspaceId, creditBalances.account], set: { balance: sql`${creditBalances.balance} + ${l.amount}` } });
    }
  }
  return txnId;
}

/** A free grant (the plan's monthly credits, a goodwill gift), kept apart from paid credits; it may expire. */
export const grantCredits = (tx: Tx, workspaceId: string, amount: number, ref: EntryRef = {}) =>
  post(tx, workspaceId, 'grant', [{ account: 'issued', amount: -amount }, { account: 'free', amount }], { refType: 'grant', ...ref });

/** Credits bought (a pack paid at the provider); `refId` names the payment, for refunds. */
export const purchaseCredits = (tx: Tx, workspaceId: string, amount: number, ref: EntryRef) =>
  post(tx, workspaceId, 'purchase', [{ account: 'sold', amount: -amount }, { account: 'paid', amount }], { refType: 'payment', ...ref });

export async function balances(tx: Tx, workspaceId: string): Promise<{ free: number; paid: number; total: number }> {
  const rows = await tx.select().from(creditBalances).where(eq(creditBalances.workspaceId, workspaceId));
  const free = rows.find((r) => r.account === 'free')?.balance ?? 0;
  const paid = rows.find((r) => r.account === 'paid')?.balance ?? 0;
  return { free, paid, total: free + paid };
}

/**
 * BILL-3: spends `n` credits for what `ref` names (an AI call, an enrichment), free ones first,
 * or throws 402 credits_exhausted and spends nothing. Both balance rows are locked in one order
 * until commit, so concurrent spends queue and none spends a credit twice.
 */
export async function spendCredits(tx: Tx, workspaceId: string, n: number, ref: EntryRef): Promise<string> {
  const rows = await tx.execute<{ account: 'free' | 'paid'; balance: string }>(
    sql`SELECT account, balance FROM credit_balances WHERE workspace_id = ${workspaceId} ORDER BY account FOR UPDATE`,
  );
  const free = Number(rows.rows.find((r) => r.account === 'free')?.balance ?? 0);
  const paid = Number(rows.rows.find((r) => r.account === 'paid')?.balance ?? 0);
  if (free + paid < n) throw creditsExhausted(n, free + paid);
  const fromFree = Math.min(free, n);
  return post(tx, workspaceId, 'consumption', [{ account: 'free', amount: -fromFree }, { account: 'paid', amount: -(n - fromFree) }, { account: 'spent', amount: n }], ref);
}

/**
 * BILL-3: a refund or chargeback of a credit purchase claws back what is left of it (credits
 * already spent cannot be taken back; the note says how many were). Once per payment.
 */
export async function clawBack(tx: Tx, workspaceId: string, paymentRef: string, reason: 'refund' | 'chargeback'): Promise<{ clawed: number; alreadySpent: number } | null> {
  const bought = await tx.execute<{ amount: string }>(sql`SELECT coalesce(sum(amount), 0) AS amount FROM credit_entries WHERE workspace_id = ${workspaceId} AND kind = 'purchase' AND account = 'paid' AND ref_id = ${paymentRef}`);
  const amount = Number(bought.rows[0]!.amount);
  if (!amount) return null;
  const done = await tx.select({ id: creditEntries.id }).from(creditEntries).where(and(eq(creditEntries.workspaceId, workspaceId), eq(creditEntries.kind, 'refund'), eq(creditEntries.refId, paymentRef))).limit(1);
  if (done.length) return null;
  const row = await tx.execute<{ balance: string }>(sql`SELECT balance FROM credit_balances WHERE workspace_id = ${workspaceId} AND account = 'paid' FOR UPDATE`);
  const paid = Number(row.rows[0]?.balance ?? 0);
  const clawed = Math.min(amount, paid);
  await post(tx, workspaceId, 'refund', [{ account: 'paid', amount: -clawed }, { account: 'refunded', amount: clawed }], {
    refType: 'payment',
    refId: paymentRef,
    note: `${reason}: ${clawed} of ${amount} credits taken back${amount > clawed ? `; ${amount - clawed} were already spent` : ''}`,
  });
  return { clawed, alreadySpent: amount - clawed };
}

/**
 * BILL-3: free grants past their expiry lose what is left of them. Free credits are spent
 * first, oldest grant first, so what is left of a grant is at most the free balance less the
 * grants that expire later; one expiry transaction per grant.
 */
export async function expireCredits(tx: Tx, workspaceId: string, now = new Date()): Promise<number> {
  const due = await tx.execute<{ txn_id: string; amount: string }>(sql`
    SELECT g.txn_id, g.amount FROM credit_entries g
    WHERE g.workspace_id = ${workspaceId} AND g.kind = 'grant' AND g.account = 'free' AND g.expires_at <= ${now.toISOString()}
      AND NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.workspace_id = g.workspace_id AND e.kind = 'expiry' AND e.ref_id = g.txn_id::text)
    ORDER BY g.expires_at, g.created_at`);
  let expired = 0;
  for (const g of due.rows) {
    const later = await tx.execute<{ n: string }>(sql`
      SELECT coalesce(sum(amount), 0) AS n FROM credit_entries WHERE workspace_id = ${workspaceId} AND kind = 'grant' AND account = 'free' AND (expires_at IS NULL OR expires_at > ${now.toISOString()})`);
    const row = await tx.execute<{ balance: string }>(sql`SELECT balance FROM credit_balances WHERE workspace_id = ${workspaceId} AND account = 'free' FOR UPDATE`);
    const free = Number(row.rows[0]?.balance ?? 0);
    const left = Math.max(0, Math.min(Number(g.amount), free - Number(later.rows[0]!.n)));
    await post(tx, workspaceId, 'expiry', [{ account: 'free', amount: -left }, { account: 'expired', amount: left }], { refType: 'grant', refId: g.txn_id, note: 'grant expired' });
    // A grant with nothing left still gets its (empty) expiry recorded so it is not looked at again.
    if (left === 0) await tx.insert(creditEntries).values([
      { workspaceId, txnId: uuidv7(), account: 'expired', amount: 0, kind: 'expiry', refType: 'grant', refId: g.txn_id, note: 'grant expired; nothing was left' },
    ]);
    expired += left;
  }
  return expired;
}
