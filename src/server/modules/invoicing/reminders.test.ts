import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let fake: FakeAi;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let series: string;
let contactId: string;
const ws = (p: string) => `/api/workspaces/${owner.workspaceId}${p}`;
const api = (p: string) => ws(`/invoicing${p}`);
const finish = (summary: string, findings: unknown[] = []) => ({ toolCalls: [{ name: 'finish', input: { summary, findings } }] });

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer({ AI_RETRY_BASE_MS: '5' });
  owner = await ownerWithWorkspace(server, 'Kalaburagi Pulses');
  expect((await owner.client.request('PUT', ws('/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-reminders-0123456789', baseUrl: fake.baseUrl })).statusCode).toBe(200);
  expect((await owner.client.request('PUT', api('/settings'), { legalName: 'Kalaburagi Pulses', gstin: '29AAGCB7383J1Z4' })).statusCode).toBe(200);
  series = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'KP', digits: 4 })).json().id;
  contactId = (await owner.client.post(ws('/contacts'), { firstName: 'Ravi', lastName: 'Kulkarni', emails: ['ravi@bidar-mills.example'] })).json().id;
}, 300_000);

/** An issued invoice of ₹1,000 + 5 %, dated and due in the past unless said otherwise. */
async function invoice(dueDate: string, extra: object = {}) {
  const doc = (await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: series, documentDate: '2026-09-01', dueDate, buyerName: 'Bidar Mills', contactId, lines: [{ description: 'Toor dal', hsn: '0713', uqc: 'KGS', quantityMilli: 10_000, unitPricePaise: 100_00, rateBps: 500 }], ...extra })).json();
  const issued = await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version });
  expect(issued.statusCode, issued.body).toBe(200);
  return issued.json();
}

describe('Recovery for overdue invoices (issue 18)', () => {
  it('INV-3 a plain reminder emails the balance, the due date and the PDF again; an invoice with nothing due is refused', async () => {
    const inv = await invoice('2026-09-15');
    await owner.client.post(api(`/documents/${inv.id}/payments`), { method: 'upi', amountPaise: 400_00 });
    const sent = await owner.client.post(api(`/documents/${inv.id}/remind`), { to: 'ravi@bidar-mills.example' });
    expect(sent.statusCode, sent.body).toBe(202);
    const mail = await server.smtp.waitForMail('ravi@bidar-mills.example', (m) => m.subject.startsWith('Reminder'));
    expect(mail.subject).toBe(`Reminder: ₹650.00 due on invoice ${inv.number}`);
    expect(mail.text).toContain(`₹650.00 is still due on invoice ${inv.number} dated 2026-09-01, which was due on 2026-09-15`);
    const audit = (await owner.client.get(ws('/audit?limit=20'))).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toContain('invoice.reminder_sent');

    await owner.client.post(api(`/documents/${inv.id}/payments`), { method: 'cash', amountPaise: 650_00 });
    const paid = await owner.client.post(api(`/documents/${inv.id}/remind`), { to: 'ravi@bidar-mills.example' });
    expect(paid.statusCode).toBe(409);
    expect(paid.json().error).toMatchObject({ code: 'nothing_due', details: { field: 'status' } });
  });

  it('AI-2 AI-5 Recovery finds the overdue invoices and drafts a polite reminder that waits for approval', async () => {
    const overdue = await invoice('2026-10-01');
    await invoice('2099-01-01'); // not yet due: not listed
    fake.reply(
      { toolCalls: [{ name: 'find_overdue_invoices', input: { limit: 10 } }] },
      { toolCalls: [{ name: 'propose_email', input: { contactId, subject: `Invoice ${overdue.number}`, body: `Hi Ravi,\n\nA gentle reminder that ₹1,050.00 on invoice ${overdue.number} was due on 1 October.\n\nThanks,\nAsha`, rationale: 'Overdue invoice' } }] },
      finish('One overdue invoice.', [{ title: `${overdue.number} is overdue`, detail: '₹1,050.00 since 1 Oct.', records: [`contacts/${contactId}`] }]),
    );
    const queued = await owner.client.post(ws('/agents/recovery/runs'), { task: 'overdue_invoices' });
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().id;
    await expect.poll(async () => (await owner.client.get(ws(`/agents/runs/${id}`))).json().status, { timeout: 60_000, interval: 500 }).toBe('succeeded');
    // The tool's answer, as the model read it: the overdue invoice with its contact and balance, not the one not yet due.
    const toolAnswer = JSON.stringify(fake.requests[1]!.body.messages);
    expect(toolAnswer).toContain(`Invoice ${overdue.number} to Bidar Mills [contacts/${contactId}]: ₹1,050.00 due since 2026-10-01`);
    expect(toolAnswer).not.toContain('2099-01-01');
    const proposal = (await owner.client.get(ws('/approvals'))).json().items.find((p: { payload: { subject: string } }) => p.payload.subject === `Invoice ${overdue.number}`);
    expect(proposal).toMatchObject({ status: 'pending', kind: 'send_email', agent: 'recovery' });
  });
});
