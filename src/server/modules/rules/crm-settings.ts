import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { recordAudit } from '../audit';
import { staffOwnRecordsOnly } from '../crm';
import type { CrmSettings } from './rules.contract';
import { crmSettings } from './rules.schema';

/** Roles: the workspace's CRM settings (defaults when never saved). */
export async function getCrmSettings(db: Db, ctx: WorkspaceContext): Promise<CrmSettings> {
  return withTenant(db, ctx, async (tx) => ({ staffOwnRecordsOnly: await staffOwnRecordsOnly(tx, ctx.workspaceId) }));
}

/** Roles: turns "staff see only records they own" on or off. Audited: it changes who sees what. */
export async function updateCrmSettings(db: Db, ctx: WorkspaceContext, input: CrmSettings): Promise<CrmSettings> {
  return withTenant(db, ctx, async (tx) => {
    const before = await staffOwnRecordsOnly(tx, ctx.workspaceId);
    await tx
      .insert(crmSettings)
      .values({ workspaceId: ctx.workspaceId, staffOwnRecordsOnly: input.staffOwnRecordsOnly })
      .onConflictDoUpdate({ target: crmSettings.workspaceId, set: { staffOwnRecordsOnly: input.staffOwnRecordsOnly, updatedAt: new Date() } });
    if (before !== input.staffOwnRecordsOnly) {
      await recordAudit(tx, ctx, { action: 'crm_settings.updated', targetType: 'workspace', targetId: ctx.workspaceId, details: { staffOwnRecordsOnly: input.staffOwnRecordsOnly } });
    }
    return { staffOwnRecordsOnly: input.staffOwnRecordsOnly };
  });
}
