import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { invalidFields } from '../crm/normalise';
import type { SettingsBody } from './invoicing.contract';
import { invoicingSettings } from './invoicing.schema';
import { checkGstin, isDomesticStateCode } from './gst';

export type SettingsRow = typeof invoicingSettings.$inferSelect;
const present = ({ legalName, gstin, stateCode, allowNegativeStock }: SettingsRow) => ({ legalName, gstin, stateCode, allowNegativeStock });

/** The business's GST identity; a document cannot be made before it is set. */
export async function requireSettings(tx: Tx, ctx: WorkspaceContext): Promise<SettingsRow> {
  const [row] = await tx.select().from(invoicingSettings).where(eq(invoicingSettings.workspaceId, ctx.workspaceId));
  if (!row) throw conflict('invoicing_not_set_up', "Enter the business's legal name and GSTIN or state first.", { field: 'settings' });
  return row;
}

export async function getInvoicingSettings(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => present(await requireSettings(tx, ctx)));
}

/** INV-2: the business's GSTIN (check digit included) decides its state. */
export async function saveInvoicingSettings(db: Db, ctx: WorkspaceContext, input: SettingsBody) {
  let gstin: string | null = null;
  let stateCode = input.stateCode ?? null;
  if (input.gstin) {
    const check = checkGstin(input.gstin);
    if (!check.ok) throw invalidFields({ gstin: check.message });
    if (stateCode && stateCode !== check.stateCode) throw invalidFields({ stateCode: `The GSTIN belongs to state ${check.stateCode}.` });
    gstin = check.gstin;
    stateCode = check.stateCode;
  }
  if (!stateCode || !isDomesticStateCode(stateCode)) throw invalidFields({ stateCode: 'A GST state code such as 29 (Karnataka).' });
  const values = { legalName: input.legalName, gstin, stateCode, allowNegativeStock: input.allowNegativeStock ?? false, updatedAt: new Date() };
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(invoicingSettings).values({ workspaceId: ctx.workspaceId, ...values })
      .onConflictDoUpdate({ target: invoicingSettings.workspaceId, set: values }).returning();
    return present(row!);
  });
}
