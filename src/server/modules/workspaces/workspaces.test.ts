import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestClient, addMember, ownerWithWorkspace, signUpUser, uniqueEmail } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { codeFrom } from '../../../../test/helpers/smtp-sink';
import { invitations } from './workspaces.schema';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

const inviteToken = (text: string) => /\/invite\/([^\s"<>]+)/.exec(text)![1]!;

describe('workspaces and business profile', () => {
  it('WS-1 a user creates several workspaces with a business profile and territory, and switches between them', async () => {
    const user = await signUpUser(server);
    const first = await user.client.post('/api/workspaces', {
      name: 'Chai Point',
      country: 'IN',
      state: 'Karnataka',
      taxId: '29ABCDE1234F1Z5',
      category: 'Cafe',
      addressLine1: '12 MG Road',
      city: 'Bengaluru',
      postalCode: '560001',
      timeZone: 'Asia/Kolkata',
      currency: 'INR',
      mailingAddress: '12 MG Road, Bengaluru 560001',
      territory: { zipCodes: ['560001', '560002'], cities: ['Bengaluru'], states: ['Karnataka'] },
    });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ name: 'Chai Point', taxId: '29ABCDE1234F1Z5', role: 'owner', territory: { zipCodes: ['560001', '560002'] } });
    const second = await user.client.post('/api/workspaces', { name: 'Second Shop' });
    expect(second.json()).toMatchObject({ timeZone: 'UTC', currency: 'USD' });
    const list = (await user.client.get('/api/workspaces')).json().workspaces;
    expect(list.map((w: { name: string }) => w.name)).toEqual(['Chai Point', 'Second Shop']);
    expect((await user.client.get(`/api/workspaces/${second.json().id}`)).json().name).toBe('Second Shop');
  });

  it('WS-1 profile input is validated field by field: GSTIN shape, codes, time zone, unknown fields', async () => {
    const user = await signUpUser(server);
    const bad = await user.client.post('/api/workspaces', { name: 'X', country: 'IN', taxId: 'NOT-A-GSTIN', currency: 'rupees', timeZone: 'Mars/Base' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields).sort()).toEqual(['currency', 'taxId', 'timeZone']);
    const gst = await user.client.post('/api/workspaces', { name: 'X', country: 'IN', taxId: 'NOT-A-GSTIN' });
    expect(gst.json().error.details.fields).toHaveProperty('taxId');
    const unknown = await user.client.post('/api/workspaces', { name: 'X', owner: 'me' });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().error.details.fields)).toContain('owner');
    expect((await user.client.get('/api/workspaces')).json().workspaces).toEqual([]);
  });

  it('WS-1 WS-4 owners and admins update the profile; the change is audited with the fields that changed', async () => {
    const owner = await ownerWithWorkspace(server);
    const admin = await addMember(server, owner, 'admin');
    const staff = await addMember(server, owner, 'staff');
    const res = await admin.client.patch(`/api/workspaces/${owner.workspaceId}`, { city: 'Dallas', territory: { zipCodes: ['75201'], cities: [], states: ['TX'] } });
    expect(res.statusCode).toBe(200);
    expect(res.json().city).toBe('Dallas');
    expect((await staff.client.patch(`/api/workspaces/${owner.workspaceId}`, { city: 'Waco' })).statusCode).toBe(403);
    const audit = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?action=workspace.settings_updated`)).json().entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorLabel: admin.email, details: { fields: ['city', 'territory'] } });
  });
});

describe('team and invitations', () => {
  it('WS-2 an invited newcomer gets an email, signs in with an emailed code and joins with the invited role', async () => {
    const owner = await ownerWithWorkspace(server, 'Invite Co');
    const email = uniqueEmail('newbie');
    const inv = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, { email, role: 'staff' });
    expect(inv.statusCode).toBe(201);
    expect(inv.json()).toMatchObject({ email, role: 'staff', status: 'pending', invitedByName: 'Olive Owner' });
    const mail = await server.smtp.waitForMail(email, (m) => m.subject.includes('invited you to Invite Co'));
    const token = inviteToken(mail.text);

    const guest = new TestClient(server.app);
    const preview = await guest.get(`/api/invitations/${token}`);
    expect(preview.json()).toMatchObject({ workspaceName: 'Invite Co', inviterName: 'Olive Owner', role: 'staff', accountExists: false });
    const noAge = await guest.post(`/api/invitations/${token}/code`, { name: 'Nina' });
    expect(noAge.statusCode).toBe(400);
    expect(noAge.json().error.details.fields).toHaveProperty('ageConfirmed');
    expect((await guest.post(`/api/invitations/${token}/code`, { name: 'Nina', ageConfirmed: true })).statusCode).toBe(202);
    const codeMail = await server.smtp.waitForMail(email, (m) => m.subject.includes('sign-in code'));
    expect((await guest.post('/api/auth/code/verify', { email, code: codeFrom(codeMail) })).statusCode).toBe(200);
    const accepted = await guest.post(`/api/invitations/${token}/accept`);
    expect(accepted.json()).toEqual({ workspaceId: owner.workspaceId });
    const members = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/members`)).json().members;
    expect(members.find((m: { email: string }) => m.email === email)).toMatchObject({ name: 'Nina', role: 'staff' });
    // Used links say so.
    expect((await guest.post(`/api/invitations/${token}/accept`)).json().error.code).toBe('invitation_used');
    expect((await owner.client.get(`/api/workspaces/${owner.workspaceId}/invitations`)).json().invitations[0].status).toBe('accepted');
  });

  it('WS-2 expired, withdrawn and mismatched invitations are refused with a code that says which', async () => {
    const owner = await ownerWithWorkspace(server);
    const other = await signUpUser(server);
    const email = uniqueEmail('late');
    const inv = (await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, { email, role: 'staff' })).json();
    const token = inviteToken((await server.smtp.waitForMail(email)).text);
    const wrongUser = await other.client.post(`/api/invitations/${token}/accept`);
    expect(wrongUser.statusCode).toBe(403);
    expect(wrongUser.json().error.code).toBe('invitation_email_mismatch');
    await server.services.database.system.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, inv.id));
    expect((await new TestClient(server.app).get(`/api/invitations/${token}`)).json().error.code).toBe('invitation_expired');

    const email2 = uniqueEmail('withdrawn');
    const inv2 = (await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, { email: email2, role: 'admin' })).json();
    const token2 = inviteToken((await server.smtp.waitForMail(email2)).text);
    expect((await owner.client.delete(`/api/workspaces/${owner.workspaceId}/invitations/${inv2.id}`)).statusCode).toBe(204);
    expect((await new TestClient(server.app).get(`/api/invitations/${token2}`)).json().error.code).toBe('invitation_revoked');
    expect((await new TestClient(server.app).get(`/api/invitations/${'z'.repeat(43)}`)).json().error.code).toBe('invitation_invalid');
  });

  it('WS-2 roles change; the last owner cannot be demoted or removed; only owners touch owners', async () => {
    const owner = await ownerWithWorkspace(server);
    const admin = await addMember(server, owner, 'admin');
    const staff = await addMember(server, owner, 'staff');
    const base = `/api/workspaces/${owner.workspaceId}/members`;

    const demoteSelf = await owner.client.patch(`${base}/${owner.userId}`, { role: 'admin' });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().error.code).toBe('last_owner');
    expect((await owner.client.delete(`${base}/${owner.userId}`)).json().error.code).toBe('last_owner');
    expect((await admin.client.delete(`${base}/${owner.userId}`)).statusCode).toBe(403);
    expect((await admin.client.patch(`${base}/${staff.userId}`, { role: 'owner' })).statusCode).toBe(403);
    expect((await admin.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, { email: uniqueEmail(), role: 'owner' })).statusCode).toBe(403);
    expect((await staff.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, { email: uniqueEmail(), role: 'staff' })).statusCode).toBe(403);

    expect((await admin.client.patch(`${base}/${staff.userId}`, { role: 'client' })).statusCode).toBe(204);
    // With a second owner, the first may step down.
    expect((await owner.client.patch(`${base}/${admin.userId}`, { role: 'owner' })).statusCode).toBe(204);
    expect((await owner.client.patch(`${base}/${owner.userId}`, { role: 'admin' })).statusCode).toBe(204);
    expect((await admin.client.delete(`${base}/${staff.userId}`)).statusCode).toBe(204);
    const members = (await admin.client.get(base)).json().members.map((m: { userId: string; role: string }) => [m.userId, m.role]);
    expect(members).toEqual(expect.arrayContaining([[admin.userId, 'owner'], [owner.userId, 'admin']]));
    expect(members).toHaveLength(2);
    // The removed member no longer sees the workspace.
    expect((await staff.client.get(`/api/workspaces/${owner.workspaceId}`)).statusCode).toBe(404);
  });

  it('WS-2 concurrent demotions of the last two owners leave one owner', async () => {
    const owner = await ownerWithWorkspace(server);
    const second = await addMember(server, owner, 'owner');
    const base = `/api/workspaces/${owner.workspaceId}/members`;
    const results = await Promise.all([owner.client.patch(`${base}/${owner.userId}`, { role: 'staff' }), second.client.patch(`${base}/${second.userId}`, { role: 'staff' })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([204, 409]);
    const owners = (await owner.client.get(base)).json().members ?? (await second.client.get(base)).json().members;
    expect(owners.filter((m: { role: string }) => m.role === 'owner')).toHaveLength(1);
  });
});

