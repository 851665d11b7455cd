import { and, asc, eq, gt, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { withTransaction } from '../db/database';
import { alerts } from '../db/schema';
import { deliverBatch, enqueueEmails } from '../delivery/outbox';
import type { Deps } from '../deps';
import { addDays } from '../time';
import { readAddresses } from './addresses';
import { composeReminderEmail } from './emails';
import { type AlertRow, registerLinkTokens } from './tokens';

/** The reminder goes out this many days before expiry (SPEC.md §2 "Renew"). */
export const REMINDER_DAYS_BEFORE = 7;

/**
 * Mails one reminder per expiry to every active alert that ends within seven days. The alert
 * records the expiry it was reminded of in the same transaction that queues the email, so a rerun
 * or a second instance never reminds twice; a renewal moves the expiry and so rearms it. An alert
 * whose address cannot be decrypted is skipped and logged (`readAddresses`) and counted as
 * `unreadable`; it stays due, for a run after its key is listed again.
 */
export async function sendReminders({
  deps,
  now,
  batchSize = 500,
}: {
  deps: Pick<Deps, 'db' | 'keyring' | 'config' | 'mailer' | 'log'>;
  now: Date;
  batchSize?: number;
}): Promise<{ reminded: number; unreadable?: number }> {
  let reminded = 0;
  let unreadable = 0;
  // Alerts are taken in the order of their expiry, after the last one looked at: an alert whose
  // address cannot be read stays due, and would otherwise be taken again and again.
  let after: Pick<AlertRow, 'expiresAt' | 'id'> | undefined;
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
            after &&
              sql`(${alerts.expiresAt}, ${alerts.id}) >
                (${after.expiresAt.toISOString()}::timestamptz, ${after.id}::uuid)`,
          ),
        )
        .orderBy(asc(alerts.expiresAt), asc(alerts.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      after = due.at(-1);
      if (due.length === 0) return undefined;
      const readable = await readAddresses(deps, due, 'reminders');
      unreadable += due.length - readable.length;
      if (readable.length === 0) return [];
      const emails = await Promise.all(
        readable.map(({ alert, address }) => composeReminderEmail(deps, alert, address)),
      );
      const reminding = readable.map(({ alert }) => alert);
      await registerLinkTokens(tx, deps.keyring, reminding, now);
      const keys = await enqueueEmails(tx, deps.keyring, emails, now);
      await tx
        .update(alerts)
        .set({ remindedFor: sql`${alerts.expiresAt}` })
        .where(
          inArray(
            alerts.id,
            reminding.map((alert) => alert.id),
          ),
        );
      reminded += reminding.length;
      return keys;
    });
    if (!batchKeys) break;
    for (const batchKey of batchKeys) await deliverBatch({ deps, batchKey, now });
  }
  return { reminded, ...(unreadable > 0 && { unreadable }) };
}
