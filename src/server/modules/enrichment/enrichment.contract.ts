import { z } from 'zod';

/**
 * AI-2 (Hunter's enrichment): the workspace's data provider, shared with the web app. The key,
 * like an AI provider key (AI-1), goes in and never comes back out.
 */
export const dataProviderKinds = ['people_data_labs'] as const;
export type DataProviderKind = (typeof dataProviderKinds)[number];
export const dataProviderKindSchema = z.enum(dataProviderKinds, 'Choose people_data_labs.');
export const dataProviderDefaultBaseUrls: Record<DataProviderKind, string> = { people_data_labs: 'https://api.peopledatalabs.com' };

export const dataProviderParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });

const baseUrl = z
  .url({ protocol: /^https?$/, message: 'Enter a URL starting with http:// or https://.' })
  .max(500, 'At most 500 characters.')
  .transform((u) => u.replace(/\/+$/, ''));

/**
 * Set or change the data provider. Omitting `apiKey` keeps the stored key (changing only the
 * base URL); a provider cannot be set up without one. `baseUrl` null means the provider's own.
 */
export const saveDataProviderBody = z.strictObject({
  kind: dataProviderKindSchema,
  apiKey: z.string('Enter the API key.').trim().min(8, 'That key looks too short.').max(500, 'At most 500 characters.').optional(),
  baseUrl: baseUrl.nullable().optional(),
});
export type SaveDataProviderBody = z.output<typeof saveDataProviderBody>;

export const dataProviderSchema = z.object({
  kind: dataProviderKindSchema,
  /** Null: the provider's own address (see `effectiveBaseUrl`). */
  baseUrl: z.string().nullable(),
  effectiveBaseUrl: z.string(),
  apiKeySet: z.boolean(),
  apiKeyLast4: z.string().nullable(),
  updatedAt: z.string(),
});
export type DataProvider = z.infer<typeof dataProviderSchema>;

export const dataProviderStateSchema = z.object({ provider: dataProviderSchema.nullable() });
export type DataProviderState = z.infer<typeof dataProviderStateSchema>;

/** "Test connection": a look-up that matches no one (no credit spent) proves the key works. */
export const testDataProviderResultSchema = z.object({ ok: z.boolean(), message: z.string(), latencyMs: z.number().int().nullable() });
export type TestDataProviderResult = z.infer<typeof testDataProviderResultSchema>;
