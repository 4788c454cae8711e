import { describe, expect, it } from 'vitest';
import { freeSlug, slugFrom } from './slug';

describe('a new booking page’s link name', () => {
  it('BOOK-1 follows the title and is never one a page already has', () => {
    expect(slugFrom('30-minute intro call')).toBe('30-minute-intro-call');
    expect(slugFrom('  Café visit — São Paulo! ')).toBe('cafe-visit-sao-paulo');
    expect(slugFrom('!!!')).toBe('');
    expect(slugFrom('a'.repeat(70))).toHaveLength(60);
    expect(freeSlug('intro', new Set())).toBe('intro');
    expect(freeSlug('intro', new Set(['intro', 'intro-2']))).toBe('intro-3');
    expect(freeSlug('', new Set(['']))).toBe('');
    const long = 'b'.repeat(60);
    expect(freeSlug(long, new Set([long]))).toBe(`${'b'.repeat(58)}-2`);
  });
});
