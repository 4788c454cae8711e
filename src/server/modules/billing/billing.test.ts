import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli';
import { withTenant } from '../../platform/db/tenant';
import { dataEntries } from '../../platform/data/registry';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { startFakeAi } from '../../../../test/fakes/ai';
import { csv, importFile, reportOf } from '../imports/imports.fixtures';
import { runModel } from '../ai/run-model';
import { clawBack, expireCredits, grantCredits, purchaseCredits, spendCredits } from './credits';
import { consume } from './limits';
import { ledgerBalance } from './get-billing';
import { purgeBillingRecords } from './purge.job';
import { purgeWorkspace } from '../privacy/close-workspace';

const plans = {
  defaultPlan: 'tiny',
  plans: [
    { id: 'tiny', name: 'Tiny', priceMinor: 0, currency: 'USD', limits: { seats: 2, contacts: 10, ai_runs: 3, emails: 100 } },
    { id: 'pro', name: 'Pro', priceMinor: 4900, currency: 'USD', limits: { seats: 25, contacts: 100_000 }, monthlyCredits: 100 },
  ],
  packs: [{ id: 'credits-500', credits: 500, priceMinor: 1000, currency: 'USD' }],
};

let server: TestServer;
beforeAll(async () => {
  const ai = await startFakeAi();
  server = await startTestServer({ BILLING_ENABLED: 'true', BILLING_PLANS: JSON.stringify(plans), AI_PROVIDER: 'openai_compatible', AI_BASE_URL: ai.baseUrl, AI_MODEL: 'local-llama', AI_MAX_ATTEMPTS: '1' });
}, 120_000);

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const contact = (o: Owner, n: number | string) => o.client.post(`/api/workspaces/${o.workspaceId}/contacts`, { firstName: `P${n}`, emails: [`p${n}@example.test`] });
const summary = async (o: Owner) => (await o.client.get(`/api/workspaces/${o.workspaceId}/billing`)).json();
const ctxOf = (o: Owner) => ({ workspaceId: o.workspaceId, userId: o.userId, role: 'owner' as const });

