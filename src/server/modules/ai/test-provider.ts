import type { WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import type { TestAiProviderResult } from './ai.contract';
import { aiNotConfigured } from './ai-errors';
import { resolveProvider, type AiServices } from './resolve-provider';
import { runModel } from './run-model';

/**
 * AI-1: "Test connection" — a tiny real call to the provider in use, recorded like any other.
 * A provider failure is an answer (ok: false, with what the provider said), not an error;
 * no provider at all is 409 ai_not_configured, and a reached limit stays a 429.
 */
export async function testProvider(services: AiServices, ctx: WorkspaceContext): Promise<TestAiProviderResult> {
  const provider = await resolveProvider(services, ctx);
  if (!provider) throw aiNotConfigured();
  const about = { kind: provider.kind, model: provider.model };
  try {
    const result = await runModel(services, ctx, {
      feature: 'connection_test',
      messages: [{ role: 'user', content: 'This is a connection test. Reply with the single word: OK' }],
      maxOutputTokens: 16,
    });
    const reply = result.text.trim().slice(0, 80);
    return { ok: true, message: `Connected to ${provider.model}${reply ? `; it replied "${reply}"` : ''}.`, ...about, latencyMs: result.latencyMs, callId: result.callId };
  } catch (error) {
    if (error instanceof AppError && error.code.startsWith('ai_provider')) {
      return { ok: false, message: error.message, ...about, latencyMs: null, callId: (error.details.callId as string | undefined) ?? null };
    }
    throw error;
  }
}
