import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, type TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const make = async (client: TestClient, o: Owner, path: string, body: unknown) => {
  const res = await client.post(api(o, path), body);
  if (res.statusCode !== 201) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
};
const search = (client: TestClient, o: Owner, q: string, types?: string) =>
  client.get(api(o, `/search?q=${encodeURIComponent(q)}${types ? `&types=${types}` : ''}`));

async function populated(name = 'Search Co') {
  const owner = await ownerWithWorkspace(server, name);
  const ids = {
    john: await make(owner.client, owner, '/contacts', { firstName: 'John', lastName: 'Smith', emails: ['john.smith@example.com'], phones: ['+1 512 463 4630'] }),
    jane: await make(owner.client, owner, '/contacts', { firstName: 'Jane', lastName: 'Smithers', emails: ['jane@smithers.test'] }),
    bob: await make(owner.client, owner, '/contacts', { firstName: 'Bob', lastName: 'Jones' }),
    globex: await make(owner.client, owner, '/companies', { name: 'Globex Corporation', domain: 'https://www.globex.com' }),
    initech: await make(owner.client, owner, '/companies', { name: 'Initech', domain: 'initech.io' }),
  };
  const deal = await make(owner.client, owner, '/deals', { name: 'Globex renewal 2026' });
  return { owner, ids: { ...ids, deal } };
}

describe('search (CRM-6)', () => {
  it('CRM-6 fuzzy search finds a misspelt name first ("Jonh Smiht" finds John Smith), and companies and deals too', async () => {
    const { owner, ids } = await populated();
    const res = await search(owner.client, owner, 'Jonh Smiht');
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json().results;
    expect(results[0]).toMatchObject({ type: 'contacts', id: ids.john, title: 'John Smith', subtitle: expect.stringContaining('john.smith@example.com') });
    expect(results.map((r: { id: string }) => r.id)).not.toContain(ids.bob);

    const company = (await search(owner.client, owner, 'globx')).json().results;
    expect(company.slice(0, 2).map((r: { id: string }) => r.id).sort()).toEqual([ids.globex, ids.deal].sort());
    expect((await search(owner.client, owner, 'initech.io')).json().results[0]).toMatchObject({ type: 'companies', id: ids.initech });
    // Prefixes while typing, an email, phone digits in any format.
    expect((await search(owner.client, owner, 'smith')).json().results.slice(0, 2).map((r: { id: string }) => r.id).sort()).toEqual([ids.john, ids.jane].sort());
    expect((await search(owner.client, owner, 'jane@smithers')).json().results[0].id).toBe(ids.jane);
    expect((await search(owner.client, owner, '(512) 463-4630')).json().results[0].id).toBe(ids.john);
    // Types narrow the search.
    const onlyDeals = (await search(owner.client, owner, 'globex', 'deals')).json().results;
    expect(onlyDeals.map((r: { type: string; id: string }) => [r.type, r.id])).toEqual([['deals', ids.deal]]);
    expect((await search(owner.client, owner, 'zzqqxx')).json().results).toEqual([]);
  });

  it('CRM-6 search reads each word against the workspace\'s own vocabulary: accents, typing ahead, renames and bulk-written rows', async () => {
    const { owner, ids } = await populated('Vocabulary Co');
    const lucia = await make(owner.client, owner, '/contacts', { firstName: 'Lucía', lastName: 'Núñez' });
    const joseph = await make(owner.client, owner, '/contacts', { firstName: 'Joseph', lastName: 'Smith' });
    // Accents do not matter either way.
    expect((await search(owner.client, owner, 'lucia nunez')).json().results[0]).toMatchObject({ id: lucia, title: 'Lucía Núñez' });
    expect((await search(owner.client, owner, 'Jóhn')).json().results[0].id).toBe(ids.john);
    // A transposed name is read as the name it is one edit from, not as any other Smith.
    const jonh = (await search(owner.client, owner, 'jonh smith', 'contacts')).json().results.map((r: { id: string }) => r.id);
    expect(jonh[0]).toBe(ids.john);
    expect(jonh).not.toContain(joseph);
    expect((await search(owner.client, owner, 'josph smith', 'contacts')).json().results[0].id).toBe(joseph);
    // Typing ahead: the start of each word.
    expect((await search(owner.client, owner, 'joh smi')).json().results[0].id).toBe(ids.john);
    // A rename is found by its new name at once (the vocabulary follows updates).
    expect((await owner.client.patch(api(owner, `/contacts/${ids.bob}`), { lastName: 'Quixote', version: 1 })).statusCode).toBe(200);
    expect((await search(owner.client, owner, 'quixote')).json().results[0].id).toBe(ids.bob);
    expect((await search(owner.client, owner, 'quixot')).json().results[0].id).toBe(ids.bob);
    // Rows written in bulk (an import's INSERT … SELECT) add their words in the same statement.
    await server.services.database.systemPool.query(
      `INSERT INTO contacts (workspace_id, id, first_name, last_name, created_at) SELECT $1, gen_random_uuid(), 'Bulk', 'Zebedee' || g, now() FROM generate_series(1, 3) g`,
      [owner.workspaceId],
    );
    const bulk = (await search(owner.client, owner, 'zebede2')).json().results;
    expect(bulk[0]).toMatchObject({ title: 'Bulk Zebedee2' });
    // Another workspace's words are not this workspace's vocabulary.
    const other = await ownerWithWorkspace(server, 'No Vocabulary');
    expect((await search(other.client, other, 'quixote')).json().results).toEqual([]);
  });

  it('CRM-6 search sees only this workspace and what the member may see', async () => {
    const home = await populated('Home Search');
    const other = await populated('Other Search');
    const res = (await search(home.owner.client, home.owner, 'John Smith')).json().results.map((r: { id: string }) => r.id);
    expect(res).toContain(home.ids.john);
    expect(res).not.toContain(other.ids.john);
    // A member of the other workspace cannot search this one.
    expect((await search(other.owner.client, home.owner, 'John')).statusCode).toBe(404);
    // A client member finds nothing that was not shared with them.
    const client = await addMember(server, home.owner, 'client');
    expect((await search(client.client, home.owner, 'John Smith')).json().results).toEqual([]);
    expect((await home.owner.client.post(api(home.owner, `/contacts/${home.ids.john}/shares`), { userId: client.userId })).statusCode).toBe(200);
    expect((await search(client.client, home.owner, 'Jonh')).json().results.map((r: { id: string }) => r.id)).toEqual([home.ids.john]);
  });

  it('CRM-6 a search without text, or with an unknown type, is a 400 naming the parameter', async () => {
    const { owner } = await populated('Bad Search');
    const empty = await owner.client.get(api(owner, '/search?q='));
    expect(empty.statusCode).toBe(400);
    expect(Object.keys(empty.json().error.details.fields)).toEqual(['q']);
    const type = await search(owner.client, owner, 'john', 'contacts,people');
    expect(type.statusCode).toBe(400);
    expect(type.json().error.details.fields).toEqual({ types: expect.stringContaining('people') });
  });
});
