import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { invitationCodeBody } from '../../../server/modules/workspaces/workspaces.contract';
import { errorMessage, isApiError, validate } from '../../lib/api';
import { formatDate, roleDescriptions, roleLabels } from '../../lib/format';
import { announce } from '../../ui/Announcer';
import { ErrorAlert, InfoNote } from '../../ui/Alert';
import { AuthLayout } from '../../ui/AuthLayout';
import { Button, buttonClass } from '../../ui/Button';
import { CheckboxField, TextField } from '../../ui/Field';
import { linkClass } from '../../ui/links';
import { LoadingBlock } from '../../ui/Spinner';
import { useFormErrors } from '../../ui/useFormErrors';
import { signOut, type SignInResult } from '../accounts/api';
import { CodeStep } from '../accounts/CodeStep';
import { AuthHeading, FocusHeading } from '../accounts/FocusHeading';
import { TwoFactorForm } from '../accounts/TwoFactorForm';
import { useMe, useRefreshSession } from '../accounts/useMe';
import { acceptInvitation, fetchInvitationPreview, requestInvitationCode, workspaceKeys, type InvitationPreview } from './api';
import { rememberWorkspace } from './useWorkspaces';

const UNUSABLE: Record<string, string> = {
  invitation_invalid: 'This invitation link is not valid. Check that you opened the whole link from the email.',
  invitation_expired: 'This invitation has expired. Ask the person who invited you to send a new one.',
  invitation_used: 'This invitation has already been accepted. Sign in to open the workspace.',
  invitation_revoked: 'This invitation was withdrawn. Ask the workspace owner if you should still join.',
};

/** WS-2: someone invited you to their workspace. Join with an emailed code (AUTH-2), creating the account if needed. */
export function InvitePage() {
  const { token } = useParams({ from: '/invite/$token' });
  const me = useMe();
  const preview = useQuery({ queryKey: ['invitation', token], queryFn: () => fetchInvitationPreview(token), retry: false, staleTime: Infinity });

  if (preview.isPending || me.isPending) {
    return (
      <AuthLayout>
        <AuthHeading>Your invitation</AuthHeading>
        <LoadingBlock label="Opening your invitation…" />
      </AuthLayout>
    );
  }

  if (preview.isError) {
    const code = isApiError(preview.error) ? preview.error.code : '';
    return (
      <AuthLayout>
        <AuthHeading>This invitation can’t be used</AuthHeading>
        <ErrorAlert>{UNUSABLE[code] ?? errorMessage(preview.error)}</ErrorAlert>
        <Link to="/" className={`${buttonClass('secondary')} mt-6 w-full`}>
          {me.data?.user ? 'Go to your workspaces' : 'Go to sign in'}
        </Link>
      </AuthLayout>
    );
  }

  return <InvitationFlow token={token} invitation={preview.data} />;
}

type Step = { kind: 'start' } | { kind: 'code'; body: { name?: string; ageConfirmed?: true } } | { kind: 'two_factor' };

