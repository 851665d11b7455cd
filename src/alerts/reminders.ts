import { and, asc, eq, gt, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { withTransaction } from '../db/database';
import { alerts } from '../db/schema';
import { deliverBatch, enqueueEmails } from '../delivery/outbox';
import type { Deps } from '../deps';
import { addDays } from '../time';
import { composeReminderEmail } from './emails';
import { registerLinkTokens } from './tokens';

/** The reminder goes out this many days before expiry (SPEC.md §2 "Renew"). */
export const REMINDER_DAYS_BEFORE = 7;

/**
 * Mails one reminder per expiry to every active alert that ends within seven days. The alert
 * records the expiry it was reminded of in the same transaction that queues the email, so a rerun
 * or a second instance never reminds twice; a renewal moves the expiry and so rearms it.
 */
export async function sendReminders({
  deps,
  now,
  batchSize = 500,
}: {
  deps: Pick<Deps, 'db' | 'keyring' | 'config' | 'mailer' | 'log'>;
  now: Date;
  batchSize?: number;
}): Promise<{ reminded: number }> {
  let reminded = 0;
  for (;;) {
    const batchKeys = await withTransaction(deps.db, async (tx) => {
      const due = await tx
        .select()
        .from(alerts)
        .where(
          and(
            eq(alerts.status, 'active'),
            gt(alerts.expiresAt, now),
            lte(alerts.expiresAt, addDays(now, REMINDER_DAYS_BEFORE)),
            or(isNull(alerts.remindedFor), ne(alerts.remindedFor, alerts.expiresAt)),
          ),
        )
        .orderBy(asc(alerts.expiresAt))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      if (due.length === 0) return undefined;
      const emails = await Promise.all(
        due.map(async (alert) =>
          composeReminderEmail(deps, alert, await deps.keyring.decrypt(alert.emailCiphertext)),
        ),
      );
      await registerLinkTokens(tx, deps.keyring, due, now);
      const keys = await enqueueEmails(tx, deps.keyring, emails, now);
      await tx
        .update(alerts)
        .set({ remindedFor: sql`${alerts.expiresAt}` })
        .where(
          inArray(
            alerts.id,
            due.map((alert) => alert.id),
          ),
        );
      reminded += due.length;
      return keys;
    });
    if (!batchKeys) break;
    for (const batchKey of batchKeys) await deliverBatch({ deps, batchKey, now });
  }
  return { reminded };
}
