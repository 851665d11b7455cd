import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { alerts, messages } from '../src/db/schema';
import { runDigests } from '../src/delivery/digests';
import { deliverDue } from '../src/delivery/outbox';
import type { Deps } from '../src/deps';
import { setupTestContext } from './helpers/context';
import { setupFakeResend, withResendMailer } from './helpers/fake-resend';
import { seedDueDigests } from './helpers/seed';

const ctx = setupTestContext();
const fake = setupFakeResend();
let deps: Deps;
beforeEach(() => {
  deps = withResendMailer(ctx, fake, { maxAttempts: 3, sleep: async () => {} });
});

const copiesPerRecipient = () => {
  const copies = new Map<string, number>();
  for (const email of fake.delivered) {
    for (const to of email.to) copies.set(to, (copies.get(to) ?? 0) + 1);
  }
  return copies;
};

describe('delivery through Resend when the provider misbehaves', () => {
  it('delivers every digest exactly once after a spell of 429s and 500s', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: 250,
      now: ctx.clock.now(),
    });
    fake.failNext(4, 429, { retryAfterSeconds: 1 });
    fake.failNext(6, 500);
    const composed = await runDigests({ deps, now: ctx.clock.now() });
    expect(composed.digests).toBe(250);
    expect(fake.delivered.length).toBeLessThan(250);
    const queued = (await ctx.database.db.select().from(messages)).filter(
      (row) => row.status === 'queued',
    );
    expect(queued.length).toBeGreaterThan(0);

    for (let minute = 0; minute < 30; minute++) {
      ctx.clock.advance(60_000);
      await deliverDue({ deps, now: ctx.clock.now() });
    }
    const copies = copiesPerRecipient();
    expect(copies.size).toBe(250);
    expect(addresses.every((address) => copies.get(address) === 1)).toBe(true);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.every((row) => row.status === 'sent' && row.payload === null)).toBe(true);
  });

  it('delivers once when the answer is lost after the provider sent the batch', async () => {
    await seedDueDigests(ctx.database.db, ctx.keyring, { count: 120, now: ctx.clock.now() });
    fake.dropNext(1, { afterDelivery: true });
    await runDigests({ deps, now: ctx.clock.now() });
    ctx.clock.advance(10 * 60_000);
    await deliverDue({ deps, now: ctx.clock.now() });
    const copies = copiesPerRecipient();
    expect(copies.size).toBe(120);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
  });

  it('delivers once when the answer is lost and an alert of the batch is deleted before the retry', async () => {
    // The retry carried two emails under the key of three, Resend refused it as another body
    // (409 invalid_idempotent_request), and the refusal split the batch: the two others were
    // mailed again under keys of their own.
    await seedDueDigests(ctx.database.db, ctx.keyring, { count: 3, now: ctx.clock.now() });
    fake.dropNext(1, { afterDelivery: true });
    const once = withResendMailer(ctx, fake, { maxAttempts: 1, sleep: async () => {} });
    await runDigests({ deps: once, now: ctx.clock.now() });
    expect(fake.delivered).toHaveLength(3);
    expect((await ctx.database.db.select().from(messages)).map((row) => row.status)).toEqual([
      'queued',
      'queued',
      'queued',
    ]);
    const [gone] = await ctx.database.db.select().from(alerts).limit(1);
    await ctx.database.db.delete(alerts).where(eq(alerts.id, gone?.id ?? ''));
    ctx.clock.advance(10 * 60_000);
    await deliverDue({ deps, now: ctx.clock.now() });
    ctx.clock.advance(60 * 60_000);
    await deliverDue({ deps, now: ctx.clock.now() });
    expect([...copiesPerRecipient().values()]).toEqual([1, 1, 1]);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.map((row) => row.status)).toEqual(['sent', 'sent']);
    expect(ctx.logLines.some((line) => line.includes('provider had sent this batch before'))).toBe(
      true,
    );
  });

  it('delivers once when Resend takes a batch but its answer does not list every id', async () => {
    // The short answer was taken as a refusal: the batch was split and each reader mailed again
    // under a key of their own.
    await seedDueDigests(ctx.database.db, ctx.keyring, { count: 3, now: ctx.clock.now() });
    fake.listOneIdNext(1);
    await runDigests({ deps, now: ctx.clock.now() });
    for (let minute = 0; minute < 10; minute++) {
      ctx.clock.advance(60_000);
      await deliverDue({ deps, now: ctx.clock.now() });
    }
    expect([...copiesPerRecipient().values()]).toEqual([1, 1, 1]);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.map((row) => [row.status, row.providerId])).toEqual([
      ['sent', null],
      ['sent', null],
      ['sent', null],
    ]);
  });

  it('records a permanently refused address as failed and does not retry it', async () => {
    await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: 5,
      now: ctx.clock.now(),
      address: (n) => (n === 2 ? 'not an address' : `reader${n}@example.org`),
    });
    await runDigests({ deps, now: ctx.clock.now() });
    for (let hour = 0; hour < 30; hour++) {
      ctx.clock.advance(3_600_000);
      await deliverDue({ deps, now: ctx.clock.now() });
    }
    expect(copiesPerRecipient().size).toBe(4);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.filter((row) => row.status === 'failed')).toHaveLength(1);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(4);
    const metrics = await (await ctx.app.request('/metrics')).text();
    expect(metrics).toContain('tyopaikkavahti_emails_failed_total{template="digest"} 1');
    expect(metrics).toContain('tyopaikkavahti_emails_sent_total{template="digest"} 4');
  });
});
