import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { readSignedJson } from '../http/signed-json';
import { handleProviderEvent, providerEvent } from './email-events';

/** `POST /v1/email-events`: the email provider's signed webhooks (SPEC.md §2). */
export function emailEventsApi(deps: Deps) {
  return new Hono()
    .use(
      bodyLimit({
        maxSize: 256 * 1024,
        onError: () => {
          throw new AppError('payload_too_large', 'The body is larger than 256 KB.');
        },
      }),
    )
    .post('/', async (c) => {
      const now = deps.clock.now();
      const { deliveryId, input } = await readSignedJson(c, {
        secret: deps.config.RESEND_WEBHOOK_SECRET,
        secretName: 'RESEND_WEBHOOK_SECRET',
        schema: providerEvent,
        now,
      });
      return c.json(await handleProviderEvent({ deps, deliveryId, event: input, now }));
    });
}
