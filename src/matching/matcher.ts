import { sql } from 'drizzle-orm';
import type { Criteria } from '../alerts/criteria';
import { type Queryable, queryRows } from '../db/database';
import { type AnchorTerms, refreshAnchorTerms } from './anchor-terms';
import { indexUncompiledAlerts } from './anchors';
import { compileExpression, type Expression } from './compile';
import { evaluate, type MatchReasons } from './evaluate';
import type { AnalysedBatch, AnalysedPosting } from './posting';
import { EVERYONE, NONE, PostingSets } from './posting-sets';

/** One (alert, posting) pair that matched, with why. */
export interface FoundMatch {
  alertId: string;
  postingId: string;
  reasons: MatchReasons;
}

export interface MatchOutcome {
  found: FoundMatch[];
  /** candidate (alert, posting) pairs the index gave and `evaluate` verified */
  candidates: number;
}

/** An active alert as the matcher reads it. */
export type MatchableAlert = {
  id: string;
  /**
   * what `evaluate` reads; the anchors and filter come along, since removing them in SQL
   * (`compiled - 'anchors'`) cost Postgres more than parsing them costs Node
   */
  compiled: Expression;
  /** the confirmation time in epoch milliseconds: only postings published later match */
  confirmedMs: number;
};

/** An alert's criteria as stored: compiled, or waiting to be compiled again (`criteria`). */
type Stored = { compiled: Expression | null; criteria: Criteria | null };

/**
 * The expression to verify: the stored one, or, for an alert whose compiled form a new analysis
 * version set aside (its anchors stay until `indexUncompiledAlerts` writes new ones, a few
 * hundred before each batch), its criteria compiled now, as the oracle does.
 */
function compiledOf(alert: Stored): Expression {
  if (alert.compiled) return alert.compiled;
  if (!alert.criteria) throw new Error('an active alert without criteria');
  return compileExpression(alert.criteria);
}

/**
 * Finds every active alert a batch of postings matches, through the anchor index. The batch's
 * distinct terms that are anchor terms (`anchorTerms`, brought up to date first) are joined to
 * `alert_anchors`; an (alert, posting) pair is a candidate when the posting holds the anchor and
 * one of the anchor's filter terms. Then the compiled criteria of
 * the candidate alerts that are active are read, and each candidate pair is verified with the
 * same `evaluate` the oracle uses. Complete because every posting an alert matches holds one of
 * its anchors and one of its filter terms (compile.ts).
 *
 * `onFound` receives the matches chunk by chunk, as they are verified, so that they can be
 * recorded while the next chunk is.
 */
export async function findMatches(
  db: Queryable,
  batch: AnalysedBatch,
  anchorTerms: AnchorTerms,
  onFound?: (found: FoundMatch[]) => void,
): Promise<MatchOutcome> {
  if (batch.terms.size === 0) return { found: [], candidates: 0 };
  const anchored = await refreshAnchorTerms(db, anchorTerms);
  const terms = [...batch.terms.keys()].filter((term) => anchored.has(term));
  if (terms.length === 0) return { found: [], candidates: 0 };
  const candidates = await findCandidates(db, batch, terms);
  if (candidates.alerts.size === 0) return { found: [], candidates: 0 };
  return verifyCandidates(db, batch.postings, candidates, onFound);
}

/** Candidate alerts, each with the set of postings it is a candidate for. */
interface Candidates {
  sets: PostingSets;
  alerts: Map<string, number>;
}

/**
 * Looks the batch's terms up in `alert_anchors` and keeps the anchors whose filter a posting
 * holding the anchor also holds. Anchors are read in chunks of terms, each asked for before the
 * last one is filtered, so that Postgres looks up the next chunk on the other core meanwhile.
 */