describe('BILL-1 plans with limits', () => {
  it('BILL-1 contacts stop at the plan limit with a 402 naming the limit and the upgrade path; owners are warned at 80 % and 100 % once', async () => {
    const o = await ownerWithWorkspace(server, 'Limits Co');
    for (let i = 0; i < 10; i++) expect((await contact(o, i)).statusCode).toBe(201);
    const refused = await contact(o, 'x');
    expect(refused.statusCode).toBe(402);
    expect(refused.json().error.code).toBe('plan_limit_reached');
    expect(refused.json().error.message).toMatch(/Tiny plan includes 10 contacts/);
    expect(refused.json().error.message).toMatch(/upgrade/);
    expect(refused.json().error.details).toMatchObject({ limit: 'contacts', max: 10, used: 10, upgradePath: `/w/${o.workspaceId}/settings/billing` });
    const s = await summary(o);
    expect(s.usage.find((u: { metric: string }) => u.metric === 'contacts')).toMatchObject({ used: 10, limit: 10, warning: 100 });
    await server.smtp.waitForMail(o.email, (m) => m.subject.includes('80 %'));
    await server.smtp.waitForMail(o.email, (m) => m.subject.includes('reached its contacts limit'));
    expect(server.smtp.mailsTo(o.email).filter((m) => /80 %|reached its contacts/.test(m.subject))).toHaveLength(2);

    // Deleting a contact frees its unit (the database keeps the count, whatever path removes it).
    const list = (await o.client.get(`/api/workspaces/${o.workspaceId}/contacts`)).json();
    const id = (list.items ?? list.contacts ?? list.rows)[0].id;
    expect((await o.client.delete(`/api/workspaces/${o.workspaceId}/contacts/${id}`)).statusCode).toBeLessThan(300);
    expect((await contact(o, 'y')).statusCode).toBe(201);
  });

  it('BILL-1 twenty concurrent creates for the last two units: exactly two pass', async () => {
    const o = await ownerWithWorkspace(server, 'Race Co');
    for (let i = 0; i < 8; i++) expect((await contact(o, `r${i}`)).statusCode).toBe(201);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => contact(o, `race${i}`)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(2);
    expect(results.filter((r) => r.statusCode === 402)).toHaveLength(18);
    const { rows } = await server.services.database.systemPool.query(`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1`, [o.workspaceId]);
    expect(rows[0].n).toBe(10);
  });

  it('BILL-1 an import stops at the contacts limit: what fits is imported, the rest is reported with the reason', async () => {
    const o = await ownerWithWorkspace(server, 'Import Co');
    for (let i = 0; i < 4; i++) expect((await contact(o, `i${i}`)).statusCode).toBe(201);
    const rows = [['First name', 'Email'], ...Array.from({ length: 9 }, (_, i) => [`Row${i}`, `row${i}@example.test`])];
    const imp = await importFile(server, o, csv(rows));
    expect(imp.status).toBe('completed');
    expect(imp.created).toBe(6);
    expect(imp.error).toMatch(/Stopped at the plan limit: The Tiny plan includes 10 contacts/);
    const report = await reportOf(o, imp.id);
    const cut = report.filter((r) => /^Not imported: The Tiny plan includes 10 contacts/.test(r[2]!));
    expect(cut.map((r) => r[0])).toEqual(['8', '9', '10']);
    expect((await summary(o)).usage.find((u: { metric: string }) => u.metric === 'contacts').used).toBe(10);
  }, 60_000);

  it('BILL-1 seats: an invitation beyond the plan\'s seats is refused (clients take none)', async () => {
    const o = await ownerWithWorkspace(server, 'Seats Co');
    await addMember(server, o, 'staff');
    const refused = await o.client.post(`/api/workspaces/${o.workspaceId}/invitations`, { email: 'third@example.test', role: 'admin' });
    expect(refused.statusCode).toBe(402);
    expect(refused.json().error.message).toMatch(/includes 2 seats/);
    expect((await o.client.post(`/api/workspaces/${o.workspaceId}/invitations`, { email: 'client@example.test', role: 'client' })).statusCode).toBe(201);
  }, 60_000);

  it('BILL-1 `kestrel billing set-plan` puts a workspace on a plan by hand, audited; an unknown plan or workspace is refused', async () => {
    const o = await ownerWithWorkspace(server, 'Operator Deal Co');
    const c = server.services.config;
    const env = { NODE_ENV: 'test', DATABASE_URL: c.DATABASE_URL!, DATABASE_POOL_SIZE: '2', DATA_DIR: c.DATA_DIR, KESTREL_SECRET_KEYS: c.KESTREL_SECRET_KEYS!, KESTREL_SESSION_SECRET: c.KESTREL_SESSION_SECRET!, BILLING_ENABLED: 'true', BILLING_PLANS: JSON.stringify(plans) };
    let out = '';
    let err = '';
    const io = { env, stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) } } as never;
    expect(await runCli(['billing', 'set-plan', '--workspace', o.workspaceId, '--plan', 'pro'], io), err).toBe(0);
    expect(out).toMatch(/is on the Pro plan \(was tiny\)/);
    expect(await summary(o)).toMatchObject({ plan: { id: 'pro' }, status: 'active' });
    const audit = (await o.client.get(`/api/workspaces/${o.workspaceId}/audit?limit=10`)).json().entries.find((e: { action: string }) => e.action === 'billing.plan_changed');
    expect(audit.details).toMatchObject({ from: 'tiny', to: 'pro', by: 'operator' });
    expect(await runCli(['billing', 'set-plan', '--workspace', o.workspaceId, '--plan', 'gold'], io)).not.toBe(0);
    expect(err).toMatch(/No plan "gold"/);
    expect(await runCli(['billing', 'set-plan', '--workspace', '00000000-0000-4000-8000-000000000000', '--plan', 'pro'], io)).not.toBe(0);
    expect(err).toMatch(/No workspace has the id/);
  });

  it('BILL-1 `kestrel billing plans` lists the operator\'s plans and their limits', async () => {
    let out = '';
    const code = await runCli(['billing', 'plans'], { env: { BILLING_ENABLED: 'true', BILLING_PLANS: JSON.stringify(plans) }, stdout: { write: (s: string) => ((out += s), true) } as never });
    expect(code).toBe(0);
    expect(out).toMatch(/Billing is on/);
    expect(out).toMatch(/tiny \(default\)\s+Tiny\s+\$0\.00 a month/);
    expect(out).toMatch(/contacts\s+10\b/);
    expect(out).toMatch(/pro\s+Pro\s+\$49\.00 a month/);
    let err = '';
    const bad = await runCli(['billing', 'plans'], { env: { BILLING_PLANS: '{"plans": []}' }, stdout: { write: () => true } as never, stderr: { write: (s: string) => ((err += s), true) } as never });
    expect(bad).toBe(1);
    expect(err).toMatch(/BILLING_PLANS/);
  });
});

