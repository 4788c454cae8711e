import { and, asc, eq, ne } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { memberships } from '../workspaces/workspaces.schema';
import { territoryRules } from './rules.schema';

export interface Place {
  postalCode?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
}

/** Postal codes compare without spaces or dashes and in upper case ("SW1A 1AA" = "sw1a1aa"). */
export const postalKey = (s: string) => s.replace(/[\s-]/g, '').toUpperCase();
/** Names compare trimmed, case- and accent-insensitively ("Zürich" = "zurich"). */
export const nameKey = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();

type Test = (place: Place) => boolean;

function compile(kind: (typeof territoryRules.$inferSelect)['matchKind'], values: string[]): Test {
  if (kind === 'postal_prefix') {
    const prefixes = values.map(postalKey).filter(Boolean);
    return (p) => {
      if (!p.postalCode) return false;
      const code = postalKey(p.postalCode);
      return prefixes.some((prefix) => code.startsWith(prefix));
    };
  }
  const wanted = new Set(values.map(nameKey));
  return (p) => {
    const v = p[kind];
    return !!v && wanted.has(nameKey(v));
  };
}

/**
 * CRM-10: the workspace's territory rules compiled once; the function returns the owner of the
 * first rule (in order) that the place matches, or null. Synchronous so an import can call it per row.
 * Rules whose owner is no longer a team member are skipped.
 */
export async function loadTerritoryMatcher(tx: Tx, workspaceId: string): Promise<(place: Place) => string | null> {
  const rows = await tx
    .select({ kind: territoryRules.matchKind, values: territoryRules.matchValues, owner: territoryRules.ownerUserId })
    .from(territoryRules)
    .innerJoin(memberships, and(eq(memberships.workspaceId, territoryRules.workspaceId), eq(memberships.userId, territoryRules.ownerUserId), ne(memberships.role, 'client')))
    .where(eq(territoryRules.workspaceId, workspaceId))
    .orderBy(asc(territoryRules.position), asc(territoryRules.id));
  const rules = rows.map((r) => ({ test: compile(r.kind, r.values), owner: r.owner }));
  if (!rules.length) return () => null;
  return (place) => {
    for (const rule of rules) if (rule.test(place)) return rule.owner;
    return null;
  };
}
