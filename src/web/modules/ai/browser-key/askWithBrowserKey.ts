import { generateText, tool, type ModelMessage, type ToolSet } from 'ai';
import type { z } from 'zod';
import type { RunEvent } from '../../../../server/modules/agents/agents.contract';
import { brainToolSpecs } from '../../../../server/modules/agents/tool-specs';
import { brainSystemPrompt, type Conversation } from '../../../../server/modules/brain/brain.contract';
import { api, ApiError } from '../../../lib/api';
import type { BrowserKey } from './browserKey';
import { browserModel } from './browserModel';

const MAX_STEPS = 8;

export interface BrowserAskOptions {
  workspaceId: string;
  conversationId: string | null;
  question: string;
  /** Earlier turns of the conversation, oldest first. */
  history: { role: 'user' | 'assistant'; content: string }[];
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

const uuidv7 = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const ms = Date.now();
  for (let i = 0; i < 6; i++) bytes[i] = (ms / 2 ** (8 * (5 - i))) & 255;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * AI-1, AI-3: the brain, with the model called from this page using a personal key the page
 * keeps to itself. Kestrel runs the read tools (with the member's access) and keeps the record
 * of each call and the answer — never the key, which goes only to the provider.
 */
export async function askWithBrowserKey(key: BrowserKey, o: BrowserAskOptions): Promise<Conversation> {
  const w = encodeURIComponent(o.workspaceId);
  const model = await browserModel(key);
  const answerId = uuidv7();
  const tools: ToolSet = Object.fromEntries(brainToolSpecs.map((s) => [s.name, tool({ description: s.description, inputSchema: s.input as z.ZodType<Record<string, unknown>> })]));
  const system = brainSystemPrompt(new Date().toISOString().slice(0, 10));
  const messages: ModelMessage[] = [...o.history.map((m) => ({ role: m.role, content: m.content }) as ModelMessage), { role: 'user', content: o.question }];
  const records: { type: string; id: string }[] = [];
  const events: RunEvent[] = [];
  const emit = (e: RunEvent) => {
    events.push(e);
    o.onEvent?.(e);
  };

  for (let step = 1; step <= MAX_STEPS; step++) {
    emit({ type: 'step', step, at: new Date().toISOString() });
    const allowance = await api.get<{ allowed: boolean; message: string | null }>(`/api/workspaces/${w}/ai/browser-calls/allowance`);
    if (!allowance.allowed) throw new ApiError(429, 'ai_limit_reached', allowance.message ?? 'The daily AI limit is reached.');
    const started = performance.now();
    const prompt = { system, messages: structuredClone(messages) as unknown[] };
    let result;
    try {
      result = await generateText({ model, system, messages, tools, maxRetries: 2, ...(o.signal ? { abortSignal: o.signal } : {}) });
    } catch (error) {
      const message = error instanceof Error ? error.message.replaceAll(key.apiKey, '[key]').slice(0, 1000) : 'The provider call failed.';
      const cancelled = o.signal?.aborted === true;
      await api.post(`/api/workspaces/${w}/ai/browser-calls`, {
        feature: 'brain',
        runId: answerId,
        providerKind: key.kind,
        model: key.model,
        prompt,
        recordRefs: records,
        output: null,
        tokensIn: null,
        tokensOut: null,
        latencyMs: Math.round(performance.now() - started),
        outcome: cancelled ? 'cancelled' : 'error',
        errorMessage: message,
      });
      throw new ApiError(502, cancelled ? 'ai_cancelled' : 'ai_provider_error', cancelled ? 'Stopped.' : `Your AI provider answered with an error: ${message}`);
    }
    const toolCalls = result.toolCalls.map((c) => ({ toolCallId: c.toolCallId, name: c.toolName, input: c.input }));
    const recorded = await api.post<{ callId: string }>(`/api/workspaces/${w}/ai/browser-calls`, {
      feature: 'brain',
      runId: answerId,
      providerKind: key.kind,
      model: key.model,
      prompt,
      recordRefs: records,
      output: { text: result.text || null, toolCalls: toolCalls.map((c) => ({ name: c.name, input: c.input })) },
      tokensIn: result.totalUsage.inputTokens ?? null,
      tokensOut: result.totalUsage.outputTokens ?? null,
      latencyMs: Math.round(performance.now() - started),
      outcome: 'ok',
    });
    emit({ type: 'call', step, callId: recorded.callId });
    if (result.text) emit({ type: 'text', step, text: result.text });
    messages.push(...result.response.messages);
    if (toolCalls.length === 0) {
      return api.post<Conversation>(`/api/workspaces/${w}/brain/browser-turns`, { conversationId: o.conversationId, answerId, question: o.question, answer: result.text, events });
    }
    const results = [];
    for (const call of toolCalls) {
      let value: string;
      let ok = true;
      let summary: string;
      try {
        const out = await api.post<{ output: string; summary: string; records: { type: string; id: string }[] }>(`/api/workspaces/${w}/brain/tools/${encodeURIComponent(call.name)}`, { input: call.input, runId: answerId });
        value = out.output;
        summary = out.summary;
        for (const r of out.records) records.push({ type: r.type, id: r.id });
      } catch (error) {
        ok = false;
        value = error instanceof ApiError ? error.message : 'The tool failed.';
        summary = value.slice(0, 200);
      }
      emit({ type: 'tool', step, tool: call.name, input: call.input, ok, summary });
      results.push({ type: 'tool-result' as const, toolCallId: call.toolCallId, toolName: call.name, output: { type: 'text' as const, value } });
    }
    messages.push({ role: 'tool', content: results });
  }
  throw new ApiError(422, 'ai_no_answer', `No answer after ${MAX_STEPS} steps. Try a narrower question.`);
}
