import { Link } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { signUpBody } from '../../../server/modules/accounts/accounts.contract';
import { validate } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { AuthLayout } from '../../ui/AuthLayout';
import { Button } from '../../ui/Button';
import { CheckboxField, PasswordField, TextField } from '../../ui/Field';
import { linkClass } from '../../ui/links';
import { useFormErrors } from '../../ui/useFormErrors';
import { requestCode, signUp } from './api';
import { CodeStep } from './CodeStep';
import { AuthHeading } from './FocusHeading';
import { GoogleButton, OrDivider } from './GoogleButton';
import { useFinishSignIn } from './useFinishSignIn';
import { useMe } from './useMe';

const FIELDS = ['name', 'email', 'password', 'ageConfirmed'] as const;

/** AUTH-1, AUTH-8: name, email, password and the 18+ confirmation; then the emailed code. */
export function SignUpPage() {
  const me = useMe();
  const finish = useFinishSignIn();
  const [values, setValues] = useState({ name: '', email: '', password: '', ageConfirmed: false });
  const [sentTo, setSentTo] = useState<string | null>(null);
  const errors = useFormErrors(FIELDS);

  const mutation = useMutation({
    mutationFn: signUp,
    onSuccess: (_result, body) => setSentTo(body.email),
    onError: (error) => errors.showError(error),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(signUpBody, { ...values, ageConfirmed: values.ageConfirmed || undefined });
    if (!checked.ok) return errors.showFields(checked.fields);
    errors.clear();
    mutation.mutate(checked.data);
  };

  if (sentTo) {
    return (
      <AuthLayout>
        <CodeStep
          email={sentTo}
          onResend={() => requestCode({ email: sentTo })}
          onVerified={(result) => finish(result)}
          onBack={() => {
            setSentTo(null);
            mutation.reset();
          }}
          backLabel="Change email"
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      footer={
        <>
          Already have an account?{' '}
          <Link to="/sign-in" className={linkClass}>
            Sign in
          </Link>
        </>
      }
    >
      <AuthHeading description="Your CRM, inbox and invoices in one calm place. Free to self-host.">Create your account</AuthHeading>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        <TextField label="Your name" name="name" autoComplete="name" value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} error={errors.fields.name} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={values.email}
          onChange={(e) => setValues({ ...values, email: e.target.value })}
          error={errors.fields.email}
        />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="new-password"
          hint="At least 10 characters. A short sentence works well."
          value={values.password}
          onChange={(e) => setValues({ ...values, password: e.target.value })}
          error={errors.fields.password}
        />
        <CheckboxField
          label="I am 18 or older"
          name="ageConfirmed"
          checked={values.ageConfirmed}
          onChange={(e) => setValues({ ...values, ageConfirmed: e.target.checked })}
          error={errors.fields.ageConfirmed}
        />
        <Button type="submit" className="w-full" pending={mutation.isPending} pendingLabel="Creating account…">
          Create account
        </Button>
      </form>
      {me.data?.googleEnabled ? (
        <div className="mt-6">
          <OrDivider />
          <GoogleButton />
        </div>
      ) : null}
    </AuthLayout>
  );
}
