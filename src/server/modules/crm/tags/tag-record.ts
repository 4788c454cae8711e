import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { RecordType } from '../crm.contract';
import { companies, contacts, deals, recordTags, tags } from '../crm.schema';
import { FieldErrors } from '../../../platform/http/field-errors';
import { tagsByRecord, type TagSummary } from '../records';
import { assertRecordAccess } from '../visibility';
import { rescoreContacts } from '../../rules/scoring';

const tables = { contacts, companies, deals } as const;
const labels: Record<RecordType, string> = { contacts: 'Contact', companies: 'Company', deals: 'Deal' };

async function requireRecord(tx: Tx, ctx: WorkspaceContext, recordType: RecordType, recordId: string): Promise<void> {
  const table = tables[recordType];
  const [row] = await tx.select({ id: table.id }).from(table).where(and(eq(table.workspaceId, ctx.workspaceId), eq(table.id, recordId)));
  if (!row) throw notFound(labels[recordType]);
  await assertRecordAccess(tx, ctx, recordType, recordId, 'write');
}

/** CRM-5: puts a tag on a contact, company or deal (again is fine). Returns the record's tags. */
export async function tagRecord(db: Db, ctx: WorkspaceContext, recordType: RecordType, recordId: string, tagId: string): Promise<TagSummary[]> {
  return withTenant(db, ctx, async (tx) => {
    await requireRecord(tx, ctx, recordType, recordId);
    const [tag] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.id, tagId)));
    const errors = new FieldErrors();
    if (!tag) errors.add('tagId', 'No such tag.');
    errors.throwIfAny();
    await tx.insert(recordTags).values({ workspaceId: ctx.workspaceId, tagId, recordType, recordId }).onConflictDoNothing();
    if (recordType === 'contacts') await rescoreContacts(tx, ctx.workspaceId, [recordId]);
    return (await tagsByRecord(tx, ctx, recordType, [recordId])).get(recordId)!;
  });
}

/** CRM-5: takes a tag off a record (already off is fine). */
export async function untagRecord(db: Db, ctx: WorkspaceContext, recordType: RecordType, recordId: string, tagId: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    await requireRecord(tx, ctx, recordType, recordId);
    await tx
      .delete(recordTags)
      .where(and(eq(recordTags.workspaceId, ctx.workspaceId), eq(recordTags.recordType, recordType), eq(recordTags.recordId, recordId), eq(recordTags.tagId, tagId)));
    if (recordType === 'contacts') await rescoreContacts(tx, ctx.workspaceId, [recordId]);
  });
}
