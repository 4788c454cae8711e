import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * SEC-1: helmet's security headers on every response, computed once at boot (issue 14).
 * @fastify/helmet builds helmet's middleware again for every request and runs it through two
 * hooks; our headers depend only on configuration (no per-route options, no CSP nonces), so
 * helmet runs once here against a response that records what it sets, and each request gets
 * the same header set.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({} as never, recorder as never, (error?: unknown) => (failed = error));
  if (failed) throw failed;
  return headers;
}

export const securityHeadersPlugin = fp(async function securityHeadersPlugin(app: FastifyInstance, options: HelmetOptions) {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
});
