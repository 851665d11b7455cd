import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { setupTestContext } from './helpers/context';

const ctx = setupTestContext({
  env: { TERMS_URL: 'https://jobs.example.org/ehdot', TERMS_VERSION: '2025-01-15' },
});

const host = 'https://jobs.example.org';

describe('GET /widget.js', () => {
  it('serves a script that other origins may load, revalidated by ETag', async () => {
    const response = await ctx.app.request('/widget.js', { headers: { origin: host } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=300\b/);
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-z]+"$/);

    const again = await ctx.app.request('/widget.js', {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('stays under 15 KB gzipped', async () => {
    const script = await (await ctx.app.request('/widget.js')).text();
    expect(gzipSync(script).length).toBeLessThan(15 * 1024);
  });

  it('is one plain script that parses, with no bundler helpers such as __name', async () => {
    const script = await (await ctx.app.request('/widget.js')).text();
    expect(() => new Function(script)).not.toThrow();
    expect(script).not.toContain('__name');
    expect(script).not.toMatch(/\beval\(|new Function|innerHTML|\.style\b|setAttribute\('style'/);
  });

  it('posts to the service origin and sends the configured terms version and link', async () => {
    const script = await (await ctx.app.request('/widget.js')).text();
    expect(script).toContain('"subscribeUrl":"https://vahti.example.org/v1/alerts"');
    expect(script).toContain('"termsVersion":"2025-01-15"');
    expect(script).toContain('"termsUrl":"https://jobs.example.org/ehdot"');
    expect(script).toMatch(/"stylesheetUrl":"https:\/\/vahti\.example\.org\/widget\.css\?v=\w+"/);
    expect(script).toContain("credentials: 'omit'");
    // the wording of every language, the confirmation link's lifetime filled in
    expect(script).toContain('Tilaa työpaikkavahti');
    expect(script).toContain('Beställ jobbevakning');
    expect(script).toContain('Linkki on voimassa 48 tuntia.');
  });
});

describe('GET /widget.css', () => {
  it('serves the stylesheet cross-origin, for a year under its versioned URL', async () => {
    const script = await (await ctx.app.request('/widget.js')).text();
    const url = new URL(script.match(/"stylesheetUrl":"([^"]+)"/)?.[1] ?? '');
    const versioned = await ctx.app.request(`${url.pathname}${url.search}`);
    expect(versioned.status).toBe(200);
    expect(versioned.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(versioned.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await versioned.text()).toContain('--job-alert-accent');

    const stale = await ctx.app.request('/widget.css?v=old');
    expect(stale.headers.get('cache-control')).toBe('public, max-age=300');
  });
});

describe('the widget posting cross-origin', () => {
  it('passes the CORS preflight without credentials and may read Retry-After', async () => {
    const preflight = await ctx.app.request('/v1/alerts', {
      method: 'OPTIONS',
      headers: {
        origin: host,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const answer = await ctx.app.request('/v1/alerts', {
      method: 'POST',
      headers: { origin: host, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('access-control-expose-headers')).toBe('Retry-After');
  });
});
