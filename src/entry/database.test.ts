import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { openMigratedDatabase } from './database';

describe('the embedded database in DATA_DIR', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tpv-data-dir-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('serves one process at a time: a second open is refused, naming DATA_DIR and the holder', async () => {
    const config = parseConfig({ DATA_DIR: join(dir, 'pgdata') });
    const first = await openMigratedDatabase(config);
    try {
      expect(await readFile(join(dir, 'pgdata.lock'), 'utf8')).toBe(String(process.pid));
      await expect(openMigratedDatabase(config)).rejects.toThrow(
        `DATA_DIR ${join(dir, 'pgdata')} is in use by process ${process.pid}`,
      );
    } finally {
      await first.close();
    }
    // closed, it is free again
    const second = await openMigratedDatabase(config);
    await second.close();
  }, 60_000);

  it('takes over the lock of a process that has died', async () => {
    const config = parseConfig({ DATA_DIR: join(dir, 'pgdata') });
    // no process has this id (above the kernel's pid_max)
    await writeFile(join(dir, 'pgdata.lock'), '4194305');
    const database = await openMigratedDatabase(config);
    expect(await readFile(join(dir, 'pgdata.lock'), 'utf8')).toBe(String(process.pid));
    await database.close();
    await expect(readFile(join(dir, 'pgdata.lock'), 'utf8')).rejects.toThrow('ENOENT');
  }, 60_000);
});
