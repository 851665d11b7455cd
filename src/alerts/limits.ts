import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/database';
import { rateCounters, rateEvents } from '../db/schema';

export interface RateLimit {
  /** what is counted: a keyed hash with a prefix naming the limit */
  key: string;
  limit: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts one event against a sliding window and says whether it is within the limit. Refused
 * events are not counted, so that a flood does not keep the window shut for ever.
 */
export async function takeRateLimit(tx: Tx, rule: RateLimit, now: Date): Promise<RateDecision> {
  await lockLimits(tx, [rule]);
  return countRateLimit(tx, rule, now);
}

/**
 * Events of the same key are serialised by an advisory lock, held until the transaction ends, so
 * that instances racing each other cannot both take the last place. The lock is a statement of
 * its own: a statement sees the rows committed before it began, so a count must start after the
 * lock is held. Several limits are locked in one statement, always in the same order, so that two
 * transactions cannot each hold a lock the other waits for.
 */
export async function lockLimits(tx: Tx, rules: RateLimit[]): Promise<void> {
  const keys = [...new Set(rules.map((rule) => rule.key))].sort();
  if (keys.length === 0) return;
  const locks = keys.map((key) => sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  await tx.execute(sql`select ${sql.join(locks, sql`, `)}`);
}

/**
 * `takeRateLimit` for a rule already locked with `lockLimits`, in one statement: forgets events
 * past the window, counts the others, and records this one if there is room.
 */
export async function countRateLimit(tx: Tx, rule: RateLimit, now: Date): Promise<RateDecision> {
  const windowStart = new Date(now.getTime() - rule.windowMs).toISOString();
  const [counted] = await queryRows<{ events: number; oldest: string | Date | null }>(
    tx,
    sql`
      with expired as (
        delete from ${rateEvents}
        where ${rateEvents.key} = ${rule.key} and ${rateEvents.at} <= ${windowStart}::timestamptz
      ), recent as (
        select count(*)::int as events, min(${rateEvents.at}) as oldest from ${rateEvents}
        where ${rateEvents.key} = ${rule.key} and ${rateEvents.at} > ${windowStart}::timestamptz
      ), taken as (
        insert into ${rateEvents} (key, at)
        select ${rule.key}, ${now.toISOString()}::timestamptz from recent
        where events < ${rule.limit}
      )
      select events, oldest from recent`,
  );
  if ((counted?.events ?? 0) < rule.limit) return { allowed: true };
  const reopensAt = (counted?.oldest ? new Date(counted.oldest) : now).getTime() + rule.windowMs;
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((reopensAt - now.getTime()) / 1000)),
  };
}

/**
 * Counts one event in a fixed window (for service-wide limits, where a row per event would be
 * many): one upsert that returns the window's count, refused events included.
 */
export async function takeWindowCounter(tx: Tx, rule: RateLimit, now: Date): Promise<RateDecision> {
  const windowStart = new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
  const [row] = await tx
    .insert(rateCounters)
    .values({ key: rule.key, windowStart, hits: 1 })
    .onConflictDoUpdate({
      target: [rateCounters.key, rateCounters.windowStart],
      set: { hits: sql`${rateCounters.hits} + 1` },
    })
    .returning({ hits: rateCounters.hits });
  if ((row?.hits ?? 0) <= rule.limit) return { allowed: true };
  const reopensAt = windowStart.getTime() + rule.windowMs;
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((reopensAt - now.getTime()) / 1000)),
  };
}

const MINUTE = 60_000;

/** SPEC.md §5: the limits, in one place. */
export const limits = {
  /** subscribe and manage-link requests per client IP */
  perClient: (ipKey: string): RateLimit => ({
    key: `ip:${ipKey}`,
    limit: 20,
    windowMs: 10 * MINUTE,
  }),
  /** confirmation and manage-link emails per address */
  perAddress: (addressKey: string): RateLimit => ({
    key: `address:${addressKey}`,
    limit: 3,
    windowMs: 24 * 60 * MINUTE,
  }),
  /** confirmation emails of the whole service, for the sender's reputation */
  confirmationsPerHour: (limit: number): RateLimit => ({
    key: 'global:confirmation',
    limit,
    windowMs: 60 * MINUTE,
  }),
};
