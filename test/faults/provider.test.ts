import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../../src/db/schema';
import { runDigests } from '../../src/delivery/digests';
import { deliverDue } from '../../src/delivery/outbox';
import type { Deps } from '../../src/deps';
import { setupTestContext } from '../helpers/context';
import { type ReceivedRequest, setupFakeResend, withResendMailer } from '../helpers/fake-resend';
import { seedDueDigests } from '../helpers/seed';

/**
 * SPEC.md §4 at the network level: the production transport (src/delivery/resend.ts, the resend
 * SDK over real sockets, real timers) against the fake Resend on loopback, while it answers 429
 * with retry-after, 500s, answers slower than the transport waits, resets the connection before
 * answering, and drops the answer after it sent the emails. The outbox and the deliver job carry
 * on until the provider recovers. test/delivery-faults.test.ts has the same faults without the
 * network and its timing (no sleeps), and test/resend.test.ts the transport alone.
 */
const DIGESTS = 250;
const TIMEOUT_MS = 400;

const ctx = setupTestContext();
const fake = setupFakeResend();
let deps: Deps;
beforeEach(() => {
  deps = withResendMailer(ctx, fake, {
    maxAttempts: 3,
    timeoutMs: TIMEOUT_MS,
    // the middle of the jitter, so that the backoff's pauses can be checked: 250 ms, then 500 ms
    random: () => 0.5,
  });
});

const figures: Array<Record<string, unknown>> = [];
afterAll(() => {
  for (const line of figures) console.log(JSON.stringify(line));
});

/**
 * The first request under a key met the two resets, and then it went through: answered 200, once
 * or, when the answer came after the client's timeout on a loaded machine, again under the same
 * idempotency key (the provider sends nothing twice; `duplicates` counts what arrived).
 */
function expectResetTwiceThenSent(requests: Array<{ status: number }> | undefined) {
  const statuses = requests?.map((request) => request.status) ?? [];
  expect(statuses.slice(0, 3)).toEqual([0, 0, 200]);
  expect(statuses.slice(3).every((status) => status === 200)).toBe(true);
}

/** A digest run, then the deliver job every ten minutes of the service's clock until none is queued. */
async function runUntilDelivered(addresses: string[]) {
  await runDigests({ deps, now: ctx.clock.now() });
  let runs = 0;
  for (; runs < 20; runs++) {
    const rows = await ctx.database.db.select().from(messages);
    if (rows.every((row) => row.status !== 'queued')) break;
    ctx.clock.advance(10 * 60_000);
    await deliverDue({ deps, now: ctx.clock.now() });
  }
  const copies = new Map<string, number>();
  for (const email of fake.delivered) {
    for (const to of email.to) copies.set(to, (copies.get(to) ?? 0) + 1);
  }
  const rows = await ctx.database.db.select().from(messages);
  return {
    deliverRuns: runs,
    lost: addresses.filter((address) => !copies.has(address)).length,
    duplicates: addresses.filter((address) => (copies.get(address) ?? 0) > 1).length,
    notSent: rows.filter((row) => row.status !== 'sent').length,
  };
}

