import { tool, zodSchema, type ModelMessage, type Schema, type ToolSet } from 'ai';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { callRecordStatement, streamModel, type NewAiCall, type ProviderCache } from '../../ai';
import { auditStatement, type AuditEvent } from '../../audit';
import { agentResultSchema, type AgentName, type AgentResult, type RunEvent } from '../agents.contract';
import { describeToolError } from '../tools/record-tools';
import type { AgentTool, RecordBook, ToolEnv } from './tool';

/** How a run of the loop is set up: who is calling the model, with which tools, within which limits. */
export interface LoopDefinition {
  /** `agent:closer`, `brain`: shown with each call in AI usage. */
  feature: string;
  agent: AgentName | 'brain';
  system: string;
  tools: AgentTool[];
  /** `result`: the model ends by calling `finish` with a validated answer. `text`: its last reply is the answer. */
  finish: 'result' | 'text';
  maxSteps: number;
  timeLimitMs: number;
}

export interface LoopOptions {
  runId: string;
  messages: ModelMessage[];
  records: RecordBook;
  redact: boolean;
  /** Stops the run: the person pressed Stop, or closed the page. */
  signal?: AbortSignal;
  /** Asked between steps: a stop requested through another app instance. */
  stopRequested?: () => Promise<boolean>;
  emit: (event: RunEvent) => void;
  /** Text as the model writes it. */
  onDelta?: (step: number, text: string) => void;
}

export interface LoopOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  text: string;
  result: AgentResult | null;
  steps: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number | null;
  error: string | null;
  /** The conversation as it ended, for a brain's next question. */
  messages: ModelMessage[];
}

const FINISH = 'finish';
const finishDescription = 'Give your final answer: a summary and findings, each citing the records (type/id) it is about. Call it once, last.';

