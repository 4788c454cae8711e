import { desc } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { users } from '../accounts/accounts.schema';
import { isLocalRequest } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { mailOutbox } from '../../platform/mail/mail.schema';

const mailboxResponse = z.object({
  /** True when no mail transport is configured, so mail is kept here instead of sent. */
  enabled: z.boolean(),
  messages: z.array(z.object({ id: z.uuid(), to: z.string(), subject: z.string(), text: z.string().nullable(), html: z.string().nullable(), status: z.string(), createdAt: z.string() })),
});

const mailboxStatus = z.object({ available: z.boolean(), readable: z.boolean() });

/** The development mailbox: what Kestrel would have emailed, readable in the browser by the instance's operator on this machine (SEC-1, see access.ts). Never in production. */
export async function devMailboxModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  // The sign-in screens ask whether to point at the mailbox without reading it, so a visitor's
  // browser never logs a refused request; the answer says nothing about any mail or account.
  app.get('/api/dev/mailbox/status', { config: { access: 'public' }, schema: { tags: ['dev'], summary: 'Whether the development mailbox exists here and whether the caller may read it', response: { 200: mailboxStatus } } }, async (request) => {
    const { config, database } = app.services;
    const available = !config.isProduction && (config.DEV_MAILBOX_REMOTE || isLocalRequest(request, config.TRUST_PROXY));
    let readable = false;
    if (available && request.auth && !request.auth.mfaPending) {
      const [user] = await database.system.select({ operator: users.operator }).from(users).where(eq(users.id, request.auth.userId));
      readable = user?.operator === true;
    }
    return { available, readable };
  });
  app.get('/api/dev/mailbox', { config: { access: 'dev' }, schema: { tags: ['dev'], summary: 'Development mailbox: for a signed-in operator, from this machine (not in production)', response: { 200: mailboxResponse, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } } }, async () => {
    const rows = await app.services.database.system.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(100);
    return {
      enabled: app.services.mail.transport.name === 'none',
      messages: rows.map((r) => ({ id: r.id, to: r.toAddress, subject: r.subject, text: r.textBody, html: r.htmlBody, status: r.status, createdAt: r.createdAt.toISOString() })),
    };
  });
}
