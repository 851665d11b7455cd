import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { sendReminders } from './alerts/reminders';
import { jobState } from './db/schema';
import { runDigests } from './delivery/digests';
import { deliverDue, forgetDeletedEmails } from './delivery/outbox';
import type { Deps } from './deps';
import { describeError, type LogFields } from './log';
import { rekey } from './operations/rekey';
import { runRetention, SENT_MESSAGE_DAYS } from './retention/retention';
import { addDays } from './time';

export interface Job {
  name: string;
  /**
   * when it runs, as a cron expression in UTC (croner on Node, Cron Triggers on Workers); null for
   * a job run only on demand, with `npm run job -- <name>` (or `all`)
   */
  cron: string | null;
  /**
   * `stop` is aborted when the process is asked to stop: a job that works in batches returns after
   * the batch in hand, each batch being whole in the database, and the next run does the rest.
   */
  run(deps: Deps, now: Date, stop?: AbortSignal): Promise<LogFields>;
}

/** The one list of jobs: the scheduled ones, and those run on demand. */
export const jobs: Job[] = [
  {
    name: 'deliver',
    cron: '* * * * *',
    run: async (deps, now, stop) => ({
      ...(await deliverDue({ deps, now, stop })),
      ...(stop?.aborted && { stopped: true }),
    }),
  },
  {
    name: 'digests',
    cron: '*/5 * * * *',
    run: async (deps, now, stop) => {
      const composed = await runDigests({ deps, now, stop });
      // Batches a crash or a provider fault left behind go out with this run too.
      const delivered = await deliverDue({ deps, now, stop });
      return {
        ...composed,
        ...(stop?.aborted && { stopped: true }),
        sent: delivered.sent,
        retry: delivered.retry,
        failed: delivered.failed,
      };
    },
  },
  {
    name: 'reminders',
    cron: '37 * * * *',
    run: async (deps, now) => sendReminders({ deps, now }),
  },
  {
    name: 'retention',
    cron: '7 * * * *',
    run: async (deps, now) => ({
      ...(await runRetention({ deps, now })),
      forgottenEmails: await forgetDeletedEmails(deps),
      ...(deps.outbox && {
        outboxFiles: await deps.outbox.prune(addDays(now, -SENT_MESSAGE_DAYS)),
      }),
      // After the deletes, so that their space is reused and the statistics see what is left.
      ...(deps.vacuum && { vacuumedTables: await deps.vacuum() }),
    }),
  },
  {
    // After a key rotation, once every instance runs with the new key lists: not scheduled,
    // since it walks every alert, which a schedule would repeat for nothing between rotations,
    // and the operator reads its counts to know when an old key may go (README "Rotating keys").
    name: 'rekey',
    cron: null,
    run: async (deps, now, stop) => ({
      ...(await rekey({ deps, now, stop })),
      ...(stop?.aborted && { stopped: true }),
    }),
  },
];

/**
 * A run holds its job for two minutes at a time and renews the lease every half minute while it
 * lasts, so that a long run keeps its job, and a run killed outright (SIGKILL, an out-of-memory
 * kill, a lost machine) frees it for the next run within two minutes.
 */
const JOB_LEASE_MS = 2 * 60_000;
const JOB_LEASE_RENEW_MS = 30_000;

export type JobOutcome =
  | { status: 'done'; durationMs: number; result: LogFields }
  | { status: 'busy' }
  | { status: 'failed'; durationMs: number };

/**
 * Runs a job once, unless another instance holds it: the job's row is leased for the run and
 * released after it, and the run's figures are recorded for /metrics. Every job is safe to
 * repeat, so a run cut short by a crash is simply done again by the next one. It never throws: a
 * database that cannot be reached makes the run `failed`, which a scheduler may simply repeat.
 */
export async function runJob(
  deps: Deps,
  job: Job,
  options: { stop?: AbortSignal } = {},
): Promise<JobOutcome> {
  const startedAt = deps.clock.now();
  let leased: boolean;
  try {
    leased = await leaseJob(deps, job.name, startedAt);
  } catch (error) {
    deps.log.error('job not started', { job: job.name, ...describeError(error) });
    return { status: 'failed', durationMs: 0 };
  }
  if (!leased) return { status: 'busy' };

  const started = performance.now();
  const renewal = setInterval(() => {
    renewLease(deps, job.name, startedAt).catch((error: unknown) => {
      deps.log.warn('job lease not renewed', { job: job.name, ...describeError(error) });
    });
  }, JOB_LEASE_RENEW_MS);
  let outcome: JobOutcome;
  try {
    const result = await job.run(deps, startedAt, options.stop);
    outcome = { status: 'done', durationMs: Math.round(performance.now() - started), result };
    deps.log.info('job done', { job: job.name, durationMs: outcome.durationMs, ...result });
  } catch (error) {
    outcome = { status: 'failed', durationMs: Math.round(performance.now() - started) };
    deps.log.error('job failed', { job: job.name, ...describeError(error) });
  } finally {
    clearInterval(renewal);
  }
  await releaseJob(deps, job.name, startedAt, outcome);
  return outcome;
}

async function leaseJob(deps: Deps, name: string, startedAt: Date): Promise<boolean> {
  await deps.db.insert(jobState).values({ name, runs: 0, failures: 0 }).onConflictDoNothing();
  const leased = await deps.db
    .update(jobState)
    .set({ lockedUntil: new Date(startedAt.getTime() + JOB_LEASE_MS), lastStartedAt: startedAt })
    .where(
      and(
        eq(jobState.name, name),
        or(isNull(jobState.lockedUntil), lte(jobState.lockedUntil, startedAt)),
      ),
    )
    .returning({ name: jobState.name });
  return leased.length > 0;
}

/** Extends this run's lease; the start time tells this run's lease from a later run's. */
async function renewLease(deps: Deps, name: string, startedAt: Date) {
  await deps.db
    .update(jobState)
    .set({ lockedUntil: new Date(deps.clock.now().getTime() + JOB_LEASE_MS) })
    .where(and(eq(jobState.name, name), eq(jobState.lastStartedAt, startedAt)));
}

/** Pauses between attempts to release a lease while the database is away: about a minute in all. */
const RELEASE_RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 15_000, 30_000];

/**
 * Records the run and frees the job. A run that failed because the database went away would
 * otherwise keep its job leased after the database is back, so the release is tried again for
 * about a minute before the lease is left to lapse.
 */
async function releaseJob(deps: Deps, name: string, startedAt: Date, outcome: JobOutcome) {
  if (outcome.status === 'busy') return;
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.db
        .update(jobState)
        .set({
          // A run whose lease lapsed (the database was away for minutes) leaves its successor's be.
          lockedUntil: sql`case when ${jobState.lastStartedAt} = ${startedAt.toISOString()}::timestamptz
            then null else ${jobState.lockedUntil} end`,
          lastFinishedAt: deps.clock.now(),
          lastDurationMs: outcome.durationMs,
          lastOk: outcome.status === 'done',
          runs: sql`${jobState.runs} + 1`,
          failures: sql`${jobState.failures} + ${outcome.status === 'done' ? 0 : 1}`,
        })
        .where(eq(jobState.name, name));
      return;
    } catch (error) {
      const pause = RELEASE_RETRY_MS[attempt];
      if (pause === undefined) {
        deps.log.error('job lease not released', { job: name, ...describeError(error) });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
