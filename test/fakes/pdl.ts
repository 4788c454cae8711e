import { FakeProvider, route, startFake } from './harness';

/**
 * A local People Data Labs for tests (STYLE 13, 18): the Person Enrichment API —
 * `GET /v5/person/enrich?email=…|phone=…|name=…&company=…` with the key in `X-Api-Key`,
 * answering 200 `{ status, likelihood, data }` for a known person, 404
 * `{ status, error: { type: 'not_found', message } }` otherwise, 401 for a wrong key. A test can
 * script other answers (402, 429, 5xx) with `failNext` and reads back every request.
 */
export interface FakePerson {
  likelihood?: number;
  data: Record<string, unknown>;
}

const errorTypes: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 402: 'payment_required', 403: 'forbidden', 404: 'not_found', 429: 'rate_limit_error', 500: 'api_error', 503: 'api_error' };

export class FakePdl extends FakeProvider {
  /** People by lower-cased email or by phone as sent. */
  readonly people = new Map<string, FakePerson>();

  constructor(readonly apiKey: string) {
    super();
  }

  protected errorBody(status: number, message: string) {
    return { status, error: { type: errorTypes[status] ?? 'error', message } };
  }

  protected routes = [
    route('GET', '/v5/person/enrich', ({ query, headers }) => {
      const fail = (status: number, message: string) => ({ status, body: this.errorBody(status, message) });
      if ((headers['x-api-key'] ?? query.api_key) !== this.apiKey) return fail(401, 'Invalid API key');
      if (!query.email && !query.phone && !(query.name && query.company)) return fail(400, 'Request needs some identifying parameters');
      const person = this.people.get((query.email ?? query.phone ?? `${query.name}|${query.company}`).toLowerCase());
      if (!person) return fail(404, 'No records were found matching your request');
      return { status: 200, body: { status: 200, likelihood: person.likelihood ?? 9, data: person.data } };
    }),
  ];
}

export const startFakePdl = (apiKey: string): Promise<FakePdl> => startFake(new FakePdl(apiKey));