describe('audit log', () => {
  it('WS-4 sign-ins, failures, membership and settings changes are logged with actor, IP and time, for owners and admins only', async () => {
    const owner = await ownerWithWorkspace(server, 'Audit Co');
    const staff = await addMember(server, owner, 'staff');
    const client = new TestClient(server.app);
    expect((await client.post('/api/auth/sign-in', { email: staff.email, password: 'wrong password!' })).statusCode).toBe(400);
    expect((await client.post('/api/auth/sign-in', { email: staff.email, password: staff.password })).statusCode).toBe(200);
    await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { category: 'Trades' });

    const res = await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?limit=100`);
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as { action: string; actorLabel: string; ip: string; createdAt: string; details: Record<string, unknown> }[];
    const actions = entries.map((e) => `${e.action}:${e.actorLabel}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `workspace.created:${owner.email}`,
        `invitation.created:${owner.email}`,
        `member.joined:${staff.email}`,
        `auth.sign_in_failed:${staff.email}`,
        `auth.sign_in:${staff.email}`,
        `workspace.settings_updated:${owner.email}`,
      ]),
    );
    const signIn = entries.find((e) => e.action === 'auth.sign_in' && e.actorLabel === staff.email && e.ip === client.ip)!;
    expect(signIn.details).toMatchObject({ method: 'password' });
    expect(new Date(signIn.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Newest first, paged.
    const page = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?limit=2`)).json();
    expect(page.entries).toHaveLength(2);
    const next = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?limit=2&before=${page.nextBefore}`)).json();
    expect(next.entries[0].id < page.entries[1].id).toBe(true);
    expect((await staff.client.get(`/api/workspaces/${owner.workspaceId}/audit`)).statusCode).toBe(403);
  });
});
