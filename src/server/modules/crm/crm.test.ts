import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { APP_ROLE } from '../../platform/db/migrate';
import { normaliseDomain } from './normalise';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;

describe('contacts', () => {
  it('CRM-1 a contact keeps names, emails, phones, title, company, address, time zone, owner, source, lifecycle and consent; email lower-cased, phones E.164', async () => {
    const owner = await ownerWithWorkspace(server);
    const company = (await owner.client.post(api(owner, '/companies'), { name: 'Globex' })).json();
    const res = await owner.client.post(api(owner, '/contacts'), {
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: ['  Ada@Example.COM ', 'ada@work.test', 'ADA@example.com'],
      phones: ['(512) 463-4630', '+44 20 7946 0958'],
      title: 'Analyst',
      companyId: company.id,
      addressLine1: '1 Main St',
      city: 'Austin',
      state: 'TX',
      postalCode: '78701',
      country: 'us',
      timeZone: 'America/Chicago',
      source: 'website',
      lifecycle: 'prospect',
      consentState: 'granted',
    });
    expect(res.statusCode).toBe(201);
    const contact = res.json();
    expect(contact).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      emails: ['ada@example.com', 'ada@work.test'],
      phone: '+15124634630',
      phones: ['+15124634630', '+442079460958'],
      title: 'Analyst',
      companyId: company.id,
      company: { id: company.id, name: 'Globex', domain: null },
      postalCode: '78701',
      country: 'US',
      timeZone: 'America/Chicago',
      ownerUserId: owner.userId,
      source: 'website',
      lifecycle: 'prospect',
      consentState: 'granted',
      restricted: false,
      version: 1,
      tags: [],
    });
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json()).toEqual(contact);

    // Defaults: a new lead with unknown consent.
    const lead = (await owner.client.post(api(owner, '/contacts'), { emails: ['lead@example.com'] })).json();
    expect(lead).toMatchObject({ lifecycle: 'lead', consentState: 'unknown', firstName: null });
  });

  it('CRM-1 a phone that is not a number, or an email that is not an address, is refused naming the field', async () => {
    const owner = await ownerWithWorkspace(server);
    const phone = await owner.client.post(api(owner, '/contacts'), { firstName: 'Bo', phones: ['+1 512 463 4630', '12345'] });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().error.details.fields).toEqual({ 'phones.1': expect.any(String) });
    const email = await owner.client.post(api(owner, '/contacts'), { firstName: 'Bo', emails: ['not-an-email'] });
    expect(email.statusCode).toBe(400);
    expect(Object.keys(email.json().error.details.fields)).toEqual(['emails.0']);
    const empty = await owner.client.post(api(owner, '/contacts'), {});
    expect(empty.statusCode).toBe(400);
    expect((await owner.client.get(api(owner, '/contacts'))).json().items).toEqual([]);
  });

  it('CRM-1 contacts are listed newest first a page at a time, by name or email prefix, lifecycle and owner', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const names = ['Anna Berg', 'Anton Chekov', 'Bella Swan', 'Carl Sagan', 'Dora Explorer'];
    for (const [i, n] of names.entries()) {
      const [firstName, lastName] = n.split(' ');
      const res = await owner.client.post(api(owner, '/contacts'), {
        firstName,
        lastName,
        emails: [`${firstName!.toLowerCase()}@example.com`],
        lifecycle: i % 2 ? 'customer' : 'lead',
        ...(i === 4 ? { ownerUserId: staff.userId } : {}),
      });
      expect(res.statusCode).toBe(201);
    }
    const first = (await owner.client.get(api(owner, '/contacts?limit=2'))).json();
    expect(first.items.map((c: { firstName: string }) => c.firstName)).toEqual(['Dora', 'Carl']);
    const second = (await owner.client.get(api(owner, `/contacts?limit=2&cursor=${first.nextCursor}`))).json();
    expect(second.items.map((c: { firstName: string }) => c.firstName)).toEqual(['Bella', 'Anton']);
    const last = (await owner.client.get(api(owner, `/contacts?limit=2&cursor=${second.nextCursor}`))).json();
    expect(last).toMatchObject({ items: [{ firstName: 'Anna' }], nextCursor: null });

    const names_ = async (qs: string) => (await staff.client.get(api(owner, `/contacts?${qs}`))).json().items.map((c: { firstName: string }) => c.firstName);
    expect(await names_('q=an')).toEqual(['Anton', 'Anna']);
    expect(await names_('q=anna%20b')).toEqual(['Anna']);
    expect(await names_('q=bella%40')).toEqual(['Bella']);
    expect(await names_('q=%25')).toEqual([]);
    expect(await names_('lifecycle=customer')).toEqual(['Carl', 'Anton']);
    expect(await names_(`ownerUserId=${staff.userId}`)).toEqual(['Dora']);
    const bad = await owner.client.get(api(owner, '/contacts?limit=500&lifecycle=vip'));
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields).sort()).toEqual(['lifecycle', 'limit']);
  });

  it('CRM-1 an owner must be a team member of the workspace', async () => {
    const owner = await ownerWithWorkspace(server);
    const client = await addMember(server, owner, 'client');
    const elsewhere = await ownerWithWorkspace(server, 'Elsewhere');
    for (const ownerUserId of [client.userId, elsewhere.userId]) {
      const res = await owner.client.post(api(owner, '/contacts'), { firstName: 'X', ownerUserId });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.fields).toHaveProperty('ownerUserId');
    }
  });

  it('CRM-1 concurrent edits: the later stale write gets 409 with the current record', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const contact = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Grace', lastName: 'Hopper' })).json();
    const first = await owner.client.patch(api(owner, `/contacts/${contact.id}`), { title: 'Rear Admiral', version: 1 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ title: 'Rear Admiral', version: 2 });
    const stale = await staff.client.patch(api(owner, `/contacts/${contact.id}`), { title: 'Commodore', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current: { id: contact.id, title: 'Rear Admiral', version: 2 } } });
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json().title).toBe('Rear Admiral');

    // Truly at once: exactly one of two writes based on the same version wins.
    const racing = await Promise.all(['A', 'B'].map((t, i) => (i ? staff : owner).client.patch(api(owner, `/contacts/${contact.id}`), { title: t, version: 2 })));
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const winner = racing.find((r) => r.statusCode === 200)!.json();
    expect(racing.find((r) => r.statusCode === 409)!.json().error.details.current).toMatchObject({ title: winner.title, version: 3 });
  });

  it('CRM-1 bad input: unknown fields and wrong types are refused naming each field', async () => {
    const owner = await ownerWithWorkspace(server);
    const unknown = await owner.client.post(api(owner, '/contacts'), { firstName: 'X', nickname: 'x' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.fields).toEqual({ nickname: 'Unknown field.' });
    const types = await owner.client.post(api(owner, '/contacts'), { firstName: 'X', lifecycle: 'vip', restricted: 'yes', consentState: 'maybe', timeZone: 'Mars/Base', companyId: 'acme' });
    expect(types.statusCode).toBe(400);
    expect(Object.keys(types.json().error.details.fields).sort()).toEqual(['companyId', 'consentState', 'lifecycle', 'restricted', 'timeZone']);
    const contact = (await owner.client.post(api(owner, '/contacts'), { firstName: 'X' })).json();
    const noVersion = await owner.client.patch(api(owner, `/contacts/${contact.id}`), { title: 'Y' });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json().error.details.fields).toHaveProperty('version');
    const missingCompany = await owner.client.patch(api(owner, `/contacts/${contact.id}`), { companyId: '01900000-0000-7000-8000-000000000000', version: 1 });
    expect(missingCompany.statusCode).toBe(400);
    expect(missingCompany.json().error.details.fields).toHaveProperty('companyId');
    expect((await owner.client.get(api(owner, '/contacts/01900000-0000-7000-8000-000000000000'))).statusCode).toBe(404);
  });

  it('CRM-1 PRIV-5 a contact can be marked restricted; clients are refused and staff may not delete; deletes are audited', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const client = await addMember(server, owner, 'client');
    const contact = (await staff.client.post(api(owner, '/contacts'), { firstName: 'Private', restricted: true })).json();
    expect(contact).toMatchObject({ restricted: true, ownerUserId: staff.userId });
    // Clients see only records shared with them (WS-2 roles): this one is not, so it does not exist for them.
    expect((await client.client.get(api(owner, '/contacts'))).json().items).toEqual([]);
    expect((await client.client.get(api(owner, `/contacts/${contact.id}`))).statusCode).toBe(404);
    expect((await client.client.patch(api(owner, `/contacts/${contact.id}`), { version: 1, firstName: 'X' })).statusCode).toBe(403);
    expect((await staff.client.delete(api(owner, `/contacts/${contact.id}`))).statusCode).toBe(403);
    expect((await owner.client.delete(api(owner, `/contacts/${contact.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).statusCode).toBe(404);
    expect((await owner.client.delete(api(owner, `/contacts/${contact.id}`))).statusCode).toBe(404);
    const audit = (await owner.client.get(api(owner, '/audit?action=contact.deleted'))).json().entries;
    expect(audit).toMatchObject([{ targetType: 'contact', targetId: contact.id, actorUserId: owner.userId }]);
  });
});

describe('companies', () => {
  it('CRM-2 a company keeps name, domain, industry, size, address and territory; the domain is normalised', async () => {
    const owner = await ownerWithWorkspace(server);
    const res = await owner.client.post(api(owner, '/companies'), {
      name: 'Acme Plumbing',
      domain: 'HTTPS://www.Acme-Plumbing.com/about?ref=x',
      industry: 'Trades',
      size: '11-50',
      addressLine1: '5 Pipe Rd',
      city: 'Dallas',
      state: 'TX',
      postalCode: '75201',
      country: 'US',
    });
    expect(res.statusCode).toBe(201);
    const company = res.json();
    expect(company).toMatchObject({ name: 'Acme Plumbing', domain: 'acme-plumbing.com', industry: 'Trades', size: '11-50', city: 'Dallas', state: 'TX', postalCode: '75201', version: 1 });
    const bad = await owner.client.post(api(owner, '/companies'), { name: 'X', domain: 'not a domain' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields)).toEqual(['domain']);
    const patched = await owner.client.patch(api(owner, `/companies/${company.id}`), { domain: 'www2.acme.io', version: 1 });
    expect(patched.json()).toMatchObject({ domain: 'acme.io', version: 2 });
    expect((await owner.client.get(api(owner, '/companies?q=ACME.'))).json().items.map((c: { id: string }) => c.id)).toEqual([company.id]);
    const noName = await owner.client.post(api(owner, '/companies'), { domain: 'x.com' });
    expect(noName.json().error.details.fields).toHaveProperty('name');
  });

  it('CRM-2 domain normalisation strips scheme, credentials, port, path and www', () => {
    expect(normaliseDomain('http://user@www.Example.co.uk:8080/a/b#c')).toBe('example.co.uk');
    expect(normaliseDomain('shop.example.com.')).toBe('shop.example.com');
    expect(normaliseDomain('bücher.de')).toBe('xn--bcher-kva.de');
    expect(normaliseDomain('localhost')).toBeNull();
    expect(normaliseDomain('-bad-.com')).toBeNull();
  });

  it('CRM-2 WS-4 deleting a company keeps its contacts, without the company, and is audited', async () => {
    const owner = await ownerWithWorkspace(server);
    const company = (await owner.client.post(api(owner, '/companies'), { name: 'Initech', domain: 'initech.com' })).json();
    const contact = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Peter', companyId: company.id })).json();
    expect((await owner.client.delete(api(owner, `/companies/${company.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json()).toMatchObject({ companyId: null, company: null, version: 2 });
    const audit = (await owner.client.get(api(owner, '/audit?action=company.deleted'))).json().entries;
    expect(audit).toMatchObject([{ targetId: company.id, details: { name: 'Initech', contactsDetached: 1 } }]);
  });
});

describe('tags and custom fields', () => {
  it('CRM-5 tags are unique per workspace regardless of case and put on contacts, companies and deals; lists filter by tag', async () => {
    const owner = await ownerWithWorkspace(server);
    const vip = await owner.client.post(api(owner, '/tags'), { name: 'VIP', color: '#22aa88' });
    expect(vip.statusCode).toBe(201);
    const again = await owner.client.post(api(owner, '/tags'), { name: 'vip' });
    expect(again.statusCode).toBe(409);
    const hot = (await owner.client.post(api(owner, '/tags'), { name: 'Hot' })).json();
    expect((await owner.client.get(api(owner, '/tags'))).json().tags.map((t: { name: string }) => t.name)).toEqual(['Hot', 'VIP']);

    const [a, b] = [(await owner.client.post(api(owner, '/contacts'), { firstName: 'A' })).json(), (await owner.client.post(api(owner, '/contacts'), { firstName: 'B' })).json()];
    const tagged = await owner.client.post(api(owner, `/contacts/${a.id}/tags`), { tagId: vip.json().id });
    expect(tagged.statusCode).toBe(200);
    await owner.client.post(api(owner, `/contacts/${a.id}/tags`), { tagId: hot.id });
    await owner.client.post(api(owner, `/contacts/${a.id}/tags`), { tagId: hot.id });
    expect((await owner.client.get(api(owner, `/contacts/${a.id}`))).json().tags.map((t: { name: string }) => t.name)).toEqual(['Hot', 'VIP']);
    expect((await owner.client.get(api(owner, `/contacts?tagId=${hot.id}`))).json().items.map((c: { id: string }) => c.id)).toEqual([a.id]);
    expect((await owner.client.delete(api(owner, `/contacts/${a.id}/tags/${hot.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, `/contacts?tagId=${hot.id}`))).json().items).toEqual([]);
    expect(b.tags).toEqual([]);

    const company = (await owner.client.post(api(owner, '/companies'), { name: 'Tagged Inc' })).json();
    expect((await owner.client.post(api(owner, `/companies/${company.id}/tags`), { tagId: hot.id })).json().tags).toMatchObject([{ name: 'Hot' }]);
    expect((await owner.client.get(api(owner, `/companies?tagId=${hot.id}`))).json().items).toHaveLength(1);
    const noTag = await owner.client.post(api(owner, `/contacts/${a.id}/tags`), { tagId: '01900000-0000-7000-8000-000000000000' });
    expect(noTag.statusCode).toBe(400);
    expect(noTag.json().error.details.fields).toHaveProperty('tagId');
  });

  it('CRM-5 typed custom fields per object are validated on write, naming custom.<key>', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const define = (body: object) => owner.client.post(api(owner, '/custom-fields'), body);
    expect((await staff.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'x', label: 'X', type: 'text' })).statusCode).toBe(403);
    for (const f of [
      { key: 'budget', label: 'Budget', type: 'currency' },
      { key: 'seats', label: 'Seats', type: 'number' },
      { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] },
      { key: 'channels', label: 'Channels', type: 'multi_select', options: ['email', 'sms', 'whatsapp'] },
      { key: 'renewal', label: 'Renewal', type: 'date', required: true },
      { key: 'newsletter', label: 'Newsletter', type: 'checkbox' },
      { key: 'website', label: 'Website', type: 'url' },
      { key: 'billing_email', label: 'Billing email', type: 'email' },
      { key: 'fax', label: 'Fax', type: 'phone' },
      { key: 'notes', label: 'Notes', type: 'text' },
    ]) {
      const res = await define({ object: 'contacts', ...f });
      expect(res.statusCode, f.key).toBe(201);
    }
    expect((await define({ object: 'contacts', key: 'tier', label: 'Again', type: 'text' })).statusCode).toBe(409);
    expect((await define({ object: 'companies', key: 'tier', label: 'Company tier', type: 'text' })).statusCode).toBe(201);
    const noOptions = await define({ object: 'deals', key: 'kind', label: 'Kind', type: 'select' });
    expect(noOptions.json().error.details.fields).toHaveProperty('options');
    const badKey = await define({ object: 'deals', key: 'Bad Key', label: 'K', type: 'text' });
    expect(badKey.json().error.details.fields).toHaveProperty('key');

    const wrong = await owner.client.post(api(owner, '/contacts'), {
      firstName: 'C',
      custom: { budget: 12.345, seats: '3', tier: 'bronze', channels: ['email', 'fax'], newsletter: 'yes', website: 'ftp://x', billing_email: 'nope', fax: '123', nope: 1 },
    });
    expect(wrong.statusCode).toBe(400);
    expect(Object.keys(wrong.json().error.details.fields).sort()).toEqual(
      ['budget', 'seats', 'tier', 'channels', 'newsletter', 'website', 'billing_email', 'fax', 'nope', 'renewal'].map((k) => `custom.${k}`).sort(),
    );

    const ok = await staff.client.post(api(owner, '/contacts'), {
      firstName: 'C',
      custom: { budget: 1200.5, seats: 3, tier: 'gold', channels: ['sms', 'email', 'sms'], renewal: '2027-01-31', newsletter: true, website: 'https://example.com', billing_email: 'Billing@Example.com', fax: '(512) 463-4630' },
    });
    expect(ok.statusCode).toBe(201);
    const contact = ok.json();
    expect(contact.custom).toEqual({ budget: 1200.5, seats: 3, tier: 'gold', channels: ['sms', 'email'], renewal: '2027-01-31', newsletter: true, website: 'https://example.com/', billing_email: 'billing@example.com', fax: '+15124634630' });

    // An update merges; null clears, but not a required field.
    const merged = await staff.client.patch(api(owner, `/contacts/${contact.id}`), { custom: { seats: 5, website: null }, version: 1 });
    expect(merged.json().custom).toMatchObject({ seats: 5, tier: 'gold' });
    expect(merged.json().custom).not.toHaveProperty('website');
    const clearRequired = await staff.client.patch(api(owner, `/contacts/${contact.id}`), { custom: { renewal: null }, version: 2 });
    expect(clearRequired.statusCode).toBe(400);
    expect(Object.keys(clearRequired.json().error.details.fields)).toEqual(['custom.renewal']);
    const badDate = await staff.client.patch(api(owner, `/contacts/${contact.id}`), { custom: { renewal: '2027-02-30' }, version: 2 });
    expect(Object.keys(badDate.json().error.details.fields)).toEqual(['custom.renewal']);

    // Definitions: options change; deleting a field removes its values (audited).
    const fields = (await staff.client.get(api(owner, '/custom-fields?object=contacts'))).json().fields;
    expect(fields.map((f: { key: string }) => f.key)).toEqual(['budget', 'seats', 'tier', 'channels', 'renewal', 'newsletter', 'website', 'billing_email', 'fax', 'notes']);
    const tier = fields.find((f: { key: string }) => f.key === 'tier');
    expect((await owner.client.patch(api(owner, `/custom-fields/${tier.id}`), { options: ['gold', 'silver', 'bronze'] })).json().options).toEqual(['gold', 'silver', 'bronze']);
    expect((await staff.client.patch(api(owner, `/contacts/${contact.id}`), { custom: { tier: 'bronze' }, version: 2 })).statusCode).toBe(200);
    expect((await owner.client.delete(api(owner, `/custom-fields/${tier.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json().custom).not.toHaveProperty('tier');
    expect((await owner.client.get(api(owner, '/audit?action=custom_field.deleted'))).json().entries).toMatchObject([{ details: { key: 'tier', valuesCleared: 1 } }]);
  });
});

describe('tenancy of CRM tables', () => {
  it('WS-3 CRM rows of one workspace are invisible to another, through the API and through raw SQL as the app role', async () => {
    const a = await ownerWithWorkspace(server, 'Alpha');
    const b = await ownerWithWorkspace(server, 'Beta');
    for (const ws of [a, b]) {
      const company = (await ws.client.post(api(ws, '/companies'), { name: 'Co' })).json();
      const contact = (await ws.client.post(api(ws, '/contacts'), { firstName: 'P', companyId: company.id })).json();
      await ws.client.post(api(ws, '/deals'), { name: 'D', contactId: contact.id, companyId: company.id });
      const tag = (await ws.client.post(api(ws, '/tags'), { name: 'T' })).json();
      await ws.client.post(api(ws, `/contacts/${contact.id}/tags`), { tagId: tag.id });
      await ws.client.post(api(ws, '/custom-fields'), { object: 'deals', key: 'k', label: 'K', type: 'text' });
    }
    const bContact = (await b.client.get(api(b, '/contacts'))).json().items[0];
    expect((await a.client.get(api(a, `/contacts/${bContact.id}`))).statusCode).toBe(404);
    expect((await a.client.patch(api(a, `/contacts/${bContact.id}`), { firstName: 'x', version: 1 })).statusCode).toBe(404);
    expect((await a.client.post(api(a, '/deals'), { name: 'x', contactId: bContact.id })).statusCode).toBe(400);

    const tables = ['companies', 'contacts', 'pipelines', 'pipeline_stages', 'deals', 'tags', 'record_tags', 'custom_field_definitions'];
    const client = new pg.Client({ connectionString: server.services.database.ownerUrl, options: `-c role=${APP_ROLE}` });
    await client.connect();
    try {
      for (const table of tables) {
        expect((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, `${table} without a workspace`).toBe(0);
        await client.query('BEGIN');
        await client.query(`SELECT set_config('kestrel.workspace_id', $1, true)`, [a.workspaceId]);
        const seen = await client.query(`SELECT DISTINCT workspace_id::text AS w FROM ${table}`);
        expect(seen.rows.map((r) => r.w), table).toEqual([a.workspaceId]);
        await client.query('ROLLBACK');
      }
    } finally {
      await client.end();
    }
  });
});