describe('BILL-3 credits', () => {
  it('BILL-3 1,000 concurrent spends against a balance of 500: exactly 500 succeed, and the balance is the sum of the ledger', async () => {
    const o = await ownerWithWorkspace(server, 'Credits Co');
    const { db } = server.services.database;
    await withTenant(db, ctxOf(o), (tx) => grantCredits(tx, o.workspaceId, 200, { note: 'welcome' }));
    await withTenant(db, ctxOf(o), (tx) => purchaseCredits(tx, o.workspaceId, 300, { refId: 'pi_1' }));
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) => withTenant(db, ctxOf(o), (tx) => spendCredits(tx, o.workspaceId, 1, { refType: 'ai_call', refId: `call-${i}`, userId: o.userId }))),
    );
    const ms = performance.now() - started;
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(500);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(500);
    expect(refused.every((r) => r.reason.code === 'credits_exhausted' && r.reason.statusCode === 402)).toBe(true);
    const s = await summary(o);
    expect(s.credits).toEqual({ free: 0, paid: 0, total: 0 });
    expect(await ledgerBalance(db, ctxOf(o))).toBe(0);
    const ledger = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/ledger?limit=5`)).json();
    expect(ledger.entries[0]).toMatchObject({ kind: 'consumption', refType: 'ai_call' });
    expect(ledger.spentByDay[0]).toMatchObject({ userName: 'Olive Owner', refType: 'ai_call', credits: 500 });
    console.log(`BILL-3 1000 concurrent spends: ${ms.toFixed(0)} ms`);
  }, 120_000);

  it('BILL-3 the ledger is append-only and double-entry: UPDATE, DELETE and an unbalanced transaction are refused', async () => {
    const o = await ownerWithWorkspace(server, 'Ledger Co');
    const { db, systemPool } = server.services.database;
    await withTenant(db, ctxOf(o), (tx) => grantCredits(tx, o.workspaceId, 10));
    await expect(systemPool.query(`UPDATE credit_entries SET amount = amount + 1 WHERE workspace_id = $1`, [o.workspaceId])).rejects.toThrow(/append-only/);
    await expect(systemPool.query(`DELETE FROM credit_entries WHERE workspace_id = $1`, [o.workspaceId])).rejects.toThrow(/append-only/);
    await expect(systemPool.query(`INSERT INTO credit_entries (workspace_id, id, txn_id, account, amount, kind) VALUES ($1, gen_random_uuid(), gen_random_uuid(), 'free', 5, 'correction')`, [o.workspaceId])).rejects.toThrow(/does not balance/);
    expect(await ledgerBalance(db, ctxOf(o))).toBe(10);
  });

  it('BILL-3 free credits are spent first and expire; a refund claws back what is left of the purchase', async () => {
    const o = await ownerWithWorkspace(server, 'Refund Co');
    const { db } = server.services.database;
    const t = (fn: Parameters<typeof withTenant>[2]) => withTenant(db, ctxOf(o), fn);
    await t((tx) => grantCredits(tx, o.workspaceId, 50, { expiresAt: new Date(Date.now() + 1000) }));
    await t((tx) => purchaseCredits(tx, o.workspaceId, 100, { refId: 'pi_refund' }));
    await t((tx) => spendCredits(tx, o.workspaceId, 30, { refType: 'enrichment', refId: 'contact-1' }));
    expect((await summary(o)).credits).toEqual({ free: 20, paid: 100, total: 120 });
    expect(await t((tx) => expireCredits(tx, o.workspaceId, new Date(Date.now() + 5000)))).toBe(20);
    expect(await t((tx) => expireCredits(tx, o.workspaceId, new Date(Date.now() + 5000)))).toBe(0);
    await t((tx) => spendCredits(tx, o.workspaceId, 40, { refType: 'ai_call', refId: 'c' }));
    expect(await t((tx) => clawBack(tx, o.workspaceId, 'pi_refund', 'chargeback'))).toEqual({ clawed: 60, alreadySpent: 40 });
    expect(await t((tx) => clawBack(tx, o.workspaceId, 'pi_refund', 'chargeback'))).toBeNull();
    expect((await summary(o)).credits).toEqual({ free: 0, paid: 0, total: 0 });
    expect(await ledgerBalance(db, ctxOf(o))).toBe(0);
  });
});

describe('BILL-1 BILL-3 AI calls', () => {
  it('BILL-1 150 concurrent spends of a monthly limit of 100 (one statement each): exactly 100 pass, owners warned once at 80 % and 100 %; a plan change applies to the next spend', async () => {
    const o = await ownerWithWorkspace(server, 'Monthly Race Co');
    const { db, systemPool } = server.services.database;
    const results = await Promise.allSettled(Array.from({ length: 150 }, () => withTenant(db, ctxOf(o), (tx) => consume(tx, o.workspaceId, 'emails', 1))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => r.reason.code === 'plan_limit_reached' && /Tiny plan includes 100 emails a month/.test(r.reason.message))).toBe(true);
    const used = await systemPool.query(`SELECT used FROM billing_counters WHERE workspace_id = $1 AND metric = 'emails'`, [o.workspaceId]);
    expect(Number(used.rows[0].used)).toBe(100);
    await server.smtp.waitForMail(o.email, (m) => m.subject.includes('80 % of its emails a month'));
    await server.smtp.waitForMail(o.email, (m) => m.subject.includes('reached its emails a month limit'));
    expect(server.smtp.mailsTo(o.email).filter((m) => /emails a month/.test(m.subject))).toHaveLength(2);
    // The plan is read by the spending statement itself: Pro (no emails limit) lets the next one through at once.
    await systemPool.query(`INSERT INTO billing_accounts (workspace_id, plan_id, status) VALUES ($1, 'pro', 'active')`, [o.workspaceId]);
    expect(await withTenant(db, ctxOf(o), (tx) => consume(tx, o.workspaceId, 'emails', 1))).toEqual({ counted: false });
  }, 60_000);

  it('BILL-1 BILL-3 AI calls spend the plan\'s monthly AI runs, then credits recorded with the call they paid for, then 402', async () => {
    const o = await ownerWithWorkspace(server, 'AI Co');
    const hi = { feature: 'brain' as const, messages: [{ role: 'user' as const, content: 'hi' }] };
    for (let i = 0; i < 3; i++) await runModel(server.services, ctxOf(o), hi);
    await expect(runModel(server.services, ctxOf(o), hi)).rejects.toMatchObject({ statusCode: 402, code: 'plan_limit_reached', message: expect.stringMatching(/Tiny plan includes 3 AI runs a month.*No credits are left either/) });
    await withTenant(server.services.database.db, ctxOf(o), (tx) => grantCredits(tx, o.workspaceId, 2));
    const paid = [await runModel(server.services, ctxOf(o), hi), await runModel(server.services, ctxOf(o), hi)];
    await expect(runModel(server.services, ctxOf(o), hi)).rejects.toMatchObject({ statusCode: 402 });
    const ledger = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/ledger`)).json();
    const spent = ledger.entries.filter((e: { kind: string }) => e.kind === 'consumption');
    expect(spent.map((e: { refId: string }) => e.refId).sort()).toEqual(paid.map((p) => p.callId).sort());
    const { rows } = await server.services.database.systemPool.query(`SELECT outcome, count(*)::int AS n FROM ai_calls WHERE workspace_id = $1 GROUP BY 1 ORDER BY 1`, [o.workspaceId]);
    expect(rows).toEqual([{ outcome: 'limit_exceeded', n: 2 }, { outcome: 'ok', n: 5 }]);
  }, 60_000);
});

