import { z } from 'zod';
import { overdueInvoices } from '../../invoicing/reminders';
import { rupees } from '../../invoicing/send-document';
import { defineTool } from '../runtime/tool';

/**
 * Recovery (issue 18): the invoices past their due date with money owed, for a polite reminder
 * drafted with propose_email (AI-5: a person approves it). Read-only.
 */
export const findOverdueInvoices = defineTool({
  name: 'find_overdue_invoices',
  description:
    'List issued invoices past their due date with money still owed, most overdue first: number, buyer, the contact to write to (if the invoice names one), balance, due date and days overdue.',
  input: z.strictObject({ limit: z.number().int().min(1).max(50).default(20).describe('How many invoices at most') }),
  changes: false,
  async run({ limit }, env) {
    const rows = await overdueInvoices(env.services.database.db, env.ctx, limit);
    if (!rows.length) return { output: 'No invoice is overdue.', summary: 'no overdue invoices' };
    for (const r of rows) if (r.contactId) env.records.add('contacts', r.contactId, r.buyerName);
    const lines = rows.map((r) => `- Invoice ${r.number} to ${r.buyerName}${r.contactId ? ` [contacts/${r.contactId}]` : ' (no contact on the invoice: propose a task instead)'}: ${rupees(r.balancePaise)} due since ${r.dueDate} (${r.daysOverdue} days overdue)`);
    return { output: lines.join('\n'), summary: `${rows.length} overdue invoice(s)` };
  },
});
