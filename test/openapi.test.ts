import { createConfig, lintFromString } from '@redocly/openapi-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server';

let server: TestServer;
let doc: Record<string, any>;

beforeAll(async () => {
  server = await startTestServer();
  const res = await server.app.inject({ method: 'GET', url: '/api/openapi.json' });
  doc = res.json();
});

describe('the OpenAPI document', () => {
  it('INT-4 a standard OpenAPI linter (Redocly, recommended rules) finds no errors', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config });
    const summary = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    console.log(summary.length, summary.slice(0, 40).join('\n'));
    const counts: Record<string, number> = {};
    for (const p of problems) counts[`${p.severity} ${p.ruleId}`] = (counts[`${p.severity} ${p.ruleId}`] ?? 0) + 1;
    console.log(counts);
    expect(summary.filter((s) => s.startsWith('error'))).toEqual([]);
  });
});
