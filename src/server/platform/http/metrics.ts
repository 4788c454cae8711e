import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { z } from 'zod';
import { safeEqual } from '../crypto/tokens';
import { unauthorized } from './errors';

/** OPS-1: Prometheus metrics for the process and every route (by route pattern, never by raw URL). */
export const metricsPlugin = fp(async function metricsPlugin(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  // The event-loop delay histogram samples at this resolution; prom-client's default of 10 ms
  // wakes an idle server 100 times a second (a fifth of a core on a small VM, measured).
  collectDefaultMetrics({ register: registry, prefix: 'kestrel_', eventLoopMonitoringPrecision: 100 });
  const duration = new Histogram({
    name: 'kestrel_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const errors = new Counter({ name: 'kestrel_http_server_errors_total', help: '5xx responses', labelNames: ['route'], registers: [registry] });

  // Label sets are kept per route and status: a fresh object per request is garbage on the
  // hot path (issue 14). A callback hook, not an async one: no promise per request.
  const labelSets = new Map<string, { method: string; route: string; status: string }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const key = `${request.method} ${status} ${route}`;
    let labels = labelSets.get(key);
    if (!labels) {
      labels = { method: request.method, route, status: String(status) };
      if (labelSets.size < 10_000) labelSets.set(key, labels);
    }
    duration.observe(labels, reply.elapsedTime / 1000);
    if (status >= 500) errors.inc({ route });
    done();
  });

  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { hide: true, response: { 200: z.string() } } },
    async (request, reply) => {
      const token = app.services.config.METRICS_TOKEN;
      if (token) {
        const sent = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
        if (!safeEqual(sent, token)) throw unauthorized('Metrics need the operator token.');
      }
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
});
