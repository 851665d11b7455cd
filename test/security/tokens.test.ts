import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeQuery } from '../fuzz/support/inputs';
import { snapshot } from '../fuzz/support/invariants';
import { checkProperty, FUZZ_TIMEOUT_MS, fuzzRuns } from '../fuzz/support/run';
import { malformedToken, wellFormedToken } from '../fuzz/support/tokens';
import { subscribe, subscribeAndConfirm } from '../helpers/alerts';
import { setupTestContext } from '../helpers/context';

const ctx = setupTestContext();

interface Endpoint {
  name: string;
  request(token: string): Response | Promise<Response>;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
  body: new URLSearchParams(fields).toString(),
});
const bearer = (method: string, token: string, body?: unknown) => ({
  method,
  headers: {
    authorization: `Bearer ${asHeader(token)}`.trim(),
    ...(body ? { 'content-type': 'application/json' } : {}),
  },
  body: body ? JSON.stringify(body) : undefined,
});
/** A header carries bytes and no surrounding space: what a client cannot send is sent as '?'. */
const asHeader = (token: string) => token.replace(/[^\x20-\x7e]/g, '?').trim();
const query = (token: string) => `?token=${encodeQuery(token)}`;

/** Every place that takes a token (SPEC.md §2): the pages, GET and POST, and the Bearer API. */
const endpoints: Endpoint[] = [
  ...['confirm', 'not-me', 'manage', 'renew', 'unsubscribe'].map((page) => ({
    name: `GET /alerts/${page}`,
    request: (token: string) => ctx.app.request(`/alerts/${page}${query(token)}`),
  })),
  ...['confirm', 'not-me', 'manage/renew', 'manage/export', 'manage/delete', 'renew'].map(
    (page) => ({
      name: `POST /alerts/${page}`,
      request: (token: string) => ctx.app.request(`/alerts/${page}`, form({ token })),
    }),
  ),
  {
    name: 'POST /alerts/manage',
    request: (token) => ctx.app.request('/alerts/manage', form({ token, frequency: 'weekly' })),
  },
  {
    name: 'POST /alerts/unsubscribe (one-click)',
    request: (token) =>
      ctx.app.request(
        `/alerts/unsubscribe${query(token)}`,
        form({ 'List-Unsubscribe': 'One-Click' }),
      ),
  },
  {
    name: 'POST /alerts/confirm (JSON)',
    request: (token) =>
      ctx.app.request('/alerts/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      }),
  },
  {
    name: 'GET /v1/alerts/current',
    request: (token) => ctx.app.request('/v1/alerts/current', bearer('GET', token)),
  },
  {
    name: 'PATCH /v1/alerts/current',
    request: (token) =>
      ctx.app.request('/v1/alerts/current', bearer('PATCH', token, { frequency: 'weekly' })),
  },
  {
    name: 'DELETE /v1/alerts/current',
    request: (token) => ctx.app.request('/v1/alerts/current', bearer('DELETE', token)),
  },
  {
    name: 'POST /v1/alerts/current/renew',
    request: (token) => ctx.app.request('/v1/alerts/current/renew', bearer('POST', token)),
  },
  {
    name: 'GET /v1/alerts/current/export',
    request: (token) => ctx.app.request('/v1/alerts/current/export', bearer('GET', token)),
  },
];

/**
 * What a guesser sees: status, the headers that vary by outcome, and the body without its request
 * id and its links (the pages' language links repeat their own URL, token included).
 */
async function seen(response: Response) {
  return JSON.stringify({
    status: response.status,
    type: response.headers.get('content-type'),
    authenticate: response.headers.get('www-authenticate'),
    location: response.headers.get('location'),
    body: (await response.text())
      .replace(/"requestId":"[^"]+"/, '')
      .replace(/href="[^"]*"/g, 'href'),
  });
}

/** A token no alert holds, of the right form: the reference answer of each endpoint. */
const UNKNOWN = 'Zm9yZ2VkLXRva2VuLW9mLXRoZS1yaWdodC1mb3JtLTA';

describe('token guessing finds nothing (SPEC.md §5)', () => {
  it(
    'answers every guessed token exactly as an unknown one, and changes nothing',
    async () => {
      // Alerts in every state, so that a guess has something to find if lookups were loose.
      for (let n = 0; n < 5; n++) {
        await subscribeAndConfirm(ctx, { email: `active.${n}@example.org` });
        await subscribe(ctx, { email: `pending.${n}@example.org` });
      }
      const real = await subscribeAndConfirm(ctx, { email: 'owner@example.org' });
      const unknown = new Map<string, string>();
      const malformed = new Map<string, string>();
      for (const endpoint of endpoints) {
        unknown.set(endpoint.name, await seen(await endpoint.request(UNKNOWN)));
        malformed.set(endpoint.name, await seen(await endpoint.request('short')));
      }
      const before = await snapshot(ctx.database.db);
      let guesses = 0;

      await checkProperty(
        'token guessing: random tokens against every token-taking endpoint',
        fc.asyncProperty(
          fc.nat({ max: endpoints.length - 1 }),
          fc.oneof(
            { weight: 4, arbitrary: wellFormedToken },
            { weight: 1, arbitrary: malformedToken },
          ),
          async (index, token) => {
            const endpoint = endpoints[index] as Endpoint;
            guesses++;
            const answer = await seen(await endpoint.request(token));
            const sent = endpoint.name.includes('/v1/') ? asHeader(token) : token;
            const wellFormed = /^[A-Za-z0-9_-]{20,100}$/.test(sent);
            // A malformed token is told so (a link cut short by a mail client): its form is no
            // secret. A well-formed one gets exactly the unknown-token answer.
            expect(answer, `${endpoint.name} ${token}`).toBe(
              (wellFormed ? unknown : malformed).get(endpoint.name),
            );
          },
        ),
        fuzzRuns(10_000, 300),
      );
      console.log(`[security] ${guesses} token guesses, none found anything`);
      expect(await snapshot(ctx.database.db)).toEqual(before);
      expect(ctx.mailer.sent.length).toBeGreaterThan(0);

      // The real token of the same alert still works: the guesses were tried where a hit would show.
      const owned = await ctx.app.request('/v1/alerts/current', bearer('GET', real.manageToken));
      expect(owned.status).toBe(200);
      expect(await seen(owned)).not.toBe(unknown.get('GET /v1/alerts/current'));
    },
    FUZZ_TIMEOUT_MS,
  );

  it('tells a malformed token from an unknown one only by its form, for every endpoint', async () => {
    const answers = await Promise.all(
      endpoints.map(async (endpoint) => ({
        name: endpoint.name,
        unknown: (await endpoint.request(UNKNOWN)).status,
        malformed: (await endpoint.request('x'.repeat(101))).status,
      })),
    );
    // Pages reached by GET answer both with the calm "this alert no longer exists" page; form
    // posts and the API say the token is malformed (422, 401), which tells nothing about alerts.
    for (const { name, unknown, malformed } of answers) {
      expect([200, 401, 404], name).toContain(unknown);
      expect([401, 404, 422, 200], name).toContain(malformed);
    }
  });
});
