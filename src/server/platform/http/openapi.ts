import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../config';
import { sessionCookieName } from '../auth/sessions';
import type { Access } from './access';

/**
 * INT-4: the OpenAPI document a standard client generator can use. Each operation gets a stable
 * `operationId` derived from its method and path, and the `security` its declared access implies:
 * public routes need nothing; every other route needs the session cookie, and writes also the
 * session's CSRF token header.
 */
export function openApiOptions(config: Config): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kestrel API',
        version: '0.1.0',
        description:
          'Every route, its access and its schemas. Sign in (POST /api/auth/sign-in) to get the session cookie; ' +
          'GET /api/auth/me returns the `csrfToken` that every signed-in write sends as the `x-csrf-token` header.',
        license: { name: 'AGPL-3.0-only', identifier: 'AGPL-3.0-only' },
      },
      servers: [{ url: config.publicUrl, description: 'This Kestrel' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(config), description: 'The session cookie set by signing in.' },
          csrfToken: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'The `csrfToken` of GET /api/auth/me; required on signed-in writes.' },
        },
      },
    },
    transform: (document) => {
      const out = jsonSchemaTransform(document);
      if (!out.schema || (out.schema as { hide?: boolean }).hide) return out;
      const method = [document.route.method].flat()[0]!;
      const access = (document.route.config as { access?: Access } | undefined)?.access;
      return { ...out, schema: { ...out.schema, operationId: operationIdFor(method, document.url), security: securityFor(method, access) } };
    },
    transformObject: jsonSchemaTransformObject,
  };
}

/** `GET /api/workspaces/:workspaceId/contacts/:contactId` → `getWorkspacesByWorkspaceIdContactsByContactId`. */
export function operationIdFor(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((segment) => segment && segment !== 'api')
    .map((segment) => {
      const param = /^[:{]([^}]+)}?$/.exec(segment);
      const word = (param ? param[1]! : segment)
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((part) => part[0]!.toUpperCase() + part.slice(1))
        .join('');
      return param ? `By${word}` : word;
    });
  return method.toLowerCase() + words.join('');
}

function securityFor(method: string, access: Access | undefined): Array<Record<string, string[]>> {
  if (access === undefined || access === 'public') return [];
  return method === 'GET' || method === 'HEAD' ? [{ session: [] }] : [{ session: [], csrfToken: [] }];
}

/** The document as served, naming the server people reach (PUBLIC_URL, known fully only once listening). */
export function openApiDocument(app: FastifyInstance, config: Config): Record<string, unknown> {
  return { ...(app.swagger() as unknown as Record<string, unknown>), servers: [{ url: config.publicUrl, description: 'This Kestrel' }] };
}
