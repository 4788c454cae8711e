import { useNavigate, useSearch } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { AuthLayout } from '../../ui/AuthLayout';
import { Button } from '../../ui/Button';
import { signOut } from './api';
import { AuthHeading } from './FocusHeading';
import { TwoFactorForm } from './TwoFactorForm';
import { useFinishSignIn } from './useFinishSignIn';
import { useRefreshSession } from './useMe';

/** Shown after a correct password when the account has two-factor authentication on. */
export function TwoFactorPage() {
  const { redirect } = useSearch({ strict: false }) as { redirect?: string };
  const finish = useFinishSignIn();
  const refresh = useRefreshSession();
  const navigate = useNavigate();
  const cancel = useMutation({
    mutationFn: signOut,
    onSettled: async () => {
      await refresh({ clearOthers: true });
      await navigate({ to: '/sign-in' });
    },
  });
  return (
    <AuthLayout>
      <AuthHeading description="Open your authenticator app and enter the code it shows for Kestrel.">Two-step verification</AuthHeading>
      <TwoFactorForm onVerified={(result) => finish(result, redirect)} />
      <div className="mt-4 text-center">
        <Button variant="ghost" size="sm" onClick={() => cancel.mutate()} pending={cancel.isPending} pendingLabel="Signing out…">
          Cancel and sign in as someone else
        </Button>
      </div>
    </AuthLayout>
  );
}
