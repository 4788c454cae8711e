import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { recordAudit } from '../audit';
import type { AiSettings } from './ai.contract';
import { aiSettings } from './ai.schema';
import { readAiSettings } from './record-context';

/** AI-6: the workspace's AI settings (defaults when never saved). */
export async function getAiSettings(db: Db, ctx: WorkspaceContext): Promise<AiSettings> {
  return withTenant(db, ctx, (tx) => readAiSettings(tx, ctx.workspaceId));
}

/** AI-6: turns redaction of emails and phone numbers on or off. Audited: it changes what leaves Kestrel. */
export async function updateAiSettings(db: Db, ctx: WorkspaceContext, input: AiSettings): Promise<AiSettings> {
  return withTenant(db, ctx, async (tx) => {
    const before = await readAiSettings(tx, ctx.workspaceId);
    await tx
      .insert(aiSettings)
      .values({ workspaceId: ctx.workspaceId, redactPii: input.redactPii })
      .onConflictDoUpdate({ target: aiSettings.workspaceId, set: { redactPii: input.redactPii, updatedAt: new Date() } });
    if (before.redactPii !== input.redactPii) {
      await recordAudit(tx, ctx, { action: 'ai_settings.updated', targetType: 'workspace', targetId: ctx.workspaceId, details: { redactPii: input.redactPii } });
    }
    return { redactPii: input.redactPii };
  });
}
