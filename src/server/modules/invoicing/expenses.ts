import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { Tx } from '../../platform/db/database';
import { recordAudit } from '../audit';
import { invalidFields } from '../../platform/http/field-errors';
import { checkGstin } from './gst';
import type { ExpenseBody } from './invoicing.contract';
import { expenses } from './invoicing.schema';
import { imageTypeOf } from './invoicing-settings';

type ExpenseRow = typeof expenses.$inferSelect;
const present = ({ workspaceId: _, createdBy: __, attachment: ___, attachmentType, ...e }: ExpenseRow) => ({
  ...e, attachmentType: attachmentType as AttachmentType | null, createdAt: e.createdAt.toISOString(),
});

/** INV-3: a vendor's bill is a PDF, JPEG or PNG, told by its first bytes whatever it is called, and at most 2 MB. */
export const ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024;
export type AttachmentType = 'application/pdf' | 'image/jpeg' | 'image/png';
export function billTypeOf(bytes: Buffer): AttachmentType | null {
  if (bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return imageTypeOf(bytes);
}
const extensionOf: Record<AttachmentType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** INV-3: an expense with its category and the GST paid on it (input tax credit when eligible and the vendor's GSTIN is valid). */
export async function createExpense(db: Db, ctx: WorkspaceContext, input: ExpenseBody) {
  let vendorGstin: string | null = null;
  if (input.vendorGstin) {
    const check = checkGstin(input.vendorGstin);
    if (!check.ok) throw invalidFields({ vendorGstin: check.message });
    vendorGstin = check.gstin;
  }
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(expenses).values({ ...input, vendorName: input.vendorName || null, vendorGstin, workspaceId: ctx.workspaceId, createdBy: ctx.userId }).returning();
    await recordAudit(tx, ctx, { action: 'invoicing.expense_recorded', targetType: 'expense', targetId: row!.id, details: { category: input.category, amountPaise: input.amountPaise, gstPaise: input.gstPaise } });
    return present(row!);
  });
}

/** INV-3: expenses, newest first (of a month when asked), with their totals and the input tax credit. */
export async function listExpenses(db: Db, ctx: WorkspaceContext, q: { month?: string | undefined }) {
  return withTenant(db, ctx, async (tx) => {
    const range = q.month ? [gte(expenses.spentOn, `${q.month}-01`), lt(expenses.spentOn, nextMonth(q.month))] : [];
    const rows = await tx.select().from(expenses).where(and(eq(expenses.workspaceId, ctx.workspaceId), ...range)).orderBy(desc(expenses.spentOn), desc(expenses.createdAt)).limit(500);
    const sum = (f: (e: ExpenseRow) => number) => rows.reduce((t, e) => t + f(e), 0);
    return { items: rows.map(present), amountPaise: sum((e) => e.amountPaise), gstPaise: sum((e) => e.gstPaise), itcPaise: sum((e) => (e.itcEligible ? e.gstPaise : 0)) };
  });
}

/** INV-3: removes an expense entered by mistake (owner or admin; audited with what it was). */
export async function deleteExpense(db: Db, ctx: WorkspaceContext, id: string) {
  return withTenant(db, ctx, async (tx) => {
    const [gone] = await tx.delete(expenses).where(and(eq(expenses.workspaceId, ctx.workspaceId), eq(expenses.id, id))).returning();
    if (!gone) throw notFound('Expense');
    await recordAudit(tx, ctx, { action: 'invoicing.expense_deleted', targetType: 'expense', targetId: id, details: { spentOn: gone.spentOn, category: gone.category, amountPaise: gone.amountPaise, gstPaise: gone.gstPaise } });
    return { deleted: true as const };
  });
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** INV-3: attaches the vendor's bill to an expense (replacing any before), stored with the row as the invoice logo is. Audited without its bytes. */
export async function saveExpenseAttachment(db: Db, ctx: WorkspaceContext, id: string, input: { dataBase64: string; fileName?: string | undefined }) {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(input.dataBase64)) throw invalidFields({ dataBase64: 'The file, base64-encoded.' });
  const bytes = Buffer.from(input.dataBase64, 'base64');
  if (bytes.length > ATTACHMENT_MAX_BYTES) throw invalidFields({ dataBase64: 'The bill is larger than 2 MB.' });
  const type = billTypeOf(bytes);
  if (!type) throw invalidFields({ dataBase64: 'The bill must be a PDF, JPEG or PNG file.' });
  // The name is only shown and offered on download: kept to safe characters, with the extension its bytes say.
  const stem = (input.fileName ?? '').replace(/\.[A-Za-z0-9]{1,5}$/, '').replace(/[^A-Za-z0-9 ._-]+/g, '-').trim().slice(0, 80) || 'bill';
  const name = `${stem}.${extensionOf[type]}`;
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.update(expenses).set({ attachment: bytes, attachmentType: type, attachmentName: name }).where(and(eq(expenses.workspaceId, ctx.workspaceId), eq(expenses.id, id))).returning();
    if (!row) throw notFound('Expense');
    await recordAudit(tx, ctx, { action: 'invoicing.expense_bill_attached', targetType: 'expense', targetId: id, details: { type, bytes: bytes.length } });
    return present(row);
  });
}

