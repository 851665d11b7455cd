import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { queryRows, withTransaction } from '../../src/db/database';
import { jobState, messages } from '../../src/db/schema';
import { enqueueEmails } from '../../src/delivery/outbox';
import { setupTestContext, testKeys } from '../helpers/context';
import { setupFakeResend } from '../helpers/fake-resend';
import { WEBHOOK_SECRET } from '../helpers/postings';
import { seedDueDigests } from '../helpers/seed';
import { type EntryProcess, spawnEntry, startService } from '../helpers/service-process';

/**
 * SIGTERM and SIGKILL while a job is sending, for the service (src/entry/node.ts) and for
 * `npm run job` (src/entry/job.ts), against Postgres and the fake Resend. SIGTERM must end the
 * process with 0 within a few seconds and leave nothing half-done; SIGKILL may leave anything, and
 * the next run must still deliver each email exactly once. test/crash/digest-crash.test.ts kills
 * the digests job's body twenty times; this file kills it through the entries operators run.
 */
const ctx = setupTestContext();
const fake = setupFakeResend();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const figures: Array<Record<string, unknown>> = [];
afterAll(() => {
  for (const line of figures) console.log(JSON.stringify(line));
});

function env(extra: Record<string, string> = {}) {
  const url = ctx.database.url;
  if (!url) throw new Error('the fault suite runs on Postgres');
  return {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    EMAIL_ENCRYPTION_KEY: testKeys.encryption,
    EMAIL_HASH_KEY: testKeys.hash,
    POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PUBLIC_BASE_URL: 'https://vahti.example.org',
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    MAIL_FROM: 'Työpaikkavahti <vahti@example.org>',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

const job = (names: string[], extra?: Record<string, string>) =>
  spawnEntry('src/entry/job.ts', names, env(extra));

async function waitForRequests(count: number, process: EntryProcess) {
  const deadline = Date.now() + 30_000;
  while (fake.requests < count) {
    if (Date.now() > deadline || process.child.exitCode !== null) {
      throw new Error(`the provider saw ${fake.requests} requests; output:\n${process.output()}`);
    }
    await sleep(10);
  }
}

/** Copies per recipient at the provider. */
function copies() {
  const counts = new Map<string, number>();
  for (const email of fake.delivered) {
    for (const to of email.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

/**
 * Nothing half-done: every batch the provider accepted is recorded as sent, no queued email is
 * still claimed by the stopped process, no job is still leased, and every match marked mailed
 * has its digest in the outbox (composing is one transaction per batch).
 */
async function halfDone() {
  const rows = await ctx.database.db.select().from(messages);
  const [orphans] = await queryRows<{ count: number }>(
    ctx.database.db,
    sql`select count(*)::int as count from matches m
        where m.mailed_at is not null
          and not exists (select 1 from messages where messages.alert_id = m.alert_id)`,
  );
  const leasedJobs = (await ctx.database.db.select().from(jobState)).filter(
    (state) => state.lockedUntil !== null,
  );
  return {
    sentButNotRecorded: fake.delivered.length - rows.filter((row) => row.status === 'sent').length,
    claimedQueued: rows.filter((row) => row.status === 'queued' && row.leaseUntil !== null).length,
    leasedJobs: leasedJobs.map((state) => state.name),
    mailedWithoutDigest: orphans?.count ?? 0,
  };
}

const nothingHalfDone = {
  sentButNotRecorded: 0,
  claimedQueued: 0,
  leasedJobs: [],
  mailedWithoutDigest: 0,
};

async function queueEmails(count: number) {
  const addresses = Array.from({ length: count }, (_, n) => `queued${n}@example.org`);
  await withTransaction(ctx.database.db, (tx) =>
    enqueueEmails(
      tx,
      ctx.keyring,
      addresses.map((to, n) => ({
        to,
        subject: `Uusia työpaikkoja ${n}`,
        html: `<p>Uusia työpaikkoja ${n}</p>`,
        text: `Uusia työpaikkoja ${n}`,
        template: 'digest',
      })),
      new Date(),
    ),
  );
  return addresses;
}

describe('SIGTERM while a job is sending', () => {
  it('the service finishes the batch in hand, exits 0 and leaves the rest queued', async () => {
    const addresses = await queueEmails(1000);
    fake.slow(300);
    // The service runs the deliver job as it starts, for what an earlier instance left queued.
    const service = await startService(env());
    try {
      await waitForRequests(2, service);
      const signalledAt = Date.now();
      service.child.kill('SIGTERM');
      const exit = await service.exited;
      const stoppedInMs = Date.now() - signalledAt;

      expect({ exit, output: service.output().slice(-2000) }).toMatchObject({
        exit: { code: 0, signal: null },
      });
      expect(stoppedInMs).toBeLessThan(10_000);
      expect(service.logged('job done')).toEqual([
        expect.objectContaining({ job: 'deliver', stopped: true }),
      ]);
      expect(await halfDone()).toEqual(nothingHalfDone);
      const sentBeforeStop = fake.delivered.length;
      expect(sentBeforeStop).toBeGreaterThan(0);
      expect(sentBeforeStop).toBeLessThan(1000);

      fake.slow(0);
      const rerun = job(['deliver']);
      expect((await rerun.exited).code).toBe(0);
      const counts = copies();
      expect(addresses.filter((address) => counts.get(address) !== 1)).toEqual([]);
      figures.push({
        fault: 'SIGTERM to the service during deliver',
        emails: 1000,
        sentBeforeStop,
        stoppedInMs,
        exitCode: exit.code,
        lost: addresses.filter((address) => !counts.has(address)).length,
        duplicates: [...counts.values()].filter((n) => n > 1).length,
      });
    } finally {
      await service.kill();
    }
  }, 90_000);

  it('`npm run job -- all` finishes the digest batch in hand, skips the jobs after it, exits 0', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: 600,
      now: new Date(),
    });
    fake.slow(300);
    const run = job(['all']);
    await waitForRequests(2, run);
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    const stoppedInMs = Date.now() - signalledAt;

    expect({ exit, output: run.output().slice(-2000) }).toMatchObject({
      exit: { code: 0, signal: null },
    });
    expect(stoppedInMs).toBeLessThan(10_000);
    expect(run.logged('job done').map((line) => [line.job, line.stopped])).toEqual([
      ['deliver', undefined],
      ['digests', true],
    ]);
    expect(run.logged('job skipped').map((line) => line.job)).toEqual([
      'reminders',
      'retention',
      'rekey',
    ]);
    expect(await halfDone()).toEqual(nothingHalfDone);
    const sentBeforeStop = fake.delivered.length;
    expect(sentBeforeStop).toBeLessThan(600);

    fake.slow(0);
    const rerun = job(['all']);
    expect((await rerun.exited).code).toBe(0);
    const counts = copies();
    expect(addresses.filter((address) => counts.get(address) !== 1)).toEqual([]);
    figures.push({
      fault: 'SIGTERM to `npm run job -- all` during digests',
      digests: 600,
      sentBeforeStop,
      stoppedInMs,
      exitCode: exit.code,
      lost: addresses.filter((address) => !counts.has(address)).length,
      duplicates: [...counts.values()].filter((n) => n > 1).length,
    });
  }, 90_000);
});

/** What the job leases of a killed run look like two minutes later, without waiting for them. */
async function lapseJobLeases() {
  await ctx.database.db.execute(
    sql`update job_state set locked_until = ${new Date(Date.now() - 1000).toISOString()}::timestamptz
        where locked_until is not null`,
  );
}

describe('SIGKILL while a job is sending', () => {
  it('the service killed mid-deliver: restarted, it sends the rest and nothing twice', async () => {
    const addresses = await queueEmails(1000);
    fake.slow(300);
    const killed = await startService(env({ DELIVERY_LEASE_SECONDS: '1' }));
    await waitForRequests(3, killed);
    await killed.kill();
    const sentBeforeKill = fake.delivered.length;
    expect(sentBeforeKill).toBeLessThan(1000);

    fake.slow(0);
    await lapseJobLeases();
    await sleep(1100);
    const restarted = await startService(env({ DELIVERY_LEASE_SECONDS: '1' }));
    try {
      // The restarted service sends what was left as it starts, without waiting for the minute.
      await restarted.waitForLog('job done');
      const counts = copies();
      expect(addresses.filter((address) => counts.get(address) !== 1)).toEqual([]);
      const rows = await ctx.database.db.select().from(messages);
      expect(rows.filter((row) => row.status !== 'sent')).toEqual([]);
      restarted.child.kill('SIGTERM');
      expect((await restarted.exited).code).toBe(0);
      figures.push({
        fault: 'SIGKILL to the service during deliver, then a restart',
        emails: 1000,
        sentBeforeKill,
        providerRequests: fake.requests,
        lost: addresses.filter((address) => !counts.has(address)).length,
        duplicates: [...counts.values()].filter((n) => n > 1).length,
      });
    } finally {
      await restarted.kill();
    }
  }, 90_000);

  it('`npm run job -- all` killed mid-digest: the next run after the lease lapses sends each digest once', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: 600,
      now: new Date(),
    });
    fake.slow(300);
    // A batch claimed by the killed run may be sent again a second later, under its key.
    const killed = job(['all'], { DELIVERY_LEASE_SECONDS: '1' });
    await waitForRequests(3, killed);
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const sentBeforeKill = fake.delivered.length;
    expect(sentBeforeKill).toBeLessThan(600);

    // The killed run still holds the digests job: another run now is turned away, not doubled.
    fake.slow(0);
    const early = job(['digests']);
    expect((await early.exited).code).toBe(1);
    expect(early.output()).toContain('job digests: busy');

    // The killed run no longer renews its lease; two minutes later it has lapsed.
    await lapseJobLeases();
    await sleep(1100);
    const rerun = job(['all'], { DELIVERY_LEASE_SECONDS: '1' });
    expect({ code: (await rerun.exited).code, output: rerun.output().slice(-2000) }).toMatchObject({
      code: 0,
    });
    const counts = copies();
    expect(addresses.filter((address) => counts.get(address) !== 1)).toEqual([]);
    expect(fake.delivered).toHaveLength(600);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.filter((row) => row.status !== 'sent')).toEqual([]);
    figures.push({
      fault: 'SIGKILL to `npm run job -- all` during digests',
      digests: 600,
      sentBeforeKill,
      providerRequests: fake.requests,
      lost: addresses.filter((address) => !counts.has(address)).length,
      duplicates: [...counts.values()].filter((n) => n > 1).length,
    });
  }, 90_000);
});

