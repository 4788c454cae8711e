import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * SEC-2: AES-256-GCM with key ids. A sealed value reads `v1.<keyId>.<iv>.<tag>.<ciphertext>`
 * (base64url parts). The first key seals; every listed key opens, so keys rotate by putting a
 * new key first and re-sealing at leisure (`kestrel secrets rotate`).
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keys: { id: string; key: Buffer }[]) {
    if (!keys.length) throw new Error('SecretBox needs at least one key');
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`Secret key "${k.id}" must be 32 bytes (got ${k.key.length})`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new Error(`Secret key id "${k.id}" must be 1-32 letters, digits, _ or -`);
    }
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.currentKeyId = keys[0]!.id;
  }

  /** Parses `id:base64key,id2:base64key2`. */
  static fromSpec(spec: string): SecretBox {
    const keys = spec.split(',').map((pair) => {
      const [id, b64] = pair.trim().split(':');
      if (!id || !b64) throw new Error('KESTREL_SECRET_KEYS must look like "k1:<base64 of 32 bytes>,k0:<older key>"');
      return { id, key: Buffer.from(b64, 'base64') };
    });
    return new SecretBox(keys);
  }

  static generateSpec(id = `k${Date.now().toString(36)}`): string {
    return `${id}:${randomBytes(32).toString('base64')}`;
  }

  /** `aad` binds the ciphertext to its place (e.g. `user:<id>:totp`), so it cannot be moved to another row. */
  seal(plaintext: string, aad = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(aad));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.currentKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, aad = ''): string {
    const [version, keyId, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !keyId || !iv || !tag || body === undefined) throw new Error('Not a sealed secret');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`Secret sealed with unknown key "${keyId}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }

  /** Re-seals under the current key when needed; returns null when already current. */
  reseal(sealed: string, aad = ''): string | null {
    return this.keyIdOf(sealed) === this.currentKeyId ? null : this.seal(this.open(sealed, aad), aad);
  }

  /** Never let a box print its keys. */
  toJSON(): string {
    return `[SecretBox ${[...this.keys.keys()].join(',')}]`;
  }
}
