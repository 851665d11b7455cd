import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { alerts } from '../../src/db/schema';
import { runDigests } from '../../src/delivery/digests';
import { setupTestContext } from '../helpers/context';
import { insertActiveAlert, WEBHOOK_SECRET } from '../helpers/postings';
import { exchange, type FuzzState, startState } from './support/exchange';
import {
  anyJson,
  contentType,
  extraHeaders,
  headerText,
  hostileText,
  invalidUtf8,
  lengthAround,
  rawBody,
} from './support/inputs';
import { expectSafeEmail } from './support/invariants';
import { checkProperty, FUZZ_TIMEOUT_MS, fuzzRuns } from './support/run';

const RESEND_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const ctx = setupTestContext({
  env: { POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET, RESEND_WEBHOOK_SECRET: RESEND_SECRET },
});

const paths = ['/v1/postings', '/v1/postings/withdrawals', '/v1/email-events'] as const;
const secretOf = (path: string) => (path === '/v1/email-events' ? RESEND_SECRET : WEBHOOK_SECRET);

let deliveries = 0;

/** The headers of a delivery signed the Standard Webhooks way, at the context's clock. */
function signed(path: string, body: string, id = `fuzz_${++deliveries}`) {
  const at = ctx.clock.now();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secretOf(path)).sign(id, at, body),
  };
}

const nowish = () => ctx.clock.now().getTime();
const isoAround = fc
  .integer({ min: -400 * 86_400_000, max: 400 * 86_400_000 })
  .map((offset) => new Date(nowish() + offset).toISOString());

const codes = (valid: string[]) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.array(fc.constantFrom(...valid), { maxLength: 3 }) },
    { weight: 1, arbitrary: anyJson },
  );

let postingIds = 0;

const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: other });
/** A field the strict schemas refuse, in one body in ten. */
const rarely = fc.option(anyJson, { freq: 9, nil: undefined });

/** A posting of SPEC.md §3: most fields well-formed, text fields hostile, anything sometimes. */
const posting = fc.record(
  {
    id: fc.oneof(
      { weight: 12, arbitrary: fc.constant('').map(() => `job-${++postingIds}`) },
      { weight: 1, arbitrary: fc.constantFrom('job-1', 'job-2', 'job-3') },
      { weight: 1, arbitrary: fc.oneof(hostileText, lengthAround([127, 128, 129])) },
    ),
    title: mostly(
      hostileText.map((text) => `Ohjelmistokehittäjä ${text}`),
      anyJson,
    ),
    description: mostly(
      hostileText,
      // a word of thousands of letters: its stem was once too long for an index entry
      fc.oneof(anyJson, fc.constant(`Hae nyt ${'ohjelmistokehittäjä'.repeat(200)}`)),
    ),
    employer: fc.oneof(hostileText, fc.constant(null)),
    url: fc.oneof(
      { weight: 12, arbitrary: fc.constant('https://jobs.example.org/x') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'javascript:alert(1)',
          'http://jobs.example.org/x',
          'https://jobs.example.org/"><script>alert(1)</script>',
          "https://jobs.example.org/'onmouseover='alert(1)",
          // Postgres refuses both in jsonb (they once got a 500)
          'https://jobs.example.org/a\u0000b',
          'https://jobs.example.org/a\ud800b',
        ),
      },
      { weight: 1, arbitrary: fc.webUrl() },
      { weight: 1, arbitrary: hostileText },
    ),
    publishedAt: fc.oneof(
      { weight: 12, arbitrary: isoAround },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '2026-13-40T00:00:00Z',
          '2026-03-02',
          '',
          // years Postgres cannot take: 0, and 10000 once the offset is applied
          '0000-06-01T00:00:00Z',
          '9999-12-31T23:59:59-01:00',
        ),
      },
      { weight: 1, arbitrary: anyJson },
    ),
    deadline: mostly(
      fc.constantFrom('2026-12-31', null),
      fc.oneof(isoAround, hostileText, fc.constantFrom('2026-02-30', '0099-12-31')),
    ),
    municipalities: codes(['091', '049']),
    regions: codes(['01', '19']),
    occupations: codes(['2512', '25']),
    employmentType: mostly(fc.constantFrom('permanent', 'summer_job'), hostileText),
    workingTime: mostly(fc.constantFrom('full_time'), hostileText),
    remote: mostly(fc.constantFrom('no', 'hybrid', 'full'), hostileText),
    language: mostly(fc.constantFrom('fi', 'sv', 'en'), hostileText),
    unknownField: rarely,
  },
  { requiredKeys: ['id', 'title', 'url', 'publishedAt'] },
);

