import bcrypt from 'bcryptjs';
import { OWASP_ARGON2, hashPassword, verifyPassword } from '../src/server/platform/auth/passwords';
import { median, ms, ratio, table } from './lib/stats';

export interface HashTiming {
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

export interface PasswordsResult {
  count: number;
  argon2Hash: HashTiming;
  argon2Verify: HashTiming;
  bcrypt10: HashTiming;
}

async function time(label: string, count: number, fn: (i: number) => Promise<unknown>): Promise<HashTiming> {
  await fn(-1);
  await fn(-2); // warm-up, not counted
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return { label, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
}

/** argon2id at the parameters Kestrel uses, one hash at a time, against bcrypt cost 10 in the same run. */
export async function benchPasswords(count = 20): Promise<PasswordsResult> {
  const password = 'correct horse battery staple';
  const stored = await hashPassword(password, OWASP_ARGON2);
  return {
    count,
    argon2Hash: await time(`argon2id hash (m=${OWASP_ARGON2.memoryCost} KiB, t=${OWASP_ARGON2.timeCost}, p=1)`, count, (i) => hashPassword(`${password}${i}`, OWASP_ARGON2)),
    argon2Verify: await time('argon2id verify (a sign-in)', count, () => verifyPassword(stored, password, OWASP_ARGON2)),
    bcrypt10: await time('bcrypt cost 10 hash (bcryptjs)', count, (i) => bcrypt.hash(`${password}${i}`, 10)),
  };
}

export function passwordsMarkdown(r: PasswordsResult): string {
  const rows = [r.argon2Hash, r.argon2Verify, r.bcrypt10];
  return [
    `${r.count} sequential operations each, after two uncounted warm-ups; one at a time, so "per second" is for one core.`,
    '',
    table(
      ['Operation', 'Median', 'Min', 'Max', 'Per second (1 / median)'],
      rows.map((x) => [x.label, ms(x.medianMs), ms(x.minMs), ms(x.maxMs), (1000 / x.medianMs).toFixed(1)]),
    ),
    '',
    `argon2id hash / bcrypt cost 10: **${ratio(r.argon2Hash.medianMs / r.bcrypt10.medianMs)}** the time.`,
  ].join('\n');
}
