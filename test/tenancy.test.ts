import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataEntries, systemEntries } from '../src/server/platform/data/all';
import { APP_ROLE } from '../src/server/platform/db/migrate';
import { importFile } from '../src/server/modules/imports/imports.fixtures';
import { addMember, ownerWithWorkspace } from './helpers/client';
import { startFakeAi } from './fakes/ai';
import { startTestServer, type TestServer } from './helpers/server';

let server: TestServer;
let a: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let b: Awaited<ReturnType<typeof ownerWithWorkspace>>;

beforeAll(async () => {
  const fakeAi = await startFakeAi();
  server = await startTestServer();
  a = await ownerWithWorkspace(server, 'Alpha Roofing');
  b = await ownerWithWorkspace(server, 'Beta Bakery');
  // Give both workspaces rows in every tenant table.
  const staff = { a: await addMember(server, a, 'staff'), b: await addMember(server, b, 'staff') };
  const clients = { a: await addMember(server, a, 'client'), b: await addMember(server, b, 'client') };
  for (const [name, w] of [['a', a], ['b', b]] as const) {
    const api = (path: string) => `/api/workspaces/${w.workspaceId}${path}`;
    const ok = (res: { statusCode: number; body: string }) => {
      if (res.statusCode >= 300) throw new Error(`fixture: ${res.statusCode} ${res.body}`);
      return JSON.parse(res.body);
    };
    const company = ok(await w.client.post(api('/companies'), { name: 'Fixture Co' }));
    const contact = ok(await w.client.post(api('/contacts'), { firstName: 'Fixture', companyId: company.id }));
    const tag = ok(await w.client.post(api('/tags'), { name: 'fixture' }));
    ok(await w.client.post(api(`/contacts/${contact.id}/tags`), { tagId: tag.id }));
    ok(await w.client.post(api('/custom-fields'), { object: 'contacts', key: 'fixture', label: 'Fixture', type: 'text' }));
    ok(await w.client.post(api('/deals'), { name: 'Fixture deal', contactId: contact.id, currency: 'USD' }));
    ok(await w.client.post(api('/activities'), { kind: 'note', body: '<p>Fixture</p>', links: [{ recordType: 'contacts', recordId: contact.id }] }));
    ok(await w.client.post(api('/views'), { name: 'Fixture view', shared: true, definition: { object: 'contacts' } }));
    ok(await w.client.request('PUT', api('/crm-settings'), { staffOwnRecordsOnly: false }));
    ok(await w.client.post(api(`/contacts/${contact.id}/shares`), { userId: clients[name].userId }));
    ok(await w.client.post(api('/scoring-rules'), { label: 'Has email', condition: { kind: 'has_email' }, points: 5 }));
    ok(await w.client.post(api('/territory-rules'), { name: 'Bay Area', matchKind: 'postal_prefix', matchValues: ['94'], ownerUserId: staff[name].userId }));
    ok(await w.client.post(api('/bulk-operations'), { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'prospect' }, selection: { kind: 'ids', ids: [contact.id] } }));
    // An import with one good row (import_records) and one bad one (import_row_errors).
    await importFile(server, w, 'email,first_name\r\nimported@example.com,Imported\r\nnot-an-email,Broken\r\n');
    // AI: a provider (ai_providers), settings (ai_settings) and a recorded connection test (ai_calls).
    ok(await w.client.request('PUT', api('/ai/provider'), { kind: 'openai', baseUrl: fakeAi.baseUrl, apiKey: 'sk-fixture-key-1234', model: 'gpt-4o-mini' }));
    ok(await w.client.request('PUT', api('/ai/settings'), { redactPii: true }));
    ok(await w.client.request('PUT', api('/data-provider'), { kind: 'people_data_labs', apiKey: 'pdl-fixture-key-1234', baseUrl: 'http://127.0.0.1:9' }));
    ok(await w.client.post(api('/ai/provider/test')));
    // Agents: settings (agent_settings), a run (agent_runs) with a proposal (agent_proposals); the brain (brain_*).
    ok(await w.client.request('PUT', api('/agents/settings'), { autopilot: [], weeklyBrief: true }));
    fakeAi.reply(
      { toolCalls: [{ name: 'propose_tasks', input: { tasks: [{ title: 'Fixture task', recordType: 'contacts', recordId: contact.id }], rationale: 'fixture' } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'fixture' } }] },
      { text: 'Nothing yet.' },
    );
    const run = ok(await w.client.post(api('/agents/closer/runs'), { task: 'next_step', subject: { type: 'contacts', id: contact.id } }));
    if (run.status !== 'succeeded') throw new Error(`fixture run: ${JSON.stringify(run)}`);
    ok(await w.client.post(api('/brain/conversations'), { question: 'Anything new?' }));
    // CONV: widget settings, knowledge, a saved reply, and a visitor's conversation with messages.
    ok(await w.client.patch(api('/widget-settings'), { greeting: 'Fixture hello' }));
    const faq = ok(await w.client.post(api('/knowledge'), { kind: 'faq', title: 'Fixture question', body: 'Fixture answer' }));
    // Its chunk by meaning (knowledge_chunks), as the index job leaves it (the job may get there first).
    await server.services.database.systemPool.query(`INSERT INTO knowledge_chunks (workspace_id, entry_id, chunk, model, content_hash, body, embedding) VALUES ($1, $2, 0, 'fixture-embed', md5('x'), 'Fixture question', '{0.6,0.8}') ON CONFLICT DO NOTHING`, [w.workspaceId, faq.id]);
    ok(await w.client.post(api('/canned-replies'), { shortcut: 'fixture', body: 'Fixture reply' }));
    const chat = ok(await w.client.post(`/api/widget/${w.workspaceId}/conversations`, {}));
    ok(await w.client.post(`/api/widget/${w.workspaceId}/handoff`, { token: chat.token }));
    // CONV-6: channel settings (made on first read) and a WhatsApp template, as a sync leaves it.
    ok(await w.client.get(api('/channel-settings')));
    await server.services.database.systemPool.query(`INSERT INTO whatsapp_templates (workspace_id, name, language, status, body) VALUES ($1, 'fixture', 'en_US', 'APPROVED', 'Fixture')`, [w.workspaceId]);
    // Booking (booking_*): hours, an event type with its host, and a booking that holds time.
    const hours = ok(await w.client.post(api('/booking/schedules'), { name: 'Hours', timeZone: 'UTC', weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })), overrides: [] }));
    ok(await w.client.post(api('/booking/event-types'), { slug: 'fixture', title: 'Fixture call', durationMinutes: 30, hosts: [{ userId: hours.userId, scheduleId: hours.id }] }));
    const freeSlot = ok(await w.client.get(`/api/public/booking/${w.workspaceId}/fixture?timeZone=UTC&days=3`)).slots[0];
    ok(await w.client.post(`/api/public/booking/${w.workspaceId}/fixture`, { start: freeSlot.start, name: 'Fixture Visitor', email: 'visitor@example.com', timeZone: 'UTC' }));
    // Invoicing (INV-1, INV-2, INV-3): settings, a product with a purchase, a series, an issued invoice (counter, lines, sale), a payment.
    ok(await w.client.request('PUT', api('/invoicing/settings'), { legalName: 'Fixture Pvt Ltd', stateCode: '29' }));
    const product = ok(await w.client.post(api('/invoicing/products'), { sku: 'FX-1', name: 'Fixture', hsn: '8471', uqc: 'NOS', pricePaise: 100_00, rateBps: 1800 }));
    ok(await w.client.post(api(`/invoicing/products/${product.id}/stock-movements`), { kind: 'purchase', quantityMilli: 5000 }));
    const series = ok(await w.client.post(api('/invoicing/series'), { documentType: 'invoice', prefix: 'INV', digits: 4 }));
    const invoice = ok(await w.client.post(api('/invoicing/documents'), { documentType: 'invoice', seriesId: series.id, documentDate: '2026-06-01', companyId: company.id, lines: [{ productId: product.id, quantityMilli: 1000 }] }));
    ok(await w.client.post(api(`/invoicing/documents/${invoice.id}/issue`), { version: invoice.version }));
    // INV-3: a part payment against it.
    ok(await w.client.post(api(`/invoicing/documents/${invoice.id}/payments`), { method: 'upi', amountPaise: 10_00, reference: 'UPI-FX' }));
    // INV-3 (invoicing_expenses) and INV-5 (invoicing_payment_accounts, invoicing_payment_links): an expense,
    // the shop's Stripe account, and a link as creating it at Stripe would leave it (Stripe is not reachable here).
    ok(await w.client.post(api('/invoicing/expenses'), { spentOn: '2026-06-02', category: 'rent', description: 'Fixture rent', amountPaise: 500_00 }));
    ok(await w.client.request('PUT', api('/invoicing/payment-accounts/stripe'), { secretKey: 'sk_test_fixture123', webhookSecret: 'whsec_fixture123' }));
    await server.services.database.systemPool.query(`INSERT INTO invoicing_payment_links (workspace_id, id, document_id, provider, provider_link_id, url, amount_paise) VALUES ($1, gen_random_uuid(), $2, 'stripe', 'plink_fixture', 'https://buy.stripe.com/fixture', 1000)`, [w.workspaceId, invoice.id]);
    // INV-5/INV-3 (invoicing_payment_issues): money that arrived for the invoice and did not fit it, as the webhook leaves it.
    await server.services.database.systemPool.query(`INSERT INTO invoicing_payment_issues (workspace_id, id, document_id, provider, provider_payment_id, amount_paise, currency, reason, balance_paise) VALUES ($1, gen_random_uuid(), $2, 'stripe', 'pi_fixture', 1000, 'INR', 'over_balance', 0)`, [w.workspaceId, invoice.id]);
    // Calls (CALL-2): a do-not-call number and a registry import (do_not_call, dnc_imports).
    ok(await w.client.post(api('/calls/do-not-call'), { number: '+1 212 555 0100' }));
    ok(
      await server.app.inject({
        method: 'POST',
        url: api('/calls/do-not-call/imports?fileName=dnc.txt'),
        remoteAddress: w.client.ip,
        headers: { cookie: w.client.cookie!, 'x-csrf-token': w.client.csrf!, 'content-type': 'text/plain', 'user-agent': 'KestrelTest/1.0' },
        payload: '2015550123\n',
      }),
    );
    // PRIV-6: a breach incident (breach_incidents).
    ok(await w.client.post(api('/incidents'), { title: 'Fixture breach', discoveredAt: new Date().toISOString(), nature: 'Fixture', contactPoint: 'Fixture owner' }));
    // PRIV-3 (outreach_suppressions, kind email): a person erased leaves the hash of their address.
    ok(await w.client.post(api('/contacts'), { firstName: 'Erased', lastName: 'Person', emails: ['erased@example.com'] }));
    ok(await w.client.post(api('/privacy/erase'), { email: 'erased@example.com' }));
    // PRIV-2 (privacy_exports): an export asked for.
    ok(await w.client.post(api('/privacy/exports')));
    // Semantic search (record_embeddings, semantic_index_state) needs pgvector, which the embedded
    // database lacks, so its rows are written directly, as the indexing job would.
    const system = server.services.database.systemPool;
    await system.query(`INSERT INTO record_embeddings (workspace_id, record_type, record_id, model, content_hash, embedding) VALUES ($1, 'contacts', $2, 'fixture-embed', md5('x'), '{0.6,0.8}')`, [w.workspaceId, contact.id]);
    // INT-1: a connection, as the OAuth callback leaves it (Google is not configured here).
    const connection = (await system.query<{ id: string }>(`INSERT INTO integration_connections (workspace_id, id, user_id, provider, status) VALUES ($1, gen_random_uuid(), $2, 'google_calendar', 'connected') RETURNING id`, [w.workspaceId, w.userId])).rows[0]!;
    // BOOK-2: its push channel and its cached busy times, as the watch job and a slot read leave them.
    await system.query(`INSERT INTO integration_calendar_channels (workspace_id, id, connection_id, resource_id, token_hash, expires_at) VALUES ($1, gen_random_uuid(), $2, 'res-fixture', md5('x'), now() + interval '7 days')`, [w.workspaceId, connection.id]);
    await system.query(`INSERT INTO integration_calendar_busy (workspace_id, connection_id, window_from, window_to, busy, fetched_at) VALUES ($1, $2, now(), now() + interval '35 days', '[[0, 1]]', now())`, [w.workspaceId, connection.id]);
    // BILL-1…BILL-3: billing is off here, so its rows are written as checkout and the ledger would leave them.
    await system.query(`INSERT INTO billing_accounts (workspace_id, plan_id, status, provider, customer_id) VALUES ($1, 'pro', 'active', 'stripe', 'cus_fixture')`, [w.workspaceId]);
    await system.query(`INSERT INTO billing_invoices (workspace_id, id, provider, provider_invoice_id, amount_minor, currency, status, issued_at) VALUES ($1, gen_random_uuid(), 'stripe', 'in_fixture', 4900, 'USD', 'paid', now())`, [w.workspaceId]);
    await system.query(`INSERT INTO credit_entries (workspace_id, id, txn_id, account, amount, kind) SELECT $1, gen_random_uuid(), t, a, n, 'grant' FROM (SELECT gen_random_uuid() AS t) x, (VALUES ('issued', -5), ('free', 5)) v(a, n)`, [w.workspaceId]);
    await system.query(`INSERT INTO credit_balances (workspace_id, account, balance) VALUES ($1, 'free', 5)`, [w.workspaceId]);
    await system.query(`INSERT INTO semantic_index_state (workspace_id, model, state, total, walked, embedded) VALUES ($1, 'fixture-embed', 'done', 1, 1, 1)`, [w.workspaceId]);
    // Outreach (outreach_*, MAIL-1…MAIL-4): a sending account, a template, consent, a sent message, an unsubscribe, a delivery event.
    ok(await w.client.patch(`/api/workspaces/${w.workspaceId}`, { mailingAddress: '1 Fixture Street' }));
    ok(await w.client.post(api('/outreach/sending-accounts'), { kind: 'smtp', fromName: 'Fixture', fromAddress: 'news@fixture.example', smtpHost: '127.0.0.1', smtpPort: server.smtp.port }));
    const reader = ok(await w.client.post(api('/contacts'), { firstName: 'Reader', emails: [`reader-${name}@example.com`] }));
    ok(await w.client.post(api(`/outreach/contacts/${reader.id}/consent`), { state: 'granted', source: 'form' }));
    const template = ok(await w.client.post(api('/outreach/templates'), { name: 'Fixture', subject: 'Hi {{contact.firstName}}', html: '<p>Fixture</p>' }));
    // MAIL-3 (outreach_settings): own open and click tracking turned on.
    ok(await w.client.patch(api('/outreach/settings'), { trackEngagement: true }));
    // MAIL-2 (outreach_campaigns, outreach_campaign_recipients): a campaign to a tag, scheduled for later.
    ok(await w.client.post(api(`/contacts/${reader.id}/tags`), { tagId: tag.id }));
    ok(await w.client.post(api('/outreach/campaigns'), { name: 'Fixture campaign', templateId: template.id, tagId: tag.id, sendAt: new Date(Date.now() + 86_400_000).toISOString() }));
    // MAIL-2 (outreach_sequences, outreach_sequence_steps, outreach_sequence_enrolments): a sequence, the
    // reader enrolled from a view, its first step due tomorrow.
    const everyone = ok(await w.client.post(api('/views'), { name: 'Fixture audience', shared: true, definition: { object: 'contacts' } }));
    const sequence = ok(await w.client.post(api('/outreach/sequences'), { name: 'Fixture sequence', steps: [{ templateId: template.id, delayDays: 1 }] }));
    ok(await w.client.post(api(`/outreach/sequences/${sequence.id}/enrolments`), { viewId: everyone.id }));
    // PRIV-4 (privacy_settings, ai_usage_daily): retention chosen, and a day of purged AI calls kept as totals.
    ok(await w.client.request('PUT', api('/privacy/retention'), { conversationDays: 400, aiCallDays: 60 }));
    await server.services.database.systemPool.query(`INSERT INTO ai_usage_daily (workspace_id, day, provider_kind, model, calls) VALUES ($1, current_date - 100, 'openai', 'fixture-model', 3)`, [w.workspaceId]);
    // PRIV-10 (privacy_minor_reports): a report from the public privacy page, waiting for the owner.
    const minor = await w.client.post(`/api/public/privacy/${w.workspaceId}/minor-reports`, { email: `minor-${name}@example.com`, details: 'fixture report' });
    expect(minor.statusCode, minor.body).toBe(202);
    // MAIL-4 (outreach_opt_ins): a double opt-in asked for on a form.
    const optIn = await w.client.post(`/api/public/outreach/subscribe/${w.workspaceId}`, { email: `optin-${name}@example.com` });
    expect(optIn.statusCode, optIn.body).toBe(202);
    const sent = ok(await w.client.post(api(`/outreach/templates/${template.id}/send`), { contactId: reader.id, stream: 'marketing' }));
    const unsubscribe = /\/unsubscribe\/([\w.-]+)/.exec((await server.smtp.waitForMail(`reader-${name}@example.com`)).text)![1]!;
    ok(await w.client.post(`/api/public/outreach/unsubscribe/${unsubscribe}`, { via: 'page' }));
    await system.query(`INSERT INTO outreach_delivery_events (workspace_id, webhook_id, message_id, kind, occurred_at) VALUES ($1, 'msg_fixture', $2, 'delivered', now())`, [w.workspaceId, sent.messageId]);
  }
}, 300_000);

