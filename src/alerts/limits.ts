import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/database';

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
  const keys = lockOrder(rules);
  if (keys.length === 0) return;
  const locks = keys.map((key) => sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  await tx.execute(sql`select ${sql.join(locks, sql`, `)}`);
}

/** The keys of these limits, each once, in the order every path locks them. */
export function lockOrder(rules: RateLimit[]): string[] {
  return [...new Set(rules.map((rule) => rule.key))].sort();
}

/**
 * `takeRateLimit` for a rule already locked with `lockLimits`, in one statement (the function
 * `count_rate_event`, drizzle/0004 and 0007): counts the events within the window and records
 * this one if there is room. Events past every window are deleted by the retention job.
 */
export async function countRateLimit(tx: Tx, rule: RateLimit, now: Date): Promise<RateDecision> {
  const [counted] = await queryRows<{ retry: number }>(
    tx,
    sql`select count_rate_event(${rule.key}, ${rule.limit}, ${rule.windowMs},
      ${now.toISOString()}::timestamptz) as retry`,
  );
  return rateDecision(counted?.retry ?? 0);
}

/** What `count_rate_event` answers: 0, or the seconds until there is room. */
function rateDecision(retryAfterSeconds: number): RateDecision {
  return retryAfterSeconds > 0 ? { allowed: false, retryAfterSeconds } : { allowed: true };
}

/** The start of the fixed window `now` falls in. */
export function windowStart(rule: RateLimit, now: Date): Date {
  return new Date(Math.floor(now.getTime() / rule.windowMs) * rule.windowMs);
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
