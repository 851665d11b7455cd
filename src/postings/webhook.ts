import { fromBase64, toBase64, utf8 } from '../crypto/encoding';
import { AppError } from '../errors';

/** How far a signed timestamp may be from our clock, either way (SPEC.md §2). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

const unauthorized = (message: string) => new AppError('unauthorized', message);

const signingKey = (secret: string, usage: 'sign' | 'verify') =>
  crypto.subtle.importKey(
    'raw',
    fromBase64(secret.slice('whsec_'.length)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    [usage],
  );

/**
 * Signs a delivery the Standard Webhooks way, as the postings pipeline does: the headers to send
 * with `body`. For the demo and for senders written in TypeScript; Web Crypto only.
 */
export async function signWebhook({
  secret,
  id,
  body,
  at,
}: {
  secret: string;
  id: string;
  body: string;
  at: Date;
}): Promise<Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = await signingKey(secret, 'sign');
  const mac = await crypto.subtle.sign('HMAC', key, utf8(`${id}.${timestamp}.${body}`));
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${toBase64(new Uint8Array(mac))}`,
  };
}

/**
 * Verifies a delivery signed the Standard Webhooks way: `webhook-signature` holds one or more
 * space-separated `v1,<base64 HMAC-SHA-256 of "id.timestamp.body">` under the `whsec_` secret, and
 * `webhook-timestamp` (Unix seconds) is within five minutes of `now`. Uses Web Crypto only, so it
 * runs on Workers too; `crypto.subtle.verify` compares in constant time. Answers the delivery id.
 */
export async function verifyWebhook({
  secret,
  headers,
  body,
  now,
}: {
  secret: string;
  headers: WebhookHeaders;
  /** the body as it came, best as bytes: a signature covers bytes, not their decoding */
  body: Uint8Array | string;
  now: Date;
}): Promise<string> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) {
    throw unauthorized(
      'The webhook-id, webhook-timestamp and webhook-signature headers are required.',
    );
  }
  if (id.length > 200) throw unauthorized('The webhook-id is too long.');
  if (!/^\d{1,12}$/.test(timestamp))
    throw unauthorized('The webhook-timestamp is not a Unix time.');
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > WEBHOOK_TOLERANCE_SECONDS) {
    throw unauthorized('The webhook-timestamp is more than 5 minutes away from our clock.');
  }

  const key = await signingKey(secret, 'verify');
  const prefix = utf8(`${id}.${timestamp}.`);
  const payload = typeof body === 'string' ? utf8(body) : body;
  const signed = new Uint8Array(prefix.length + payload.length);
  signed.set(prefix);
  signed.set(payload, prefix.length);
  for (const candidate of signature.split(' ')) {
    const [version, value] = candidate.split(',', 2);
    if (version !== 'v1' || !value) continue;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromBase64(value);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify('HMAC', key, bytes, signed)) return id;
  }
  throw unauthorized('The webhook signature does not match.');
}
