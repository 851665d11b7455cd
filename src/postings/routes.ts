import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import type { Deps } from '../deps';
import { AppError, detailsFromIssues, invalidInput } from '../errors';
import { postingsRequest, withdrawalsRequest } from './schemas';
import { receivePostings, withdrawPostings } from './service';
import { verifyWebhook } from './webhook';

/** Webhook bodies may be large: up to 1,000 postings, at most 5 MB (SPEC.md §2, §5). */
export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * The match webhook of the postings pipeline: `POST /v1/postings` and
 * `POST /v1/postings/withdrawals`, both signed with POSTINGS_WEBHOOK_SECRET.
 */
export function postingsApi(deps: Deps) {
  const signedBody = async <T extends z.ZodType>(c: Context, schema: T) => {
    const secret = deps.config.POSTINGS_WEBHOOK_SECRET;
    if (!secret) {
      throw new AppError(
        'unavailable',
        'The postings webhook is not configured: set POSTINGS_WEBHOOK_SECRET.',
      );
    }
    const body = await c.req.text();
    const deliveryId = await verifyWebhook({
      secret,
      headers: {
        id: c.req.header('webhook-id'),
        timestamp: c.req.header('webhook-timestamp'),
        signature: c.req.header('webhook-signature'),
      },
      body,
      now: deps.clock.now(),
    });
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new AppError('malformed_body', 'The body is not valid JSON.');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw invalidInput(
        'The delivery is not valid; nothing of it was stored.',
        detailsFromIssues(parsed.error.issues),
      );
    }
    return { deliveryId, input: parsed.data };
  };

  return new Hono()
    .use(
      bodyLimit({
        maxSize: WEBHOOK_BODY_LIMIT,
        onError: () => {
          throw new AppError('payload_too_large', 'The body is larger than 5 MB.');
        },
      }),
    )
    .post('/', async (c) => {
      const { deliveryId, input } = await signedBody(c, postingsRequest);
      const receipt = await receivePostings({
        deps,
        input: { deliveryId, postings: input.postings },
        now: deps.clock.now(),
      });
      return c.json(receipt, 200);
    })
    .post('/withdrawals', async (c) => {
      const { deliveryId, input } = await signedBody(c, withdrawalsRequest);
      const receipt = await withdrawPostings({
        deps,
        input: { deliveryId, ids: input.ids },
        now: deps.clock.now(),
      });
      return c.json(receipt, 200);
    });
}
