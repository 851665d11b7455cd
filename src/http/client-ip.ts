import type { Context } from 'hono';

/**
 * The client's address, for rate limits and the request log. Behind a proxy it is the first
 * X-Forwarded-For entry (only with TRUST_PROXY); on Workers Cloudflare's header; on Node the
 * socket's peer, which @hono/node-server hands over as `env.incoming`.
 */
export function clientIp(c: Context, trustProxy: boolean): string | undefined {
  const cloudflare = c.req.header('cf-connecting-ip');
  if (cloudflare) return cloudflare;
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const env: unknown = c.env;
  if (typeof env === 'object' && env !== null && 'incoming' in env) {
    const incoming = env.incoming as { socket?: { remoteAddress?: string } } | undefined;
    return incoming?.socket?.remoteAddress;
  }
  return undefined;
}
