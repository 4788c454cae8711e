import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { SecretBox } from './secret-box';

export interface Secrets {
  box: SecretBox;
  sessionSecret: string;
}

/**
 * Production must configure its keys. Development and tests get keys generated once and kept
 * in the data directory (mode 0600) so that sealed values survive restarts.
 */
export function resolveSecrets(config: Config): Secrets {
  if (config.KESTREL_SECRET_KEYS && config.KESTREL_SESSION_SECRET) {
    return { box: SecretBox.fromSpec(config.KESTREL_SECRET_KEYS), sessionSecret: config.KESTREL_SESSION_SECRET };
  }
  const file = path.resolve(config.DATA_DIR, 'dev-secrets.json');
  let stored: { secretKeys: string; sessionSecret: string };
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } else {
    stored = { secretKeys: SecretBox.generateSpec('dev1'), sessionSecret: randomBytes(32).toString('base64url') };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  }
  return {
    box: SecretBox.fromSpec(config.KESTREL_SECRET_KEYS ?? stored.secretKeys),
    sessionSecret: config.KESTREL_SESSION_SECRET ?? stored.sessionSecret,
  };
}
