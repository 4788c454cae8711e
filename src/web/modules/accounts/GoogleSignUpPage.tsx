import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { AuthLayout } from '../../ui/AuthLayout';
import { Button, buttonClass } from '../../ui/Button';
import { CheckboxField } from '../../ui/Field';
import { linkClass, safeRedirect } from '../../ui/links';
import { useFormErrors } from '../../ui/useFormErrors';
import { completeGoogleSignUp } from './api';
import { AuthHeading } from './FocusHeading';
import { useRefreshSession } from './useMe';

/** AUTH-4 + AUTH-8: Google vouched for the email; a new account still needs the 18+ confirmation. */
export function GoogleSignUpPage() {
  const { email } = useSearch({ strict: false }) as { email?: string };
  const navigate = useNavigate();
  const refresh = useRefreshSession();
  const [ageConfirmed, setAgeConfirmed] = useState(false);
  const errors = useFormErrors(['ageConfirmed']);
  const mutation = useMutation({
    mutationFn: completeGoogleSignUp,
    onSuccess: async (result) => {
      await refresh({ clearOthers: true });
      await navigate({ href: safeRedirect(result.redirectTo) ?? '/' });
    },
    onError: (error) => errors.showError(error),
  });
  const expired = isApiError(mutation.error, 'google_state_invalid');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ageConfirmed) return errors.showFields({ ageConfirmed: 'Kestrel is for people 18 and over; please confirm.' });
    errors.clear();
    mutation.mutate({ ageConfirmed: true });
  };

  if (expired) {
    return (
      <AuthLayout>
        <AuthHeading>Please start again</AuthHeading>
        <ErrorAlert>{mutation.error?.message}</ErrorAlert>
        <Link to="/sign-in" className={`${buttonClass('primary')} mt-6 w-full`}>
          Back to sign in
        </Link>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      footer={
        <Link to="/sign-in" className={linkClass}>
          Cancel
        </Link>
      }
    >
      <AuthHeading description={email ? `Google confirmed your email address, ${email}. One last thing before we create your account:` : 'Google confirmed your email address. One last thing before we create your account:'}>
        Finish signing up
      </AuthHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <CheckboxField label="I am 18 or older" name="ageConfirmed" checked={ageConfirmed} onChange={(e) => setAgeConfirmed(e.target.checked)} error={errors.fields.ageConfirmed} />
        <Button type="submit" className="w-full" pending={mutation.isPending || mutation.isSuccess} pendingLabel="Creating account…">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
