import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tpv-job-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const job = (...names: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/entry/job.ts', ...names], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: join(dir, 'pgdata'),
      OUTBOX_DIR: join(dir, 'outbox'),
      KEYS_FILE: join(dir, 'keys.json'),
    },
  });

describe('npm run job -- <name>', () => {
  it('runs every job once against the configured database and exits 0', async () => {
    const { stdout } = await job('all');
    const done = stdout.split('\n').filter((line) => line.includes('"msg":"job done"'));
    expect(done.map((line) => JSON.parse(line).job)).toEqual([
      'deliver',
      'digests',
      'reminders',
      'retention',
      'rekey',
    ]);
  }, 30_000);

  it('refuses an unknown job name with exit status 2', async () => {
    await expect(job('nonsense')).rejects.toMatchObject({ code: 2 });
  }, 30_000);
});
