import { sql } from 'drizzle-orm';
import type { Criteria } from '../alerts/criteria';
import { type Queryable, queryRows } from '../db/database';
import { type CompiledAlert, compileExpression } from './compile';
import { evaluate } from './evaluate';
import type { FoundMatch, MatchableAlert } from './matcher';
import type { AnalysedPosting } from './posting';

const PAGE = 20_000;

/**
 * The reference matcher: evaluates every active alert against every posting, with no index.
 * Tests and the benchmark compare the indexed matcher with it; nothing in production calls it.
 */
export async function oracleMatches(
  db: Queryable,
  postings: AnalysedPosting[],
): Promise<FoundMatch[]> {
  const found: FoundMatch[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const alerts = await queryRows<
      Omit<MatchableAlert, 'compiled'> & {
        compiled: CompiledAlert | null;
        criteria: Criteria | null;
      }
    >(
      db,
      sql`select id, compiled, case when compiled is null then criteria end as criteria,
            extract(epoch from confirmed_at) * 1000 as "confirmedMs"
          from alerts where status = 'active' and id > ${after}::uuid
          order by id limit ${PAGE}`,
    );
    for (const alert of alerts) {
      const confirmedMs = Number(alert.confirmedMs);
      const compiled = alert.compiled ?? compileAlert(alert.criteria);
      for (const posting of postings) {
        if (posting.publishedAt.getTime() <= confirmedMs) continue;
        const reasons = evaluate(compiled, posting);
        if (reasons) found.push({ alertId: alert.id, postingId: posting.id, reasons });
      }
    }
    const last = alerts.at(-1);
    if (!last || alerts.length < PAGE) return found;
    after = last.id;
  }
}

/** An alert not indexed yet is evaluated all the same: the oracle needs no anchors. */
function compileAlert(criteria: Criteria | null): CompiledAlert {
  if (!criteria) throw new Error('an active alert without criteria');
  return { ...compileExpression(criteria), anchors: [], filter: [] };
}
