import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { accountsModule } from './modules/accounts/accounts.routes';
import { activitiesModule } from './modules/activities/activities.routes';
import { invoicingModule } from './modules/invoicing/invoicing.routes';
import { billingModule } from './modules/billing/billing.routes';
import { auditModule } from './modules/audit/audit.routes';
import { crmModule } from './modules/crm/crm.routes';
import { importsModule } from './modules/imports/imports.routes';
import { rulesModule } from './modules/rules/rules.routes';
import { bulkModule } from './modules/bulk/bulk.routes';
import { devMailboxModule } from './modules/dev/dev.routes';
import { workspacesModule } from './modules/workspaces/workspaces.routes';
import { viewsModule } from './modules/views/views.routes';
import { aiModule } from './modules/ai/ai.routes';
import { agentsModule } from './modules/agents/agents.routes';
import { brainModule } from './modules/brain/brain.routes';
import { enrichmentModule } from './modules/enrichment/enrichment.routes';
import { homeModule } from './modules/home/home.routes';
import { channelsModule, channelWebhooksModule } from './modules/conversations/channels.routes';
import { conversationsModule } from './modules/conversations/conversations.routes';
import { widgetModule } from './modules/conversations/widget.routes';
import { bookingModule } from './modules/booking/booking.routes';
import { integrationsModule } from './modules/integrations/integrations.routes';
import { callsModule } from './modules/outreach/calls/calls.routes';
import { outreachModule } from './modules/outreach/outreach.routes';
import { campaignsModule } from './modules/outreach/campaigns/campaigns.routes';
import { sequencesModule } from './modules/outreach/sequences/sequences.routes';
import { incidentsModule } from './modules/incidents/incidents.routes';
import { policiesModule } from './modules/policies/policies.routes';
import { privacyModule } from './modules/privacy/privacy.routes';
import './platform/data/all';
import { requireAccessDeclarations } from './platform/http/access';
import { requestContext } from './platform/http/context';
import { errorBody, frameworkErrors, installErrorHandler } from './platform/http/errors';
import { healthRoutes } from './platform/http/health';
import { metricsPlugin } from './platform/http/metrics';
import { securityHeadersPlugin } from './platform/http/security-headers';
import { OneLinePerRequest } from './platform/logger';
import { fastifyTrustProxy } from './platform/config';
import { ipBucket } from './platform/http/rate-limit';
import { openApiDocument, openApiOptions } from './platform/http/openapi';
import type { Services } from './platform/services';
import { repoRoot } from './platform/paths';

export const webDistDir = path.join(repoRoot, 'dist/web');

/**
 * Builds the HTTP app in stages (STYLE 1): external plugins, then the platform's request
 * context, then each module as an encapsulated plugin, then the web app's static files.
 */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.logger as unknown as FastifyBaseLogger,
    trustProxy: fastifyTrustProxy(services.config.TRUST_PROXY),
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    logController: new OneLinePerRequest(services.logger),
    frameworkErrors,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('services', services);
  installErrorHandler(app);
  requireAccessDeclarations(app);

  // 1. External plugins.
  await app.register(securityHeadersPlugin, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        // AI-1: with a personal key kept in the browser, the page calls the provider itself.
        connectSrc: ["'self'", 'https://api.openai.com', 'https://api.anthropic.com', 'https://generativelanguage.googleapis.com', 'http://localhost:*', 'http://127.0.0.1:*', ...services.config.AI_BROWSER_ORIGINS],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(services.config.publicUrl.startsWith('https:') ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only means something behind TLS (SEC-1).
    strictTransportSecurity: services.config.publicUrl.startsWith('https:') ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
  await app.register(cookie);
  // A coarse per-IP flood guard for the whole API; the sensitive routes have tighter, shared limits (AUTH-7).
  await app.register(rateLimit, {
    global: true,
    max: services.config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    // An IPv6 host holds a whole /64: count it as one client.
    keyGenerator: (request) => ipBucket(request.ip),
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, ...errorBody('rate_limited', `Too many requests. Try again in ${Math.ceil(ctx.ttl / 1000)} seconds.`) }),
  });
  await app.register(swagger, openApiOptions(services.config));
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => openApiDocument(app, services.config));

  // 2. Platform.
  await app.register(requestContext);
  await app.register(healthRoutes);
  await app.register(metricsPlugin);

  // 3. Modules.
  await app.register(accountsModule);
  await app.register(workspacesModule);
  await app.register(auditModule);
  await app.register(crmModule);
  await app.register(importsModule);
  await app.register(rulesModule);
  await app.register(bulkModule);
  await app.register(activitiesModule);
  await app.register(viewsModule);
  await app.register(aiModule);
  await app.register(agentsModule);
  await app.register(brainModule);
  await app.register(enrichmentModule);
  await app.register(homeModule);
  await app.register(conversationsModule);
  await app.register(channelsModule);
  await app.register(channelWebhooksModule);
  await app.register(widgetModule);
  await app.register(bookingModule);
  await app.register(integrationsModule);
  await app.register(invoicingModule);
  await app.register(callsModule);
  await app.register(billingModule);
  await app.register(outreachModule);
  await app.register(campaignsModule);
  await app.register(sequencesModule);
  await app.register(incidentsModule);
  await app.register(policiesModule);
  await app.register(privacyModule);
  await app.register(devMailboxModule);

  // 4. The web app: files from the Vite build, and index.html for every client-side route.
  if (existsSync(webDistDir)) {
    // serve:false keeps every route declared here, with its access, rather than one per file;
    // preCompressed sends the build's .br/.gz beside a file to browsers that accept them.
    await app.register(fastifyStatic, { root: webDistDir, serve: false, preCompressed: true });
    app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const urlPath = decodeURIComponent(request.url.split('?')[0]!);
      if (urlPath.startsWith('/api/')) {
        return reply.code(404).send(errorBody('route_not_found', `No route ${request.method} ${urlPath}.`));
      }
      const file = path.normalize(urlPath).replace(/^([/\\])+/, '');
      if (file && !file.startsWith('..') && isFile(path.join(webDistDir, file))) {
        const hashed = file.startsWith('assets/');
        return reply.sendFile(file, { maxAge: hashed ? 31_536_000_000 : 0, immutable: hashed });
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  }
  return app;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
