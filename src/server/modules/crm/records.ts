import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { conflict } from '../../platform/http/errors';
import { memberRole, workspaceProfile } from '../workspaces';
import type { RecordType } from './crm.contract';
import { companies, contacts, recordTags, tags } from './crm.schema';
import type { FieldErrors } from '../../platform/http/field-errors';

/** What the record use cases share: look-ups of related rows, tags of a page, paging and conflicts. */

export interface TagSummary {
  id: string;
  name: string;
  color: string | null;
}

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The workspace's country: the default region for phone numbers typed without a country code. */
export async function workspaceDefaults(tx: Tx, ctx: WorkspaceContext): Promise<{ region: string | null; currency: string }> {
  const ws = await workspaceProfile(tx, ctx.workspaceId);
  return { region: ws?.country ?? null, currency: ws?.currency ?? 'USD' };
}

/** An owner must be a team member of this workspace (clients do not own records). */
export async function checkOwner(tx: Tx, ctx: WorkspaceContext, userId: string | null | undefined, errors: FieldErrors): Promise<void> {
  if (!userId) return;
  const role = await memberRole(tx, ctx.workspaceId, userId);
  if (!role || role === 'client') errors.add('ownerUserId', 'Not a team member of this workspace.');
}

export async function checkCompany(tx: Tx, ctx: WorkspaceContext, companyId: string | null | undefined, errors: FieldErrors): Promise<void> {
  if (!companyId) return;
  const [c] = await tx.select({ id: companies.id }).from(companies).where(and(eq(companies.workspaceId, ctx.workspaceId), eq(companies.id, companyId)));
  if (!c) errors.add('companyId', 'No such company.');
}

export async function checkContact(tx: Tx, ctx: WorkspaceContext, contactId: string | null | undefined, errors: FieldErrors): Promise<void> {
  if (!contactId) return;
  const [c] = await tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, contactId)));
  if (!c) errors.add('contactId', 'No such contact.');
}

/** The tags of each record of a page, by record id, in name order. */
export async function tagsByRecord(tx: Tx, ctx: WorkspaceContext, recordType: RecordType, ids: string[]): Promise<Map<string, TagSummary[]>> {
  const out = new Map<string, TagSummary[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await tx
    .select({ recordId: recordTags.recordId, id: tags.id, name: tags.name, color: tags.color })
    .from(recordTags)
    .innerJoin(tags, and(eq(tags.workspaceId, recordTags.workspaceId), eq(tags.id, recordTags.tagId)))
    .where(and(eq(recordTags.workspaceId, ctx.workspaceId), eq(recordTags.recordType, recordType), inArray(recordTags.recordId, ids)))
    .orderBy(asc(tags.name));
  for (const { recordId, ...tag } of rows) out.get(recordId)?.push(tag);
  return out;
}

/*
 * Issue 14: a page's tags and company summaries read inside the page's own SELECT, as correlated
 * subqueries PostgreSQL evaluates for the rows the LIMIT keeps, instead of one look-up round trip
 * each after it. Row-level security applies inside them as in the look-ups. Use them nested one
 * level (sql`${…}`), so drizzle writes the outer table's columns with its name.
 */

/**
 * A record's tags as a JSON array in name order, as tagsByRecord reads them. Issue 14: most rows
 * of a page have no tag, and for those an index probe of record_tags (EXISTS, stops at the first
 * row) is all PostgreSQL runs; the join, sort and aggregate run only for rows that have tags
 * (a 50-row contacts page's statement 280 → 237 µs of backend CPU in one run, bench/contacts-page-cost.ts).
 */
export function tagsJsonOf(recordType: RecordType, table: { workspaceId: AnyPgColumn; id: AnyPgColumn }): SQL {
  const ofRecord = sql`${recordTags.workspaceId} = ${table.workspaceId} AND ${recordTags.recordType} = ${recordType} AND ${recordTags.recordId} = ${table.id}`;
  return sql`CASE WHEN EXISTS (SELECT 1 FROM ${recordTags} WHERE ${ofRecord}) THEN (SELECT coalesce(json_agg(json_build_object('id', ${tags.id}, 'name', ${tags.name}, 'color', ${tags.color}) ORDER BY ${tags.name}), '[]'::json) FROM ${recordTags} JOIN ${tags} ON ${tags.workspaceId} = ${recordTags.workspaceId} AND ${tags.id} = ${recordTags.tagId} WHERE ${ofRecord}) ELSE '[]'::json END`;
}

/** The summary of the company a record points to, as companiesById reads it, or null. */
export function companyJsonOf(table: { workspaceId: AnyPgColumn; companyId: AnyPgColumn }): SQL {
  return sql`(SELECT json_build_object('id', ${companies.id}, 'name', ${companies.name}, 'domain', ${companies.domain}) FROM ${companies} WHERE ${companies.workspaceId} = ${table.workspaceId} AND ${companies.id} = ${table.companyId})`;
}

/** Company summaries by id, for contacts and deals. */
export async function companiesById(tx: Tx, ctx: WorkspaceContext, ids: (string | null)[]) {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (!wanted.length) return new Map<string, { id: string; name: string; domain: string | null }>();
  const rows = await tx
    .select({ id: companies.id, name: companies.name, domain: companies.domain })
    .from(companies)
    .where(and(eq(companies.workspaceId, ctx.workspaceId), inArray(companies.id, wanted)));
  return new Map(rows.map((r) => [r.id, r]));
}

/** Removes a deleted record's tag links (they have no foreign key to it). */
export async function dropTagLinks(tx: Tx, ctx: WorkspaceContext, recordType: RecordType, recordId: string): Promise<void> {
  await tx.delete(recordTags).where(and(eq(recordTags.workspaceId, ctx.workspaceId), eq(recordTags.recordType, recordType), eq(recordTags.recordId, recordId)));
}

/** Rows fetched with `limit + 1`: the page and the cursor of the next one. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}

/** CRM-1: the write was based on an older version; the caller gets the record as it is now. */
export const versionConflict = (what: string, current: unknown) =>
  conflict('version_conflict', `Someone else changed this ${what} since you opened it. Review the current version and try again.`, { current });

/** The record of the outer query carries the tag. */
export function hasTag(recordType: RecordType, tagId: string): SQL {
  const table = sql.identifier(recordType);
  return sql`EXISTS (SELECT 1 FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${table}.workspace_id AND ${recordTags.recordType} = ${recordType} AND ${recordTags.recordId} = ${table}.id AND ${recordTags.tagId} = ${tagId})`;
}
