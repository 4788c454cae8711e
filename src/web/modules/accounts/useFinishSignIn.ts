import { useNavigate } from '@tanstack/react-router';
import { useCallback } from 'react';
import { safeRedirect } from '../../ui/links';
import { announce } from '../../ui/Announcer';
import type { SignInResult } from './api';
import { useRefreshSession } from './useMe';

/**
 * After a password, a code or a reset link was accepted: either ask for the second factor,
 * or load the new session and go where the person was heading.
 */
export function useFinishSignIn() {
  const navigate = useNavigate();
  const refresh = useRefreshSession();
  return useCallback(
    async (result: SignInResult, redirectTo?: string | null) => {
      const target = safeRedirect(redirectTo);
      await refresh({ clearOthers: true });
      if (result.next === 'two_factor') {
        await navigate({ to: '/two-factor', search: target ? { redirect: target } : {} });
        return;
      }
      announce('Signed in.');
      if (target) await navigate({ href: target });
      else await navigate({ to: '/' });
    },
    [navigate, refresh],
  );
}
