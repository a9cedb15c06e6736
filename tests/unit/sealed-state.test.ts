import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../oauth/keys.js';
import { seal, unseal } from '../../oauth/sealed.js';

describe('sealed blobs (AES-256-GCM, purpose as AAD)', () => {
  const keys = deriveKeys('a'.repeat(64));
  const key = keys['cognito-state'];
  const now = 1_800_000_000;
  const payload = { v: 1, n: 'nonce', ruri: 'https://app.example.com/cb', exp: now + 600 };
  const sealed = seal(key, 'cognito-state', payload);

  it('round-trips, and hides what it carries', () => {
    expect(unseal(key, 'cognito-state', sealed, now)).toEqual(payload);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed.slice(3), 'base64url').toString('latin1')).not.toContain('app.example.com');
  });

  it('derives different keys per purpose and per secret', () => {
    expect(keys.consent.equals(keys['cognito-state'])).toBe(false);
    expect(deriveKeys('b'.repeat(64))['cognito-state'].equals(key)).toBe(false);
  });

  it('refuses a flipped bit anywhere (iv, ciphertext, tag)', () => {
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    for (const index of [0, 11, 12, Math.floor(bytes.length / 2), bytes.length - 17, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[index] = copy[index]! ^ 0x01;
      expect(unseal(key, 'cognito-state', `v1.${copy.toString('base64url')}`, now), `byte ${index}`).toBeUndefined();
    }
  });

  it('refuses another purpose (a consent blob as state and back), another key, expiry, truncation, other versions', () => {
    const consent = seal(keys.consent, 'consent', payload);
    expect(unseal(key, 'cognito-state', consent, now)).toBeUndefined();
    expect(unseal(keys.consent, 'cognito-state', consent, now)).toBeUndefined();
    expect(unseal(key, 'consent', sealed, now)).toBeUndefined();
    expect(unseal(randomBytes(32), 'cognito-state', sealed, now)).toBeUndefined();
    expect(unseal(key, 'cognito-state', sealed, now + 600)).toBeUndefined();
    expect(unseal(key, 'cognito-state', sealed.slice(0, -4), now)).toBeUndefined();
    expect(unseal(key, 'cognito-state', `v2.${sealed.slice(3)}`, now)).toBeUndefined();
    expect(unseal(key, 'cognito-state', sealed.slice(3), now)).toBeUndefined();
    expect(unseal(key, 'cognito-state', undefined, now)).toBeUndefined();
    expect(unseal(key, 'cognito-state', `v1.${'A'.repeat(9000)}`, now)).toBeUndefined();
    expect(unseal(key, 'cognito-state', 'v1.!!!', now)).toBeUndefined();
  });
});
