import { and, asc, count, eq, gt, inArray, isNull, max, notLike, or, sql } from 'drizzle-orm';
import { readAddresses } from '../alerts/addresses';
import { registerLinkTokens } from '../alerts/tokens';
import { ciphertextKeyId } from '../crypto/keyring';
import { queryRows, textArray, withTransaction } from '../db/database';
import { addressBlocks, alerts, messages } from '../db/schema';
import type { Deps } from '../deps';

/** Rows per batch: each batch is one short transaction, which holds its rows' locks for a moment. */
export const REKEY_BATCH = 1000;

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

type RekeyDeps = Pick<Deps, 'db' | 'keyring' | 'log'>;

export type RekeyReport = {
  /** alerts whose address was encrypted or hashed again under the current keys */
  alerts: number;
  /** queued emails whose payload was encrypted again under the current key */
  messages: number;
  /** alerts and queued emails that could not be decrypted (logged by key id) */
  unreadable: number;
  /** alerts and queued emails still under another key of EMAIL_ENCRYPTION_KEY after the run */
  oldEncryptionKeyRows: number;
  /** alerts and live "this wasn't me" blocks still under another key of EMAIL_HASH_KEY */
  oldHashKeyRows: number;
  /** when the last block under another hash key lapses: the old hash key is needed until then */
  oldHashKeyNeededUntil?: string;
};

/**
 * The `rekey` job: after a rotation of EMAIL_ENCRYPTION_KEY or EMAIL_HASH_KEY (the new key first,
 * the old ones after it), brings every stored address, and every queued email, under the current
 * keys, so that the old keys can be taken out of the lists (README "Rotating keys"):
 *
 * - an alert's address is encrypted again when its ciphertext names another key, and hashed again
 *   when its hash is under another key (or under a key not recorded, before migration 0013); the
 *   alert's manage and unsubscribe tokens under the current key are registered in the same
 *   transaction, as on subscribing (`alerts.emailHashKey`);
 * - a queued email's payload is encrypted again when it names another key.
 *
 * In batches by primary key, each a transaction of its own, whose update changes a row only if
 * it still holds what the batch read, so that a concurrent subscribe, renewal or delivery is
 * never undone. A row under a key this instance does not list is left alone: it was written by
 * an instance with newer keys, and a stale configuration must not take it back. It reports what
 * it did and how many rows still need an old key: an encryption key may go once
 * `oldEncryptionKeyRows` is 0, a hash key once `oldHashKeyRows` is 0 (after
 * `oldHashKeyNeededUntil`, when blocks made before the run lapse).
 */
export async function rekey({
  deps,
  now,
  stop,
  batchSize = REKEY_BATCH,
}: {
  deps: RekeyDeps;
  now: Date;
  stop?: AbortSignal;
  batchSize?: number;
}): Promise<RekeyReport> {
  const alertsDone = await rekeyAlerts(deps, now, batchSize, stop);
  const messagesDone = await reencryptQueuedMessages(deps, batchSize, stop);
  return {
    alerts: alertsDone.rekeyed,
    messages: messagesDone.reencrypted,
    unreadable: alertsDone.unreadable + messagesDone.unreadable,
    ...(await rowsUnderOldKeys(deps, now)),
  };
}

/** `v1.<id of the current encryption key>.%`: what a ciphertext under the current key is like. */
const currentCiphertext = (deps: RekeyDeps) => `v1.${deps.keyring.encryptionKeyIds[0]}.%`;

const isCurrentCiphertext = (deps: RekeyDeps, ciphertext: string) =>
  ciphertextKeyId(ciphertext) === deps.keyring.encryptionKeyIds[0];

async function rekeyAlerts(
  deps: RekeyDeps,
  now: Date,
  batchSize: number,
  stop: AbortSignal | undefined,
): Promise<{ rekeyed: number; unreadable: number }> {
  const { keyring } = deps;
  // A key listed twice (`<new>,<old>,<new>`) is current, not older: its rows have nothing to do.
  const olderHashKeys = keyring.hashKeyIds.filter((id) => id !== keyring.hashKeyId);
  const totals = { rekeyed: 0, unreadable: 0 };
  const unlisted = new Map<string, number>();
  let after = FIRST_ID;
  while (!stop?.aborted) {
    const batch = await deps.db
      .select({
        id: alerts.id,
        emailCiphertext: alerts.emailCiphertext,
        emailHashKey: alerts.emailHashKey,
      })
      .from(alerts)
      .where(
        and(
          gt(alerts.id, after),
          or(
            notLike(alerts.emailCiphertext, currentCiphertext(deps)),
            isNull(alerts.emailHashKey),
            olderHashKeys.length > 0 ? inArray(alerts.emailHashKey, olderHashKeys) : undefined,
          ),
        ),
      )
      .orderBy(asc(alerts.id))
      .limit(batchSize);
    const last = batch.at(-1);
    if (!last) break;
    after = last.id;

    // A hash key this instance does not list is newer than its configuration: left alone. Or an
    // old key taken out too early: either way the operator is told which, since its rows keep
    // the counts of old keys above 0 run after run.
    const known = batch.filter((alert) => {
      if (alert.emailHashKey === null || keyring.hashKeyIds.includes(alert.emailHashKey)) {
        return true;
      }
      unlisted.set(alert.emailHashKey, (unlisted.get(alert.emailHashKey) ?? 0) + 1);
      return false;
    });
    const readable = await readAddresses(deps, known, 'rekey');
    totals.unreadable += known.length - readable.length;
    const rows = await Promise.all(
      readable.map(async ({ alert, address }) => ({
        alert,
        ciphertext: isCurrentCiphertext(deps, alert.emailCiphertext)
          ? alert.emailCiphertext
          : await keyring.encrypt(address),
        hash: await keyring.hashEmail(address),
      })),
    );
    if (rows.length === 0) continue;
    totals.rekeyed += await withTransaction(deps.db, async (tx) => {
      const updated = await queryRows<{ id: string }>(
        tx,
        sql`update ${alerts} set email_ciphertext = v.ciphertext, email_hash = v.hash,
            email_hash_key = ${keyring.hashKeyId}
          from unnest(
            ${`{${rows.map((row) => row.alert.id).join(',')}}`}::uuid[],
            ${textArray(rows.map((row) => row.alert.emailCiphertext))}::text[],
            ${textArray(rows.map((row) => row.ciphertext))}::text[],
            ${textArray(rows.map((row) => row.hash))}::text[]) as v(id, stored, ciphertext, hash)
          where ${alerts.id} = v.id and ${alerts.emailCiphertext} = v.stored
          returning ${alerts.id} as id`,
      );
      const ids = new Set(updated.map((row) => row.id));
      await registerLinkTokens(
        tx,
        keyring,
        rows.filter((row) => ids.has(row.alert.id)).map((row) => row.alert),
        now,
      );
      return ids.size;
    });
  }
  for (const [keyId, count] of unlisted) {
    deps.log.warn('alerts left alone: their hash key is not listed in EMAIL_HASH_KEY', {
      task: 'rekey',
      keyId,
      alerts: count,
    });
  }
  return totals;
}

