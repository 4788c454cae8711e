import type { FastifyInstance } from 'fastify';

/** AUTH-4: Sign in with Google. Built in its own file; see google-sign-in.ts. */
export async function googleRoutes(_app: FastifyInstance): Promise<void> {}
