import { describe, expect, it } from 'vitest';
import { tokenPurposes } from '../db/schema';
import { ciphertextKeyId, createKeyring, generateKey, hashToken, normalizeEmail } from './keyring';

const email = 'maija@example.org';
const alertId = '0190a6e4-5b7c-7d1e-9f00-1a2b3c4d5e6f';
const otherAlertId = '0190a6e4-5b7c-7d1e-9f00-1a2b3c4d5e70';

const base64Of = (text: string) => Buffer.from(text).toString('base64');
const base64UrlOf = (text: string) => Buffer.from(text).toString('base64url');

function keyringWith(encryptionKeys: string[], hashKey = generateKey()) {
  return createKeyring({ encryptionKeys, hashKeys: [hashKey] });
}

/** Replaces one character in the middle of the ciphertext body, where every bit counts. */
function tamper(ciphertext: string): string {
  const [version, keyId, body = ''] = ciphertext.split('.');
  const at = Math.floor(body.length / 2);
  const replacement = body[at] === 'A' ? 'B' : 'A';
  return `${version}.${keyId}.${body.slice(0, at)}${replacement}${body.slice(at + 1)}`;
}

describe('generateKey', () => {
  it('gives 32 random bytes in base64, different each time', () => {
    const key = generateKey();
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(generateKey()).not.toBe(key);
  });
});

describe('createKeyring', () => {
  it('refuses to build without an encryption key or a hash key', async () => {
    await expect(createKeyring({ encryptionKeys: [], hashKeys: [generateKey()] })).rejects.toThrow(
      /encryption key/,
    );
    await expect(createKeyring({ encryptionKeys: [generateKey()], hashKeys: [] })).rejects.toThrow(
      /hash key/,
    );
  });
});

describe('email encryption', () => {
  it('decrypts what it encrypted', async () => {
    const keyring = await keyringWith([generateKey()]);
    expect(await keyring.decrypt(await keyring.encrypt(email))).toBe(email);
  });

  it('keeps non-ASCII addresses intact', async () => {
    const keyring = await keyringWith([generateKey()]);
    const address = 'äijä.öljynen@esimerkki.fi';
    expect(await keyring.decrypt(await keyring.encrypt(address))).toBe(address);
  });

  it('gives a ciphertext that reveals neither the address nor its base64', async () => {
    const keyring = await keyringWith([generateKey()]);
    const ciphertext = await keyring.encrypt(email);
    expect(ciphertext).not.toContain(email);
    expect(ciphertext).not.toContain('example');
    expect(ciphertext).not.toContain(base64Of(email).replace(/=+$/, ''));
    expect(ciphertext).not.toContain(base64UrlOf(email));
  });

  it('encrypts the same address differently each time (random IV)', async () => {
    const keyring = await keyringWith([generateKey()]);
    const first = await keyring.encrypt(email);
    const second = await keyring.encrypt(email);
    expect(first).not.toBe(second);
    expect(await keyring.decrypt(second)).toBe(email);
  });

  it('writes ciphertexts as v1.<8 hex key id>.<base64url>', async () => {
    const keyring = await keyringWith([generateKey()]);
    expect(await keyring.encrypt(email)).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/);
  });

  describe('after a key rotation (new key first, old key after it)', () => {
    it('still decrypts addresses encrypted under the old key', async () => {
      const oldKey = generateKey();
      const newKey = generateKey();
      const hashKey = generateKey();
      const before = await keyringWith([oldKey], hashKey);
      const stored = await before.encrypt(email);

      const after = await keyringWith([newKey, oldKey], hashKey);
      expect(await after.decrypt(stored)).toBe(email);
    });

    it('encrypts new addresses under the new key', async () => {
      const oldKey = generateKey();
      const newKey = generateKey();
      const keyIdOf = (ciphertext: string) => ciphertext.split('.')[1];
      const oldId = keyIdOf(await (await keyringWith([oldKey])).encrypt(email));
      const newId = keyIdOf(await (await keyringWith([newKey])).encrypt(email));

      const rotated = await keyringWith([newKey, oldKey]);
      const ciphertext = await rotated.encrypt(email);
      expect(keyIdOf(ciphertext)).toBe(newId);
      expect(keyIdOf(ciphertext)).not.toBe(oldId);
      expect(await (await keyringWith([newKey])).decrypt(ciphertext)).toBe(email);
    });
  });

  it('refuses a ciphertext made under a key it does not hold', async () => {
    const stranger = await keyringWith([generateKey()]);
    const keyring = await keyringWith([generateKey()]);
    await expect(keyring.decrypt(await stranger.encrypt(email))).rejects.toThrow(/no key/);
  });

  it('refuses a ciphertext whose body was altered (GCM authentication)', async () => {
    const keyring = await keyringWith([generateKey()]);
    const ciphertext = await keyring.encrypt(email);
    await expect(keyring.decrypt(tamper(ciphertext))).rejects.toThrow();
  });

  it('refuses text that is not a ciphertext at all', async () => {
    const keyring = await keyringWith([generateKey()]);
    await expect(keyring.decrypt(email)).rejects.toThrow();
  });
});

