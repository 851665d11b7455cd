import { sql } from 'drizzle-orm';
import { queryRows, type Tx, textArray, withTransaction } from '../db/database';
import type { Deps } from '../deps';
import { anchorTermsOf } from '../matching/anchor-terms';
import { matchPostings } from '../matching/matcher';
import { analyseBatch } from '../matching/posting';
import { sampleTermStats } from '../matching/term-stats';
import { bumpCounter } from '../operations/metrics';
import { addDays, fromWallClock } from '../time';
import type { Posting, PostingsReceipt, WithdrawalsReceipt } from './schemas';

type ServiceDeps = Pick<Deps, 'db' | 'config' | 'anchorTerms'>;

/** How long a processed `webhook-id` is remembered (SPEC.md §2). */
export const DELIVERY_RETENTION_DAYS = 7;

export type Replayable<T> = T & { duplicate?: true };

/**
 * Upserts a batch of postings by id and matches them at once (SPEC.md §2 "Match webhook"), all in
 * one transaction: the call is stored whole or not at all. A delivery id seen before is answered
 * with its first answer and changes nothing. New and edited postings are matched; a pair already
 * recorded stays as it was, so an edited posting is never mailed twice. Withdrawn postings stay
 * withdrawn and are not matched.
 */
export async function receivePostings({
  deps,
  input,
  now,
}: {
  deps: ServiceDeps;
  input: { deliveryId: string; postings: Posting[] };
  now: Date;
}): Promise<Replayable<PostingsReceipt>> {
  // The last copy of a posting sent twice in one call wins.
  const latest = [...new Map(input.postings.map((posting) => [posting.id, posting])).values()];
  return withTransaction(deps.db, async (tx) => {
    const replay = await claimDelivery<PostingsReceipt>(tx, input.deliveryId, now);
    if (replay) return replay;

    const stored = await upsertPostings(tx, latest, deps.config.TIMEZONE, now);
    // A posting deleted by retention and sent again is one the pipeline sent before: an update,
    // and not matched, since the alerts it was mailed to are no longer on record.
    const purged = await purgedAmong(
      tx,
      stored.filter((row) => row.inserted).map((row) => row.id),
    );
    const fresh = new Set(
      stored.filter((row) => row.inserted && !purged.has(row.id)).map((row) => row.id),
    );
    const live = new Set(
      stored.filter((row) => !row.withdrawn && !purged.has(row.id)).map((row) => row.id),
    );
    const batch = analyseBatch(latest.filter((posting) => live.has(posting.id)));
    const { recorded } = await matchPostings({
      db: tx,
      batch,
      anchorTerms: deps.anchorTerms ?? anchorTermsOf(deps.db),
      now,
    });
    // Last, as the counters below: calls share the rows of common terms, and a row updated here
    // stays locked until the commit, so a concurrent call would wait for this one's matching.
    await sampleTermStats(
      tx,
      batch.postings.filter((posting) => fresh.has(posting.id)),
    );

    const receipt: PostingsReceipt = {
      received: input.postings.length,
      new: fresh.size,
      updated: latest.length - fresh.size,
      matched: recorded,
    };
    await bumpCounter(tx, 'postings_received_total', input.postings.length);
    await bumpCounter(tx, 'matches_total', recorded);
    await recordAnswer(tx, input.deliveryId, receipt);
    return receipt;
  });
}

/**
 * Marks postings withdrawn, so digests leave them out (SPEC.md §2). Unknown ids are ignored; a
 * posting withdrawn before keeps its first withdrawal time.
 */
export async function withdrawPostings({
  deps,
  input,
  now,
}: {
  deps: Pick<Deps, 'db'>;
  input: { deliveryId: string; ids: string[] };
  now: Date;
}): Promise<Replayable<WithdrawalsReceipt>> {
  return withTransaction(deps.db, async (tx) => {
    const replay = await claimDelivery<WithdrawalsReceipt>(tx, input.deliveryId, now);
    if (replay) return replay;
    const rows = await queryRows<{ withdrawn: number }>(
      tx,
      sql`with withdrawn as (
            update postings set withdrawn_at = ${now.toISOString()}::timestamptz
            where id = any(array(select jsonb_array_elements_text(${JSON.stringify(input.ids)}::jsonb)))
              and withdrawn_at is null
            returning 1)
          select count(*)::int as withdrawn from withdrawn`,
    );
    const receipt: WithdrawalsReceipt = {
      received: input.ids.length,
      withdrawn: Number(rows[0]?.withdrawn ?? 0),
    };
    await recordAnswer(tx, input.deliveryId, receipt);
    return receipt;
  });
}

