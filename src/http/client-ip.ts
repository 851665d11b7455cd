import type { Context } from 'hono';

/**
 * The client's address, for rate limits and the request log. On Node it is the socket's peer,
 * which @hono/node-server hands over as `env.incoming`, or behind a proxy (only with TRUST_PROXY)
 * the last X-Forwarded-For entry: the one the proxy added, since a proxy appends the peer it saw
 * to whatever the client sent. On Workers, where there is no socket, it is Cloudflare's
 * `cf-connecting-ip`, which Cloudflare sets itself; on Node that header is whatever the client
 * wrote, and taking it would let one client pass for any number of them.
 */
export function clientIp(c: Context, trustProxy: boolean): string | undefined {
  const peer = socketPeer(c.env);
  const cloudflare = peer === undefined ? c.req.header('cf-connecting-ip') : undefined;
  if (cloudflare) return cloudflare;
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return peer ?? undefined;
}

/** The peer of Node's socket; null when the socket has none (closed), undefined off Node. */
function socketPeer(env: unknown): string | null | undefined {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = env.incoming as { socket?: { remoteAddress?: string } } | undefined;
  return incoming?.socket?.remoteAddress ?? null;
}