async function findCandidates(
  db: Queryable,
  batch: AnalysedBatch,
  terms: string[],
): Promise<Candidates> {
  const read = (start: number) =>
    handled(queryRows<AnchorsOfTerm>(db, anchorsOf(terms.slice(start, start + TERM_CHUNK))));
  // Thousands of anchors share a filter (a municipality, a job title): each is resolved once,
  // into the set of postings holding one of its terms (NONE when no posting does).
  const filters = new Map<string, number>();
  const candidates: Candidates = { sets: new PostingSets(batch.sets.postings), alerts: new Map() };
  let next = read(0);
  for (let start = 0; start < terms.length; start += TERM_CHUNK) {
    const rows = await next;
    if (start + TERM_CHUNK < terms.length) next = read(start + TERM_CHUNK);
    for (const row of rows) {
      const held = batch.terms.get(row.term);
      if (held === undefined) continue;
      const alertIds = row.alerts.split(' ');
      const alertFilters = row.filters.split(',');
      alertIds.forEach((alertId, index) => {
        const anchorFilter = alertFilters[index] ?? '';
        let filter = EVERYONE;
        if (anchorFilter !== '') {
          filter = filters.get(anchorFilter) ?? NONE;
          if (!filters.has(anchorFilter)) {
            filter = batch.sets.union(anchorFilter.split(' ').map((term) => batch.terms.get(term)));
            filters.set(anchorFilter, filter);
          }
          if (filter === NONE || !batch.sets.overlap(held, filter)) return;
        }
        let candidate = candidates.alerts.get(alertId);
        if (candidate === undefined) {
          candidate = candidates.sets.add();
          candidates.alerts.set(alertId, candidate);
        }
        candidates.sets.addIntersection(candidate, batch.sets, held, filter);
      });
    }
  }
  return candidates;
}

/** The alerts anchored on a term, space-separated, and their filters, comma-separated. */
type AnchorsOfTerm = { term: string; alerts: string; filters: string };

/**
 * The anchors of `terms`, a row per term: a quarter of a million anchor rows a batch cost Node
 * more to receive than splitting the strings does. `= any(array(…))` makes Postgres probe the
 * primary key (`in (select …)` over a set-returning function made it scan and hash all the
 * anchors), whose index holds the filters too (migration 0005): it answers from the index alone.
 */
export const anchorsOf = (terms: string[]) =>
  sql`select term, string_agg(alert_id::text, ' ') as alerts,
        string_agg(array_to_string(filter, ' '), ',') as filters
      from alert_anchors
      where term = any(array(select jsonb_array_elements_text(${JSON.stringify(terms)}::jsonb)))
      group by term`;

/**
 * Reads the criteria of the candidate alerts that are active and verifies each candidate pair.
 * The criteria are read in chunks, each asked for before the last one is verified: Postgres
 * reads it (and records the matches `onFound` was given) on the other core meanwhile. The read
 * locks nothing: `matchPostings` forgets the matches of alerts deleted meanwhile.
 */
async function verifyCandidates(
  db: Queryable,
  postings: AnalysedPosting[],
  candidates: Candidates,
  onFound?: (found: FoundMatch[]) => void,
): Promise<MatchOutcome> {
  const alertIds = [...candidates.alerts.keys()];
  const read = (start: number) =>
    handled(
      queryRows<Omit<MatchableAlert, 'compiled'> & Stored>(
        db,
        sql`select id, compiled, case when compiled is null then criteria end as criteria,
              extract(epoch from confirmed_at) * 1000 as "confirmedMs"
            from alerts
            where id = any(array(select jsonb_array_elements_text(${JSON.stringify(alertIds.slice(start, start + READ_CHUNK))}::jsonb)::uuid))
              and status = 'active'`,
      ),
    );
  const found: FoundMatch[] = [];
  let verified = 0;
  let next = read(0);
  for (let start = 0; start < alertIds.length; start += READ_CHUNK) {
    const alerts = await next;
    if (start + READ_CHUNK < alertIds.length) next = read(start + READ_CHUNK);
    const chunk: FoundMatch[] = [];
    for (const alert of alerts) {
      const confirmedMs = Number(alert.confirmedMs);
      const candidate = candidates.alerts.get(alert.id);
      if (candidate === undefined) continue;
      const expression = compiledOf(alert);
      candidates.sets.forEachMember(candidate, (index) => {
        const posting = postings[index];
        if (!posting || posting.publishedAt.getTime() <= confirmedMs) return;
        verified++;
        const reasons = evaluate(expression, posting);
        if (reasons) chunk.push({ alertId: alert.id, postingId: posting.id, reasons });
      });
    }
    onFound?.(chunk);
    for (const match of chunk) found.push(match);
  }
  return { found, candidates: verified };
}

