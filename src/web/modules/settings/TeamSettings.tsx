import { useParams } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { createInvitationBody } from '../../../server/modules/workspaces/workspaces.contract';
import { errorMessage, isApiError, validate } from '../../lib/api';
import { formatDate, formatRelative, roleDescriptions, roleLabels } from '../../lib/format';
import { announce } from '../../ui/Announcer';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { inputClass, SelectField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { useFormErrors } from '../../ui/useFormErrors';
import { useMe } from '../accounts/useMe';
import {
  changeMemberRole,
  createInvitation,
  fetchInvitations,
  fetchMembers,
  removeMember,
  revokeInvitation,
  workspaceKeys,
  type Invitation,
  type Member,
  type Role,
} from '../workspaces/api';
import { isManager, useWorkspace } from '../workspaces/useWorkspaces';
import { Forbidden } from './Forbidden';

const ROLES: Role[] = ['owner', 'admin', 'staff', 'client'];

/** WS-2: members with their roles, pending invitations, and the invite form. */
export function TeamSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const workspace = useWorkspace(workspaceId);
  const myRole = workspace.data?.role;
  const manager = isManager(myRole);
  return (
    <div>
      <PageHeading description={manager ? 'Invite people, change what they can do, or remove them.' : 'The people in this workspace.'}>Team</PageHeading>
      <div className="space-y-6">
        {manager && myRole ? <InviteForm workspaceId={workspaceId} myRole={myRole} /> : null}
        <MembersSection workspaceId={workspaceId} myRole={myRole} />
        {manager ? <InvitationsSection workspaceId={workspaceId} /> : null}
      </div>
    </div>
  );
}

/** An admin may not hand out the owner role; owners may. */
const assignableRoles = (myRole: Role | undefined) => ROLES.filter((r) => r !== 'owner' || myRole === 'owner');

