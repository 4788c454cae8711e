import { DataProviderError } from '../enrichment-errors';
import type { DataProviderConnection, PersonEnricher, PersonMatch, PersonQuery } from './types';

const LABEL = 'People Data Labs';
const TIMEOUT_MS = 15_000;

/** PDL marks fields a plan may not see with `true`; only real strings are facts. */
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** PDL writes profile URLs without a scheme ("linkedin.com/in/…"). */
function profileUrl(v: unknown): string | null {
  const s = text(v);
  if (!s) return null;
  return /^https?:\/\//i.test(s) ? s : `https://${s}`;
}

function providerMessage(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const error = (body as { error?: { message?: unknown } }).error;
  return typeof error?.message === 'string' ? error.message.slice(0, 300) : null;
}

/** What each refusal means for the person reading it; the key itself is never part of it. */
function failure(status: number, said: string | null): DataProviderError {
  const why = said ? ` It said: "${said}"` : '';
  if (status === 401) return new DataProviderError(status, `${LABEL} did not accept the API key (401). An owner or admin can check it in Settings → AI → Data provider.`);
  if (status === 402) return new DataProviderError(status, `The ${LABEL} account is out of credits (402). Add credits or change the plan, then try again.`);
  if (status === 403) return new DataProviderError(status, `The ${LABEL} key may not use person enrichment (403).${why}`);
  if (status === 429) return new DataProviderError(status, `${LABEL} is limiting requests from this key (429). Try again in a minute.`);
  if (status >= 500) return new DataProviderError(status, `${LABEL} is having trouble (HTTP ${status}). Try again later.`);
  return new DataProviderError(status, `${LABEL} refused the look-up (HTTP ${status}).${why}`);
}

/**
 * AI-2: People Data Labs' Person Enrichment API — `GET /v5/person/enrich` with the key in
 * `X-Api-Key`. 200 is a match, 404 no match (PDL bills neither a miss nor this call's absence).
 */
export const peopleDataLabs: PersonEnricher = {
  label: LABEL,
  async enrichPerson(connection: DataProviderConnection, query: PersonQuery, signal?: AbortSignal): Promise<PersonMatch | null> {
    const params = new URLSearchParams({ titlecase: 'true' });
    if (query.email) params.set('email', query.email);
    else if (query.phone) params.set('phone', query.phone);
    else if (query.name && query.company) {
      params.set('name', query.name);
      params.set('company', query.company);
      // A name is weaker evidence than an address: only a confident match is worth proposing.
      params.set('min_likelihood', '6');
    } else throw new Error('A person look-up needs an email, a phone, or a name with a company.');
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetch(`${connection.baseUrl}/v5/person/enrich?${params.toString()}`, {
        headers: { 'x-api-key': connection.apiKey, accept: 'application/json' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const reason = timeout.aborted ? `no answer within ${TIMEOUT_MS / 1000} seconds` : error instanceof Error ? error.message : String(error);
      throw new DataProviderError(0, `${LABEL} could not be reached (${reason}). Try again later.`);
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.status === 404) return null;
    if (res.status !== 200) throw failure(res.status, providerMessage(body));
    const data = (body as { data?: Record<string, unknown> } | null)?.data;
    if (!data || typeof data !== 'object') throw new DataProviderError(502, `${LABEL} answered without a person record.`);
    const likelihood = (body as { likelihood?: unknown }).likelihood;
    return {
      likelihood: typeof likelihood === 'number' ? likelihood : null,
      fullName: text(data.full_name),
      jobTitle: text(data.job_title),
      companyName: text(data.job_company_name),
      companyWebsite: text(data.job_company_website),
      city: text(data.location_locality),
      region: text(data.location_region),
      country: text(data.location_country),
      linkedinUrl: profileUrl(data.linkedin_url),
    };
  },
};

export const enrichers = { people_data_labs: peopleDataLabs } as const;
