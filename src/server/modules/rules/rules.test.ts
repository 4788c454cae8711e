import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { withTenant } from '../../platform/db/tenant';
import { loadTerritoryMatcher } from './territories';
import { rescoreContacts } from './scoring';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;

describe('who sees which records', () => {
  it('WS-2 owners, admins and staff see every record; with "staff see only records they own" staff see and change only theirs (others are 404)', async () => {
    const owner = await ownerWithWorkspace(server);
    const admin = await addMember(server, owner, 'admin');
    const staff = await addMember(server, owner, 'staff');
    const mine = (await staff.client.post(api(owner, '/contacts'), { firstName: 'Mine' })).json();
    const theirs = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Theirs' })).json();
    const theirCompany = (await owner.client.post(api(owner, '/companies'), { name: 'Their Co' })).json();
    const theirDeal = (await owner.client.post(api(owner, '/deals'), { name: 'Their deal' })).json();
    const names = async (who: typeof staff | Owner) => (await who.client.get(api(owner, '/contacts'))).json().items.map((c: { firstName: string }) => c.firstName).sort();

    expect(await names(staff)).toEqual(['Mine', 'Theirs']);
    expect((await owner.client.get(api(owner, '/crm-settings'))).json()).toEqual({ staffOwnRecordsOnly: false });
    // Only managers change the setting.
    expect((await staff.client.request('PUT', api(owner, '/crm-settings'), { staffOwnRecordsOnly: true })).statusCode).toBe(403);
    expect((await owner.client.request('PUT', api(owner, '/crm-settings'), { staffOwnRecordsOnly: 'yes' })).statusCode).toBe(400);
    const on = await owner.client.request('PUT', api(owner, '/crm-settings'), { staffOwnRecordsOnly: true });
    expect(on.json()).toEqual({ staffOwnRecordsOnly: true });

    expect(await names(staff)).toEqual(['Mine']);
    expect(await names(admin)).toEqual(['Mine', 'Theirs']);
    expect(await names(owner)).toEqual(['Mine', 'Theirs']);
    expect((await staff.client.get(api(owner, `/contacts/${mine.id}`))).statusCode).toBe(200);
    expect((await staff.client.get(api(owner, `/contacts/${theirs.id}`))).statusCode).toBe(404);
    expect((await staff.client.patch(api(owner, `/contacts/${theirs.id}`), { version: 1, firstName: 'Changed' })).statusCode).toBe(404);
    expect((await staff.client.post(api(owner, `/contacts/${theirs.id}/tags`), { tagId: '01900000-0000-7000-8000-000000000000' })).statusCode).toBe(404);
    expect((await staff.client.get(api(owner, `/contacts/${theirs.id}/score`))).statusCode).toBe(404);
    expect((await staff.client.get(api(owner, '/companies'))).json().items).toEqual([]);
    expect((await staff.client.get(api(owner, `/companies/${theirCompany.id}`))).statusCode).toBe(404);
    expect((await staff.client.get(api(owner, '/deals'))).json().items).toEqual([]);
    expect((await staff.client.get(api(owner, `/deals/${theirDeal.id}`))).statusCode).toBe(404);
    expect((await staff.client.post(api(owner, `/deals/${theirDeal.id}/move`), { stageId: theirDeal.stageId, version: 1 })).statusCode).toBe(404);
    expect((await admin.client.get(api(owner, `/contacts/${theirs.id}`))).statusCode).toBe(200);

    // Handing the record to the staff member makes it theirs to see.
    expect((await owner.client.patch(api(owner, `/contacts/${theirs.id}`), { version: 1, ownerUserId: staff.userId })).statusCode).toBe(200);
    expect(await names(staff)).toEqual(['Mine', 'Theirs']);

    const audit = (await owner.client.get(api(owner, '/audit?action=crm_settings.updated'))).json().entries;
    expect(audit).toMatchObject([{ actorUserId: owner.userId, details: { staffOwnRecordsOnly: true } }]);
    await owner.client.request('PUT', api(owner, '/crm-settings'), { staffOwnRecordsOnly: false });
    expect((await staff.client.get(api(owner, `/deals/${theirDeal.id}`))).statusCode).toBe(200);
  });

  it('WS-2 a client sees only the records shared with them, read-only; anything else is 404', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const client = await addMember(server, owner, 'client');
    const shared = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Shared', emails: ['s@example.test'] })).json();
    const hidden = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Hidden' })).json();
    const deal = (await owner.client.post(api(owner, '/deals'), { name: 'Shared deal', contactId: shared.id })).json();
    const company = (await owner.client.post(api(owner, '/companies'), { name: 'Hidden Co' })).json();

    expect((await client.client.get(api(owner, '/contacts'))).json().items).toEqual([]);
    // Sharing is for managers, and only with client members.
    expect((await staff.client.post(api(owner, `/contacts/${shared.id}/shares`), { userId: client.userId })).statusCode).toBe(403);
    const wrong = await owner.client.post(api(owner, `/contacts/${shared.id}/shares`), { userId: staff.userId });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.fields.userId).toBeDefined();
    const share = await owner.client.post(api(owner, `/contacts/${shared.id}/shares`), { userId: client.userId });
    expect(share.statusCode).toBe(200);
    expect(share.json().shares).toMatchObject([{ userId: client.userId, email: client.email }]);
    expect((await owner.client.post(api(owner, `/deals/${deal.id}/shares`), { userId: client.userId })).statusCode).toBe(200);

    const list = (await client.client.get(api(owner, '/contacts'))).json().items;
    expect(list.map((c: { id: string }) => c.id)).toEqual([shared.id]);
    expect((await client.client.get(api(owner, `/contacts/${shared.id}`))).json()).toMatchObject({ id: shared.id, firstName: 'Shared' });
    expect((await client.client.get(api(owner, `/contacts/${shared.id}/score`))).statusCode).toBe(200);
    expect((await client.client.get(api(owner, `/contacts/${hidden.id}`))).statusCode).toBe(404);
    expect((await client.client.get(api(owner, `/contacts/${hidden.id}/score`))).statusCode).toBe(404);
    expect((await client.client.get(api(owner, '/deals'))).json().items.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    expect((await client.client.get(api(owner, `/companies/${company.id}`))).statusCode).toBe(404);
    expect((await client.client.get(api(owner, '/companies'))).json().items).toEqual([]);
    // Read-only: every write is refused.
    expect((await client.client.patch(api(owner, `/contacts/${shared.id}`), { version: 1, firstName: 'Changed' })).statusCode).toBe(403);
    expect((await client.client.delete(api(owner, `/contacts/${shared.id}`))).statusCode).toBe(403);
    expect((await client.client.post(api(owner, '/contacts'), { firstName: 'New' })).statusCode).toBe(403);
    expect((await client.client.post(api(owner, `/deals/${deal.id}/move`), { stageId: deal.stageId, version: 1 })).statusCode).toBe(403);
    expect((await owner.client.get(api(owner, `/contacts/${shared.id}`))).json()).toMatchObject({ firstName: 'Shared', version: 1 });

    // Unsharing hides it again; both are audited.
    expect((await owner.client.delete(api(owner, `/contacts/${shared.id}/shares/${client.userId}`))).statusCode).toBe(204);
    expect((await client.client.get(api(owner, `/contacts/${shared.id}`))).statusCode).toBe(404);
    expect((await owner.client.get(api(owner, `/contacts/${shared.id}/shares`))).json().shares).toEqual([]);
    const audit = (await owner.client.get(api(owner, '/audit?limit=50'))).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['record.shared', 'record.unshared']));

    // A deleted record's shares go with it.
    expect((await owner.client.delete(api(owner, `/deals/${deal.id}`))).statusCode).toBe(204);
    const left = await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) => tx.execute(sql`SELECT count(*)::int AS n FROM record_shares`));
    expect(left.rows[0]).toEqual({ n: 0 });
  });

  it('WS-3 a record of another workspace cannot be shared or looked at through shares', async () => {
    const a = await ownerWithWorkspace(server);
    const b = await ownerWithWorkspace(server);
    const bClient = await addMember(server, b, 'client');
    const aContact = (await a.client.post(api(a, '/contacts'), { firstName: 'A' })).json();
    expect((await b.client.post(api(b, `/contacts/${aContact.id}/shares`), { userId: bClient.userId })).statusCode).toBe(404);
    expect((await a.client.post(api(a, `/contacts/${aContact.id}/shares`), { userId: bClient.userId })).statusCode).toBe(400);
  });
});

