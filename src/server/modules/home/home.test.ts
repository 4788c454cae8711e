import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { agentRuns } from '../agents/agents.schema';
import { propose } from '../agents/proposals/proposals';
import type { Home } from './home.contract';

let server: TestServer;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
type Member = Awaited<ReturnType<typeof addMember>>;
let owner: Owner;
let staff: Member;
let client: Member;
let stranger: Owner;

const api = (path: string, o: { workspaceId: string } = owner) => `/api/workspaces/${o.workspaceId}${path}`;
const home = async (who: { client: Owner['client'] }, o: { workspaceId: string } = owner): Promise<Home> => {
  const res = await who.client.get(api('/home', o));
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
/** A day of this month in the workspace's zone (America/Chicago), and one of the next. */
const chicagoToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const nextMonth = () => {
  const [y, m] = chicagoToday().split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-15` : `${y}-${String(m + 1).padStart(2, '0')}-15`;
};

async function post(who: { client: Owner['client'] }, path: string, body: unknown, o: { workspaceId: string } = owner) {
  const res = await who.client.post(api(path, o), body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** An agent's proposal through the agents' own use case, as a run by `userId` would make it. */
async function proposal(userId: string, role: WorkspaceContext['role'], recordId: string) {
  const ctx: WorkspaceContext = { workspaceId: owner.workspaceId, userId, role };
  const [run] = await withTenant(server.services.database.db, ctx, (tx) => tx.insert(agentRuns).values({ workspaceId: owner.workspaceId, agent: 'closer', task: 'next_step', userId, status: 'succeeded' }).returning());
  return propose(server.services, ctx, { id: run!.id, agent: 'closer' }, 'create_tasks', { tasks: [{ title: 'Call back about the quote', dueInDays: 1, recordType: 'contacts', recordId }] }, 'They asked for a call.');
}

let data: Record<string, { id: string }>;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Cockpit Bakery');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  stranger = await ownerWithWorkspace(server, 'Elsewhere Ltd');

  const o = owner;
  const s = { client: staff.client };
  // Contacts: three fresh leads (two the owner's, one staff's), a prospect, and an old lead.
  const ada = await post(o, '/contacts', { firstName: 'Ada', lastName: 'Lead', lifecycle: 'lead' });
  const bob = await post(o, '/contacts', { firstName: 'Bob', lastName: 'Lead', lifecycle: 'lead' });
  const sam = await post(s, '/contacts', { firstName: 'Sam', lastName: 'Staffslead', lifecycle: 'lead', ownerUserId: staff.userId });
  await post(o, '/contacts', { firstName: 'Pat', lastName: 'Prospect', lifecycle: 'prospect' });
  const old = await post(o, '/contacts', { firstName: 'Olga', lastName: 'Oldlead', lifecycle: 'lead' });
  await withTenant(server.services.database.db, { workspaceId: o.workspaceId, userId: o.userId }, (tx) => tx.execute(sql`UPDATE contacts SET created_at = now() - interval '10 days' WHERE workspace_id = ${o.workspaceId} AND id = ${old.id}`));

  // Deals: two open this month in USD (owner's 1000, staff's 250), one in EUR, one next month, one won this month.
  const today = chicagoToday();
  const big = await post(o, '/deals', { name: 'Wedding cakes', amount: '1000', expectedCloseDate: today, contactId: ada.id });
  const small = await post(s, '/deals', { name: 'Office pastries', amount: '250.50', expectedCloseDate: today, ownerUserId: staff.userId });
  await post(o, '/deals', { name: 'Paris order', amount: '400', currency: 'EUR', expectedCloseDate: today });
  await post(o, '/deals', { name: 'Next month order', amount: '7000', expectedCloseDate: nextMonth() });
  const won = await post(o, '/deals', { name: 'Already won', amount: '9000', expectedCloseDate: today });
  const { pipelines } = (await owner.client.get(api('/pipelines'))).json();
  const wonStage = pipelines[0].stages.find((st: { kind: string }) => st.kind === 'won');
  expect((await owner.client.post(api(`/deals/${won.id}/move`), { stageId: wonStage.id, version: won.version })).statusCode).toBe(200);

  // Tasks: the owner's overdue, due a minute ago (overdue and today: counted once), in three days, and done; staff's own.
  const task = (who: { client: Owner['client'] }, subject: string, due: string, assigneeUserId: string, recordId = ada.id) =>
    post(who, '/activities', { kind: 'task', subject, taskDueAt: due, assigneeUserId, links: [{ recordType: 'contacts', recordId }] });
  await task(o, 'Overdue: send invoice', hoursFromNow(-48), owner.userId);
  await task(o, 'Due now: call Ada', hoursFromNow(-1 / 60), owner.userId);
  await task(o, 'Later: tasting', hoursFromNow(72), owner.userId);
  const done = await task(o, 'Done already', hoursFromNow(-24), owner.userId);
  expect((await owner.client.post(api(`/activities/${done.id}/complete`), { version: done.version })).statusCode).toBe(200);
  await task(s, 'Staff: ring Sam', hoursFromNow(-2), staff.userId, sam.id);

  // Notes: one on the owner's contact, one by staff on theirs.
  await post(o, '/activities', { kind: 'note', body: '<p>Ada wants three tiers.</p>', links: [{ recordType: 'contacts', recordId: ada.id }] });
  await post(s, '/activities', { kind: 'note', body: '<p>Sam prefers mornings.</p>', links: [{ recordType: 'contacts', recordId: sam.id }] });

  // Approvals: one from a run the owner started, one from staff's.
  await proposal(owner.userId, 'owner', ada.id);
  await proposal(staff.userId, 'staff', sam.id);

  // The client is shown one deal only.
  expect((await owner.client.post(api(`/deals/${small.id}/shares`), { userId: client.userId })).statusCode).toBe(200);

  // Another workspace's lead, deal and task, which nobody here may ever see.
  const theirs = await post(stranger, '/contacts', { firstName: 'Stranger', lastName: 'Lead' }, stranger);
  await post(stranger, '/deals', { name: 'Stranger deal', amount: '123', expectedCloseDate: today }, stranger);
  await post(stranger, '/activities', { kind: 'task', subject: 'Stranger task', taskDueAt: hoursFromNow(-3), assigneeUserId: stranger.userId, links: [{ recordType: 'contacts', recordId: theirs.id }] }, stranger);

  data = { ada, bob, sam, old, big, small };
}, 300_000);

describe('home cockpit', () => {
  it('CRM-3 CRM-4 AI-5 the owner sees their day: tasks due, approvals, new leads, deals closing this month, pipeline value by stage, recent activity', async () => {
    const h = await home(owner);
    expect(h.workspace).toMatchObject({ name: 'Cockpit Bakery', currency: 'USD', timeZone: 'America/Chicago' });

    // Tasks: overdue and due today, mine, open; soonest first; the three-days-ahead, done and staff's ones are not here.
    expect(h.tasks!.items.map((t) => t.subject)).toEqual(['Overdue: send invoice', 'Due now: call Ada']);
    expect(h.tasks!.count).toBe(2);

    // Approvals: both pending proposals (owners decide every one).
    expect(h.approvals!.pendingCount).toBe(2);
    expect(h.approvals!.items).toHaveLength(2);
    expect(h.approvals!.items.every((p) => p.status === 'pending' && p.agent === 'closer')).toBe(true);

    // New leads: the three from this week, newest first; not the prospect nor the 10-day-old lead.
    expect(h.newLeads.items.map((c) => c.firstName)).toEqual(['Sam', 'Bob', 'Ada']);
    expect(h.newLeads.count).toBe(3);

    // Closing this month: the open ones with a date this month, soonest first, summed per currency; not the won or next month's.
    expect(h.closingThisMonth.items.map((d) => d.name).sort()).toEqual(['Office pastries', 'Paris order', 'Wedding cakes']);
    expect(h.closingThisMonth.count).toBe(3);
    expect(h.closingThisMonth.totals).toEqual([
      { currency: 'EUR', amount: '400.00' },
      { currency: 'USD', amount: '1250.50' },
    ]);
    expect(h.closingThisMonth.month).toBe(chicagoToday().slice(0, 7));

    // Pipeline value: open stages only, all five open deals in Lead-in (the default stage), per currency.
    const [sales] = h.pipelines;
    expect(sales!.stages.map((s) => s.name)).toEqual(['Lead-in', 'Qualified', 'Proposal', 'Negotiation']);
    expect(sales!.stages[0]).toMatchObject({ count: 4, totals: [{ currency: 'EUR', amount: '400.00' }, { currency: 'USD', amount: '8250.50' }] });
    expect(sales!.stages.slice(1).every((s) => s.count === 0 && s.totals.length === 0)).toBe(true);

    // Recent activity: newest first, across the workspace; never another workspace's.
    expect(h.recentActivity!.slice(0, 2).map((a) => a.bodyText ?? a.subject)).toEqual(['Sam prefers mornings.', 'Ada wants three tiers.']);
    // All seven items logged here (five tasks, two notes), within the page of eight; the stranger's task is not one.
    expect(h.recentActivity!.length).toBe(7);
    const everything = JSON.stringify(h);
    expect(everything).not.toContain('Stranger');

    expect(h.summary).toMatchObject({ contacts: { count: 5 }, openDeals: { count: 4 } });
  });

  it('CRM-1 CRM-3 staff who see only their own records see only those on home, and only their own tasks and proposals', async () => {
    // With every record visible, staff see all leads but only their own tasks and approvals.
    let h = await home({ client: staff.client });
    expect(h.newLeads.count).toBe(3);
    expect(h.tasks!.items.map((t) => t.subject)).toEqual(['Staff: ring Sam']);
    expect(h.approvals!.pendingCount).toBe(1);

    const on = await owner.client.request('PUT', api('/crm-settings'), { staffOwnRecordsOnly: true });
    expect(on.statusCode, on.body).toBe(200);
    try {
      h = await home({ client: staff.client });
      expect(h.newLeads.items.map((c) => c.firstName)).toEqual(['Sam']);
      expect(h.newLeads.count).toBe(1);
      expect(h.closingThisMonth.items.map((d) => d.name)).toEqual(['Office pastries']);
      expect(h.closingThisMonth.totals).toEqual([{ currency: 'USD', amount: '250.50' }]);
      expect(h.pipelines[0]!.stages[0]).toMatchObject({ count: 1, totals: [{ currency: 'USD', amount: '250.50' }] });
      // Their own note and task, on their own contact; not the owner's note about Ada.
      const texts = h.recentActivity!.map((a) => a.bodyText ?? a.subject);
      expect(texts).toContain('Sam prefers mornings.');
      expect(texts).toContain('Staff: ring Sam');
      expect(texts).not.toContain('Ada wants three tiers.');
      expect(JSON.stringify(h)).not.toContain('Wedding cakes');
      expect(h.summary).toMatchObject({ contacts: { count: 1 }, openDeals: { count: 1 } });
    } finally {
      expect((await owner.client.request('PUT', api('/crm-settings'), { staffOwnRecordsOnly: false })).statusCode).toBe(200);
    }
  });

  it('CRM-3 a client sees only what was shared with them, and no tasks, approvals or timeline', async () => {
    const h = await home({ client: client.client });
    expect(h.tasks).toBeNull();
    expect(h.approvals).toBeNull();
    expect(h.recentActivity).toBeNull();
    expect(h.newLeads.count).toBe(0);
    expect(h.closingThisMonth.items.map((d) => d.id)).toEqual([data.small!.id]);
    expect(h.pipelines[0]!.stages[0]).toMatchObject({ count: 1, totals: [{ currency: 'USD', amount: '250.50' }] });
    expect(JSON.stringify(h)).not.toContain('Wedding cakes');
  });

  it('WS-3 another workspace never sees this one, nor is let in', async () => {
    const h = await home(stranger, stranger);
    expect(h.newLeads.items.map((c) => c.firstName)).toEqual(['Stranger']);
    expect(h.closingThisMonth.items.map((d) => d.name)).toEqual(['Stranger deal']);
    expect(h.tasks!.items.map((t) => t.subject)).toEqual(['Stranger task']);
    expect(h.approvals!.pendingCount).toBe(0);
    const json = JSON.stringify(h);
    for (const mine of ['Cockpit Bakery', 'Wedding cakes', 'Ada', 'Sam prefers', 'Call back about the quote']) expect(json).not.toContain(mine);
    const res = await stranger.client.get(api('/home', owner));
    expect([403, 404]).toContain(res.statusCode);
    expect(res.json().error.code).toBeTruthy();
  });

  it('CRM-3 a brand-new workspace answers with empty sections and the default pipeline at zero', async () => {
    const fresh = await ownerWithWorkspace(server, 'Brand New Co');
    const h = await home(fresh, fresh);
    expect(h.summary).toEqual({ contacts: { count: 0, capped: false }, companies: { count: 0, capped: false }, openDeals: { count: 0, capped: false } });
    expect(h.tasks).toEqual({ items: [], count: 0, capped: false });
    expect(h.approvals).toEqual({ items: [], pendingCount: 0 });
    expect(h.recentActivity).toEqual([]);
    expect(h.pipelines).toHaveLength(1);
    expect(h.pipelines[0]!.stages.every((s) => s.count === 0)).toBe(true);
  });
});