/** Keeps only the citations of records the run actually read (a model cannot cite what it did not see). */
export function keepKnownCitations(result: AgentResult, records: RecordBook): AgentResult {
  return { ...result, findings: result.findings.map((f) => ({ ...f, records: f.records.filter((r) => records.has(r)) })) };
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

/**
 * Issue 14: a tool's input schema as the AI SDK takes it, made once per schema. The SDK turns a
 * zod schema into JSON Schema on every call it is given to (the finish tool's alone was a good
 * part of a step's CPU); this wrapper converts on first use and keeps the result. Validation of
 * the model's tool input is the same zod parse either way.
 */
const sdkSchemas = new WeakMap<z.ZodType, Schema<unknown>>();
function sdkSchema(schema: z.ZodType): Schema<unknown> {
  let made = sdkSchemas.get(schema);
  if (!made) sdkSchemas.set(schema, (made = zodSchema(schema as z.ZodType<unknown>)));
  return made;
}

/**
 * AI-2: the agent runtime. Each step is one model call (recorded, with the records read so far,
 * AI-4); the tool calls it asks for are validated with zod and run with the caller's
 * WorkspaceContext and role — so a model that asks for another workspace's ids reads nothing —
 * and each is written to the audit log (AI-5). It stops at an answer, the step limit, the time
 * limit, or a person's Stop. Retries on 429/5xx happen inside each model call.
 */
export async function runLoop(services: Services, ctx: WorkspaceContext, def: LoopDefinition, o: LoopOptions): Promise<LoopOutcome> {
  // Issue 14: a step's call record (AI-4) and its tool calls' audit entries (AI-5) are written in
  // one statement, sent when the step's tools have run and not waited for: the next model call
  // goes out meanwhile (the record alone was a round trip on every step's path). The run ends only
  // once every write has landed, and fails if one could not be, as when the record was written
  // first; a failed write also stops the run at its next step.
  const writes = new StepWrites(services, ctx);
  let outcome: LoopOutcome;
  try {
    outcome = await loop(services, ctx, def, o, writes);
  } finally {
    const failed = await writes.settled();
    if (failed !== null) throw failed;
  }
  return outcome;
}

/**
 * The writes of a run's steps. One statement at a time: the records of steps that end while one
 * is in flight go together in the next (a step's own stay together in one, so one transaction).
 * With a real model a step takes far longer than its write, so each step's goes out alone as soon
 * as the step ends; only when steps come faster than PostgreSQL answers (an instant provider on a
 * busy machine) do they group, one statement for several steps instead of one per step.
 */
class StepWrites {
  private calls: NewAiCall[] = [];
  private audits: AuditEvent[] = [];
  private inFlight: Promise<void> | null = null;
  /** The first write that failed; it stops the run. */
  failed: unknown = null;

  constructor(
    private readonly services: Services,
    private readonly ctx: WorkspaceContext,
  ) {}

  send(calls: NewAiCall[], audits: AuditEvent[]): void {
    this.calls.push(...calls);
    this.audits.push(...audits);
    if (!this.inFlight) this.inFlight = this.drain();
  }

  private async drain(): Promise<void> {
    while (this.calls.length > 0 || this.audits.length > 0) {
      const calls = this.calls.splice(0);
      const audits = this.audits.splice(0);
      if (this.failed !== null) continue; // the run is failing: nothing more is written after a lost record
      // One statement, so one transaction of its own (decision 023). An agent's tool-call entry
      // does not wait for the disk, as the call record does not: a database crash loses at most
      // the last fraction of a second of them; a proposal's own audit entry commits with the proposal.
      const parts = [...calls.map((c) => callRecordStatement(this.ctx, c)), ...audits.map((a) => auditStatement(this.ctx, a, { waitForDisk: false }))];
      try {
        await this.services.database.db.execute(sql`SELECT ${sql.join(parts, sql`, `)}`);
      } catch (error) {
        this.failed = error ?? new Error('The call records and audit entries of an agent step were not written.');
      }
    }
    this.inFlight = null;
  }

  /** Waits until everything sent is written; the first error, or null. */
  async settled(): Promise<unknown> {
    while (this.inFlight) await this.inFlight;
    return this.failed;
  }
}

async function loop(services: Services, ctx: WorkspaceContext, def: LoopDefinition, o: LoopOptions, writes: StepWrites): Promise<LoopOutcome> {
  const messages = [...o.messages];
  const byName = new Map(def.tools.map((t) => [t.name, t]));
  const sdkTools: ToolSet = Object.fromEntries(def.tools.map((t) => [t.name, tool({ description: t.description, inputSchema: sdkSchema(t.input) })]));
  if (def.finish === 'result') sdkTools[FINISH] = tool({ description: finishDescription, inputSchema: sdkSchema(agentResultSchema) });
  const deadline = AbortSignal.timeout(def.timeLimitMs);
  const signal = AbortSignal.any([deadline, ...(o.signal ? [o.signal] : [])]);
  const out: LoopOutcome = { status: 'failed', text: '', result: null, steps: 0, tokensIn: 0, tokensOut: 0, costUsd: null, error: null, messages };
  let nudged = false;
  // Issue 14: the provider is resolved (and its key opened) once per run, not once per step.
  const providerCache: ProviderCache = {};

  for (let step = 1; step <= def.maxSteps; step++) {
    // A step whose record could not be written ends the run (runLoop throws that error).
    if (writes.failed !== null) return out;
    if (signal.aborted || (o.stopRequested && (await o.stopRequested()))) return stopped(out, deadline.aborted, def);
    out.steps = step;
    o.emit({ type: 'step', step, at: new Date().toISOString() });
    let reply;
    try {
      const stream = await streamModel(services, ctx, {
        feature: def.feature,
        runId: o.runId,
        system: def.system,
        messages,
        tools: sdkTools,
        recordRefs: o.records.all().map((r) => ({ type: r.type, id: r.id })),
        abortSignal: signal,
        providerCache,
        deferRecord: true,
        afterWrites: () => writes.settled(),
      });
      for await (const delta of stream.textStream) o.onDelta?.(step, delta);
      reply = await stream.result;
    } catch (error) {
      if (error instanceof AppError && error.code === 'ai_cancelled') return stopped(out, deadline.aborted, def);
      if (error instanceof AppError) {
        out.error = error.message;
        return out;
      }
      throw error;
    }
    // This step's record and audit entries, sent together however the step ends.
    const audits: AuditEvent[] = [];
    try {
      out.tokensIn += reply.tokensIn ?? 0;
      out.tokensOut += reply.tokensOut ?? 0;
      if (reply.costUsd !== null) out.costUsd = (out.costUsd ?? 0) + reply.costUsd;
      o.emit({ type: 'call', step, callId: reply.callId });
      if (reply.text) {
        out.text = reply.text;
        o.emit({ type: 'text', step, text: reply.text });
      }
      messages.push(...reply.responseMessages);

      if (reply.toolCalls.length === 0) {
        if (def.finish === 'text') {
          out.status = 'succeeded';
          return out;
        }
        // A model that answered in prose is asked once for the structured answer; then its prose stands.
        if (!nudged && step < def.maxSteps) {
          nudged = true;
          messages.push({ role: 'user', content: `Now call ${FINISH} with your answer.` });
          continue;
        }
        out.result = { summary: reply.text.trim() || 'The agent gave no answer.', findings: [] };
        out.status = reply.text.trim() ? 'succeeded' : 'failed';
        if (out.status === 'failed') out.error = 'The model gave no answer.';
        return out;
      }

      const results: { type: 'tool-result'; toolCallId: string; toolName: string; output: { type: 'text'; value: string } }[] = [];
      let finished = false;
      for (const call of reply.toolCalls) {
        if (call.name === FINISH && def.finish === 'result') {
          const parsed = agentResultSchema.safeParse(call.input);
          if (parsed.success) {
            out.result = keepKnownCitations(parsed.data, o.records);
            finished = true;
            results.push({ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.name, output: { type: 'text', value: 'Answer received.' } });
          } else {
            results.push({ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.name, output: { type: 'text', value: `The answer is not valid: ${z.prettifyError(parsed.error)}` } });
          }
          continue;
        }
        const value = await runTool(services, ctx, def, o, byName.get(call.name), call, step, audits);
        results.push({ type: 'tool-result', toolCallId: call.toolCallId, toolName: call.name, output: { type: 'text', value } });
      }
      messages.push({ role: 'tool', content: results });
      if (finished) {
        out.status = 'succeeded';
        return out;
      }
    } finally {
      writes.send(reply.unwritten ?? [], audits);
    }
  }
  out.error = `Stopped after ${def.maxSteps} steps without an answer.`;
  return out;
}

function stopped(out: LoopOutcome, timedOut: boolean, def: LoopDefinition): LoopOutcome {
  if (timedOut) {
    out.status = 'failed';
    out.error = `Stopped: the run took longer than ${Math.round(def.timeLimitMs / 1000)} seconds.`;
  } else {
    out.status = 'cancelled';
    out.error = 'Stopped by a person.';
  }
  return out;
}

async function runTool(
  services: Services,
  ctx: WorkspaceContext,
  def: LoopDefinition,
  o: LoopOptions,
  t: AgentTool | undefined,
  call: { toolCallId: string; name: string; input: unknown },
  step: number,
  audits: AuditEvent[],
): Promise<string> {
  let ok = false;
  let value: string;
  let summary: string;
  if (!t) {
    value = `There is no tool called ${call.name}.`;
    summary = 'unknown tool';
  } else {
    const parsed = t.input.safeParse(call.input);
    if (!parsed.success) {
      value = `The input is not valid: ${z.prettifyError(parsed.error)}`;
      summary = 'invalid input';
    } else {
      const env: ToolEnv = { services, ctx, run: { id: o.runId, agent: def.agent }, step, records: o.records, emit: o.emit, redact: o.redact };
      try {
        const outcome = await t.run(parsed.data, env);
        value = outcome.output;
        summary = outcome.summary;
        ok = true;
      } catch (error) {
        if (!(error instanceof AppError)) services.logger.error({ err: error, tool: call.name, runId: o.runId }, 'agent tool failed');
        value = describeToolError(error);
        summary = clip(value, 200);
      }
    }
  }
  o.emit({ type: 'tool', step, tool: call.name, input: call.input, ok, summary });
  // AI-5: written with the step's call record once the step's tools have run (runLoop).
  audits.push({
    action: 'agent.tool_call',
    targetType: 'agent_run',
    targetId: o.runId,
    details: { agent: def.agent, tool: call.name, ok, input: clip(JSON.stringify(call.input ?? null), 2000), summary },
  });
  return value;
}
