import { Link, useSearch } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { requestCodeBody, signInBody } from '../../../server/modules/accounts/accounts.contract';
import { validate } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { AuthLayout } from '../../ui/AuthLayout';
import { Button } from '../../ui/Button';
import { PasswordField, TextField } from '../../ui/Field';
import { linkClass, safeRedirect } from '../../ui/links';
import { Tabs } from '../../ui/Tabs';
import { useFormErrors } from '../../ui/useFormErrors';
import { requestCode, signIn } from './api';
import { CodeStep } from './CodeStep';
import { DevMailboxLink } from './DevMailboxLink';
import { AuthHeading } from './FocusHeading';
import { GoogleButton, googleErrorMessage, OrDivider } from './GoogleButton';
import { useFinishSignIn } from './useFinishSignIn';
import { useMe } from './useMe';

type Method = 'password' | 'code';

/** Password, emailed code (AUTH-2) or Google (AUTH-4). */
export function SignInPage() {
  const search = useSearch({ strict: false }) as { redirect?: string; error?: string; reset?: string };
  const me = useMe();
  const finish = useFinishSignIn();
  const [method, setMethod] = useState<Method>('password');
  const [email, setEmail] = useState('');
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);

  if (codeSentTo) {
    return (
      <AuthLayout>
        <CodeStep
          title="Enter your sign-in code"
          email={codeSentTo}
          onResend={() => requestCode({ email: codeSentTo })}
          onVerified={(result) => finish(result, search.redirect)}
          onBack={() => setCodeSentTo(null)}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      footer={
        <>
          New to Kestrel?{' '}
          <Link to="/sign-up" className={linkClass}>
            Create an account
          </Link>
        </>
      }
    >
      <AuthHeading>Sign in</AuthHeading>
      {search.error ? <ErrorAlert className="mb-4">{googleErrorMessage(search.error)}</ErrorAlert> : null}
      {search.reset === 'done' ? (
        <p role="status" className="mb-4 rounded-md border border-teal-200 bg-teal-50 px-4 py-3 text-sm text-teal-900">
          Your password was changed and every other session was signed out. Sign in with your new password.
        </p>
      ) : null}
      <Tabs
        label="How to sign in"
        tabs={[
          { key: 'password', label: 'With a password' },
          { key: 'code', label: 'With an emailed code' },
        ]}
        selected={method}
        onSelect={setMethod}
      >
        {method === 'password' ? (
          <PasswordForm email={email} onEmailChange={setEmail} redirect={search.redirect} />
        ) : (
          <RequestCodeForm email={email} onEmailChange={setEmail} onSent={setCodeSentTo} />
        )}
      </Tabs>
      {me.data?.googleEnabled ? (
        <div className="mt-6">
          <OrDivider />
          <GoogleButton returnTo={safeRedirect(search.redirect)} />
        </div>
      ) : null}
      <DevMailboxLink />
      <p className="mt-6 text-center text-sm">
        <Link to="/privacy" className={linkClass}>
          Privacy
        </Link>
      </p>
    </AuthLayout>
  );
}

function PasswordForm({ email, onEmailChange, redirect }: { email: string; onEmailChange: (v: string) => void; redirect: string | undefined }) {
  const finish = useFinishSignIn();
  const [password, setPassword] = useState('');
  const errors = useFormErrors(['email', 'password']);
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: (result) => finish(result, redirect),
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(signInBody, { email, password });
    if (!checked.ok) return errors.showFields({ ...checked.fields, ...(checked.fields.password ? { password: 'Enter your password.' } : {}) });
    errors.clear();
    mutation.mutate(checked.data);
  };
  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
      {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" value={email} onChange={(e) => onEmailChange(e.target.value)} error={errors.fields.email} />
      <PasswordField label="Password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} error={errors.fields.password} />
      <div className="flex justify-end text-sm">
        <Link to="/forgot-password" className={linkClass}>
          Forgot your password?
        </Link>
      </div>
      <Button type="submit" className="w-full" pending={mutation.isPending || mutation.isSuccess} pendingLabel="Signing in…">
        Sign in
      </Button>
    </form>
  );
}

function RequestCodeForm({ email, onEmailChange, onSent }: { email: string; onEmailChange: (v: string) => void; onSent: (email: string) => void }) {
  const errors = useFormErrors(['email']);
  const mutation = useMutation({
    mutationFn: requestCode,
    onSuccess: (_r, body) => onSent(body.email),
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(requestCodeBody, { email });
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    mutation.mutate(checked.data);
  };
  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
      <p className="text-sm text-stone-600">We’ll email you a 6-digit code. No password needed.</p>
      {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" value={email} onChange={(e) => onEmailChange(e.target.value)} error={errors.fields.email} />
      <Button type="submit" className="w-full" pending={mutation.isPending} pendingLabel="Sending…">
        Email me a code
      </Button>
    </form>
  );
}
