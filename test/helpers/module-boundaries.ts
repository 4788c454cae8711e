import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * ARCH (README, STYLE): a module reaches another only through that module's `index.ts`, its
 * exported use cases, never its tables or internal files. What the rule lets through:
 * - the importer's own `*.schema.ts` files: a table's foreign keys name other modules' tables;
 * - another module's `*.contract.ts`: zod request/response schemas, public by nature (they are
 *   the HTTP API's shapes, shared with the web app), with no tables or behaviour behind them;
 * - test files, which may set up data however they need.
 */
export const modulesRoot = fileURLToPath(new URL('../../src/server/modules', import.meta.url));

export interface CrossImport {
  /** `<module>/<path>.ts` of the importing file, relative to src/server/modules. */
  from: string;
  /** The imported file, relative to src/server/modules, without its extension. */
  to: string;
}

const exempt = (file: string) => /\.test\.ts$/.test(file) || /\.schema\.ts$/.test(file);

function resolveTarget(fromFile: string, spec: string): string | null {
  const base = path.resolve(path.dirname(fromFile), spec.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return existsSync(base) && statSync(base).isFile() ? base : null;
}

/** The imports of one source file (static, re-exports, type-only and dynamic) that break the rule. */
export function violationsIn(file: string, source: string, root = modulesRoot): CrossImport[] {
  const rel = path.relative(root, file);
  const own = rel.split(path.sep)[0];
  const out: CrossImport[] = [];
  for (const { fileName: spec } of ts.preProcessFile(source, true, true).importedFiles) {
    if (!spec.startsWith('.')) continue;
    const target = resolveTarget(file, spec) ?? path.resolve(path.dirname(file), spec.replace(/\.js$/, ''));
    const to = path.relative(root, target);
    if (to.startsWith('..')) continue; // platform, shared code: not a module
    const [module, ...rest] = to.split(path.sep);
    if (module === own) continue;
    const inner = rest.join('/');
    if (inner === 'index.ts' || inner === '' || inner === 'index') continue;
    if (/\.contract\.ts$/.test(inner)) continue;
    out.push({ from: rel.split(path.sep).join('/'), to: to.split(path.sep).join('/').replace(/\.tsx?$/, '') });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Every import across modules in src/server/modules that breaks the rule, as `from -> to`, sorted and distinct. */
export function scanModuleBoundaries(root = modulesRoot): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(root)) {
    if (exempt(file)) continue;
    for (const v of violationsIn(file, readFileSync(file, 'utf8'), root)) found.add(`${v.from} -> ${v.to}`);
  }
  return [...found].sort();
}
