import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { twoFactorCodeBody } from '../../../server/modules/accounts/accounts.contract';
import { validate } from '../../lib/api';
import { ErrorAlert } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { useFormErrors } from '../../ui/useFormErrors';
import { verifyTwoFactor, type SignInResult } from './api';

/** AUTH-6: the second step of signing in, with an authenticator code or a recovery code. */
export function TwoFactorForm({ onVerified }: { onVerified: (result: SignInResult) => Promise<void> | void }) {
  const [code, setCode] = useState('');
  const errors = useFormErrors(['code']);
  const mutation = useMutation({
    mutationFn: verifyTwoFactor,
    onSuccess: (result) => onVerified(result),
    onError: (error) => errors.showError(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(twoFactorCodeBody, { code: code.replace(/\s+/g, '') });
    if (!checked.ok) return errors.showFields({ code: 'Enter the 6-digit code from your app, or a recovery code.' });
    errors.clear();
    mutation.mutate(checked.data);
  };
  return (
    <form ref={errors.formRef} onSubmit={submit} noValidate className="space-y-4">
      {errors.formError ? <ErrorAlert ref={errors.alertRef}>{errors.formError}</ErrorAlert> : null}
      <TextField
        label="Authentication code"
        name="code"
        hint="The 6-digit code from your authenticator app, or one of your recovery codes."
        autoComplete="one-time-code"
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={errors.fields.code}
        className="font-mono"
      />
      <Button type="submit" className="w-full" pending={mutation.isPending || mutation.isSuccess} pendingLabel="Checking…">
        Verify
      </Button>
    </form>
  );
}
