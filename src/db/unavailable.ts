/**
 * Errors that say the database is away rather than that a query was wrong: the driver could not
 * reach the server or lost its connection (postgres.js's own codes and the socket's), or the server
 * is shutting down, starting up, or out of connections. A request that meets one is answered 503
 * with Retry-After, because nothing in it was at fault and the same request will succeed later.
 */
const connectionCodes = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const serverStates = new Set(['57P01', '57P02', '57P03', '53300']);

export function isDatabaseUnavailable(error: unknown): boolean {
  // drizzle wraps the driver's error as `cause`; a failed rollback may wrap it once more.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code: unknown = Reflect.get(current, 'code');
    if (typeof code === 'string') {
      // Class 08 is "connection exception" in every Postgres version.
      if (connectionCodes.has(code) || serverStates.has(code) || /^08[0-9A-Z]{3}$/.test(code)) {
        return true;
      }
    }
    if (current instanceof AggregateError && current.errors.some(isDatabaseUnavailable)) {
      return true;
    }
    current = current.cause;
  }
  return false;
}
