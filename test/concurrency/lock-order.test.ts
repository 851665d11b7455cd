import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { type Db, queryRows, type Tx } from '../../src/db/database';
import { alerts, postings } from '../../src/db/schema';
import { runRetention } from '../../src/retention/retention';
import { lastEmail, linkTo, postJson, subscribe } from '../helpers/alerts';
import { setupTestContext, type TestContext } from '../helpers/context';
import { pausedAt } from '../helpers/paused';
import {
  insertActiveAlert,
  jobPosting,
  postPostings,
  postSigned,
  webhookEnv,
} from '../helpers/postings';
import { signal } from '../helpers/signal';

/**
 * Requests and jobs that lock some of the same rows lock them in one order: an address's alerts
 * by id ("this wasn't me", a manage-links request, a hard bounce), postings by id (the match
 * webhook, the retention job). In orders of their own, each of two could hold a row the other
 * waits for until Postgres aborted one of them: a deadlock (40P01), a 500 for a request, a failed
 * run for a job. Each test brings two of them to the point where they met in a circle before,
 * with a third session holding a lock as a gate, or a transaction paused before a statement.
 * Postgres only: PGlite's one connection never runs two transactions at once.
 */
const RESEND_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const ctx = setupTestContext({ env: { ...webhookEnv, RESEND_WEBHOOK_SECRET: RESEND_SECRET } });

const DAY = 86_400_000;
const ADDRESS = 'maija.meikalainen@example.org';

/** How many sessions of the test's database wait for a lock. */
async function lockWaiters(db: Db): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return row?.count ?? 0;
}

