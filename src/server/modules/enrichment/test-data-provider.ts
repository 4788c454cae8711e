import type { WorkspaceContext } from '../../platform/db/tenant';
import type { TestDataProviderResult } from './enrichment.contract';
import { DataProviderError, dataProviderNotConfigured } from './enrichment-errors';
import { resolveDataProvider, type EnrichmentServices } from './manage-data-provider';
import { enrichers } from './providers/people-data-labs';

/** An address no one has: a miss costs no credit and still proves the key is accepted. */
const PROBE_EMAIL = 'kestrel-connection-test@example.com';

/**
 * AI-2: "Test connection" — one real look-up. A refusal (bad key, no credits) is an answer
 * (ok: false, saying what to do), not an error; no provider at all is 409.
 */
export async function testDataProvider(services: EnrichmentServices, ctx: WorkspaceContext): Promise<TestDataProviderResult> {
  const provider = await resolveDataProvider(services, ctx);
  if (!provider) throw dataProviderNotConfigured();
  const enricher = enrichers[provider.kind];
  const started = performance.now();
  try {
    await enricher.enrichPerson(provider, { email: PROBE_EMAIL });
    return { ok: true, message: `Connected to ${enricher.label}: the key works.`, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (error instanceof DataProviderError) return { ok: false, message: error.message, latencyMs: null };
    throw error;
  }
}