/**
 * Terms looked up per statement: a batch of 1,000 postings has about 40,000 distinct terms, of
 * which about 19,000 are anchor terms at a million alerts.
 */
const TERM_CHUNK = 10_000;
/** Candidate alerts read per statement: a batch of 1,000 postings has about 50,000 at 1M alerts. */
const READ_CHUNK = 10_000;

/**
 * Marks a promise awaited later as handled now: when one statement of a transaction fails, the
 * ones queued behind it fail too before anyone awaits them, and that must not crash the process.
 * The caller still gets the error when it awaits the promise.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * Records matches once per (alert, posting): a pair already recorded (an edited posting sent
 * again) is left as it was. Answers how many pairs were new.
 *
 * A batch records tens of thousands of pairs, so they travel compactly: the alert ids as one
 * space-separated string, postings and reasons as numbers into lists of the distinct ones (an
 * alert hitting several postings usually hits them for the same reasons). At 1M alerts that is
 * 4 MB a batch instead of the 10 MB of JSON a row per pair made, and Postgres reads it in a
 * quarter of the time (docs/performance-history.md, "Matching").
 */
export async function recordMatches(
  db: Queryable,
  found: FoundMatch[],
  now: Date,
): Promise<number> {
  if (found.length === 0) return 0;
  const postingIds = new Distinct();
  const reasons = new Distinct();
  const alertIds: string[] = [];
  const postingNumbers: number[] = [];
  const reasonNumbers: number[] = [];
  for (const match of found) {
    alertIds.push(match.alertId);
    postingNumbers.push(postingIds.number(match.postingId));
    reasonNumbers.push(reasons.number(JSON.stringify(match.reasons)));
  }
  const rows = await queryRows<{ recorded: number }>(
    db,
    sql`with recorded as (
          insert into matches (alert_id, posting_id, matched_at, reasons)
          select m.alert_id, p.id, ${now.toISOString()}::timestamptz, r.reasons
          from unnest(string_to_array(${alertIds.join(' ')}, ' ')::uuid[],
                      string_to_array(${postingNumbers.join(' ')}, ' ')::int[],
                      string_to_array(${reasonNumbers.join(' ')}, ' ')::int[])
                 as m(alert_id, posting, reason)
            join jsonb_array_elements_text(${JSON.stringify(postingIds.values)}::jsonb)
                 with ordinality as p(id, number) on p.number = m.posting
            join jsonb_array_elements(${`[${reasons.values.join(',')}]`}::jsonb)
                 with ordinality as r(reasons, number) on r.number = m.reason
          on conflict do nothing
          returning 1)
        select count(*)::int as recorded from recorded`,
  );
  return Number(rows[0]?.recorded ?? 0);
}

/** Numbers distinct strings from 1, as SQL's `with ordinality` does. */
class Distinct {
  readonly values: string[] = [];
  private readonly numbers = new Map<string, number>();

  number(value: string): number {
    let number = this.numbers.get(value);
    if (number === undefined) {
      number = this.values.push(value);
      this.numbers.set(value, number);
    }
    return number;
  }
}

