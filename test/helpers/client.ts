import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestServer } from './server';
import { codeFrom } from './smtp-sink';

let ipCounter = 1;

/**
 * A browser-like API client over app.inject: keeps the session cookie, sends the CSRF token on
 * writes, and comes from its own IP so rate limits of one test do not leak into another.
 */
export class TestClient {
  cookie: string | null = null;
  csrf: string | null = null;
  readonly ip: string;

  constructor(private readonly app: FastifyInstance, ip?: string) {
    this.ip = ip ?? `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter++ & 255}`;
  }

  async request(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        'user-agent': 'KestrelTest/1.0',
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const setCookie = res.cookies.find((c) => c.name === 'kestrel_session' || c.name === '__Host-kestrel_session');
    if (setCookie) {
      this.cookie = setCookie.value && !(setCookie.expires && setCookie.expires.getTime() < Date.now()) ? `${setCookie.name}=${setCookie.value}` : null;
      await this.refreshCsrf();
    }
    return res;
  }

  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body ?? {}, headers);
  patch = (url: string, body?: unknown) => this.request('PATCH', url, body ?? {});
  delete = (url: string) => this.request('DELETE', url);

  async refreshCsrf(): Promise<void> {
    if (!this.cookie) {
      this.csrf = null;
      return;
    }
    const res = await this.app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress: this.ip, headers: { cookie: this.cookie } });
    this.csrf = res.json().csrfToken ?? null;
  }
}

let userCounter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}${Date.now().toString(36)}${userCounter++}@example.test`;

/** Signs up through the API and finishes with the emailed code: a verified, signed-in user. */
export async function signUpUser(server: TestServer, opts: { name?: string; email?: string; password?: string } = {}) {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? 'correct horse battery';
  const client = new TestClient(server.app);
  const res = await client.post('/api/auth/sign-up', { name: opts.name ?? 'Test User', email, password, ageConfirmed: true });
  if (res.statusCode !== 202) throw new Error(`sign-up failed: ${res.statusCode} ${res.body}`);
  const mail = await server.smtp.waitForMail(email, (m) => m.subject.includes('sign-in code'));
  const verify = await client.post('/api/auth/code/verify', { email, code: codeFrom(mail) });
  if (verify.statusCode !== 200) throw new Error(`verify failed: ${verify.statusCode} ${verify.body}`);
  const me = (await client.get('/api/auth/me')).json();
  return { client, email, password, userId: me.user.id as string };
}

/** A signed-in owner of a new workspace. */
export async function ownerWithWorkspace(server: TestServer, name = 'Acme Plumbing') {
  const owner = await signUpUser(server, { name: 'Olive Owner' });
  const res = await owner.client.post('/api/workspaces', { name, country: 'US', state: 'TX', timeZone: 'America/Chicago', currency: 'USD' });
  if (res.statusCode !== 201) throw new Error(`create workspace failed: ${res.statusCode} ${res.body}`);
  return { ...owner, workspaceId: res.json().id as string };
}

/** Invites `role` into the owner's workspace and has a new user accept: returns that member. */
export async function addMember(server: TestServer, owner: { client: TestClient; workspaceId: string }, role: 'owner' | 'admin' | 'staff' | 'client') {
  const member = await signUpUser(server, { name: `${role} person` });
  const inv = await owner.client.post(`/api/workspaces/${owner.workspaceId}/invitations`, { email: member.email, role });
  if (inv.statusCode !== 201) throw new Error(`invite failed: ${inv.statusCode} ${inv.body}`);
  const mail = await server.smtp.waitForMail(member.email, (m) => m.subject.includes('invited you'));
  const token = /\/invite\/([^\s"<>]+)/.exec(mail.text)![1]!;
  const acc = await member.client.post(`/api/invitations/${token}/accept`);
  if (acc.statusCode !== 200) throw new Error(`accept failed: ${acc.statusCode} ${acc.body}`);
  return member;
}
