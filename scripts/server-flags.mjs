// The Node flags `npm start` (scripts/start.mjs) runs the server with: its V8 heap settings, from the environment.

/**
 * The server's young generation: 16 MiB semi-spaces unless KESTREL_SEMI_SPACE_MIB says otherwise (0: Node's
 * default, which on Node 24 grows the new space to 128 MiB). Decision 028: with the bundled server this costs a
 * contacts page no measurable CPU and keeps a 20,000-mail campaign under 300 MiB (374 MiB with Node's default).
 */
export const DEFAULT_SEMI_SPACE_MIB = '16';

/**
 * The old generation: KESTREL_HEAP_GROWING_PERCENT (default 50, i.e. a full collection once it is 1.5× its live size;
 * 0: V8's own, which lets it reach 2–4× first). A soft bound: the heap still grows as far as a job needs, it is only
 * collected sooner. Decision 029: with 50 a 100,000-mail campaign's server stays under 300 MiB (386–533 MiB with 0) for
 * at most ~35 % more Node CPU per mail, at no measured cost to an import's CPU or peak or to a contacts page.
 */
export const DEFAULT_HEAP_GROWING_PERCENT = '50';

/**
 * `{ flags }` to put before the server bundle, or `{ error }` (a sentence for the operator) when a setting is not a
 * whole number. An unset or empty variable means the default.
 */
export function serverNodeFlags(env) {
  const semiSpace = env.KESTREL_SEMI_SPACE_MIB || DEFAULT_SEMI_SPACE_MIB;
  if (!/^\d{1,4}$/.test(semiSpace)) return { error: `KESTREL_SEMI_SPACE_MIB must be a whole number of MiB (0: Node's default), not "${semiSpace}".` };
  const growing = env.KESTREL_HEAP_GROWING_PERCENT || DEFAULT_HEAP_GROWING_PERCENT;
  if (!/^\d{1,3}$/.test(growing)) return { error: `KESTREL_HEAP_GROWING_PERCENT must be a whole number (0: V8's own), not "${growing}".` };
  return {
    flags: [
      ...(Number(semiSpace) === 0 ? [] : [`--max-semi-space-size=${Number(semiSpace)}`]),
      ...(Number(growing) === 0 ? [] : [`--heap-growing-percent=${Number(growing)}`]),
    ],
  };
}