function InvitationFlow({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const refresh = useRefreshSession();
  const [step, setStep] = useState<Step>({ kind: 'start' });

  const user = me.data?.user ?? null;
  const emailMatches = user !== null && user.email.toLowerCase() === invitation.email.toLowerCase();

  const accept = useMutation({
    mutationFn: async () => {
      // A new session means a new CSRF token; make sure we carry the current one.
      await refresh();
      return acceptInvitation(token);
    },
    onSuccess: async ({ workspaceId }) => {
      rememberWorkspace(workspaceId);
      await Promise.all([client.invalidateQueries({ queryKey: ['me'] }), client.invalidateQueries({ queryKey: workspaceKeys.all })]);
      announce(`You joined ${invitation.workspaceName}.`);
      await navigate({ to: '/w/$workspaceId', params: { workspaceId } });
    },
  });

  const switchAccount = useMutation({
    mutationFn: signOut,
    onSuccess: async () => {
      await refresh({ clearOthers: true });
      setStep({ kind: 'start' });
    },
  });

  const afterCode = async (result: SignInResult) => {
    if (result.next === 'two_factor') {
      await refresh();
      setStep({ kind: 'two_factor' });
      return;
    }
    accept.mutate();
  };

  const summary = (
    <div className="mb-6 rounded-lg bg-stone-50 p-4 text-sm text-stone-700">
      <p>
        {invitation.inviterName ? <strong className="font-medium text-stone-900">{invitation.inviterName}</strong> : 'Someone'} invited{' '}
        <strong className="font-medium text-stone-900">{invitation.email}</strong> to join <strong className="font-medium text-stone-900">{invitation.workspaceName}</strong>{' '}
        as {roleLabels[invitation.role].toLowerCase()}.
      </p>
      <p className="mt-1 text-xs text-stone-500">
        {roleLabels[invitation.role]}: {roleDescriptions[invitation.role].toLowerCase()}. Invitation valid until {formatDate(invitation.expiresAt)}.
      </p>
    </div>
  );

  const acceptError = accept.isError ? <ErrorAlert className="mb-4">{errorMessage(accept.error)}</ErrorAlert> : null;

  if (accept.isPending || accept.isSuccess) {
    return (
      <AuthLayout>
        <FocusHeading>{`Joining ${invitation.workspaceName}…`}</FocusHeading>
        <LoadingBlock label="Adding you to the workspace…" />
      </AuthLayout>
    );
  }

  if (step.kind === 'code') {
    return (
      <AuthLayout>
        {acceptError}
        <CodeStep
          email={invitation.email}
          onResend={() => requestInvitationCode(token, step.body)}
          onVerified={afterCode}
          onBack={() => setStep({ kind: 'start' })}
          backLabel="Back"
        />
      </AuthLayout>
    );
  }

  if (step.kind === 'two_factor') {
    return (
      <AuthLayout>
        <FocusHeading>Two-step verification</FocusHeading>
        <p className="mt-2 mb-6 text-sm text-stone-600">Your account has two-step verification on. Enter the code from your authenticator app to join.</p>
        {acceptError}
        <TwoFactorForm onVerified={() => accept.mutate()} />
      </AuthLayout>
    );
  }

  if (user && emailMatches) {
    return (
      <AuthLayout>
        <AuthHeading>{`Join ${invitation.workspaceName}`}</AuthHeading>
        {summary}
        {acceptError}
        <Button className="w-full" onClick={() => accept.mutate()}>
          Accept invitation
        </Button>
      </AuthLayout>
    );
  }

  if (user) {
    return (
      <AuthLayout>
        <AuthHeading>{`Join ${invitation.workspaceName}`}</AuthHeading>
        {summary}
        <InfoNote className="mb-4">
          You are signed in as <strong className="font-medium">{user.email}</strong>, but this invitation is for <strong className="font-medium">{invitation.email}</strong>.
          Sign out to accept it with that address.
        </InfoNote>
        {switchAccount.isError ? <ErrorAlert className="mb-4">{errorMessage(switchAccount.error)}</ErrorAlert> : null}
        <div className="flex flex-col gap-3">
          <Button onClick={() => switchAccount.mutate()} pending={switchAccount.isPending} pendingLabel="Signing out…">
            Sign out and continue
          </Button>
          <Link to="/" className={buttonClass('secondary')}>
            Not now
          </Link>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout>
      <AuthHeading>{`Join ${invitation.workspaceName}`}</AuthHeading>
      {summary}
      <RequestCodeForm token={token} invitation={invitation} onSent={(body) => setStep({ kind: 'code', body })} />
      {invitation.accountExists ? (
        <p className="mt-4 text-center text-sm text-stone-600">
          Prefer your password?{' '}
          <Link to="/sign-in" search={{ redirect: `/invite/${token}` }} className={linkClass}>
            Sign in first
          </Link>
        </p>
      ) : null}
    </AuthLayout>
  );
}

function RequestCodeForm({ token, invitation, onSent }: { token: string; invitation: InvitationPreview; onSent: (body: { name?: string; ageConfirmed?: true }) => void }) {
  const [name, setName] = useState('');
  const [ageConfirmed, setAgeConfirmed] = useState(false);
  const errors = useFormErrors(['name', 'ageConfirmed']);
  const newcomer = !invitation.accountExists;
  const mutation = useMutation({
    mutationFn: (body: { name?: string; ageConfirmed?: true }) => requestInvitationCode(token, body).then(() => body),
    onSuccess: (body) => onSent(body),
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!newcomer) {
      errors.clear();
      mutation.mutate({});
      return;
    }
    const fields: Record<string, string> = {};
    const checked = validate(invitationCodeBody, { name, ageConfirmed: ageConfirmed || undefined });
    if (!checked.ok) Object.assign(fields, checked.fields);
    if (!name.trim()) fields.name = 'Enter your name.';
    if (!ageConfirmed) fields.ageConfirmed = 'Kestrel is for people 18 and over; please confirm.';
    if (Object.keys(fields).length) return errors.showFields(fields);
    errors.clear();
    mutation.mutate({ name: name.trim(), ageConfirmed: true });
  };
  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
      {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
      {newcomer ? (
        <>
          <p className="text-sm text-stone-600">You’re new to Kestrel. Tell us your name and we’ll email a code to {invitation.email} to create your account.</p>
          <TextField label="Your name" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={errors.fields.name} />
          <CheckboxField label="I am 18 or older" name="ageConfirmed" checked={ageConfirmed} onChange={(e) => setAgeConfirmed(e.target.checked)} error={errors.fields.ageConfirmed} />
        </>
      ) : (
        <p className="text-sm text-stone-600">We’ll email a 6-digit code to {invitation.email} to confirm it’s you.</p>
      )}
      <Button type="submit" className="w-full" pending={mutation.isPending} pendingLabel="Sending…">
        Email me a code
      </Button>
    </form>
  );
}
