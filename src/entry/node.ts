import { serve } from '@hono/node-server';
import { Cron } from 'croner';
import { createApp } from '../app';
import { ConfigError, parseConfig } from '../config';
import { jobs, runJob } from '../jobs';
import { createJsonLog, describeError } from '../log';
import { buildNodeDeps } from './services';

/** `npm start`: the service on Node, PGlite and the outbox folder unless configured otherwise. */
async function main() {
  const config = parseConfig(process.env);
  const log = createJsonLog((line) => process.stdout.write(`${line}\n`), {
    level: config.LOG_LEVEL,
  });
  const { deps, database } = await buildNodeDeps(config, log);
  const app = createApp(deps);

  const running = new Set<Promise<unknown>>();
  const stopJobs = new AbortController();
  const scheduled = jobs.map(
    (job) =>
      // `protect`: a run that lasts past the next tick is not started twice.
      new Cron(job.cron, { name: job.name, protect: true, timezone: 'UTC' }, async () => {
        const run = runJob(deps, job, { stop: stopJobs.signal });
        running.add(run);
        await run.finally(() => running.delete(run));
      }),
  );

  // What a stopped or crashed instance left queued goes out now rather than at the next minute.
  void scheduled.find((cron) => cron.name === 'deliver')?.trigger();

  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    log.info('listening', {
      port: info.port,
      engine: database.engine,
      mail: config.RESEND_API_KEY ? 'resend' : 'outbox',
      baseUrl: config.PUBLIC_BASE_URL,
    });
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal, runningJobs: running.size });
    for (const job of scheduled) job.stop();
    // Jobs work in transactions of their own: a running job finishes the batch in hand and
    // returns, which leaves nothing half-done, and whatever it did not reach, the next run does.
    stopJobs.abort();
    server.close(async () => {
      await Promise.allSettled([...running]);
      await database.close();
      log.info('stopped');
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 25_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'start-up failed', ...describeError(error), message: error instanceof Error ? error.message : undefined })}\n`,
    );
  }
  process.exit(1);
});
