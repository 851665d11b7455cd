import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Log } from '../log';
import { clientIp } from './client-ip';

/**
 * One JSON line per request with technical data only (SPEC.md §1.6): the route pattern, never the
 * URL, because tokens travel in query strings.
 */
export function requestLog(options: { log: Log; trustProxy: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    options.log.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ip: clientIp(c, options.trustProxy) ?? null,
    });
  };
}

const pageCsp = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The headers of SPEC.md §5 on every answer. Pages carry tokens in their URLs, so no referrer ever
 * leaves them, and nothing may frame them.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    if (!c.res.headers.has('Content-Security-Policy')) {
      c.header('Content-Security-Policy', pageCsp);
    }
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (c.res.headers.get('Content-Type')?.startsWith('text/html')) {
      c.header('Cache-Control', 'no-store');
    }
  };
}
