/** A link name from a title: lower-case words joined by dashes, at most 60 characters. */
export function slugFrom(title: string): string {
  const words = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.join('-').slice(0, 60).replace(/-+$/, '');
}

/** `base`, or `base-2`, `base-3`… whichever no booking page has yet. */
export function freeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!base) return '';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, 60 - String(n).length - 1).replace(/-+$/, '')}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
