import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import type { Criteria } from '../../src/alerts/criteria';
import { type Db, queryRows } from '../../src/db/database';
import { alerts } from '../../src/db/schema';
import { indexAlert } from '../../src/matching/anchors';
import type { TestContext } from './context';

/** A Standard Webhooks secret for tests: whsec_ and base64 of 32 bytes. */
export const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
export const webhookEnv = { POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET };

let deliveries = 0;

/**
 * Posts a body to a webhook path signed by the reference `standardwebhooks` library, at the
 * context's clock unless `signedAt` says otherwise.
 */
export function postSigned(
  ctx: TestContext,
  path: string,
  body: unknown,
  options: { id?: string; signedAt?: Date; secret?: string; headers?: Record<string, string> } = {},
) {
  const id = options.id ?? `msg_${++deliveries}_${Date.now()}`;
  const signedAt = options.signedAt ?? ctx.clock.now();
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return ctx.app.request(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signedHeaders({ id, signedAt, payload, secret: options.secret ?? WEBHOOK_SECRET }),
      ...options.headers,
    },
    body: payload,
  });
}

/** The Standard Webhooks headers of a delivery, signed by the reference library. */
export function signedHeaders(delivery: {
  id: string;
  signedAt: Date;
  payload: string;
  secret: string;
}): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const { id, signedAt, payload, secret } = delivery;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, signedAt, payload),
  };
}

export const postPostings = (
  ctx: TestContext,
  postings: unknown[],
  options?: Parameters<typeof postSigned>[3],
) => postSigned(ctx, '/v1/postings', { postings }, options);

let postingCount = 0;

/** A valid posting, published an hour after `ctx`'s clock unless the fields say otherwise. */
export function jobPosting(ctx: TestContext, fields: Record<string, unknown> = {}) {
  return {
    id: `job-${++postingCount}`,
    title: 'Ohjelmistokehittäjä',
    description: 'Kehitämme verkkopalveluja Pythonilla ja TypeScriptillä.',
    employer: 'Esimerkki Oy',
    url: `https://jobs.example.org/${postingCount}`,
    publishedAt: new Date(ctx.clock.now().getTime() + 3_600_000).toISOString(),
    municipalities: ['091'],
    regions: ['01'],
    occupations: ['2512'],
    language: 'fi',
    ...fields,
  };
}

/**
 * Stores an active alert directly, indexed as subscribing stores it, confirmed at `confirmedAt`.
 * For matching tests that need many alerts without the subscribe flow around them.
 */
export async function insertActiveAlert(
  db: Db,
  criteria: Criteria,
  confirmedAt: Date,
  id: string = crypto.randomUUID(),
) {
  await db.insert(alerts).values({
    id,
    status: 'active',
    emailCiphertext: 'test-ciphertext',
    emailHash: `hash-${id}`,
    criteria,
    label: 'Testihaku',
    locale: 'fi',
    frequency: 'daily',
    termsVersion: '2024-06-27',
    subscribedAt: confirmedAt,
    confirmedAt,
    expiresAt: new Date(confirmedAt.getTime() + 90 * 86_400_000),
  });
  await indexAlert(db, { id, criteria, status: 'active' });
  return id;
}

export type MatchRow = {
  alertId: string;
  postingId: string;
  reasons: { keywords: { keyword: string; word: string }[]; facets: string[] };
};

export const matchRows = (db: Db) =>
  queryRows<MatchRow>(
    db,
    sql`select alert_id as "alertId", posting_id as "postingId", reasons from matches
        order by posting_id, alert_id`,
  );

export const countRows = async (db: Db, table: string) =>
  Number(
    (
      await queryRows<{ count: number }>(
        db,
        sql`select count(*)::int as count from ${sql.identifier(table)}`,
      )
    )[0]?.count,
  );
