import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import type { RecordType } from '../crm/crm.contract';
import { contacts, deals, pipelineStages, recordTags } from '../crm/crm.schema';
import { dropActivityLinks } from '../activities';
import { dropShares } from '../crm';
import { rescoreContacts, toUuidArray } from '../rules/scoring';
import type { BulkAction } from './bulk.contract';
import { recordTables } from './selection';

/**
 * CRM-9: applies one action to a batch of ids already known to be in the selection, set-based.
 * Changed records get a new version so an edit opened before the bulk change gets a 409, not a silent overwrite.
 */
export async function applyBulkAction(tx: Tx, ctx: WorkspaceContext, object: RecordType, action: BulkAction, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const ws = ctx.workspaceId;
  const t = recordTables[object];
  const these = sql`${t.workspaceId} = ${ws} AND ${t.id} = ANY(${toUuidArray(ids)})`;
  const bump = sql`version = ${t.version} + 1, updated_at = now()`;
  switch (action.kind) {
    case 'tag':
      await tx.execute(sql`
        INSERT INTO ${recordTags} (workspace_id, tag_id, record_type, record_id)
        SELECT ${ws}::uuid, ${action.tagId}::uuid, ${object}::text, id FROM unnest(${toUuidArray(ids)}) AS id
        ON CONFLICT DO NOTHING`);
      break;
    case 'untag':
      await tx.execute(sql`DELETE FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${ws} AND ${recordTags.recordType} = ${object} AND ${recordTags.tagId} = ${action.tagId} AND ${recordTags.recordId} = ANY(${toUuidArray(ids)})`);
      break;
    case 'assign':
      await tx.execute(sql`UPDATE ${t} SET owner_user_id = ${action.ownerUserId}, ${bump} WHERE ${these} AND ${t.ownerUserId} IS DISTINCT FROM ${action.ownerUserId}`);
      break;
    case 'lifecycle':
      await tx.execute(sql`UPDATE ${contacts} SET lifecycle = ${action.lifecycle}, ${bump} WHERE ${these} AND ${contacts.lifecycle} <> ${action.lifecycle}`);
      break;
    case 'stage': {
      const [stage] = await tx.select().from(pipelineStages).where(and(eq(pipelineStages.workspaceId, ws), eq(pipelineStages.id, action.stageId)));
      if (!stage) throw new Error('The stage no longer exists.');
      // As moveDeal: the stage's kind sets the status; staying closed the same way keeps the closing time.
      await tx.execute(sql`
        UPDATE ${deals} SET
          pipeline_id = ${stage.pipelineId}, stage_id = ${stage.id}, probability = ${stage.probability},
          closed_at = CASE WHEN ${stage.kind} = 'open' THEN NULL WHEN ${deals.status} = ${stage.kind} THEN coalesce(${deals.closedAt}, now()) ELSE now() END,
          status = ${stage.kind},
          lost_reason = ${stage.kind === 'lost' ? (action.lostReason ?? null) : null},
          ${bump}
        WHERE ${these} AND ${deals.stageId} IS DISTINCT FROM ${stage.id}`);
      break;
    }
    case 'delete':
      await deleteRecords(tx, ws, object, ids);
      return;
  }
  if (object === 'contacts' && action.kind !== 'assign') await rescoreContacts(tx, ws, ids);
}

/** As the single-record deletes: related records are detached (no cascade), tag links and shares removed. */
async function deleteRecords(tx: Tx, ws: string, object: RecordType, ids: string[]): Promise<void> {
  const list = toUuidArray(ids);
  const detach = sql`version = version + 1, updated_at = now()`;
  if (object === 'contacts') {
    await tx.execute(sql`UPDATE ${deals} SET contact_id = NULL, ${detach} WHERE ${deals.workspaceId} = ${ws} AND ${deals.contactId} = ANY(${list})`);
  }
  if (object === 'companies') {
    await tx.execute(sql`UPDATE ${contacts} SET company_id = NULL, ${detach} WHERE ${contacts.workspaceId} = ${ws} AND ${contacts.companyId} = ANY(${list})`);
    await tx.execute(sql`UPDATE ${deals} SET company_id = NULL, ${detach} WHERE ${deals.workspaceId} = ${ws} AND ${deals.companyId} = ANY(${list})`);
  }
  await tx.execute(sql`DELETE FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${ws} AND ${recordTags.recordType} = ${object} AND ${recordTags.recordId} = ANY(${list})`);
  await dropShares(tx, ws, object, ids);
  await dropActivityLinks(tx, ws, object, ids);
  const t = recordTables[object];
  await tx.execute(sql`DELETE FROM ${t} WHERE ${t.workspaceId} = ${ws} AND ${t.id} = ANY(${list})`);
}
