import { parseConfig } from '../config';
import { jobs, runJob } from '../jobs';
import { createJsonLog } from '../log';
import { buildNodeDeps } from './services';

/**
 * `npm run job -- <name>`: runs one scheduled job (or `all`) once against the configured database
 * and exits, non-zero when a job failed or another instance held it.
 */
const names = process.argv.slice(2);
const known = jobs.map((job) => job.name);
const chosen = names.includes('all') ? jobs : jobs.filter((job) => names.includes(job.name));
if (
  names.length === 0 ||
  chosen.length === 0 ||
  names.some((name) => name !== 'all' && !known.includes(name))
) {
  process.stderr.write(`usage: npm run job -- <${[...known, 'all'].join('|')}>\n`);
  process.exit(2);
}

const config = parseConfig(process.env);
const log = createJsonLog((line) => process.stdout.write(`${line}\n`), { level: config.LOG_LEVEL });
// SIGTERM (a deploy, a container stop) or Ctrl-C: the running job finishes the batch in hand and
// returns, the jobs after it are left to the next invocation, and the process exits normally.
const stop = new AbortController();
const onSignal = (signal: string) => {
  if (stop.signal.aborted) return;
  log.info('stopping', { signal });
  stop.abort();
};
process.on('SIGTERM', () => onSignal('SIGTERM'));
process.on('SIGINT', () => onSignal('SIGINT'));

const { deps, database } = await buildNodeDeps(config, log);

let failed = false;
for (const job of chosen) {
  if (stop.signal.aborted) {
    log.info('job skipped', { job: job.name });
    continue;
  }
  const outcome = await runJob(deps, job, { stop: stop.signal });
  if (outcome.status !== 'done') {
    failed = true;
    process.stderr.write(`job ${job.name}: ${outcome.status}\n`);
  }
}
await database.close();
process.exit(failed ? 1 : 0);
