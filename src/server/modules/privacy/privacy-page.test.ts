import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let a: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let b: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const page = (workspaceId: string) => new TestClient(server.app).get(`/api/public/privacy/${workspaceId}`);

beforeAll(async () => {
  // The operator runs an OpenAI-compatible AI server for everyone.
  server = await startTestServer({ AI_PROVIDER: 'openai_compatible', AI_BASE_URL: 'http://ai.internal.test:8000/v1', AI_MODEL: 'llama' });
  a = await ownerWithWorkspace(server, 'Privacy Page Plumbing');
  b = await ownerWithWorkspace(server, 'Other Orchard');
}, 300_000);

describe('the public privacy page', () => {
  it('PRIV-9 lists the subprocessors from the live configuration: the operator’s, then what a workspace switches on, and only its own', async () => {
    const before = await page(a.workspaceId);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({
      workspaceName: 'Privacy Page Plumbing',
      subprocessors: [{ name: 'An OpenAI-compatible AI server at ai.internal.test:8000', purpose: expect.any(String), scope: 'operator' }],
    });

    const connect = await a.client.patch(`/api/workspaces/${a.workspaceId}/channel-settings`, { whatsapp: { phoneNumberId: '1234567890', businessAccountId: '9876543210', accessToken: 'EAAG-test-token-123', appSecret: 'app-secret-1', verifyToken: 'verify-token-1' } });
    expect(connect.statusCode, connect.body).toBe(200);
    const after = (await page(a.workspaceId)).json();
    expect(after.subprocessors.map((s: { name: string; scope: string }) => `${s.name}:${s.scope}`)).toEqual(['An OpenAI-compatible AI server at ai.internal.test:8000:operator', 'Meta (WhatsApp Business):workspace']);
    // Another workspace's page does not show what this one switched on.
    expect((await page(b.workspaceId)).json().subprocessors.map((s: { name: string }) => s.name)).toEqual(['An OpenAI-compatible AI server at ai.internal.test:8000']);
    // The page names providers, never keys or addresses.
    expect(JSON.stringify(after)).not.toMatch(/EAAG|app-secret|1234567890|llama/);
  });

  it('PRIV-9 the chat widget links the generated page when the owner gave no privacy notice of their own', async () => {
    const site = 'https://plumbing.example';
    expect((await a.client.patch(`/api/workspaces/${a.workspaceId}/widget-settings`, { allowedOrigins: [site] })).statusCode).toBe(200);
    const config = await new TestClient(server.app).get(`/api/widget/${a.workspaceId}/config`, { origin: site });
    expect(config.statusCode, config.body).toBe(200);
    expect(config.json().privacyUrl).toBe(`${server.services.config.publicUrl}/privacy/${a.workspaceId}`);
    await a.client.patch(`/api/workspaces/${a.workspaceId}/widget-settings`, { privacyUrl: 'https://plumbing.example/privacy' });
    expect((await new TestClient(server.app).get(`/api/widget/${a.workspaceId}/config`, { origin: site })).json().privacyUrl).toBe('https://plumbing.example/privacy');
  });

  it('PRIV-9 a workspace that does not exist, or a malformed id, is a clear 4xx', async () => {
    const missing = await page('01930000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBeDefined();
    expect((await page('not-a-workspace')).statusCode).toBe(400);
  });
});
