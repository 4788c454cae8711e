import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));

/**
 * Kestrel supports Node 24 (docs/decisions/010): the tests run on it wherever they run (the `node`
 * dependency puts it first on npm scripts' PATH, whatever Node the machine has), and no installed
 * package declares an engine it does not satisfy (npm's EBADENGINE warning).
 */
describe('Node.js', () => {
  it('OPS-1 the tests run on the Node version Kestrel supports, the one its `node` dependency installs', () => {
    const pkg = read('package.json');
    expect(semver.satisfies(process.version, pkg.engines.node), `${process.version} vs ${pkg.engines.node}`).toBe(true);
    expect(semver.major(process.version)).toBe(semver.minVersion(pkg.dependencies.node)!.major);
    expect(semver.satisfies(process.version, pkg.dependencies.node)).toBe(true);
  });

  it('OPS-1 every installed package accepts the supported Node in its engines (no EBADENGINE at install)', () => {
    const lock = read('package-lock.json') as { packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[]; cpu?: string[] }> };
    const refused: string[] = [];
    for (const [name, entry] of Object.entries(lock.packages)) {
      const wanted = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!name || !wanted) continue;
      // Optional packages for other platforms are never installed here.
      if (entry.os && !entry.os.includes(process.platform)) continue;
      if (entry.cpu && !entry.cpu.includes(process.arch)) continue;
      if (!semver.satisfies(process.version, wanted)) refused.push(`${name} wants node ${wanted}`);
    }
    expect(refused).toEqual([]);
  });
});
