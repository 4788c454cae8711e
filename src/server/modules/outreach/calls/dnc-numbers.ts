import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { dncSources } from './calls.contract';
import { doNotCall } from './calls.schema';

type DncSource = (typeof dncSources)[number];

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

export interface DncHit {
  number: string;
  source: DncSource;
  reason: string | null;
}

/** Which of these numbers are on the workspace's list: one index probe per number, in one statement. */
export async function findDoNotCall(tx: Tx, workspaceId: string, numbers: string[]): Promise<Map<string, DncHit>> {
  const unique = [...new Set(numbers.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await tx
    .select({ number: doNotCall.number, source: doNotCall.source, reason: doNotCall.reason })
    .from(doNotCall)
    .where(and(eq(doNotCall.workspaceId, workspaceId), inArray(doNotCall.number, unique)));
  return new Map(rows.map((r) => [r.number, r]));
}

export const dncSourceLabel: Record<DncSource, string> = {
  contact_request: 'the contact asked not to be called',
  manual: 'added to the do-not-call list by hand',
  registry: 'on the national do-not-call registry',
};

/** "On the do-not-call list: the contact asked not to be called (moved house)." */
export const dncMessage = (hit: DncHit) => `On the do-not-call list: ${dncSourceLabel[hit.source]}${hit.reason ? ` (${hit.reason.replace(/[.\s]+$/, '')})` : ''}.`;