async function counter(name: string): Promise<number> {
  const text = await (await ctx.app.request('/metrics')).text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`tyopaikkavahti_${name}{template="digest"}`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

/** The requests under one idempotency key, in order. */
const byKey = (received: ReceivedRequest[]) => {
  const keys = new Map<string, ReceivedRequest[]>();
  for (const request of received) {
    const key = request.idempotencyKey ?? '';
    keys.set(key, [...(keys.get(key) ?? []), request]);
  }
  return [...keys.values()];
};

const gaps = (requests: ReceivedRequest[]) =>
  requests.slice(1).map((request, i) => request.at - (requests[i]?.at ?? 0));

describe('the Resend transport over the network while the provider misbehaves', () => {
  it('waits out 429s as long as retry-after asks, then delivers every digest once', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: DIGESTS,
      now: ctx.clock.now(),
    });
    fake.failNext(3, 429, { retryAfterSeconds: 1 });

    const outcome = await runUntilDelivered(addresses);

    expect(outcome).toMatchObject({ lost: 0, duplicates: 0, notSent: 0 });
    const batches = byKey(fake.received);
    expect(batches.map((requests) => requests.map((request) => request.status))).toEqual([
      [429, 429, 429, 200],
      [200],
      [200],
    ]);
    const [first] = batches;
    // Within the call the transport waited at least the second retry-after asked for.
    expect(gaps(first ?? []).slice(0, 2)).toEqual([
      expect.toSatisfy((ms: number) => ms >= 1000),
      expect.toSatisfy((ms: number) => ms >= 1000),
    ]);
    expect(await counter('emails_deferred_total')).toBe(100);
    expect(await counter('emails_sent_total')).toBe(DIGESTS);
    figures.push({
      fault: '429 retry-after 1 s ×3',
      digests: DIGESTS,
      ...outcome,
      requests: fake.requests,
    });
  }, 30_000);

  it('backs off from 500s and delivers every digest once', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: DIGESTS,
      now: ctx.clock.now(),
    });
    fake.failNext(4, 500);

    const outcome = await runUntilDelivered(addresses);

    expect(outcome).toMatchObject({ lost: 0, duplicates: 0, notSent: 0 });
    const batches = byKey(fake.received);
    // The first batch is put off after three attempts; the next one gets the last 500 and recovers
    // within its call.
    expect(batches.map((requests) => requests.map((request) => request.status))).toEqual([
      [500, 500, 500, 200],
      [500, 200],
      [200],
    ]);
    const [first] = batches;
    const [afterFirst, afterSecond] = gaps(first ?? []);
    expect(afterFirst).toBeGreaterThanOrEqual(250);
    expect(afterSecond).toBeGreaterThanOrEqual(500);
    expect(await counter('emails_deferred_total')).toBe(100);
    figures.push({ fault: '500 ×4', digests: DIGESTS, ...outcome, requests: fake.requests });
  }, 30_000);

  it('abandons answers slower than its timeout without a second copy of anything', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: DIGESTS,
      now: ctx.clock.now(),
    });
    // The provider carries the first two requests out, but answers them after 3 s.
    fake.slowNext(2, 3000);

    const outcome = await runUntilDelivered(addresses);

    expect(outcome).toMatchObject({ lost: 0, duplicates: 0, notSent: 0 });
    expect(fake.delivered).toHaveLength(DIGESTS);
    // Retries of a request still in progress are told so (409) and are retried, not re-sent.
    const statuses = fake.received.map((request) => request.status);
    expect(statuses.filter((status) => status === 409).length).toBeGreaterThan(0);
    expect(await counter('emails_deferred_total')).toBeGreaterThanOrEqual(100);
    figures.push({
      fault: `answers after 3 s, timeout ${TIMEOUT_MS} ms`,
      digests: DIGESTS,
      ...outcome,
      requests: fake.requests,
      answered409: statuses.filter((status) => status === 409).length,
    });
  }, 30_000);

  it('retries connections reset before an answer and delivers every digest once', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: DIGESTS,
      now: ctx.clock.now(),
    });
    fake.dropNext(2);

    const outcome = await runUntilDelivered(addresses);

    expect(outcome).toMatchObject({ lost: 0, duplicates: 0, notSent: 0 });
    expectResetTwiceThenSent(byKey(fake.received)[0]);
    figures.push({
      fault: 'connection reset ×2',
      digests: DIGESTS,
      ...outcome,
      requests: fake.requests,
    });
  }, 30_000);

  it('retries a connection reset while the request body is still being sent', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: DIGESTS,
      now: ctx.clock.now(),
    });
    fake.dropNext(2, { midRequest: true });

    const outcome = await runUntilDelivered(addresses);

    expect(outcome).toMatchObject({ lost: 0, duplicates: 0, notSent: 0 });
    expectResetTwiceThenSent(byKey(fake.received)[0]);
    figures.push({
      fault: 'connection reset mid-request ×2',
      digests: DIGESTS,
      ...outcome,
      requests: fake.requests,
    });
  }, 30_000);

  it('delivers once when the answer is lost after the provider sent the emails', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: DIGESTS,
      now: ctx.clock.now(),
    });
    fake.dropNext(1, { afterDelivery: true });

    const outcome = await runUntilDelivered(addresses);

    expect(outcome).toMatchObject({ lost: 0, duplicates: 0, notSent: 0 });
    const [first] = byKey(fake.received);
    // The first attempt delivered 100 emails and lost its answer; the retry under the same key
    // was answered from the provider's memory and delivered nothing more.
    expect(first?.map((request) => request.delivered)).toEqual([100, 0]);
    expect(fake.delivered).toHaveLength(DIGESTS);
    figures.push({
      fault: 'answer lost after delivery',
      digests: DIGESTS,
      ...outcome,
      requests: fake.requests,
    });
  }, 30_000);

  it('keeps every digest queued through a long outage and sends each once after it', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: DIGESTS,
      now: ctx.clock.now(),
    });
    // Every attempt of the digest run fails: all three batches are put off.
    fake.failNext(6, 503);
    fake.failNext(3, 429, { retryAfterSeconds: 0 });

    const outcome = await runUntilDelivered(addresses);

    expect(outcome).toMatchObject({ lost: 0, duplicates: 0, notSent: 0 });
    expect(await counter('emails_failed_total')).toBe(0);
    expect(await counter('emails_deferred_total')).toBe(DIGESTS);
    figures.push({
      fault: '503 ×6 then 429 ×3',
      digests: DIGESTS,
      ...outcome,
      requests: fake.requests,
    });
  }, 30_000);
});
