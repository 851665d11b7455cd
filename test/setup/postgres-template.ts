import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { migratePostgres } from '../../src/db/postgres';
import { migrationsFolder } from '../../src/entry/database';
import { databaseUrl } from '../helpers/postgres-url';

/** Migrates one template database; each test file gets a database copied from it. */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const template = `tpv_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template}`);
  await admin.unsafe(`create database ${template}`);
  await migratePostgres(databaseUrl(adminUrl, template), migrationsFolder);
  project.provide('postgresTemplate', template);
  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}
