import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { ciphertextKeyId } from '../src/crypto/keyring';
import { addressBlocks, alerts, jobState } from '../src/db/schema';
import { deliverDue } from '../src/delivery/outbox';
import { type Job, jobs, runJob } from '../src/jobs';
import { rekey } from '../src/operations/rekey';
import {
  decryptionWarning,
  lastEmail,
  linkTo,
  postJson,
  subscribe,
  subscribeAndConfirm,
} from './helpers/alerts';
import { newKeys, restartedWith, setupTestContext, testKeys } from './helpers/context';

const ctx = setupTestContext();

describe('scheduled jobs', () => {
  it('lists deliver, reminders and retention with valid cron expressions', () => {
    expect(jobs.map((job) => job.name)).toEqual(
      expect.arrayContaining(['deliver', 'reminders', 'retention']),
    );
    for (const job of jobs) if (job.cron !== null) expect(job.cron.split(' ')).toHaveLength(5);
  });

  it('lists rekey, which runs only on demand (npm run job -- rekey, or all)', () => {
    expect(jobs.find((job) => job.name === 'rekey')).toMatchObject({ cron: null });
    expect(jobs.filter((job) => job.cron === null).map((job) => job.name)).toEqual(['rekey']);
  });

  it('never runs the same job twice at once, and records each run', async () => {
    let release: () => void = () => {};
    let runs = 0;
    const slow: Job = {
      name: 'slow',
      cron: '* * * * *',
      run: async () => {
        runs++;
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { done: true };
      },
    };
    const first = runJob(ctx.deps, slow);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await runJob(ctx.deps, slow)).toEqual({ status: 'busy' });
    release();
    expect(await first).toMatchObject({ status: 'done', result: { done: true } });
    expect(runs).toBe(1);
    expect(await runJob(ctx.deps, { ...slow, run: async () => ({}) })).toMatchObject({
      status: 'done',
    });
    const [state] = await ctx.database.db.select().from(jobState);
    expect(state).toMatchObject({
      name: 'slow',
      runs: 2,
      failures: 0,
      lastOk: true,
      lockedUntil: null,
    });
  });

  it('records a failed run, logs no more than its error class, and releases the job', async () => {
    const failing: Job = {
      name: 'failing',
      cron: '* * * * *',
      run: async () => {
        throw new TypeError('boom with maija@example.org');
      },
    };
    expect(await runJob(ctx.deps, failing)).toMatchObject({ status: 'failed' });
    const [state] = await ctx.database.db.select().from(jobState);
    expect(state).toMatchObject({ runs: 1, failures: 1, lastOk: false, lockedUntil: null });
    const line = ctx.logLines.find((entry) => entry.includes('job failed')) ?? '';
    expect(line).toContain('TypeError');
    expect(line).not.toContain('maija');
  });

  it('takes over a job whose run crashed, once its lease has lapsed', async () => {
    await ctx.database.db.insert(jobState).values({
      name: 'crashed',
      lockedUntil: new Date(ctx.clock.now().getTime() + 60_000),
      runs: 3,
      failures: 0,
    });
    const job: Job = { name: 'crashed', cron: '* * * * *', run: async () => ({}) };
    expect(await runJob(ctx.deps, job)).toEqual({ status: 'busy' });
    ctx.clock.advance(60_000);
    expect(await runJob(ctx.deps, job)).toMatchObject({ status: 'done' });
  });

  it('keeps the job of a long run by renewing its two-minute lease, and frees it after', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let finish: (() => void) | undefined;
      const long: Job = {
        name: 'long',
        cron: '* * * * *',
        run: () =>
          new Promise((resolve) => {
            finish = () => resolve({});
          }),
      };
      const run = runJob(ctx.deps, long);
      await vi.waitFor(() => expect(finish).toBeDefined());
      const leaseUntil = async () =>
        (await ctx.database.db.select().from(jobState)).find((row) => row.name === 'long')
          ?.lockedUntil;
      await vi.waitFor(async () => expect(await leaseUntil()).toBeInstanceOf(Date));
      const firstLease = (await leaseUntil()) ?? new Date(0);

      for (let renewal = 0; renewal < 5; renewal++) {
        ctx.clock.advance(30_000);
        vi.advanceTimersByTime(30_000);
        const expected = ctx.clock.now().getTime() + 120_000;
        await vi.waitFor(async () => expect((await leaseUntil())?.getTime()).toBe(expected));
      }
      // Past the first lease: another instance is still turned away.
      expect(ctx.clock.now().getTime()).toBeGreaterThan(firstLease.getTime());
      expect(await runJob(ctx.deps, long)).toEqual({ status: 'busy' });

      finish?.();
      expect(await run).toMatchObject({ status: 'done' });
      expect(await leaseUntil()).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the rekey job (after a rotation of EMAIL_ENCRYPTION_KEY or EMAIL_HASH_KEY)', () => {
  const addresses = ['a@example.org', 'b@example.org', 'c@example.org'];
  const bothKeys = {
    encryption: [newKeys.encryption, testKeys.encryption],
    hash: [newKeys.hash, testKeys.hash],
  };
  const newKeysOnly = { encryption: [newKeys.encryption], hash: [newKeys.hash] };
  const rekeyJob = () => {
    const job = jobs.find((candidate) => candidate.name === 'rekey');
    if (!job) throw new Error('no rekey job');
    return job;
  };

  it('brings every address and queued email under the new keys, so the old ones can go', async () => {
    const confirmed = [];
    for (const email of addresses) confirmed.push(await subscribeAndConfirm(ctx, { email }));
    ctx.mailer.failing = true;
    await subscribe(ctx, { email: 'pending@example.org' });
    ctx.mailer.failing = false;
    const rotated = await restartedWith(ctx, bothKeys);

    expect(await rekey({ deps: rotated.deps, now: ctx.clock.now(), batchSize: 2 })).toEqual({
      alerts: 4,
      messages: 1,
      unreadable: 0,
      oldEncryptionKeyRows: 0,
      oldHashKeyRows: 0,
    });
    for (const row of await ctx.database.db.select().from(alerts)) {
      expect(ciphertextKeyId(row.emailCiphertext)).toBe(rotated.keyring.encryptionKeyIds[0]);
      expect(row.emailHash).toBe(
        await rotated.keyring.hashEmail(await rotated.keyring.decrypt(row.emailCiphertext)),
      );
      expect(row.emailHashKey).toBe(rotated.keyring.hashKeyId);
    }
    const outcome = await runJob(rotated.deps, rekeyJob());
    expect(outcome).toMatchObject({ status: 'done', result: { alerts: 0, messages: 0 } });

    // The old keys taken out: addresses are read and found, queued emails sent, and the links
    // mailed before the rotation work, as do those composed after it.
    const after = await restartedWith(ctx, newKeysOnly);
    ctx.clock.advance(3_600_000);
    expect(await deliverDue({ deps: after.deps, now: ctx.clock.now() })).toMatchObject({
      sent: 1,
      failed: 0,
    });
    ctx.mailer.sent.length = 0;
    expect(
      (await postJson(after, '/v1/alerts/manage-link', { email: 'b@example.org' })).status,
    ).toBe(202);
    expect(ctx.mailer.sent.map((email) => email.to)).toEqual(['b@example.org']);
    const composedAfter = linkTo(lastEmail(ctx), '/alerts/manage');
    expect(composedAfter.searchParams.get('token')).toBe(
      await after.keyring.tokenFor(confirmed[1]?.id ?? '', 'manage'),
    );
    expect(
      (await after.app.request(`/alerts/manage?token=${composedAfter.searchParams.get('token')}`))
        .status,
    ).toBe(200);
    for (const alert of confirmed) {
      const mailedBefore = await after.app.request(`/alerts/manage?token=${alert.manageToken}`);
      expect(mailedBefore.status).toBe(200);
    }
  });

  it('says what still needs an old key: an address it cannot decrypt, and blocks until they lapse', async () => {
    await subscribeAndConfirm(ctx, { email: 'a@example.org' });
    expect((await subscribe(ctx, { email: 'blocked@example.org' })).status).toBe(202);
    const notMe = linkTo(lastEmail(ctx), '/alerts/not-me').searchParams.get('token');
    expect((await postJson(ctx, '/alerts/not-me', { token: notMe })).status).toBe(200);
    const [block] = await ctx.database.db.select().from(addressBlocks);
    // The old encryption key taken out too early; both hash keys listed.
    const early = await restartedWith(ctx, {
      encryption: [newKeys.encryption],
      hash: bothKeys.hash,
    });

    expect(await rekey({ deps: early.deps, now: ctx.clock.now() })).toEqual({
      alerts: 0,
      messages: 0,
      unreadable: 1,
      oldEncryptionKeyRows: 1,
      oldHashKeyRows: 2,
      oldHashKeyNeededUntil: block?.blockedUntil.toISOString(),
    });
    expect(decryptionWarning(ctx)).toMatchObject({
      task: 'rekey',
      keyId: ctx.keyring.encryptionKeyIds[0],
      reason: 'its key is not listed in EMAIL_ENCRYPTION_KEY',
    });

    // The key listed again, and the block lapsed: nothing is left.
    ctx.clock.set(block?.blockedUntil ?? new Date());
    expect(
      await rekey({ deps: (await restartedWith(ctx, bothKeys)).deps, now: ctx.clock.now() }),
    ).toEqual({
      alerts: 1,
      messages: 0,
      unreadable: 0,
      oldEncryptionKeyRows: 0,
      oldHashKeyRows: 0,
    });
  });

  it('names by key id the queued emails it cannot decrypt, as it names the alerts', async () => {
    ctx.mailer.failing = true;
    await subscribe(ctx, { email: 'pending@example.org' });
    ctx.mailer.failing = false;
    // The old encryption key taken out too early: the alert and its queued confirmation.
    const early = await restartedWith(ctx, {
      encryption: [newKeys.encryption],
      hash: [testKeys.hash],
    });
    expect(await rekey({ deps: early.deps, now: ctx.clock.now() })).toMatchObject({
      alerts: 0,
      messages: 0,
      unreadable: 2,
      oldEncryptionKeyRows: 2,
    });
    const warning = ctx.logLines.find((line) => line.includes('queued emails not re-encrypted'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      task: 'rekey',
      keyId: ctx.keyring.encryptionKeyIds[0],
      messages: 1,
      reason: 'its key is not listed in EMAIL_ENCRYPTION_KEY',
    });
  });

  it('names by key id the alerts it leaves alone under a hash key it does not list', async () => {
    await subscribeAndConfirm(ctx, { email: 'a@example.org' });
    // The old hash key taken out too early (or rekey run with a stale list): the alert is left
    // alone, and keeps both counts above 0 run after run; the warning says why.
    const early = await restartedWith(ctx, {
      encryption: bothKeys.encryption,
      hash: [newKeys.hash],
    });
    expect(await rekey({ deps: early.deps, now: ctx.clock.now() })).toEqual({
      alerts: 0,
      messages: 0,
      unreadable: 0,
      oldEncryptionKeyRows: 1,
      oldHashKeyRows: 1,
    });
    const warning = ctx.logLines.find((line) => line.includes('hash key is not listed'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      task: 'rekey',
      keyId: ctx.keyring.hashKeyId,
      alerts: 1,
    });
  });

  it('has nothing to do for alerts under the current hash key, though EMAIL_HASH_KEY lists it twice', async () => {
    await subscribeAndConfirm(ctx, { email: 'a@example.org' });
    const twice = await restartedWith(ctx, {
      encryption: [testKeys.encryption],
      hash: [testKeys.hash, newKeys.hash, testKeys.hash],
    });
    const [before] = await ctx.database.db.select().from(alerts);
    expect(await rekey({ deps: twice.deps, now: ctx.clock.now() })).toMatchObject({
      alerts: 0,
      oldHashKeyRows: 0,
    });
    expect(await ctx.database.db.select().from(alerts)).toEqual([before]);
  });

  it('records the hash key of alerts stored before migration 0013, hashing them again', async () => {
    const alert = await subscribeAndConfirm(ctx);
    await ctx.database.db.update(alerts).set({ emailHashKey: null });
    const [before] = await ctx.database.db.select().from(alerts);
    expect(await rekey({ deps: ctx.deps, now: ctx.clock.now() })).toMatchObject({
      alerts: 1,
      oldHashKeyRows: 0,
    });
    const [after] = await ctx.database.db.select().from(alerts).where(eq(alerts.id, alert.id));
    expect(after).toEqual({ ...before, emailHashKey: ctx.keyring.hashKeyId });
  });

  it('leaves alone an address under a key it does not list, written by an instance with newer keys', async () => {
    const rotated = await restartedWith(ctx, bothKeys);
    await subscribeAndConfirm(rotated);
    const stored = await ctx.database.db.select().from(alerts);
    expect(await rekey({ deps: ctx.deps, now: ctx.clock.now() })).toMatchObject({
      alerts: 0,
      unreadable: 0,
      oldEncryptionKeyRows: 1,
      oldHashKeyRows: 1,
    });
    expect(await ctx.database.db.select().from(alerts)).toEqual(stored);
  });
});
