// The privacy tests' shared setup (export, retention, account export): a server, two workspaces
// with their owners, and the few steps each of them repeats.
import { beforeAll, expect } from 'vitest';
import { runCli } from '../../src/server/cli';
import { ownerWithWorkspace } from './client';
import { startTestServer, type TestServer } from './server';

export type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;

export interface PrivacyTestBed {
  server: TestServer;
  /** The workspace under test and another one beside it, each with its owner signed in. */
  owner: Owner;
  other: Owner;
  api(o: { workspaceId: string }, path: string): string;
  /** The JSON of a 200 or 201 answer (the test fails on anything else, showing the body). */
  made(res: Promise<{ statusCode: number; body: string; json(): any }>): Promise<any>;
  /** The owner connection (no row-level security) for backdating and inserting fixtures. */
  sys(): TestServer['services']['database']['systemPool'];
  /** Runs the CLI against the test server's database; captures its output. */
  cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** An AI call by `userId` made `daysAgo` days ago, the way record-call.ts writes one. */
  aiCall(o: { workspaceId: string }, userId: string | null, daysAgo: number, call?: { model?: string; outcome?: string; tokensIn?: number | null; tokensOut?: number | null; costUsd?: number | null }): Promise<void>;
  /** Asks for a workspace export and waits until its job has built it. */
  readyExport(o: Owner): Promise<{ id: string; downloadUrl: string }>;
}

/** Starts the server and the two workspaces in the file's beforeAll. */
export function privacyTestBed(name: string, otherName: string, env: Record<string, string> = {}): PrivacyTestBed {
  const bed = {
    api: (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`,
    async made(res: Promise<{ statusCode: number; body: string; json(): any }>) {
      const r = await res;
      expect([200, 201], r.body).toContain(r.statusCode);
      return r.json();
    },
    sys: () => bed.server.services.database.systemPool,
    async cli(argv: string[]) {
      const c = bed.server.services.config;
      const env = { NODE_ENV: 'test', DATABASE_URL: c.DATABASE_URL!, DATABASE_POOL_SIZE: '2', DATA_DIR: c.DATA_DIR, KESTREL_SECRET_KEYS: c.KESTREL_SECRET_KEYS!, KESTREL_SESSION_SECRET: c.KESTREL_SESSION_SECRET! };
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, { env, stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
      return { code, stdout, stderr };
    },
    async aiCall(o: { workspaceId: string }, userId: string | null, daysAgo: number, call: { model?: string; outcome?: string; tokensIn?: number | null; tokensOut?: number | null; costUsd?: number | null } = {}) {
      await bed.sys().query(
        `INSERT INTO ai_calls (workspace_id, id, user_id, feature, provider_kind, provider_source, model, prompt, outcome, tokens_in, tokens_out, cost_usd, created_at)
         VALUES ($1, gen_random_uuid(), $2, 'brain', 'openai', 'workspace', $3, '{"system":null,"messages":[{"role":"user","content":"secret prompt"}]}'::jsonb, $4, $5, $6, $7, now() - make_interval(days => $8))`,
        [o.workspaceId, userId, call.model ?? 'gpt-4o-mini', call.outcome ?? 'ok', call.tokensIn ?? null, call.tokensOut ?? null, call.costUsd ?? null, daysAgo],
      );
    },
    async readyExport(o: Owner) {
      const requested = await bed.made(o.client.post(bed.api(o, '/privacy/exports')));
      expect(requested.downloadUrl).toMatch(/\/download\?token=[\w-]{40,}$/);
      await expect.poll(async () => (await o.client.get(bed.api(o, `/privacy/exports/${requested.id}`))).json().status, { timeout: 60_000, interval: 200 }).toBe('ready');
      return requested as { id: string; downloadUrl: string };
    },
  } as PrivacyTestBed;
  beforeAll(async () => {
    bed.server = await startTestServer(env);
    bed.owner = await ownerWithWorkspace(bed.server, name);
    bed.other = await ownerWithWorkspace(bed.server, otherName);
  }, 300_000);
  return bed;
}
