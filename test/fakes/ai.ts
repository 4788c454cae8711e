import type { ServerResponse } from 'node:http';
import { FakeProvider, route, type FakeRequest as HttpRequest, type FakeResponse } from './harness';
import { closeAfterFile } from '../helpers/file-cleanup';

/**
 * A local AI provider for tests (STYLE 13): a real HTTP server on 127.0.0.1 that speaks
 * OpenAI's Chat Completions (`POST /v1/chat/completions`), Anthropic's Messages
 * (`POST /v1/messages`) and Google's Gemini (`POST …/models/<m>:generateContent`) wire formats, plain JSON or SSE streams, with tool calls;
 * and the embedding APIs of OpenAI (and OpenAI-compatible servers: `POST /v1/embeddings`) and
 * Google (`POST …/models/<m>:batchEmbedContents`, or `:embedContent` for a single text).
 * Each test scripts the replies (a queue, or a function of the request; chat and embeddings
 * have a queue each) and reads back every request body exactly as the SDK sent it. Unscripted
 * embeddings are a bag-of-concepts hash of the text ({@link fakeEmbedding}), so that texts sharing
 * words, or words of one concept group, are closer. The AI benchmark uses it too, as a provider that answers at once.
 */

export type FakeApi = 'openai' | 'anthropic' | 'google';

/** Which of an API's endpoints a request went to. */
export type FakeEndpoint = 'chat' | 'embeddings';

/** A request as the tests read it: the harness's record plus which API and endpoint it went to. */
export interface FakeRequest extends HttpRequest {
  api: FakeApi;
  endpoint: FakeEndpoint;
  stream: boolean;
  /** Embedding requests: the texts to embed, in order. */
  texts?: string[];
}

export type FakeReply =
  | {
      text?: string;
      toolCalls?: { id?: string; name: string; input: unknown }[];
      usage?: { input: number; output: number };
      /** Stream in pieces of this many characters (streaming requests only). */
      chunkSize?: number;
    }
  | { status: number; headers?: Record<string, string>; message?: string };

/** A reply, or a function of the request that may wait (to act while the caller waits for the provider). */
type Replier = FakeReply | ((request: FakeRequest) => FakeReply | Promise<FakeReply>);

export type FakeEmbeddingReply =
  | {
      /** One per text; by default {@link fakeEmbedding} of each. */
      vectors?: number[][];
      /** Prompt tokens OpenAI reports (Google reports none); by default the number of words. */
      tokens?: number;
    }
  | { status: number; headers?: Record<string, string>; message?: string };

/** An embedding reply, or a function of the texts (and the request) that may wait. */
type EmbeddingReplier = FakeEmbeddingReply | ((texts: string[], request: FakeRequest) => FakeEmbeddingReply | Promise<FakeEmbeddingReply>);

const DEFAULT_USAGE = { input: 12, output: 5 };

/** Dimensions of the fake's default embeddings. */
export const FAKE_EMBEDDING_DIMENSIONS = 64;

const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * Words that carry no meaning here: left out of the fake's embeddings, so that two sentences are
 * not "close" for sharing "the" and "is".
 */
const FILLER = new Set('a an and are as at be but by can could do does for from had has have how i if in is it its me my no not of on or our so than that the their them then there these they this to us was we what when where which who why will with would you your'.split(' '));

/**
 * Bag-of-concepts: words of one group count as the group's name, so a question can be close in
 * meaning to an answer it shares no word with ("return … cash" and "refund … money back").
 * Deterministic and small: enough for tests of retrieval by meaning, not a language model.
 */
