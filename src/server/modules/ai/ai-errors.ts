import { APICallError } from 'ai';
import { AppError } from '../../platform/http/errors';

/** AI-8: what every AI surface answers when there is no provider: how to connect one, not a 500. */
export const notConfiguredMessage =
  'No AI provider is connected. An owner or admin can connect OpenAI, Anthropic, Google or any OpenAI-compatible server in Settings → AI, or the operator can set AI_PROVIDER, AI_API_KEY and AI_MODEL.';

export const aiNotConfigured = () => new AppError('ai_not_configured', 409, notConfiguredMessage);

export const aiLimitReached = (message: string, details: Record<string, unknown>) => new AppError('ai_limit_reached', 429, message, details);

export const aiProviderRateLimited = (callId: string) =>
  new AppError('ai_provider_rate_limited', 503, 'The AI provider is turning requests away (rate limited) and retries did not get through. Try again in a minute.', { callId });

/** `message` is a sentence from explainProviderError: what went wrong and what to check. */
export const aiProviderFailed = (message: string, callId: string) => new AppError('ai_provider_error', 502, message, { callId });

/** Where a provider answers when no base URL is set, for messages that name the address. */
const defaultHosts: Record<string, string> = {
  openai: 'https://api.openai.com',
  anthropic: 'https://api.anthropic.com',
  google: 'https://generativelanguage.googleapis.com',
};

/** Error codes anywhere along an error's chain of causes (fetch → undici → the socket). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    // fetch refuses ports of other protocols (1, 25, 6000 …) with no code, only this message.
    if ((e as { message?: unknown }).message === 'bad port') codes.push('BAD_PORT');
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...codesOf(inner));
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

const originOf = (url: string | null | undefined): string | null => {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
};

export interface ProviderErrorFacts {
  kind: string;
  model: string;
  baseUrl: string | null;
  /** The HTTP status the provider answered with, if it answered. */
  status: number | null;
  /** The address the request went to (the SDK's error carries it). */
  url?: string | null;
  /** What the provider itself said, when it said something. */
  providerMessage: string | null;
}

/**
 * AI-1: a failed call as one sentence a person can act on — "Nothing answered at
 * http://127.0.0.1:11434. Is the server running, and is the address right?" — rather than
 * "fetch failed" or "401 Incorrect API key provided: sk-…". The technical detail stays in the
 * call's record.
 */
export function explainProviderError(error: unknown, f: ProviderErrorFacts): string {
  const where = originOf(f.url) ?? originOf(f.baseUrl) ?? defaultHosts[f.kind] ?? 'the provider';
  const codes = codesOf(error);
  const has = (...c: string[]) => codes.some((x) => c.includes(x));
  const said = f.providerMessage ? ` It said: “${f.providerMessage.replace(/\s+/g, ' ').trim().slice(0, 300)}”` : '';
  if (f.status === null) {
    if (has('BAD_PORT')) return `Kestrel may not call ${where}: that port belongs to another kind of service, so web requests to it are refused. Use the port the AI server listens on (Ollama: 11434).`;
    if (has('ECONNREFUSED')) return `Nothing answered at ${where}. Is the server running, and is the address right?`;
    if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME')) return `No server could be found at ${where}: check the address for typing mistakes, and that this machine can reach it.`;
    if (has('ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH', 'EHOSTUNREACH')) return `${where} could not be reached in time. Check the address, and that no firewall is in the way.`;
    if (has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE')) return `The connection to ${where} was cut off before an answer came. Try again; if it keeps happening, check the server's logs.`;
    if (codes.some((c) => /CERT|SELF_SIGNED|TLS|SSL/i.test(c))) return `${where} presented a security certificate that could not be trusted, so nothing was sent.`;
    if (has('ERR_INVALID_URL')) return `${where} is not a web address Kestrel can call: check the base URL.`;
    return `Kestrel could not get an answer from ${where}. Check the address and that the server is running.`;
  }
  if (f.status === 401) return `The provider refused the key: check that it was copied whole and is still active.${said}`;
  if (f.status === 403) return `The key was accepted but is not allowed to do this (a project or organisation setting, or a model it has no access to).${said}`;
  if (f.status === 404) return `The provider does not know the model “${f.model}”, or ${where} is not the API's address: check the model name${f.baseUrl ? ' and the base URL' : ''}.${said}`;
  if (f.status === 402) return `The provider's account has no credit left: add some with the provider.${said}`;
  if (f.status === 400 || f.status === 422) return `The provider turned the request down.${said || ' It did not say why.'}`;
  if (f.status === 408 || f.status === 504) return `The provider took too long to answer. Try again in a minute.`;
  if (f.status >= 500) return `The provider has a problem on its side (error ${f.status}) and retrying did not help. Try again later.${said}`;
  return `The provider answered with an error (${f.status}).${said}`;
}

/** AI-3: the provider in use has no embedding model, so there is no semantic search. */
export const aiNoEmbeddings = (kind: string) =>
  new AppError('ai_no_embeddings', 409, kind === 'anthropic' ? 'Anthropic offers no embeddings, so there is no semantic search with it; keyword and fuzzy search still work.' : 'No embedding model is named for this provider, so there is no semantic search; name one in Settings → AI.', { kind });

export const aiCancelled = (callId: string) => new AppError('ai_cancelled', 499, 'The AI call was cancelled.', { callId });

/** What the SDK reported, for the call's record. */
function technical(error: unknown): string {
  if (APICallError.isInstance(error)) return `${error.statusCode ?? 'no status'} ${error.message}`.slice(0, 1000);
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`.slice(0, 1000);
  }
  return String(error).slice(0, 1000);
}

/** The provider's own words, when it answered with an error body (OpenAI, Anthropic and Google shapes). */
function providerSaid(error: unknown): string | null {
  if (!APICallError.isInstance(error) || error.statusCode === undefined) return null;
  try {
    const body = JSON.parse(error.responseBody ?? '') as { error?: { message?: unknown } | string; message?: unknown };
    const m = typeof body.error === 'string' ? body.error : (body.error?.message ?? body.message);
    if (typeof m === 'string' && m.trim()) return m;
  } catch {
    // Not JSON: the SDK's message is the best there is.
  }
  return error.message || null;
}

/** A provider's error message may quote the key it was given; nothing shown or kept does. */
function scrub(message: string, apiKey: string | null): string {
  return apiKey && apiKey.length >= 8 ? message.split(apiKey).join('[key]') : message;
}

export const timedOut = (timeoutMs: number) => {
  const sentence = `The provider did not answer within ${Math.round(timeoutMs / 1000)} seconds.`;
  return { sentence, message: sentence };
};

/**
 * A failed call as the sentence people see and the message its record keeps: the same
 * sentence followed, for whoever debugs, by what the SDK reported. Keys are scrubbed from both.
 */
export function describeProviderFailure(
  error: unknown,
  provider: { kind: string; baseUrl: string | null; apiKey: string | null },
  model: string,
  status: number | null,
): { sentence: string; message: string } {
  const url = APICallError.isInstance(error) ? error.url : null;
  const sentence = scrub(explainProviderError(error, { kind: provider.kind, model, baseUrl: provider.baseUrl, status, url, providerMessage: providerSaid(error) }), provider.apiKey);
  return { sentence, message: `${sentence} (${scrub(technical(error), provider.apiKey)})`.slice(0, 1000) };
}
