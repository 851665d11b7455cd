import { describe, expect, it } from 'vitest';
import { withTransaction } from '../src/db/database';
import { messages } from '../src/db/schema';
import { deliverDue, deliverLeased, enqueueLeased } from '../src/delivery/outbox';
import { setupTestContext } from './helpers/context';

const ctx = setupTestContext();

const email = (n: number) => ({
  to: `reader${n}@example.org`,
  subject: `Vahvista ${n}`,
  html: `<p>Vahvista ${n}</p>`,
  text: `Vahvista ${n}`,
  template: 'test',
});

const leaseMs = () => ctx.config.DELIVERY_LEASE_SECONDS * 1000;

describe('emails written leased to the request that sends them', () => {
  it('are sent by that request once, and left alone by the deliver job meanwhile', async () => {
    const now = ctx.clock.now();
    const [batch] = await withTransaction(ctx.database.db, (tx) =>
      enqueueLeased(tx, ctx.deps, [email(1), email(2)], now),
    );
    if (!batch) throw new Error('no batch written');

    expect(await deliverDue({ deps: ctx.deps, now })).toMatchObject({ sent: 0 });
    expect(ctx.mailer.sent).toHaveLength(0);

    expect(await deliverLeased({ deps: ctx.deps, batch, now, maxAttempts: 1 })).toBe('sent');
    expect(ctx.mailer.sent.map((sent) => sent.to)).toEqual([
      'reader1@example.org',
      'reader2@example.org',
    ]);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.map((row) => [row.status, row.payload, row.leaseUntil])).toEqual([
      ['sent', null, null],
      ['sent', null, null],
    ]);
    const later = new Date(now.getTime() + 2 * leaseMs());
    expect(await deliverDue({ deps: ctx.deps, now: later })).toMatchObject({ sent: 0 });
    expect(ctx.mailer.sent).toHaveLength(2);
  });

  it('go out with the deliver job once the lease lapses, when the request died before sending', async () => {
    const now = ctx.clock.now();
    await withTransaction(ctx.database.db, (tx) => enqueueLeased(tx, ctx.deps, [email(3)], now));

    const beforeLapse = new Date(now.getTime() + leaseMs() - 1000);
    expect(await deliverDue({ deps: ctx.deps, now: beforeLapse })).toMatchObject({ sent: 0 });
    expect(ctx.mailer.sent).toHaveLength(0);

    const afterLapse = new Date(now.getTime() + leaseMs());
    expect(await deliverDue({ deps: ctx.deps, now: afterLapse })).toMatchObject({ sent: 1 });
    expect(ctx.mailer.sent.map((sent) => sent.to)).toEqual(['reader3@example.org']);
  });

  it('are queued for the deliver job when the provider is down', async () => {
    const now = ctx.clock.now();
    const [batch] = await withTransaction(ctx.database.db, (tx) =>
      enqueueLeased(tx, ctx.deps, [email(4)], now),
    );
    if (!batch) throw new Error('no batch written');
    ctx.mailer.failing = true;
    expect(await deliverLeased({ deps: ctx.deps, batch, now, maxAttempts: 1 })).toBe('retry');
    ctx.mailer.failing = false;

    const [row] = await ctx.database.db.select().from(messages);
    expect(row).toMatchObject({ status: 'queued', attempts: 1, leaseUntil: null });
    const retryAt = row?.nextAttemptAt ?? now;
    expect(await deliverDue({ deps: ctx.deps, now: retryAt })).toMatchObject({ sent: 1 });
    expect(ctx.mailer.sent.map((sent) => sent.to)).toEqual(['reader4@example.org']);
  });
});
