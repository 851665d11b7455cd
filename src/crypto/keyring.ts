import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { TokenPurpose } from '../db/schema';
import { fromBase64 } from './encoding';

/**
 * Address protection (SPEC.md §1.5) and link tokens, on `node:crypto`, which Workers provide too
 * (nodejs_compat). Its calls are synchronous: a subscription needs ten hashes and two
 * encryptions, each a few microseconds of work, which Web Crypto would each send through a
 * thread pool and a promise.
 *
 * - Addresses are encrypted with AES-256-GCM. A ciphertext reads `v1.<keyId>.<iv+ciphertext+tag>`;
 *   the key id is a fingerprint of the key, so that after a rotation (new key first in
 *   EMAIL_ENCRYPTION_KEY, old ones after it) old rows still decrypt.
 * - Lookups use HMAC-SHA-256 of the normalised address under EMAIL_HASH_KEY. After a rotation (new
 *   key first, old ones after it) new hashes are made under the new key, and an address is looked
 *   up under every key listed, until the `rekey` job has hashed the rows again (src/operations/rekey.ts).
 * - Link tokens are HMAC-SHA-256 of (purpose, alert id) under a key derived from the current
 *   EMAIL_HASH_KEY: 256 bits no one can guess, the same each time an email is composed, so the
 *   database keeps only their SHA-256 hashes and never a token itself. A token mailed under an old
 *   key keeps working, since its hash stays registered; one composed under the new key works once
 *   its hash is registered too (`registerLinkTokens`).
 */
export interface Keyring {
  /** AES-256-GCM: addresses, and queued email payloads (which hold addresses and link tokens) */
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
  /** the address's hash under the current hash key: what a new row stores */
  hashEmail(email: string): Promise<string>;
  /**
   * The address's hashes under every key of EMAIL_HASH_KEY, the current key's first: what a lookup
   * by address asks for (`email_hash in (…)`), so that rows hashed before a rotation are found.
   * With one key, the one hash `hashEmail` gives.
   */
  emailHashes(email: string): Promise<[current: string, ...older: string[]]>;
  /** the ids of the keys of EMAIL_ENCRYPTION_KEY, in its order: the first encrypts */
  readonly encryptionKeyIds: readonly string[];
  /** the id of the current key of EMAIL_HASH_KEY, recorded with every hash made under it */
  readonly hashKeyId: string;
  /** the ids of the keys of EMAIL_HASH_KEY, in its order: the first is `hashKeyId` */
  readonly hashKeyIds: readonly string[];
  tokenFor(alertId: string, purpose: TokenPurpose): Promise<string>;
  /**
   * A keyed hash for rate-limit records (of an address or a client IP), under a key of its own so
   * that those short-lived records never hold an alert's lookup hash. Derived from the current
   * hash key only: at a rotation the counts start again (their windows last a day at most).
   */
  limitKey(value: string): Promise<string>;
}

export interface KeyMaterial {
  /** base64 keys of 32 bytes; the first encrypts, all decrypt */
  encryptionKeys: string[];
  /** base64 keys of 32 bytes; the first hashes and signs, all are looked up */
  hashKeys: string[];
}

const CIPHERTEXT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The one form of an address that is hashed and stored: trimmed, NFC, lower case. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** The SHA-256 of a link token, the form in which the database keeps it. */
export async function hashToken(token: string): Promise<string> {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

const hmac = (key: Uint8Array, message: string) =>
  createHmac('sha256', key).update(message, 'utf8').digest();

/** The id of a key: the first 8 hex digits of its SHA-256, which say nothing of the key. */
const keyIdOf = (raw: Uint8Array) => createHash('sha256').update(raw).digest('hex').slice(0, 8);

/** The id of the key a ciphertext was made under (`v1.<keyId>.…`), if it names one. */
export function ciphertextKeyId(ciphertext: string): string | undefined {
  const [version, keyId] = ciphertext.split('.', 2);
  return version === CIPHERTEXT_VERSION && keyId ? keyId : undefined;
}

export async function createKeyring(material: KeyMaterial): Promise<Keyring> {
  if (material.encryptionKeys.length === 0 || material.hashKeys.length === 0) {
    throw new Error('the keyring needs an encryption key and a hash key');
  }
  const encryption = material.encryptionKeys.map((key) => {
    const raw = fromBase64(key);
    return { id: keyIdOf(raw), key: raw };
  });
  const [hashKey, ...olderHashKeys] = material.hashKeys.map((key) => fromBase64(key));
  const [current] = encryption;
  if (!current || !hashKey) throw new Error('unreachable: checked above');
  const tokenKey = hmac(hashKey, 'tyopaikkavahti/link-tokens/v1');
  const limitKey = hmac(hashKey, 'tyopaikkavahti/rate-limits/v1');
  const encryptionKeyIds = encryption.map((entry) => entry.id);
  const hashKeyIds = [hashKey, ...olderHashKeys].map(keyIdOf);
  const hashKeyId = keyIdOf(hashKey);

  return {
    encryptionKeyIds,
    hashKeyId,
    hashKeyIds,
    async encrypt(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      const sealed = Buffer.concat([
        iv,
        cipher.update(plaintext, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `${CIPHERTEXT_VERSION}.${current.id}.${sealed.toString('base64url')}`;
    },
    async decrypt(ciphertext) {
      const [version, keyId, body] = ciphertext.split('.');
      const entry = encryption.find((candidate) => candidate.id === keyId);
      if (version !== CIPHERTEXT_VERSION || !entry || !body) {
        throw new Error(`no key for ciphertext with key id ${keyId ?? '(none)'}`);
      }
      const payload = fromBase64(body);
      if (payload.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
      const decipher = createDecipheriv('aes-256-gcm', entry.key, payload.subarray(0, IV_BYTES));
      decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(payload.subarray(IV_BYTES, payload.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    },
    async hashEmail(email) {
      return hmac(hashKey, normalizeEmail(email)).toString('base64url');
    },
    async emailHashes(email) {
      const normalized = normalizeEmail(email);
      return [
        hmac(hashKey, normalized).toString('base64url'),
        ...olderHashKeys.map((key) => hmac(key, normalized).toString('base64url')),
      ];
    },
    async tokenFor(alertId, purpose) {
      return hmac(tokenKey, `${purpose}:${alertId}`).toString('base64url');
    },
    async limitKey(value) {
      return hmac(limitKey, normalizeEmail(value)).toString('base64url').slice(0, 32);
    },
  };
}

/** 32 random bytes as base64, the form EMAIL_ENCRYPTION_KEY and EMAIL_HASH_KEY take. */
export function generateKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}
