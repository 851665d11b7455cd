import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setupTestContext } from '../helpers/context';
import { WEBHOOK_SECRET } from '../helpers/postings';
import { exchange, startState } from './support/exchange';
import {
  accept,
  contentType,
  encodeQuery,
  extraHeaders,
  headerText,
  hostileText,
  invalidUtf8,
  rawBody,
} from './support/inputs';
import { checkProperty, FUZZ_TIMEOUT_MS, fuzzRuns } from './support/run';

const METRICS_TOKEN = 'metrics-token-for-the-fuzz-suite';
// With the webhook secrets set: without them the webhooks answer 503 by design (not configured).
const ctx = setupTestContext({
  env: {
    METRICS_TOKEN,
    POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
  },
});

/** Paths that never write: operations, assets, unknown paths, and the writing paths with the wrong method. */
const readOnly: [string, string[]][] = [
  ['/healthz', ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']],
  ['/readyz', ['GET', 'HEAD', 'POST', 'DELETE']],
  ['/metrics', ['GET', 'HEAD', 'POST']],
  ['/assets/style.css', ['GET', 'HEAD', 'POST']],
  ['/assets/icon.svg', ['GET', 'HEAD']],
  ['/widget.js', ['GET', 'HEAD', 'POST']],
  ['/widget.css', ['GET', 'POST']],
  ['/openapi.json', ['GET', 'HEAD', 'POST']],
  ['/docs', ['GET', 'HEAD', 'DELETE']],
  ['/v1/alerts', ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']],
  ['/v1/alerts/manage-link', ['GET', 'PUT', 'OPTIONS']],
  ['/v1/postings', ['GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']],
  ['/v1/postings/withdrawals', ['GET', 'PATCH', 'OPTIONS']],
  ['/v1/email-events', ['GET', 'DELETE', 'OPTIONS']],
  ['/alerts/confirm', ['PUT', 'DELETE', 'PATCH', 'OPTIONS']],
  ['/alerts/manage', ['PUT', 'DELETE', 'OPTIONS']],
  ['/alerts/unsubscribe', ['PUT', 'DELETE', 'OPTIONS']],
  ['/', ['GET', 'POST']],
  ['/v1', ['GET', 'POST']],
  ['/v2/alerts', ['POST']],
  ['/alerts', ['GET', 'POST']],
  ['/alerts/', ['GET']],
  ['/alerts/confirm/', ['GET', 'POST']],
  ['/alerts/manage/../confirm', ['GET']],
  ['/ALERTS/CONFIRM', ['GET']],
  ['/dev/outbox', ['GET', 'POST']],
  ['/.env', ['GET']],
  ['/v1/alerts/current/../../postings', ['POST']],
];

const route = fc
  .constantFrom(...readOnly)
  .chain(([path, methods]) => fc.tuple(fc.constant(path), fc.constantFrom(...methods)));

const unknownPath = fc
  .array(
    fc.oneof(hostileText.map(encodeQuery), fc.constantFrom('alerts', 'v1', '..', '%2e%2e', '%00')),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((segments) => `/x/${segments.join('/')}`);

describe('fuzz: operations, unknown paths and methods', () => {
  it(
    'answers any method, path and header with no 5xx, a well-formed error and no write',
    async () => {
      const state = await startState(ctx);
      await checkProperty(
        'routes: operations, unknown paths, wrong methods',
        fc.asyncProperty(
          fc.oneof(
            { weight: 3, arbitrary: route },
            {
              weight: 1,
              arbitrary: fc.tuple(unknownPath, fc.constantFrom('GET', 'POST', 'PROPFIND')),
            },
          ),
          fc.option(
            fc.oneof(
              fc.constantFrom(
                `Bearer ${METRICS_TOKEN}`,
                `Bearer ${METRICS_TOKEN}x`,
                'Bearer ',
                'Basic Og==',
              ),
              headerText,
            ),
            { nil: undefined },
          ),
          fc.option(contentType, { nil: undefined }),
          accept,
          fc.option(
            fc.constantFrom('https://board.example.org', 'null', 'http://evil.example.net'),
            { nil: undefined },
          ),
          extraHeaders,
          fc.oneof(rawBody, invalidUtf8),
          async ([path, method], authorization, type, acceptHeader, origin, extra, body) => {
            const before = { ...state.before };
            const answer = await exchange(
              ctx,
              state,
              {
                method,
                path,
                headers: {
                  ...extra,
                  authorization,
                  origin,
                  'content-type': type,
                  accept: acceptHeader,
                  'access-control-request-method': method === 'OPTIONS' ? 'POST' : undefined,
                },
                body: ['GET', 'HEAD'].includes(method) ? undefined : body,
              },
              'either',
            );
            expect(state.before).toEqual(before);
            if (path === '/metrics' && method === 'GET') {
              expect(answer.status).toBe(authorization === `Bearer ${METRICS_TOKEN}` ? 200 : 401);
            }
          },
        ),
        fuzzRuns(1200),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
