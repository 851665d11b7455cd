import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Tx } from '../../src/db/database';

const dialect = new PgDialect();

/**
 * `tx`, whose `execute` waits for `pause` before a statement holding `text`: a transaction held
 * at a known point, so that another can be run against its locks.
 */
export function pausedAt(tx: Tx, text: string, pause: () => Promise<void>): Tx {
  return new Proxy(tx, {
    get(target, property) {
      if (property === 'execute') {
        return async (query: SQL) => {
          if (dialect.sqlToQuery(query).sql.includes(text)) await pause();
          return target.execute(query);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
