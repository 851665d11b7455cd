import cluster, { type Worker } from 'node:cluster';
import { serve } from '@hono/node-server';
import { createApp } from '../app';
import { type Config, ConfigError, parseConfig } from '../config';
import { settleAfterResponse } from '../http/after-response';
import { createJsonLog, describeError, type Log } from '../log';
import { scheduleJobs } from './scheduler';
import { buildNodeDeps } from './services';

/**
 * `npm start`: the service on Node, PGlite and the outbox folder unless configured otherwise.
 *
 * With WORKERS=n (Postgres only) this process migrates the database, settles the keys and runs
 * the scheduled jobs, and n worker processes serve HTTP on the same port, so that requests use
 * every core. Otherwise this one process does all of it.
 */
async function main() {
  const config = parseConfig(process.env);
  const log = createJsonLog((line) => process.stdout.write(`${line}\n`), {
    level: config.LOG_LEVEL,
  });
  if (cluster.isWorker) return serveHttp(config, log, { jobs: false });
  if (config.WORKERS === 1) return serveHttp(config, log, { jobs: true });
  return superviseWorkers(config, log);
}

/** Serves HTTP in this process until SIGTERM or SIGINT, with the scheduled jobs if asked. */
async function serveHttp(config: Config, log: Log, { jobs }: { jobs: boolean }) {
  const { deps, database } = await buildNodeDeps(config, log);
  const app = createApp(deps);
  const scheduler = jobs ? scheduleJobs(deps) : undefined;

  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    log.info('listening', {
      port: info.port,
      engine: database.engine,
      mail: config.RESEND_API_KEY ? 'resend' : 'outbox',
      baseUrl: config.PUBLIC_BASE_URL,
      ...(cluster.isWorker ? { worker: cluster.worker?.id, pid: process.pid } : {}),
    });
  });

  onStopSignal(log, { runningJobs: () => scheduler?.running ?? 0 }, async () => {
    const jobsStopped = scheduler?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await settleAfterResponse();
    await jobsStopped;
    await database.close();
  });
}

/**
 * Runs the jobs here and WORKERS HTTP processes beside, replacing a worker that dies. On SIGTERM
 * the workers finish the requests in hand and the jobs the batch in hand, then all exit.
 */
async function superviseWorkers(config: Config, log: Log) {
  // Migrations and generated keys are settled once, here, before any worker opens the database.
  const { deps, database } = await buildNodeDeps(config, log);
  const scheduler = scheduleJobs(deps);
  let stopping = false;
  // A worker per core leaves no core free for a garbage collector's helper threads: they would
  // only take turns with the other workers and Postgres. Collecting on the worker's own thread
  // costs less CPU in all (ingest on 2 cores: 5,358-5,729 postings/s against 4,803-5,068).
  cluster.setupPrimary({ execArgv: [...process.execArgv, '--single-threaded-gc'] });
  const fork = () => cluster.fork();
  for (let index = 0; index < config.WORKERS; index++) fork();
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) return;
    log.error('worker exited; starting another', { worker: worker.id, code, signal });
    fork();
  });

  onStopSignal(log, { runningJobs: () => scheduler.running }, async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    const exited = workers.map(
      (worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())),
    );
    for (const worker of workers) worker.process.kill('SIGTERM');
    await Promise.all([scheduler.stop(), ...exited]);
    await database.close();
  });
}

/** Stops once on SIGTERM or SIGINT: exit 0 when `stop` finishes, 1 if it takes over 25 s. */
function onStopSignal(log: Log, state: { runningJobs(): number }, stop: () => Promise<void>) {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal, runningJobs: state.runningJobs() });
    setTimeout(() => process.exit(1), 25_000).unref();
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('stopping failed', describeError(error));
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
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