/**
 * Matches a batch of postings against every active alert and records the new pairs, in the
 * caller's transaction, which must be READ COMMITTED.
 *
 * An alert deleted while the batch runs must not keep the matches the batch records for it (a
 * delete is a real delete): the delete's trigger removes the matches it can see, and the batch
 * the ones it cannot, those not yet committed. So the batch notes the last delete before it
 * reads any alert, and at its end rechecks the alerts it matched in the buckets of alerts deleted
 * since (none, usually), deleting its matches of those gone; a delete that comes later waits for
 * the batch's commit and then finds them itself (drizzle/0008). Locking every candidate alert
 * against deletes instead, as a foreign key check does, wrote 54,000 rows a batch at a million
 * alerts.
 */
export async function matchPostings({
  db,
  batch,
  anchorTerms,
  now,
}: {
  db: Queryable;
  batch: AnalysedBatch;
  /** `anchorTermsOf` the database `db` works on */
  anchorTerms: AnchorTerms;
  now: Date;
}): Promise<MatchOutcome & { recorded: number }> {
  const deletionsSeen = await alertDeletionsSeen(db);
  await indexUncompiledAlerts(db);
  const recordings: Promise<number>[] = [];
  const outcome = await findMatches(db, batch, anchorTerms, (found) => {
    recordings.push(handled(recordMatches(db, found, now)));
  });
  const recorded = (await Promise.all(recordings)).reduce((sum, count) => sum + count, 0);
  // A batch that recorded nothing has nothing a delete could miss, and needs no end check.
  if (recorded === 0) return { ...outcome, recorded };
  const forgotten = await forgetMatchesOfDeletedAlerts(db, deletionsSeen, outcome.found, now);
  return { ...outcome, recorded: recorded - forgotten };
}

/** The number of the last statement that deleted alerts, once every one so far has committed. */
async function alertDeletionsSeen(db: Queryable): Promise<string> {
  const [row] = await queryRows<{ seen: string }>(
    db,
    sql`select alert_deletions_seen()::text as seen`,
  );
  return row?.seen ?? '0';
}

/**
 * Deletes the matches just recorded for alerts deleted since `seen`, and answers how many. Locks
 * out deletes until the caller commits (drizzle/0008).
 */
async function forgetMatchesOfDeletedAlerts(
  db: Queryable,
  seen: string,
  found: FoundMatch[],
  now: Date,
): Promise<number> {
  const buckets = await queryRows<{ bucket: string }>(
    db,
    sql`select alert_buckets_deleted_since(${seen}::bigint) as bucket`,
  );
  if (buckets.length === 0) return 0;
  const deleted = new Set(buckets.map((row) => row.bucket));
  const suspects = new Set<string>();
  const postings = new Set<string>();
  for (const match of found) {
    if (!deleted.has(deletionBucket(match.alertId))) continue;
    suspects.add(match.alertId);
    postings.add(match.postingId);
  }
  if (suspects.size === 0) return 0;
  // `= any(array(…))` probes the primary key for each suspect; `not exists` over a join could
  // scan all the alerts instead.
  const [row] = await queryRows<{ forgotten: number }>(
    db,
    sql`with suspects as (
          select jsonb_array_elements_text(${JSON.stringify([...suspects])}::jsonb)::uuid as id),
        gone as (
          select id from suspects
          except
          select id from alerts where id = any(array(select id from suspects))),
        forgotten as (
          delete from matches
          where alert_id = any(array(select id from gone))
            and posting_id = any(array(select jsonb_array_elements_text(${JSON.stringify([...postings])}::jsonb)))
            and matched_at = ${now.toISOString()}::timestamptz
          returning 1)
        select count(*)::int as forgotten from forgotten`,
  );
  return Number(row?.forgotten ?? 0);
}

/** An alert's bucket in `alert_deletion_buckets`: the first three hex digits of its id. */
const deletionBucket = (alertId: string) => alertId.slice(0, 3);
