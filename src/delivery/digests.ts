import { and, asc, desc, eq, exists, gt, inArray, isNull, sql } from 'drizzle-orm';
import { digestSubject, maxPostingsPerDigest } from '../../emails/digest';
import { readAddresses } from '../alerts/addresses';
import { alertLinks } from '../alerts/emails';
import { isRenewalDue } from '../alerts/manage';
import { municipalityName, regionName } from '../alerts/places';
import { type AlertRow, registerLinkTokens } from '../alerts/tokens';
import { textArray, withTransaction } from '../db/database';
import { alerts, type Locale, matches, postings } from '../db/schema';
import type { Deps } from '../deps';
import { formatDate } from '../http/strings';
import { deliverBatch, enqueueEmails, type QueuedEmail } from './outbox';
import { describeReasons } from './reasons';
import { isDigestDue } from './schedule';

type DigestDeps = Pick<Deps, 'db' | 'keyring' | 'config' | 'mailer' | 'log'>;

/** How many alerts one transaction composes digests for: one provider batch. */
const ALERTS_PER_TRANSACTION = 100;
const CANDIDATES_PER_QUERY = 1000;

type PostingRow = typeof postings.$inferSelect;
type MatchRow = typeof matches.$inferSelect;

/**
 * Composes and queues the digests that are due (SPEC.md §2 "Receive digests"): for each active
 * alert whose slot has come and that has matches not yet mailed, one email with the newest 20
 * postings and "N more". In the transaction that queues an alert's email, its matches are marked
 * mailed and its last digest time is set, so a posting is mailed to an alert at most once, ever,
 * and a rerun after a crash composes nothing twice. Withdrawn postings and those past their
 * deadline are left out (and marked, so they are not looked at again); an alert left with nothing
 * gets no email. An alert whose address cannot be decrypted is skipped and logged
 * (`readAddresses`) and counted as `unreadable`.
 */
