import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError, detailsFromIssues, invalidInput } from '../errors';
import { verifyWebhook } from '../postings/webhook';

/**
 * The body of a webhook signed the Standard Webhooks way (the postings pipeline, the email
 * provider): verified against `secret` (401 when forged or stale; 503 when the service has no
 * secret configured), parsed as JSON (400) and validated with `schema` (422). Answers the
 * delivery's `webhook-id`, for deduplication.
 */
export async function readSignedJson<T extends z.ZodType>(
  c: Context,
  options: { secret: string | undefined; secretName: string; schema: T; now: Date },
): Promise<{ deliveryId: string; input: z.output<T> }> {
  if (!options.secret) {
    throw new AppError('unavailable', `This webhook is not configured: set ${options.secretName}.`);
  }
  // The signature is checked over the bytes as sent: decoding first would drop a byte order mark
  // and replace invalid UTF-8, and a correctly signed delivery would then fail to verify.
  const body = new Uint8Array(await c.req.arrayBuffer());
  const deliveryId = await verifyWebhook({
    secret: options.secret,
    headers: {
      id: signedHeader(c, 'id'),
      timestamp: signedHeader(c, 'timestamp'),
      signature: signedHeader(c, 'signature'),
    },
    body,
    now: options.now,
  });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new AppError('malformed_body', 'The body is not valid JSON.');
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    throw invalidInput(
      'The delivery is not valid; nothing of it was stored.',
      detailsFromIssues(parsed.error.issues),
    );
  }
  return { deliveryId, input: parsed.data };
}

/**
 * A Standard Webhooks header, or its Svix name: Resend's webhooks are sent by Svix, which signs
 * the same way but names the headers `svix-id`, `svix-timestamp` and `svix-signature`.
 */
function signedHeader(c: Context, name: 'id' | 'timestamp' | 'signature'): string | undefined {
  return c.req.header(`webhook-${name}`) ?? c.req.header(`svix-${name}`);
}
