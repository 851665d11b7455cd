import { ciphertextKeyId } from '../crypto/keyring';
import type { Deps } from '../deps';
import type { AlertRow } from './tokens';

/**
 * These alerts with their addresses decrypted, in their order. An alert whose address cannot be
 * decrypted (its key was taken out of EMAIL_ENCRYPTION_KEY too early, or the ciphertext is
 * damaged) is left out, so that one such row does not hold back every other alert's email, run
 * after run; it is logged by key id and count, never by address or alert. Its email waits:
 * listing the key again brings it back.
 */
export async function readAddresses<Alert extends Pick<AlertRow, 'emailCiphertext'>>(
  deps: Pick<Deps, 'keyring' | 'log'>,
  alerts: readonly Alert[],
  task: string,
): Promise<{ alert: Alert; address: string }[]> {
  const unreadable = new Map<string, number>();
  const read = await Promise.all(
    alerts.map(async (alert) => {
      try {
        return { alert, address: await deps.keyring.decrypt(alert.emailCiphertext) };
      } catch {
        const keyId = ciphertextKeyId(alert.emailCiphertext) ?? '(none)';
        unreadable.set(keyId, (unreadable.get(keyId) ?? 0) + 1);
        return undefined;
      }
    }),
  );
  for (const [keyId, count] of unreadable) {
    deps.log.warn('alerts skipped: their address cannot be decrypted', {
      task,
      keyId,
      alerts: count,
      reason: deps.keyring.encryptionKeyIds.includes(keyId)
        ? 'the ciphertext does not decrypt under its key'
        : 'its key is not listed in EMAIL_ENCRYPTION_KEY',
    });
  }
  return read.filter((entry) => entry !== undefined);
}
