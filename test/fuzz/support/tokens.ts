import { asc, count } from 'drizzle-orm';
import fc from 'fast-check';
import { alerts, type TokenPurpose, tokenPurposes } from '../../../src/db/schema';
import { subscribe, subscribeAndConfirm } from '../../helpers/alerts';
import type { TestContext } from '../../helpers/context';
import { type FuzzState, startState } from './exchange';
import { hostilePieces, hostileText } from './inputs';

/**
 * A token as a case picks it: one of a live alert's real tokens (any purpose, so that a confirm
 * token is tried on the manage page too), a well-formed token nobody holds, or a malformed one.
 */
export type TokenPick =
  | { kind: 'real'; alert: number; purpose: TokenPurpose }
  | { kind: 'text'; value: string };

export const wellFormedToken = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/);

export const malformedToken = fc.oneof(
  fc.constantFrom(
    '',
    'a'.repeat(19),
    'a'.repeat(101),
    `${'A'.repeat(42)}=`,
    `${'A'.repeat(42)}+`,
    `${'A'.repeat(42)}/`,
    `${'A'.repeat(42)}.`,
    `${'A'.repeat(42)} `,
    `${'A'.repeat(42)}\u00e4`,
    `${'A'.repeat(42)}\u200b`,
    'null',
    'undefined',
  ),
  hostileText,
  fc.constantFrom(...hostilePieces),
);

export const tokenPick: fc.Arbitrary<TokenPick> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ alert: fc.nat({ max: 7 }), purpose: fc.constantFrom(...tokenPurposes) })
      .map((pick) => ({ kind: 'real' as const, ...pick })),
  },
  { weight: 2, arbitrary: wellFormedToken.map((value) => ({ kind: 'text' as const, value })) },
  { weight: 2, arbitrary: malformedToken.map((value) => ({ kind: 'text' as const, value })) },
);

let seeded = 0;
let cachedPool: { state: string | undefined; ids: string[] } | undefined;

/**
 * Live alerts for the token picks: kept at eight or more (pending and active alike), topped up
 * through the HTTP flow after cases deleted some.
 */
export async function alertPool(ctx: TestContext, state: FuzzState): Promise<string[]> {
  // The snapshot's alerts entry changes whenever an alert does: until then the pool stands.
  if (cachedPool && cachedPool.state === state.before.alerts) return cachedPool.ids;
  const [live] = await ctx.database.db.select({ n: count() }).from(alerts);
  if ((live?.n ?? 0) < 8) {
    for (let i = 0; i < 4; i++) {
      seeded++;
      const criteria = { keywords: `kehittäjä & "${seeded}"`, municipalities: ['091'] };
      await subscribeAndConfirm(ctx, { email: `active.${seeded}@example.org`, criteria });
      await subscribe(ctx, { email: `pending.${seeded}@example.org`, criteria });
    }
    Object.assign(state, await startState(ctx));
  }
  const rows = await ctx.database.db
    .select({ id: alerts.id })
    .from(alerts)
    .orderBy(asc(alerts.subscribedAt), asc(alerts.id))
    .limit(8);
  cachedPool = { state: state.before.alerts, ids: rows.map((row) => row.id) };
  return cachedPool.ids;
}

export async function resolveToken(
  ctx: TestContext,
  pool: string[],
  pick: TokenPick,
): Promise<string> {
  if (pick.kind === 'text') return pick.value;
  const id = pool[pick.alert % pool.length] ?? '';
  return ctx.keyring.tokenFor(id, pick.purpose);
}
