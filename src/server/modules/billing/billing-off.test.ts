import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { csv, importFile } from '../imports/imports.fixtures';

let server: TestServer;
beforeAll(async () => {
  // The operator's plans are configured, but billing itself is left at its default: off.
  server = await startTestServer({ BILLING_PLANS: JSON.stringify({ plans: [{ id: 'tiny', name: 'Tiny', priceMinor: 0, currency: 'USD', limits: { contacts: 1, seats: 1 } }] }) });
}, 120_000);

describe('BILL-4 self-hosted mode', () => {
  it('BILL-4 billing is off by default: no limits, billing routes answer 404, the web app is told there is no billing', async () => {
    const o = await ownerWithWorkspace(server, 'Self Hosted Co');
    const me = (await o.client.get('/api/auth/me')).json();
    expect(me.billingEnabled).toBe(false);
    for (let i = 0; i < 3; i++) expect((await o.client.post(`/api/workspaces/${o.workspaceId}/contacts`, { firstName: `P${i}` })).statusCode).toBe(201);
    const imp = await importFile(server, o, csv([['First name', 'Email'], ['A', 'a@example.test'], ['B', 'b@example.test']]));
    expect(imp).toMatchObject({ status: 'completed', created: 2, error: null });
    expect((await o.client.post(`/api/workspaces/${o.workspaceId}/invitations`, { email: 'x@example.test', role: 'staff' })).statusCode).toBe(201);
    for (const path of ['', '/ledger', '/invoices']) {
      const res = await o.client.get(`/api/workspaces/${o.workspaceId}/billing${path}`);
      expect(res.statusCode, path).toBe(404);
      expect(res.json().error.message).toBe('Billing is not enabled on this server.');
    }
    expect((await o.client.post(`/api/workspaces/${o.workspaceId}/billing/checkout`, { planId: 'tiny' })).statusCode).toBe(404);
    const hook = await fetch(`${server.url}/api/billing/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(hook.status).toBe(404);
  }, 60_000);
});