export const FAKE_CONCEPTS: Record<string, string[]> = {
  price: ['price', 'prices', 'pricing', 'priced', 'cost', 'costs', 'fee', 'fees', 'charge', 'charges', 'expensive', 'cheap', 'pay', 'afford', 'quote'],
  delivery: ['deliver', 'delivers', 'delivery', 'deliveries', 'ship', 'ships', 'shipping', 'courier', 'dispatch', 'post', 'postage'],
  hours: ['open', 'opens', 'opening', 'hours', 'close', 'closes', 'closing', 'closed', 'trading'],
  refund: ['refund', 'refunds', 'refunded', 'return', 'returns', 'returned', 'money', 'cash', 'back', 'reimburse', 'exchange'],
  allergy: ['gluten', 'coeliac', 'celiac', 'allergy', 'allergies', 'allergen', 'allergens', 'wheat', 'nut', 'nuts'],
  damage: ['broken', 'damaged', 'wrong', 'faulty', 'unhappy', 'crushed', 'spoiled'],
  purchase: ['item', 'items', 'purchase', 'purchases', 'order', 'orders', 'bought', 'product', 'products'],
  meeting: ['call', 'meeting', 'meet', 'appointment', 'chat', 'demo', 'consultation'],
};
const conceptOf = new Map(Object.entries(FAKE_CONCEPTS).flatMap(([concept, words]) => words.map((w) => [w, concept] as const)));

/**
 * A deterministic stand-in for an embedding: each meaningful word (lower-cased; a word of a
 * concept group counts as its concept, {@link FAKE_CONCEPTS}) adds 1 to the dimension its FNV-1a
 * hash picks; the sum is scaled to length 1. Texts sharing words or concepts are closer in cosine
 * distance; a text without such words points along the first dimension (never a zero vector,
 * whose cosine distance is undefined).
 */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const raw of wordsOf(text)) {
    if (FILLER.has(raw)) continue;
    const word = conceptOf.get(raw) ?? raw;
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
    v[h % dimensions]! += 1;
  }
  const length = Math.hypot(...v);
  return length ? v.map((x) => x / length) : v.map((_, i) => (i === 0 ? 1 : 0));
}

export class FakeAi extends FakeProvider<FakeRequest> {
  private queue: Replier[] = [];
  private fallback: Replier = { text: 'OK' };
  private embeddingQueue: EmbeddingReplier[] = [];
  private embeddingFallback: EmbeddingReplier = {};

  // Browsers call it directly in the browser-key mode (AI-1): answer CORS like the real APIs do.
  protected override commonHeaders = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, OPTIONS' };

  protected routes = [
    route('OPTIONS', /.*/, () => ({ status: 204 })),
    route('POST', /(\/chat\/completions|\/messages|:(stream)?generateContent)$/i, (r) => this.chat(r as FakeRequest)),
    route('POST', /(\/embeddings|:(batch)?EmbedContents?)$/i, (r) => this.embed(r as FakeRequest & { texts: string[] })),
  ];