/**
 * Claims a delivery id for this transaction, forgetting ids older than seven days. A concurrent
 * delivery with the same id waits on the row until this one commits. Answers the stored answer
 * when the id was processed before.
 */
export async function claimDelivery<T>(
  tx: Tx,
  deliveryId: string,
  now: Date,
): Promise<Replayable<T> | undefined> {
  await tx.execute(
    sql`delete from webhook_deliveries
        where received_at < ${addDays(now, -DELIVERY_RETENTION_DAYS).toISOString()}::timestamptz`,
  );
  const claimed = await queryRows<{ id: string }>(
    tx,
    sql`insert into webhook_deliveries (id, received_at, response)
        values (${deliveryId}, ${now.toISOString()}::timestamptz, '{}'::jsonb)
        on conflict (id) do nothing returning id`,
  );
  if (claimed.length > 0) return undefined;
  const [first] = await queryRows<{ response: T }>(
    tx,
    sql`select response from webhook_deliveries where id = ${deliveryId}`,
  );
  return { ...(first?.response as T), duplicate: true };
}

export async function recordAnswer(tx: Tx, deliveryId: string, response: object) {
  await tx.execute(
    sql`update webhook_deliveries set response = ${JSON.stringify(response)}::jsonb
        where id = ${deliveryId}`,
  );
}

/**
 * Inserts or updates postings by id, in the order of their ids: each row stays locked until the
 * call commits, so calls sending some of the same postings at once must lock them in the same
 * order, or they wait for each other in a circle until Postgres aborts one (a deadlock, and a 500
 * for its call).
 */
async function upsertPostings(tx: Tx, postings: Posting[], timeZone: string, now: Date) {
  if (postings.length === 0) return [];
  const rows = postings.map((posting) => ({
    ...posting,
    publishedAt: posting.publishedAt.toISOString(),
    deadline: deadlineOf(posting.deadline, timeZone)?.toISOString(),
  }));
  return queryRows<{ id: string; inserted: boolean; withdrawn: boolean }>(
    tx,
    sql`insert into postings (id, title, description, employer, url, published_at, deadline,
          municipalities, regions, occupations, employment_type, working_time, remote, language,
          received_at, updated_at)
        select p.id, p.title, p.description, p.employer, p.url, p."publishedAt", p.deadline,
          array(select jsonb_array_elements_text(coalesce(p.municipalities, '[]'))),
          array(select jsonb_array_elements_text(coalesce(p.regions, '[]'))),
          array(select jsonb_array_elements_text(coalesce(p.occupations, '[]'))),
          p."employmentType", p."workingTime", p.remote, p.language,
          ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as p(id text, title text,
          description text, employer text, url text, "publishedAt" timestamptz,
          deadline timestamptz, municipalities jsonb, regions jsonb, occupations jsonb,
          "employmentType" text, "workingTime" text, remote text, language text)
        order by p.id
        on conflict (id) do update set
          title = excluded.title, description = excluded.description,
          employer = excluded.employer, url = excluded.url, published_at = excluded.published_at,
          deadline = excluded.deadline, municipalities = excluded.municipalities,
          regions = excluded.regions, occupations = excluded.occupations,
          employment_type = excluded.employment_type, working_time = excluded.working_time,
          remote = excluded.remote, language = excluded.language, updated_at = excluded.updated_at
        returning id, (xmax = 0) as inserted, withdrawn_at is not null as withdrawn`,
  );
}

/**
 * Which of these ids the retention job deleted before. One lookup for the batch: a check in each
 * row the upsert returns cost Postgres 4 ms a batch of 1,000 (psql, warm), this 1.5.
 */
async function purgedAmong(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select id from purged_postings where id = any(${textArray(ids)}::text[])`,
  );
  return new Set(rows.map((row) => row.id));
}

/** A deadline given as a date means the end of that day where the service runs. */
function deadlineOf(deadline: Date | string | undefined, timeZone: string): Date | undefined {
  if (deadline === undefined || deadline instanceof Date) return deadline;
  const [year, month, day] = deadline.split('-').map(Number);
  return fromWallClock(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1, 23, 59, 59), timeZone);
}
