import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { sendReminders } from './alerts/reminders';
import { jobState } from './db/schema';
import { runDigests } from './delivery/digests';
import { deliverDue } from './delivery/outbox';
import type { Deps } from './deps';
import { describeError, type LogFields } from './log';
import { runRetention } from './retention/retention';

export interface Job {
  name: string;
  /** when it runs, as a cron expression in UTC (croner on Node, Cron Triggers on Workers) */
  cron: string;
  run(deps: Deps, now: Date): Promise<LogFields>;
}

/** The one list of scheduled jobs. */
export const jobs: Job[] = [
  {
    name: 'deliver',
    cron: '* * * * *',
    run: async (deps, now) => deliverDue({ deps, now }),
  },
  {
    name: 'digests',
    cron: '*/5 * * * *',
    run: async (deps, now) => {
      const composed = await runDigests({ deps, now });
      // Batches a crash or a provider fault left behind go out with this run too.
      const delivered = await deliverDue({ deps, now });
      return {
        ...composed,
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
    run: async (deps, now) => runRetention({ deps, now }),
  },
];

/** How long a run may hold its job before another instance may take it over (a crashed run). */
const JOB_LEASE_MS = 30 * 60_000;

export type JobOutcome =
  | { status: 'done'; durationMs: number; result: LogFields }
  | { status: 'busy' }
  | { status: 'failed'; durationMs: number };

/**
 * Runs a job once, unless another instance holds it: the job's row is leased for the run and
 * released after it, and the run's figures are recorded for /metrics. Every job is safe to
 * repeat, so a run cut short by a crash is simply done again by the next one.
 */
export async function runJob(deps: Deps, job: Job): Promise<JobOutcome> {
  const startedAt = deps.clock.now();
  await deps.db
    .insert(jobState)
    .values({ name: job.name, runs: 0, failures: 0 })
    .onConflictDoNothing();
  const [leased] = await deps.db
    .update(jobState)
    .set({ lockedUntil: new Date(startedAt.getTime() + JOB_LEASE_MS), lastStartedAt: startedAt })
    .where(
      and(
        eq(jobState.name, job.name),
        or(isNull(jobState.lockedUntil), lte(jobState.lockedUntil, startedAt)),
      ),
    )
    .returning({ name: jobState.name });
  if (!leased) return { status: 'busy' };

  const started = performance.now();
  let outcome: JobOutcome;
  try {
    const result = await job.run(deps, startedAt);
    outcome = { status: 'done', durationMs: Math.round(performance.now() - started), result };
    deps.log.info('job done', { job: job.name, durationMs: outcome.durationMs, ...result });
  } catch (error) {
    outcome = { status: 'failed', durationMs: Math.round(performance.now() - started) };
    deps.log.error('job failed', { job: job.name, ...describeError(error) });
  }
  await deps.db
    .update(jobState)
    .set({
      lockedUntil: null,
      lastFinishedAt: deps.clock.now(),
      lastDurationMs: outcome.durationMs,
      lastOk: outcome.status === 'done',
      runs: sql`${jobState.runs} + 1`,
      failures: sql`${jobState.failures} + ${outcome.status === 'done' ? 0 : 1}`,
    })
    .where(eq(jobState.name, job.name));
  return outcome;
}
