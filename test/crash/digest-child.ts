/**
 * The digests job in a process of its own, for the crash test to kill: builds the service's Node
 * dependencies from the environment, says `ready`, waits for a `go` line on stdin (so that the
 * test can start it while the killed run's lease lapses), runs the job's body once (composing and
 * delivering), says `done`.
 */
import { parseConfig } from '../../src/config';
import { buildNodeDeps } from '../../src/entry/services';
import { jobs } from '../../src/jobs';
import { createJsonLog } from '../../src/log';

const config = parseConfig(process.env);
const log = createJsonLog((line) => process.stderr.write(`${line}\n`), {
  level: config.LOG_LEVEL,
});
const { deps, database } = await buildNodeDeps(config, log);
const digests = jobs.find((job) => job.name === 'digests');
if (!digests) throw new Error('no digests job');
process.stdout.write('ready\n');
await new Promise((resolve, reject) => {
  process.stdin.once('data', resolve);
  process.stdin.once('end', () => reject(new Error('stdin closed before go')));
});
// An open stdin would keep the process alive after its run.
process.stdin.destroy();
const result = await digests.run(deps, deps.clock.now());
log.info('digests run', result);
await database.close();
process.stdout.write('done\n');
