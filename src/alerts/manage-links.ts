import { and, asc, gt, inArray } from 'drizzle-orm';
import { withTransaction } from '../db/database';
import { alerts, type Locale } from '../db/schema';
import { deliverLeased, enqueueLeased } from '../delivery/outbox';
import type { Deps } from '../deps';
import { readAddresses } from './addresses';
import { composeManageLinksEmail } from './emails';
import { limits, takeRateLimit } from './limits';
import { registerLinkTokens } from './tokens';

/**
 * Queues for an address one message with the manage links of all its alerts (SPEC.md §2
 * "Manage"): how a user who deleted our emails still reaches their alerts. An address with no
 * alerts gets nothing, so that the form cannot be used to mail strangers. The email counts
 * against the address's cap like a confirmation email. Answers the hand-over to the provider,
 * for the caller to run after answering: an answer that waited for it would come later for an
 * address with alerts than for one without, and tell them apart (SPEC.md: no enumeration).
 */
export async function queueManageLinks({
  deps,
  email,
  locale,
  now,
}: {
  deps: Pick<Deps, 'db' | 'keyring' | 'config' | 'mailer' | 'log'>;
  email: string;
  locale?: Locale;
  now: Date;
}): Promise<() => Promise<void>> {
  const emailHashes = await deps.keyring.emailHashes(email);
  const addressKey = await deps.keyring.limitKey(email);
  const batches = await withTransaction(deps.db, async (tx) => {
    const rows = await tx
      .select()
      .from(alerts)
      .where(and(inArray(alerts.emailHash, emailHashes), gt(alerts.expiresAt, now)))
      // A delete of one of them waits for this email to be written, and then deletes it too.
      // Locked in the order of their ids, as `rejectAlert` locks an address's alerts: in another
      // order, each could hold an alert the other waits for (a deadlock, and a 500).
      .orderBy(asc(alerts.id))
      .for('key share');
    rows.sort(
      (a, b) => a.subscribedAt.getTime() - b.subscribedAt.getTime() || (a.id < b.id ? -1 : 1),
    );
    const [first] = rows;
    if (!first) return [];
    if (!(await takeRateLimit(tx, limits.perAddress(addressKey), now)).allowed) {
      deps.log.info('manage-link email suppressed', { reason: 'address email cap reached' });
      return [];
    }
    // The address as it was stored, or, where that cannot be decrypted, as it was typed: its
    // hash is the same.
    const [stored] = await readAddresses(deps, [first], 'manage-links');
    const message = await composeManageLinksEmail(
      deps,
      rows,
      stored?.address ?? email,
      locale ?? first.locale,
    );
    await registerLinkTokens(tx, deps.keyring, rows, now);
    return enqueueLeased(tx, deps, [message], now);
  });
  return async () => {
    for (const batch of batches) await deliverLeased({ deps, batch, now, maxAttempts: 1 });
  };
}
