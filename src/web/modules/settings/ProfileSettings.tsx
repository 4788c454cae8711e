import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { passwordSchema, updateProfileBody } from '../../../server/modules/accounts/accounts.contract';
import { validate } from '../../lib/api';
import { formatDate } from '../../lib/format';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { PasswordField, TextField } from '../../ui/Field';
import { Card, PageHeading, SectionHeading } from '../../ui/PageHeading';
import { LoadingBlock } from '../../ui/Spinner';
import { useFormErrors } from '../../ui/useFormErrors';
import type { Me, SignedInUser } from '../accounts/api';
import { useMe, useRefreshSession } from '../accounts/useMe';
import { changePassword, updateProfile } from './api';
import { TwoFactorSection } from './TwoFactorSection';
import { MyDataExport } from '../privacy/MyDataExport';

/** Your name, your password and two-step verification (AUTH-1, AUTH-6). */
export function ProfileSettings() {
  const me = useMe();
  const user = me.data?.user;
  return (
    <div>
      <PageHeading description="These settings belong to you and follow you into every workspace.">Your profile</PageHeading>
      {!user ? (
        <LoadingBlock />
      ) : (
        <div className="space-y-6">
          <NameSection user={user} />
          <PasswordSection user={user} />
          <TwoFactorSection user={user} />
          <Card>
            <MyDataExport />
          </Card>
        </div>
      )}
    </div>
  );
}

function NameSection({ user }: { user: SignedInUser }) {
  const client = useQueryClient();
  const [name, setName] = useState(user.name);
  const [saved, setSaved] = useState(false);
  const errors = useFormErrors(['name']);
  const mutation = useMutation({
    mutationFn: updateProfile,
    onSuccess: (updated) => {
      client.setQueryData<Me>(['me'], (prev) => (prev ? { ...prev, user: { ...updated } } : prev));
      setSaved(true);
    },
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const checked = validate(updateProfileBody, { name });
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    mutation.mutate(checked.data);
  };
  return (
    <Card labelledBy="profile-name">
      <SectionHeading id="profile-name" description={`Signed in as ${user.email} · member since ${formatDate(user.createdAt)}`}>
        Name
      </SectionHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <TextField label="Your name" name="name" autoComplete="name" value={name} onChange={(e) => { setName(e.target.value); setSaved(false); }} error={errors.fields.name} containerClassName="max-w-md" />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" pending={mutation.isPending}>
            Save name
          </Button>
          {saved ? <StatusNote className="py-2">Name saved.</StatusNote> : null}
        </div>
      </form>
    </Card>
  );
}

function PasswordSection({ user }: { user: SignedInUser }) {
  const refresh = useRefreshSession();
  const [values, setValues] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [saved, setSaved] = useState(false);
  const errors = useFormErrors(['currentPassword', 'newPassword', 'confirm']);
  const mutation = useMutation({
    mutationFn: changePassword,
    onSuccess: async () => {
      setValues({ currentPassword: '', newPassword: '', confirm: '' });
      setSaved(true);
      // The server may rotate the session; pick up the new CSRF token and hasPassword.
      await refresh();
    },
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const fields: Record<string, string> = {};
    if (user.hasPassword && !values.currentPassword) fields.currentPassword = 'Enter your current password.';
    const checked = validate(passwordSchema, values.newPassword);
    if (!checked.ok) fields.newPassword = checked.fields['(body)'] ?? 'Choose a new password.';
    else if (values.confirm !== values.newPassword) fields.confirm = 'The two passwords do not match.';
    if (Object.keys(fields).length) return errors.showFields(fields);
    errors.clear();
    mutation.mutate(user.hasPassword ? { currentPassword: values.currentPassword, newPassword: values.newPassword } : { newPassword: values.newPassword });
  };
  return (
    <Card labelledBy="profile-password">
      <SectionHeading id="profile-password" description={user.hasPassword ? 'Use at least 10 characters.' : 'You sign in with emailed codes or Google. Add a password if you like.'}>
        {user.hasPassword ? 'Change password' : 'Set a password'}
      </SectionHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="max-w-md space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        {user.hasPassword ? (
          <PasswordField
            label="Current password"
            name="currentPassword"
            autoComplete="current-password"
            value={values.currentPassword}
            onChange={(e) => setValues({ ...values, currentPassword: e.target.value })}
            error={errors.fields.currentPassword}
          />
        ) : null}
        <PasswordField
          label="New password"
          name="newPassword"
          autoComplete="new-password"
          value={values.newPassword}
          onChange={(e) => setValues({ ...values, newPassword: e.target.value })}
          error={errors.fields.newPassword}
        />
        <PasswordField
          label="Repeat the new password"
          name="confirm"
          autoComplete="new-password"
          value={values.confirm}
          onChange={(e) => setValues({ ...values, confirm: e.target.value })}
          error={errors.fields.confirm}
        />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" pending={mutation.isPending}>
            {user.hasPassword ? 'Change password' : 'Set password'}
          </Button>
          {saved ? <StatusNote className="py-2">Password saved.</StatusNote> : null}
        </div>
      </form>
    </Card>
  );
}
