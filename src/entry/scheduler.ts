import { Cron } from 'croner';
import type { Deps } from '../deps';
import { jobs, runJob } from '../jobs';

/**
 * The scheduled jobs on Node (those with a cron), run by croner in this process until `stop`.
 * The deliver job also runs once at once, so that what a stopped or crashed instance left queued
 * goes out now rather than at the next minute.
 */
export function scheduleJobs(deps: Deps) {
  const running = new Set<Promise<unknown>>();
  const stopping = new AbortController();
  const scheduled = jobs.flatMap((job) => {
    if (job.cron === null) return [];
    // `protect`: a run that lasts past the next tick is not started twice.
    return new Cron(job.cron, { name: job.name, protect: true, timezone: 'UTC' }, async () => {
      const run = runJob(deps, job, { stop: stopping.signal });
      running.add(run);
      await run.finally(() => running.delete(run));
    });
  });
  void scheduled.find((cron) => cron.name === 'deliver')?.trigger();
  return {
    /** how many runs are under way */
    get running() {
      return running.size;
    },
    /**
     * No new runs; the current ones finish the batch in hand and return. Jobs work in
     * transactions of their own, so this leaves nothing half-done, and whatever a run did not
     * reach, the next run does.
     */
    async stop() {
      for (const job of scheduled) job.stop();
      stopping.abort();
      await Promise.allSettled([...running]);
    },
  };
}
