import type { z } from 'zod';

/**
 * The one way the web app talks to the server: same-origin JSON with the session cookie, and
 * the session's CSRF token on every write (SEC-1). Failures become an ApiError carrying the
 * server's `{ error: { code, message, details } }`.
 */

let csrfToken: string | null = null;

/** Called whenever GET /api/auth/me answers; the token changes at sign-in and sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Lets the client fetch a fresh token when the server says ours is stale. */
let refreshCsrf: (() => Promise<void>) | null = null;
export function onCsrfRefresh(fn: () => Promise<void>): void {
  refreshCsrf = fn;
}

export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Validation messages by field name (`territory.zipCodes` style paths). */
  get fields(): FieldErrors {
    const fields = this.details.fields;
    if (!fields || typeof fields !== 'object') return {};
    const out: FieldErrors = {};
    for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
      if (typeof value === 'string') out[key] = value;
    }
    return out;
  }
}

const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface RequestOptions<T> {
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  /** Parses the response; when omitted the JSON is returned as is (or undefined for 204). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

export async function request<T = unknown>(method: Method, path: string, options: RequestOptions<T> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';

  let url = path;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }

  const response = await call(method, url, headers, options.body === undefined ? null : JSON.stringify(options.body), options.signal ?? null);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  return options.schema ? options.schema.parse(data) : (data as T);
}

/**
 * A POST whose answer is read as it arrives (server-sent events): the same cookie, CSRF header,
 * CSRF retry and errors as `request`, but the Response is handed back unread.
 */
export function openStream(path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return call('POST', path, { accept: 'text/event-stream', 'content-type': 'application/json' }, JSON.stringify(body), signal ?? null);
}

/**
 * One call with the session cookie and, on a write, the session's CSRF token. Not reaching the
 * server is an ApiError; so is an error answer, except that a stale CSRF token is refreshed and
 * the call made once more.
 */
async function call(method: Method, url: string, headers: Record<string, string>, body: string | null, signal: AbortSignal | null, mayRetry = true): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: method !== 'GET' && csrfToken ? { ...headers, 'x-csrf-token': csrfToken } : headers,
      credentials: 'same-origin',
      body,
      signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
  if (!response.ok) {
    const error = await readError(response);
    if (mayRetry && error.code === 'csrf_token_invalid' && refreshCsrf) {
      await refreshCsrf();
      return call(method, url, headers, body, signal, false);
    }
    throw error;
  }
  return response;
}

async function readError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    const details = error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
    return new ApiError(response.status, error.code, error.message, details);
  }
  return new ApiError(response.status, `http_${response.status}`, fallbackMessage(response.status));
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Please sign in to continue.';
  if (status === 403) return 'You do not have access to this.';
  if (status === 404) return 'We could not find that.';
  if (status === 429) return 'Too many attempts. Wait a minute and try again.';
  if (status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return 'The request could not be completed.';
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions<T>, 'body'>) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions<T>, 'body'>) => request<T>('POST', path, { ...options, body: body ?? {} }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions<T>, 'body'>) => request<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body: unknown, options?: Omit<RequestOptions<T>, 'body'>) => request<T>('PUT', path, { ...options, body }),
  delete: (path: string) => request<void>('DELETE', path),
};

/** A human message for anything thrown by a query or mutation. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.name === 'ZodError') return 'The server answered in an unexpected shape. Try reloading the page.';
  return 'Something went wrong. Try again.';
}

export function isApiError(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code));
}

/** Collects a zod schema's issues as field messages, the same shape the server sends. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): { ok: true; data: z.output<S> } | { ok: false; fields: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '(body)';
    fields[key] ??= issue.message;
  }
  return { ok: false, fields };
}
