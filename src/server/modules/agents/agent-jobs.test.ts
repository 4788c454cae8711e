import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { startPlatform } from '../../platform/boot';
import { enqueue } from '../../platform/jobs/jobs';
import { createLogger } from '../../platform/logger';
import { agentRunJob, runJobKey, weeklyBriefJob } from './agent-run.job';
import { staleRunSweepJob } from './stale-runs.job';

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
type Member = Awaited<ReturnType<typeof addMember>>;
let owner: Owner;
let admin: Member;
let staff: Member;
let other: Owner;

const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const finish = (summary: string, findings: unknown[] = []) => ({ toolCalls: [{ name: 'finish', input: { summary, findings } }] });
const INTERRUPTED = 'Interrupted: the server stopped while this run was working. Start it again.';

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer({ AI_RETRY_BASE_MS: '5' });
  owner = await ownerWithWorkspace(server, 'Brief Co');
  admin = await addMember(server, owner, 'admin');
  staff = await addMember(server, owner, 'staff');
  other = await ownerWithWorkspace(server, 'Elsewhere Ltd');
  for (const o of [owner, other]) {
    const res = await o.client.request('PUT', api(o, '/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-jobs-test-0123456789', baseUrl: fake.baseUrl });
    expect(res.statusCode, res.body).toBe(200);
  }
}, 300_000);

beforeEach(() => fake.reset());

/** A run made over HTTP that finished; `crash` then puts it back as a crash would leave it. */
async function finishedRun(o: Owner): Promise<string> {
  fake.reply(finish('Template ready.'));
  const res = await o.client.post(api(o, '/agents/forge/runs'), { task: 'email_template' });
  expect(res.json().status, res.body).toBe('succeeded');
  return res.json().id;
}

/** Leaves a run as a process that died mid-run leaves it: running, no end, last seen `minutesAgo`. */
async function crash(runId: string, o: { startedMinutesAgo: number; heartbeatMinutesAgo: number | null }) {
  await server.services.database.system.execute(sql`
    UPDATE agent_runs SET status = 'running', finished_at = NULL, error = NULL,
           started_at = now() - make_interval(mins => ${o.startedMinutesAgo}),
           heartbeat_at = ${o.heartbeatMinutesAgo === null ? null : sql`now() - make_interval(mins => ${o.heartbeatMinutesAgo})`}
     WHERE id = ${runId}`);
}

const getRun = async (o: Owner, id: string) => (await o.client.get(api(o, `/agents/runs/${id}`))).json();

