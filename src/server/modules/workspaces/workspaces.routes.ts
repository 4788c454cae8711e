import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyMember, managers, teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import { acceptedResult, workspaceSummary } from '../accounts/accounts.contract';
import { requestMeta } from '../accounts';
import { acceptInvitation, createInvitation, listInvitations, previewInvitation, revokeInvitation, sendInvitationCode } from './invitations';
import { changeMemberRole, listMembers, removeMember } from './manage-members';
import { userWorkspaces } from './memberships';
import { createWorkspace, getWorkspace, updateWorkspace } from './manage-workspace';
import {
  changeRoleBody,
  createInvitationBody,
  createWorkspaceBody,
  invitationCodeBody,
  invitationParams,
  invitationPreviewSchema,
  invitationSchema,
  invitationTokenParams,
  memberParams,
  memberSchema,
  updateWorkspaceBody,
  workspaceParams,
  workspaceSchema,
} from './workspaces.contract';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };

export async function workspacesModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const services = app.services;
  const { db } = services.database;
  const tags = ['workspaces'];

  app.get('/api/workspaces', { config: { access: 'user' }, schema: { tags, summary: 'Your workspaces (WS-1)', response: { 200: z.object({ workspaces: z.array(workspaceSummary) }), ...errors } } }, async (request) => {
    const userId = request.auth!.userId;
    return { workspaces: await userWorkspaces(db, userId) };
  });

  app.post('/api/workspaces', { config: { access: 'user' }, schema: { tags, summary: 'Create a workspace; you become its owner (WS-1)', body: createWorkspaceBody, response: { 201: workspaceSchema, ...errors } } }, async (request, reply) => {
    await services.rateLimit.hit({ key: `workspace-create:account:${request.auth!.userId}`, max: 20, windowSeconds: 3600 });
    const ws = await createWorkspace(db, { userId: request.auth!.userId, email: request.auth!.email, ...requestMeta(request) }, request.body);
    return reply.code(201).send(ws);
  });

  app.get('/api/workspaces/:workspaceId', { config: { access: anyMember }, schema: { tags, summary: 'Business profile and territory (WS-1)', params: workspaceParams, response: { 200: workspaceSchema, ...errors } } }, async (request) =>
    getWorkspace(db, request.workspace!.ctx),
  );

  app.patch('/api/workspaces/:workspaceId', { config: { access: managers }, schema: { tags, summary: 'Update business profile and territory (WS-1)', params: workspaceParams, body: updateWorkspaceBody, response: { 200: workspaceSchema, ...errors } } }, async (request) =>
    updateWorkspace(db, request.workspace!.ctx, request.body),
  );

  app.get('/api/workspaces/:workspaceId/members', { config: { access: teamMembers }, schema: { tags, summary: 'Members and roles (WS-2)', params: workspaceParams, response: { 200: z.object({ members: z.array(memberSchema) }), ...errors } } }, async (request) => ({
    members: await listMembers(db, request.workspace!.ctx),
  }));

  app.patch('/api/workspaces/:workspaceId/members/:userId', { config: { access: managers }, schema: { tags, summary: "Change a member's role (WS-2)", params: memberParams, body: changeRoleBody, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await changeMemberRole(db, request.workspace!.ctx, request.params.userId, request.body.role);
    return reply.code(204).send(null);
  });

  // Any member may leave; removing someone else needs owner or admin (checked in the use case).
  app.delete('/api/workspaces/:workspaceId/members/:userId', { config: { access: anyMember }, schema: { tags, summary: 'Remove a member, or leave (WS-2)', params: memberParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await removeMember(db, request.workspace!.ctx, request.params.userId);
    return reply.code(204).send(null);
  });

  app.get('/api/workspaces/:workspaceId/invitations', { config: { access: managers }, schema: { tags, summary: 'Invitations (WS-2)', params: workspaceParams, response: { 200: z.object({ invitations: z.array(invitationSchema) }), ...errors } } }, async (request) => ({
    invitations: await listInvitations(db, request.workspace!.ctx),
  }));

  app.post('/api/workspaces/:workspaceId/invitations', { config: { access: managers }, schema: { tags, summary: 'Invite by email (WS-2)', params: workspaceParams, body: createInvitationBody, response: { 201: invitationSchema, ...errors } } }, async (request, reply) =>
    reply.code(201).send(await createInvitation(services, request.workspace!.ctx, request.body.email, request.body.role)),
  );

  app.delete('/api/workspaces/:workspaceId/invitations/:invitationId', { config: { access: managers }, schema: { tags, summary: 'Withdraw an invitation (WS-2)', params: invitationParams, response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await revokeInvitation(db, request.workspace!.ctx, request.params.invitationId);
    return reply.code(204).send(null);
  });

  app.get('/api/invitations/:token', { config: { access: 'public' }, schema: { tags, summary: 'What an invitation is for', params: invitationTokenParams, response: { 200: invitationPreviewSchema, ...errors } } }, async (request) =>
    previewInvitation(services, request.params.token),
  );

  app.post('/api/invitations/:token/code', { config: { access: 'public' }, schema: { tags, summary: 'Email a sign-in code to the invited address', params: invitationTokenParams, body: invitationCodeBody, response: { 202: acceptedResult, ...errors } } }, async (request, reply) => {
    await sendInvitationCode(services, request.params.token, request.body, requestMeta(request));
    return reply.code(202).send({ status: 'accepted' as const, message: 'We emailed you a 6-digit code.' });
  });

  app.post('/api/invitations/:token/accept', { config: { access: 'user' }, schema: { tags, summary: 'Join the workspace (WS-2)', params: invitationTokenParams, response: { 200: z.object({ workspaceId: z.uuid() }), ...errors } } }, async (request) =>
    acceptInvitation(services, request.params.token, { userId: request.auth!.userId, email: request.auth!.email }, requestMeta(request)),
  );
}
