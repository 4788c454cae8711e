import type { Tx } from '../../platform/db/database';
import { AppError } from '../../platform/http/errors';
import { spendCredits } from './credits';
import { billingEnabled, consume } from './limits';

/**
 * BILL-1, BILL-3: pays for one AI call before it is made — from the plan's monthly AI runs, and
 * once those are used, one credit (recorded with the call's id). 402 when neither is left; with
 * billing off (BILL-4), nothing.
 */
export async function chargeAiCall(tx: Tx, ctx: { workspaceId: string; userId: string | null }, callId: string): Promise<void> {
  if (!billingEnabled()) return;
  try {
    await tx.transaction((inner) => consume(inner, ctx.workspaceId, 'ai_runs', 1));
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'plan_limit_reached') throw error;
    try {
      await spendCredits(tx, ctx.workspaceId, 1, { refType: 'ai_call', refId: callId, userId: ctx.userId });
    } catch (spend) {
      if (spend instanceof AppError && spend.code === 'credits_exhausted') throw new AppError(error.code, 402, `${error.message.replace(/ An owner can upgrade.*$/, '')} No credits are left either: an owner can upgrade the plan or buy credits under Settings → Billing.`, error.details);
      throw spend;
    }
  }
}

/** BILL-3: one credit per enrichment, recorded with what it enriched; 402 when none is left. */
export async function chargeEnrichment(tx: Tx, ctx: { workspaceId: string; userId: string | null }, recordId: string): Promise<void> {
  if (!billingEnabled()) return;
  await spendCredits(tx, ctx.workspaceId, 1, { refType: 'enrichment', refId: recordId, userId: ctx.userId });
}
