import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { managers, ownersOnly, teamMembers } from '../../platform/http/access';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { handleWebhook } from './apply-event';
import * as c from './billing.contract';
import { cancelAtPeriodEnd, openPortal, startCheckout } from './checkout';
import { getBillingSummary, getLedger, listInvoices, requireBilling } from './get-billing';
import { billingProvider } from './providers';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 402: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema, 502: errorBodySchema };
const base = '/api/workspaces/:workspaceId/billing';

/**
 * BILL-1…BILL-3: the plan and usage, credits and their ledger, invoices, checkout and the
 * customer portal; BILL-2 the providers' webhooks. With billing off (BILL-4, the default for a
 * self-hosted install) every one of them answers 404 as if it did not exist.
 */
export async function billingModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const services = app.services;
  const { config } = services;
  const { db } = services.database;
  const tags = ['billing'];
  const ctx = (r: { workspace?: { ctx: WorkspaceContext } | null }) => r.workspace!.ctx;
  const on = () => requireBilling(config);

  app.get(`${base}`, { config: { access: teamMembers }, schema: { tags, summary: 'The plan, usage of each limit with 80 %/100 % warnings, and credits (BILL-1, WS-5)', params: c.workspaceParams, response: { 200: c.billingSummary, ...errors } } }, async (r) => {
    on();
    return getBillingSummary(db, config.billing, ctx(r));
  });
  app.get(`${base}/ledger`, { config: { access: teamMembers }, schema: { tags, summary: 'Credit ledger entries, newest first, and credits spent per day and person (BILL-3)', params: c.workspaceParams, querystring: c.ledgerQuery, response: { 200: c.ledgerResponse, ...errors } } }, async (r) => {
    on();
    return getLedger(db, ctx(r), r.query.limit);
  });
  app.get(`${base}/invoices`, { config: { access: managers }, schema: { tags, summary: "Invoices and receipts, linking to the provider's documents (BILL-2)", params: c.workspaceParams, response: { 200: c.invoiceList, ...errors } } }, async (r) => {
    on();
    return listInvoices(db, ctx(r));
  });
  app.post(`${base}/checkout`, { config: { access: ownersOnly }, schema: { tags, summary: "The provider's hosted checkout for a plan or a credit pack (BILL-2)", params: c.workspaceParams, body: c.checkoutBody, response: { 200: c.redirectResponse, ...errors } } }, async (r) =>
    startCheckout(services, ctx(r), r.auth!.email, r.body),
  );
  app.post(`${base}/portal`, { config: { access: ownersOnly }, schema: { tags, summary: "The provider's customer portal: card, cancellation at period end (BILL-2)", params: c.workspaceParams, response: { 200: c.redirectResponse, ...errors } } }, async (r) => openPortal(services, ctx(r)));

  app.post(`${base}/cancel`, { config: { access: ownersOnly }, schema: { tags, summary: 'Cancel the subscription at the end of the paid period, where the provider has no portal for it (BILL-2)', params: c.workspaceParams, response: { 200: c.cancelResponse, ...errors } } }, async (r) =>
    cancelAtPeriodEnd(services, ctx(r)),
  );

  // Webhooks are verified over the raw body: this scope keeps JSON bodies as bytes.
  await app.register(async (scope) => {
    scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit: 512 * 1024 }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post('/api/billing/webhooks/:provider', { config: { access: 'public' }, schema: { tags, summary: "A payment provider's signed event (BILL-2, INT-5)", params: c.providerParams, response: { 200: c.webhookAck, ...errors } } }, async (r) => {
      on();
      const provider = billingProvider(config.billing);
      if (!provider || provider.kind !== r.params.provider) throw new AppError('not_found', 404, `No ${r.params.provider} account is configured on this server.`);
      if (!Buffer.isBuffer(r.body)) throw new AppError('webhook_invalid', 400, 'The webhook has no body.');
      return handleWebhook(services, provider, r.body, r.headers);
    });
  });
}
