import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import { generateKey, type KeyMaterial } from '../crypto/keyring';
import type { Log } from '../log';

const keysFile = z.object({ emailEncryptionKey: z.string(), emailHashKey: z.string() });

/**
 * The address keys: from EMAIL_ENCRYPTION_KEY and EMAIL_HASH_KEY when set; otherwise, for the
 * embedded default, keys generated once into KEYS_FILE (config refuses this in production).
 */
export async function loadKeyMaterial(config: Config, log: Log): Promise<KeyMaterial> {
  if (config.EMAIL_ENCRYPTION_KEY && config.EMAIL_HASH_KEY) {
    return { encryptionKeys: config.EMAIL_ENCRYPTION_KEY, hashKeys: config.EMAIL_HASH_KEY };
  }
  let stored: z.infer<typeof keysFile>;
  try {
    stored = keysFile.parse(JSON.parse(await readFile(config.KEYS_FILE, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`${config.KEYS_FILE} is not a keys file; remove it or fix it`);
    }
    stored = { emailEncryptionKey: generateKey(), emailHashKey: generateKey() };
    await mkdir(dirname(config.KEYS_FILE), { recursive: true });
    await writeFile(config.KEYS_FILE, JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
    log.warn('generated address keys', { file: config.KEYS_FILE });
  }
  log.warn(
    'address keys come from a local file; set EMAIL_ENCRYPTION_KEY and EMAIL_HASH_KEY for production',
    { file: config.KEYS_FILE },
  );
  return { encryptionKeys: [stored.emailEncryptionKey], hashKeys: [stored.emailHashKey] };
}
