import { desc } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from '../../platform/http/errors';
import { mailOutbox } from '../../platform/mail/mail.schema';

const mailboxResponse = z.object({
  /** True when no mail transport is configured, so mail is kept here instead of sent. */
  enabled: z.boolean(),
  messages: z.array(z.object({ id: z.uuid(), to: z.string(), subject: z.string(), text: z.string().nullable(), html: z.string().nullable(), status: z.string(), createdAt: z.string() })),
});

/** The development mailbox: what Kestrel would have emailed, readable in the browser by the instance's operator on this machine (SEC-1, see access.ts). Never in production. */
export async function devMailboxModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get('/api/dev/mailbox', { config: { access: 'dev' }, schema: { tags: ['dev'], summary: 'Development mailbox: for a signed-in operator, from this machine (not in production)', response: { 200: mailboxResponse, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } } }, async () => {
    const rows = await app.services.database.system.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(100);
    return {
      enabled: app.services.mail.transport.name === 'none',
      messages: rows.map((r) => ({ id: r.id, to: r.toAddress, subject: r.subject, text: r.textBody, html: r.htmlBody, status: r.status, createdAt: r.createdAt.toISOString() })),
    };
  });
}
