import { z } from 'zod';

export const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The id of the last entry of the previous page. */
  before: z.uuid().optional(),
  action: z.string().max(100).optional(),
});

export const auditEntrySchema = z
  .object({
    id: z.uuid(),
    actorUserId: z.uuid().nullable(),
    actorLabel: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const auditPage = z.object({ entries: z.array(auditEntrySchema), nextBefore: z.uuid().nullable() });
export type AuditEntry = z.infer<typeof auditEntrySchema>;
