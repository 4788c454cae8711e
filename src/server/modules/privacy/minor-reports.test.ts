import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { scanDatabase } from '../../../../test/helpers/db-scan';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { suppressionHash } from './suppression';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let staff: Awaited<ReturnType<typeof addMember>>;
beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Playground Cafe');
  other = await ownerWithWorkspace(server, 'Next Door Books');
  staff = await addMember(server, owner, 'staff');
}, 300_000);

const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
/** A visitor's browser posting the form (each TestClient is a visitor of its own address). */
const report = (workspaceId: string, body: object, visitor = new TestClient(server.app)) => visitor.request('POST', `/api/public/privacy/${workspaceId}/minor-reports`, JSON.stringify(body), { 'content-type': 'application/json' });
type Report = { id: string; email: string | null; phone: string | null; details: string | null; reporterEmail: string | null };
const reports = async (o = owner) => (await o.client.get(api(o, '/privacy/minor-reports'))).json().items as Report[];

describe('PRIV-10 reports of a minor from the public privacy page', () => {
  it("PRIV-10 a parent reports, without signing in, that the workspace holds their child's data; the owner erases the child from the report: the report goes with their data and the audit keeps only a hash; a wrong report is dismissed", async () => {
    const child = 'kit.little@example.test';
    const made = await owner.client.post(api(owner, '/contacts'), { firstName: 'Kit', lastName: 'Littlewood', emails: [child] });
    expect(made.statusCode, made.body).toBe(201);

    const sent = await report(owner.workspaceId, { email: child, details: 'My son Kit Littlewood is 12 and signed up for your newsletter.', reporterEmail: 'parent.of.kit@example.test' });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toEqual({ status: 'received' });
    // The answer says nothing about what the workspace holds: someone unknown gets the same.
    const unknown = await report(owner.workspaceId, { email: 'nobody.here@example.test' });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual(sent.json());

    const waiting = await reports();
    expect(waiting.map((r) => r.email).sort()).toEqual([child, 'nobody.here@example.test']);
    const kit = waiting.find((r) => r.email === child)!;
    expect(kit).toMatchObject({ reporterEmail: 'parent.of.kit@example.test', details: expect.stringContaining('is 12') });
    // Only this workspace's owners and admins see them.
    expect(await reports(other)).toEqual([]);
    expect((await staff.client.get(api(owner, '/privacy/minor-reports'))).statusCode).toBe(403);
    expect((await staff.client.post(api(owner, `/privacy/minor-reports/${kit.id}/erase`))).statusCode).toBe(403);
    expect((await other.client.post(api(other, `/privacy/minor-reports/${kit.id}/erase`))).statusCode).toBe(404);

    const erased = await owner.client.post(api(owner, `/privacy/minor-reports/${kit.id}/erase`));
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json().deleted).toMatchObject({ contacts: 1, privacy_minor_reports: 1 });
    for (const needle of [child, 'Littlewood', 'parent.of.kit@example.test']) expect(await scanDatabase(server, needle), needle).toEqual([]);
    expect((await reports()).map((r) => r.email)).toEqual(['nobody.here@example.test']);

    // The other report named no one the workspace holds: dismissed.
    const wrong = (await reports())[0]!;
    expect((await owner.client.delete(api(owner, `/privacy/minor-reports/${wrong.id}`))).statusCode).toBe(204);
    expect((await owner.client.delete(api(owner, `/privacy/minor-reports/${wrong.id}`))).statusCode).toBe(404);
    expect(await reports()).toEqual([]);

    const audit = (await owner.client.get(api(owner, '/audit?limit=50'))).json().entries as { action: string; details: Record<string, unknown> }[];
    const actions = audit.map((e) => e.action);
    expect(actions.filter((a) => a === 'privacy.minor_report_received')).toHaveLength(2);
    expect(actions).toContain('privacy.minor_reported');
    expect(actions).toContain('privacy.minor_report_dismissed');
    expect(audit.find((e) => e.action === 'privacy.minor_reported')!.details).toMatchObject({ found: true, emailSha256: suppressionHash(child) });
    expect(JSON.stringify(audit)).not.toContain(child);
    expect(JSON.stringify(audit)).not.toContain('nobody.here@example.test');
  });

  it('PRIV-10 bad input: no email or phone, a malformed address or a too-long note is a 400 naming it; an unknown workspace is a 404; the form is rate limited per address', async () => {
    const none = await report(owner.workspaceId, { details: 'a child' });
    expect(none.statusCode).toBe(400);
    expect(JSON.stringify(none.json().error.details)).toContain("child's email address or phone number");
    expect((await report(owner.workspaceId, { email: 'not-an-email' })).statusCode).toBe(400);
    expect((await report(owner.workspaceId, { phone: '+44 7700 900123', details: 'x'.repeat(2001) })).statusCode).toBe(400);
    expect((await report(owner.workspaceId, { phone: '+44 7700 900123', extra: 1 })).statusCode).toBe(400);
    expect((await report('00000000-0000-4000-8000-000000000000', { phone: '+44 7700 900123' })).statusCode).toBe(404);
    expect((await report('nope', { phone: '+44 7700 900123' })).statusCode).toBe(400);

    const visitor = new TestClient(server.app);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await report(other.workspaceId, { phone: `+44 7700 90012${i}` }, visitor)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
