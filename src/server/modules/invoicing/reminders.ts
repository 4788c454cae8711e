import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { todayInIndia } from './get-document';

export interface OverdueInvoice {
  id: string;
  number: string;
  buyerName: string;
  contactId: string | null;
  companyId: string | null;
  dueDate: string;
  daysOverdue: number;
  balancePaise: number;
}

/**
 * Recovery (issue 18): issued invoices past their due date with money still owed, most overdue
 * first. Invoices of restricted contacts are left out (AI-6: never shown to a model).
 */
export async function overdueInvoices(db: Db, ctx: WorkspaceContext, limit: number, today = todayInIndia()): Promise<OverdueInvoice[]> {
  return withTenant(db, ctx, async (tx) => {
    const r = await tx.execute<{ id: string; number: string; buyer_name: string; contact_id: string | null; company_id: string | null; due_date: string; days: number; balance: string }>(sql`
      SELECT d.id, d.number, d.buyer_name, d.contact_id, d.company_id, d.due_date::text AS due_date, (${today}::date - d.due_date) AS days, d.grand_total_paise - d.paid_paise AS balance
      FROM invoicing_documents d
      LEFT JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = d.contact_id
      WHERE d.workspace_id = ${ctx.workspaceId} AND d.document_type = 'invoice' AND d.status IN ('issued', 'sent', 'partly_paid', 'overdue')
        AND d.due_date < ${today}::date AND d.grand_total_paise > d.paid_paise AND NOT coalesce(c.restricted, false)
      ORDER BY d.due_date, d.number LIMIT ${limit}`);
    return r.rows.map((x) => ({ id: x.id, number: x.number, buyerName: x.buyer_name, contactId: x.contact_id, companyId: x.company_id, dueDate: x.due_date, daysOverdue: Number(x.days), balancePaise: Number(x.balance) }));
  });
}
