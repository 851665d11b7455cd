import { describe, expect, it } from 'vitest';
import { expectErrorBody, expectSecurityHeaders, snapshot } from '../fuzz/support/invariants';
import { subscribeAndConfirm, validSubscription } from '../helpers/alerts';
import { setupTestContext } from '../helpers/context';
import { WEBHOOK_SECRET } from '../helpers/postings';

const ctx = setupTestContext({
  env: { POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET, RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET },
});

const KB = 1024;
const MB = 1024 * KB;

/** A JSON subscription padded to `size` bytes with a long search URL. */
function subscriptionOfSize(size: number): string {
  const base = JSON.stringify({ ...validSubscription, searchUrl: '' });
  const padding = size - Buffer.byteLength(base);
  const body = JSON.stringify({ ...validSubscription, searchUrl: 'x'.repeat(padding) });
  expect(Buffer.byteLength(body)).toBe(size);
  return body;
}

/** `size` bytes in chunks, so that the request carries no Content-Length (chunked on the wire). */
function streamed(body: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(body);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 4096));
      offset += 4096;
    },
  });
}

/*
 * A Content-Length smaller than the body is not tried: Node's HTTP parser and the Workers runtime
 * frame the body by that header, so the app never sees more bytes than it announces.
 */
type Sending = 'content-length' | 'chunked';

async function send(path: string, body: string, how: Sending, type = 'application/json') {
  const headers: Record<string, string> = { 'content-type': type };
  if (how === 'content-length') headers['content-length'] = String(Buffer.byteLength(body));
  return ctx.app.request(path, {
    method: 'POST',
    headers,
    body: how === 'content-length' ? body : streamed(body),
    // @ts-expect-error Node's fetch needs duplex for a streamed body
    duplex: 'half',
  });
}

const ways: Sending[] = ['content-length', 'chunked'];

describe('oversized bodies are refused with 413 and the error body, and nothing is stored (SPEC.md §5)', () => {
  for (const how of ways) {
    it(`subscribe: 16 KB + 1 (${how})`, async () => {
      const before = await snapshot(ctx.database.db);
      const response = await send('/v1/alerts', subscriptionOfSize(16 * KB + 1), how);
      expect(response.status).toBe(413);
      await expectErrorBody(response, 'json');
      expect(await snapshot(ctx.database.db)).toEqual(before);
      expect(ctx.mailer.sent).toHaveLength(0);
    });

    it(`pages: 16 KB + 1 form post to each page (${how})`, async () => {
      const alert = await subscribeAndConfirm(ctx);
      const before = await snapshot(ctx.database.db);
      for (const path of [
        '/alerts/confirm',
        '/alerts/not-me',
        '/alerts/manage',
        '/alerts/manage/delete',
        '/alerts/renew',
        '/alerts/unsubscribe',
      ]) {
        const head = `token=${alert.manageToken}&List-Unsubscribe=One-Click&x=`;
        const body = head + 'a'.repeat(16 * KB + 1 - head.length);
        const response = await send(path, body, how, 'application/x-www-form-urlencoded');
        expect(response.status, path).toBe(413);
        await expectErrorBody(response, 'html');
      }
      expect(await snapshot(ctx.database.db)).toEqual(before);
    });

    it(`webhooks: 5 MB + 1 (${how})`, async () => {
      const before = await snapshot(ctx.database.db);
      for (const path of ['/v1/postings', '/v1/postings/withdrawals']) {
        const head = '{"postings":[],"padding":"';
        const body = `${head}${'a'.repeat(5 * MB + 1 - head.length - 2)}"}`;
        expect(body.length).toBe(5 * MB + 1);
        const response = await send(path, body, how);
        expect(response.status, path).toBe(413);
        await expectErrorBody(response, 'json');
      }
      expect(await snapshot(ctx.database.db)).toEqual(before);
    });
  }

  it('takes a subscription of exactly 16 KB', async () => {
    const response = await send('/v1/alerts', subscriptionOfSize(16 * KB), 'chunked');
    // Within the limit the body is read and validated: the long search URL is refused, not the size.
    expect(response.status).toBe(422);
  });
});

describe('security headers (SPEC.md §5)', () => {
  it('sends the strict CSP, nosniff and no-referrer on every page', async () => {
    const alert = await subscribeAndConfirm(ctx);
    const pages = [
      `/alerts/confirm?token=${alert.confirmToken}`,
      `/alerts/not-me?token=${alert.confirmToken}`,
      `/alerts/manage?token=${alert.manageToken}`,
      `/alerts/renew?token=${alert.manageToken}`,
      `/alerts/unsubscribe?token=${alert.unsubscribeToken}`,
      '/alerts/confirm?token=unknown-token-of-the-right-form-00000000',
      '/alerts/nothing-here',
    ];
    for (const path of pages) {
      const response = await ctx.app.request(path, { headers: { accept: 'text/html' } });
      expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
      expectSecurityHeaders(response);
      const csp = response.headers.get('content-security-policy') ?? '';
      for (const directive of [
        "default-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
      ]) {
        expect(csp, path).toContain(directive);
      }
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('sends nosniff, no-referrer and the CSP on the API, operations and errors too', async () => {
    const answers = [
      await ctx.app.request('/healthz'),
      await ctx.app.request('/readyz'),
      await ctx.app.request('/metrics'),
      await ctx.app.request('/v1/alerts/current'),
      await ctx.app.request('/v1/alerts', { method: 'POST', body: '{' }),
      await ctx.app.request('/v1/postings', { method: 'POST', body: '{}' }),
      await ctx.app.request('/nothing-here'),
      await ctx.app.request('/v1/alerts', {
        method: 'OPTIONS',
        headers: { origin: 'https://board.example.org', 'access-control-request-method': 'POST' },
      }),
    ];
    for (const response of answers) {
      expectSecurityHeaders(response);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const preflight = answers.at(-1);
    expect(preflight?.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
