import type { FastifyRequest } from 'fastify';

/** Where a request came from, for sessions, rate limits and the audit log. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

/** The request's address and user agent, as sign-in, invitations and the audit log record them. */
export const requestMeta = (request: FastifyRequest): RequestMeta => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