async function reencryptQueuedMessages(
  deps: RekeyDeps,
  batchSize: number,
  stop: AbortSignal | undefined,
): Promise<{ reencrypted: number; unreadable: number }> {
  const totals = { reencrypted: 0, unreadable: 0 };
  const unreadable = new Map<string, number>();
  let after = FIRST_ID;
  while (!stop?.aborted) {
    const batch = await deps.db
      .select({ id: messages.id, payload: messages.payload })
      .from(messages)
      .where(
        and(
          eq(messages.status, 'queued'),
          gt(messages.id, after),
          notLike(messages.payload, currentCiphertext(deps)),
        ),
      )
      .orderBy(asc(messages.id))
      .limit(batchSize);
    const last = batch.at(-1);
    if (!last) break;
    after = last.id;

    const rows = (
      await Promise.all(
        batch.map(async ({ id, payload }) => {
          if (payload === null) return undefined;
          try {
            const plain = await deps.keyring.decrypt(payload);
            return { id, stored: payload, payload: await deps.keyring.encrypt(plain) };
          } catch {
            // The deliver job records it failed, as it would have without this run.
            const keyId = ciphertextKeyId(payload) ?? '(none)';
            unreadable.set(keyId, (unreadable.get(keyId) ?? 0) + 1);
            return undefined;
          }
        }),
      )
    ).filter((row) => row !== undefined);
    totals.unreadable += batch.length - rows.length;
    if (rows.length === 0) continue;
    const updated = await queryRows<{ id: string }>(
      deps.db,
      sql`update ${messages} set payload = v.payload
        from unnest(
          ${`{${rows.map((row) => row.id).join(',')}}`}::uuid[],
          ${textArray(rows.map((row) => row.stored))}::text[],
          ${textArray(rows.map((row) => row.payload))}::text[]) as v(id, stored, payload)
        where ${messages.id} = v.id and ${messages.payload} = v.stored
        returning ${messages.id} as id`,
    );
    totals.reencrypted += updated.length;
  }
  // By key id, as `readAddresses` logs alerts: the operator lists that key again (README).
  for (const [keyId, count] of unreadable) {
    deps.log.warn('queued emails not re-encrypted: their payload cannot be decrypted', {
      task: 'rekey',
      keyId,
      messages: count,
      reason: deps.keyring.encryptionKeyIds.includes(keyId)
        ? 'the ciphertext does not decrypt under its key'
        : 'its key is not listed in EMAIL_ENCRYPTION_KEY',
    });
  }
  return totals;
}

/** What still needs a key other than the current ones, after the run. */
async function rowsUnderOldKeys(deps: RekeyDeps, now: Date) {
  const { keyring } = deps;
  const [[stored], [queued], [blocks]] = await Promise.all([
    deps.db
      .select({
        encryption: count(
          sql`case when ${alerts.emailCiphertext} not like ${currentCiphertext(deps)} then 1 end`,
        ),
        hash: count(
          sql`case when ${alerts.emailHashKey} is distinct from ${keyring.hashKeyId} then 1 end`,
        ),
      })
      .from(alerts),
    deps.db
      .select({ encryption: count() })
      .from(messages)
      .where(
        and(eq(messages.status, 'queued'), notLike(messages.payload, currentCiphertext(deps))),
      ),
    deps.db
      .select({ hash: count(), until: max(addressBlocks.blockedUntil) })
      .from(addressBlocks)
      .where(
        and(
          gt(addressBlocks.blockedUntil, now),
          sql`${addressBlocks.emailHashKey} is distinct from ${keyring.hashKeyId}`,
        ),
      ),
  ]);
  return {
    oldEncryptionKeyRows: (stored?.encryption ?? 0) + (queued?.encryption ?? 0),
    oldHashKeyRows: (stored?.hash ?? 0) + (blocks?.hash ?? 0),
    ...(blocks?.until && { oldHashKeyNeededUntil: blocks.until.toISOString() }),
  };
}
