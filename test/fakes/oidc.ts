import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAfterFile } from '../helpers/file-cleanup';
// @ts-expect-error -- oidc-provider ships no type declarations; the little of it used here is typed below.
import ProviderModule from 'oidc-provider';

/** Who signs in at the provider, and what it says about them. */
export interface OidcAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  /** Released only if the client asks for the `profile` scope, as Google does. */
  name?: string;
  picture?: string;
}

/** What the provider saw at its token endpoint: enough to check PKCE and to look for leaked tokens. */
export interface TokenExchange {
  ok: boolean;
  codeVerifier: string | null;
  error: string | null;
  accessToken: string | null;
  idToken: string | null;
}

export interface AuthorizationRequest {
  params: URLSearchParams;
}

export interface OidcServer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The client's redirect URI is known only once the app under test listens; the provider is built then. */
  registerClient(redirectUri: string): void;
  /**
   * Acts as the person's browser at the provider: opens the authorization URL, signs in as
   * `account` (or refuses consent), and returns the URL the provider sends the browser back to.
   */
  authorize(authorizationUrl: string, account: OidcAccount | 'deny'): Promise<URL>;
  authorizationRequests: AuthorizationRequest[];
  tokenExchanges: TokenExchange[];
  /** Method and path of every request the provider received, in order. */
  requests: string[];
  close(): Promise<void>;
}

interface InteractionDetails {
  uid: string;
  prompt: { name: string };
  params: Record<string, unknown> & { client_id: string; scope?: string };
}

interface Grant {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}

interface ProviderContext {
  oidc: { params?: Record<string, unknown> };
  body?: unknown;
}

interface Provider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => Grant;
  on(event: 'grant.success', listener: (ctx: ProviderContext) => void): void;
  on(event: 'grant.error', listener: (ctx: ProviderContext, error: { error?: string; message: string }) => void): void;
  on(event: 'authorization.accepted', listener: (ctx: ProviderContext) => void): void;
}

const ProviderClass = ProviderModule as new (issuer: string, configuration: Record<string, unknown>) => Provider;

/**
 * A real OpenID Connect provider (panva's oidc-provider) on 127.0.0.1 and a random port,
 * standing in for Google in tests: discovery, authorization with PKCE required, a token
 * endpoint that authenticates the client, and RS256 ID tokens verifiable through its JWKS.
 * Login and consent are an interaction that signs in whichever account the test names.
 * Not built on the harness: a certified provider implementation is a truer stand-in for an
 * OpenID Connect server than anything we would write, and Kestrel's official client talks to it.
 */
export async function startOidcServer(): Promise<OidcServer> {
  const clientId = `kestrel-test-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
  const accounts = new Map<string, OidcAccount>();
  /** The account the next interaction signs in as; tests drive one authorization at a time. */
  let nextLogin: OidcAccount | 'deny' | null = null;
  const authorizationRequests: AuthorizationRequest[] = [];
  const tokenExchanges: TokenExchange[] = [];
  const requests: string[] = [];
  let provider: Provider | null = null;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;

  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url?.split('?')[0]}`);
    if (!provider || !handler) {
      res.statusCode = 503;
      res.end('provider not configured yet');
      return;
    }
    if (req.url?.startsWith('/interaction/')) {
      void interact(provider, req, res).catch((err: Error) => {
        res.statusCode = 500;
        res.end(`interaction failed: ${err.message}`);
      });
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function interact(p: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await p.interactionDetails(req, res);
    const login = nextLogin;
    if (!login) throw new Error('no account chosen for this authorization');
    if (login === 'deny') {
      await p.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person declined.' }, { mergeWithLastSubmission: false });
      return;
    }
    accounts.set(login.sub, login);
    const grant = new p.Grant({ accountId: login.sub, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await p.interactionFinished(req, res, { login: { accountId: login.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }

  function registerClient(redirectUri: string): void {
    provider = new ProviderClass(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [signingKey] },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      // Like Google: PKCE is accepted from confidential clients; here it is required, so a
      // wrong or missing code_verifier fails the exchange.
      pkce: { required: () => true },
      // Like Google: the ID token from the token endpoint carries the email claims itself.
      conformIdTokenClaims: false,
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
      scopes: ['openid', 'email', 'profile'],
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      findAccount: async (_ctx: unknown, sub: string) => {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return {
          accountId: sub,
          claims: async () => ({ sub, email: account.email, email_verified: account.email_verified, name: account.name, picture: account.picture }),
        };
      },
      ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 600, Grant: 600 },
      renderError: async (ctx: { type: string; body: unknown }, out: Record<string, string>) => {
        ctx.type = 'json';
        ctx.body = out;
      },
    });
    provider.on('authorization.accepted', (ctx) => {
      authorizationRequests.push({ params: new URLSearchParams(Object.entries(ctx.oidc.params ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string')) });
    });
    provider.on('grant.success', (ctx) => {
      const body = (ctx.body ?? {}) as { access_token?: string; id_token?: string };
      tokenExchanges.push({ ok: true, codeVerifier: stringParam(ctx, 'code_verifier'), error: null, accessToken: body.access_token ?? null, idToken: body.id_token ?? null });
    });
    provider.on('grant.error', (ctx, error) => {
      tokenExchanges.push({ ok: false, codeVerifier: stringParam(ctx, 'code_verifier'), error: error.error ?? error.message, accessToken: null, idToken: null });
    });
    handler = provider.callback();
  }

  async function authorize(authorizationUrl: string, account: OidcAccount | 'deny'): Promise<URL> {
    nextLogin = account;
    const jar = new Map<string, string>();
    let url = new URL(authorizationUrl);
    try {
      for (let hop = 0; hop < 10; hop++) {
        if (url.origin !== issuer) return url;
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), accept: 'text/html' } });
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const eq = pair!.indexOf('=');
          jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
        }
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location) {
          throw new Error(`provider answered ${res.status} at ${url.pathname}: ${await res.text()}`);
        }
        url = new URL(location, url);
      }
      throw new Error('too many redirects at the provider');
    } finally {
      nextLogin = null;
    }
  }

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  closeAfterFile(close);
  return { issuer, clientId, clientSecret, registerClient, authorize, authorizationRequests, tokenExchanges, requests, close };
}

function stringParam(ctx: ProviderContext, name: string): string | null {
  const value = ctx.oidc.params?.[name];
  return typeof value === 'string' ? value : null;
}

/** RFC 7636 S256, to check the challenge sent at authorization against the verifier sent at the token endpoint. */
export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
