import { performance } from 'node:perf_hooks';
import { APICallError, generateText, Output, streamText, type LanguageModelUsage, type ModelMessage, type ToolSet } from 'ai';
import type { z } from 'zod';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { AppError } from '../../platform/http/errors';
import type { AiCallOutcome, AiRecordRef } from './ai.contract';
import { aiCancelled, aiLimitReached, aiNotConfigured, aiProviderFailed, aiProviderRateLimited, describeProviderFailure, timedOut } from './ai-errors';
import type { StoredOutput } from './ai.schema';
import { costOf, priceOf } from './prices';
import { providerModel, type ProviderModel } from './providers';
import { recordCall, type NewAiCall } from './record-call';
import { resolveProvider, resolveProviderIn, type AiServices, type ResolvedProvider } from './resolve-provider';
import { retryingFetch, type AttemptLog } from './retrying-fetch';
import { limitBreach, limitsSet } from './usage-limits';
import { uuidv7 } from 'uuidv7';
import { chargeAiCall, releaseAiCall, type AiCharge, billingEnabled } from '../billing';

export type AiContext = Pick<WorkspaceContext, 'workspaceId' | 'userId'>;

/** One model call as an AI feature asks for it. Build record context with `buildRecordContext` (AI-6). */
export interface ModelRequest<T = unknown> {
  /** Which feature or agent is calling, e.g. `brain`, `agent:forge`; shown in AI usage. */
  feature: string;
  /** The agent run or brain answer this call is a step of: the call's record links to it. */
  runId?: string;
  system?: string;
  messages: ModelMessage[];
  /** The records whose data is in the prompt (AI-4): shown with the call, cited by answers. */
  recordRefs?: AiRecordRef[];
  tools?: ToolSet;
  /** Structured output: the reply is parsed and validated against this schema. */
  schema?: z.ZodType<T>;
  maxOutputTokens?: number;
  temperature?: number;
  /** Aborting records the call as cancelled. */
  abortSignal?: AbortSignal;
  /** Steps of one agent run share it: the provider is resolved on the first call and reused. */
  providerCache?: ProviderCache;
  /** Records of calls made just before this one and not written yet: written with this call's own, in one statement (issue 15). */
  earlierCalls?: NewAiCall[];
  /**
   * Issue 14, agent steps: a call that succeeds is not recorded here; its record (with any
   * `earlierCalls`) comes back in `ModelResult.unwritten` and the caller must write it
   * (`callRecordStatement`), which an agent step does together with its tool calls' audit
   * entries, in one statement, while the next step runs. A call that fails is recorded here as always.
   */
  deferRecord?: boolean;
  /**
   * Writes the caller still has in flight (an agent run's earlier steps): waited for before the
   * day's usage is read, so daily limits count every call made before this one.
   */
  afterWrites?: () => Promise<unknown>;
}

/**
 * What one agent run keeps between its steps, which are sequential: the provider resolved on the
 * first call (its key opened), and the SDK model built for it (issue 14: building one per step
 * built its response schemas anew each time, and a new schema is slow on its first parses).
 */
export interface ProviderCache {
  provider?: ResolvedProvider;
  model?: { model: ProviderModel; log: AttemptLog };
}

export interface ModelResult<T = unknown> {
  callId: string;
  text: string;
  object: T | undefined;
  toolCalls: { toolCallId: string; name: string; input: unknown }[];
  /** The assistant (and tool) messages to append for a next turn. */
  responseMessages: ModelMessage[];
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
  provider: { source: ResolvedProvider['source']; kind: ResolvedProvider['kind']; model: string };
  /** With `deferRecord`: the records the caller must write, this call's last. */
  unwritten?: NewAiCall[];
}

export interface ModelStream<T = unknown> {
  /** Text as it arrives. Consume it to the end (or stop early to cancel); `result` settles after. */
  textStream: AsyncIterable<string>;
  result: Promise<ModelResult<T>>;
}