describe('email hashing', () => {
  it('gives the same hash for the same address every time', async () => {
    const keyring = await keyringWith([generateKey()]);
    expect(await keyring.hashEmail(email)).toBe(await keyring.hashEmail(email));
  });

  it('ignores case and surrounding whitespace', async () => {
    const keyring = await keyringWith([generateKey()]);
    expect(await keyring.hashEmail(' Maija@Example.ORG ')).toBe(
      await keyring.hashEmail('maija@example.org'),
    );
  });

  it('gives a different hash under a different hash key', async () => {
    const encryptionKey = generateKey();
    const first = await keyringWith([encryptionKey], generateKey());
    const second = await keyringWith([encryptionKey], generateKey());
    expect(await first.hashEmail(email)).not.toBe(await second.hashEmail(email));
  });

  it('does not depend on the encryption key, so encryption keys can rotate freely', async () => {
    const hashKey = generateKey();
    const first = await keyringWith([generateKey()], hashKey);
    const second = await keyringWith([generateKey()], hashKey);
    expect(await first.hashEmail(email)).toBe(await second.hashEmail(email));
  });

  it('does not reveal the address', async () => {
    const keyring = await keyringWith([generateKey()]);
    const hash = await keyring.hashEmail(email);
    expect(hash).not.toContain('maija');
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('after a rotation of the hash key (new key first, old key after it)', () => {
  const encryptionKey = generateKey();
  const oldHashKey = generateKey();
  const newHashKey = generateKey();
  const unrotated = () =>
    createKeyring({ encryptionKeys: [encryptionKey], hashKeys: [oldHashKey] });
  const rotatedRing = () =>
    createKeyring({ encryptionKeys: [encryptionKey], hashKeys: [newHashKey, oldHashKey] });

  it('hashes new addresses, signs tokens and keys rate limits under the new key', async () => {
    const rotated = await rotatedRing();
    const fresh = await createKeyring({ encryptionKeys: [encryptionKey], hashKeys: [newHashKey] });
    expect(await rotated.hashEmail(email)).toBe(await fresh.hashEmail(email));
    expect(await rotated.tokenFor(alertId, 'manage')).toBe(await fresh.tokenFor(alertId, 'manage'));
    expect(await rotated.limitKey(email)).toBe(await fresh.limitKey(email));
  });

  it("gives an address's hashes under every key, the new key's first, to look it up by", async () => {
    const old = await (await unrotated()).hashEmail(email);
    const rotated = await rotatedRing();
    expect(await rotated.emailHashes(' Maija@Example.ORG ')).toEqual([
      await rotated.hashEmail(email),
      old,
    ]);
  });

  it('gives the one hash of hashEmail when one key is configured', async () => {
    const keyring = await unrotated();
    expect(await keyring.emailHashes(email)).toEqual([await keyring.hashEmail(email)]);
  });

  it('names its keys by ids that tell them apart and reveal nothing of them', async () => {
    const rotated = await rotatedRing();
    expect(rotated.hashKeyIds).toEqual([rotated.hashKeyId, (await unrotated()).hashKeyId]);
    expect(rotated.hashKeyId).toMatch(/^[0-9a-f]{8}$/);
    expect(rotated.hashKeyId).not.toBe((await unrotated()).hashKeyId);
    expect(newHashKey).not.toContain(rotated.hashKeyId);
  });
});

describe('ciphertextKeyId', () => {
  it('names the encryption key a ciphertext was made under, the first of the list', async () => {
    const oldKey = generateKey();
    const rotated = await keyringWith([generateKey(), oldKey]);
    const stored = await (await keyringWith([oldKey])).encrypt(email);
    expect(ciphertextKeyId(await rotated.encrypt(email))).toBe(rotated.encryptionKeyIds[0]);
    expect(ciphertextKeyId(stored)).toBe(rotated.encryptionKeyIds[1]);
  });

  it('names nothing for text that is not a ciphertext', () => {
    expect(ciphertextKeyId(email)).toBeUndefined();
    expect(ciphertextKeyId('v2.0123abcd.AAAA')).toBeUndefined();
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases an address', () => {
    expect(normalizeEmail('  Maija@Example.ORG\n')).toBe('maija@example.org');
  });

  it('composes Unicode to NFC, so that two spellings of ä are one address', () => {
    expect(normalizeEmail('a\u0308ija@example.fi')).toBe(normalizeEmail('\u00e4ija@example.fi'));
  });
});

describe('link tokens', () => {
  it('gives the same token for the same alert and purpose, so it can be composed again', async () => {
    const keyring = await keyringWith([generateKey()]);
    expect(await keyring.tokenFor(alertId, 'manage')).toBe(
      await keyring.tokenFor(alertId, 'manage'),
    );
  });

  it('binds a token to one purpose', async () => {
    const keyring = await keyringWith([generateKey()]);
    const tokens = await Promise.all(
      tokenPurposes.map((purpose) => keyring.tokenFor(alertId, purpose)),
    );
    expect(new Set(tokens).size).toBe(tokenPurposes.length);
  });

  it('binds a token to one alert', async () => {
    const keyring = await keyringWith([generateKey()]);
    expect(await keyring.tokenFor(alertId, 'confirm')).not.toBe(
      await keyring.tokenFor(otherAlertId, 'confirm'),
    );
  });

  it('gives different tokens under a different hash key', async () => {
    const encryptionKey = generateKey();
    const first = await keyringWith([encryptionKey], generateKey());
    const second = await keyringWith([encryptionKey], generateKey());
    expect(await first.tokenFor(alertId, 'confirm')).not.toBe(
      await second.tokenFor(alertId, 'confirm'),
    );
  });

  it('is signed with a key of its own, not the key that hashes addresses', async () => {
    const keyring = await keyringWith([generateKey()]);
    expect(await keyring.tokenFor(alertId, 'confirm')).not.toBe(
      await keyring.hashEmail(`confirm:${alertId}`),
    );
  });

  it('is 32 bytes in base64url: 43 URL-safe characters, well over 128 bits', async () => {
    const keyring = await keyringWith([generateKey()]);
    const token = await keyring.tokenFor(alertId, 'unsubscribe');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });
});

describe('hashToken', () => {
  it('stores something other than the token itself, the same each time', async () => {
    const keyring = await keyringWith([generateKey()]);
    const token = await keyring.tokenFor(alertId, 'manage');
    const hash = await hashToken(token);
    expect(hash).not.toBe(token);
    expect(hash).toBe(await hashToken(token));
    expect(hash).not.toBe(await hashToken(await keyring.tokenFor(alertId, 'confirm')));
  });
});

/**
 * Rows stored before the keyring moved to node:crypto were written with Web Crypto: the same
 * algorithms must give the same hashes and tokens, and its ciphertexts must decrypt.
 */
describe('compatibility with what Web Crypto wrote', () => {
  const encryptionKey = Buffer.alloc(32, 7);
  const hashKey = Buffer.alloc(32, 9);
  const keyring = () =>
    createKeyring({
      encryptionKeys: [encryptionKey.toString('base64')],
      hashKeys: [hashKey.toString('base64')],
    });
  const hmac = async (key: Uint8Array, message: string) => {
    const imported = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(key),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return new Uint8Array(await crypto.subtle.sign('HMAC', imported, Buffer.from(message)));
  };

  it('gives the address hashes, link tokens and limit keys Web Crypto gave', async () => {
    const ring = await keyring();
    expect(await ring.hashEmail(' Maija@Example.org ')).toBe(
      Buffer.from(await hmac(hashKey, email)).toString('base64url'),
    );
    const tokenKey = await hmac(hashKey, 'tyopaikkavahti/link-tokens/v1');
    expect(await ring.tokenFor(alertId, 'confirm')).toBe(
      Buffer.from(await hmac(tokenKey, `confirm:${alertId}`)).toString('base64url'),
    );
    const limitKey = await hmac(hashKey, 'tyopaikkavahti/rate-limits/v1');
    expect(await ring.limitKey('192.0.2.44')).toBe(
      Buffer.from(await hmac(limitKey, '192.0.2.44'))
        .toString('base64url')
        .slice(0, 32),
    );
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', Buffer.from('token')));
    expect(await hashToken('token')).toBe(Buffer.from(digest).toString('base64url'));
  });

  it('decrypts a ciphertext Web Crypto wrote, and Web Crypto decrypts its own', async () => {
    const ring = await keyring();
    const key = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(encryptionKey),
      'AES-GCM',
      false,
      ['encrypt', 'decrypt'],
    );
    const keyId = Buffer.from(await crypto.subtle.digest('SHA-256', new Uint8Array(encryptionKey)))
      .toString('hex')
      .slice(0, 8);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, Buffer.from('äijä@esimerkki.fi')),
    );
    const written = `v1.${keyId}.${Buffer.concat([iv, sealed]).toString('base64url')}`;
    expect(await ring.decrypt(written)).toBe('äijä@esimerkki.fi');

    const [, ownKeyId, body = ''] = (await ring.encrypt(email)).split('.');
    expect(ownKeyId).toBe(keyId);
    const payload = Buffer.from(body, 'base64url');
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: payload.subarray(0, 12) },
      key,
      payload.subarray(12),
    );
    expect(Buffer.from(plain).toString()).toBe(email);
  });
});
