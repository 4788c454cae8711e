import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { AppError } from '../../platform/http/errors';
import { post, spendCredits } from './credits';
import { billingEnabled, billingSettings, currentPlan, limitReached, spendMonthly } from './limits';

/** What one AI call was charged, so that a provider failure can give it back. */
export type AiCharge = { kind: 'run'; period: string } | { kind: 'credit'; txnId: string } | null;

/**
 * BILL-1, BILL-3: reserves the price of one AI call before it is made (so two calls cannot both
 * take the last unit) — from the plan's monthly AI runs, and once those are used, one credit
 * (recorded with the call's id). 402 when neither is left; with billing off (BILL-4), nothing.
 * Runs in the caller's transaction: while the month's runs last, that is one statement
 * (`spendMonthly`: plan, limit and counter together); credits are read only once they are needed.
 * If the provider then fails, `releaseAiCall` gives it back: a failed call costs nothing.
 */
export async function chargeAiCall(tx: Tx, ctx: { workspaceId: string; userId: string | null }, callId: string): Promise<AiCharge> {
  if (!billingEnabled()) return null;
  const run = await spendMonthly(tx, ctx.workspaceId, 'ai_runs', 1);
  if (run.limit === null) return null;
  if (run.used !== null) return { kind: 'run', period: run.period };
  try {
    return { kind: 'credit', txnId: await spendCredits(tx, ctx.workspaceId, 1, { refType: 'ai_call', refId: callId, userId: ctx.userId }) };
  } catch (spend) {
    if (!(spend instanceof AppError && spend.code === 'credits_exhausted')) throw spend;
    const reached = limitReached(await currentPlan(tx, billingSettings().billing, ctx.workspaceId), 'ai_runs', run.limit, run.limit, ctx.workspaceId);
    throw new AppError(reached.code, 402, `${reached.message.replace(/ An owner can upgrade.*$/, '')} No credits are left either: an owner can upgrade the plan or buy credits under Settings → Billing.`, reached.details);
  }
}

/**
 * BILL-3: the call failed at the provider: its AI run goes back to the month's allowance, or its
 * credit comes back as a correction (a new ledger entry reversing the spend, never an edit).
 */
export async function releaseAiCall(tx: Tx, ctx: { workspaceId: string; userId: string | null }, callId: string, charge: AiCharge): Promise<void> {
  if (!charge) return;
  if (charge.kind === 'run') {
    await tx.execute(sql`UPDATE billing_counters SET used = used - 1 WHERE workspace_id = ${ctx.workspaceId} AND metric = 'ai_runs' AND period_start = ${charge.period} AND used > 0`);
    return;
  }
  await giveBack(tx, ctx, charge.txnId, 'ai_call', callId, 'The AI call failed at the provider: its credit is given back');
}

/**
 * BILL-3: reserves one credit for an enrichment, recorded with the record it enriches; 402
 * credits_exhausted when none is left; null with billing off. `releaseEnrichment` gives it
 * back when the provider finds nothing or fails, so only a match costs a credit.
 */
export async function chargeEnrichment(tx: Tx, ctx: { workspaceId: string; userId: string | null }, recordId: string): Promise<string | null> {
  if (!billingEnabled()) return null;
  return spendCredits(tx, ctx.workspaceId, 1, { refType: 'enrichment', refId: recordId, userId: ctx.userId });
}

export async function releaseEnrichment(tx: Tx, ctx: { workspaceId: string; userId: string | null }, recordId: string, txnId: string | null, why: string): Promise<void> {
  if (txnId) await giveBack(tx, ctx, txnId, 'enrichment', recordId, why);
}

/** Reverses one ledger transaction with a correction that names what it was for. */
async function giveBack(tx: Tx, ctx: { workspaceId: string; userId: string | null }, txnId: string, refType: string, refId: string, note: string): Promise<void> {
  const legs = await tx.execute<{ account: 'free' | 'paid' | 'spent'; amount: string }>(sql`SELECT account, amount FROM credit_entries WHERE workspace_id = ${ctx.workspaceId} AND txn_id = ${txnId}`);
  await post(tx, ctx.workspaceId, 'correction', legs.rows.map((l) => ({ account: l.account, amount: -Number(l.amount) })), { refType, refId, userId: ctx.userId, note });
}