describe('BILL-5 retention', () => {
  it('BILL-5 billing records stay after their workspace is deleted, and the data registry says for how long', async () => {
    const o = await ownerWithWorkspace(server, 'Gone Co');
    const { db, systemPool } = server.services.database;
    await withTenant(db, ctxOf(o), (tx) => purchaseCredits(tx, o.workspaceId, 10, { refId: 'pi_gone' }));
    await systemPool.query(`DELETE FROM workspaces WHERE id = $1`, [o.workspaceId]);
    const { rows } = await systemPool.query(`SELECT count(*)::int AS n FROM credit_entries WHERE workspace_id = $1`, [o.workspaceId]);
    expect(rows[0].n).toBe(2);
    for (const table of ['billing_accounts', 'credit_entries', 'credit_balances', 'billing_invoices']) {
      const e = dataEntries().find((d) => d.table === table)!;
      expect(e.erase, table).toMatchObject({ kind: 'retained', years: 7 });
    }
  });

  it('BILL-5 a daily job deletes billing records once their workspace has been closed (or gone) longer than the retention, and not before', async () => {
    const { db, system, systemPool } = server.services.database;
    const q = (text: string, values: unknown[]) => systemPool.query(text, values);
    const withRecords = async (name: string) => {
      const o = await ownerWithWorkspace(server, name);
      await withTenant(db, ctxOf(o), (tx) => purchaseCredits(tx, o.workspaceId, 10, { refId: `pi_${name}` }));
      await q(`INSERT INTO billing_accounts (workspace_id, plan_id, status) VALUES ($1, 'pro', 'canceled')`, [o.workspaceId]);
      await q(`INSERT INTO billing_invoices (workspace_id, id, provider, provider_invoice_id, amount_minor, currency, status, issued_at) VALUES ($1, gen_random_uuid(), 'stripe', 'in_1', 4900, 'USD', 'paid', now())`, [o.workspaceId]);
      return o.workspaceId;
    };
    const records = async (id: string) =>
      Number((await q(`SELECT (SELECT count(*) FROM credit_entries WHERE workspace_id = $1) + (SELECT count(*) FROM credit_balances WHERE workspace_id = $1) + (SELECT count(*) FROM billing_accounts WHERE workspace_id = $1) + (SELECT count(*) FROM billing_invoices WHERE workspace_id = $1) AS n`, [id])).rows[0].n);
    const workspaceRow = async (id: string) => (await q(`SELECT 1 FROM workspaces WHERE id = $1`, [id])).rows.length;

    // Closed and purged: the purge leaves a nameless stub the billing records point at.
    const closed = await withRecords('Closed Billing Co');
    await q(`UPDATE workspaces SET closed_at = now(), purge_after = NULL WHERE id = $1`, [closed]);
    expect((await purgeWorkspace(system, closed)).kept).toBe(true);
    // Deleted outright: its records outlive the row.
    const gone = await withRecords('Deleted Billing Co');
    await q(`DELETE FROM workspaces WHERE id = $1`, [gone]);
    const open = await withRecords('Open Billing Co');
    for (const id of [closed, gone, open]) expect(await records(id)).toBe(5);

    const day = 86_400_000;
    const inYears = (y: number) => new Date(Date.now() + y * 365.25 * day);
    // Six years on (and a day short of seven): everything is still kept.
    await purgeBillingRecords(system, 7, inYears(6));
    await purgeBillingRecords(system, 7, new Date(inYears(7).getTime() - 2 * day));
    for (const id of [closed, gone, open]) expect(await records(id)).toBe(5);
    expect(await workspaceRow(closed)).toBe(1);

    // Past seven years: the closed and the deleted workspace's records go, the stub too; an open workspace keeps its own.
    const result = await purgeBillingRecords(system, 7, new Date(inYears(7).getTime() + 2 * day));
    expect(result.rows).toBeGreaterThanOrEqual(10);
    expect(await records(closed)).toBe(0);
    expect(await records(gone)).toBe(0);
    expect(await workspaceRow(closed)).toBe(0);
    expect(await records(open)).toBe(5);
    expect(await workspaceRow(open)).toBe(1);

    // BILLING_RETENTION_YEARS shortens or lengthens it.
    const short = await withRecords('Short Retention Co');
    await q(`DELETE FROM workspaces WHERE id = $1`, [short]);
    await purgeBillingRecords(system, 2, inYears(1.5));
    expect(await records(short)).toBe(5);
    await purgeBillingRecords(system, 2, inYears(2.1));
    expect(await records(short)).toBe(0);
  });
});
