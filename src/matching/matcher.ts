import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../db/database';
import { indexUncompiledAlerts } from './anchors';
import type { Expression } from './compile';
import { evaluate, type MatchReasons } from './evaluate';
import type { AnalysedPosting } from './posting';

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
  /** what `evaluate` reads: the anchors and filter stay in the database */
  compiled: Expression;
  /** the confirmation time in epoch milliseconds: only postings published later match */
  confirmedMs: number;
};

/**
 * Finds every active alert a batch of postings matches, through the anchor index, in two
 * statements. The first joins the batch's distinct terms to `alert_anchors`; an (alert, posting)
 * pair is a candidate when the posting holds the anchor and one of the anchor's filter terms. The
 * second reads the compiled criteria of the candidate alerts that are active, and locks them as a
 * foreign key check would (a concurrent delete of one waits for this transaction, then deletes
 * its matches: see `matches` in schema.ts); each candidate pair is verified with the same
 * `evaluate` the oracle uses. Complete because every posting an alert matches holds one of its
 * anchors and one of its filter terms (compile.ts).
 *
 * `onFound` receives the matches as each chunk of candidates is verified, so that they can be
 * recorded while the next chunk is.
 *
 * Both statements look rows up with `= any(array)`: Postgres then probes the primary keys, where
 * `in (select …)` over a set-returning function made it scan and hash the whole table.
 */
export async function findMatches(
  db: Queryable,
  postings: AnalysedPosting[],
  onFound?: (found: FoundMatch[]) => void,
): Promise<MatchOutcome> {
  const sets = new PostingSets(postings.length);
  const termSets = new Map<string, number>();
  postings.forEach((posting, index) => {
    for (const term of posting.terms.keys()) {
      let set = termSets.get(term);
      if (set === undefined) {
        set = sets.add();
        termSets.set(term, set);
      }
      sets.put(set, index);
    }
  });
  if (termSets.size === 0) return { found: [], candidates: 0 };

  // Anchors are read in chunks of terms, each asked for before the last one is filtered, so that
  // Postgres looks up the next chunk on the other core meanwhile. The filter comes as one string:
  // splitting it is cheaper than parsing an array literal.
  const terms = [...termSets.keys()];
  const readAnchors = (start: number) =>
    handled(
      queryRows<{ term: string; alertId: string; filter: string }>(
        db,
        sql`select term, alert_id as "alertId", array_to_string(filter, ' ') as filter
            from alert_anchors
            where term = any(array(select jsonb_array_elements_text(${JSON.stringify(terms.slice(start, start + TERM_CHUNK))}::jsonb)))`,
      ),
    );
  // Thousands of anchors share a filter (a municipality, a job title): each is resolved once,
  // into the set of postings holding one of its terms (NONE when no posting does).
  const filterSets = new Map<string, number>();
  const candidates = new PostingSets(postings.length);
  const candidateSets = new Map<string, number>();
  let nextAnchors = readAnchors(0);
  for (let start = 0; start < terms.length; start += TERM_CHUNK) {
    const anchors = await nextAnchors;
    if (start + TERM_CHUNK < terms.length) nextAnchors = readAnchors(start + TERM_CHUNK);
    for (const anchor of anchors) {
      const held = termSets.get(anchor.term);
      if (held === undefined) continue;
      let filter = EVERYONE;
      if (anchor.filter !== '') {
        filter = filterSets.get(anchor.filter) ?? NONE;
        if (!filterSets.has(anchor.filter)) {
          filter = sets.union(anchor.filter.split(' ').map((term) => termSets.get(term)));
          filterSets.set(anchor.filter, filter);
        }
        if (filter === NONE || !sets.overlap(held, filter)) continue;
      }
      let candidate = candidateSets.get(anchor.alertId);
      if (candidate === undefined) {
        candidate = candidates.add();
        candidateSets.set(anchor.alertId, candidate);
      }
      candidates.addIntersection(candidate, sets, held, filter);
    }
  }
  if (candidateSets.size === 0) return { found: [], candidates: 0 };

  // The candidates' criteria are read in chunks, each asked for before the last one is verified:
  // Postgres reads it (and records the matches `onFound` was given) on the other core meanwhile.
  const alertIds = [...candidateSets.keys()];
  const read = (start: number) =>
    handled(
      queryRows<MatchableAlert>(
        db,
        sql`select id, compiled - 'anchors' - 'filter' as compiled,
              extract(epoch from confirmed_at) * 1000 as "confirmedMs"
            from alerts
            where id = any(array(select jsonb_array_elements_text(${JSON.stringify(alertIds.slice(start, start + READ_CHUNK))}::jsonb)::uuid))
              and status = 'active'
            for key share`,
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
      const candidate = candidateSets.get(alert.id);
      if (candidate === undefined) continue;
      candidates.forEachMember(candidate, (index) => {
        const posting = postings[index];
        if (!posting || posting.publishedAt.getTime() <= confirmedMs) return;
        verified++;
        const reasons = evaluate(alert.compiled, posting);
        if (reasons) chunk.push({ alertId: alert.id, postingId: posting.id, reasons });
      });
    }
    onFound?.(chunk);
    for (const match of chunk) found.push(match);
  }
  return { found, candidates: verified };
}

