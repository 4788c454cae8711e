import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { dncSources } from './calls.contract';
import { addressHash } from '../mail/unsubscribe-token';
import { outreachSuppressions } from '../outreach.schema';
import { doNotCall } from './calls.schema';

/** Where a number's ban comes from: an entry of the list, or an erased person's number on the suppression list. */
type DncSource = (typeof dncSources)[number] | 'erased';

/**
 * CALL-2: one line of the US National Do Not Call Registry's full-list flat file — area code and
 * number, either run together (`2015550123`) or comma-separated (`201,5550123`) — as E.164.
 * Null for anything else (headers, blank lines, change-list records).
 */
export function registryLineToE164(line: string): string | null {
  const m = /^\s*"?(\d{3})"?\s*,?\s*"?(\d{7})"?\s*$/.exec(line);
  if (!m) return null;
  const [, area, number] = m;
  // NANP: area codes and exchanges start with 2–9.
  if (area![0] === '0' || area![0] === '1' || number![0] === '0' || number![0] === '1') return null;
  return `+1${area}${number}`;
}

/**
 * CALL-2: one record of the registry's change-list flat file: comma-separated data items, the area
 * code and number first (as in the full list), then others (the date of the change, and in a
 * combined file an add/delete flag). The number as E.164 and the flag when one is there; null for
 * anything that does not start with an area code and number.
 */
export function registryChangeToE164(line: string): { number: string; change: 'add' | 'delete' | null } | null {
  const fields = line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1').trim());
  const first = fields[0] ?? '';
  const [area, local, rest] = /^\d{10}$/.test(first) ? [first.slice(0, 3), first.slice(3), fields.slice(1)] : [first, fields[1] ?? '', fields.slice(2)];
  const number = registryLineToE164(`${area},${local}`);
  if (!number) return null;
  const flag = rest.map((f) => f.toUpperCase()).find((f) => /^(A|D|ADD|ADDED|ADDITION|DEL|DELETE|DELETED|DELETION)$/.test(f));
  return { number, change: !flag ? null : flag.startsWith('A') ? 'add' : 'delete' };
}

export interface DncHit {
  number: string;
  source: DncSource;
  reason: string | null;
}

/**
 * Which of these numbers may not be called: on the workspace's list (one index probe per number,
 * in one statement), or — CALL-2, PRIV-3 — the number of a person who was erased, kept only as a
 * hash on the one suppression list (kind `phone`).
 */
export async function findDoNotCall(tx: Tx, workspaceId: string, numbers: string[]): Promise<Map<string, DncHit>> {
  const unique = [...new Set(numbers.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await tx
    .select({ number: doNotCall.number, source: doNotCall.source, reason: doNotCall.reason })
    .from(doNotCall)
    .where(and(eq(doNotCall.workspaceId, workspaceId), inArray(doNotCall.number, unique)));
  const hits = new Map<string, DncHit>(rows.map((r) => [r.number, r]));
  const hashes = new Map(unique.filter((n) => !hits.has(n)).map((n) => [addressHash(n), n]));
  if (hashes.size) {
    const erased = await tx
      .select({ hash: outreachSuppressions.addressHash })
      .from(outreachSuppressions)
      .where(and(eq(outreachSuppressions.workspaceId, workspaceId), eq(outreachSuppressions.kind, 'phone'), inArray(outreachSuppressions.addressHash, [...hashes.keys()])));
    for (const e of erased) hits.set(hashes.get(e.hash)!, { number: hashes.get(e.hash)!, source: 'erased', reason: null });
  }
  return hits;
}

export const dncSourceLabel: Record<DncSource, string> = {
  contact_request: 'the contact asked not to be called',
  manual: 'added to the do-not-call list by hand',
  registry: 'on the national do-not-call registry',
  erased: 'the person asked to be erased',
};

/** "On the do-not-call list: the contact asked not to be called (moved house)." */
export const dncMessage = (hit: DncHit) => `On the do-not-call list: ${dncSourceLabel[hit.source]}${hit.reason ? ` (${hit.reason.replace(/[.\s]+$/, '')})` : ''}.`;
