import { serve } from '@hono/node-server';
import { createApp } from '../app';
import { ConfigError, parseConfig } from '../config';
import { createJsonLog, describeError } from '../log';
import { scheduleJobs } from './scheduler';
import { buildNodeDeps } from './services';

/** `npm start`: the service on Node, PGlite and the outbox folder unless configured otherwise. */
async function main() {
  const config = parseConfig(process.env);
  const log = createJsonLog((line) => process.stdout.write(`${line}\n`), {
    level: config.LOG_LEVEL,
  });
  const { deps, database } = await buildNodeDeps(config, log);
  const app = createApp(deps);

  const scheduler = scheduleJobs(deps);

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
    log.info('stopping', { signal, runningJobs: scheduler.running });
    const jobsStopped = scheduler.stop();
    server.close(async () => {
      await jobsStopped;
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
