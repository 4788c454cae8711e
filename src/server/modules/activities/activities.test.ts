import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { withTenant } from '../../platform/db/tenant';
import { mailOutbox } from '../../platform/mail/mail.schema';
import { logActivity } from './index';
import { enqueue } from '../../platform/jobs/jobs';
import { activities } from './activities.schema';
import { sweepTaskReminders, taskReminderJob } from './task-reminder.job';

let server: TestServer;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
type Member = Awaited<ReturnType<typeof addMember>>;
let owner: Owner;
let staff: Member;
let client: Member;
let stranger: Owner;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Timeline Traders');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  stranger = await ownerWithWorkspace(server, 'Elsewhere Ltd');
}, 300_000);

const api = (path: string, o: { workspaceId: string } = owner) => `/api/workspaces/${o.workspaceId}${path}`;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A company, a contact at it and a deal with the contact: the records a call is about. */
async function records(o: Owner = owner) {
  const company = (await o.client.post(api('/companies', o), { name: `Globex ${Math.random().toString(36).slice(2, 6)}` })).json();
  const contact = (await o.client.post(api('/contacts', o), { firstName: 'Ada', lastName: 'Lovelace', companyId: company.id })).json();
  const deal = (await o.client.post(api('/deals', o), { name: 'Analytical engine', contactId: contact.id })).json();
  return { company, contact, deal };
}

async function timeline(recordType: string, recordId: string, qs = '', who = owner.client) {
  return who.get(api(`/timeline?recordType=${recordType}&recordId=${recordId}${qs}`));
}

