import type { TokenPurpose } from '../db/schema';
import { fromBase64, toBase64Url, toHex, utf8 } from './encoding';

/**
 * Address protection (SPEC.md §1.5) and link tokens, on Web Crypto so that the same code runs on
 * Node and Workers.
 *
 * - Addresses are encrypted with AES-256-GCM. A ciphertext reads `v1.<keyId>.<iv+ciphertext>`;
 *   the key id is a fingerprint of the key, so that after a rotation (new key first in
 *   EMAIL_ENCRYPTION_KEY, old ones after it) old rows still decrypt.
 * - Lookups use HMAC-SHA-256 of the normalised address under EMAIL_HASH_KEY.
 * - Link tokens are HMAC-SHA-256 of (purpose, alert id) under a key derived from EMAIL_HASH_KEY:
 *   256 bits no one can guess, the same each time an email is composed, so the database keeps only
 *   their SHA-256 hashes and never a token itself.
 */
export interface Keyring {
  /** AES-256-GCM: addresses, and queued email payloads (which hold addresses and link tokens) */
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
  hashEmail(email: string): Promise<string>;
  tokenFor(alertId: string, purpose: TokenPurpose): Promise<string>;
  /**
   * A keyed hash for rate-limit records (of an address or a client IP), under a key of its own so
   * that those short-lived records never hold an alert's lookup hash.
   */
  limitKey(value: string): Promise<string>;
}

export interface KeyMaterial {
  /** base64 keys of 32 bytes; the first encrypts, all decrypt */
  encryptionKeys: string[];
  /** base64 keys of 32 bytes; the first is used */
  hashKeys: string[];
}

const CIPHERTEXT_VERSION = 'v1';

/** The one form of an address that is hashed and stored: trimmed, NFC, lower case. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

export async function hashToken(token: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(token))));
}

export async function createKeyring(material: KeyMaterial): Promise<Keyring> {
  const [currentHashKey] = material.hashKeys;
  if (material.encryptionKeys.length === 0 || !currentHashKey) {
    throw new Error('the keyring needs an encryption key and a hash key');
  }
  const encryption = await Promise.all(
    material.encryptionKeys.map(async (key) => {
      const raw = fromBase64(key);
      return {
        id: toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', raw))).slice(0, 8),
        key: await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']),
      };
    }),
  );
  const hmacKey = (raw: Uint8Array<ArrayBuffer>) =>
    crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const hashKey = await hmacKey(fromBase64(currentHashKey));
  const sign = async (key: CryptoKey, message: string) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(message)));
  const tokenKey = await hmacKey(await sign(hashKey, 'tyopaikkavahti/link-tokens/v1'));
  const limitKey = await hmacKey(await sign(hashKey, 'tyopaikkavahti/rate-limits/v1'));
  const [current] = encryption;
  if (!current) throw new Error('unreachable: checked above');

  return {
    async encrypt(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, current.key, utf8(plaintext)),
      );
      const payload = new Uint8Array(iv.length + sealed.length);
      payload.set(iv);
      payload.set(sealed, iv.length);
      return `${CIPHERTEXT_VERSION}.${current.id}.${toBase64Url(payload)}`;
    },
    async decrypt(ciphertext) {
      const [version, keyId, body] = ciphertext.split('.');
      const entry = encryption.find((candidate) => candidate.id === keyId);
      if (version !== CIPHERTEXT_VERSION || !entry || !body) {
        throw new Error(`no key for ciphertext with key id ${keyId ?? '(none)'}`);
      }
      const payload = fromBase64(body);
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: payload.slice(0, 12) },
        entry.key,
        payload.slice(12),
      );
      return new TextDecoder().decode(plain);
    },
    async hashEmail(email) {
      return toBase64Url(await sign(hashKey, normalizeEmail(email)));
    },
    async tokenFor(alertId, purpose) {
      return toBase64Url(await sign(tokenKey, `${purpose}:${alertId}`));
    },
    async limitKey(value) {
      return toBase64Url(await sign(limitKey, normalizeEmail(value))).slice(0, 32);
    },
  };
}

/** 32 random bytes as base64, the form EMAIL_ENCRYPTION_KEY and EMAIL_HASH_KEY take. */
export function generateKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}
