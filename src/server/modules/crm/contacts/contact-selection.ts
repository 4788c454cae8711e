import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, SelectedFields } from 'drizzle-orm/pg-core';
import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import { contacts, recordTags, tags } from '../crm.schema';
import { qualified } from '../../../platform/db/qualified';
import { loadVisibility, withVisibility } from '../visibility';

/**
 * The fields of a contact another module may read inside its own statement (outreach's audiences,
 * call queue and recipient lists), so a selection of contacts stays one statement: an
 * `INSERT … SELECT` of a whole audience, or a page read by keyset.
 */
const contactFields = {
  id: contacts.id,
  workspaceId: contacts.workspaceId,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  email: contacts.email,
  phone: contacts.phone,
  timeZone: contacts.timeZone,
  postalCode: contacts.postalCode,
  country: contacts.country,
  restricted: contacts.restricted,
  consentState: contacts.consentState,
  score: contacts.score,
};
export type ContactFields = typeof contactFields;

/**
 * Contacts matching `where` (built with `visibleContactsWhere`, `taggedContactsWhere` or a
 * compiled saved view), with the columns `pick` chooses: a query builder the caller may order,
 * limit, await or embed, run on the caller's transaction.
 */
export function selectContacts<T extends SelectedFields>(tx: Tx, pick: (c: ContactFields) => T, where: SQL | undefined | ((c: ContactFields) => SQL | undefined)) {
  return tx.select(pick(contactFields)).from(contacts).where(typeof where === 'function' ? where(contactFields) : where);
}

/** Every contact of the workspace the member may see (CRM roles). */
export async function visibleContactsWhere(tx: Tx, ctx: WorkspaceContext): Promise<SQL | undefined> {
  return withVisibility(await loadVisibility(tx, ctx), 'contacts', eq(contacts.workspaceId, ctx.workspaceId));
}

/** The contacts with a tag that the member may see; 404 when the workspace has no such tag. */
export async function taggedContactsWhere(tx: Tx, ctx: WorkspaceContext, tagId: string): Promise<SQL | undefined> {
  const [tag] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.id, tagId)));
  if (!tag) throw notFound('Tag');
  const tagged = sql`EXISTS (SELECT 1 FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${contacts.workspaceId} AND ${recordTags.tagId} = ${tag.id}::uuid AND ${recordTags.recordType} = 'contacts' AND ${recordTags.recordId} = ${contacts.id})`;
  return withVisibility(await loadVisibility(tx, ctx), 'contacts', and(eq(contacts.workspaceId, ctx.workspaceId), tagged));
}

/**
 * A contact's display name (first and last name, else the email address) inside another module's
 * statement, by the workspace and contact id columns of its own rows; null when the contact is gone.
 */
export const contactNameOf = (workspaceId: AnyPgColumn, contactId: AnyPgColumn): SQL<string | null> =>
  qualified(sql`(SELECT coalesce(nullif(concat_ws(' ', nullif(${contacts.firstName}, ''), nullif(${contacts.lastName}, '')), ''), nullif(${contacts.email}, '')) FROM ${contacts} WHERE ${contacts.workspaceId} = ${workspaceId} AND ${contacts.id} = ${contactId})`);