  /** Base URL to give a provider: both SDKs append their paths to `.../v1`. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Replies for the next requests, in order; after them the fallback answers. */
  reply(...replies: Replier[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** What answers when the queue is empty. */
  otherwise(reply: Replier): this {
    this.fallback = reply;
    return this;
  }

  /** Replies for the next embedding requests, in order; after them the embedding fallback answers. */
  replyEmbeddings(...replies: EmbeddingReplier[]): this {
    this.embeddingQueue.push(...replies);
    return this;
  }

  /** What answers embedding requests when their queue is empty (by default {@link fakeEmbedding}s). */
  otherwiseEmbeddings(reply: EmbeddingReplier): this {
    this.embeddingFallback = reply;
    return this;
  }

  override reset(): void {
    super.reset();
    this.queue = [];
    this.fallback = { text: 'OK' };
    this.embeddingQueue = [];
    this.embeddingFallback = {};
  }

  last(): FakeRequest {
    const r = this.requests.at(-1);
    if (!r) throw new Error('the fake AI provider received no request');
    return r;
  }

  protected errorBody(status: number, message: string) {
    return { error: { message, type: status === 429 ? 'rate_limit_error' : 'api_error', param: null, code: null } };
  }

  /** Chat and embedding calls are recorded with their API; preflights and unknown paths are not. */
  protected override describe(request: HttpRequest): FakeRequest | null {
    const path = request.path;
    const api: FakeApi | null =
      request.method !== 'POST' ? null
      : path.endsWith('/chat/completions') || path.endsWith('/embeddings') ? 'openai'
      : path.endsWith('/messages') ? 'anthropic'
      : /:((stream)?generateContent|(batch)?EmbedContents?)$/i.test(path) ? 'google'
      : null;
    if (!api) return null;
    const endpoint: FakeEndpoint = /(\/embeddings|:(batch)?EmbedContents?)$/i.test(path) ? 'embeddings' : 'chat';
    if (endpoint === 'embeddings') return { ...request, api, endpoint, stream: false, texts: embeddingTexts(api, request.body) };
    // Gemini says "stream" in the path (`:streamGenerateContent?alt=sse`), not in the body.
    const stream = api === 'google' ? path.endsWith(':streamGenerateContent') : request.body?.stream === true;
    return { ...request, api, endpoint, stream };
  }

  private async chat(request: FakeRequest): Promise<FakeResponse> {
    const next = this.queue.shift() ?? this.fallback;
    const reply = typeof next === 'function' ? await next(request) : next;
    if ('status' in reply) return errorReply(request.api, reply);
    const out = { text: reply.text ?? '', toolCalls: (reply.toolCalls ?? []).map((t, i) => ({ id: t.id ?? `call_${i + 1}`, name: t.name, input: t.input })), usage: reply.usage ?? DEFAULT_USAGE, chunkSize: reply.chunkSize ?? 4 };
    const model = String(request.body.model ?? 'fake-model');
    if (!request.stream) return { status: 200, body: request.api === 'google' ? googleJson(out) : request.api === 'openai' ? openaiJson(model, out) : anthropicJson(model, out) };
    return { status: 200, write: (res) => (request.api === 'google' ? googleStream(res, out) : request.api === 'openai' ? openaiStream(res, model, out) : anthropicStream(res, model, out)) };
  }

  private async embed(request: FakeRequest & { texts: string[] }): Promise<FakeResponse> {
    const next = this.embeddingQueue.shift() ?? this.embeddingFallback;
    const reply = typeof next === 'function' ? await next(request.texts, request) : next;
    if ('status' in reply) return errorReply(request.api, reply);
    const vectors = reply.vectors ?? request.texts.map((t) => fakeEmbedding(t));
    if (request.api === 'google') return { status: 200, body: request.path.endsWith(':embedContent') ? { embedding: { values: vectors[0] ?? [] } } : { embeddings: vectors.map((values) => ({ values })) } };
    const tokens = reply.tokens ?? request.texts.reduce((n, t) => n + wordsOf(t).length, 0);
    return {
      status: 200,
      body: {
        object: 'list',
        data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
        model: String(request.body.model ?? 'fake-embedding'),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
    };
  }
}

/** OpenAI sends `input` (a string or strings); Google one request per text, or one `content` alone. */
function embeddingTexts(api: FakeApi, body: any): string[] {
  const textOf = (content: { parts?: { text?: string }[] } | undefined) => (content?.parts ?? []).map((p) => p.text ?? '').join('');
  if (api === 'google') return Array.isArray(body.requests) ? body.requests.map((r: { content?: { parts?: { text?: string }[] } }) => textOf(r.content)) : [textOf(body.content)];
  return Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
}

/** Starts a fake provider for the current test file; it stops after the file's tests. */
export async function startFakeAi(): Promise<FakeAi> {
  const fake = await new FakeAi().start();
  closeAfterFile(() => fake.stop());
  return fake;
}

interface Out {
  text: string;
  toolCalls: { id: string; name: string; input: unknown }[];
  usage: { input: number; output: number };
  chunkSize: number;
}

function errorReply(api: FakeApi, reply: { status: number; headers?: Record<string, string>; message?: string }): FakeResponse {
  const message = reply.message ?? (reply.status === 429 ? 'Rate limit reached for requests' : 'The server had an error while processing your request.');
  const type = reply.status === 429 ? 'rate_limit_error' : reply.status === 401 ? 'authentication_error' : 'api_error';
  const body =
    api === 'openai' ? { error: { message, type, param: null, code: null } }
    : api === 'google' ? { error: { code: reply.status, message, status: reply.status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' } }
    : { type: 'error', error: { type, message } };
  return { status: reply.status, body, ...(reply.headers ? { headers: reply.headers } : {}) };
}

const pieces = (text: string, size: number) => {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
};

function sse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  return {
    data: (payload: unknown) => res.write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`),
    event: (name: string, payload: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`),
    end: () => res.end(),
  };
}

// ---------------------------------------------------------------- OpenAI Chat Completions

function openaiJson(model: string, out: Out) {
  const message: Record<string, unknown> = { role: 'assistant', content: out.text || null };
  if (out.toolCalls.length) message.tool_calls = out.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.input) } }));
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: out.toolCalls.length ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: out.usage.input, completion_tokens: out.usage.output, total_tokens: out.usage.input + out.usage.output },
  };
}