export async function runDigests({
  deps,
  now,
  stop,
}: {
  deps: DigestDeps;
  now: Date;
  /** when aborted, no further digest is composed; those queued are sent by the next run */
  stop?: AbortSignal;
}): Promise<{ digests: number; postings: number; leftOut: number; unreadable?: number }> {
  const totals = { digests: 0, postings: 0, leftOut: 0, unreadable: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  while (!stop?.aborted) {
    const candidates = await deps.db
      .select({
        id: alerts.id,
        frequency: alerts.frequency,
        lastDigestAt: alerts.lastDigestAt,
        confirmedAt: alerts.confirmedAt,
        oldestUnmailedAt: sql`(
          select min(${matches.matchedAt}) from ${matches}
          where ${matches.alertId} = ${alerts.id} and ${matches.mailedAt} is null)`.mapWith(
          matches.matchedAt,
        ),
      })
      .from(alerts)
      .where(
        and(
          eq(alerts.status, 'active'),
          gt(alerts.expiresAt, now),
          gt(alerts.id, after),
          exists(
            deps.db
              .select({ one: sql`1` })
              .from(matches)
              .where(and(eq(matches.alertId, alerts.id), isNull(matches.mailedAt))),
          ),
        ),
      )
      .orderBy(asc(alerts.id))
      .limit(CANDIDATES_PER_QUERY);
    const last = candidates.at(-1);
    if (!last) break;
    after = last.id;
    const due = candidates
      .filter((alert) => isDigestDue(alert, now, deps.config.TIMEZONE))
      .map((alert) => alert.id);
    for (let start = 0; start < due.length && !stop?.aborted; start += ALERTS_PER_TRANSACTION) {
      const chunk = due.slice(start, start + ALERTS_PER_TRANSACTION);
      const batchKeys = await composeDigests(deps, chunk, now, totals);
      for (const batchKey of batchKeys) await deliverBatch({ deps, batchKey, now });
    }
  }
  const { unreadable, ...counts } = totals;
  return { ...counts, ...(unreadable > 0 && { unreadable }) };
}

async function composeDigests(
  deps: DigestDeps,
  alertIds: string[],
  now: Date,
  totals: { digests: number; postings: number; leftOut: number; unreadable: number },
): Promise<string[]> {
  return withTransaction(deps.db, async (tx) => {
    // Another instance composing the same alerts holds them; they are its to finish.
    const locked = await tx
      .select()
      .from(alerts)
      .where(and(inArray(alerts.id, alertIds), eq(alerts.status, 'active')))
      .for('update', { skipLocked: true });
    if (locked.length === 0) return [];
    const unmailed = await tx
      .select({ match: matches, posting: postings })
      .from(matches)
      .innerJoin(postings, eq(postings.id, matches.postingId))
      .where(
        and(
          inArray(
            matches.alertId,
            locked.map((alert) => alert.id),
          ),
          isNull(matches.mailedAt),
        ),
      )
      .orderBy(desc(postings.publishedAt), asc(postings.id));
    const oldest = new Map<string, Date>();
    for (const { match } of unmailed) {
      const seen = oldest.get(match.alertId);
      if (!seen || match.matchedAt < seen) oldest.set(match.alertId, match.matchedAt);
    }
    const due = locked.filter((alert) =>
      isDigestDue(
        { ...alert, oldestUnmailedAt: oldest.get(alert.id) ?? null },
        now,
        deps.config.TIMEZONE,
      ),
    );
    if (due.length === 0) return [];
    // An alert whose address cannot be decrypted is left as it is, its matches unmailed, for a
    // run after its key is listed again; the others go out.
    const readable = await readAddresses(deps, due, 'digests');
    totals.unreadable += due.length - readable.length;
    if (readable.length === 0) return [];
    const dueIds = new Set(readable.map(({ alert }) => alert.id));
    const rows = unmailed.filter((row) => dueIds.has(row.match.alertId));

    const emails: QueuedEmail[] = [];
    const mailed: AlertRow[] = [];
    // What this run is done with: every posting shown, and every one left out as closed. Without
    // a search to link "N more" to, the postings not shown are left for the next digest.
    const taken: typeof rows = [];
    for (const { alert, address } of readable) {
      const mine = rows.filter((row) => row.match.alertId === alert.id);
      const fresh = mine.filter(({ posting }) => isStillOpen(posting, now));
      totals.leftOut += mine.length - fresh.length;
      const kept = new Set(alert.searchUrl ? [] : fresh.slice(maxPostingsPerDigest));
      taken.push(...mine.filter((row) => !kept.has(row)));
      if (fresh.length === 0) continue;
      emails.push(await composeDigest(deps, alert, address, fresh, now));
      mailed.push(alert);
      totals.digests++;
      totals.postings += fresh.length - kept.size;
    }
    if (taken.length > 0) {
      await tx.execute(sql`
        update ${matches} set mailed_at = ${now.toISOString()}::timestamptz
        where (alert_id, posting_id) in (
          select * from unnest(
            ${`{${taken.map((row) => row.match.alertId).join(',')}}`}::uuid[],
            ${textArray(taken.map((row) => row.match.postingId))}::text[]))`);
    }
    await tx
      .update(alerts)
      .set({ lastDigestAt: now })
      .where(inArray(alerts.id, [...dueIds]));
    await registerLinkTokens(tx, deps.keyring, mailed, now);
    return enqueueEmails(tx, deps.keyring, emails, now);
  });
}

function isStillOpen(posting: PostingRow, now: Date): boolean {
  if (posting.withdrawnAt) return false;
  return !posting.deadline || posting.deadline.getTime() > now.getTime();
}

async function composeDigest(
  deps: DigestDeps,
  alert: AlertRow,
  address: string,
  rows: { match: MatchRow; posting: PostingRow }[],
  now: Date,
): Promise<QueuedEmail> {
  const { locale } = alert;
  const date = (value: Date) => formatDate(value, locale, deps.config.TIMEZONE);
  const { headers, renewUrl, ...links } = await alertLinks(deps, alert);
  const shown = rows.slice(0, maxPostingsPerDigest);
  const props = {
    locale,
    label: alert.label,
    total: rows.length,
    postings: shown.map(({ match, posting }) => ({
      title: posting.title,
      ...(posting.employer ? { employer: posting.employer } : {}),
      ...(locationOf(posting, locale) ? { location: locationOf(posting, locale) } : {}),
      ...(posting.remote === 'full' ? { fullyRemote: true } : {}),
      ...(posting.deadline ? { deadline: date(posting.deadline) } : {}),
      url: posting.url,
      reasons: describeReasons(match.reasons, locale),
    })),
    moreCount: rows.length - shown.length,
    ...(alert.searchUrl ? { searchUrl: alert.searchUrl } : {}),
    expires: date(alert.expiresAt),
    ...(isRenewalDue(alert, now) ? { renewUrl } : {}),
    ...links,
  };
  return {
    to: address,
    subject: digestSubject(props),
    headers,
    template: 'digest',
    alertId: alert.id,
    props,
  };
}

/**
 * Where the job is, in words: its municipalities, or its regions when it names no municipality (the
 * region around a named municipality adds nothing); a code without a known name stays as it is.
 */
function locationOf(posting: PostingRow, locale: Locale): string | undefined {
  const names =
    posting.municipalities.length > 0
      ? posting.municipalities.map((code) => municipalityName(code, locale))
      : posting.regions.map((code) => regionName(code, locale));
  return names.length > 0 ? [...new Set(names)].join(', ') : undefined;
}
