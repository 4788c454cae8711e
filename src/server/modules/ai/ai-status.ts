import type { WorkspaceContext } from '../../platform/db/tenant';
import type { AiStatus } from './ai.contract';
import { notConfiguredMessage } from './ai-errors';
import { readWorkspaceProvider, type AiServices } from './resolve-provider';

/** AI-8: whether AI works in this workspace, with which provider, and if not, how to connect one. */
export async function getAiStatus(services: AiServices, ctx: WorkspaceContext): Promise<AiStatus> {
  const row = await readWorkspaceProvider(services.database.db, ctx);
  const operator = services.config.ai.operator;
  if (row) return { configured: true, source: 'workspace', kind: row.kind, model: row.model, message: `AI uses this workspace's ${row.kind} provider (${row.model}).` };
  if (operator) return { configured: true, source: 'operator', kind: operator.kind, model: operator.model, message: `AI uses the server's ${operator.kind} provider (${operator.model}).` };
  return { configured: false, source: null, kind: null, model: null, message: notConfiguredMessage };
}
