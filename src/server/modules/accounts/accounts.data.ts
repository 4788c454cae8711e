import { registerData } from '../../platform/data/registry';

registerData(
  { table: 'users', user: { ids: ['id'] }, module: 'accounts', scope: 'account', description: 'Name, email, Google id, security settings.', export: { kind: 'rows', omit: ['password_hash', 'totp_secret_sealed', 'totp_last_step'] }, erase: { kind: 'with-account' }, person: { email: ['email'], name: ['name'] } },
  { table: 'sessions', user: { ids: ['user_id'] }, module: 'accounts', scope: 'account', description: 'Signed-in browsers: user agent, IP, times.', export: { kind: 'rows', omit: ['id'] }, erase: { kind: 'with-account' } },
  { table: 'auth_tokens', user: { ids: ['user_id'] }, module: 'accounts', scope: 'account', description: 'Hashes of sign-in codes and reset links.', export: { kind: 'excluded', reason: 'Only hashes of one-time secrets.' }, erase: { kind: 'with-account' } },
  { table: 'recovery_codes', user: { ids: ['user_id'] }, module: 'accounts', scope: 'account', description: 'Hashes of two-factor recovery codes.', export: { kind: 'excluded', reason: 'Only hashes of secrets.' }, erase: { kind: 'with-account' } },
);