/** A body for each webhook: its own shape with hostile values, or anything at all. */
const bodyFor = (path: string) => {
  const shaped =
    path === '/v1/postings'
      ? fc.record(
          { postings: mostly(fc.array(posting, { maxLength: 4 }), anyJson), extra: rarely },
          { requiredKeys: ['postings'] },
        )
      : path === '/v1/postings/withdrawals'
        ? fc.record(
            {
              ids: fc.oneof(
                fc.array(fc.oneof(fc.constantFrom('job-1', 'job-2'), hostileText, anyJson), {
                  maxLength: 4,
                }),
                anyJson,
              ),
              extra: rarely,
            },
            { requiredKeys: ['ids'] },
          )
        : fc.record(
            {
              type: fc.oneof(
                fc.constantFrom('email.bounced', 'email.complained', 'email.delivered'),
                hostileText,
                anyJson,
              ),
              data: fc.oneof(
                fc.record(
                  {
                    to: fc.oneof(
                      fc.constantFrom('reader.1@example.org', [
                        'x@example.org',
                        'reader.2@example.org',
                      ]),
                      hostileText,
                      anyJson,
                    ),
                    bounce: fc.oneof(
                      fc.record({ type: fc.constantFrom('Permanent', 'Transient') }),
                      anyJson,
                    ),
                  },
                  { requiredKeys: [] },
                ),
                anyJson,
              ),
            },
            { requiredKeys: [] },
          );
  return fc.oneof(
    { weight: 4, arbitrary: shaped.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: rawBody },
  );
};

async function seedAlerts(state: FuzzState) {
  const confirmedAt = new Date(ctx.clock.now().getTime() - 86_400_000);
  const seeded = ['kehittäjä', 'ohjelmistokehittäjä', '"<script>"', 'developer OR kehittäjä'];
  for (const [n, keywords] of seeded.entries()) {
    const id = await insertActiveAlert(ctx.database.db, { keywords }, confirmedAt);
    const emailCiphertext = await ctx.keyring.encrypt(`reader.${n}@example.org`);
    await ctx.database.db.update(alerts).set({ emailCiphertext }).where(eq(alerts.id, id));
  }
  await ctx.database.db.execute(sql`update alerts set frequency = 'immediate'`);
  Object.assign(state, await startState(ctx));
}

describe('fuzz: the signed webhooks (SPEC.md §2)', () => {
  it(
    'refuses any unsigned or badly signed delivery with 401 and stores nothing',
    async () => {
      const state = await startState(ctx);
      await checkProperty(
        'webhooks: unsigned and forged deliveries',
        fc.asyncProperty(
          fc.constantFrom(...paths),
          fc.record(
            {
              'webhook-id': fc.oneof(fc.constantFrom('msg_1', 'x'.repeat(201)), headerText),
              'webhook-timestamp': fc.oneof(
                fc.constant('').map(() => String(Math.floor(nowish() / 1000))),
                fc.constantFrom('0', '-1', '1e3', '99999999999999', ' 1772445600', '1772445600.5'),
                headerText,
              ),
              'webhook-signature': fc.oneof(
                fc.constantFrom(
                  'v1,',
                  'v1,AAAA',
                  'v1,====',
                  'v2,abc v1,%%%',
                  'v1a,abc',
                  `v1,${Buffer.alloc(32).toString('base64')}`,
                ),
                headerText,
              ),
              'content-type': contentType,
            },
            { requiredKeys: [] },
          ),
          extraHeaders,
          fc.oneof(rawBody, invalidUtf8),
          async (path, headers, extra, body) => {
            const answer = await exchange(ctx, state, {
              method: 'POST',
              path,
              headers: { ...extra, ...headers },
              body,
            });
            expect(answer.status).toBe(401);
          },
        ),
        fuzzRuns(1000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'answers every signed delivery with its receipt or a 4xx that stored nothing, and mails safe digests',
    async () => {
      const state = await startState(ctx);
      await seedAlerts(state);
      let stored = 0;
      await checkProperty(
        'webhooks: signed deliveries with fuzzed bodies',
        fc.asyncProperty(
          fc.constantFrom(...paths).chain((path) => fc.tuple(fc.constant(path), bodyFor(path))),
          fc.boolean(),
          async ([path, body], replay) => {
            const headers = signed(path, body);
            const answer = await exchange(ctx, state, { method: 'POST', path, headers, body });
            expect([200, 400, 422]).toContain(answer.status);
            if (answer.status !== 200) return;
            stored++;
            const receipt = await answer.json();
            for (const value of Object.values(receipt)) expect(typeof value).toBe('number');
            if (replay) {
              // The same delivery again: acknowledged with the same receipt, nothing processed twice.
              const again = await exchange(ctx, state, { method: 'POST', path, headers, body });
              const { duplicate, ...repeated } = await again.json();
              expect(repeated).toEqual(receipt);
              expect(duplicate).toBe(true);
            }
          },
        ),
        fuzzRuns(1500),
      );
      console.log(`[fuzz] webhooks: ${stored} signed deliveries stored`);

      const sentBefore = ctx.mailer.sent.length;
      const digests = await runDigests({ deps: ctx.deps, now: ctx.clock.now() });
      const mailed = ctx.mailer.sent.slice(sentBefore);
      console.log(
        `[fuzz] webhooks: ${digests.digests} digests of ${digests.postings} fuzzed postings`,
      );
      expect(mailed.length).toBe(digests.digests);
      for (const email of mailed) expectSafeEmail(email);
    },
    FUZZ_TIMEOUT_MS,
  );
});