/** Raw SQL as the application role, exactly as the app's pool connects. */
async function asAppRole<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.services.database.ownerUrl, options: `-c role=${APP_ROLE}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function tenantTables(): Promise<string[]> {
  const { rows } = await server.services.database.systemPool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'workspace_id' ORDER BY 1`,
  );
  // The instance's mail outbox carries the sending workspace (null for instance mail) only so that erasing a
  // person scrubs one workspace's mail; it is read by the mail worker alone, never through a workspace.
  return rows.map((r) => r.table_name).filter((t) => t !== 'mail_outbox');
}

describe('row-level security', () => {
  it('WS-3 the app role is not the owner and cannot bypass row-level security', async () => {
    const { rows } = await server.services.database.systemPool.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    const { rows: forced } = await server.services.database.systemPool.query(
      `SELECT c.relname, c.relrowsecurity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY($1)`,
      [[...(await tenantTables()), 'workspaces']],
    );
    expect(forced.length).toBeGreaterThan(0);
    for (const t of forced) expect(t.relrowsecurity, t.relname).toBe(true);
  });

  it('WS-3 raw SQL through the app role sees no row of another workspace, and none at all without a workspace set', async () => {
    const tables = await tenantTables();
    expect(tables).toEqual(expect.arrayContaining(['audit_log', 'invitations', 'memberships']));
    await asAppRole(async (c) => {
      for (const table of [...tables, 'workspaces']) {
        const col = table === 'workspaces' ? 'id' : 'workspace_id';
        const none = await c.query(`SELECT count(*)::int AS n FROM ${table}`);
        expect(none.rows[0].n, `${table} without a workspace`).toBe(0);
        await c.query('BEGIN');
        await c.query(`SELECT set_config('kestrel.workspace_id', $1, true)`, [a.workspaceId]);
        const mine = await c.query(`SELECT DISTINCT ${col}::text AS w FROM ${table}`);
        expect(mine.rows.map((r) => r.w), table).toEqual([a.workspaceId]);
        const theirs = await c.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${col} = $1`, [b.workspaceId]);
        expect(theirs.rows[0].n, `${table} rows of another workspace`).toBe(0);
        await c.query('ROLLBACK');
      }
    });
    // The rows exist: the owner sees both workspaces.
    const { rows } = await server.services.database.systemPool.query(`SELECT count(DISTINCT workspace_id)::int AS n FROM audit_log`);
    expect(rows[0].n).toBe(2);
  });

  it('WS-3 the app role cannot write a row into another workspace', async () => {
    await asAppRole(async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('kestrel.workspace_id', $1, true)`, [a.workspaceId]);
      await expect(
        c.query(`INSERT INTO audit_log (workspace_id, id, action) VALUES ($1, gen_random_uuid(), 'forged')`, [b.workspaceId]),
      ).rejects.toThrow(/row-level security/);
      await c.query('ROLLBACK');
      await c.query('BEGIN');
      await c.query(`SELECT set_config('kestrel.workspace_id', $1, true)`, [a.workspaceId]);
      const updated = await c.query(`UPDATE workspaces SET name = 'pwned' WHERE id = $1`, [b.workspaceId]);
      expect(updated.rowCount).toBe(0);
      await c.query('ROLLBACK');
    });
  });

  it('WS-3 the one-statement membership lookups answer only for their user and leave a transaction\'s scope as it was', async () => {
    await asAppRole(async (c) => {
      const role = (ws: string, user: string) => c.query(`SELECT kestrel_member_role($1, $2) AS r`, [ws, user]).then((r) => r.rows[0].r);
      expect(await role(a.workspaceId, a.userId)).toBe('owner');
      expect(await role(b.workspaceId, a.userId)).toBeNull();
      const list = await c.query(`SELECT id::text, role FROM kestrel_user_workspaces($1)`, [a.userId]);
      expect(list.rows).toEqual([{ id: a.workspaceId, role: 'owner' }]);
      // Nothing of the lookup's scope outlives its statement.
      expect((await c.query(`SELECT count(*)::int AS n FROM memberships`)).rows[0].n).toBe(0);
      // Inside a tenant transaction the scope is the same before and after.
      await c.query('BEGIN');
      await c.query(`SELECT set_config('kestrel.workspace_id', $1, true), set_config('kestrel.user_id', $2, true)`, [b.workspaceId, b.userId]);
      expect(await role(a.workspaceId, a.userId)).toBe('owner');
      const after = await c.query(`SELECT current_setting('kestrel.workspace_id') AS w, current_setting('kestrel.user_id') AS u`);
      expect(after.rows[0]).toEqual({ w: b.workspaceId, u: b.userId });
      const seen = await c.query(`SELECT DISTINCT workspace_id::text AS w FROM memberships`);
      expect(seen.rows.map((r) => r.w)).toEqual([b.workspaceId]);
      await c.query('ROLLBACK');
    });
  });

  it('WS-3 every tenant table leads its primary key and foreign keys with workspace_id', async () => {
    const { rows } = await server.services.database.systemPool.query<{ table: string; kind: string; first: string }>(`
      SELECT cl.relname AS table, co.contype AS kind, a.attname AS first
      FROM pg_constraint co
      JOIN pg_class cl ON cl.oid = co.conrelid
      JOIN pg_namespace n ON n.oid = cl.relnamespace
      JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = co.conkey[1]
      WHERE n.nspname = 'public' AND co.contype IN ('p', 'f') AND cl.relname = ANY($1)
        AND NOT (co.contype = 'f' AND co.confrelid = 'users'::regclass)`, [await tenantTables()]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.first, `${r.table} ${r.kind === 'p' ? 'primary key' : 'foreign key'}`).toBe('workspace_id');
  });
});

describe('data registry', () => {
  it('PRIV-2 PRIV-3 every table declares how it is exported and erased', async () => {
    const { rows } = await server.services.database.systemPool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const declared = new Set([...dataEntries().map((e) => e.table), ...systemEntries().map((e) => e.table)]);
    const missing = rows.map((r) => r.table_name).filter((t) => !declared.has(t));
    expect(missing, 'tables missing from the data registry').toEqual([]);
    for (const t of await tenantTables()) expect(dataEntries().find((e) => e.table === t)?.scope, t).toBe('workspace');
    const stale = [...declared].filter((t) => !rows.some((r) => r.table_name === t));
    expect(stale, 'registry entries for tables that do not exist').toEqual([]);
  });
});
