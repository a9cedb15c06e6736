import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Sealed blobs: AES-256-GCM over JSON, the purpose as additional authenticated data, so a blob
 * made for one purpose (the consent form) never opens as another (Cognito's state). The format
 * is `v1.` + base64url(iv | ciphertext | tag); anything else, a flipped bit, another key or an
 * expired `exp` (epoch seconds) opens to undefined. Encryption, not only a MAC, keeps the
 * client's state and redirect URI out of Cognito's logs and the browser's history.
 */
export type SealPurpose = 'consent' | 'cognito-state' | 'apps-login' | 'apps-session' | 'apps-form';

const VERSION = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, purpose: SealPurpose, payload: { exp: number }): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

export function unseal<T extends { exp: number }>(
  key: Buffer,
  purpose: SealPurpose,
  sealed: string | undefined,
  nowSeconds: number,
): T | undefined {
  if (typeof sealed !== 'string' || !sealed.startsWith(VERSION) || sealed.length > 8192) return undefined;
  const encoded = sealed.slice(VERSION.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES + 2) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    const payload = JSON.parse(plain.toString('utf8')) as T;
    if (typeof payload !== 'object' || payload === null || typeof payload.exp !== 'number') return undefined;
    return payload.exp > nowSeconds ? payload : undefined;
  } catch {
    return undefined;
  }
}