function openaiStream(res: ServerResponse, model: string, out: Out) {
  const s = sse(res);
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  s.data({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  for (const piece of pieces(out.text, out.chunkSize)) s.data({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  out.toolCalls.forEach((t, index) => {
    s.data({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }, finish_reason: null }] });
    for (const piece of pieces(JSON.stringify(t.input), 8)) s.data({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null }] });
  });
  s.data({ ...base, choices: [{ index: 0, delta: {}, finish_reason: out.toolCalls.length ? 'tool_calls' : 'stop' }] });
  s.data({ ...base, choices: [], usage: { prompt_tokens: out.usage.input, completion_tokens: out.usage.output, total_tokens: out.usage.input + out.usage.output } });
  s.data('[DONE]');
  s.end();
}

// ---------------------------------------------------------------- Anthropic Messages

function anthropicJson(model: string, out: Out) {
  const content: unknown[] = [];
  if (out.text) content.push({ type: 'text', text: out.text });
  for (const t of out.toolCalls) content.push({ type: 'tool_use', id: t.id, name: t.name, input: t.input });
  return {
    id: 'msg_fake',
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: out.toolCalls.length ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: out.usage.input, output_tokens: out.usage.output },
  };
}

function anthropicStream(res: ServerResponse, model: string, out: Out) {
  const s = sse(res);
  s.event('message_start', {
    type: 'message_start',
    message: { id: 'msg_fake', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: out.usage.input, output_tokens: 1 } },
  });
  let index = 0;
  if (out.text) {
    s.event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const piece of pieces(out.text, out.chunkSize)) s.event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    s.event('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  for (const t of out.toolCalls) {
    s.event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: t.id, name: t.name, input: {} } });
    for (const piece of pieces(JSON.stringify(t.input), 8)) s.event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
    s.event('content_block_stop', { type: 'content_block_stop', index });
    index++;
  }
  s.event('message_delta', { type: 'message_delta', delta: { stop_reason: out.toolCalls.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: out.usage.output } });
  s.event('message_stop', { type: 'message_stop' });
  s.end();
}

// ---------------------------------------------------------------- Google Gemini generateContent

function googleCandidate(out: Out, text: string, withCalls: boolean, done: boolean) {
  const parts: unknown[] = [];
  if (text) parts.push({ text });
  if (withCalls) for (const t of out.toolCalls) parts.push({ functionCall: { name: t.name, args: t.input } });
  return { content: { role: 'model', parts }, index: 0, ...(done ? { finishReason: 'STOP' } : {}) };
}

const googleUsage = (out: Out) => ({ promptTokenCount: out.usage.input, candidatesTokenCount: out.usage.output, totalTokenCount: out.usage.input + out.usage.output });

function googleJson(out: Out) {
  return { candidates: [googleCandidate(out, out.text, true, true)], usageMetadata: googleUsage(out) };
}

function googleStream(res: ServerResponse, out: Out) {
  const s = sse(res);
  const chunks = pieces(out.text, out.chunkSize);
  chunks.forEach((piece) => s.data({ candidates: [googleCandidate(out, piece, false, false)] }));
  s.data({ candidates: [googleCandidate(out, '', true, true)], usageMetadata: googleUsage(out) });
  s.end();
}
