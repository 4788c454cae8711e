import { and, asc, eq, gt, lt, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { defineJob } from '../../platform/jobs/jobs';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail } from '../../platform/mail/templates';
import type { Services } from '../../platform/services';
import { workspaceProfile, workspaceMembers } from '../workspaces';
import { products } from './invoicing.schema';
import { quantityText as qty } from './pdf-figures';


/**
 * INV-1: every morning (09:00 in India) the owners and admins of each workspace with products at
 * or below their reorder level get one notice listing them. Nothing low, no mail.
 */
export const lowStockJob = defineJob({
  name: 'invoicing_low_stock',
  version: 1,
  payload: z.object({}),
  cron: '30 3 * * *',
  async run(_payload, services) {
    const rows = await services.database.system.execute<{ workspace_id: string }>(sql`
      SELECT DISTINCT workspace_id FROM ${products}
      WHERE track_stock AND (stock_milli < 0 OR (reorder_level_milli > 0 AND stock_milli <= reorder_level_milli))`);
    for (const { workspace_id } of rows.rows) await noticeLowStock(services, workspace_id);
  },
});

/** Queues the notice for one workspace; returns the addresses it went to. */
export async function noticeLowStock(services: Services, workspaceId: string): Promise<string[]> {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const low = await tx.select().from(products).where(and(
      eq(products.workspaceId, workspaceId), eq(products.trackStock, true),
      or(lt(products.stockMilli, 0), and(gt(products.reorderLevelMilli, 0), lte(products.stockMilli, products.reorderLevelMilli))),
    )).orderBy(asc(products.name)).limit(50);
    if (low.length === 0) return [];
    const ws = await workspaceProfile(tx, workspaceId);
    const recipients = await workspaceMembers(tx, workspaceId, { roles: ['owner', 'admin'] });
    const lines = low.map((p) => `${p.name} (${p.sku}): ${qty(p.stockMilli)} ${p.uqc} left, reorder level ${qty(p.reorderLevelMilli)}`);
    const url = `${services.config.publicUrl}/w/${workspaceId}/invoices/products`;
    for (const r of recipients) {
      await queueRenderedMail(tx, {
        from: services.mail.from, to: r.email, template: 'invoicing.low_stock',
        rendered: renderMail(`Low stock at ${ws?.name ?? 'your business'}: ${low.length} ${low.length === 1 ? 'product' : 'products'}`, [`Hi ${r.name},`, 'These are at or below their reorder level:', ...lines], { label: 'Record a purchase', url }),
      });
    }
    return recipients.map((r) => r.email);
  });
}
