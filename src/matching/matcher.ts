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
 * Finds every active alert a batch of postings matches, through the anchor index: one statement
 * joins the batch's terms to `alert_anchors` and returns the candidate alerts with their compiled
 * criteria; each candidate is verified against the postings holding one of its anchors with the
 * same `evaluate` the oracle uses. Complete because every posting an alert matches holds one of
 * its anchors (compile.ts).
 */
export async function findMatches(
  db: Queryable,
  postings: AnalysedPosting[],
): Promise<MatchOutcome> {
  if (postings.length === 0) return { found: [], candidates: 0 };
  const postingsByTerm = new Map<string, number[]>();
  let latest = 0;
  postings.forEach((posting, index) => {
    latest = Math.max(latest, posting.publishedAt.getTime());
    for (const term of posting.terms.keys()) {
      const list = postingsByTerm.get(term);
      if (list) list.push(index);
      else postingsByTerm.set(term, [index]);
    }
  });

  const alerts = await queryRows<MatchableAlert>(
    db,
    sql`select a.id, a.compiled, extract(epoch from a.confirmed_at) * 1000 as "confirmedMs"
        from alerts a
        where a.id in (
          select aa.alert_id from alert_anchors aa
          where aa.term in (select jsonb_array_elements_text(${JSON.stringify([...postingsByTerm.keys()])}::jsonb)))
          and a.status = 'active' and a.confirmed_at < ${new Date(latest).toISOString()}::timestamptz`,
  );

  const found: FoundMatch[] = [];
  let candidates = 0;
  const seen = new Int32Array(postings.length).fill(-1);
  alerts.forEach((alert, alertIndex) => {
    const confirmedMs = Number(alert.confirmedMs);
    for (const anchor of alert.compiled.anchors) {
      for (const index of postingsByTerm.get(anchor) ?? []) {
        if (seen[index] === alertIndex) continue;
        seen[index] = alertIndex;
        const posting = postings[index];
        if (!posting || posting.publishedAt.getTime() <= confirmedMs) continue;
        candidates++;
        const reasons = evaluate(alert.compiled, posting);
        if (reasons) found.push({ alertId: alert.id, postingId: posting.id, reasons });
      }
    }
  });
  return { found, candidates };
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
