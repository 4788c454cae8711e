import type { z } from 'zod';
import type { auditPage, auditQuery } from '../../../server/modules/audit/audit.contract';
import { api } from '../../lib/api';

export type { AuditEntry } from '../../../server/modules/audit/audit.contract';
export type AuditPage = z.infer<typeof auditPage>;
/** The query the server accepts (audit.contract's auditQuery), as the client sends it. */
export type AuditQuery = Pick<z.output<typeof auditQuery>, 'before' | 'action'> & { limit?: number };

export const fetchAuditPage = (workspaceId: string, query: AuditQuery) =>
  api.get<AuditPage>(`/api/workspaces/${encodeURIComponent(workspaceId)}/audit`, { query: { limit: query.limit, before: query.before, action: query.action } });
