import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { withTransaction } from '../db/database';
import {
  alerts,
  frequencies,
  locales,
  matches,
  messages,
  postings,
  type TokenPurpose,
} from '../db/schema';
import { forgetCopiesOfDeleted, type UnsentEmail } from '../delivery/outbox';
import { describeReasons } from '../delivery/reasons';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { formatDate } from '../http/strings';
import { alertExpiry } from '../time';
import { describeCriteria } from './describe';
import { type AlertRow, alertForToken, liveAlert } from './tokens';

/** What the user may change on the manage page (SPEC.md §2 "Manage"). */
export const alertSettings = z
  .strictObject({
    frequency: z.enum(frequencies).optional(),
    locale: z.enum(locales).optional(),
  })
  .refine((settings) => settings.frequency !== undefined || settings.locale !== undefined, {
    message: 'give frequency, locale or both',
  });

export type AlertSettings = z.output<typeof alertSettings>;

/** Renewing is offered from this many days before expiry (the digests' renew button too). */
export const RENEWAL_WINDOW_DAYS = 14;

const alertGone = () => notFound('This alert no longer exists.');

/** The alert a manage token names, read without changing anything. */
export async function findManagedAlert({
  deps,
  token,
  now,
}: {
  deps: Pick<Deps, 'db'>;
  token: string;
  now: Date;
}): Promise<AlertRow> {
  const alert = liveAlert(await alertForToken(deps.db, token, 'manage'), now);
  if (!alert) throw alertGone();
  return alert;
}

export async function updateAlertSettings({
  deps,
  token,
  settings,
  now,
}: {
  deps: Pick<Deps, 'db'>;
  token: string;
  settings: AlertSettings;
  now: Date;
}): Promise<AlertRow> {
  return withTransaction(deps.db, async (tx) => {
    const alert = liveAlert(await alertForToken(tx, token, 'manage', { forUpdate: true }), now);
    if (!alert) throw alertGone();
    const [updated] = await tx
      .update(alerts)
      .set(settings)
      .where(eq(alerts.id, alert.id))
      .returning();
    if (!updated) throw alertGone();
    return updated;
  });
}

/**
 * Renews an active alert (SPEC.md §2 "Renew"): expiry = now + 3 months, and the renewal time and
 * the current terms version are recorded as fresh consent. Renewing is allowed at any time, since
 * it never gives more than three months from the click; pages and emails offer it prominently in
 * the last 14 days.
 */
export async function renewAlert({
  deps,
  token,
  now,
}: {
  deps: Pick<Deps, 'db' | 'config' | 'keyring'>;
  token: string;
  now: Date;
}): Promise<AlertRow> {
  return withTransaction(deps.db, async (tx) => {
    const alert = liveAlert(await alertForToken(tx, token, 'manage', { forUpdate: true }), now);
    if (!alert) throw alertGone();
    if (alert.status !== 'active') {
      throw new AppError('conflict', 'Confirm the alert first; then it can be renewed.');
    }
    const [renewed] = await tx
      .update(alerts)
      .set({
        renewedAt: now,
        termsVersion: deps.config.TERMS_VERSION,
        expiresAt: alertExpiry(now, deps.config.TIMEZONE),
      })
      .where(eq(alerts.id, alert.id))
      .returning();
    if (!renewed) throw alertGone();
    const queued = (template: 'reminder' | 'digest') =>
      and(
        eq(messages.alertId, alert.id),
        eq(messages.template, template),
        eq(messages.status, 'queued'),
      );
    // A reminder still queued (the provider down) would say the alert ends on the old date.
    await tx.delete(messages).where(queued('reminder'));
    // A digest still queued would say so too, with a renew button in the last 14 days. Its
    // postings are marked mailed, so it is kept, with the new expiry and no button.
    const digests = await tx
      .select({ id: messages.id, payload: messages.payload })
      .from(messages)
      .where(queued('digest'));
    for (const digest of digests) {
      const email: UnsentEmail = JSON.parse(await deps.keyring.decrypt(digest.payload ?? ''));
      // one queued already rendered (before the outbox kept props) goes as it is
      if (!('props' in email) || email.template !== 'digest') continue;
      const { renewUrl: _button, ...props } = email.props;
      const expires = formatDate(renewed.expiresAt, props.locale, deps.config.TIMEZONE);
      const rewritten: UnsentEmail = { ...email, props: { ...props, expires } };
      await tx
        .update(messages)
        .set({ payload: await deps.keyring.encrypt(JSON.stringify(rewritten)) })
        .where(eq(messages.id, digest.id));
    }
    return renewed;
  });
}

/**
 * Deletes the alert a manage or unsubscribe token names, with everything stored for it (its
 * tokens, anchors, matches and messages go with it, by the triggers on alerts, and then the
 * transport's copies of its emails). A token that names nothing any more deletes nothing.
 */
