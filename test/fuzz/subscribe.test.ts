import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alerts } from '../../src/db/schema';
import { setupTestContext } from '../helpers/context';
import { exchange, type FuzzState, startState } from './support/exchange';
import {
  accept,
  contentType,
  encodeBody,
  encoding,
  extraHeaders,
  hostileText,
  invalidUtf8,
  rawBody,
  subscription,
} from './support/inputs';
import { escapedHtml } from './support/invariants';
import { checkProperty, FUZZ_TIMEOUT_MS, fuzzRuns } from './support/run';

// High caps, so that the service-wide hourly cap does not turn every later case into a silent 202.
const ctx = setupTestContext({ env: { CONFIRMATION_EMAILS_PER_HOUR: '100000000' } });

let addresses = 0;
const unique = () => ++addresses;

const secretsOf = (fields: Record<string, unknown>) =>
  [fields.email, fields.label, JSON.stringify(fields.criteria ?? '')]
    .concat(
      typeof fields.criteria === 'object' && fields.criteria && 'keywords' in fields.criteria
        ? [fields.criteria.keywords]
        : [],
    )
    .filter((value): value is string => typeof value === 'string');

/** The value appears in the HTML as text, escaped the way React or Hono escape it. */
function expectShown(html: string, value: string) {
  const escaped = escapedHtml(value);
  const shown = [escaped, escaped.replace(/&#x27;/g, '&#39;')].some((form) => html.includes(form));
  expect(shown, `${JSON.stringify(value)} not shown escaped`).toBe(true);
}

/**
 * Confirms the alert, then reads it back everywhere it is shown: the manage page, the JSON API
 * and the manage-links email; then deletes it, so that the database stays small.
 */
async function confirmAndManage(state: FuzzState, email: string, label: string, secrets: string[]) {
  const [row] = await ctx.database.db
    .select({ id: alerts.id })
    .from(alerts)
    .where(eq(alerts.emailHash, await ctx.keyring.hashEmail(email)));
  expect(row).toBeDefined();
  if (!row) return;
  const confirmToken = await ctx.keyring.tokenFor(row.id, 'confirm');
  const manageToken = await ctx.keyring.tokenFor(row.id, 'manage');
  const all = [...secrets, confirmToken, manageToken];
  const confirmed = await exchange(ctx, state, {
    method: 'POST',
    path: '/alerts/confirm',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ token: confirmToken }).toString(),
    secrets: all,
  });
  expect(confirmed.status).toBe(200);
  expectShown(await confirmed.text(), label);

  const api = await exchange(ctx, state, {
    method: 'GET',
    path: '/v1/alerts/current',
    headers: { authorization: `Bearer ${manageToken}` },
    secrets: all,
  });
  const { alert } = await api.json();
  expect(alert.label).toBe(label);
  const keywords: string = alert.criteria.keywords;

  const page = await exchange(ctx, state, {
    method: 'GET',
    path: `/alerts/manage?token=${manageToken}`,
    secrets: all,
  });
  expect(page.status).toBe(200);
  const pageHtml = await page.text();
  expectShown(pageHtml, label);
  expectShown(pageHtml, keywords);

  const sent = ctx.mailer.sent.length;
  await exchange(ctx, state, {
    method: 'POST',
    path: '/v1/alerts/manage-link',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
    secrets: all,
  });
  const links = ctx.mailer.sent[sent];
  expect(links?.to).toBe(email);
  expectShown(links?.html ?? '', label);

  const deleted = await exchange(ctx, state, {
    method: 'DELETE',
    path: '/v1/alerts/current',
    headers: { authorization: `Bearer ${manageToken}` },
    secrets: all,
  });
  expect(deleted.status).toBe(200);
}

describe('fuzz: subscribe and manage-link (SPEC.md §2, §5)', () => {
  it(
    'answers any body, content type and accept header without a 5xx, a partial write or an unsafe email',
    async () => {
      const state = await startState(ctx);
      await checkProperty(
        'subscribe and manage-link: bodies, encodings, headers',
        fc.asyncProperty(
          fc.constantFrom('/v1/alerts', '/v1/alerts', '/v1/alerts/manage-link'),
          subscription(unique),
          encoding,
          fc.option(contentType, { nil: undefined }),
          accept,
          extraHeaders,
          rawBody,
          invalidUtf8,
          async (path, fields, how, type, acceptHeader, extra, text, bytes) => {
            const body = encodeBody(fields, how, { text, bytes });
            const declared =
              type ??
              (how === 'json'
                ? 'application/json'
                : how === 'form'
                  ? 'application/x-www-form-urlencoded'
                  : undefined);
            await exchange(ctx, state, {
              method: 'POST',
              path,
              headers: { ...extra, 'content-type': declared, accept: acceptHeader },
              body,
              secrets: secretsOf(fields),
            });
          },
        ),
        fuzzRuns(3000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'accepts only what it can show: a label and criteria shown escaped from the email to the manage page',
    async () => {
      const state = await startState(ctx);
      let accepted = 0;
      await checkProperty(
        'subscribe end to end: label and criteria in email, confirm and manage pages',
        fc.asyncProperty(
          hostileText,
          hostileText,
          fc.constantFrom('fi', 'sv', 'en'),
          fc.boolean(),
          async (label, keywords, locale, useLabel) => {
            const email = `reader.${unique()}@example.org`;
            const fields = {
              email,
              locale,
              ...(useLabel ? { label } : {}),
              criteria: { keywords, municipalities: ['091'] },
              acceptTerms: true,
            };
            const secrets = [email, label, keywords];
            const answer = await exchange(ctx, state, {
              method: 'POST',
              path: '/v1/alerts',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(fields),
              secrets,
            });
            if (answer.status !== 202) {
              expect(answer.status).toBe(422);
              return;
            }
            accepted++;
            const mail = ctx.mailer.sent.at(-1);
            expect(mail?.to).toBe(email);
            if (!mail) return;
            const [, shownLabel = ''] = mail.subject.match(/^[^:]+: (.*)$/) ?? [];
            expect(shownLabel.length).toBeGreaterThan(0);
            expectShown(mail.html, shownLabel);
            // Nothing a stranger typed becomes a link in an email from our domain (SPEC.md §5).
            const foreign = mail.text
              .replace(/https:\/\/vahti\.example\.org\/[^\s)\]]*/g, '')
              .match(/[a-z][\w+.-]*:\/\/|www\./i);
            expect(foreign?.[0] ?? null).toBe(null);
            expect(mail.text.replace(/\s+/g, ' ')).toContain(shownLabel.replace(/\s+/g, ' '));

            const confirmUrl = new URL(
              mail.text.match(/https:\/\/\S+\/alerts\/confirm\?token=[\w-]+/)?.[0] ?? '',
            );
            const page = await exchange(ctx, state, {
              method: 'GET',
              path: `${confirmUrl.pathname}${confirmUrl.search}`,
              secrets,
            });
            expect(page.status).toBe(200);
            expectShown(await page.text(), shownLabel);
            await confirmAndManage(state, email, shownLabel, secrets);
          },
        ),
        fuzzRuns(150),
      );
      console.log(`[fuzz] subscribe end to end: ${accepted} subscriptions accepted`);
    },
    FUZZ_TIMEOUT_MS,
  );
});
