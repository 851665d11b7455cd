import { sql } from 'drizzle-orm';
import type { Criteria } from '../alerts/criteria';
import { type Queryable, queryRows } from '../db/database';
import { anchorCandidates, type CompiledAlert, chooseAnchors, compileExpression } from './compile';
import { readTermCounts, type TermCounts, termFrequency } from './term-stats';

/**
 * Compiles an alert's criteria and stores the compiled form, and the anchors of an alert already
 * confirmed, so the matcher can find it: for alerts saved without a compiled form
 * (`indexUncompiledAlerts`). A pending one gets its anchors when it is confirmed, as every alert
 * does (`anchorAlert`). Criteria never change afterwards.
 */
export async function indexAlert(
  db: Queryable,
  alert: { id: string; criteria: Criteria; status: 'pending' | 'active' },
): Promise<CompiledAlert> {
  const compiled = await compileAlert(alert.criteria, (terms) => readTermCounts(db, terms));
  await db.execute(sql`delete from alert_anchors where alert_id = ${alert.id}`);
  const stored = sql`update alerts set compiled = ${JSON.stringify(compiled)}::jsonb
    where id = ${alert.id}`;
  await db.execute(
    alert.status === 'active'
      ? sql`with anchored as (${anchorRows(alert.id, compiled)}) ${stored}`
      : stored,
  );
  return compiled;
}

/**
 * Writes the anchors of an alert compiled when it was saved, so that the matcher finds it: done
 * when the alert is confirmed, since only confirmed alerts receive postings (SPEC.md §2). Pending
 * alerts, most of which are never confirmed, stay out of the index.
 */
export async function anchorAlert(
  db: Queryable,
  alert: { id: string; compiled: CompiledAlert | null },
): Promise<void> {
  if (alert.compiled) await db.execute(anchorRows(alert.id, alert.compiled));
}

const anchorRows = (alertId: string, compiled: CompiledAlert) => sql`
  insert into alert_anchors (term, alert_id, filter)
  select term, ${alertId}::uuid,
    array(select jsonb_array_elements_text(${JSON.stringify(compiled.filter)}::jsonb))
  from jsonb_array_elements_text(${JSON.stringify(compiled.anchors)}::jsonb) as term
  on conflict do nothing`;

/**
 * Compiles criteria for the matcher, choosing anchors by the counts `readCounts` gives of the
 * candidate terms. The alert is stored with the result; its `alert_anchors` rows, one per anchor,
 * are written when it is confirmed.
 */
export async function compileAlert(
  criteria: Criteria,
  readCounts: (terms: string[]) => Promise<TermCounts>,
): Promise<CompiledAlert> {
  const expression = compileExpression(criteria);
  const candidates = anchorCandidates(expression);
  const counts = await readCounts([...new Set(candidates.flatMap((candidate) => candidate.terms))]);
  return { ...expression, ...chooseAnchors(candidates, termFrequency(counts)) };
}

/**
 * Indexes alerts stored without a compiled form (saved before the matcher existed, or by a path
 * that does not index), a few at a time, before each batch is matched.
 */
export async function indexUncompiledAlerts(db: Queryable, limit = 500): Promise<number> {
  const rows = await queryRows<{ id: string; criteria: Criteria; status: 'pending' | 'active' }>(
    db,
    sql`select id, criteria, status from alerts where compiled is null limit ${limit}`,
  );
  for (const row of rows) await indexAlert(db, row);
  return rows.length;
}