function InviteForm({ workspaceId, myRole }: { workspaceId: string; myRole: Role }) {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const errors = useFormErrors(['email', 'role']);
  const mutation = useMutation({
    mutationFn: (body: { email: string; role: Role }) => createInvitation(workspaceId, body),
    onSuccess: async (invitation) => {
      setSentTo(invitation.email);
      setEmail('');
      await client.invalidateQueries({ queryKey: workspaceKeys.invitations(workspaceId) });
    },
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSentTo(null);
    const checked = validate(createInvitationBody, { email, role });
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    mutation.mutate(checked.data);
  };
  return (
    <Card labelledBy="team-invite">
      <SectionHeading id="team-invite" description="They get an email with a link to join. New people create their account from it.">
        Invite someone
      </SectionHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <div className="grid gap-4 sm:grid-cols-[1fr_12rem]">
          <TextField label="Email address" name="email" type="email" autoComplete="off" value={email} onChange={(e) => { setEmail(e.target.value); setSentTo(null); }} error={errors.fields.email} />
          <SelectField
            label="Role"
            name="role"
            options={assignableRoles(myRole).map((r) => ({ value: r, label: roleLabels[r] }))}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            error={errors.fields.role}
          />
        </div>
        <p className="text-xs text-stone-500">
          {roleLabels[role]}: {roleDescriptions[role].toLowerCase()}.
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" pending={mutation.isPending} pendingLabel="Sending…">
            Send invitation
          </Button>
          {sentTo ? <StatusNote className="py-2">Invitation sent to {sentTo}.</StatusNote> : null}
        </div>
      </form>
    </Card>
  );
}

function MembersSection({ workspaceId, myRole }: { workspaceId: string; myRole: Role | undefined }) {
  const members = useQuery({ queryKey: workspaceKeys.members(workspaceId), queryFn: () => fetchMembers(workspaceId) });
  const me = useMe();
  const list = members.data?.members ?? [];
  return (
    <Card labelledBy="team-members">
      <SectionHeading id="team-members">Members{members.data ? ` (${list.length})` : ''}</SectionHeading>
      {members.isPending ? (
        <SkeletonList label="Loading members…" />
      ) : members.isError ? (
        isApiError(members.error) && members.error.status === 403 ? (
          <Forbidden what="the member list" />
        ) : (
          <ErrorAlert>{errorMessage(members.error)}</ErrorAlert>
        )
      ) : list.length === 0 ? (
        <EmptyState title="No members yet">Invite someone above to start working together.</EmptyState>
      ) : (
        <ul aria-label="Members" className="divide-y divide-stone-200">
          {list.map((member) => (
            <MemberRow key={member.userId} workspaceId={workspaceId} member={member} myRole={myRole} isMe={member.userId === me.data?.user?.id} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function MemberRow({ workspaceId, member, myRole, isMe }: { workspaceId: string; member: Member; myRole: Role | undefined; isMe: boolean }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const manager = isManager(myRole);
  const canEdit = manager && (member.role !== 'owner' || myRole === 'owner');
  const refreshTeam = () =>
    Promise.all([client.invalidateQueries({ queryKey: workspaceKeys.members(workspaceId) }), isMe ? client.invalidateQueries({ queryKey: workspaceKeys.one(workspaceId) }) : null]);

  const changeRole = useMutation({
    mutationFn: (role: Role) => changeMemberRole(workspaceId, member.userId, { role }),
    onSuccess: async (_r, role) => {
      announce(`${member.name} is now ${roleLabels[role].toLowerCase()}.`);
      await refreshTeam();
      if (isMe) await client.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const remove = useMutation({
    mutationFn: () => removeMember(workspaceId, member.userId),
    onSuccess: async () => {
      announce(`${member.name} was removed from the workspace.`);
      setConfirming(false);
      await refreshTeam();
    },
  });
  const error = changeRole.error ?? remove.error;
  const roleOptions = (canEdit ? assignableRoles(myRole) : ROLES).map((r) => ({ value: r, label: roleLabels[r] }));
  if (!roleOptions.some((o) => o.value === member.role)) roleOptions.unshift({ value: member.role, label: roleLabels[member.role] });

  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
      <span aria-hidden="true" className="flex size-9 shrink-0 items-center justify-center rounded-full bg-stone-100 text-sm font-semibold text-stone-700">
        {member.name.slice(0, 1).toUpperCase()}
      </span>
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium text-stone-900">
          {member.name}
          {isMe ? <span className="ml-1 text-sm font-normal text-stone-500">(you)</span> : null}
        </p>
        <p className="truncate text-sm text-stone-600">
          {member.email} · joined {formatRelative(member.joinedAt)}
          {member.twoFactorEnabled ? ' · two-step on' : ''}
        </p>
        {error ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {isApiError(error, 'last_owner') ? 'A workspace needs at least one owner. Make someone else an owner first.' : errorMessage(error)}
          </p>
        ) : null}
      </div>
      {canEdit ? (
        <div className="flex flex-wrap items-center gap-2">
          <label className="sr-only" htmlFor={`role-${member.userId}`}>
            Role for {member.name}
          </label>
          <select
            id={`role-${member.userId}`}
            className={`${inputClass} w-auto py-1.5`}
            value={changeRole.isPending ? changeRole.variables : member.role}
            disabled={changeRole.isPending}
            aria-busy={changeRole.isPending || undefined}
            onChange={(e) => changeRole.mutate(e.target.value as Role)}
          >
            {roleOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {confirming ? (
            <span className="flex items-center gap-2" role="group" aria-label={`Confirm removing ${member.name}`}>
              <Button variant="danger" size="sm" onClick={() => remove.mutate()} pending={remove.isPending} pendingLabel="Removing…" autoFocus>
                {isMe ? 'Leave workspace' : `Remove ${member.name}`}
              </Button>
              <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
            </span>
          ) : (
            <Button variant="ghost" size="sm" onClick={() => setConfirming(true)} aria-label={`Remove ${member.name}`}>
              Remove
            </Button>
          )}
        </div>
      ) : (
        <span className="rounded-full bg-stone-100 px-2.5 py-1 text-xs font-medium text-stone-700">{roleLabels[member.role]}</span>
      )}
    </li>
  );
}

function InvitationsSection({ workspaceId }: { workspaceId: string }) {
  const invitations = useQuery({ queryKey: workspaceKeys.invitations(workspaceId), queryFn: () => fetchInvitations(workspaceId) });
  const list = (invitations.data?.invitations ?? []).filter((i) => i.status === 'pending' || i.status === 'expired');
  return (
    <Card labelledBy="team-invitations">
      <SectionHeading id="team-invitations" description="Invitations waiting for an answer.">
        Invitations
      </SectionHeading>
      {invitations.isPending ? (
        <SkeletonList rows={2} label="Loading invitations…" />
      ) : invitations.isError ? (
        <ErrorAlert>{errorMessage(invitations.error)}</ErrorAlert>
      ) : list.length === 0 ? (
        <EmptyState title="No pending invitations">People you invite appear here until they join.</EmptyState>
      ) : (
        <ul aria-label="Pending invitations" className="divide-y divide-stone-200">
          {list.map((invitation) => (
            <InvitationRow key={invitation.id} workspaceId={workspaceId} invitation={invitation} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function InvitationRow({ workspaceId, invitation }: { workspaceId: string; invitation: Invitation }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => revokeInvitation(workspaceId, invitation.id),
    onSuccess: async () => {
      announce(`Invitation for ${invitation.email} revoked.`);
      await client.invalidateQueries({ queryKey: workspaceKeys.invitations(workspaceId) });
    },
  });
  const expired = invitation.status === 'expired' || new Date(invitation.expiresAt).getTime() < Date.now();
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3">
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium text-stone-900">{invitation.email}</p>
        <p className="text-sm text-stone-600">
          {roleLabels[invitation.role]} · {expired ? 'expired' : `expires ${formatDate(invitation.expiresAt)}`}
          {invitation.invitedByName ? ` · invited by ${invitation.invitedByName}` : ''}
        </p>
        {revoke.isError ? (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {errorMessage(revoke.error)}
          </p>
        ) : null}
      </div>
      <Button variant="ghost" size="sm" onClick={() => revoke.mutate()} pending={revoke.isPending} pendingLabel="Revoking…" aria-label={`Revoke the invitation for ${invitation.email}`}>
        Revoke
      </Button>
    </li>
  );
}