/** Resolves once `count` sessions wait for a lock, or `done` has settled. */
async function untilWaiting(db: Db, count: number, done?: unknown) {
  let settled = false;
  if (done !== undefined) {
    Promise.resolve(done).then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
  }
  for (let poll = 0; poll < 400; poll++) {
    if (settled || (await lockWaiters(db)) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${count} sessions never waited for a lock`);
}

/**
 * A session of its own that runs `statement` in a transaction and holds it open until `open`,
 * then rolls it back: a gate the sessions under test queue up at.
 */
async function gate(url: string, statement: (tx: postgres.TransactionSql) => Promise<unknown>) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  const { fire: held, fired: isHeld } = signal();
  const { fire: open, fired: opened } = signal();
  const done = client
    .begin(async (tx) => {
      await statement(tx);
      held();
      await opened;
      throw new Error('rolled back');
    })
    .catch(() => undefined)
    .finally(() => client.end());
  await isHeld;
  return async () => {
    open();
    await done;
  };
}

/** The database, whose transactions wait for `pause` before a statement holding `text`. */
function pausingDb(db: Db, text: string, pause: () => Promise<void>): Db {
  const pausedTx = (tx: Tx): Tx => pausedAt(tx, text, pause);
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') {
        return (work: (tx: Tx) => Promise<unknown>) =>
          target.transaction((tx) => work(pausedTx(tx)));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Two pending alerts of ADDRESS, and the "this wasn't me" tokens of their emails. */
async function twoPendingAlerts() {
  const notMeToken = () => linkTo(lastEmail(ctx), '/alerts/not-me').searchParams.get('token') ?? '';
  expect((await subscribe(ctx, { criteria: { keywords: 'sairaanhoitaja' } })).status).toBe(202);
  const older = notMeToken();
  ctx.clock.advance(60_000);
  expect((await subscribe(ctx, { criteria: { keywords: 'lähihoitaja' } })).status).toBe(202);
  const newer = notMeToken();
  expect(await ctx.database.db.select().from(alerts)).toHaveLength(2);
  return { older, newer };
}

/** An uncommitted block of ADDRESS: a "this wasn't me" waits there, its alerts locked. */
const blockGate = async () => {
  const emailHash = await ctx.keyring.hashEmail(ADDRESS);
  return gate(
    ctx.database.url ?? '',
    (tx) => tx`insert into address_blocks (email_hash, blocked_until) values (${emailHash}, now())`,
  );
};

describe('requests and jobs that lock the same rows', () => {
  it('answers two "this wasn\'t me" of one address at once, without a deadlock', async () => {
    const db = ctx.database.db;
    const { older, newer } = await twoPendingAlerts();
    const open = await blockGate();
    const first = postJson(ctx, '/alerts/not-me', { token: older });
    const second = postJson(ctx, '/alerts/not-me', { token: newer });
    await untilWaiting(db, 2);
    await open();

    const answers = [await first, await second];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const deleted = await Promise.all(answers.map((answer) => answer.json()));
    expect(deleted).toContainEqual({ deleted: true });
    expect(await db.select().from(alerts)).toHaveLength(0);
  });

  it('answers "this wasn\'t me" and a manage-links request at once, without a deadlock', async () => {
    const db = ctx.database.db;
    const { newer } = await twoPendingAlerts();
    const open = await blockGate();
    const notMe = postJson(ctx, '/alerts/not-me', { token: newer });
    await untilWaiting(db, 1);
    const links = postJson(ctx, '/v1/alerts/manage-link', { email: ADDRESS });
    await untilWaiting(db, 2, links);
    await open();

    expect((await notMe).status).toBe(200);
    expect(await (await notMe).json()).toEqual({ deleted: true });
    expect((await links).status).toBe(202);
    expect(await db.select().from(alerts)).toHaveLength(0);
  });

  it('answers a hard bounce and a manage-links request at once, without a deadlock', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const [emailHash, emailCiphertext] = await Promise.all([
      ctx.keyring.hashEmail(ADDRESS),
      ctx.keyring.encrypt(ADDRESS),
    ]);
    const alertOf = (id: string, subscribedAt: Date) => ({
      id,
      status: 'active' as const,
      emailCiphertext,
      emailHash,
      emailHashKey: ctx.keyring.hashKeyId,
      criteria: { keywords: 'kehittäjä' },
      label: 'Testihaku',
      locale: 'fi' as const,
      frequency: 'daily' as const,
      termsVersion: '2024-06-27',
      subscribedAt,
      confirmedAt: subscribedAt,
      expiresAt: new Date(subscribedAt.getTime() + 90 * DAY),
    });
    // Stored in the other order than their ids, and than when they were subscribed.
    const low = '00000000-0000-4000-8000-000000000001';
    const high = 'ffffffff-0000-4000-8000-000000000001';
    await db.insert(alerts).values(alertOf(high, now));
    await db.insert(alerts).values(alertOf(low, new Date(now.getTime() - DAY)));

    // Another manage-links request's lock on one alert: the bounce waits for it, the second
    // manage-links request shares it.
    const open = await gate(
      ctx.database.url ?? '',
      (tx) => tx`select id from alerts where id = ${low} for key share`,
    );
    const bounce = postSigned(
      ctx,
      '/v1/email-events',
      {
        type: 'email.bounced',
        created_at: now.toISOString(),
        data: {
          email_id: 'em_1',
          from: 'vahti@example.org',
          subject: 'x',
          to: [ADDRESS],
          bounce: { type: 'Permanent', subType: 'General' },
        },
      },
      { secret: RESEND_SECRET },
    );
    await untilWaiting(db, 1);
    const links = postJson(ctx, '/v1/alerts/manage-link', { email: ADDRESS });
    await untilWaiting(db, 2, links);
    await open();

    expect((await bounce).status).toBe(200);
    expect(await (await bounce).json()).toEqual({ deletedAlerts: 2 });
    expect((await links).status).toBe(202);
    expect(await db.select().from(alerts)).toHaveLength(0);
  });

  it('runs retention while the webhook sends again a posting it purges, without a deadlock', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    await insertActiveAlert(db, { keywords: 'kehittäjä' }, now);
    const posting = jobPosting(ctx, { deadline: new Date(now.getTime() + DAY).toISOString() });
    expect((await postPostings(ctx, [posting])).status).toBe(200);
    await db.execute(sql`update matches set mailed_at = ${now.toISOString()}::timestamptz`);
    // Past its deadline and mailed: retention purges it, as the pipeline moves the deadline on.
    ctx.clock.advance(2 * DAY);
    const later = ctx.clock.now();

    const { fire: reach, fired: reached } = signal();
    const { fire: release, fired: released } = signal();
    const app = createApp({
      ...ctx.deps,
      db: pausingDb(db, 'insert into matches', async () => {
        reach();
        await released;
      }),
    });
    const again = { ...posting, deadline: new Date(later.getTime() + 30 * DAY).toISOString() };
    // The call holds the posting's row, and is about to record its matches again.
    const call = postPostings({ clock: ctx.clock, app } as unknown as TestContext, [again]);
    await reached;
    const retention = runRetention({ deps: ctx.deps, now: later });
    retention.catch(() => {});
    await untilWaiting(db, 1, retention);
    release();

    expect((await call).status).toBe(200);
    await expect(retention).resolves.toMatchObject({ postings: 0 });
    // The posting the pipeline moved on is kept, with its match.
    const [kept] = await db.select().from(postings);
    expect(kept?.deadline?.toISOString()).toBe(again.deadline);
    expect(await queryRows(db, sql`select 1 from matches`)).toHaveLength(1);
  });
});