describe('agent background jobs', () => {
  it('AI-2 runs a crash left "running" past the time limit are ended as failed with a readable reason, in every workspace; live and queued runs are left alone', async () => {
    const stale = await finishedRun(owner);
    const staleNeverStarted = await finishedRun(owner);
    const longButAlive = await finishedRun(owner);
    const justStarted = await finishedRun(owner);
    const queued = await finishedRun(owner);
    const elsewhere = await finishedRun(other);
    await crash(stale, { startedMinutesAgo: 120, heartbeatMinutesAgo: 118 });
    // A run whose job was lost before it began: no heartbeat, no job waiting.
    await crash(staleNeverStarted, { startedMinutesAgo: 90, heartbeatMinutesAgo: null });
    // Waited long in the queue, then started: it is working now.
    await crash(longButAlive, { startedMinutesAgo: 60, heartbeatMinutesAgo: 1 });
    await crash(justStarted, { startedMinutesAgo: 0, heartbeatMinutesAgo: null });
    // Still waiting for a worker (a busy Monday): late, not lost.
    await crash(queued, { startedMinutesAgo: 90, heartbeatMinutesAgo: null });
    await enqueue(server.services.database.system, agentRunJob, { workspaceId: owner.workspaceId, runId: queued, role: 'owner' }, { workspaceId: owner.workspaceId, jobKey: runJobKey(queued), runAt: new Date(Date.now() + 86_400_000) });
    await crash(elsewhere, { startedMinutesAgo: 120, heartbeatMinutesAgo: 119 });
    for (const id of [stale, longButAlive]) expect((await getRun(owner, id)).status).toBe('running');

    await staleRunSweepJob.run({}, server.services);

    for (const id of [stale, staleNeverStarted]) {
      const run = await getRun(owner, id);
      expect(run).toMatchObject({ status: 'failed', error: INTERRUPTED });
      expect(Date.now() - Date.parse(run.finishedAt)).toBeLessThan(60_000);
    }
    for (const id of [longButAlive, justStarted, queued]) expect((await getRun(owner, id)).status, id).toBe('running');
    // The other workspace's stale run was ended too, and is still only its own.
    expect(await getRun(other, elsewhere)).toMatchObject({ status: 'failed', error: INTERRUPTED });
    expect((await other.client.get(api(other, `/agents/runs/${stale}`))).statusCode).toBe(404);
    expect((await owner.client.get(api(owner, `/agents/runs/${elsewhere}`))).statusCode).toBe(404);
    // The run list (what a page polls) shows the end as it shows a normal one.
    const listed = (await owner.client.get(api(owner, '/agents/runs?limit=20'))).json().items.find((r: { id: string }) => r.id === stale);
    expect(listed).toMatchObject({ status: 'failed', error: INTERRUPTED, finishedAt: expect.any(String) });
  });

  it('AI-2 the sweep is on the worker schedule and also runs when a server starts', async () => {
    const { rows } = await server.services.database.system.execute<{ identifier: string }>(sql`SELECT identifier FROM graphile_worker._private_known_crontabs`);
    expect(rows.map((r) => r.identifier)).toContain('agents_stale_run_sweep');

    const id = await finishedRun(owner);
    await crash(id, { startedMinutesAgo: 45, heartbeatMinutesAgo: 40 });
    // A second instance starting on the same database (its worker idle, so it takes no jobs).
    const second = await startPlatform({ ...server.services.config, WORKER_CONCURRENCY: 0 }, createLogger('silent'));
    await second.shutdown();
    expect(await getRun(owner, id)).toMatchObject({ status: 'failed', error: INTERRUPTED });
  });

  it('AI-2 a scheduled weekly brief that succeeds is emailed to owners and admins with a link to the run; staff get nothing; a failed brief sends nothing', async () => {
    await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: [], weeklyBrief: true });
    try {
      const summary = 'Two deals closed this week; Harbor Freight renewal is at risk and needs a call.';
      fake.otherwise(finish(summary, [{ title: 'Focus: Harbor Freight renewal', detail: 'No reply in 12 days.' }]));
      await weeklyBriefJob.run({}, server.services);
      const briefRun = async () => (await owner.client.get(api(owner, '/agents/runs?agent=strategist&limit=5'))).json().items.find((r: { trigger: string }) => r.trigger === 'schedule');
      await expect.poll(async () => (await briefRun())?.status, { timeout: 60_000, interval: 500 }).toBe('succeeded');
      const run = await briefRun();
      const subject = 'Your weekly brief — Brief Co';
      const toOwner = await server.smtp.waitForMail(owner.email, (m) => m.subject === subject);
      const toAdmin = await server.smtp.waitForMail(admin.email, (m) => m.subject === subject);
      const link = `${server.url}/w/${owner.workspaceId}/agents/runs/${run.id}`;
      for (const mail of [toOwner, toAdmin]) {
        expect(mail.text).toContain(summary);
        expect(mail.text).toContain('Focus: Harbor Freight renewal: No reply in 12 days.');
        expect(mail.text).toContain(link);
        expect(mail.html).toContain('Harbor Freight renewal is at risk');
        expect(mail.html).toContain(`href="${link}"`);
      }
      // Every brief mail is queued in one transaction: the outbox holds exactly the owner's and the admin's.
      const outbox = await server.services.database.system.execute<{ to: string }>(sql`SELECT to_address AS to FROM mail_outbox WHERE template = 'weeklyBrief'`);
      expect(outbox.rows.map((r) => r.to).sort()).toEqual([owner.email, admin.email].sort());
      expect(server.smtp.mailsTo(staff.email).filter((m) => m.subject === subject)).toHaveLength(0);
      expect(server.smtp.mailsTo(other.email).filter((m) => m.subject.startsWith('Your weekly brief'))).toHaveLength(0);

      // A brief that fails (the provider refuses the key) mails no one.
      fake.otherwise({ status: 401, message: 'Incorrect API key provided' });
      const before = server.smtp.messages.filter((m) => m.subject === subject).length;
      await weeklyBriefJob.run({}, server.services);
      await expect.poll(async () => (await briefRun())?.status, { timeout: 60_000, interval: 500 }).toBe('failed');
      const failed = await briefRun();
      expect(failed.id).not.toBe(run.id);
      const queuedMail = await server.services.database.system.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'weeklyBrief'`);
      expect(queuedMail.rows[0]!.n).toBe(2);
      const jobs = await server.services.database.system.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${`weekly-brief-mail:${failed.id}`}`);
      expect(jobs.rows[0]!.n).toBe(0);
      await new Promise((r) => setTimeout(r, 1500));
      expect(server.smtp.messages.filter((m) => m.subject === subject)).toHaveLength(before);
    } finally {
      await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: [], weeklyBrief: false });
    }
  });
});
