import { Cron } from 'croner';
import type { Deps } from '../deps';
import { jobs, runJob } from '../jobs';

/** The scheduled jobs on Node, run by croner in this process until `stop`. */
export function scheduleJobs(deps: Deps) {
  const running = new Set<Promise<unknown>>();
  const scheduled = jobs.map(
    (job) =>
      // `protect`: a run that lasts past the next tick is not started twice.
      new Cron(job.cron, { name: job.name, protect: true, timezone: 'UTC' }, async () => {
        const run = runJob(deps, job);
        running.add(run);
        await run.finally(() => running.delete(run));
      }),
  );
  return {
    /** how many runs are under way */
    get running() {
      return running.size;
    },
    /**
     * No new runs; the current ones finish. Jobs work in transactions of their own: letting the
     * current one finish leaves nothing half-done, and whatever a run did not reach, the next
     * run does.
     */
    async stop() {
      for (const job of scheduled) job.stop();
      await Promise.allSettled([...running]);
    },
  };
}
