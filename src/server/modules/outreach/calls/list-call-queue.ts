import { and, desc, sql, type SQL } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Db } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { badRequest } from '../../../platform/http/errors';
import { selectContacts, visibleContactsWhere } from '../../crm';
import { findVisibleView, prepareView } from '../../views';
import { callScriptFor } from '../templates/manage-templates';
import { callWindow, CALL_DAY_END_HOUR, resolveZones } from './call-hours';
import type { CallQueue, OfferedCall, SkippedCall } from './calls.contract';
import { dncMessage, findDoNotCall } from './dnc-numbers';

/** Contacts read per statement, and at most per page: a page of mostly skipped contacts still ends. */
const BATCH = 100;
const MAX_SCAN = 500;

interface Key {
  score: number;
  id: string;
}

const encode = (k: Key) => Buffer.from(`${k.score}:${k.id}`).toString('base64url');

function decode(cursor: string): Key {
  const m = /^(-?\d{1,10}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw badRequest('invalid_cursor', 'This page link is no longer valid; start from the first page.', { in: 'query' });
  return { score: Number(m[1]), id: m[2]! };
}

const nameOf = (r: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null }) =>
  [r.firstName, r.lastName].filter(Boolean).join(' ') || r.email || r.phone || 'Unnamed contact';

const fmt = (at: DateTime) => at.toFormat("ccc d LLL, HH:mm '('ZZZZ')'");

/**
 * CALL-1: today's call queue, from a saved view or the whole workspace the member can see, by lead
 * score (highest first). Each contact read is either offered (CALL-2: not on the do-not-call list;
 * CALL-3: inside 08:00–21:00 in every zone they may be in) or listed with why not.
 *
 * Paging is by keyset on (score, id), which contacts_score_idx (workspace_id, score, id) serves
 * backwards, so a page costs the same at the millionth contact as at the first. Within a page,
 * contacts of equal score are ordered by local time: whoever's calling day closes soonest first.
 */
export async function listCallQueue(db: Db, ctx: WorkspaceContext, query: { viewId?: string | undefined; cursor?: string | undefined; limit: number; at?: string | undefined; scriptId?: string | undefined }): Promise<CallQueue> {
  const now = query.at ? DateTime.fromISO(query.at, { setZone: true }) : DateTime.now();
  if (!now.isValid) throw badRequest('validation_failed', 'Not a valid date-time.', { fields: { at: 'Not a valid date-time.' }, in: 'query' });
  let after = query.cursor ? decode(query.cursor) : null;

  return withTenant(db, ctx, async (tx) => {
    let scope: SQL | undefined;
    if (query.viewId) {
      const view = await findVisibleView(tx, ctx, query.viewId);
      if (view.object !== 'contacts') throw badRequest('not_a_contacts_view', 'Call lists are made from saved views of contacts.', { in: 'query' });
      scope = (await prepareView(tx, ctx, view.definition, 'view')).where;
    } else {
      scope = await visibleContactsWhere(tx, ctx);
    }

    const offered: (Omit<OfferedCall, 'script'> & { closesMs: number })[] = [];
    const skipped: SkippedCall[] = [];
    let scanned = 0;
    let exhausted = false;
    while (offered.length < query.limit && scanned < MAX_SCAN) {
      const want = Math.min(BATCH, MAX_SCAN - scanned);
      const from = after;
      const rows = await selectContacts(
        tx,
        (c) => ({ id: c.id, firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone, timeZone: c.timeZone, postalCode: c.postalCode, country: c.country, restricted: c.restricted, score: c.score }),
        (c) => and(scope, from ? sql`(${c.score}, ${c.id}) < (${from.score}::int, ${from.id}::uuid)` : undefined),
      )
        .orderBy((c) => [desc(c.score), desc(c.id)])
        .limit(want);
      if (!rows.length) {
        exhausted = true;
        break;
      }
      const dnc = await findDoNotCall(tx, ctx.workspaceId, rows.map((r) => r.phone ?? ''));
      for (const r of rows) {
        scanned++;
        after = { score: r.score, id: r.id };
        const base = { contactId: r.id, name: nameOf(r), phone: r.phone, score: r.score };
        if (r.restricted) {
          skipped.push({ ...base, reason: 'restricted', message: 'Restricted: this person asked that their record be kept from outreach.', zones: [], opensAt: null });
          continue;
        }
        if (!r.phone) {
          skipped.push({ ...base, reason: 'no_number', message: 'No phone number.', zones: [], opensAt: null });
          continue;
        }
        const hit = dnc.get(r.phone);
        if (hit) {
          skipped.push({ ...base, reason: 'do_not_call', message: dncMessage(hit), zones: [], opensAt: null });
          continue;
        }
        const resolved = await resolveZones(r);
        if (!resolved) {
          skipped.push({ ...base, reason: 'unknown_zone', message: 'Their time zone is unknown: set it on the contact, or add a phone number or US ZIP code that tells it.', zones: [], opensAt: null });
          continue;
        }
        const window = callWindow(resolved.zones, now);
        if (!window.allowed) {
          const local = now.setZone(resolved.zones[0]!);
          const where = resolved.zones.length > 1 ? `in all of their ${resolved.zones.length} possible time zones` : `for them: it is ${fmt(local)} there`;
          const opens = window.opensAt ? ` Calling hours open ${fmt(window.opensAt.setZone(resolved.zones[0]!))}.` : ' Their possible time zones never share calling hours; set the time zone on the contact.';
          skipped.push({ ...base, reason: 'outside_hours', message: `Outside calling hours (08:00–21:00) ${where}.${opens}`, zones: resolved.zones, opensAt: window.opensAt?.toISO() ?? null });
          continue;
        }
        const closes = resolved.zones.map((z) => now.setZone(z).set({ hour: CALL_DAY_END_HOUR, minute: 0, second: 0, millisecond: 0 })).sort((a, b) => a.toMillis() - b.toMillis())[0]!;
        offered.push({
          ...base,
          phone: r.phone,
          telUri: `tel:${r.phone}`,
          zones: resolved.zones,
          zoneSource: resolved.source,
          localTime: now.setZone(resolved.zones[0]!).toISO()!,
          closesAt: closes.toISO()!,
          closesMs: closes.toMillis(),
        });
        if (offered.length >= query.limit) break;
      }
      // A short batch read to its end: nothing is left after it.
      if (rows.length < want && after?.id === rows.at(-1)!.id) {
        exhausted = true;
        break;
      }
    }
    offered.sort((a, b) => b.score - a.score || a.closesMs - b.closesMs);
    // CALL-1: the chosen script, filled in for each contact offered (one statement for the page).
    const script = query.scriptId ? await callScriptFor(tx, ctx, query.scriptId, offered.map((o) => o.contactId)) : null;
    return {
      at: now.toISO()!,
      script: script?.script ?? null,
      offered: offered.map(({ closesMs: _, ...o }) => ({ ...o, script: script?.filled.get(o.contactId) ?? null })),
      skipped,
      scanned,
      nextCursor: exhausted || !after ? null : encode(after),
    };
  });
}
