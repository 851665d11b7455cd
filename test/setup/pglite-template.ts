import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migratePglite, openPglite } from '../../src/db/pglite';
import { migrationsFolder } from '../../src/entry/database';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/** Runs initdb and the migrations once; each test file starts from a copy of the result. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), 'tpv-template-'));
  const database = await openPglite();
  await migratePglite(database, migrationsFolder);
  const dump = await database.client.dumpDataDir('none');
  await database.close();
  const file = join(dir, 'template.tar');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  return () => rm(dir, { recursive: true, force: true });
}
