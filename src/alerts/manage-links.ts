import { and, asc, eq, gt } from 'drizzle-orm';
import { withTransaction } from '../db/database';
import { alerts, type Locale } from '../db/schema';
import type { Deps } from '../deps';
import { sendManageLinksEmail } from './emails';
import { limits, takeRateLimit } from './limits';

/**
 * Mails an address one message with the manage links of all its alerts (SPEC.md §2 "Manage"):
 * how a user who deleted our emails still reaches their alerts. An address with no alerts gets
 * nothing, so that the form cannot be used to mail strangers; the caller's answer is the same
 * either way. The email counts against the address's cap like a confirmation email.
 */
export async function sendManageLinks({
  deps,
  email,
  locale,
  now,
}: {
  deps: Pick<Deps, 'db' | 'keyring' | 'config' | 'mailer' | 'log'>;
  email: string;
  locale?: Locale;
  now: Date;
}): Promise<void> {
  const emailHash = await deps.keyring.hashEmail(email);
  const addressKey = await deps.keyring.limitKey(email);
  const found = await withTransaction(deps.db, async (tx) => {
    const rows = await tx
      .select()
      .from(alerts)
      .where(and(eq(alerts.emailHash, emailHash), gt(alerts.expiresAt, now)))
      .orderBy(asc(alerts.subscribedAt));
    if (rows.length === 0) return [];
    if (!(await takeRateLimit(tx, limits.perAddress(addressKey), now)).allowed) {
      deps.log.info('manage-link email suppressed', { reason: 'address email cap reached' });
      return [];
    }
    return rows;
  });
  const [first] = found;
  if (!first) return;
  const recipient = await deps.keyring.decryptEmail(first.emailCiphertext);
  await sendManageLinksEmail(deps, found, recipient, locale ?? first.locale);
}
