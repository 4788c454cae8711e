import { and, desc, eq, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { managers } from '../../platform/http/access';
import { withTenant } from '../../platform/db/tenant';
import { workspaceParams } from '../workspaces/workspaces.contract';
import { auditPage, auditQuery } from './audit.contract';
import { auditLog } from './audit.schema';

export async function auditModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { db } = app.services.database;

  app.get(
    '/api/workspaces/:workspaceId/audit',
    { config: { access: managers }, schema: { tags: ['audit'], summary: 'Audit log, newest first (WS-4)', params: workspaceParams, querystring: auditQuery, response: { 200: auditPage } } },
    async (request) => {
      const { limit, before, action } = request.query;
      const ctx = request.workspace!.ctx;
      const rows = await withTenant(db, ctx, (tx) =>
        tx
          .select()
          .from(auditLog)
          .where(and(eq(auditLog.workspaceId, ctx.workspaceId), before ? lt(auditLog.id, before) : undefined, action ? eq(auditLog.action, action) : undefined))
          .orderBy(desc(auditLog.id))
          .limit(limit + 1),
      );
      const page = rows.slice(0, limit);
      return {
        entries: page.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
        nextBefore: rows.length > limit ? page[page.length - 1]!.id : null,
      };
    },
  );
}
