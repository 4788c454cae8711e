import { sql } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { todayInIndia } from './get-document';

const n = (v: unknown) => Number(v ?? 0);

/**
 * INV-4: sales by month (invoices less credit notes), receivables ageing by days past due
 * (0–30 includes what is not yet due), and the top customers and products by taxable value.
 */
export async function salesReports(db: Db, ctx: WorkspaceContext, q: { months: number; asOf?: string | undefined }) {
  const today = q.asOf ?? todayInIndia();
  const [y, m] = today.split('-').map(Number) as [number, number];
  const start = new Date(Date.UTC(y, m - 1 - (q.months - 1), 1)).toISOString().slice(0, 10);
  return withTenant(db, ctx, async (tx) => {
    const live = sql`d.workspace_id = ${ctx.workspaceId} AND d.number IS NOT NULL AND d.status <> 'cancelled' AND d.document_type IN ('invoice', 'credit_note')`;
    const sign = sql`CASE WHEN d.document_type = 'credit_note' THEN -1 ELSE 1 END`;
    const months = await tx.execute<{ month: string; taxable: string; tax: string; total: string; count: string }>(sql`
      SELECT to_char(d.document_date, 'YYYY-MM') AS month,
        sum(${sign} * d.taxable_paise) AS taxable,
        sum(${sign} * (d.cgst_paise + d.sgst_paise + d.utgst_paise + d.igst_paise + d.cess_paise)) AS tax,
        sum(${sign} * d.grand_total_paise) AS total,
        count(*) FILTER (WHERE d.document_type = 'invoice') AS count
      FROM invoicing_documents d WHERE ${live} AND d.document_date >= ${start}
      GROUP BY 1 ORDER BY 1`);
    const ageing = await tx.execute<{ bucket: string; balance: string; count: string }>(sql`
      SELECT CASE WHEN age <= 30 THEN '0-30' WHEN age <= 60 THEN '31-60' WHEN age <= 90 THEN '61-90' ELSE '90+' END AS bucket,
        sum(balance) AS balance, count(*) AS count
      FROM (SELECT ${today}::date - coalesce(d.due_date, d.document_date) AS age, d.grand_total_paise - d.paid_paise AS balance
            FROM invoicing_documents d
            WHERE d.workspace_id = ${ctx.workspaceId} AND d.document_type = 'invoice' AND d.status IN ('issued', 'sent', 'partly_paid', 'overdue')) a
      WHERE balance > 0 GROUP BY 1`);
    const customers = await tx.execute<{ name: string; company_id: string | null; total: string; count: string }>(sql`
      SELECT d.buyer_name AS name, d.company_id, sum(${sign} * d.taxable_paise) AS total, count(*) FILTER (WHERE d.document_type = 'invoice') AS count
      FROM invoicing_documents d WHERE ${live} AND d.document_date >= ${start}
      GROUP BY d.buyer_name, d.company_id ORDER BY 3 DESC LIMIT 10`);
    const products = await tx.execute<{ name: string; product_id: string | null; taxable: string; quantity: string }>(sql`
      SELECT min(l.description) AS name, l.product_id, sum(${sign} * l.taxable_paise) AS taxable, sum(${sign} * l.quantity_milli) AS quantity
      FROM invoicing_documents d JOIN invoicing_document_lines l ON l.workspace_id = d.workspace_id AND l.document_id = d.id
      WHERE ${live} AND d.document_date >= ${start}
      GROUP BY l.product_id, CASE WHEN l.product_id IS NULL THEN l.description END ORDER BY 3 DESC LIMIT 10`);
    // Profit (INV-4): sales less the cost of the goods sold (the cost carried by each sale's and return's stock movement) less expenses.
    const cogs = await tx.execute<{ month: string; cost: string }>(sql`
      SELECT to_char(d.document_date, 'YYYY-MM') AS month, round(sum(-m.quantity_milli * coalesce(m.unit_cost_paise, 0))::numeric / 1000) AS cost
      FROM invoicing_documents d JOIN stock_movements m ON m.workspace_id = d.workspace_id AND m.document_id = d.id
      WHERE ${live} AND d.document_date >= ${start} AND m.kind IN ('sale', 'return')
      GROUP BY 1`);
    const spent = await tx.execute<{ month: string; cost: string }>(sql`
      SELECT to_char(e.spent_on, 'YYYY-MM') AS month, sum(e.amount_paise + CASE WHEN e.itc_eligible THEN 0 ELSE e.gst_paise END) AS cost
      FROM invoicing_expenses e WHERE e.workspace_id = ${ctx.workspaceId} AND e.spent_on >= ${start} GROUP BY 1`);
    const cogsByMonth = new Map(cogs.rows.map((r) => [r.month, n(r.cost)]));
    const spentByMonth = new Map(spent.rows.map((r) => [r.month, n(r.cost)]));
    const byMonth = new Map(months.rows.map((r) => [r.month, r]));
    const buckets = ['0-30', '31-60', '61-90', '90+'] as const;
    const byBucket = new Map(ageing.rows.map((r) => [r.bucket, r]));
    const monthList = Array.from({ length: q.months }, (_, i) => new Date(Date.UTC(y, m - 1 - (q.months - 1) + i, 1)).toISOString().slice(0, 7));
    return {
      asOf: today,
      salesByMonth: monthList.map((month) => {
        const r = byMonth.get(month);
        return { month, taxablePaise: n(r?.taxable), taxPaise: n(r?.tax), totalPaise: n(r?.total), invoices: n(r?.count) };
      }),
      profitByMonth: monthList.map((month) => {
        const salesPaise = n(byMonth.get(month)?.taxable);
        const costOfGoodsPaise = cogsByMonth.get(month) ?? 0;
        const expensesPaise = spentByMonth.get(month) ?? 0;
        return { month, salesPaise, costOfGoodsPaise, expensesPaise, profitPaise: salesPaise - costOfGoodsPaise - expensesPaise };
      }),
      ageing: buckets.map((bucket) => ({ bucket, balancePaise: n(byBucket.get(bucket)?.balance), invoices: n(byBucket.get(bucket)?.count) })),
      topCustomers: customers.rows.map((r) => ({ name: r.name, companyId: r.company_id, taxablePaise: n(r.total), invoices: n(r.count) })),
      topProducts: products.rows.map((r) => ({ name: r.name, productId: r.product_id, taxablePaise: n(r.taxable), quantityMilli: n(r.quantity) })),
    };
  });
}
