import { Hono } from 'hono';
import type { Deps } from '../deps';
import { limitBody } from '../http/body';
import { readSignedJson } from '../http/signed-json';
import { handleProviderEvent, providerEvent } from './email-events';

/** `POST /v1/email-events`: the email provider's signed webhooks (SPEC.md §2). */
export function emailEventsApi(deps: Deps) {
  return new Hono().use(limitBody(256 * 1024, '256 KB')).post('/', async (c) => {
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
