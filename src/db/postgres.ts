import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Db } from './database';
import * as schema from './schema';

export interface PostgresDatabase {
  db: Db;
  client: postgres.Sql;
  close(): Promise<void>;
}

/**
 * Seconds before a connection tries the server again after a failed attempt. postgres.js waits up
 * to 20 s by default once attempts have piled up during an outage, which keeps a service waiting
 * long after its database is back; a short cap brings it back within a second or two.
 */
const reconnectDelaySeconds = (retries: number) =>
  Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2);

export function openPostgres(url: string, options: { max?: number } = {}): PostgresDatabase {
  const client = postgres(url, {
    max: options.max ?? 10,
    backoff: reconnectDelaySeconds,
    // A server that does not answer at all fails the request within seconds, not half a minute.
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'tyopaikkavahti' },
  });
  return {
    db: drizzle({ client: preparingSmallStatements(client), schema }),
    client,
    close: () => client.end({ timeout: 5 }),
  };
}

/** Statements with at most this many parameters are prepared; larger (batch) ones are not. */
const MAX_PREPARED_PARAMETERS = 64;

/**
 * drizzle runs every query with `prepare: false`, and postgres.js then sends a query that has
 * parameters in two round trips (first Parse and Describe, to learn the parameter types, then
 * Bind and Execute), with Postgres parsing and planning it each time. Prepared, a statement
 * costs one round trip and is parsed once per connection. The small statements a request runs
 * are few and fixed; batch statements (a row of parameters per item, so a different text for
 * each size) stay unnamed, so that the statements kept per connection stay few.
 */
function preparingSmallStatements(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (query: string, parameters?: unknown[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(
            query,
            parameters as postgres.ParameterOrJSON<never>[],
            (parameters?.length ?? 0) <= MAX_PREPARED_PARAMETERS
              ? { ...options, prepare: true }
              : options,
          );
      }
      if (property === 'begin' || property === 'savepoint') {
        // The transaction's own client, handed to the callback, prepares the same way.
        return (...args: unknown[]) =>
          Reflect.apply(
            Reflect.get(target, property, receiver),
            target,
            args.map((arg) =>
              typeof arg === 'function'
                ? (inner: postgres.Sql) => arg(preparingSmallStatements(inner))
                : arg,
            ),
          );
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A lock id of our own, so that instances starting together migrate one after another. */
const MIGRATION_LOCK = 727_001;

export async function migratePostgres(url: string, migrationsFolder: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle({ client }), { migrationsFolder });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
