import { type Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Deps } from '../deps';
import { limitBody } from '../http/body';
import { readSignedJson } from '../http/signed-json';
import { postingsRequest, withdrawalsRequest } from './schemas';
import { receivePostings, withdrawPostings } from './service';

/** Webhook bodies may be large: up to 1,000 postings, at most 5 MB (SPEC.md §2, §5). */
export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * The match webhook of the postings pipeline: `POST /v1/postings` and
 * `POST /v1/postings/withdrawals`, both signed with POSTINGS_WEBHOOK_SECRET.
 */
export function postingsApi(deps: Deps) {
  const signedBody = <T extends z.ZodType>(c: Context, schema: T) =>
    readSignedJson(c, {
      secret: deps.config.POSTINGS_WEBHOOK_SECRET,
      secretName: 'POSTINGS_WEBHOOK_SECRET',
      schema,
      now: deps.clock.now(),
    });

  return new Hono()
    .use(limitBody(WEBHOOK_BODY_LIMIT, '5 MB'))
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
