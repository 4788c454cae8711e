import type { z } from 'zod';
import type { workspaceSummary } from '../../../server/modules/accounts/accounts.contract';
import type {
  changeRoleBody,
  createInvitationBody,
  createWorkspaceBody,
  Invitation,
  invitationCodeBody,
  invitationPreviewSchema,
  Member,
  roleSchema,
  updateWorkspaceBody,
  Workspace,
} from '../../../server/modules/workspaces/workspaces.contract';
import { api } from '../../lib/api';

export type { Invitation, Member, Workspace };
export type Role = z.infer<typeof roleSchema>;
export type WorkspaceSummary = z.infer<typeof workspaceSummary>;
export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;
export type CreateWorkspaceInput = z.input<typeof createWorkspaceBody>;
export type UpdateWorkspaceInput = z.input<typeof updateWorkspaceBody>;

const ws = (workspaceId: string) => `/api/workspaces/${encodeURIComponent(workspaceId)}`;

export const fetchWorkspaces = () => api.get<{ workspaces: WorkspaceSummary[] }>('/api/workspaces');
export const createWorkspace = (body: CreateWorkspaceInput) => api.post<Workspace>('/api/workspaces', body);
export const fetchWorkspace = (workspaceId: string) => api.get<Workspace>(ws(workspaceId));
export const updateWorkspace = (workspaceId: string, body: UpdateWorkspaceInput) => api.patch<Workspace>(ws(workspaceId), body);

export const fetchMembers = (workspaceId: string) => api.get<{ members: Member[] }>(`${ws(workspaceId)}/members`);
export const changeMemberRole = (workspaceId: string, userId: string, body: z.input<typeof changeRoleBody>) =>
  api.patch<Member>(`${ws(workspaceId)}/members/${encodeURIComponent(userId)}`, body);
export const removeMember = (workspaceId: string, userId: string) => api.delete(`${ws(workspaceId)}/members/${encodeURIComponent(userId)}`);

export const fetchInvitations = (workspaceId: string) => api.get<{ invitations: Invitation[] }>(`${ws(workspaceId)}/invitations`);
export const createInvitation = (workspaceId: string, body: z.input<typeof createInvitationBody>) => api.post<Invitation>(`${ws(workspaceId)}/invitations`, body);
export const revokeInvitation = (workspaceId: string, invitationId: string) => api.delete(`${ws(workspaceId)}/invitations/${encodeURIComponent(invitationId)}`);

const invite = (token: string) => `/api/invitations/${encodeURIComponent(token)}`;
export const fetchInvitationPreview = (token: string) => api.get<InvitationPreview>(invite(token));
export const requestInvitationCode = (token: string, body: z.input<typeof invitationCodeBody>) => api.post<unknown>(`${invite(token)}/code`, body);
export const acceptInvitation = (token: string) => api.post<{ workspaceId: string }>(`${invite(token)}/accept`);

export const workspaceKeys = {
  all: ['workspaces'] as const,
  one: (id: string) => ['workspace', id] as const,
  members: (id: string) => ['members', id] as const,
  invitations: (id: string) => ['invitations', id] as const,
};
