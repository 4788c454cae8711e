import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './processes';

/**
 * Puts `markdown` into docs/benchmarks.md between `<!-- bench:<name>:start -->` and its end marker,
 * so a bench run alone (CRM, web) leaves the other figures in place. A first run adds the block
 * under `heading` (creating the heading at the end when the file has none).
 */
export function writeBenchBlock(name: string, heading: string, markdown: string): string {
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  const [start, end] = [`<!-- bench:${name}:start -->`, `<!-- bench:${name}:end -->`];
  const block = `${start}\n${markdown}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  let next: string;
  if (current.includes(start) && current.includes(end)) next = current.slice(0, current.indexOf(start)) + block + current.slice(current.indexOf(end) + end.length);
  else if (current.includes(`${heading}\n`)) next = current.replace(`${heading}\n`, `${heading}\n\n${block}\n`);
  else next = `${current.trimEnd()}\n\n${heading}\n\n${block}\n`;
  writeFileSync(file, next);
  return file;
}
