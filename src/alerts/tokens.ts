import { and, eq } from 'drizzle-orm';
import { hashToken, type Keyring } from '../crypto/keyring';
import type { Queryable, Tx } from '../db/database';
import { alerts, alertTokens, type TokenPurpose } from '../db/schema';

/** The purposes of the links every email about an alert carries (`alertLinks`). */
export const linkPurposes = ['manage', 'unsubscribe'] as const satisfies readonly TokenPurpose[];

/**
 * Registers the current hash key's manage and unsubscribe tokens of those of these alerts whose
 * tokens may be under another key (stored before a rotation of EMAIL_HASH_KEY, and not yet
 * rekeyed), so that the links of the emails composed for them now work. One statement, and none
 * when every alert is under the current key, as all are but for the days after a rotation. The
 * tokens mailed before keep working: their hashes stay registered until the alert goes.
 */
export async function registerLinkTokens(
  tx: Tx,
  keyring: Keyring,
  alerts: readonly Pick<AlertRow, 'id' | 'emailHashKey'>[],
  now: Date,
): Promise<void> {
  const stale = alerts.filter((alert) => alert.emailHashKey !== keyring.hashKeyId);
  if (stale.length === 0) return;
  const rows = await Promise.all(
    stale.map((alert) => tokenRows(keyring, alert.id, linkPurposes, now)),
  );
  await tx.insert(alertTokens).values(rows.flat()).onConflictDoNothing();
}

/** The `alert_tokens` rows of an alert's tokens for these purposes. */
export function tokenRows(
  keyring: Keyring,
  alertId: string,
  purposes: readonly TokenPurpose[],
  now: Date,
): Promise<(typeof alertTokens.$inferInsert)[]> {
  return Promise.all(
    purposes.map(async (purpose) => ({
      tokenHash: await hashToken(await keyring.tokenFor(alertId, purpose)),
      alertId,
      purpose,
      createdAt: now,
    })),
  );
}

export type AlertRow = typeof alerts.$inferSelect;

/**
 * The alert, unless it is past its expiry: a pending alert 48 hours after it was created, an
 * active one three months after its confirmation or renewal. Such an alert is gone for its owner,
 * though the retention job deletes its row only within the hour: no link shows it as existing,
 * confirms it, renews it or acts on it (deleting it still works, and deletes it at once).
 */
export const liveAlert = (alert: AlertRow | undefined, now: Date) =>
  alert && alert.expiresAt.getTime() > now.getTime() ? alert : undefined;

/** The alert a token of this purpose belongs to, or undefined; one indexed lookup either way. */
export async function alertForToken(
  db: Queryable,
  token: string,
  purpose: TokenPurpose,
  options: { forUpdate?: boolean } = {},
): Promise<AlertRow | undefined> {
  const query = db
    .select({ alert: alerts })
    .from(alertTokens)
    .innerJoin(alerts, eq(alerts.id, alertTokens.alertId))
    .where(
      and(eq(alertTokens.tokenHash, await hashToken(token)), eq(alertTokens.purpose, purpose)),
    );
  const [row] = await (options.forUpdate ? query.for('update', { of: alerts }) : query);
  return row?.alert;
}
