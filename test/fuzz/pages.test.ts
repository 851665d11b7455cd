import fc from 'fast-check';
import { describe, it } from 'vitest';
import { setupTestContext } from '../helpers/context';
import { exchange, startState } from './support/exchange';
import {
  accept,
  anyJson,
  contentType,
  type Encoding,
  encodeBody,
  encodeQuery,
  encoding,
  extraHeaders,
  hostileText,
  invalidUtf8,
  rawBody,
} from './support/inputs';
import { checkProperty, FUZZ_TIMEOUT_MS, fuzzRuns } from './support/run';
import { alertPool, resolveToken, tokenPick } from './support/tokens';

const ctx = setupTestContext();

const pagePaths = [
  '/alerts/confirm',
  '/alerts/not-me',
  '/alerts/manage',
  '/alerts/renew',
  '/alerts/unsubscribe',
] as const;
const postPaths = [
  ...pagePaths,
  '/alerts/manage/renew',
  '/alerts/manage/export',
  '/alerts/manage/delete',
] as const;

/** A query parameter: its value percent-encoded, raw, or as broken percent-encoding. */
const queryValue = fc.oneof(
  { weight: 3, arbitrary: hostileText.map(encodeQuery) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%ff%fe', '%00', '+', '%2B%20') },
  {
    weight: 1,
    arbitrary: fc.stringMatching(/^[A-Za-z0-9_.~!$'()*,;:@/?-]{0,30}$/),
  },
);

const langValue = fc.oneof(fc.constantFrom('fi', 'sv', 'en', 'FI', 'de'), queryValue);

function query(parts: [string, string | undefined][]): string {
  const present = parts.filter(([, value]) => value !== undefined);
  return present.length === 0
    ? ''
    : `?${present.map(([name, value]) => `${name}=${value}`).join('&')}`;
}

describe('fuzz: the pages behind the links in emails (SPEC.md §2)', () => {
  it(
    'answers every GET with a page, changing nothing, whatever the token and query',
    async () => {
      const state = await startState(ctx);
      await checkProperty(
        'pages: GET with tokens and queries',
        fc.asyncProperty(
          fc.constantFrom(...pagePaths),
          fc.option(tokenPick, { nil: undefined }),
          fc.option(tokenPick, { nil: undefined }),
          fc.option(langValue, { nil: undefined }),
          fc.option(fc.oneof(fc.constantFrom('updated', 'renewed'), queryValue), {
            nil: undefined,
          }),
          fc.option(queryValue, { nil: undefined }),
          accept,
          extraHeaders,
          async (path, pick, secondPick, lang, done, extra, acceptHeader, headers) => {
            const pool = await alertPool(ctx, state);
            const token = pick && (await resolveToken(ctx, pool, pick));
            const second = secondPick && (await resolveToken(ctx, pool, secondPick));
            await exchange(
              ctx,
              state,
              {
                method: 'GET',
                path: `${path}${query([
                  ['token', token === undefined ? undefined : encodeQuery(token)],
                  ['token', second === undefined ? undefined : encodeQuery(second)],
                  ['lang', lang],
                  ['done', done],
                  ['x', extra],
                ])}`,
                headers: { ...headers, accept: acceptHeader },
                secrets: [token ?? '', second ?? ''],
              },
              'html',
            );
          },
        ),
        fuzzRuns(1500),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'answers every POST without a 5xx or a partial write, token in the body, the query or both',
    async () => {
      const state = await startState(ctx);
      await checkProperty(
        'pages: POST with tokens in query and body, every encoding',
        fc.asyncProperty(
          fc.constantFrom(...postPaths),
          fc.option(tokenPick, { nil: undefined }),
          fc.option(tokenPick, { nil: undefined }),
          fc.record(
            {
              frequency: fc.oneof(fc.constantFrom('daily', 'weekly', 'immediate'), hostileText),
              locale: fc.oneof(fc.constantFrom('fi', 'sv', 'en'), hostileText),
              'List-Unsubscribe': fc.oneof(fc.constant('One-Click'), hostileText),
              extra: anyJson,
            },
            { requiredKeys: [] },
          ),
          fc.constantFrom<Encoding>('form', 'form', 'multipart', 'multipart', 'json'),
          fc.oneof(encoding, fc.constant(undefined)),
          fc.option(contentType, { nil: undefined }),
          accept,
          fc.option(langValue, { nil: undefined }),
          rawBody,
          invalidUtf8,
          async (
            path,
            bodyPick,
            queryPick,
            fields,
            how,
            override,
            type,
            acceptHeader,
            lang,
            text,
            bytes,
          ) => {
            const pool = await alertPool(ctx, state);
            const bodyToken = bodyPick && (await resolveToken(ctx, pool, bodyPick));
            const queryToken = queryPick && (await resolveToken(ctx, pool, queryPick));
            const encoded = override ?? how;
            const body = encodeBody(
              bodyToken === undefined ? fields : { ...fields, token: bodyToken },
              encoded,
              { text, bytes },
            );
            const declared =
              type ??
              (encoded === 'json'
                ? 'application/json'
                : encoded === 'form'
                  ? 'application/x-www-form-urlencoded'
                  : undefined);
            await exchange(ctx, state, {
              method: 'POST',
              path: `${path}${query([
                ['token', queryToken === undefined ? undefined : encodeQuery(queryToken)],
                ['lang', lang],
              ])}`,
              headers: { 'content-type': declared, accept: acceptHeader },
              body,
              secrets: [bodyToken ?? '', queryToken ?? ''],
            });
          },
        ),
        fuzzRuns(2000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'answers the Bearer API (GET, PATCH, DELETE, renew, export) without a 5xx or a partial write',
    async () => {
      const state = await startState(ctx);
      await checkProperty(
        'API: /v1/alerts/current with Bearer tokens',
        fc.asyncProperty(
          fc.constantFrom('GET', 'PATCH', 'DELETE', 'POST', 'PUT', 'HEAD', 'OPTIONS'),
          fc.constantFrom(
            '/v1/alerts/current',
            '/v1/alerts/current/renew',
            '/v1/alerts/current/export',
          ),
          fc.option(tokenPick, { nil: undefined }),
          fc.constantFrom('Bearer ', 'bearer ', 'Bearer  ', 'Basic ', '', 'Bearer\t', 'Token '),
          fc.constantFrom('', '', ' ', ' extra', ','),
          fc.record(
            {
              frequency: fc.oneof(fc.constantFrom('daily', 'weekly', 'immediate'), hostileText),
              locale: fc.oneof(fc.constantFrom('fi', 'sv', 'en'), hostileText),
              label: hostileText,
              status: fc.constantFrom('active', 'pending'),
              expiresAt: fc.constant('2099-01-01T00:00:00Z'),
            },
            { requiredKeys: [] },
          ),
          encoding,
          fc.option(contentType, { nil: undefined }),
          accept,
          rawBody,
          invalidUtf8,
          async (
            method,
            path,
            pick,
            scheme,
            suffix,
            fields,
            how,
            type,
            acceptHeader,
            text,
            bytes,
          ) => {
            const pool = await alertPool(ctx, state);
            const token = pick && (await resolveToken(ctx, pool, pick));
            const hasBody = !['GET', 'HEAD'].includes(method);
            const authorization =
              token === undefined
                ? undefined
                : `${scheme}${token}${suffix}`.replace(/[^\t\x20-\x7e]/g, '?').trim();
            await exchange(
              ctx,
              state,
              {
                method,
                path,
                headers: {
                  authorization,
                  'content-type': type ?? (how === 'json' ? 'application/json' : undefined),
                  accept: acceptHeader,
                },
                body: hasBody ? encodeBody(fields, how, { text, bytes }) : undefined,
                secrets: [token ?? ''],
              },
              acceptHeader?.includes('text/html') ? 'either' : 'json',
            );
          },
        ),
        fuzzRuns(1200),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
