import { asc, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { withTransaction } from '../db/database';
import { alerts } from '../db/schema';
import type { Deps } from '../deps';
import { bumpCounter } from '../operations/metrics';
import { claimDelivery, recordAnswer } from '../postings/service';
import { forgetCopiesOfDeleted } from './outbox';

/** The part of Resend's webhook events the service reads; everything else is passed over. */
export const providerEvent = z.object({
  type: z.string().min(1).max(100),
  data: z
    .object({
      to: z.union([z.string(), z.array(z.string())]).optional(),
      bounce: z.object({ type: z.string().optional() }).loose().optional(),
    })
    .loose()
    .optional(),
});

export type ProviderEvent = z.output<typeof providerEvent>;

/**
 * A hard bounce or a complaint deletes every alert of the address (SPEC.md §2 "Email provider
 * events"): mail to it is either impossible or unwanted. Resend sends `email.bounced` for
 * permanent rejections; a bounce marked `Transient` is only counted. Every event is counted by
 * type for /metrics.
 */
export async function handleProviderEvent({
  deps,
  deliveryId,
  event,
  now,
}: {
  deps: Pick<Deps, 'db' | 'keyring' | 'outbox'>;
  deliveryId: string;
  event: ProviderEvent;
  now: Date;
}): Promise<{ deletedAlerts: number; duplicate?: true }> {
  const hard =
    event.type === 'email.complained' ||
    (event.type === 'email.bounced' && event.data?.bounce?.type !== 'Transient');
  const recipients = event.data?.to;
  const addresses = hard
    ? Array.isArray(recipients)
      ? recipients
      : recipients
        ? [recipients]
        : []
    : [];
  // Under every key listed: the address's alerts may be hashed under a key rotated out since.
  const hashes = (
    await Promise.all(addresses.map((address) => deps.keyring.emailHashes(address)))
  ).flat();
  const answer = await withTransaction(deps.db, async (tx) => {
    // The provider delivers at least once: an event seen before is answered as the first time.
    const replay = await claimDelivery<{ deletedAlerts: number }>(
      tx,
      `email-events:${deliveryId}`,
      now,
    );
    if (replay) return replay;
    await bumpCounter(tx, 'provider_events_total', 1, { type: knownType(event.type) });
    if (hashes.length > 0) {
      // Locked first in the order of their ids, as a manage-links request or a "this wasn't me"
      // locks an address's alerts: deleted in the order they lie in, each of two could hold an
      // alert the other waits for (a deadlock, and a 500).
      await tx
        .select({ id: alerts.id })
        .from(alerts)
        .where(inArray(alerts.emailHash, hashes))
        .orderBy(asc(alerts.id))
        .for('update');
    }
    const deleted =
      hashes.length === 0
        ? []
        : await tx
            .delete(alerts)
            .where(inArray(alerts.emailHash, hashes))
            .returning({ id: alerts.id });
    const answer = { deletedAlerts: deleted.length };
    await recordAnswer(tx, `email-events:${deliveryId}`, answer);
    return answer;
  });
  if (answer.deletedAlerts > 0) await forgetCopiesOfDeleted(deps);
  return answer;
}

/** Event types become metric labels; unknown ones are pooled so that labels stay few. */
function knownType(type: string): string {
  return /^email\.[a-z_]{1,30}$/.test(type) ? type : 'other';
}
