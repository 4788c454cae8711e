import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

/**
 * PRIV-9, operator-wide: the installation's public privacy page is generated from the live
 * configuration. Two servers on the same kind of database, started with different settings, show
 * different subprocessors: what is switched off is gone, what is switched on appears.
 */
let plain: TestServer;
let full: TestServer;
const names = async (server: TestServer) => {
  const res = await new TestClient(server.app).get('/api/public/privacy');
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { operator: { name: string | null; email: string | null }; subprocessors: { name: string }[]; retention: { what: string; days: number }[]; storage: string[] };
};

beforeAll(async () => {
  plain = await startTestServer({ MAIL_LOG_RETENTION_DAYS: '60' });
  full = await startTestServer({
    OPERATOR_NAME: 'Harbour Hosting Ltd',
    OPERATOR_EMAIL: 'privacy@harbour.example',
    AI_PROVIDER: 'anthropic',
    AI_API_KEY: 'sk-ant-secret-key',
    AI_MODEL: 'claude-test',
    GOOGLE_CLIENT_ID: 'google-client-id',
    GOOGLE_CLIENT_SECRET: 'google-client-secret',
    MICROSOFT_CLIENT_ID: 'ms-client-id',
    MICROSOFT_CLIENT_SECRET: 'ms-client-secret',
  });
}, 300_000);
afterAll(async () => {
  await Promise.all([plain?.close?.(), full?.close?.()]);
});

describe('the operator-wide privacy page', () => {
  it('PRIV-9 a provider switched off is not on the page and one switched on appears, with the operator, retention and storage from the configuration', async () => {
    const off = await names(plain);
    const on = await names(full);
    const offNames = off.subprocessors.map((s) => s.name);
    const onNames = on.subprocessors.map((s) => s.name);
    for (const provider of ['Anthropic', 'Google', 'Microsoft']) {
      expect(offNames).not.toContain(provider);
      expect(onNames).toContain(provider);
    }
    expect(off.operator).toEqual({ name: null, email: null });
    expect(on.operator).toEqual({ name: 'Harbour Hosting Ltd', email: 'privacy@harbour.example' });
    expect(off.retention).toContainEqual({ what: 'Email delivery logs', days: 60 });
    expect(on.retention).toContainEqual({ what: 'Email delivery logs', days: 90 });
    expect(on.storage.length).toBeGreaterThan(0);
    // Names providers, never keys.
    expect(JSON.stringify(on)).not.toMatch(/secret|sk-ant|claude-test|client-id/);
  });

  it('PRIV-9 WhatsApp appears once any workspace connects it', async () => {
    expect((await names(plain)).subprocessors.map((s) => s.name)).not.toContain('Meta (WhatsApp Business)');
    const owner = await ownerWithWorkspace(plain, 'Harbour Chandlery');
    const connect = await owner.client.patch(`/api/workspaces/${owner.workspaceId}/channel-settings`, {
      whatsapp: { phoneNumberId: '1234567890', businessAccountId: '9876543210', accessToken: 'EAAG-test-token-123', appSecret: 'app-secret-1', verifyToken: 'verify-token-1' },
    });
    expect(connect.statusCode, connect.body).toBe(200);
    const after = await names(plain);
    expect(after.subprocessors.map((s) => s.name)).toContain('Meta (WhatsApp Business)');
    expect(JSON.stringify(after)).not.toMatch(/EAAG|1234567890|Harbour Chandlery/);
  });

  it('PRIV-9 the page is rate limited like other public routes', async () => {
    const client = new TestClient(full.app);
    let last = 0;
    for (let i = 0; i < 61; i++) last = (await client.get('/api/public/privacy')).statusCode;
    expect(last).toBe(429);
  });
});
