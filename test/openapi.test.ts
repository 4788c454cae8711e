import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { INT4_MAX, INT4_MIN } from '../src/server/platform/http/bounds';
import { ownerWithWorkspace } from './helpers/client';
import { resolve, type JsonSchema } from './helpers/openapi-arbitrary';
import { startTestServer, type TestServer } from './helpers/server';

/** INT-4: the OpenAPI document is valid, complete and bounded, and a standard generator makes a working client from it. */
let server: TestServer;
let doc: { servers?: Array<{ url: string }>; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> } };
const methods = ['get', 'post', 'put', 'patch', 'delete'];
const operations = () => Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).filter(([m]) => methods.includes(m)).map(([m, op]) => ({ method: m.toUpperCase(), path: p, op })));

beforeAll(async () => {
  server = await startTestServer();
  doc = (await server.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
});

describe('the OpenAPI document', () => {
  it('INT-4 a standard OpenAPI linter (Redocly, recommended rules) finds no errors', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it('INT-4 names the server, and every operation has a unique operationId and the security its declared access needs', () => {
    expect(doc.servers).toEqual([{ url: server.url, description: 'This Kestrel' }]);
    const ops = operations();
    expect(ops.length).toBeGreaterThan(150);
    const ids = ops.map((o) => o.op.operationId);
    expect(ids.filter((id) => typeof id !== 'string' || !/^[a-z][A-Za-z0-9]+$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const accessOf = new Map(server.app.routeCatalog.map((r) => [`${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`, r.access]));
    for (const { method, path: p, op } of ops) {
      const access = accessOf.get(`${method} ${p}`);
      expect(access, `${method} ${p}`).toBeDefined();
      const expected = access === 'public' ? [] : method === 'GET' ? [{ session: [] }] : [{ session: [], csrfToken: [] }];
      expect(op.security, `${method} ${p}`).toEqual(expected);
    }
    for (const scheme of ['session', 'csrfToken']) expect(doc.components.securitySchemes[scheme]).toBeDefined();
  });

  it('INT-4 every number, string and list a request carries is bounded, integers by PostgreSQL integer', () => {
    const unbounded: string[] = [];
    const walk = (schema: JsonSchema, where: string, seen: Set<string>) => {
      if (schema.$ref) {
        if (seen.has(schema.$ref)) return;
        seen = new Set([...seen, schema.$ref]);
      }
      const s = resolve(schema, doc.components.schemas);
      for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(branch, where, seen);
      if (s.enum || s.const !== undefined) return;
      const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
      // A fully anchored pattern without open-ended repetition bounds a string as well as maxLength does.
      const patternBounded = !!s.pattern && /^\^.*\$$/.test(s.pattern) && !/[*+]|\{\d+,\}/.test(s.pattern.replace(/\\./g, ''));
      if (types.includes('string') && s.maxLength === undefined && !patternBounded) unbounded.push(`${where}: string without maxLength`);
      // A bigint column (money in minor units) says so with format int64, and is still bounded.
      const int64 = s.format === 'int64' && (s.minimum ?? -Infinity) >= Number.MIN_SAFE_INTEGER && (s.maximum ?? Infinity) <= Number.MAX_SAFE_INTEGER;
      if (types.includes('integer') && !int64 && !((s.minimum ?? -Infinity) >= INT4_MIN && (s.maximum ?? Infinity) <= INT4_MAX)) unbounded.push(`${where}: integer beyond int4 (${s.minimum}..${s.maximum})`);
      if (types.includes('number') && (s.minimum === undefined || s.maximum === undefined)) unbounded.push(`${where}: number without bounds`);
      if (types.includes('array')) {
        if (s.maxItems === undefined) unbounded.push(`${where}: list without maxItems`);
        if (s.items) walk(s.items, `${where}[]`, seen);
      }
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${where}.${k}`, seen);
      if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${where}.*`, seen);
    };
    for (const { method, path: p, op } of operations()) {
      for (const param of op.parameters ?? []) walk(param.schema, `${method} ${p} ${param.in} ${param.name}`, new Set());
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) walk(body, `${method} ${p} body`, new Set());
    }
    expect(unbounded).toEqual([]);
  });

  it('INT-4 openapi-typescript generates types from it, and an openapi-fetch client typed by them signs in, creates a contact and lists contacts', { timeout: 120_000 }, async () => {
    const owner = await ownerWithWorkspace(server, 'Generated Client Co');
    // Inside node_modules so that the generated client resolves openapi-fetch like any package.
    const dir = path.resolve('node_modules/.cache/kestrel-int4-client');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'api.d.ts'), astToString(await openapiTS(doc as never)));
    const client = `
import createClient from 'openapi-fetch';
import type { paths } from './api';

export async function run(baseUrl: string, email: string, password: string, workspaceId: string) {
  const api = createClient<paths>({ baseUrl });
  const signIn = await api.POST('/api/auth/sign-in', { body: { email, password } });
  const cookie = (signIn.response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const me = await api.GET('/api/auth/me', { headers: { cookie } });
  const csrf = me.data?.csrfToken ?? '';
  const created = await api.POST('/api/workspaces/{workspaceId}/contacts', {
    params: { path: { workspaceId } },
    body: { firstName: 'Grace', lastName: 'Hopper', emails: ['grace@example.test'] },
    headers: { cookie, 'x-csrf-token': csrf },
  });
  const list = await api.GET('/api/workspaces/{workspaceId}/contacts', { params: { path: { workspaceId }, query: { q: 'Grace' } }, headers: { cookie } });
  const names: string[] = (list.data?.items ?? []).map((c) => [c.firstName, c.lastName].join(' '));
  // @ts-expect-error the generated types know a first name is text
  const wrong = () => api.POST('/api/workspaces/{workspaceId}/contacts', { params: { path: { workspaceId } }, body: { firstName: 42 } });
  void wrong;
  return { signedIn: signIn.response.status, me: me.data?.user?.email, created: created.response.status, createdId: created.data?.id, names, error: created.error?.error.code };
}
`;
    writeFileSync(path.join(dir, 'client.ts'), client);
    const program = ts.createProgram([path.join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    writeFileSync(path.join(dir, 'client.mjs'), ts.transpileModule(client, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    const { run } = await import(pathToFileURL(path.join(dir, 'client.mjs')).href);
    const result = await run(server.url, owner.email, owner.password, owner.workspaceId);
    expect(result).toMatchObject({ signedIn: 200, me: owner.email, created: 201, names: ['Grace Hopper'] });
    expect(typeof result.createdId).toBe('string');
  });
});
