/** What other modules use of workspaces: the sender identity (name, postal address, time zone) and whether someone is still a member. */
export { memberRole, workspaceMembers, workspaceNameOf, workspaceProfile, type WorkspaceMember, type WorkspaceProfile } from './workspace-profile';
export type { Role } from './workspaces.schema';
export { userWorkspaces } from './memberships';
