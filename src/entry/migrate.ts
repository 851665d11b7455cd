import { parseConfig } from '../config';
import { openMigratedDatabase } from './database';

/** `npm run db:migrate`: applies the migrations in drizzle/ to the configured database. */
const config = parseConfig(process.env);
try {
  const database = await openMigratedDatabase(config);
  await database.close();
  process.stdout.write(`migrated the ${database.engine} database\n`);
} catch (error) {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