/** Every item of a timeline, following cursors `limit` at a time. */
async function walk(recordType: string, recordId: string, limit: number) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await timeline(recordType, recordId, `&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    pages.push(res.json().items.map((a: { id: string }) => a.id));
    cursor = res.json().nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe('timeline', () => {
  it('CRM-4 WS-4 deleting a record takes the items linked only to it; an item also on another record stays there', async () => {
    const { deal } = await records();
    // A contact of no company: an item on a contact is also put on its company's timeline.
    const contact = (await owner.client.post(api('/contacts'), { firstName: 'Solo' })).json();
    const only = (await owner.client.post(api('/activities'), { kind: 'note', body: '<p>only the contact</p>', links: [{ recordType: 'contacts', recordId: contact.id }] })).json();
    const both = (await owner.client.post(api('/activities'), { kind: 'call', callOutcome: 'connected', links: [{ recordType: 'contacts', recordId: contact.id }, { recordType: 'deals', recordId: deal.id }] })).json();
    expect((await owner.client.delete(api(`/contacts/${contact.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(`/activities/${only.id}`))).statusCode).toBe(404);
    const kept = await owner.client.get(api(`/activities/${both.id}`));
    expect(kept.statusCode).toBe(200);
    expect(kept.json().links.map((l: { recordType: string }) => l.recordType)).toEqual(['deals']);
    expect((await timeline('deals', deal.id)).json().items.map((a: { id: string }) => a.id)).toEqual([both.id]);
  });

  it('CRM-4 notes, calls, emails, meetings and tasks appear on every linked record’s timeline (and the contact’s company), newest first, paged', async () => {
    const { company, contact, deal } = await records();
    const links = [
      { recordType: 'contacts', recordId: contact.id },
      { recordType: 'deals', recordId: deal.id },
    ];
    const bodies = [
      { kind: 'note', body: '<p>Met at the <b>expo</b>.</p>', occurredAt: minutesAgo(50) },
      { kind: 'call', callOutcome: 'connected', callDurationSeconds: 754, body: '<p>Wants a demo</p>', occurredAt: minutesAgo(40) },
      { kind: 'email', subject: 'Proposal', emailDirection: 'outbound', emailFrom: 'olive@example.test', emailTo: ['ada@example.test'], body: '<p>Attached.</p>', occurredAt: minutesAgo(30) },
      { kind: 'meeting', subject: 'Demo', meetingStartsAt: minutesAgo(20), meetingEndsAt: minutesAgo(5), meetingLocation: 'Zoom', body: '<ul><li>Liked reports</li></ul>' },
      { kind: 'task', subject: 'Send the quote', taskDueAt: new Date(Date.now() + 86_400_000).toISOString(), occurredAt: minutesAgo(10) },
    ];
    const created = [];
    for (const b of bodies) {
      const res = await owner.client.post(api('/activities'), { ...b, links });
      expect(res.statusCode, res.body).toBe(201);
      created.push(res.json());
    }
    expect(created.map((a) => a.kind)).toEqual(['note', 'call', 'email', 'meeting', 'task']);
    expect(created[1]).toMatchObject({ callOutcome: 'connected', callDurationSeconds: 754, author: { id: owner.userId, name: 'Olive Owner' } });
    expect(created[2]).toMatchObject({ subject: 'Proposal', emailDirection: 'outbound', emailFrom: 'olive@example.test', emailTo: ['ada@example.test'] });
    expect(created[3]).toMatchObject({ meetingLocation: 'Zoom', occurredAt: bodies[3]!.meetingStartsAt });
    expect(created[4]).toMatchObject({ assignee: { id: owner.userId }, completedAt: null });
    expect(created[0].links).toEqual(
      expect.arrayContaining([
        { recordType: 'contacts', recordId: contact.id, label: 'Ada Lovelace', inferred: false },
        { recordType: 'deals', recordId: deal.id, label: 'Analytical engine', inferred: false },
        { recordType: 'companies', recordId: company.id, label: company.name, inferred: true },
      ]),
    );

    const newestFirst = [...created].reverse().map((a) => a.id);
    for (const [type, id] of [
      ['contacts', contact.id],
      ['deals', deal.id],
      ['companies', company.id],
    ]) {
      const res = await timeline(type, id);
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((a: { id: string }) => a.id), type).toEqual(newestFirst);
      expect(res.json().nextCursor).toBeNull();
      // Paged two at a time, the pages join up to the same list with nothing repeated or skipped.
      const pages = await walk(type, id, 2);
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(newestFirst);
    }
    const filtered = await timeline('contacts', contact.id, '&kinds=call,note');
    expect(filtered.json().items.map((a: { kind: string }) => a.kind)).toEqual(['call', 'note']);

    // Another contact's timeline does not show them.
    const other = (await owner.client.post(api('/contacts'), { firstName: 'Grace' })).json();
    expect((await timeline('contacts', other.id)).json()).toEqual({ items: [], nextCursor: null });
  });

  it('CRM-4 items with the same time page in a stable order, and an item added meanwhile is neither repeated nor skipped', async () => {
    const { contact } = await records();
    const at = minutesAgo(5);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await owner.client.post(api('/activities'), { kind: 'note', body: `<p>n${i}</p>`, occurredAt: at, links: [{ recordType: 'contacts', recordId: contact.id }] });
      ids.push(res.json().id);
    }
    const first = (await timeline('contacts', contact.id, '&limit=3')).json();
    await owner.client.post(api('/activities'), { kind: 'note', body: '<p>newest</p>', links: [{ recordType: 'contacts', recordId: contact.id }] });
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = (await timeline('contacts', contact.id, `&limit=3&cursor=${cursor}`)).json();
      rest.push(...page.items.map((a: { id: string }) => a.id));
      cursor = page.nextCursor;
    }
    expect([...first.items.map((a: { id: string }) => a.id), ...rest]).toEqual([...ids].reverse());
    const bad = await timeline('contacts', contact.id, '&cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toHaveProperty('cursor');
  });

  it('CRM-4 note HTML is sanitised: scripts, event handlers, javascript: links and styles are removed, safe formatting is kept', async () => {
    const { contact } = await records();
    const dirty =
      '<p style="color:red" onclick="steal()">Hello <b>bold</b> <i>italic</i><script>alert(document.cookie)</script></p>' +
      '<img src="x" onerror="alert(1)"><ul><li>one</li></ul>' +
      '<a href="javascript:alert(2)">bad link</a> <a href="JaVaScRiPt&colon;alert(3)">sneaky</a> <a href="https://example.com/x" onmouseover="alert(4)">good link</a>' +
      '<iframe src="https://evil.test"></iframe><svg onload="alert(5)"></svg><style>body{display:none}</style>';
    const res = await owner.client.post(api('/activities'), { kind: 'note', body: dirty, links: [{ recordType: 'contacts', recordId: contact.id }] });
    expect(res.statusCode, res.body).toBe(201);
    const stored = (await owner.client.get(api(`/activities/${res.json().id}`))).json().body as string;
    for (const bad of ['<script', 'alert', 'onclick', 'onerror', 'onmouseover', 'onload', 'javascript', 'style', '<img', '<iframe', '<svg', 'steal']) {
      expect(stored.toLowerCase(), bad).not.toContain(bad.toLowerCase());
    }
    expect(stored).toContain('<b>bold</b>');
    expect(stored).toContain('<i>italic</i>');
    expect(stored).toContain('<ul><li>one</li></ul>');
    expect(stored).toContain('<a href="https://example.com/x" target="_blank" rel="noopener noreferrer nofollow">good link</a>');
    expect(res.json().bodyText).toContain('Hello bold italic');

    // Edits are sanitised the same way; a note cannot be emptied into nothing but a script.
    const edit = await owner.client.patch(api(`/activities/${res.json().id}`), { version: 1, body: '<p>ok<script>x()</script></p><a href="javascript:void(0)" onclick="x()">l</a>' });
    expect(edit.statusCode).toBe(200);
    expect(edit.json().body).not.toMatch(/script|onclick|javascript/i);
    const empty = await owner.client.patch(api(`/activities/${res.json().id}`), { version: 2, body: '<script>only()</script>' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details.fields).toHaveProperty('body');
  });

  it('CRM-4 a call needs a known outcome and a whole, non-negative duration of at most a day', async () => {
    const { contact } = await records();
    const links = [{ recordType: 'contacts', recordId: contact.id }];
    const post = (b: object) => owner.client.post(api('/activities'), { kind: 'call', links, ...b });
    const missing = await post({ callDurationSeconds: 30 });
    expect(missing.statusCode).toBe(400);
    expect(Object.keys(missing.json().error.details.fields)).toEqual(['callOutcome']);
    expect((await post({ callOutcome: 'maybe' })).json().error.details.fields).toHaveProperty('callOutcome');
    for (const bad of [-1, 1.5, 86_401, '60']) {
      const res = await post({ callOutcome: 'connected', callDurationSeconds: bad });
      expect(res.statusCode, String(bad)).toBe(400);
      expect(Object.keys(res.json().error.details.fields), String(bad)).toEqual(['callDurationSeconds']);
    }
    const ok = await post({ callOutcome: 'left_voicemail', callDurationSeconds: 0 });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ callOutcome: 'left_voicemail', callDurationSeconds: 0 });
    const fix = await owner.client.patch(api(`/activities/${ok.json().id}`), { version: 1, callOutcome: null });
    expect(fix.json().error.details.fields).toHaveProperty('callOutcome');
    expect((await timeline('contacts', contact.id)).json().items).toHaveLength(1);
  });

  it('CRM-4 bad input is refused with 400 naming each field, and nothing is written', async () => {
    const { contact, deal } = await records();
    const links = [{ recordType: 'contacts', recordId: contact.id }];
    const cases: [object, string][] = [
      [{ kind: 'sms', body: 'x', links }, 'kind'],
      [{ kind: 'note', links }, 'body'],
      [{ kind: 'note', body: '<p>x</p>', links, colour: 'red' }, 'colour'],
      [{ kind: 'note', body: '<p>x</p>', links: [{ recordType: 'contacts', recordId: 'nope' }] }, 'links.0.recordId'],
      [{ kind: 'note', body: '<p>x</p>', links: [{ recordType: 'tickets', recordId: contact.id }] }, 'links.0.recordType'],
      [{ kind: 'note', body: '<p>x</p>', links: [] }, 'links'],
      [{ kind: 'note', body: '<p>x</p>', links, occurredAt: 'yesterday' }, 'occurredAt'],
      [{ kind: 'meeting', subject: 'Demo', links }, 'meetingStartsAt'],
      [{ kind: 'meeting', subject: 'Demo', links, meetingStartsAt: minutesAgo(10), meetingEndsAt: minutesAgo(20) }, 'meetingEndsAt'],
      [{ kind: 'email', links, emailTo: ['not-an-address'], subject: 'Hi' }, 'emailTo.0'],
      [{ kind: 'task', links }, 'subject'],
      [{ kind: 'task', subject: 'x', links, taskDueAt: '2026-13-45T00:00:00Z' }, 'taskDueAt'],
      [{ kind: 'task', subject: 'x', links, assigneeUserId: client.userId }, 'assigneeUserId'],
      [{ kind: 'task', subject: 'x', links, assigneeUserId: null, reminderAt: minutesAgo(1) }, 'reminderAt'],
      [{ kind: 'note', body: '<p>x</p>', links: [...links, { recordType: 'deals', recordId: '01900000-0000-7000-8000-000000000000' }] }, 'links.1.recordId'],
    ];
    for (const [body, field] of cases) {
      const res = await owner.client.post(api('/activities'), body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('validation_failed');
      const fields = res.json().error.details.fields as Record<string, string>;
      // The platform reports an unknown key at the body with the key in the message.
      const named = Object.keys(fields).includes(field) || Object.values(fields).some((m) => m.includes(`"${field}"`));
      expect(named, `${JSON.stringify(body)} → ${JSON.stringify(fields)}`).toBe(true);
    }
    // A field of another kind cannot be set on update.
    const note = (await owner.client.post(api('/activities'), { kind: 'note', body: '<p>x</p>', links })).json();
    const wrongKind = await owner.client.patch(api(`/activities/${note.id}`), { version: 1, callOutcome: 'busy' });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().error.details.fields).toHaveProperty('callOutcome');
    const badTimeline = await owner.client.get(api(`/timeline?recordType=contacts&recordId=${contact.id}&kinds=note,fax&limit=500`));
    expect(badTimeline.statusCode).toBe(400);
    const timelineFields = Object.keys(badTimeline.json().error.details.fields);
    expect(timelineFields).toContain('limit');
    expect(timelineFields.some((f) => f.startsWith('kinds'))).toBe(true);
    expect((await timeline('contacts', contact.id)).json().items.map((a: { id: string }) => a.id)).toEqual([note.id]);
    expect((await timeline('deals', deal.id)).json().items).toEqual([]);
  });

  it('CRM-4 concurrent edits: the later stale write gets 409 with the current item', async () => {
    const { contact } = await records();
    const note = (await staff.client.post(api('/activities'), { kind: 'note', body: '<p>v1</p>', links: [{ recordType: 'contacts', recordId: contact.id }] })).json();
    const first = await staff.client.patch(api(`/activities/${note.id}`), { version: 1, body: '<p>v2 by staff</p>' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 2, body: '<p>v2 by staff</p>' });
    const stale = await owner.client.patch(api(`/activities/${note.id}`), { version: 1, body: '<p>v2 by owner</p>' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current: { id: note.id, version: 2, body: '<p>v2 by staff</p>' } } });
    expect((await owner.client.get(api(`/activities/${note.id}`))).json().body).toBe('<p>v2 by staff</p>');
    const racing = await Promise.all([owner, staff].map((m, i) => m.client.patch(api(`/activities/${note.id}`), { version: 2, body: `<p>race ${i}</p>` })));
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });

  it('CRM-4 roles: clients can neither read nor write timelines, staff cannot change or delete others’ items, deletes are audited', async () => {
    const { contact } = await records();
    const links = [{ recordType: 'contacts', recordId: contact.id }];
    const clientWrite = await client.client.post(api('/activities'), { kind: 'note', body: '<p>hi</p>', links });
    expect(clientWrite.statusCode).toBe(403);
    expect((await timeline('contacts', contact.id, '', client.client)).statusCode).toBe(403);
    expect((await client.client.get(api('/tasks'))).statusCode).toBe(403);

    const ownersNote = (await owner.client.post(api('/activities'), { kind: 'note', body: '<p>owner</p>', links })).json();
    const staffNote = (await staff.client.post(api('/activities'), { kind: 'note', body: '<p>staff</p>', links })).json();
    const staffEdit = await staff.client.patch(api(`/activities/${ownersNote.id}`), { version: 1, body: '<p>changed</p>' });
    expect(staffEdit.statusCode).toBe(403);
    const staffDelete = await staff.client.delete(api(`/activities/${ownersNote.id}`));
    expect(staffDelete.statusCode).toBe(403);
    expect((await owner.client.get(api(`/activities/${ownersNote.id}`))).json().body).toBe('<p>owner</p>');

    // A task given to staff can be edited and completed by them even though the owner wrote it.
    const task = (await owner.client.post(api('/activities'), { kind: 'task', subject: 'Call back', assigneeUserId: staff.userId, links })).json();
    expect((await staff.client.patch(api(`/activities/${task.id}`), { version: 1, taskDueAt: new Date(Date.now() + 3_600_000).toISOString() })).statusCode).toBe(200);

    // The author deletes their own; a manager deletes anyone's. Both are in the audit log.
    expect((await staff.client.delete(api(`/activities/${staffNote.id}`))).statusCode).toBe(204);
    expect((await owner.client.delete(api(`/activities/${task.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(`/activities/${staffNote.id}`))).statusCode).toBe(404);
    const audit = (await owner.client.get(api('/audit?action=activity.deleted&limit=50'))).json().entries;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'activity.deleted', targetId: staffNote.id, actorUserId: staff.userId, details: { kind: 'note', authorUserId: staff.userId } }),
        expect.objectContaining({ action: 'activity.deleted', targetId: task.id, actorUserId: owner.userId, details: { kind: 'task', authorUserId: owner.userId } }),
      ]),
    );
    expect((await timeline('contacts', contact.id)).json().items.map((a: { id: string }) => a.id)).toEqual([ownersNote.id]);
  });

  it('CRM-4 WS-3 records of another workspace cannot be linked or read, and its items look like they do not exist', async () => {
    const theirs = await records(stranger);
    const mine = await records();
    const link = await owner.client.post(api('/activities'), { kind: 'note', body: '<p>x</p>', links: [{ recordType: 'contacts', recordId: theirs.contact.id }] });
    expect(link.statusCode).toBe(400);
    expect(link.json().error.details.fields).toEqual({ 'links.0.recordId': expect.stringMatching(/No such contact/) });
    expect((await timeline('contacts', theirs.contact.id)).statusCode).toBe(404);
    expect((await timeline('companies', theirs.company.id)).statusCode).toBe(404);

    const theirNote = (await stranger.client.post(api('/activities', stranger), { kind: 'note', body: '<p>secret</p>', links: [{ recordType: 'deals', recordId: theirs.deal.id }] })).json();
    expect((await owner.client.get(api(`/activities/${theirNote.id}`))).statusCode).toBe(404);
    expect((await owner.client.patch(api(`/activities/${theirNote.id}`), { version: 1, body: '<p>mine now</p>' })).statusCode).toBe(404);
    expect((await owner.client.delete(api(`/activities/${theirNote.id}`))).statusCode).toBe(404);
    expect((await owner.client.post(api(`/activities/${theirNote.id}/complete`), {})).statusCode).toBe(404);
    // Re-linking my note to their deal is refused too.
    const myNote = (await owner.client.post(api('/activities'), { kind: 'note', body: '<p>x</p>', links: [{ recordType: 'contacts', recordId: mine.contact.id }] })).json();
    const relink = await owner.client.patch(api(`/activities/${myNote.id}`), { version: 1, links: [{ recordType: 'deals', recordId: theirs.deal.id }] });
    expect(relink.statusCode).toBe(400);
    expect((await stranger.client.get(api(`/activities/${theirNote.id}`, stranger))).json().body).toBe('<p>secret</p>');
  });

  it('CRM-4 logActivity lets other modules add an item to a timeline inside their own transaction', async () => {
    const { contact, company } = await records();
    const ctx = { workspaceId: owner.workspaceId, userId: owner.userId, role: 'owner' as const };
    const { id } = await withTenant(server.services.database.db, ctx, (tx) =>
      logActivity(tx, ctx, { kind: 'whatsapp', body: '<p>Hi! Is the <b>offer</b> still on?<script>x()</script></p>', links: [{ recordType: 'contacts', recordId: contact.id }] }),
    );
    const items = (await timeline('companies', company.id)).json().items;
    expect(items).toEqual([expect.objectContaining({ id, kind: 'whatsapp', body: '<p>Hi! Is the <b>offer</b> still on?</p>' })]);
    await expect(
      withTenant(server.services.database.db, ctx, (tx) => logActivity(tx, ctx, { kind: 'chat', body: 'x', links: [{ recordType: 'contacts', recordId: '01900000-0000-7000-8000-000000000000' }] })),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('tasks', () => {
  it('CRM-4 my tasks: open tasks by due date (overdue, today, upcoming), completed with a checkbox and reopened', async () => {
    const { contact } = await records();
    const links = [{ recordType: 'contacts', recordId: contact.id }];
    const make = async (subject: string, taskDueAt: string | null, assigneeUserId = staff.userId) =>
      (await owner.client.post(api('/activities'), { kind: 'task', subject, taskDueAt, assigneeUserId, links })).json();
    const overdue = await make('Overdue', minutesAgo(60 * 26));
    const upcoming = await make('Upcoming', new Date(Date.now() + 3 * 86_400_000).toISOString());
    const none = await make('Someday', null);
    const notMine = await make('Not mine', minutesAgo(60 * 30), owner.userId);

    const list = async (qs: string, who = staff.client) => {
      const res = await who.get(api(`/tasks?${qs}`));
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items.map((a: { subject: string }) => a.subject);
    };
    expect(await list('assignee=me&status=open')).toEqual(['Overdue', 'Upcoming', 'Someday']);
    expect(await list('assignee=me&status=open&due=overdue')).toEqual(['Overdue']);
    expect(await list('assignee=me&status=open&due=upcoming')).toEqual(['Upcoming']);
    expect(await list('assignee=me&due=none')).toEqual(['Someday']);
    expect(await list('assignee=me&due=today')).toEqual([]);
    expect(await list(`assignee=${owner.userId}`)).toContain('Not mine');
    const paged = (await staff.client.get(api('/tasks?limit=2'))).json();
    expect(paged.items).toHaveLength(2);
    expect((await staff.client.get(api(`/tasks?limit=2&cursor=${paged.nextCursor}`))).json().items.map((a: { id: string }) => a.id)).toEqual([none.id]);

    const done = await staff.client.post(api(`/activities/${overdue.id}/complete`), {});
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ completedAt: expect.any(String), version: 2 });
    expect(await list('assignee=me&status=open')).toEqual(['Upcoming', 'Someday']);
    expect(await list('assignee=me&status=completed')).toEqual(['Overdue']);
    const reopened = await staff.client.post(api(`/activities/${overdue.id}/reopen`), { version: 2 });
    expect(reopened.json()).toMatchObject({ completedAt: null, version: 3 });
    expect((await staff.client.post(api(`/activities/${overdue.id}/complete`), { version: 2 })).statusCode).toBe(409);
    const notTask = (await owner.client.post(api('/activities'), { kind: 'note', body: '<p>x</p>', links })).json();
    expect((await owner.client.post(api(`/activities/${notTask.id}/complete`), {})).statusCode).toBe(400);
    expect(upcoming.assignee).toMatchObject({ id: staff.userId });
    expect(notMine.assignee).toMatchObject({ id: owner.userId });
  });

  it('CRM-4 a task reminder emails the assignee exactly once, at the changed time, with a link to the record', async () => {
    const { contact } = await records();
    const subject = `Send the contract ${Date.now()}`;
    // Set for later, then moved earlier: the new time is honoured.
    const task = (
      await owner.client.post(api('/activities'), {
        kind: 'task',
        subject,
        assigneeUserId: staff.userId,
        taskDueAt: new Date(Date.now() + 86_400_000).toISOString(),
        reminderAt: new Date(Date.now() + 3_600_000).toISOString(),
        links: [{ recordType: 'contacts', recordId: contact.id }],
      })
    ).json();
    expect(task.reminderSentAt).toBeNull();
    const moved = await owner.client.patch(api(`/activities/${task.id}`), { version: 1, reminderAt: new Date(Date.now() + 1_000).toISOString() });
    expect(moved.statusCode).toBe(200);

    const mail = await server.smtp.waitForMail(staff.email, (m) => m.subject === `Reminder: ${subject}`, 30_000);
    expect(mail.text).toContain(`${server.url}/w/${owner.workspaceId}/contacts/${contact.id}`);
    expect(mail.text).toContain('Timeline Traders');
    expect(mail.html).toContain(subject);

    // The sweep and a second run of the job find it sent; nothing else goes out.
    expect(await sweepTaskReminders(server.services)).toBe(0);
    await sleep(1_500);
    expect(server.smtp.mailsTo(staff.email).filter((m) => m.subject === `Reminder: ${subject}`)).toHaveLength(1);
    expect(server.smtp.mailsTo(owner.email).filter((m) => m.subject.includes(subject))).toHaveLength(0);
    expect((await owner.client.get(api(`/activities/${task.id}`))).json().reminderSentAt).toEqual(expect.any(String));
    const outbox = await server.services.database.system.select().from(mailOutbox).where(eq(mailOutbox.subject, `Reminder: ${subject}`));
    expect(outbox).toHaveLength(1);
  });

  it('CRM-4 no reminder is sent for a task completed or deleted before its time, nor for one moved later', async () => {
    const { contact } = await records();
    const stamp = Date.now();
    const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
    const make = async (subject: string) =>
      (await owner.client.post(api('/activities'), { kind: 'task', subject, assigneeUserId: staff.userId, reminderAt: inAnHour(), links: [{ recordType: 'contacts', recordId: contact.id }] })).json();
    const completed = await make(`Completed ${stamp}`);
    const deleted = await make(`Deleted ${stamp}`);
    const later = await make(`Later ${stamp}`);
    const control = await make(`Control ${stamp}`);
    expect((await staff.client.post(api(`/activities/${completed.id}/complete`), {})).statusCode).toBe(200);
    expect((await owner.client.delete(api(`/activities/${deleted.id}`))).statusCode).toBe(204);
    expect((await owner.client.patch(api(`/activities/${later.id}`), { version: 1, reminderAt: new Date(Date.now() + 7_200_000).toISOString() })).statusCode).toBe(200);

    // Time passes: the completed task's reminder time is reached, and every task's job runs now
    // on the real worker (as a stale job of a re-timed reminder would).
    const { system } = server.services.database;
    await system.update(activities).set({ reminderAt: new Date(Date.now() - 1_000) }).where(eq(activities.id, completed.id));
    for (const task of [completed, deleted, later]) await enqueue(system, taskReminderJob, { workspaceId: owner.workspaceId, activityId: task.id }, { workspaceId: owner.workspaceId });
    expect((await owner.client.patch(api(`/activities/${control.id}`), { version: 1, reminderAt: new Date().toISOString() })).statusCode).toBe(200);

    // The control task proves the worker ran; the sweep finds nothing more to send.
    await server.smtp.waitForMail(staff.email, (m) => m.subject === `Reminder: Control ${stamp}`, 30_000);
    await sleep(3_000);
    expect(await sweepTaskReminders(server.services)).toBe(0);
    const reminders = server.smtp.mailsTo(staff.email).filter((m) => m.subject.startsWith('Reminder:') && m.subject.endsWith(String(stamp)));
    expect(reminders.map((m) => m.subject)).toEqual([`Reminder: Control ${stamp}`]);
    expect((await owner.client.get(api(`/activities/${completed.id}`))).json().reminderSentAt).toBeNull();
    expect((await owner.client.get(api(`/activities/${later.id}`))).json().reminderSentAt).toBeNull();
    expect((await owner.client.get(api(`/activities/${control.id}`))).json().reminderSentAt).toEqual(expect.any(String));
  });
});
