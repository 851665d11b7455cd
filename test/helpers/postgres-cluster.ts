import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net';

const run = promisify(execFile);

/** Where Debian's postgresql-15 package puts the server binaries (.ci/run installs it there). */
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A Postgres 15 cluster of a test's own, on a free loopback port, that the test may stop and start
 * at will: for faults that the shared test server must never see. As root (CI), every command runs
 * as the `postgres` user through `runuser`, because initdb and postgres refuse to run as root.
 */
export interface PostgresCluster {
  /** `postgres://app@127.0.0.1:<port>/postgres`, trust auth */
  url: string;
  port: number;
  /** the cluster's own database URL for `name` */
  databaseUrl(name: string): string;
  /** `fast` ends sessions with admin_shutdown, as a restart by an operator does; `immediate` as a crash */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** the server log so far, for a failing test's message */
  log(): Promise<string>;
  /** stops the server (immediate) and deletes its files */
  destroy(): Promise<void>;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const root = await mkdtemp(join(tmpdir(), 'tpv-faults-pg-'));
  const data = join(root, 'data');
  const sockets = join(root, 'sock');
  const logFile = join(root, 'postgres.log');
  await mkdir(data, { mode: 0o700 });
  await mkdir(sockets);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    for (const path of [root, data, sockets]) {
      await chown(path, Number(stdout.trim()), Number(group.trim()));
    }
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(PG_BIN, tool), ...args])
      : run(join(PG_BIN, tool), args);

  await pg('initdb', [
    '-D',
    data,
    '-U',
    'app',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${sockets}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c max_connections=50',
  ].join(' ');
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '30', 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pg('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
  };
  await start();

  const url = `postgres://app@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    databaseUrl: (name) => `postgres://app@127.0.0.1:${port}/${name}`,
    stop,
    start,
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    async destroy() {
      await stop('immediate').catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
