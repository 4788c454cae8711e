import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import { erasePerson } from './erase-person';
import { findPerson, resolveIdentity } from './find-person';
import type { Erasure, PersonLookup, PersonQueryBody } from './privacy.contract';
import { normaliseEmail, suppressionHash } from './suppression';

/** The audit names the person by hash: who was looked up stays provable without keeping the address. */
const subject = (q: PersonQueryBody) => ({
  ...(q.email ? { emailSha256: suppressionHash(normaliseEmail(q.email)) } : {}),
  ...(q.phone ? { phoneGiven: true } : {}),
});

/** PRIV-1: everything this workspace holds about a person, by table; audited, "nothing found" too. */
export async function lookUpPerson(db: Db, ctx: WorkspaceContext, query: PersonQueryBody): Promise<PersonLookup> {
  return withTenant(db, ctx, async (tx) => {
    const who = await resolveIdentity(tx, ctx, query);
    const hits = await findPerson(tx, ctx, who);
    const total = hits.reduce((n, h) => n + h.count, 0);
    await recordAudit(tx, ctx, { action: 'privacy.person_looked_up', targetType: 'person', details: { ...subject(query), found: total > 0, tables: hits.length, rows: total } });
    return { found: total > 0, total, contactIds: who.contactIds, hits };
  });
}

/** PRIV-3: erases the person from the workspace; audited. Nothing found is a 404, audited as well. */
export async function eraseWorkspacePerson(
  db: Db,
  ctx: WorkspaceContext,
  query: PersonQueryBody,
  /** PRIV-10: a report that the person is a minor erases them the same way; the audit records the report, by hash. */
  reason: 'request' | 'minor' = 'request',
): Promise<Erasure> {
  const action = reason === 'minor' ? 'privacy.minor_reported' : 'privacy.person_erased';
  const outcome = await withTenant(db, ctx, async (tx) => {
    const who = await resolveIdentity(tx, ctx, query);
    // Issue 20: no lookup of every table first (one more read of each, a million-row contacts
    // table included): the erasure itself says whether anything was about the person. When
    // nothing was, it changed nothing and suppressed no one.
    const counts = await erasePerson(tx, ctx, who);
    const found = [counts.deleted, counts.unlinked, counts.scrubbed].some((bucket) => Object.keys(bucket).length > 0);
    if (!found) {
      await recordAudit(tx, ctx, { action, targetType: 'person', details: { ...subject(query), found: false } });
      return null;
    }
    const retained = (await findPerson(tx, ctx, who, (e) => e.erase.kind === 'retained')).map((h) => h.table);
    await recordAudit(tx, ctx, { action, targetType: 'person', details: { ...subject(query), found: true, ...counts, retained } });
    return { ...counts, retained };
  });
  if (!outcome) throw new AppError('nothing_found', 404, 'Nothing in this workspace mentions that person: nothing was erased.');
  return outcome;
}
