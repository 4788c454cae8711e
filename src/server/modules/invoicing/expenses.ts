import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { recordAudit } from '../audit/record-audit';
import { invalidFields } from '../crm/normalise';
import { checkGstin } from './gst';
import type { ExpenseBody } from './invoicing.contract';
import { expenses } from './invoicing.schema';

type ExpenseRow = typeof expenses.$inferSelect;
const present = ({ workspaceId: _, createdBy: __, ...e }: ExpenseRow) => ({ ...e, createdAt: e.createdAt.toISOString() });

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
