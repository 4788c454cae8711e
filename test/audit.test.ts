import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs scripts/audit.mjs, as .ci/run does, on a recorded `npm audit --json` report. */
function audit(fixture: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['scripts/audit.mjs', '--input', path.join('test/fixtures/audit', fixture)], { encoding: 'utf8', env: { ...process.env, AUDIT_STRICT: '', ...env } });
  return { code: run.status, out: run.stdout + run.stderr };
}

describe('dependency audit', () => {
  it('SEC-4 fails on a critical vulnerability with a fix available, naming it and the fix', () => {
    const { code, out } = audit('high-with-fix.json');
    expect(code).toBe(1);
    expect(out).toContain('FAILED — 2 high/critical');
    expect(out).toMatch(/critical minimist .*fix: npm audit fix/);
    expect(out).toMatch(/critical mkdirp .*fix: upgrade mkdirp to 0\.5\.6/);
    expect(out).toContain('GHSA-xvch-5gv4-984h');
  });

  it('SEC-4 passes when the only high vulnerability has no fix yet and the rest are moderate', () => {
    const { code, out } = audit('high-without-fix.json');
    expect(code).toBe(0);
    expect(out).toMatch(/high +xlsx .*no fix yet/);
    expect(out).toContain('no high or critical vulnerability with a fix available');
    expect(audit('clean.json').code).toBe(0);
  });

  it('SEC-4 an unreachable advisory service is reported and does not fail the build (unless AUDIT_STRICT=1)', () => {
    const { code, out } = audit('unreachable-405.json');
    expect(code).toBe(0);
    expect(out).toContain('could not be reached (405 Method Not Allowed');
    expect(audit('unreachable-405.json', { AUDIT_STRICT: '1' }).code).toBe(1);
  });
});
