import { describe, expect, it, vi } from 'vitest';
import { jobState } from '../src/db/schema';
import { type Job, jobs, runJob } from '../src/jobs';
import { setupTestContext } from './helpers/context';

const ctx = setupTestContext();

describe('scheduled jobs', () => {
  it('lists deliver, reminders and retention with valid cron expressions', () => {
    expect(jobs.map((job) => job.name)).toEqual(
      expect.arrayContaining(['deliver', 'reminders', 'retention']),
    );
    for (const job of jobs) expect(job.cron.split(' ')).toHaveLength(5);
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
