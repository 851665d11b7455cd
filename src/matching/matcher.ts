import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../db/database';
import { indexUncompiledAlerts } from './anchors';
import type { CompiledAlert } from './compile';
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
  compiled: CompiledAlert;
  /** the confirmation time in epoch milliseconds: only postings published later match */
  confirmedMs: number;
};

/**
 * Finds every active alert a batch of postings matches, through the anchor index, in two
 * statements. The first joins the batch's distinct terms to `alert_anchors`; an (alert, posting)
 * pair is a candidate when the posting holds the anchor and one of the anchor's filter terms. The
 * second reads the compiled criteria of the candidate alerts that are active, and each candidate
 * pair is verified with the same `evaluate` the oracle uses. Complete because every posting an
 * alert matches holds one of its anchors and one of its filter terms (compile.ts).
 */
export async function findMatches(
  db: Queryable,
  postings: AnalysedPosting[],
): Promise<MatchOutcome> {
  const postingsByTerm = new Map<string, number[]>();
  postings.forEach((posting, index) => {
    for (const term of posting.terms.keys()) {
      const list = postingsByTerm.get(term);
      if (list) list.push(index);
      else postingsByTerm.set(term, [index]);
    }
  });
  if (postingsByTerm.size === 0) return { found: [], candidates: 0 };

  // The filter comes as one string: splitting it is cheaper than parsing an array literal.
  const anchors = await queryRows<{ term: string; alertId: string; filter: string }>(
    db,
    sql`select term, alert_id as "alertId", array_to_string(filter, ' ') as filter from alert_anchors
        where term in (select jsonb_array_elements_text(${JSON.stringify([...postingsByTerm.keys()])}::jsonb))`,
  );
  const candidatePostings = new Map<string, Set<number>>();
  for (const anchor of anchors) {
    for (const index of postingsByTerm.get(anchor.term) ?? []) {
      const posting = postings[index];
      if (!posting || !holdsAny(posting, anchor.filter)) continue;
      const set = candidatePostings.get(anchor.alertId);
      if (set) set.add(index);
      else candidatePostings.set(anchor.alertId, new Set([index]));
    }
  }
  if (candidatePostings.size === 0) return { found: [], candidates: 0 };

  const alerts = await queryRows<MatchableAlert>(
    db,
    sql`select id, compiled, extract(epoch from confirmed_at) * 1000 as "confirmedMs"
        from alerts
        where id in (select jsonb_array_elements_text(${JSON.stringify([...candidatePostings.keys()])}::jsonb)::uuid)
          and status = 'active'`,
  );
  const found: FoundMatch[] = [];
  let candidates = 0;
  for (const alert of alerts) {
    const confirmedMs = Number(alert.confirmedMs);
    for (const index of candidatePostings.get(alert.id) ?? []) {
      const posting = postings[index];
      if (!posting || posting.publishedAt.getTime() <= confirmedMs) continue;
      candidates++;
      const reasons = evaluate(alert.compiled, posting);
      if (reasons) found.push({ alertId: alert.id, postingId: posting.id, reasons });
    }
  }
  return { found, candidates };
}

/** Whether the posting holds one of the space-separated terms (terms hold no spaces). */
function holdsAny(posting: AnalysedPosting, terms: string): boolean {
  if (terms === '') return true;
  for (const term of terms.split(' ')) if (posting.terms.has(term)) return true;
  return false;
}

/**
 * Records matches once per (alert, posting): a pair already recorded (an edited posting sent
 * again) is left as it was. Answers how many pairs were new.
 */
export async function recordMatches(
  db: Queryable,
  found: FoundMatch[],
  now: Date,
): Promise<number> {
  if (found.length === 0) return 0;
  const rows = await queryRows<{ recorded: number }>(
    db,
    sql`with recorded as (
          insert into matches (alert_id, posting_id, matched_at, reasons)
          select m."alertId", m."postingId", ${now.toISOString()}::timestamptz, m.reasons
          from jsonb_to_recordset(${JSON.stringify(found)}::jsonb) as m("alertId" uuid, "postingId" text, reasons jsonb)
          on conflict do nothing
          returning 1)
        select count(*)::int as recorded from recorded`,
  );
  return Number(rows[0]?.recorded ?? 0);
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
  const outcome = await findMatches(db, postings);
  return { ...outcome, recorded: await recordMatches(db, outcome.found, now) };
}
