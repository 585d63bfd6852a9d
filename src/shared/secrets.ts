import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Secrets CapConduit must be able to read back (an Asterisk server's ARI password), sealed with
 * AES-256-GCM under one key: `v1.<iv>.<tag>.<ciphertext>`, base64url. A value sealed under
 * another key, or altered, does not open.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretKeyError('the secret key must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined)
        throw new SecretKeyError('not a sealed secret');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretKeyError(
          'a stored secret does not open with this key (CAPCONDUIT_SECRET_KEY changed?)',
        );
      }
    },
  };
}

/**
 * The key: CAPCONDUIT_SECRET_KEY when set (every process of a deployment must have the same);
 * otherwise one generated once into `file` (DATA_DIR/secret.key, readable by its owner only),
 * which serves the processes that share that directory.
 */
export function loadSecretKey(
  fromEnv: Buffer | undefined,
  file: string,
): { key: Buffer; generated: boolean } {
  if (fromEnv) return { key: fromEnv, generated: false };
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new SecretKeyError(`${file} does not hold a 32-byte key (base64)`);
    return { key, generated: false };
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, generated: true };
}
