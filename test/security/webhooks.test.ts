import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Snapshot, snapshot } from '../fuzz/support/invariants';
import { subscribeAndConfirm } from '../helpers/alerts';
import { setupTestContext } from '../helpers/context';
import { jobPosting, WEBHOOK_SECRET } from '../helpers/postings';

const RESEND_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 6).toString('base64')}`;
const ctx = setupTestContext({
  env: { POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET, RESEND_WEBHOOK_SECRET: RESEND_SECRET },
});

const reader = 'bounced.reader@example.org';

/** Each webhook with a body that, correctly signed, would store or delete something. */
const webhooks = [
  {
    path: '/v1/postings',
    secret: WEBHOOK_SECRET,
    body: () => ({ postings: [jobPosting(ctx, { title: 'Ohjelmistokehittäjä' })] }),
  },
  {
    path: '/v1/postings/withdrawals',
    secret: WEBHOOK_SECRET,
    body: () => ({ ids: ['job-seeded'] }),
  },
  {
    path: '/v1/email-events',
    secret: RESEND_SECRET,
    body: () => ({ type: 'email.bounced', data: { to: reader, bounce: { type: 'Permanent' } } }),
  },
] as const;

let deliveries = 0;

interface Delivery {
  id?: string;
  /** seconds added to the context's clock for the timestamp */
  skewSeconds?: number;
  secret?: string;
  /** the body the signature is computed over, when not the one sent */
  signedBody?: string;
  /** the id the signature is computed over, when not the one sent */
  signedId?: string;
  drop?: 'webhook-id' | 'webhook-timestamp' | 'webhook-signature';
  signature?: string;
}

function deliver(path: string, secret: string, payload: unknown, options: Delivery = {}) {
  const body = JSON.stringify(payload);
  const id = options.id ?? `msg_security_${++deliveries}`;
  const at = new Date(ctx.clock.now().getTime() + (options.skewSeconds ?? 0) * 1000);
  const signature =
    options.signature ??
    new Webhook(options.secret ?? secret).sign(
      options.signedId ?? id,
      at,
      options.signedBody ?? body,
    );
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
  if (options.drop) delete headers[options.drop];
  return ctx.app.request(path, { method: 'POST', headers, body });
}

const forgeries: [string, Delivery][] = [
  ['a forged signature (random bytes)', { signature: `v1,${randomBytes(32).toString('base64')}` }],
  ['a signature of another scheme version', { signature: 'v2,AAAA' }],
  ['an empty signature', { signature: 'v1,' }],
  ['a timestamp 6 minutes old', { skewSeconds: -360 }],
  ['a timestamp 6 minutes ahead', { skewSeconds: 360 }],
  ['a timestamp a day old', { skewSeconds: -86_400 }],
  ['no webhook-id header', { drop: 'webhook-id' }],
  ['no webhook-timestamp header', { drop: 'webhook-timestamp' }],
  ['no webhook-signature header', { drop: 'webhook-signature' }],
  ['the wrong secret', { secret: OTHER_SECRET }],
  ['a signature over a different body', { signedBody: '{"postings":[],"ids":[]}' }],
  ['a signature over a different id', { signedId: 'msg_other' }],
];

let before: Snapshot;

beforeEach(async () => {
  await subscribeAndConfirm(ctx, { email: reader });
  before = await snapshot(ctx.database.db);
});

describe('signed webhooks refuse forged, stale and replayed deliveries (SPEC.md §2)', () => {
  for (const webhook of webhooks) {
    describe(webhook.path, () => {
      it.each(forgeries)('answers 401 to %s and stores nothing', async (_, options) => {
        const response = await deliver(webhook.path, webhook.secret, webhook.body(), options);
        expect(response.status).toBe(401);
        expect((await response.json()).error).toMatchObject({ code: 'unauthorized' });
        expect(await snapshot(ctx.database.db)).toEqual(before);
      });

      it('acknowledges a replayed webhook-id without processing it again', async () => {
        const first = await deliver(webhook.path, webhook.secret, webhook.body(), {
          id: 'msg_once',
        });
        expect(first.status).toBe(200);
        const receipt = await first.json();
        const afterFirst = await snapshot(ctx.database.db);

        const replay = await deliver(webhook.path, webhook.secret, webhook.body(), {
          id: 'msg_once',
        });
        expect(replay.status).toBe(200);
        expect(await replay.json()).toEqual({ ...receipt, duplicate: true });
        expect(await snapshot(ctx.database.db)).toEqual(afterFirst);
      });

      it('refuses a replay signed 6 minutes ago with 401, even though the id is known', async () => {
        const body = webhook.body();
        expect((await deliver(webhook.path, webhook.secret, body, { id: 'msg_old' })).status).toBe(
          200,
        );
        const stored = await snapshot(ctx.database.db);
        ctx.clock.advance(6 * 60_000);
        const replay = await deliver(webhook.path, webhook.secret, body, {
          id: 'msg_old',
          skewSeconds: -360,
        });
        expect(replay.status).toBe(401);
        expect(await snapshot(ctx.database.db)).toEqual(stored);
      });
    });
  }

  it('accepts a delivery 4 minutes either side of the clock (the 5-minute tolerance)', async () => {
    for (const skewSeconds of [-240, 240]) {
      const response = await deliver(
        '/v1/postings',
        WEBHOOK_SECRET,
        { postings: [] },
        {
          skewSeconds,
        },
      );
      expect(response.status).toBe(200);
    }
  });
});
