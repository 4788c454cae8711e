import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { parseCsv } from '../../../../test/helpers/csv';
import { privacyTestBed, type Owner } from '../../../../test/helpers/privacy';
import { runCli } from '../../cli';
import { dataEntries } from '../../platform/data/all';

const bed = privacyTestBed('Account Export Bakery', 'Second Shop');
let member: Awaited<ReturnType<typeof addMember>>;
let memberOwn: Owner;

beforeAll(async () => {
  // The member belongs to the bakery (staff) and owns a workspace of their own.
  member = await addMember(bed.server, bed.owner, 'staff');
  const res = await member.client.post('/api/workspaces', { name: 'Member Own Shop' });
  expect(res.statusCode, res.body).toBe(201);
  memberOwn = { ...member, workspaceId: res.json().id };
}, 300_000);

async function readyAccountExport(client: Owner['client']) {
  const requested = await bed.made(client.post('/api/account/exports'));
  expect(requested.downloadUrl).toMatch(/^\/api\/account\/exports\/[\w-]+\/download\?token=[\w-]{40,}$/);
  await expect.poll(async () => (await client.get(`/api/account/exports/${requested.id}`)).json().status, { timeout: 60_000, interval: 200 }).toBe('ready');
  return requested as { id: string; downloadUrl: string };
}

const rowsOf = async (zip: JSZip, table: string) => JSON.parse((await zip.file(`json/${table}.json`)?.async('string')) ?? '[]') as Record<string, unknown>[];

