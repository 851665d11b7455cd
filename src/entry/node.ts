import { serve } from '@hono/node-server';
import { Cron } from 'croner';
import { createApp } from '../app';
import { ConfigError, parseConfig } from '../config';
import { createKeyring } from '../crypto/keyring';
import { createOutboxFolder } from '../delivery/outbox-folder';
import { createResendMailer } from '../delivery/resend';
import { type Deps, systemClock } from '../deps';
import { jobs } from '../jobs';
import { createJsonLog, describeError } from '../log';
import { openMigratedDatabase } from './database';
import { loadKeyMaterial } from './keys';

/** `npm start`: the service on Node, PGlite and the outbox folder unless configured otherwise. */
async function main() {
  const config = parseConfig(process.env);
  const log = createJsonLog((line) => process.stdout.write(`${line}\n`), {
    level: config.LOG_LEVEL,
  });
  const keyring = await createKeyring(await loadKeyMaterial(config, log));
  const database = await openMigratedDatabase(config);
  const outbox = config.RESEND_API_KEY
    ? undefined
    : createOutboxFolder({ dir: config.OUTBOX_DIR, from: config.MAIL_FROM, now: systemClock.now });
  const mailer = config.RESEND_API_KEY
    ? createResendMailer({
        apiKey: config.RESEND_API_KEY,
        baseUrl: config.RESEND_BASE_URL,
        from: config.MAIL_FROM,
        log,
      })
    : outbox;
  if (!mailer) throw new Error('unreachable: a mailer is configured');
  const deps: Deps = {
    db: database.db,
    mailer,
    outbox,
    clock: systemClock,
    config,
    log,
    keyring,
  };
  const app = createApp(deps);

  const scheduled = jobs.map(
    (job) =>
      new Cron(job.cron, { name: job.name, protect: true, timezone: 'UTC' }, async () => {
        const started = performance.now();
        try {
          const result = await job.run(deps, systemClock.now());
          log.info('job done', {
            job: job.name,
            durationMs: Math.round(performance.now() - started),
            ...result,
          });
        } catch (error) {
          log.error('job failed', { job: job.name, ...describeError(error) });
        }
      }),
  );

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
    log.info('stopping', { signal });
    for (const job of scheduled) job.stop();
    server.close(async () => {
      await database.close();
      log.info('stopped');
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 10_000).unref();
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
