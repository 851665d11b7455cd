import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../db/database';
import type { TermFrequency } from './compile';
import { EVERY_POSTING, FULLY_REMOTE } from './facets';
import type { AnalysedPosting } from './posting';

/**
 * How often terms occur in postings, for choosing anchors. The matcher keeps document frequencies
 * from a sample of the postings it receives (`term_stats`); until a term has been seen often
 * enough, a prior by kind of term stands in: facets are common, a 4-digit occupation code rarer
 * than a 1-digit one, a keyword stem rarer than any facet.
 */
export interface TermCounts {
  /** postings sampled so far */
  sampled: number;
  /** postings of the sample holding the term */
  count(term: string): number;
}

/** The weight of the prior, in postings: with fewer sampled, the prior dominates. */
const PRIOR_WEIGHT = 50;

export function termFrequency(counts: TermCounts): TermFrequency {
  return (term) =>
    term === EVERY_POSTING
      ? 1
      : (counts.count(term) + PRIOR_WEIGHT * priorFrequency(term)) /
        (counts.sampled + PRIOR_WEIGHT);
}

const OCCUPATION_BY_DIGITS = [1, 0.15, 0.05, 0.015, 0.005];

/** A rough share of postings holding a term of this kind, before any posting was seen. */
export function priorFrequency(term: string): number {
  if (term === EVERY_POSTING) return 1;
  if (term === FULLY_REMOTE) return 0.05;
  const pair = term.indexOf('&');
  if (pair > 0) return priorFrequency(term.slice(0, pair)) * priorFrequency(term.slice(pair + 1));
  const kind = term.slice(0, term.indexOf(':'));
  switch (kind) {
    case 'm':
      return 0.02;
    case 'r':
      return 0.06;
    case 'o':
      return OCCUPATION_BY_DIGITS[term.length - 2] ?? 0.005;
    case 't':
    case 'w':
      return 0.3;
    case 'l':
      return 0.5;
    case 'p':
      return 0.01;
    default:
      return 0.005;
  }
}

/** How many new postings of each webhook call are counted into `term_stats`. */
const SAMPLE_PER_CALL = 8;
const SAMPLED = '';

/** The counts of `terms` in the sample so far, for compiling an alert. */
export async function readTermCounts(db: Queryable, terms: string[]): Promise<TermCounts> {
  const rows = await queryRows<{ term: string; postings: number }>(
    db,
    sql`select term, postings from term_stats
        where term = any(array(select jsonb_array_elements_text(${JSON.stringify([SAMPLED, ...terms])}::jsonb)))`,
  );
  const counts = new Map(rows.map((row) => [row.term, Number(row.postings)]));
  return { sampled: counts.get(SAMPLED) ?? 0, count: (term) => counts.get(term) ?? 0 };
}

/** How long counts read for compiling stay in use: a ranking of rarity changes slowly. */
const CACHED_COUNTS_MS = 5 * 60_000;
const MAX_CACHED_TERMS = 100_000;

interface CountCache {
  sampled: number;
  sampledAt: number;
  terms: Map<string, { postings: number; at: number }>;
}

const countCaches = new WeakMap<object, CountCache>();

/**
 * `readTermCounts` through a cache per database, so that saving an alert of common terms reads
 * nothing: anchors are chosen by rarity, for which counts a few minutes old serve as well.
 */
export async function cachedTermCounts(
  db: Queryable,
  terms: string[],
  now: Date,
): Promise<TermCounts> {
  let cache = countCaches.get(db);
  if (!cache) {
    cache = { sampled: 0, sampledAt: Number.NEGATIVE_INFINITY, terms: new Map() };
    countCaches.set(db, cache);
  }
  const at = now.getTime();
  const fresh = (readAt: number) => at - readAt >= 0 && at - readAt < CACHED_COUNTS_MS;
  const missing = terms.filter((term) => {
    const cached = cache.terms.get(term);
    return !cached || !fresh(cached.at);
  });
  if (missing.length > 0 || !fresh(cache.sampledAt)) {
    const read = await readTermCounts(db, missing);
    if (cache.terms.size + missing.length > MAX_CACHED_TERMS) cache.terms.clear();
    for (const term of missing) cache.terms.set(term, { postings: read.count(term), at });
    cache.sampled = read.sampled;
    cache.sampledAt = at;
  }
  const { sampled, terms: counts } = cache;
  return { sampled, count: (term) => counts.get(term)?.postings ?? 0 };
}

/**
 * Counts the terms of a few of the new postings of a call into `term_stats`. A sample is enough to
 * rank terms by rarity, and keeps the cost of a call flat (a posting has a thousand terms or more).
 */
export async function sampleTermStats(db: Queryable, postings: AnalysedPosting[]): Promise<void> {
  const sample = postings.slice(0, SAMPLE_PER_CALL);
  if (sample.length === 0) return;
  const counts: Record<string, number> = { [SAMPLED]: sample.length };
  for (const posting of sample) {
    for (const term of posting.terms.keys()) counts[term] = (counts[term] ?? 0) + 1;
  }
  // jsonb_each returns keys in a fixed order, so concurrent calls lock rows in the same order.
  await db.execute(sql`
    insert into term_stats (term, postings)
    select key, value::int from jsonb_each_text(${JSON.stringify(counts)}::jsonb)
    on conflict (term) do update set postings = term_stats.postings + excluded.postings`);
}
