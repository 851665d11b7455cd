import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addressBlocks, alerts, rateEvents } from '../src/db/schema';
import { runRetention } from '../src/retention/retention';
import { postForm, postJson, subscribe, subscribeAndConfirm } from './helpers/alerts';
import { createTestContext, type TestContext } from './helpers/context';
import { dumpAllRows, findInDatabase } from './helpers/scan';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ env: { TRUST_PROXY: 'true' } });
});
beforeEach(() => ctx.reset());
afterAll(() => ctx.close());

const HOUR = 3_600_000;
const retention = (batchSize?: number) =>
  runRetention({ deps: ctx.deps, now: ctx.clock.now(), batchSize });
const alertIds = async () => (await ctx.database.db.select().from(alerts)).map((row) => row.id);

describe('retention (SPEC.md §1.2–1.4)', () => {
  it('deletes a pending alert 48 hours after it was created, not before', async () => {
    await subscribe(ctx);
    ctx.clock.advance(48 * HOUR - 1);
    await retention();
    expect(await alertIds()).toHaveLength(1);
    ctx.clock.advance(1);
    expect((await retention()).alerts).toBe(1);
    expect(await alertIds()).toHaveLength(0);
  });

  it('deletes an alert at its expiry with everything stored for it', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const [row] = await ctx.database.db.select().from(alerts);
    const traces = [alert.id, row?.emailCiphertext ?? '', row?.emailHash ?? ''];
    ctx.clock.set(new Date('2026-06-02T09:59:59.999Z'));
    await retention();
    expect(await alertIds()).toEqual([alert.id]);
    ctx.clock.set(new Date('2026-06-02T10:00:00.000Z'));
    expect((await retention()).alerts).toBe(1);
    for (const trace of traces) expect(await findInDatabase(ctx.database.db, trace)).toEqual([]);
    const dump = JSON.stringify(await dumpAllRows(ctx.database.db));
    expect(dump).not.toContain('maija');
  });

  it('lets a renewed alert live on to its new expiry', async () => {
    const alert = await subscribeAndConfirm(ctx);
    ctx.clock.set(new Date('2026-05-30T10:00:00.000Z'));
    await postForm(ctx, '/alerts/manage/renew', { token: alert.manageToken });
    ctx.clock.set(new Date('2026-06-03T10:00:00.000Z'));
    await retention();
    expect(await alertIds()).toEqual([alert.id]);
    ctx.clock.set(new Date('2026-08-30T10:00:00.000Z'));
    await retention();
    expect(await alertIds()).toEqual([]);
  });

  it('deletes in batches until nothing expired is left', async () => {
    for (let i = 0; i < 7; i++) await subscribe(ctx, { email: `r${i}@example.org` });
    ctx.clock.advance(49 * HOUR);
    expect((await retention(2)).alerts).toBe(7);
  });

  it('drops rate-limit records after a day and not-me blocks when they lapse', async () => {
    await postJson(
      ctx,
      '/v1/alerts/manage-link',
      { email: 'x@example.org' },
      { 'x-forwarded-for': '192.0.2.5' },
    );
    await ctx.database.db
      .insert(addressBlocks)
      .values({ emailHash: 'h', blockedUntil: new Date(ctx.clock.now().getTime() + HOUR) });
    expect(await ctx.database.db.select().from(rateEvents)).toHaveLength(1);
    ctx.clock.advance(HOUR);
    expect((await retention()).addressBlocks).toBe(1);
    ctx.clock.advance(23 * HOUR);
    expect((await retention()).rateEvents).toBe(1);
    expect(await ctx.database.db.select().from(rateEvents)).toHaveLength(0);
  });
});
