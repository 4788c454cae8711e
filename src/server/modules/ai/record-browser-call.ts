import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { AiConfig } from '../../platform/config';
import type { RecordBrowserCallBody } from './ai.contract';
import { aiLimitReached } from './ai-errors';
import { costOf, priceOf } from './prices';
import { recordCall } from './record-call';
import { limitBreach } from './usage-limits';

/** AI-4, WS-5: the daily limits apply to browser-key calls too; the browser asks before each call. */
export async function browserCallAllowance(db: Db, ctx: WorkspaceContext, limits: AiConfig['limits']): Promise<{ allowed: boolean; message: string | null }> {
  const breach = await withTenant(db, ctx, (tx) => limitBreach(tx, ctx, limits));
  return breach ? { allowed: false, message: breach.message } : { allowed: true, message: null };
}

/**
 * AI-1, AI-4: keeps the record of a call a browser made with a personal key. The cost comes from
 * the operator's price table (the person's own prices are not known here).
 */
export async function recordBrowserCall(db: Db, ctx: WorkspaceContext, ai: AiConfig, body: RecordBrowserCallBody): Promise<{ callId: string; costUsd: number | null }> {
  const breach = await withTenant(db, ctx, (tx) => limitBreach(tx, ctx, ai.limits));
  if (breach) throw aiLimitReached(breach.message, { limit: breach.limit, used: breach.used, max: breach.max });
  const costUsd = body.outcome === 'ok' ? costOf(priceOf(body.model, null, ai.prices), body.tokensIn, body.tokensOut) : null;
  const callId = await recordCall(db, ctx, {
    feature: body.feature,
    runId: body.runId ?? null,
    providerKind: body.providerKind,
    providerSource: 'browser',
    model: body.model,
    prompt: body.prompt,
    recordRefs: body.recordRefs,
    output: body.output,
    tokensIn: body.tokensIn,
    tokensOut: body.tokensOut,
    costUsd,
    latencyMs: body.latencyMs,
    attempts: 1,
    streamed: false,
    outcome: body.outcome,
    errorMessage: body.errorMessage ?? null,
  });
  return { callId, costUsd };
}