export async function getExpenseAttachment(db: Db, ctx: WorkspaceContext, id: string): Promise<{ bytes: Buffer; type: AttachmentType; name: string }> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select({ attachment: expenses.attachment, type: expenses.attachmentType, name: expenses.attachmentName }).from(expenses).where(and(eq(expenses.workspaceId, ctx.workspaceId), eq(expenses.id, id)));
    if (!row) throw notFound('Expense');
    if (!row.attachment || !row.type) throw notFound('Bill');
    return { bytes: row.attachment, type: row.type as AttachmentType, name: row.name ?? `bill.${extensionOf[row.type as AttachmentType]}` };
  });
}

export async function removeExpenseAttachment(db: Db, ctx: WorkspaceContext, id: string) {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.update(expenses).set({ attachment: null, attachmentType: null, attachmentName: null }).where(and(eq(expenses.workspaceId, ctx.workspaceId), eq(expenses.id, id))).returning();
    if (!row) throw notFound('Expense');
    await recordAudit(tx, ctx, { action: 'invoicing.expense_bill_removed', targetType: 'expense', targetId: id, details: {} });
    return present(row);
  });
}

type ItcRow = { ty: string; iamt: number; camt: number; samt: number; csamt: number };
export interface Gstr3bItc { itc_avl: ItcRow[]; itc_rev: ItcRow[]; itc_net: Omit<ItcRow, 'ty'>; itc_inelg: ItcRow[] }

/**
 * INV-3, INV-4: GSTR-3B table 4 of a month from the expenses billed by a registered vendor (a
 * GSTIN): the GST paid is IGST when the vendor is in another state, else CGST and SGST/UTGST in
 * halves (an odd paisa to CGST). Claimed expenses are "all other ITC" (4A(5)); those marked not
 * claimable are ineligible ITC (4D(2)). Amounts in rupees, as GSTN's JSON has them. Purchases of
 * stock carry no GST here yet, so they add nothing.
 */
export async function itcOfMonth(tx: Tx, ctx: WorkspaceContext, month: string, ownStateCode: string): Promise<Gstr3bItc> {
  const rows = await tx.select({ vendorGstin: expenses.vendorGstin, gstPaise: expenses.gstPaise, itcEligible: expenses.itcEligible }).from(expenses)
    .where(and(eq(expenses.workspaceId, ctx.workspaceId), gte(expenses.spentOn, `${month}-01`), lt(expenses.spentOn, nextMonth(month))));
  const zero = () => ({ iamt: 0, camt: 0, samt: 0, csamt: 0 });
  const eligible = zero();
  const ineligible = zero();
  for (const r of rows) {
    if (!r.vendorGstin || r.gstPaise <= 0) continue;
    const into = r.itcEligible ? eligible : ineligible;
    if (r.vendorGstin.slice(0, 2) === ownStateCode) {
      const cgst = Math.ceil(r.gstPaise / 2);
      into.camt += cgst;
      into.samt += r.gstPaise - cgst;
    } else into.iamt += r.gstPaise;
  }
  const rupees = (o: ReturnType<typeof zero>) => ({ iamt: o.iamt / 100, camt: o.camt / 100, samt: o.samt / 100, csamt: o.csamt / 100 });
  const none = (ty: string): ItcRow => ({ ty, ...rupees(zero()) });
  return {
    itc_avl: [none('IMPG'), none('IMPS'), none('ISRC'), none('ISD'), { ty: 'OTH', ...rupees(eligible) }],
    itc_rev: [none('RUL'), none('OTH')],
    itc_net: rupees(eligible),
    itc_inelg: [none('RUL'), { ty: 'OTH', ...rupees(ineligible) }],
  };
}
