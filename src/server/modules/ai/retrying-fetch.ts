/** What happened across the attempts of one model call, for its record. */
export interface AttemptLog {
  attempts: number;
  lastStatus: number | null;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxDelayMs: number;
}

const retryable = (status: number) => status === 429 || (status >= 500 && status !== 501);

/** Retry-After in seconds or as an HTTP date; also OpenAI's `retry-after-ms`. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers.get('retry-after');
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * AI-4: a fetch for the AI SDK that retries 429 and 5xx answers with exponential back-off and
 * jitter, honouring Retry-After. Retrying here, below the SDK, covers generate and stream calls
 * alike (a stream is retried only before its first byte) and lets the call record count attempts.
 * A provider asking to wait longer than `maxDelayMs` gets its answer passed on instead.
 */
export function retryingFetch(policy: RetryPolicy, log: AttemptLog, inner: typeof globalThis.fetch = globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      const res = await inner(input, init);
      log.attempts = attempt;
      log.lastStatus = res.status;
      if (!retryable(res.status) || attempt >= policy.maxAttempts) return res;
      const asked = retryAfterMs(res.headers);
      if (asked !== null && asked > policy.maxDelayMs) return res;
      const backoff = policy.baseMs * 2 ** (attempt - 1);
      const delay = Math.min(policy.maxDelayMs, asked ?? backoff + Math.random() * backoff * 0.25);
      await res.body?.cancel().catch(() => {});
      await sleep(delay, init?.signal);
    }
  };
}
