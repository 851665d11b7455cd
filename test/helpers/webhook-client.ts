import { Webhook } from 'standardwebhooks';
import { WEBHOOK_SECRET } from './postings';

/**
 * Posts a body to a running service the way the postings pipeline does: signed with the Standard
 * Webhooks reference library, at the current time, under `deliveryId` (a retry keeps its id and is
 * signed afresh, as the specification asks). A refused connection comes back as status 0.
 */
export async function deliverSigned(
  url: string,
  deliveryId: string,
  body: unknown,
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const payload = JSON.stringify(body);
  const signedAt = new Date();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': deliveryId,
        'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
        'webhook-signature': new Webhook(WEBHOOK_SECRET).sign(deliveryId, signedAt, payload),
      },
      body: payload,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, headers: response.headers, json };
  } catch {
    return { status: 0, headers: new Headers(), json: undefined };
  }
}