export async function deleteAlert({
  deps,
  token,
  purpose,
}: {
  deps: Pick<Deps, 'db' | 'outbox'>;
  token: string;
  purpose: Extract<TokenPurpose, 'manage' | 'unsubscribe'>;
}): Promise<{ deleted: AlertRow | undefined }> {
  const outcome = await withTransaction(deps.db, async (tx) => {
    const alert = await alertForToken(tx, token, purpose, { forUpdate: true });
    if (!alert) return { deleted: undefined };
    const removed = await tx
      .delete(alerts)
      .where(eq(alerts.id, alert.id))
      .returning({ id: alerts.id });
    return { deleted: removed.length > 0 ? alert : undefined };
  });
  if (outcome.deleted) await forgetCopiesOfDeleted(deps);
  return outcome;
}

/** Whether the renew button belongs on the page: the last 14 days of an active alert. */
export function isRenewalDue(alert: AlertRow, now: Date): boolean {
  const left = alert.expiresAt.getTime() - now.getTime();
  return alert.status === 'active' && left > 0 && left < RENEWAL_WINDOW_DAYS * 24 * 3_600_000;
}

/**
 * Everything stored about the alert (SPEC.md §2 "Manage": download their data), in one JSON
 * document: the address in plain text (it is the user's own), the proof of consent, the search,
 * what the jobs recorded of it (its last digest, its reminder), the postings matched to it with
 * why and whether they were mailed (SPEC.md §1.1: "which postings were already mailed"), and the
 * emails about it that are kept (their contents are the ones the user received).
 */
export async function exportAlert({
  deps,
  alert,
  now,
}: {
  deps: Pick<Deps, 'keyring' | 'db'>;
  alert: AlertRow;
  now: Date;
}) {
  const [matched, emails] = await Promise.all([
    deps.db
      .select({
        postingId: matches.postingId,
        title: postings.title,
        url: postings.url,
        matchedAt: matches.matchedAt,
        mailedAt: matches.mailedAt,
        reasons: matches.reasons,
      })
      .from(matches)
      .leftJoin(postings, eq(postings.id, matches.postingId))
      .where(eq(matches.alertId, alert.id))
      .orderBy(asc(matches.matchedAt), asc(matches.postingId)),
    deps.db
      .select({
        template: messages.template,
        status: messages.status,
        createdAt: messages.createdAt,
        sentAt: messages.sentAt,
      })
      .from(messages)
      .where(eq(messages.alertId, alert.id))
      .orderBy(asc(messages.createdAt)),
  ]);
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    exportedAt: now.toISOString(),
    alert: {
      id: alert.id,
      status: alert.status,
      email: await deps.keyring.decrypt(alert.emailCiphertext),
      label: alert.label,
      criteria: alert.criteria,
      criteriaInWords: describeCriteria(alert.criteria, alert.locale),
      searchUrl: alert.searchUrl,
      locale: alert.locale,
      frequency: alert.frequency,
      expiresAt: alert.expiresAt.toISOString(),
    },
    consent: {
      termsVersion: alert.termsVersion,
      subscribedAt: alert.subscribedAt.toISOString(),
      confirmedAt: alert.confirmedAt?.toISOString() ?? null,
      renewedAt: alert.renewedAt?.toISOString() ?? null,
    },
    delivery: {
      lastDigestAt: iso(alert.lastDigestAt),
      remindedForExpiryAt: iso(alert.remindedFor),
    },
    matches: matched.map((match) => ({
      postingId: match.postingId,
      title: match.title,
      url: match.url,
      matchedAt: match.matchedAt.toISOString(),
      mailedAt: iso(match.mailedAt),
      reasons: describeReasons(match.reasons, alert.locale),
    })),
    emails: emails.map((email) => ({
      template: email.template,
      status: email.status,
      createdAt: email.createdAt.toISOString(),
      sentAt: iso(email.sentAt),
    })),
    storage: {
      email:
        'encrypted with AES-256-GCM, found by a keyed HMAC-SHA-256 hash; deleted with the alert',
      links: 'only SHA-256 hashes of the link tokens are stored; they die with the alert',
      tracking: 'no IP address, user agent, opens or clicks are stored',
    },
  };
}

/** The alert as the JSON API shows it: no address, no hashes. */
export function alertView(alert: AlertRow, now: Date) {
  return {
    id: alert.id,
    status: alert.status,
    label: alert.label,
    criteria: alert.criteria,
    searchUrl: alert.searchUrl,
    locale: alert.locale,
    frequency: alert.frequency,
    termsVersion: alert.termsVersion,
    subscribedAt: alert.subscribedAt.toISOString(),
    confirmedAt: alert.confirmedAt?.toISOString() ?? null,
    renewedAt: alert.renewedAt?.toISOString() ?? null,
    expiresAt: alert.expiresAt.toISOString(),
    renewalDue: isRenewalDue(alert, now),
  };
}