/** Terms looked up per statement: a batch of 1,000 postings has about 40,000 distinct terms. */
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

/** The set of every posting, as a filter: an anchor without a filter. */
const EVERYONE = -1;
/** No posting, as a filter: none holds one of its terms. */
const NONE = -2;

/**
 * Sets of the batch's postings, as bits over their indexes, side by side in one buffer: an anchor
 * held by many postings and shared by thousands of alerts is checked against its filter a word at
 * a time, and a quarter of a million anchor rows do not each allocate a set. A set is its number.
 */
class PostingSets {
  private readonly words: number;
  private bits: Uint32Array;
  private count = 0;

  constructor(postings: number) {
    this.words = Math.max(1, Math.ceil(postings / 32));
    this.bits = new Uint32Array(this.words * 1024);
  }

  /** A new empty set. */
  add(): number {
    if ((this.count + 1) * this.words > this.bits.length) {
      const grown = new Uint32Array(this.bits.length * 2);
      grown.set(this.bits);
      this.bits = grown;
    }
    return this.count++;
  }

  put(set: number, posting: number) {
    const word = set * this.words + (posting >>> 5);
    this.bits[word] = (this.bits[word] ?? 0) | (1 << (posting & 31));
  }

  /** A new set of the postings in any of `sets`, or NONE when there are none. */
  union(sets: (number | undefined)[]): number {
    const present = sets.filter((set) => set !== undefined);
    if (present.length === 0) return NONE;
    const union = this.add();
    for (const set of present) {
      for (let word = 0; word < this.words; word++) {
        const at = union * this.words + word;
        this.bits[at] = (this.bits[at] ?? 0) | (this.bits[set * this.words + word] ?? 0);
      }
    }
    return union;
  }

  overlap(a: number, b: number): boolean {
    for (let word = 0; word < this.words; word++) {
      if (((this.bits[a * this.words + word] ?? 0) & (this.bits[b * this.words + word] ?? 0)) !== 0)
        return true;
    }
    return false;
  }

  /** Adds to `set` the postings in both `a` and `b` of `from` (all of `a` when `b` is EVERYONE). */
  addIntersection(set: number, from: PostingSets, a: number, b: number) {
    for (let word = 0; word < this.words; word++) {
      const both =
        (from.bits[a * this.words + word] ?? 0) &
        (b === EVERYONE ? -1 : (from.bits[b * this.words + word] ?? 0));
      const at = set * this.words + word;
      this.bits[at] = (this.bits[at] ?? 0) | both;
    }
  }

  forEachMember(set: number, visit: (posting: number) => void) {
    for (let word = 0; word < this.words; word++) {
      let bits = this.bits[set * this.words + word] ?? 0;
      while (bits !== 0) {
        const lowest = bits & -bits;
        visit(word * 32 + (31 - Math.clz32(lowest)));
        bits ^= lowest;
      }
    }
  }
}

/**
 * Records matches once per (alert, posting): a pair already recorded (an edited posting sent
 * again) is left as it was. Answers how many pairs were new.
 *
 * A batch records tens of thousands of pairs, so they travel compactly: the alert ids as one
 * space-separated string, postings and reasons as numbers into lists of the distinct ones (an
 * alert hitting several postings usually hits them for the same reasons). That is a tenth of
 * the JSON a row per pair made, and Postgres parses it in a fraction of the time.
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

/** Matches a batch of postings against every active alert and records the new pairs. */
export async function matchPostings({
  db,
  postings,
  now,
}: {
  db: Queryable;
  postings: AnalysedPosting[];
  now: Date;
}): Promise<MatchOutcome & { recorded: number }> {
  await indexUncompiledAlerts(db);
  const recordings: Promise<number>[] = [];
  const outcome = await findMatches(db, postings, (found) => {
    recordings.push(handled(recordMatches(db, found, now)));
  });
  const recorded = (await Promise.all(recordings)).reduce((sum, count) => sum + count, 0);
  return { ...outcome, recorded };
}
