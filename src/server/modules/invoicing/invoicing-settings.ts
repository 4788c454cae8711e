import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import { invalidFields } from '../../platform/http/field-errors';
import { LOGO_MAX_BYTES, type SettingsBody } from './invoicing.contract';
import { invoicingSettings } from './invoicing.schema';
import { checkGstin, isDomesticStateCode } from './gst';

export type SettingsRow = typeof invoicingSettings.$inferSelect;
const present = ({ legalName, gstin, stateCode, allowNegativeStock, bankAccountName, bankAccountNumber, bankIfsc, bankName, bankBranch, upiId, logoType }: SettingsRow) =>
  ({ legalName, gstin, stateCode, allowNegativeStock, bankAccountName, bankAccountNumber, bankIfsc, bankName, bankBranch, upiId, logoType: logoType as 'image/png' | 'image/jpeg' | null });

/** RBI's IFSC: four letters (the bank), a zero, six letters or digits (the branch). */
const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;
/** NPCI's virtual payment address: a handle, @, the payment service provider's name. */
const UPI_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}@[A-Za-z][A-Za-z0-9]{1,63}$/;

/** INV-2: bank and UPI fields, checked; left out stays as it is, null or empty clears. */
function paymentDetails(input: SettingsBody) {
  const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v === '' ? null : v);
  const out = {
    bankAccountName: clean(input.bankAccountName),
    bankAccountNumber: clean(input.bankAccountNumber?.replace(/\s+/g, '')),
    bankIfsc: clean(input.bankIfsc?.toUpperCase()),
    bankName: clean(input.bankName),
    bankBranch: clean(input.bankBranch),
    upiId: clean(input.upiId),
  };
  const bad: Record<string, string> = {};
  if (out.bankAccountNumber && !/^\d{9,18}$/.test(out.bankAccountNumber)) bad.bankAccountNumber = 'An account number of 9 to 18 digits.';
  if (out.bankIfsc && !IFSC.test(out.bankIfsc)) bad.bankIfsc = 'An IFSC such as HDFC0001234: four letters, a zero, then six letters or digits.';
  if (out.upiId && !UPI_ID.test(out.upiId)) bad.upiId = 'A UPI id such as shop@okhdfcbank.';
  if (Object.keys(bad).length) throw invalidFields(bad);
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Partial<Record<keyof typeof out, string | null>>;
}

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
  const values = { legalName: input.legalName, gstin, stateCode, allowNegativeStock: input.allowNegativeStock ?? false, ...paymentDetails(input), updatedAt: new Date() };
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(invoicingSettings).values({ workspaceId: ctx.workspaceId, ...values })
      .onConflictDoUpdate({ target: invoicingSettings.workspaceId, set: values }).returning();
    return present(row!);
  });
}

/** The image type its first bytes say, whatever the upload claims. */
export function imageTypeOf(bytes: Buffer): 'image/png' | 'image/jpeg' | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** INV-2: the logo printed at the PDF's top left — PNG or JPEG by its magic bytes, at most 512 KB. */
export async function saveLogo(db: Db, ctx: WorkspaceContext, dataBase64: string) {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(dataBase64)) throw invalidFields({ dataBase64: 'The image, base64-encoded.' });
  const bytes = Buffer.from(dataBase64, 'base64');
  if (bytes.length > LOGO_MAX_BYTES) throw invalidFields({ dataBase64: 'The logo is larger than 512 KB.' });
  const type = imageTypeOf(bytes);
  if (!type) throw invalidFields({ dataBase64: 'The logo must be a PNG or JPEG image.' });
  return withTenant(db, ctx, async (tx) => {
    await requireSettings(tx, ctx);
    const [row] = await tx.update(invoicingSettings).set({ logo: bytes, logoType: type, updatedAt: new Date() }).where(eq(invoicingSettings.workspaceId, ctx.workspaceId)).returning();
    return present(row!);
  });
}

export async function removeLogo(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => {
    await requireSettings(tx, ctx);
    const [row] = await tx.update(invoicingSettings).set({ logo: null, logoType: null, updatedAt: new Date() }).where(eq(invoicingSettings.workspaceId, ctx.workspaceId)).returning();
    return present(row!);
  });
}

export async function getLogo(db: Db, ctx: WorkspaceContext): Promise<{ bytes: Buffer; type: string }> {
  return withTenant(db, ctx, async (tx) => {
    const row = await requireSettings(tx, ctx);
    if (!row.logo || !row.logoType) throw notFound('Logo');
    return { bytes: row.logo, type: row.logoType };
  });
}
