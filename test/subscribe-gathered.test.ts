import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, rowRecord } from '../src/db/database';
import { alertAnchors, alerts, messages } from '../src/db/schema';
import { deliverDue, enqueueEmails } from '../src/delivery/outbox';
import { subscribe, subscribeAndConfirm } from './helpers/alerts';
import { createTestContext, setupTestContext } from './helpers/context';

/**
 * A subscription is one statement (`subscribe_alert`, drizzle/0004), and the confirmations of
 * subscriptions written at the same time go to the provider in one call (delivery/gather.ts).
 */
const ctx = setupTestContext();

const addresses = (count: number) =>
  Array.from({ length: count }, (_, n) => `lukija${n}@example.org`);

const messageRows = () => ctx.database.db.select().from(messages);

describe('subscriptions written at the same time', () => {
  it('hand their confirmations to the provider together, each once, under the batch key', async () => {
    const readers = addresses(12);
    const responses = await Promise.all(readers.map((email) => subscribe(ctx, { email })));
    expect(responses.map((response) => response.status)).toEqual(readers.map(() => 202));

    expect(ctx.mailer.sent.map((email) => email.to).sort()).toEqual([...readers].sort());
    expect(ctx.mailer.batches.length).toBeLessThan(readers.length);
    const rows = await messageRows();
    expect(rows).toHaveLength(readers.length);
    expect(rows.every((row) => row.status === 'sent' && row.payload === null)).toBe(true);
    // Each call's key names exactly the rows it carried, so that a resend under it would carry
    // the same emails.
    for (const batch of ctx.mailer.batches) {
      const keyed = rows.filter((row) => row.batchKey === batch.idempotencyKey);
      expect(keyed).toHaveLength(batch.emails.length);
    }
  });

  it('under load, share a call though they arrive one by one; a lone one goes at once', async () => {
    const windowMs = 1000;
    const loaded = await createTestContext({
      env: { CONFIRMATION_BATCH_WINDOW_MS: String(windowMs) },
    });
    try {
      // Alone: its batch closes when its write ends, and goes without waiting for the window.
      const started = performance.now();
      expect((await subscribe(loaded, { email: 'yksin@example.org' })).status).toBe(202);
      expect(performance.now() - started).toBeLessThan(windowMs);
      expect(loaded.mailer.batches.map((batch) => batch.emails.length)).toEqual([1]);

      // Right after it (within the window): the batch is held open, and a request that arrives
      // once the first one's write has ended still joins it.
      const first = subscribe(loaded, { email: 'eka@example.org' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = subscribe(loaded, { email: 'toka@example.org' });
      expect((await Promise.all([first, second])).map((response) => response.status)).toEqual([
        202, 202,
      ]);
      expect(loaded.mailer.batches.map((batch) => batch.emails.length)).toEqual([1, 2]);
      const rows = await loaded.database.db.select().from(messages);
      expect(rows.every((row) => row.status === 'sent')).toBe(true);
    } finally {
      await loaded.close();
    }
  });

  it('stay queued together when the provider is down, and go out later under the same key', async () => {
    ctx.mailer.failing = true;
    const readers = addresses(5);
    const responses = await Promise.all(readers.map((email) => subscribe(ctx, { email })));
    expect(responses.map((response) => response.status)).toEqual(readers.map(() => 202));
    const queued = await messageRows();
    expect(queued.map((row) => [row.status, row.attempts])).toEqual(
      readers.map(() => ['queued', 1]),
    );

    ctx.mailer.failing = false;
    ctx.clock.advance(5 * 60_000);
    await deliverDue({ deps: ctx.deps, now: ctx.clock.now() });
    expect(ctx.mailer.sent.map((email) => email.to).sort()).toEqual([...readers].sort());
    const keys = new Set(queued.map((row) => row.batchKey));
    expect(new Set(ctx.mailer.batches.map((batch) => batch.idempotencyKey))).toEqual(keys);
    expect((await messageRows()).every((row) => row.status === 'sent')).toBe(true);
  });

  it('send a confirmation left behind by a batch already sent under a key of its own', async () => {
    // A request whose commit went through but whose answer was lost leaves its row queued under
    // the key of a batch that was handed over without it: sent under that key, the provider would
    // answer with the batch it already has.
    expect((await subscribe(ctx)).status).toBe(202);
    const [sent] = await messageRows();
    if (!sent) throw new Error('no message');
    const [leftKey] = await ctx.database.db.transaction((tx) =>
      enqueueEmails(
        tx,
        ctx.keyring,
        [
          {
            to: 'jäänyt@example.org',
            subject: 'Vahvista',
            html: '<p>x</p>',
            text: 'x',
            template: 'confirmation',
          },
        ],
        ctx.clock.now(),
      ),
    );
    await ctx.database.db
      .update(messages)
      .set({ batchKey: sent.batchKey })
      .where(eq(messages.batchKey, leftKey ?? ''));

    await deliverDue({ deps: ctx.deps, now: ctx.clock.now() });
    const last = ctx.mailer.batches.at(-1);
    expect(last?.emails.map((email) => email.to)).toEqual(['jäänyt@example.org']);
    expect(last?.idempotencyKey).not.toBe(sent.batchKey);
    expect((await messageRows()).every((row) => row.status === 'sent')).toBe(true);
  });
});

describe('subscribe_alert', () => {
  it('stores the alert compiled, and its anchors only once it is confirmed', async () => {
    expect((await subscribe(ctx)).status).toBe(202);
    const [pending] = await ctx.database.db.select().from(alerts);
    expect(pending?.compiled?.anchors.length).toBeGreaterThan(0);
    expect(await ctx.database.db.select().from(alertAnchors)).toEqual([]);

    const confirmed = await subscribeAndConfirm(ctx);
    expect(confirmed.id).toBe(pending?.id);
    const anchors = await ctx.database.db.select().from(alertAnchors);
    expect(anchors.map((row) => row.term).sort()).toEqual(
      [...(pending?.compiled?.anchors ?? [])].sort(),
    );
    expect(anchors.every((row) => row.alertId === confirmed.id)).toBe(true);
  });

  it('writes nothing for an id that an alert no longer pending holds', async () => {
    const confirmed = await subscribeAndConfirm(ctx);
    const [active] = await ctx.database.db.select().from(alerts).where(eq(alerts.id, confirmed.id));
    if (!active) throw new Error('no alert');
    const now = ctx.clock.now().toISOString();
    const before = await ctx.database.db.select().from(messages);
    const [answer] = await queryRows<{ outcome: string; alert_id: string }>(
      ctx.database.db,
      sql`select * from subscribe_alert(${now}::timestamptz, '{address:x}'::text[],
        null, 0, 0, 'address:x', 3, 86400000, 'global:confirmation', 100,
        ${now}::timestamptz,
        ${JSON.stringify(rowRecord(alerts, { ...active, status: 'pending', confirmedAt: null, criteria: { keywords: 'toinen' } }))}::jsonb,
        '[]'::jsonb, '{}'::jsonb, '{}'::text[])`,
    );
    expect(answer).toEqual({ outcome: 'taken', alert_id: active.id, retry_after: null });
    expect(await ctx.database.db.select().from(messages)).toEqual(before);
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(1);
  });
});
