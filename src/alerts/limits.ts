import { and, asc, count, eq, gt, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/database';
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
 * events are not counted, so that a flood does not keep the window shut for ever. Events of the
 * same key are serialised by an advisory lock, so that instances racing each other cannot both
 * take the last place.
 */
export async function takeRateLimit(tx: Tx, rule: RateLimit, now: Date): Promise<RateDecision> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${rule.key}, 0))`);
  await tx
    .delete(rateEvents)
    .where(and(eq(rateEvents.key, rule.key), lte(rateEvents.at, windowStart)));
  const [counted] = await tx
    .select({ n: count() })
    .from(rateEvents)
    .where(and(eq(rateEvents.key, rule.key), gt(rateEvents.at, windowStart)));
  if ((counted?.n ?? 0) >= rule.limit) {
    const [oldest] = await tx
      .select({ at: rateEvents.at })
      .from(rateEvents)
      .where(and(eq(rateEvents.key, rule.key), gt(rateEvents.at, windowStart)))
      .orderBy(asc(rateEvents.at))
      .limit(1);
    const reopensAt = (oldest?.at ?? now).getTime() + rule.windowMs;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((reopensAt - now.getTime()) / 1000)),
    };
  }
  await tx.insert(rateEvents).values({ key: rule.key, at: now });
  return { allowed: true };
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
