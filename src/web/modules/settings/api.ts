import type { z } from 'zod';
import type {
  changePasswordBody,
  disableTwoFactorBody,
  enableTwoFactorBody,
  recoveryCodesResponse,
  sessionsResponse,
  twoFactorSetupResponse,
  updateProfileBody,
} from '../../../server/modules/accounts/accounts.contract';
import { api } from '../../lib/api';
import type { SignedInUser } from '../accounts/api';

export type SessionsResponse = z.infer<typeof sessionsResponse>;
export type TwoFactorSetup = z.infer<typeof twoFactorSetupResponse>;
export type RecoveryCodes = z.infer<typeof recoveryCodesResponse>;

export const fetchSessions = () => api.get<SessionsResponse>('/api/auth/sessions');
export const revokeSession = (sessionId: string) => api.delete(`/api/auth/sessions/${encodeURIComponent(sessionId)}`);
export const updateProfile = (body: z.input<typeof updateProfileBody>) => api.patch<SignedInUser>('/api/auth/profile', body);
export const changePassword = (body: z.input<typeof changePasswordBody>) => api.post<void>('/api/auth/password/change', body);
export const setUpTwoFactor = () => api.post<TwoFactorSetup>('/api/auth/two-factor/setup');
export const enableTwoFactor = (body: z.input<typeof enableTwoFactorBody>) => api.post<RecoveryCodes>('/api/auth/two-factor/enable', body);
export const disableTwoFactor = (body: z.input<typeof disableTwoFactorBody>) => api.post<void>('/api/auth/two-factor/disable', body);

export const sessionsQueryKey = ['sessions'] as const;
