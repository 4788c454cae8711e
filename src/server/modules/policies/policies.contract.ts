import { z } from 'zod';

export const policyNoticeSchema = z
  .object({ id: z.uuid(), title: z.string(), summary: z.string(), body: z.string(), effectiveAt: z.string(), publishedAt: z.string() })
  .meta({ id: 'PolicyNotice' });
export const policyNoticeList = z.object({ notices: z.array(policyNoticeSchema) });
export const policyParams = z.strictObject({ policyVersionId: z.uuid('Not a policy version id.') });
export type PolicyNotice = z.infer<typeof policyNoticeSchema>;
