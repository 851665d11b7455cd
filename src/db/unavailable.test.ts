import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable';

const withCode = (code: string, cause?: unknown) =>
  Object.assign(new Error('driver error', { cause }), { code });

describe('isDatabaseUnavailable', () => {
  it('knows a lost or refused connection, also wrapped as drizzle wraps it', () => {
    expect(isDatabaseUnavailable(withCode('CONNECTION_CLOSED'))).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('query failed', { cause: withCode('ECONNREFUSED') })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')]))).toBe(true);
  });

  it('knows a server shutting down, starting up or out of connections', () => {
    for (const code of ['57P01', '57P02', '57P03', '53300', '08006', '08001']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    }
  });

  it('leaves a wrong query or a conflict to the usual 500', () => {
    for (const code of ['23505', '42P01', '22P02', '40001']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    }
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
    expect(isDatabaseUnavailable('CONNECTION_CLOSED')).toBe(false);
  });
});
