import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { passwordSchema } from '../../../server/modules/accounts/accounts.contract';
import { isApiError, validate } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { AuthLayout } from '../../ui/AuthLayout';
import { Button, buttonClass } from '../../ui/Button';
import { PasswordField } from '../../ui/Field';
import { linkClass } from '../../ui/links';
import { useFormErrors } from '../../ui/useFormErrors';
import { resetPassword } from './api';
import { AuthHeading } from './FocusHeading';
import { useFinishSignIn } from './useFinishSignIn';
import { useRefreshSession } from './useMe';

const LINK_ERRORS = ['reset_link_invalid', 'reset_link_expired', 'reset_link_used'];

/** AUTH-3: choose a new password from the emailed single-use link. */
export function ResetPasswordPage() {
  const { token } = useSearch({ strict: false }) as { token?: string };
  const navigate = useNavigate();
  const finish = useFinishSignIn();
  const refresh = useRefreshSession();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const errors = useFormErrors(['password', 'confirm', 'token']);
  const mutation = useMutation({
    mutationFn: resetPassword,
    onSuccess: async (result) => {
      const me = await refresh({ clearOthers: true });
      if (me.user || result.next === 'two_factor') await finish(result);
      else await navigate({ to: '/sign-in', search: { reset: 'done' } });
    },
    onError: (error) => errors.showError(error),
  });

  const linkProblem = !token || token.length < 20 ? 'This reset link is incomplete. Open the link from the email again, or ask for a new one.' : null;
  const linkFailed = isApiError(mutation.error, ...LINK_ERRORS) ? mutation.error.message : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(passwordSchema, password);
    if (!checked.ok) return errors.showFields({ password: checked.fields['(body)'] ?? 'Choose a password.' });
    if (confirm !== password) return errors.showFields({ confirm: 'The two passwords do not match.' });
    errors.clear();
    mutation.mutate({ token: token!, password: checked.data });
  };

  if (linkProblem || linkFailed) {
    return (
      <AuthLayout>
        <AuthHeading>This link can’t be used</AuthHeading>
        <ErrorAlert>{linkFailed ?? linkProblem}</ErrorAlert>
        <Link to="/forgot-password" className={`${buttonClass('primary')} mt-6 w-full`}>
          Get a new reset link
        </Link>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      footer={
        <Link to="/sign-in" className={linkClass}>
          Back to sign in
        </Link>
      }
    >
      <AuthHeading description="After you save it, every device signed in to your account is signed out.">Choose a new password</AuthHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <PasswordField
          label="New password"
          name="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.fields.password}
        />
        <PasswordField label="Repeat the new password" name="confirm" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.fields.confirm} />
        <Button type="submit" className="w-full" pending={mutation.isPending || mutation.isSuccess} pendingLabel="Saving…">
          Save password
        </Button>
      </form>
    </AuthLayout>
  );
}
