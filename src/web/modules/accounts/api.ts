import type { z } from 'zod';
import type {
  acceptedResult,
  forgotPasswordBody,
  meResponse,
  requestCodeBody,
  resetPasswordBody,
  signInBody,
  signInResult,
  signUpBody,
  twoFactorCodeBody,
  verifyCodeBody,
} from '../../../server/modules/accounts/accounts.contract';
import { api, setCsrfToken } from '../../lib/api';

export type Me = z.infer<typeof meResponse>;
export type SignedInUser = NonNullable<Me['user']>;
export type SignInResult = z.infer<typeof signInResult>;
export type Accepted = z.infer<typeof acceptedResult>;

/** Who is signed in, and the CSRF token every write must carry. */
export async function fetchMe(): Promise<Me> {
  const me = await api.get<Me>('/api/auth/me');
  setCsrfToken(me.csrfToken);
  return me;
}

export const signUp = (body: z.input<typeof signUpBody>) => api.post<Accepted>('/api/auth/sign-up', body);
export const signIn = (body: z.input<typeof signInBody>) => api.post<SignInResult>('/api/auth/sign-in', body);
export const requestCode = (body: z.input<typeof requestCodeBody>) => api.post<Accepted>('/api/auth/code/request', body);
export const verifyCode = (body: z.input<typeof verifyCodeBody>) => api.post<SignInResult>('/api/auth/code/verify', body);
export const forgotPassword = (body: z.input<typeof forgotPasswordBody>) => api.post<Accepted>('/api/auth/password/forgot', body);
export const resetPassword = (body: z.input<typeof resetPasswordBody>) => api.post<SignInResult>('/api/auth/password/reset', body);
export const verifyTwoFactor = (body: z.input<typeof twoFactorCodeBody>) => api.post<SignInResult>('/api/auth/two-factor/verify', body);
export const signOut = () => api.post<void>('/api/auth/sign-out');

/** Google sign-in is a full-page navigation, not a fetch; the server sends the browser back to `returnTo`. */
export const googleStartUrl = (returnTo?: string | null) => `/api/auth/google/start${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`;

/** A new Google user confirms they are 18 or over (AUTH-4, AUTH-8); the pending sign-up lives in a short-lived cookie. */
export const completeGoogleSignUp = (body: { ageConfirmed: true }) => api.post<SignInResult & { redirectTo: string }>('/api/auth/google/complete', body);
