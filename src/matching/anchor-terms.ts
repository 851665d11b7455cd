import { sql } from 'drizzle-orm';
import { type Queryable, queryRows } from '../db/database';

/**
 * The terms alerts are anchored on, as of `version` of the set in `anchor_terms`. A batch of a
 * thousand postings has about 40,000 distinct terms, most of them compound-head endings no alert
 * searches for (`fi:elmistokehittäj`); the matcher asks `alert_anchors` only about the ones in
 * this set. Kept per database in each process, and brought up to date before every batch.
 */
export interface AnchorTerms {
  version: number;
  readonly terms: Set<string>;
}

/** An empty set, brought up to date by the first `refreshAnchorTerms`. */
export const newAnchorTerms = (): AnchorTerms => ({ version: 0, terms: new Set() });

const known = new WeakMap<object, AnchorTerms>();

/** The anchor terms this process knows of `db` (the database, not a transaction on it). */
export function anchorTermsOf(db: object): AnchorTerms {
  let terms = known.get(db);
  if (!terms) {
    terms = newAnchorTerms();
    known.set(db, terms);
  }
  return terms;
}

/**
 * Adds the terms numbered since `anchorTerms.version`: the version and the terms are read in one
 * statement, so in one snapshot, and the trigger that writes them (migration 0006) makes a
 * version visible only with every term of it and of the versions before it. Every anchor
 * committed before this call is then on a term in the set. A term removed from the table (its
 * last anchor deleted) stays here: it costs a lookup that finds nothing, and if it is anchored
 * again it comes back with a new version.
 */
export async function refreshAnchorTerms(
  db: Queryable,
  anchorTerms: AnchorTerms,
): Promise<Set<string>> {
  const rows = await queryRows<{ version: string | number | null; term: string | null }>(
    db,
    sql`select current.version, t.term
        from (select max(version) as version from anchor_terms_version) as current
          left join anchor_terms t
            on t.version > ${anchorTerms.version} and t.version <= current.version`,
  );
  for (const row of rows) if (row.term !== null) anchorTerms.terms.add(row.term);
  const version = Number(rows[0]?.version ?? 0);
  if (version > anchorTerms.version) anchorTerms.version = version;
  return anchorTerms.terms;
}