describe('WORKERS=2', () => {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const workerPids = (service: EntryProcess) =>
    service.logged('listening').map((line) => Number(line.pid));

  it('serves from two processes, replaces one that dies, and SIGTERM stops them all with 0', async () => {
    const service = await startService(env({ WORKERS: '2' }));
    try {
      const deadline = Date.now() + 30_000;
      while (workerPids(service).length < 2 && Date.now() < deadline) await sleep(50);
      const [first, second] = workerPids(service);
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(0);
      expect(first).not.toBe(second);
      // The workers start side by side: either may listen first.
      const workers = service.logged('listening').map((line) => Number(line.worker));
      expect(workers.sort()).toEqual([1, 2]);

      // Every request is answered while a worker is killed and replaced.
      process.kill(first ?? 0, 'SIGKILL');
      await service.waitForLog('worker exited; starting another');
      while (workerPids(service).length < 3 && Date.now() < deadline) await sleep(50);
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${service.base}/readyz`).then((r) => r.status)),
      );
      expect(statuses).toEqual(Array(20).fill(200));

      service.child.kill('SIGTERM');
      const exit = await service.exited;
      expect({ exit, output: service.output().slice(-2000) }).toMatchObject({
        exit: { code: 0, signal: null },
      });
      expect(workerPids(service).filter(alive)).toEqual([]);
    } finally {
      await service.kill();
    }
  }, 60_000);

  it('is refused without Postgres: the embedded database lives in one process', async () => {
    const refused = spawnEntry('src/entry/node.ts', [], { WORKERS: '2' });
    expect((await refused.exited).code).toBe(1);
    expect(refused.output()).toContain('WORKERS');
    expect(refused.output()).toContain('DATABASE_URL');
  });
});
