import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../../../../scripts/build-widget.mjs';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let built: Awaited<ReturnType<typeof buildWidget>>;

beforeAll(async () => {
  built = await buildWidget();
  server = await startTestServer();
}, 300_000);

describe('widget bundle', () => {
  it('CONV-1 the widget is small: at most 20 KB gzipped, with no framework in it', () => {
    const gz = gzipSync(built.code, { level: 9 }).length;
    expect(gz).toBeLessThanOrEqual(20 * 1024);
    expect(built.code).not.toMatch(/react/i);
    expect(built.code).toContain('attachShadow');
  });

  it('CONV-1 /widget.js is a short-cached loader of the versioned, immutable bundle, loadable from other sites', async () => {
    const loader = await server.app.inject({ method: 'GET', url: '/widget.js' });
    expect(loader.statusCode).toBe(200);
    expect(loader.headers['content-type']).toContain('javascript');
    expect(loader.headers['cache-control']).toBe('public, max-age=300');
    expect(loader.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(loader.body).toContain(`widget/${built.file}`);
    const bundle = await server.app.inject({ method: 'GET', url: `/widget/${built.file}` });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['cache-control']).toContain('immutable');
    expect(bundle.body).toBe(built.code);
    expect((await server.app.inject({ method: 'GET', url: '/widget/..%2Fpackage.json' })).statusCode).toBe(400);
  });
});
