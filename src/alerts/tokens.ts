import { and, eq } from 'drizzle-orm';
import { hashToken, type Keyring } from '../crypto/keyring';
import type { Queryable, Tx } from '../db/database';
import { alerts, alertTokens, type TokenPurpose } from '../db/schema';

/** Records the hashes of an alert's tokens for these purposes, so that its links resolve. */
export async function registerTokens(
  tx: Tx,
  keyring: Keyring,
  alertId: string,
  purposes: readonly TokenPurpose[],
  now: Date,
): Promise<void> {
  await tx
    .insert(alertTokens)
    .values(await tokenRows(keyring, alertId, purposes, now))
    .onConflictDoNothing();
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
