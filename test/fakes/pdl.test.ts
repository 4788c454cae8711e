import PDLJS from 'peopledatalabs';
import { describe, expect, it } from 'vitest';
import { startFakePdl } from './pdl';

/**
 * Kestrel calls People Data Labs with plain fetch (one endpoint); this drives the fake with PDL's
 * official SDK so that the fake cannot drift from the real wire format (STYLE 18).
 */
/** PDL keys are 64 hex characters; the SDK refuses any other shape before calling. */
const KEY = 'a1'.repeat(32);

describe('the People Data Labs fake speaks what the official SDK sends and reads', async () => {
  const pdl = await startFakePdl(KEY);
  pdl.people.set('ada@lovelace.test', { likelihood: 8, data: { full_name: 'ada lovelace', job_title: 'analyst' } });
  const client = new PDLJS({ apiKey: KEY, basePath: `${pdl.url}/v5` });

  it('AI-2 a known person is enriched through the SDK, with the key as its api_key parameter', async () => {
    const found = await client.person.enrichment({ email: 'ada@lovelace.test' });
    expect(found).toMatchObject({ status: 200, likelihood: 8, data: { full_name: 'ada lovelace' } });
    expect(pdl.requests.at(-1)!.query.api_key).toBe(KEY);
  });

  it('AI-2 an unknown person and a wrong key come back as the SDK\'s own errors', async () => {
    await expect(client.person.enrichment({ email: 'nobody@nowhere.test' })).rejects.toMatchObject({ status: 404 });
    const wrong = new PDLJS({ apiKey: 'b2'.repeat(32), basePath: `${pdl.url}/v5` });
    await expect(wrong.person.enrichment({ email: 'ada@lovelace.test' })).rejects.toMatchObject({ status: 401 });
    pdl.failNext(429);
    await expect(client.person.enrichment({ email: 'ada@lovelace.test' })).rejects.toMatchObject({ status: 429 });
  });
});