interface Prepared {
  provider: ResolvedProvider;
  model: ProviderModel;
  log: AttemptLog;
  /** Aborts on the caller's signal, the timeout, or the stream's consumer stopping. */
  signal: AbortSignal;
  timeout: AbortSignal;
  stop: AbortController;
  base: Omit<NewAiCall, 'outcome'>;
  /** BILL-3: what the call was charged before it was made; given back if the provider fails. */
  charge: AiCharge;
  earlier: NewAiCall[];
  deferRecord: boolean;
}

/**
 * AI-1, AI-4, AI-8: the one way an AI feature calls a model. It picks the provider (the
 * workspace's, then the operator's, else 409 ai_not_configured), checks the daily limits (429
 * ai_limit_reached, recorded), sends the call through the AI SDK with retries on 429 and 5xx,
 * and records it — prompt, records used, output, tokens, cost, latency, outcome — whatever happens.
 */
export async function runModel<T = unknown>(services: AiServices, ctx: AiContext, req: ModelRequest<T>): Promise<ModelResult<T>> {
  const p = await prepare(services, ctx, req, false);
  const started = performance.now();
  try {
    const result = await generateText({
      model: p.model.model,
      ...(req.system ? { system: req.system } : {}),
      messages: req.messages,
      ...(req.tools ? { tools: req.tools } : {}),
      ...(req.schema ? { output: Output.object({ schema: req.schema }) } : {}),
      ...(req.maxOutputTokens ? { maxOutputTokens: req.maxOutputTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      providerOptions: p.model.providerOptions,
      maxRetries: 0,
      abortSignal: p.signal,
    });
    const object = req.schema ? (result.output as T) : undefined;
    const toolCalls = result.toolCalls.map((c) => ({ toolCallId: c.toolCallId, name: c.toolName, input: c.input }));
    return await succeed<T>(services, ctx, p, started, { text: result.text, object, toolCalls, usage: result.totalUsage, responseMessages: result.response.messages });
  } catch (error) {
    throw await fail(services, ctx, p, req, started, error, false);
  }
}

/** `runModel`, streaming: the same provider choice, limits, retries (before the first byte) and record. */
export async function streamModel<T = unknown>(services: AiServices, ctx: AiContext, req: Omit<ModelRequest<T>, 'schema'>): Promise<ModelStream<T>> {
  const p = await prepare(services, ctx, req, true);
  const started = performance.now();
  const stream = streamText({
    model: p.model.model,
    ...(req.system ? { system: req.system } : {}),
    messages: req.messages,
    ...(req.tools ? { tools: req.tools } : {}),
    ...(req.maxOutputTokens ? { maxOutputTokens: req.maxOutputTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    providerOptions: p.model.providerOptions,
    maxRetries: 0,
    abortSignal: p.signal,
    // Errors arrive in the stream and are recorded there; the SDK's default prints them.
    onError: () => {},
  });
  let settle!: { resolve: (r: ModelResult<T>) => void; reject: (e: unknown) => void };
  const result = new Promise<ModelResult<T>>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => {});

  async function* text(): AsyncGenerator<string> {
    let written = '';
    const toolCalls: ModelResult['toolCalls'] = [];
    let usage: LanguageModelUsage | undefined;
    let finished = false;
    let settled = false;
    try {
      for await (const part of stream.fullStream) {
        if (part.type === 'text-delta') {
          written += part.text;
          yield part.text;
        } else if (part.type === 'tool-call') toolCalls.push({ toolCallId: part.toolCallId, name: part.toolName, input: part.input });
        else if (part.type === 'finish') usage = part.totalUsage;
        else if (part.type === 'error') throw part.error;
        else if (part.type === 'abort') throw new Error('aborted');
      }
      finished = true;
    } catch (error) {
      const appError = await fail(services, ctx, p, req, started, error, false, written);
      settled = true;
      settle.reject(appError);
      throw appError;
    } finally {
      if (!settled) {
        if (finished) {
          const responseMessages: ModelMessage[] = (await Promise.resolve(stream.response).catch(() => ({ messages: [] as ModelMessage[] }))).messages;
          settle.resolve(await succeed<T>(services, ctx, p, started, { text: written, object: undefined, toolCalls, usage, responseMessages }));
        } else {
          // The consumer stopped reading: cancel the request and say so in the record.
          p.stop.abort();
          settle.reject(await fail(services, ctx, p, req, started, null, true, written));
        }
      }
    }
  }
  return { textStream: text(), result };
}

let warningsRouted = false;
/** The AI SDK prints provider warnings to the console; Kestrel's structured log is where they belong. */
function routeSdkWarnings(logger: AiServices['logger']): void {
  if (warningsRouted) return;
  warningsRouted = true;
  globalThis.AI_SDK_LOG_WARNINGS = (o) => logger.debug({ provider: o.provider, model: o.model, warnings: o.warnings }, 'AI SDK warnings');
}

async function prepare(services: AiServices, ctx: AiContext, req: ModelRequest<unknown>, streamed: boolean): Promise<Prepared> {
  routeSdkWarnings(services.logger);
  const { db } = services.database;
  // Issue 14: the provider (unless this run has it already) and the day's usage in one transaction;
  // BILL-1, BILL-3: the plan's AI runs, then credits, pay for the call in that same transaction
  // (402 when neither is left). With billing on, the transaction exists for the charge alone
  // when nothing else needs reading. With neither limits nor billing, the provider alone is read
  // in one round trip (resolveProvider), or not at all when the run has it.
  const limits = services.config.ai.limits;
  const cached = req.providerCache?.provider;
  const callId = uuidv7();
  const billed = billingEnabled();
  let refused: AppError | null = null;
  // The run's earlier records first, so that the usage read below counts them.
  if (req.afterWrites && limitsSet(limits)) await req.afterWrites();
  const { provider, breach, charge } =
    !limitsSet(limits) && !billed
      ? { provider: cached ?? (await resolveProvider(services, ctx)), breach: null, charge: null }
      : await withTenant(
          db,
          ctx,
          async (tx) => {
            const found = cached ?? (await resolveProviderIn(tx, services, ctx));
            const over = found && limitsSet(limits) ? await limitBreach(tx, ctx, limits) : null;
            if (!found || over || !billed) return { provider: found, breach: over, charge: null };
            try {
              return { provider: found, breach: null, charge: await chargeAiCall(tx, ctx, callId) };
            } catch (error) {
              if ((error as AppError).statusCode !== 402) throw error;
              refused = error as AppError;
              return { provider: found, breach: null, charge: null };
            }
          },
          // A charge lost in a database crash is lost together with the call's own record (also
          // written without waiting): the workspace is never charged twice, at worst once less.
          { waitForDisk: false },
        );
  if (!provider) throw aiNotConfigured();
  if (req.providerCache) req.providerCache.provider = provider;
  const base: Omit<NewAiCall, 'outcome'> = {
    id: callId,
    feature: req.feature,
    runId: req.runId ?? null,
    providerKind: provider.kind,
    providerSource: provider.source,
    model: provider.model,
    // A copy: a deferred record is written after the caller has added the reply to its messages.
    prompt: { system: req.system ?? null, messages: [...req.messages] as unknown[] },
    recordRefs: req.recordRefs ?? [],
    streamed,
    attempts: 0,
  };
  if (breach) {
    const recorded = await recordCall(db, ctx, { ...base, outcome: 'limit_exceeded', errorMessage: breach.message }, req.earlierCalls);
    throw aiLimitReached(breach.message, { limit: breach.limit, used: breach.used, max: breach.max, callId: recorded });
  }
  if (refused) {
    await recordCall(db, ctx, { ...base, outcome: 'limit_exceeded', errorMessage: (refused as AppError).message }, req.earlierCalls);
    throw refused;
  }
  let built = req.providerCache?.model;
  if (built) Object.assign(built.log, { attempts: 0, lastStatus: null } satisfies AttemptLog);
  else {
    const log: AttemptLog = { attempts: 0, lastStatus: null };
    built = { model: providerModel({ ...provider, fetch: retryingFetch(services.config.ai.retry, log) }), log };
    if (req.providerCache) req.providerCache.model = built;
  }
  const { model, log } = built;
  const timeout = AbortSignal.timeout(services.config.ai.timeoutMs);
  const stop = new AbortController();
  const signal = AbortSignal.any([timeout, stop.signal, ...(req.abortSignal ? [req.abortSignal] : [])]);
  return { provider, model, log, signal, timeout, stop, base, charge, earlier: req.earlierCalls ?? [], deferRecord: req.deferRecord === true };
}

async function succeed<T>(
  services: AiServices,
  ctx: AiContext,
  p: Prepared,
  started: number,
  out: { text: string; object: T | undefined; toolCalls: ModelResult['toolCalls']; usage: LanguageModelUsage | undefined; responseMessages: ModelMessage[] },
): Promise<ModelResult<T>> {
  const latencyMs = Math.round(performance.now() - started);
  const tokensIn = out.usage?.inputTokens ?? null;
  const tokensOut = out.usage?.outputTokens ?? null;
  const costUsd = costOf(priceOf(p.provider.model, p.provider.prices, services.config.ai.prices), tokensIn, tokensOut);
  const output: StoredOutput = { text: out.text || null, toolCalls: out.toolCalls.map((c) => ({ name: c.name, input: c.input })), ...(out.object !== undefined ? { object: out.object } : {}) };
  const call: NewAiCall = { ...p.base, outcome: 'ok', output, tokensIn, tokensOut, costUsd, latencyMs, attempts: p.log.attempts };
  const callId = p.deferRecord ? p.base.id! : await recordCall(services.database.db, ctx, call, p.earlier);
  return {
    callId,
    text: out.text,
    object: out.object,
    toolCalls: out.toolCalls,
    responseMessages: out.responseMessages,
    tokensIn,
    tokensOut,
    costUsd,
    latencyMs,
    attempts: p.log.attempts,
    provider: { source: p.provider.source, kind: p.provider.kind, model: p.provider.model },
    ...(p.deferRecord ? { unwritten: [...p.earlier, call] } : {}),
  };
}

async function fail(services: AiServices, ctx: AiContext, p: Prepared, req: ModelRequest<unknown>, started: number, error: unknown, stoppedByConsumer: boolean, partialText = ''): Promise<AppError> {
  const latencyMs = Math.round(performance.now() - started);
  const cancelled = stoppedByConsumer || req.abortSignal?.aborted === true;
  const status = APICallError.isInstance(error) ? (error.statusCode ?? null) : p.log.lastStatus;
  const outcome: AiCallOutcome = cancelled ? 'cancelled' : status === 429 ? 'rate_limited' : 'error';
  const { sentence, message } =
    cancelled ? { sentence: 'Cancelled before the reply was complete.', message: 'Cancelled before the reply was complete.' }
    : p.timeout.aborted ? timedOut(services.config.ai.timeoutMs)
    : describeProviderFailure(error, p.provider, p.provider.model, status);
  const output: StoredOutput | null = partialText ? { text: partialText, toolCalls: [] } : null;
  const callId = await recordCall(services.database.db, ctx, { ...p.base, outcome, errorMessage: message, output, latencyMs, attempts: p.log.attempts }, p.earlier);
  // BILL-3: a call the provider failed costs nothing (one stopped by the person still does: the provider may have worked on it).
  if (outcome !== 'cancelled' && p.charge) await withTenant(services.database.db, ctx, (tx) => releaseAiCall(tx, ctx, callId, p.charge));
  if (outcome !== 'cancelled') {
    services.logger.warn({ workspaceId: ctx.workspaceId, feature: p.base.feature, kind: p.provider.kind, model: p.provider.model, status, outcome, callId }, 'AI call failed');
  }
  return outcome === 'cancelled' ? aiCancelled(callId) : outcome === 'rate_limited' ? aiProviderRateLimited(callId) : aiProviderFailed(sentence, callId);
}