describe('per-account export (PRIV-2)', () => {
  it('PRIV-2 "Download my data" holds a row of each kind about the person across their workspaces — profile, sessions, memberships, notes, records, messages, AI calls, audit, consents, billing — and none of another user\'s', async () => {
    const { owner } = bed;
    const sys = bed.sys();
    // The member's own rows, in the bakery and in their own workspace.
    const contact = await bed.made(member.client.post(bed.api(owner, '/contacts'), { firstName: 'Mina', lastName: 'Mine', emails: ['mina@example.test'], ownerUserId: member.userId }));
    await bed.made(member.client.post(bed.api(owner, '/activities'), { kind: 'note', body: '<p>Member note about the order</p>', links: [{ recordType: 'contacts', recordId: contact.id }] }));
    await bed.made(member.client.post(bed.api(memberOwn, '/contacts'), { firstName: 'Own', lastName: 'Shop', emails: ['own-shop@example.test'] }));
    await bed.made(member.client.post(bed.api(memberOwn, '/activities'), { kind: 'task', subject: 'Member own task' }));
    // Rows of somebody else: the owner's note and contact, and the other workspace's.
    const theirs = await bed.made(owner.client.post(bed.api(owner, '/contacts'), { firstName: 'Otto', lastName: 'Owners', emails: ['otto@example.test'] }));
    await bed.made(owner.client.post(bed.api(owner, '/activities'), { kind: 'note', body: '<p>Owner note, not the member\'s</p>', links: [{ recordType: 'contacts', recordId: theirs.id }] }));
    await bed.made(bed.other.client.post(bed.api(bed.other, '/contacts'), { firstName: 'Far', lastName: 'Away', emails: ['far@example.test'] }));
    // A message they wrote, an AI call they made, a billing row tied to them, a consent they gave — and the same for the owner.
    for (const [who, text] of [[member.userId, 'member-wrote-this'], [owner.userId, 'owner-wrote-this']] as const) {
      const v = (await sys.query<{ id: string }>(`INSERT INTO visitors (workspace_id, id, name) VALUES ($1, gen_random_uuid(), 'Visitor') RETURNING id`, [owner.workspaceId])).rows[0]!;
      const c = (await sys.query<{ id: string }>(`INSERT INTO conversations (workspace_id, id, visitor_id) VALUES ($1, gen_random_uuid(), $2) RETURNING id`, [owner.workspaceId, v.id])).rows[0]!;
      await sys.query(`INSERT INTO conversation_messages (workspace_id, id, conversation_id, author_kind, author_user_id, body) VALUES ($1, gen_random_uuid(), $2, 'staff', $3, $4)`, [owner.workspaceId, c.id, who, text]);
      await bed.aiCall(owner, who, 1, { model: `model-of-${text}` });
      // A balanced ledger transaction: one credit moves from free to spent.
      await sys.query(
        `WITH t AS (SELECT gen_random_uuid() AS txn) INSERT INTO credit_entries (workspace_id, id, txn_id, account, amount, kind, user_id, ref_type)
         SELECT $1, gen_random_uuid(), t.txn, v.account, v.amount, 'consumption', $2, $3 FROM t, (VALUES ('free', -1), ('spent', 1)) AS v(account, amount)`,
        [owner.workspaceId, who, text],
      );
    }
    const policy = (await sys.query<{ id: string }>(`SELECT id FROM policy_versions LIMIT 1`)).rows[0];
    if (policy) await sys.query(`INSERT INTO policy_acknowledgements (user_id, policy_version_id) VALUES ($1, $2), ($3, $2) ON CONFLICT DO NOTHING`, [member.userId, policy.id, owner.userId]);

    const { id, downloadUrl } = await readyAccountExport(member.client);
    const status = (await member.client.get(`/api/account/exports/${id}`)).json();
    expect(status.rowsTotal).toBeGreaterThan(10);
    expect(status.rowsDone).toBe(status.rowsTotal);
    expect((await member.client.get('/api/account/exports/latest')).json().export).toMatchObject({ id, status: 'ready' });
    // Only the person who asked sees or downloads it.
    expect((await owner.client.get(`/api/account/exports/${id}`)).statusCode).toBe(404);
    expect((await owner.client.get(downloadUrl)).statusCode).toBe(410);

    const res = await member.client.get(downloadUrl);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const zip = await JSZip.loadAsync(res.rawPayload);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest).toMatchObject({ kind: 'account', userId: member.userId, email: member.email });

    const users = await rowsOf(zip, 'users');
    expect(users.map((u) => u.id)).toEqual([member.userId]);
    expect(users[0]).not.toHaveProperty('password_hash');
    const sessions = await rowsOf(zip, 'sessions');
    expect(sessions.length).toBeGreaterThan(0);
    expect(new Set(sessions.map((s) => s.user_id))).toEqual(new Set([member.userId]));
    expect((await rowsOf(zip, 'memberships')).map((m) => m.workspace_id).sort()).toEqual([owner.workspaceId, memberOwn.workspaceId].sort());
    expect((await rowsOf(zip, 'workspaces')).map((w) => w.name).sort()).toEqual(['Account Export Bakery', 'Member Own Shop']);
    const activities = JSON.stringify(await rowsOf(zip, 'activities'));
    expect(activities).toContain('Member note about the order');
    expect(activities).toContain('Member own task');
    expect(activities).not.toContain("Owner note, not the member");
    const contacts = JSON.stringify(await rowsOf(zip, 'contacts'));
    expect(contacts).toContain('mina@example.test');
    expect(contacts).not.toContain('otto@example.test');
    expect(contacts).not.toContain('far@example.test');
    expect(JSON.stringify(await rowsOf(zip, 'conversation_messages'))).toContain('member-wrote-this');
    expect(JSON.stringify(await rowsOf(zip, 'conversation_messages'))).not.toContain('owner-wrote-this');
    expect((await rowsOf(zip, 'ai_calls')).map((c) => c.model)).toEqual(['model-of-member-wrote-this']);
    expect([...new Set((await rowsOf(zip, 'credit_entries')).map((c) => c.ref_type))]).toEqual(['member-wrote-this']);
    if (policy) expect((await rowsOf(zip, 'policy_acknowledgements')).map((p) => p.user_id)).toEqual([member.userId]);
    // Audit entries by them and about them (their joining the bakery names them as its target).
    const audit = await rowsOf(zip, 'audit_log');
    expect(audit.some((a) => a.action === 'member.joined' && a.target_id === member.userId)).toBe(true);
    expect(audit.every((a) => a.actor_user_id === member.userId || a.target_id === member.userId)).toBe(true);
    // CSV beside JSON, one line a row.
    expect(parseCsv(await zip.file('csv/users.csv')!.async('string'))).toHaveLength(2);
    // The owner's data is nowhere in it.
    for (const f of Object.values(zip.files)) if (!f.dir) expect(await f.async('string'), f.name).not.toContain(owner.email);

    // Once.
    expect((await member.client.get(downloadUrl)).statusCode).toBe(410);
  });

  it('PRIV-2 OPS-3 kestrel export --account EMAIL writes the same kind of archive from the command line; an unknown address is refused', async () => {
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'kestrel-account-')), 'me.zip');
    const run = await bed.cli(['export', '--account', member.email, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(out);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const zip = await JSZip.loadAsync(await readFile(out));
    expect((await rowsOf(zip, 'users')).map((u) => u.email)).toEqual([member.email]);
    const missing = await bed.cli(['export', '--account', 'nobody-here@example.test']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No account has the email');
    expect((await bed.cli(['export', '--account', member.email, '--workspace', bed.owner.workspaceId])).code).toBe(1);
  });

  it('PRIV-2 every column of a registry table that holds a user id is declared in its entry, so the account export cannot miss it', async () => {
    const { rows } = await bed.sys().query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND udt_name IN ('uuid', '_uuid') AND (column_name ~ '(^|_)user_ids?$' OR column_name ~ '_by$')`,
    );
    const entries = new Map(dataEntries().map((e) => [e.table, e]));
    const missing = rows.filter((r) => entries.has(r.table_name) && !(entries.get(r.table_name)!.user?.ids ?? []).includes(r.column_name)).map((r) => `${r.table_name}.${r.column_name}`);
    expect(missing).toEqual([]);
    // And every declared column exists.
    const columns = new Set((await bed.sys().query<{ c: string }>(`SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = 'public'`)).rows.map((r) => r.c));
    for (const e of dataEntries()) for (const c of [...(e.user?.ids ?? []), ...(e.user?.target ? [e.user.target.type, e.user.target.id] : [])]) if (columns.has(`${e.table}.id`)) expect(columns, `${e.table}.${c}`).toContain(`${e.table}.${c}`);
  });
});
