import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { openPglite } from '../src/db/pglite';
import { createTestContext, type TestContext } from './helpers/context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('operations endpoints', () => {
  it('answers /healthz while the process is up', async () => {
    const response = await ctx.app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 on a migrated database', async () => {
    const response = await ctx.app.request('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('answers /readyz with 503 when the database is not migrated', async () => {
    const bare = await openPglite();
    try {
      const app = createApp({ ...ctx.deps, db: bare.db });
      const response = await app.request('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable' });
    } finally {
      await bare.close();
    }
  });

  it('answers /readyz with 503 when the database is gone', async () => {
    const gone = await openPglite();
    await gone.close();
    const app = createApp({ ...ctx.deps, db: gone.db });
    expect((await app.request('/readyz')).status).toBe(503);
  });

  it('answers unknown paths with the JSON error body', async () => {
    const response = await ctx.app.request('/v1/nothing');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'not_found', message: expect.any(String), requestId: expect.any(String) },
    });
  });

  it('logs each request as one JSON line of technical data', async () => {
    ctx.logLines.length = 0;
    await ctx.app.request('/alerts/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    const entry = JSON.parse(ctx.logLines.at(-1) ?? '{}');
    expect(Object.keys(entry).sort()).toEqual(
      ['durationMs', 'ip', 'level', 'method', 'msg', 'requestId', 'route', 'status', 'time'].sort(),
    );
    expect(entry).toMatchObject({
      msg: 'request',
      method: 'GET',
      route: '/alerts/confirm',
      status: 404,
    });
    expect(ctx.logLines.at(-1)).not.toContain('AAAAAAAA');
  });

  it('serves no outbox viewer without an outbox, nor in production', async () => {
    expect((await ctx.app.request('/dev/outbox')).status).toBe(404);
    const production = createApp({
      ...ctx.deps,
      config: { ...ctx.config, NODE_ENV: 'production' },
      outbox: {
        list: async () => [],
        read: async () => undefined,
        prune: async () => 0,
        forget: async () => 0,
      },
    });
    expect((await production.request('/dev/outbox')).status).toBe(404);
  });

  it("serves a rendered email sandboxed, and never inside another site's frame", async () => {
    const entry = {
      id: 'message-1',
      from: 'Työpaikkavahti <vahti@localhost>',
      to: 'maija@example.org',
      subject: 'Vahvista työpaikkavahti',
      html: '<!DOCTYPE html><html lang="fi"><body><p>Hei</p></body></html>',
      text: 'Hei',
      headers: {},
      createdAt: '2026-03-02T10:00:00.000Z',
    };
    const app = createApp({
      ...ctx.deps,
      outbox: {
        list: async () => [entry],
        read: async () => entry,
        prune: async () => 0,
        forget: async () => 0,
      },
    });
    const response = await app.request('/dev/outbox/message-1/html');
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    for (const directive of ['sandbox', "default-src 'none'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
  });
});
