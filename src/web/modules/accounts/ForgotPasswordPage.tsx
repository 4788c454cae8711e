import { Link } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { forgotPasswordBody } from '../../../server/modules/accounts/accounts.contract';
import { validate } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { AuthLayout } from '../../ui/AuthLayout';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { linkClass } from '../../ui/links';
import { useFormErrors } from '../../ui/useFormErrors';
import { forgotPassword } from './api';
import { DevMailboxLink } from './DevMailboxLink';
import { AuthHeading, FocusHeading } from './FocusHeading';

/** AUTH-3: ask for a reset link. The answer is the same whether or not the account exists (AUTH-7). */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const errors = useFormErrors(['email']);
  const mutation = useMutation({
    mutationFn: forgotPassword,
    onSuccess: (_r, body) => setSentTo(body.email),
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(forgotPasswordBody, { email });
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    mutation.mutate(checked.data);
  };

  const footer = (
    <Link to="/sign-in" className={linkClass}>
      Back to sign in
    </Link>
  );

  if (sentTo) {
    return (
      <AuthLayout footer={footer}>
        <FocusHeading>Check your email</FocusHeading>
        <p className="mt-2 text-sm text-stone-600">
          If an account uses <strong className="font-medium text-stone-900">{sentTo}</strong>, we’ve sent it a link to choose a new password. The link works once and
          expires in 30 minutes.
        </p>
        <p className="mt-4 text-sm text-stone-600">Nothing arrived? Check your spam folder, or wait a minute and try again.</p>
        <Button variant="secondary" className="mt-6" onClick={() => setSentTo(null)}>
          Try another email
        </Button>
        <DevMailboxLink />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout footer={footer}>
      <AuthHeading description="Enter the email you sign in with and we’ll send you a link to choose a new password.">Reset your password</AuthHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <TextField label="Email" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={errors.fields.email} />
        <Button type="submit" className="w-full" pending={mutation.isPending} pendingLabel="Sending…">
          Send reset link
        </Button>
      </form>
    </AuthLayout>
  );
}
