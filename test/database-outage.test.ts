import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { Db } from '../src/db/database';
import { setupTestContext, type TestContext } from './helpers/context';
import { jobPosting, postPostings, webhookEnv } from './helpers/postings';

const ctx = setupTestContext({ env: webhookEnv });

/**
 * A database that has gone away, as postgres.js reports it: every query fails with
 * CONNECTION_CLOSED, wrapped the way drizzle wraps driver errors.
 */
function lostDatabase(): Db {
  const lost = () => {
    const driverError = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), {
      code: 'CONNECTION_CLOSED',
    });
    throw new Error('Failed query', { cause: driverError });
  };
  return new Proxy(ctx.deps.db, {
    get: (target, property, receiver) =>
      ['select', 'insert', 'update', 'delete', 'execute', 'transaction'].includes(String(property))
        ? lost
        : Reflect.get(target, property, receiver),
  });
}

describe('a request while the database is unreachable', () => {
  it('is answered 503 unavailable with Retry-After, not 500, and logged as a warning', async () => {
    const app = createApp({ ...ctx.deps, db: lostDatabase() });
    // The context with this app; the rest (its clock) read through from the shared one.
    const withApp: TestContext = Object.assign(Object.create(ctx), { app });
    const response = await postPostings(withApp, [jobPosting(ctx)]);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(ctx.logLines.some((line) => line.includes('"msg":"database unavailable"'))).toBe(true);
    expect(ctx.logLines.some((line) => line.includes('"msg":"unhandled error"'))).toBe(false);
  });

  it('gives a page a 503 page', async () => {
    const app = createApp({ ...ctx.deps, db: lostDatabase() });
    const response = await app.request('/alerts/manage?token=abcdefghijklmnopqrstuv', {
      headers: { accept: 'text/html' },
    });

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('still answers 500 for an error that is not about the connection', async () => {
    const broken = new Proxy(ctx.deps.db, {
      get: (target, property, receiver) =>
        property === 'select'
          ? () => {
              throw Object.assign(new Error('relation does not exist'), { code: '42P01' });
            }
          : Reflect.get(target, property, receiver),
    });
    const app = createApp({ ...ctx.deps, db: broken });
    const response = await app.request('/metrics');

    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ error: { code: 'internal' } });
  });
});
