import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Issue 14 (import memory < 300 MB): while an import reads its file (or its upload is received: upload-import.ts), its steady allocation makes
 * V8 grow the young generation of the whole process to its maximum — with `npm start`'s default
 * flags (decision 024) that is 128 MiB of new space, +125 MiB resident for the import's duration
 * (measured: heap total 109 → 234 MiB with the heap in use unchanged). A job cannot pass
 * `--max-semi-space-size`, but V8 reads `--semi-space-growth-factor` each time it grows the new
 * space: holding it at 1 once the new space has reached `capMiB` stops the growth there, and
 * putting V8's default (2) back when the last reading import ends lets request traffic grow it
 * again. The server's own flags and its requests outside an import are unchanged.
 *
 * The new space may already be at its maximum when the import starts (an idle server keeps the size
 * its last busy moment left: 109 MiB of heap in one measured run, 233 in the next), so the cap first
 * shrinks it: one "last resort" full collection (V8's own memory-reducing GC, the one that gives
 * the new space back; it stops the event loop while it runs — 28 ms on a small test heap, not
 * measured inside the server), done again when the reading ends.
 *
 * Both use `v8.setFlagsFromString` after start-up, which Node documents as "use with care": the two
 * flags here are read by V8 when it acts on them (tested in young-generation.test.ts, so a Node whose
 * V8 stops honouring them fails that test rather than silently using more memory). `--expose-gc` only
 * puts a `gc` function into contexts created afterwards; the one used here lives in its own context.
 *
 * `IMPORT_YOUNG_MIB` (config; default 32, the new space that 16 MiB semi-spaces give) sets the cap;
 * 0 turns all of this off.
 */
const DEFAULT_GROWTH_FACTOR = 2;
let holders = 0;
let held = false;

export const DEFAULT_IMPORT_YOUNG_MIB = 32;

const newSpaceMiB = () => (v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / 1024 / 1024;

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
let gcFunction: GcFunction | null = null;

/** A full, memory-reducing collection (it shrinks the new space back to its initial size); answers its milliseconds. */
export function reduceHeap(): number {
  const began = performance.now();
  if (!gcFunction) {
    // The gc function exists only in contexts created after --expose-gc; this leaves the server's own global alone.
    v8.setFlagsFromString('--expose-gc');
    gcFunction = vm.runInNewContext('gc') as GcFunction;
  }
  gcFunction({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return performance.now() - began;
}

export interface YoungGenerationCap {
  /** Cheap; call often (every few hundred rows): stops the growth once the new space is at the cap. */
  check(): void;
  release(): void;
  /** Milliseconds the event loop spent in the memory-reducing collections so far. */
  readonly gcMs: number;
}

export function capYoungGeneration(capMiB = DEFAULT_IMPORT_YOUNG_MIB): YoungGenerationCap {
  if (capMiB <= 0) return { check() {}, release() {}, gcMs: 0 };
  holders++;
  let gcMs = reduceHeap();
  let released = false;
  return {
    get gcMs() {
      return gcMs;
    },
    check() {
      if (held || newSpaceMiB() < capMiB) return;
      v8.setFlagsFromString('--semi-space-growth-factor=1');
      held = true;
    },
    release() {
      if (released) return;
      released = true;
      holders--;
      if (holders === 0 && held) {
        v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
        held = false;
      }
      if (holders === 0) gcMs += reduceHeap();
    },
  };
}
