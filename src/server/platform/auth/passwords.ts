import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

/** @node-rs/argon2's Algorithm.Argon2id (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;
import bcrypt from 'bcryptjs';

const pbkdf2Async = promisify(pbkdf2);

export interface PasswordPolicy {
  memoryCost: number;
  timeCost: number;
}

/** OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane. Config may raise it, never lower it. */
export const OWASP_ARGON2: PasswordPolicy = { memoryCost: 19456, timeCost: 2 };

export const hashPassword = (password: string, policy: PasswordPolicy = OWASP_ARGON2) =>
  argonHash(password, { algorithm: ARGON2ID, memoryCost: policy.memoryCost, timeCost: policy.timeCost, parallelism: 1 });

export interface VerifyResult {
  ok: boolean;
  /** The stored hash is legacy or weaker than policy: store a fresh one. */
  needsRehash: boolean;
}

/**
 * AUTH-1: verifies argon2id, and legacy bcrypt (`$2a$`/`$2b$`/`$2y$`) and PBKDF2 hashes
 * (Django's `pbkdf2_sha256$iter$salt$hash` and passlib's `$pbkdf2-sha256$iter$salt$hash`)
 * brought in with imported users.
 */
export async function verifyPassword(stored: string, password: string, policy: PasswordPolicy = OWASP_ARGON2): Promise<VerifyResult> {
  if (stored.startsWith('$argon2')) {
    const ok = await argonVerify(stored, password).catch(() => false);
    const params = /\$m=(\d+),t=(\d+)/.exec(stored);
    const weaker = !stored.startsWith('$argon2id$') || !params || Number(params[1]) < policy.memoryCost || Number(params[2]) < policy.timeCost;
    return { ok, needsRehash: ok && weaker };
  }
  if (/^\$2[aby]\$/.test(stored)) {
    const ok = await bcrypt.compare(password, stored).catch(() => false);
    return { ok, needsRehash: ok };
  }
  const django = /^pbkdf2_(sha256|sha1)\$(\d+)\$([^$]+)\$(.+)$/.exec(stored);
  if (django) {
    const [, digest, iterations, salt, expected] = django;
    const derived = await pbkdf2Async(password, salt!, Number(iterations), Buffer.from(expected!, 'base64').length, digest!);
    return { ok: safeCompare(derived, Buffer.from(expected!, 'base64')), needsRehash: true };
  }
  const passlib = /^\$pbkdf2-(sha256|sha512|sha1)?\$(\d+)\$([^$]+)\$(.+)$/.exec(stored);
  if (passlib) {
    const [, digest = 'sha1', iterations, salt, expected] = passlib;
    const ab64 = (s: string) => Buffer.from(s.replaceAll('.', '+'), 'base64');
    const want = ab64(expected!);
    const derived = await pbkdf2Async(password, ab64(salt!), Number(iterations), want.length, digest);
    return { ok: safeCompare(derived, want), needsRehash: true };
  }
  return { ok: false, needsRehash: false };
}

function safeCompare(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A real argon2 hash of nothing anyone knows: verifying against it when the account does not
 * exist makes "no such user" take as long as "wrong password" (AUTH-7).
 */
let dummyHash: Promise<string> | undefined;
export function burnPasswordCheck(password: string, policy: PasswordPolicy = OWASP_ARGON2): Promise<unknown> {
  dummyHash ??= hashPassword(`no-such-account-${Math.random()}`, policy);
  return dummyHash.then((h) => argonVerify(h, password).catch(() => false));
}
