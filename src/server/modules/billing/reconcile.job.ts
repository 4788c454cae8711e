import { z } from 'zod';
import { withTenant } from '../../platform/db/tenant';
import { defineJob } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { applySubscription } from './apply-event';
import { expireCredits } from './credits';
import { billingProvider } from './providers';

/**
 * BILL-2, BILL-3: nightly, every subscription is read again from the provider and applied (a
 * webhook that never arrived is caught up), and free credits past their expiry are expired.
 */
export async function reconcileBilling(services: Services): Promise<{ subscriptions: number; failed: number; expired: number }> {
  const out = { subscriptions: 0, failed: 0, expired: 0 };
  if (!services.config.billing.enabled) return out;
  const pool = services.database.systemPool;
  const provider = billingProvider(services.config.billing);
  if (provider) {
    const { rows } = await pool.query<{ workspace_id: string; subscription_id: string }>(
      `SELECT workspace_id, subscription_id FROM billing_accounts a WHERE provider = $1 AND subscription_id IS NOT NULL AND EXISTS (SELECT 1 FROM workspaces w WHERE w.id = a.workspace_id)`,
      [provider.kind],
    );
    for (const r of rows) {
      try {
        const state = await provider.readSubscription(r.subscription_id);
        const ctx = { workspaceId: r.workspace_id, userId: null, role: 'owner' as const, actorLabel: `${provider.kind} (nightly check)` };
        await withTenant(services.database.db, ctx, (tx) => applySubscription(tx, services, provider.kind, ctx, state));
        out.subscriptions++;
      } catch (error) {
        out.failed++;
        services.logger.warn({ err: error, workspaceId: r.workspace_id }, 'billing reconcile failed for a subscription');
      }
    }
  }
  const due = await pool.query<{ workspace_id: string }>(
    `SELECT DISTINCT workspace_id FROM credit_entries g WHERE kind = 'grant' AND account = 'free' AND expires_at <= now()
       AND NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.workspace_id = g.workspace_id AND e.kind = 'expiry' AND e.ref_id = g.txn_id::text)`,
  );
  for (const r of due.rows) out.expired += await withTenant(services.database.db, { workspaceId: r.workspace_id, userId: null }, (tx) => expireCredits(tx, r.workspace_id));
  return out;
}

export const billingReconcileJob = defineJob({
  name: 'billing_reconcile',
  version: 1,
  payload: z.object({}),
  cron: '41 3 * * *',
  async run(_payload, services) {
    const r = await reconcileBilling(services);
    services.logger.info(r, 'billing reconciled');
  },
});