describe('territories', () => {
  it('CRM-10 a new contact or company without an owner gets the owner of the first matching territory rule (zip prefix, city, state); order decides', async () => {
    const owner = await ownerWithWorkspace(server);
    const west = await addMember(server, owner, 'staff');
    const austin = await addMember(server, owner, 'staff');
    const texas = await addMember(server, owner, 'staff');
    const client = await addMember(server, owner, 'client');
    const rule = (body: object) => owner.client.post(api(owner, '/territory-rules'), body);

    expect((await rule({ name: 'Bay Area', matchKind: 'postal_prefix', matchValues: ['94', '950'], ownerUserId: client.userId })).statusCode).toBe(400);
    expect((await rule({ name: 'Bay Area', matchKind: 'postal_prefix', matchValues: [], ownerUserId: west.userId })).statusCode).toBe(400);
    expect((await west.client.post(api(owner, '/territory-rules'), { name: 'x', matchKind: 'city', matchValues: ['x'], ownerUserId: west.userId })).statusCode).toBe(403);
    const bay = (await rule({ name: 'Bay Area', matchKind: 'postal_prefix', matchValues: ['94', '950'], ownerUserId: west.userId })).json();
    const city = (await rule({ name: 'Austin', matchKind: 'city', matchValues: ['Austin'], ownerUserId: austin.userId })).json();
    const state = (await rule({ name: 'Texas', matchKind: 'state', matchValues: ['TX', 'Texas'], ownerUserId: texas.userId })).json();
    expect([bay.position, city.position, state.position]).toEqual([0, 1, 2]);

    const contact = async (body: object) => (await owner.client.post(api(owner, '/contacts'), body)).json();
    expect((await contact({ firstName: 'Zip', postalCode: '94107', city: 'San Francisco', state: 'CA' })).ownerUserId).toBe(west.userId);
    expect((await contact({ firstName: 'Zip2', postalCode: '95014' })).ownerUserId).toBe(west.userId);
    // The city rule comes before the state rule: first match wins.
    expect((await contact({ firstName: 'City', city: ' austin ', state: 'TX' })).ownerUserId).toBe(austin.userId);
    expect((await contact({ firstName: 'State', city: 'Dallas', state: 'tx' })).ownerUserId).toBe(texas.userId);
    expect((await contact({ firstName: 'None', city: 'Boston', state: 'MA' })).ownerUserId).toBe(owner.userId);
    expect((await contact({ firstName: 'Named', city: 'Austin', ownerUserId: texas.userId })).ownerUserId).toBe(texas.userId);
    expect((await (await owner.client.post(api(owner, '/companies'), { name: 'Austin Co', city: 'Austin' })).json()).ownerUserId).toBe(austin.userId);

    // Reordered: Texas first, so an Austin, TX contact now goes to the Texas owner.
    const reordered = await owner.client.request('PUT', api(owner, '/territory-rules/order'), { ruleIds: [state.id, bay.id, city.id] });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().rules.map((r: { id: string }) => r.id)).toEqual([state.id, bay.id, city.id]);
    expect((await owner.client.request('PUT', api(owner, '/territory-rules/order'), { ruleIds: [state.id] })).statusCode).toBe(400);
    expect((await contact({ firstName: 'City2', city: 'Austin', state: 'TX' })).ownerUserId).toBe(texas.userId);

    // A rule whose owner left the workspace is skipped; the next match decides.
    expect((await owner.client.delete(`/api/workspaces/${owner.workspaceId}/members/${texas.userId}`)).statusCode).toBe(204);
    expect((await contact({ firstName: 'City3', city: 'Austin', state: 'TX' })).ownerUserId).toBe(austin.userId);

    // Imports use the same matcher, synchronously per row.
    const match = await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) => loadTerritoryMatcher(tx, owner.workspaceId));
    expect(match({ postalCode: '94 105' })).toBe(west.userId);
    expect(match({ city: 'AUSTIN' })).toBe(austin.userId);
    expect(match({ city: 'Paris', country: 'FR' })).toBeNull();

    const patched = await owner.client.patch(api(owner, `/territory-rules/${city.id}`), { matchValues: ['Round Rock'] });
    expect(patched.json()).toMatchObject({ matchValues: ['Round Rock'] });
    expect((await owner.client.delete(api(owner, `/territory-rules/${bay.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, '/territory-rules'))).json().rules.map((r: { position: number }) => r.position)).toEqual([0, 1]);
    const actions = (await owner.client.get(api(owner, '/audit?limit=100'))).json().entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['territory_rule.created', 'territory_rule.reordered', 'territory_rule.updated', 'territory_rule.deleted']));
  });
});

describe('lead scoring', () => {
  it('CRM-10 a contact is scored by the rules it meets, each rule explained with its points, and rescored when it changes', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const vip = (await owner.client.post(api(owner, '/tags'), { name: 'VIP' })).json();
    await owner.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'budget', label: 'Budget', type: 'number' });
    const rule = (label: string, condition: object, points: number) => owner.client.post(api(owner, '/scoring-rules'), { label, condition, points });

    expect((await staff.client.post(api(owner, '/scoring-rules'), { label: 'x', condition: { kind: 'has_email' }, points: 1 })).statusCode).toBe(403);
    const bad = await rule('No value', { kind: 'field', field: 'title', operator: 'contains' }, 5);
    expect(bad.statusCode).toBe(400);
    expect((await rule('Unknown tag', { kind: 'tag', tagId: '01900000-0000-7000-8000-000000000000' }, 5)).json().error.details.fields['condition.tagId']).toBeDefined();
    expect((await rule('Unknown field', { kind: 'custom', key: 'nope', operator: 'is_set' }, 5)).statusCode).toBe(400);
    expect((await rule('Too many', { kind: 'has_email' }, 5000)).statusCode).toBe(400);

    const email = (await rule('Has an email', { kind: 'has_email' }, 10)).json();
    const prospect = (await rule('Prospect', { kind: 'lifecycle', values: ['prospect'] }, 20)).json();
    const tagged = (await rule('VIP', { kind: 'tag', tagId: vip.id }, 30)).json();
    const budget = (await rule('Big budget', { kind: 'custom', key: 'budget', operator: 'greater_than', value: '1000' }, 15)).json();
    const ceo = (await rule('Decision maker', { kind: 'field', field: 'title', operator: 'contains', value: 'ceo' }, 25)).json();
    const referral = (await rule('Referral', { kind: 'source', values: ['Referral'] }, 5)).json();
    const noPhone = (await rule('Has a phone', { kind: 'has_phone' }, -5)).json();

    const created = await owner.client.post(api(owner, '/contacts'), { firstName: 'Sam', emails: ['sam@example.test'], title: 'CEO', source: 'referral', custom: { budget: 5000 } });
    const contact = created.json();
    expect(contact.score).toBe(10 + 15 + 25 + 5);
    const explanation = (await owner.client.get(api(owner, `/contacts/${contact.id}/score`))).json();
    expect(explanation.score).toBe(55);
    expect(explanation.rules).toEqual([
      { ruleId: email.id, label: 'Has an email', points: 10, matched: true },
      { ruleId: prospect.id, label: 'Prospect', points: 20, matched: false },
      { ruleId: tagged.id, label: 'VIP', points: 30, matched: false },
      { ruleId: budget.id, label: 'Big budget', points: 15, matched: true },
      { ruleId: ceo.id, label: 'Decision maker', points: 25, matched: true },
      { ruleId: referral.id, label: 'Referral', points: 5, matched: true },
      { ruleId: noPhone.id, label: 'Has a phone', points: -5, matched: false },
    ]);

    // Recomputed on update and on tagging.
    const updated = (await owner.client.patch(api(owner, `/contacts/${contact.id}`), { version: 1, lifecycle: 'prospect', phones: ['+15124634630'], custom: { budget: 10 } })).json();
    expect(updated.score).toBe(10 + 20 + 25 + 5 - 5);
    await owner.client.post(api(owner, `/contacts/${contact.id}/tags`), { tagId: vip.id });
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json().score).toBe(85);

    // Changing or removing a rule rescores everyone.
    expect((await owner.client.patch(api(owner, `/scoring-rules/${tagged.id}`), { points: 50 })).statusCode).toBe(200);
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json().score).toBe(105);
    expect((await owner.client.patch(api(owner, `/scoring-rules/${ceo.id}`), { enabled: false })).json().enabled).toBe(false);
    expect((await owner.client.delete(api(owner, `/scoring-rules/${noPhone.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json().score).toBe(10 + 20 + 50 + 5);
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}/score`))).json().rules.map((r: { label: string }) => r.label)).not.toContain('Decision maker');

    // The editor's preview: what this contact would score with a rule not yet saved.
    const preview = await owner.client.post(api(owner, '/scoring-rules/preview'), { contactId: contact.id, condition: { kind: 'field', field: 'firstName', operator: 'equals', value: 'SAM' }, points: 7 });
    expect(preview.json()).toEqual({ matched: true, points: 7, currentScore: 85, newScore: 92 });
    const actions = (await owner.client.get(api(owner, '/audit?limit=100'))).json().entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['scoring_rule.created', 'scoring_rule.updated', 'scoring_rule.deleted']));
  });

  it('CRM-10 rescoreContacts scores many contacts at once, as after an import', async () => {
    const owner = await ownerWithWorkspace(server);
    await owner.client.post(api(owner, '/scoring-rules'), { label: 'Lead from ads', condition: { kind: 'source', values: ['ads'] }, points: 3 });
    await owner.client.post(api(owner, '/scoring-rules'), { label: 'Austin', condition: { kind: 'field', field: 'city', operator: 'equals', value: 'Austin' }, points: 4 });
    const other = await ownerWithWorkspace(server);
    const db = server.services.database.db;
    // Rows written straight to the table (as a bulk import does) start unscored.
    await withTenant(db, { workspaceId: owner.workspaceId, userId: null }, (tx) =>
      tx.execute(sql`INSERT INTO contacts (workspace_id, id, first_name, source, city) SELECT ${owner.workspaceId}, gen_random_uuid(), 'P' || g, CASE WHEN g % 2 = 0 THEN 'ads' END, CASE WHEN g % 3 = 0 THEN 'Austin' END FROM generate_series(1, 3000) g`),
    );
    await withTenant(db, { workspaceId: owner.workspaceId, userId: null }, (tx) => rescoreContacts(tx, owner.workspaceId));
    const counts = await withTenant(db, { workspaceId: owner.workspaceId, userId: null }, (tx) => tx.execute(sql`SELECT score, count(*)::int AS n FROM contacts GROUP BY score ORDER BY score`));
    expect(counts.rows).toEqual([
      { score: 0, n: 1000 },
      { score: 3, n: 1000 },
      { score: 4, n: 500 },
      { score: 7, n: 500 },
    ]);
    const ids = await withTenant(db, { workspaceId: owner.workspaceId, userId: null }, async (tx) => {
      await tx.execute(sql`UPDATE contacts SET source = 'ads' WHERE first_name IN ('P1', 'P3')`);
      await rescoreContacts(tx, owner.workspaceId, []);
      const rows = await tx.execute(sql`SELECT id FROM contacts WHERE first_name IN ('P1', 'P3')`);
      return (rows.rows as { id: string }[]).map((r) => r.id);
    });
    await withTenant(db, { workspaceId: owner.workspaceId, userId: null }, (tx) => rescoreContacts(tx, owner.workspaceId, ids));
    const two = await withTenant(db, { workspaceId: owner.workspaceId, userId: null }, (tx) => tx.execute(sql`SELECT first_name, score FROM contacts WHERE first_name IN ('P1', 'P3') ORDER BY first_name`));
    expect(two.rows).toEqual([
      { first_name: 'P1', score: 3 },
      { first_name: 'P3', score: 7 },
    ]);
    // Another workspace's scores are not touched.
    expect((await other.client.get(api(other, '/contacts'))).json().items).toEqual([]);
  });
});
