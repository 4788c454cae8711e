import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository (or installed package) root: the nearest directory above this file holding
 * package.json and db/migrations. Works from the TypeScript sources (tsx, tests) and from the
 * bundled server in dist/server alike.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'db/migrations'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`Kestrel: no package.json with db/migrations above ${from}`);
  }
}

export const repoRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));
