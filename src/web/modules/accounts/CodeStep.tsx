import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { codeSchema } from '../../../server/modules/accounts/accounts.contract';
import { validate } from '../../lib/api';
import { ErrorAlert, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { useFormErrors } from '../../ui/useFormErrors';
import { verifyCode, type SignInResult } from './api';
import { DevMailboxLink } from './DevMailboxLink';
import { FocusHeading } from './FocusHeading';

interface CodeStepProps {
  email: string;
  /** Sends another code to the same address. */
  onResend: () => Promise<unknown>;
  onVerified: (result: SignInResult) => Promise<void> | void;
  onBack?: () => void;
  backLabel?: string;
  /** Headings differ a little: "Check your email" after sign-up, "Enter your code" at sign-in. */
  title?: string;
}

/** AUTH-2: the "enter the 6-digit code we emailed you" step, shared by sign-up, sign-in and invitations. */
export function CodeStep({ email, onResend, onVerified, onBack, backLabel = 'Use a different email', title = 'Check your email' }: CodeStepProps) {
  const [code, setCode] = useState('');
  const [resent, setResent] = useState(false);
  const errors = useFormErrors(['code']);

  const verify = useMutation({
    mutationFn: (value: string) => verifyCode({ email, code: value }),
    onSuccess: async (result) => {
      await onVerified(result);
    },
    onError: (error) => errors.showError(error),
  });
  const resend = useMutation({
    mutationFn: onResend,
    onSuccess: () => {
      setResent(true);
      setCode('');
      errors.clear();
    },
    onError: (error) => errors.showError(error),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setResent(false);
    const checked = validate(codeSchema, code.replace(/\s+/g, ''));
    if (!checked.ok) return errors.showFields({ code: checked.fields['(body)'] ?? 'Enter the 6-digit code.' });
    errors.clear();
    verify.mutate(checked.data);
  };

  return (
    <div>
      <FocusHeading>{title}</FocusHeading>
      <p className="mt-2 mb-6 text-sm text-stone-600">
        We emailed a 6-digit code to <strong className="font-medium text-stone-900">{email}</strong>. It works once and expires in 10 minutes.
      </p>
      <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
        {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
        {resent ? <StatusNote>We sent a new code. Use the newest email.</StatusNote> : null}
        <TextField
          label="6-digit code"
          name="code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          className="font-mono text-lg tracking-[0.3em]"
          error={errors.fields.code}
          autoFocus={false}
        />
        <Button type="submit" className="w-full" pending={verify.isPending || verify.isSuccess} pendingLabel="Checking…">
          Continue
        </Button>
      </form>
      <div className="mt-4 flex flex-wrap items-center justify-between gap-2 text-sm">
        <Button variant="ghost" size="sm" onClick={() => resend.mutate()} pending={resend.isPending} pendingLabel="Sending…">
          Send a new code
        </Button>
        {onBack ? (
          <Button variant="ghost" size="sm" onClick={onBack}>
            {backLabel}
          </Button>
        ) : null}
      </div>
      <DevMailboxLink />
    </div>
  );
}
