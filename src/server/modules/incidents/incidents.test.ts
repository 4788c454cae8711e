import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let other: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let admin: Awaited<ReturnType<typeof addMember>>;
let staff: Awaited<ReturnType<typeof addMember>>;
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
let contactId: string;
let foreignContactId: string;
const contactEmail = `breach-contact-${Date.now().toString(36)}@example.com`;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Leaky Lamps');
  admin = await addMember(server, owner, 'admin');
  staff = await addMember(server, owner, 'staff');
  other = await ownerWithWorkspace(server, 'Other Co');
  contactId = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Cara', lastName: 'Customer', emails: [contactEmail] })).json().id;
  foreignContactId = (await other.client.post(api(other, '/contacts'), { firstName: 'Not', lastName: 'Yours', emails: ['notyours@example.com'] })).json().id;
}, 120_000);

const incident = (overrides: Record<string, unknown> = {}) => ({
  title: 'Laptop stolen',
  discoveredAt: new Date(Date.now() - 5 * 3_600_000).toISOString(),
  nature: 'A laptop with an unencrypted export of customer contacts was stolen from a car.',
  consequences: 'Phishing emails that look like they come from us.',
  measures: 'We reset every password and asked the police to trace the laptop.',
  guidance: 'Be careful with emails asking for payment details.',
  contactPoint: 'Priya Shah, privacy@leakylamps.example, +1 555 0100',
  categories: ['contacts', 'users'],
  scopeKind: 'selected',
  contactIds: [contactId],
  userIds: [admin.userId],
  ...overrides,
});

describe('breach incidents', () => {
  it('PRIV-6 only owners and admins see and record incidents', async () => {
    expect((await staff.client.get(api(owner, '/incidents'))).statusCode).toBe(403);
    expect((await staff.client.post(api(owner, '/incidents'), incident())).statusCode).toBe(403);
    expect((await admin.client.get(api(owner, '/incidents'))).statusCode).toBe(200);
    expect((await other.client.get(api(owner, '/incidents'))).statusCode).toBe(404);
  });

  it('PRIV-6 data categories come from the data registry, with its descriptions', async () => {
    const res = await owner.client.get(api(owner, '/incidents/categories'));
    expect(res.statusCode).toBe(200);
    const contacts = res.json().categories.find((c: { key: string }) => c.key === 'contacts');
    expect(contacts.description.length).toBeGreaterThan(10);
    expect(res.json().categories.every((c: { description: string }) => !/\([A-Z]+-\d+/.test(c.description))).toBe(true);
    expect(res.json().categories.some((c: { key: string }) => c.key === 'breach_incidents')).toBe(true);
  });

  it('PRIV-6 bad input is refused with a message: unknown category, another workspace’s contact, a discovery in the future', async () => {
    const bad = async (body: Record<string, unknown>) => (await owner.client.post(api(owner, '/incidents'), incident(body))).json().error.code;
    expect(await bad({ categories: ['no_such_table'] })).toBe('unknown_category');
    expect(await bad({ contactIds: [foreignContactId] })).toBe('unknown_contact');
    expect(await bad({ userIds: [other.userId] })).toBe('unknown_user');
    expect(await bad({ discoveredAt: new Date(Date.now() + 86_400_000).toISOString() })).toBe('discovered_in_future');
    expect((await owner.client.post(api(owner, '/incidents'), incident({ nature: '' }))).statusCode).toBe(400);
    expect((await owner.client.post(api(owner, '/incidents'), incident({ title: 'x'.repeat(201) }))).statusCode).toBe(400);
  });

  it('PRIV-6 record, scope, preview the notice the law asks for, send it once through the outbox, with the 72-hour deadline and an audit trail', async () => {
    const created = await owner.client.post(api(owner, '/incidents'), incident());
    expect(created.statusCode, created.body).toBe(201);
    const rec = created.json();
    expect(new Date(rec.deadlineAt).getTime() - new Date(rec.discoveredAt).getTime()).toBe(72 * 3_600_000);
    expect(rec.notifiedAt).toBeNull();

    const preview = (await owner.client.get(api(owner, `/incidents/${rec.id}/notice`))).json();
    expect(preview).toMatchObject({ recipients: 2, affectedUsers: 1, affectedContacts: 1 });
    expect(preview.subject).toContain('Leaky Lamps');
    for (const part of ['unencrypted export of customer contacts', 'People affected: 2.', 'Phishing emails', 'reset every password', 'Be careful with emails', 'privacy@leakylamps.example']) expect(preview.text).toContain(part);
    // Categories are named by what the registry says they hold, not by table names.
    expect(preview.text).not.toMatch(/Which data: .*\bcontacts, users\b/);

    // All users of the workspace: owner, admin and staff, plus the contact.
    const all = await owner.client.patch(api(owner, `/incidents/${rec.id}`), { scopeKind: 'all_users' });
    expect(all.statusCode).toBe(200);
    expect((await owner.client.get(api(owner, `/incidents/${rec.id}/notice`))).json()).toMatchObject({ recipients: 4, affectedUsers: 3 });

    const sent = await admin.client.post(api(owner, `/incidents/${rec.id}/notice`));
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ notifiedCount: 4 });
    for (const to of [contactEmail, staff.email, owner.email, admin.email]) {
      const mail = await server.smtp.waitForMail(to, (m) => m.subject.includes('personal data breach'));
      expect(mail.text).toContain('Priya Shah');
    }
    const again = await owner.client.post(api(owner, `/incidents/${rec.id}/notice`));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('already_notified');

    const listed = (await owner.client.get(api(owner, '/incidents'))).json();
    expect(listed.incidents.find((i: { id: string }) => i.id === rec.id).notifiedAt).not.toBeNull();
    const audit = (await owner.client.get(api(owner, '/audit?action=incident.notified'))).json().entries;
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ recipients: 4, withinDeadline: true });
    expect(audit[0].details.hoursSinceDiscovery).toBeGreaterThanOrEqual(5);
    expect((await owner.client.get(api(owner, '/audit?action=incident.recorded'))).json().entries).toHaveLength(1);
  });

  it('PRIV-6 a notice with nobody in scope is refused', async () => {
    const rec = (await owner.client.post(api(owner, '/incidents'), incident({ contactIds: [], userIds: [] }))).json();
    const res = await owner.client.post(api(owner, `/incidents/${rec.id}/notice`));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('no_recipients');
  });
});
