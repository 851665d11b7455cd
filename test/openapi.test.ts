import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@hono/node-server';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertSettings } from '../src/alerts/manage';
import { subscribeRequest } from '../src/alerts/schemas';
import { createApp } from '../src/app';
import type { OutboxReader } from '../src/deps';
import { type OpenApiDocument, openApiDocument } from '../src/openapi/document';
import { examples } from '../src/openapi/examples';
import { signingRecipes } from '../src/openapi/signing-recipes';
import { postingsRequest, withdrawalsRequest } from '../src/postings/schemas';
import { postJson, subscribe, subscribeAndConfirm } from './helpers/alerts';
import { setupTestContext } from './helpers/context';
import { freePort } from './helpers/net';
import {
  countRows,
  jobPosting,
  postPostings,
  postSigned,
  WEBHOOK_SECRET,
  webhookEnv,
} from './helpers/postings';

const ctx = setupTestContext({ env: webhookEnv });

async function servedDocument(app = ctx.app): Promise<OpenApiDocument> {
  const response = await app.request('/openapi.json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return response.json();
}

/** The routes the app answers, as `METHOD /path/{param}`, middleware left out. */
function servedRoutes(app: ReturnType<typeof createApp>): string[] {
  const routes = app.routes
    .filter((route) => route.method !== 'ALL')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(routes)].sort();
}

function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** A JSON Schema validator (draft 2020-12) that resolves the document's own references. */
function schemaValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');
  return (name: string) => {
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name}`);
    return (value: unknown) => validate(value) === true;
  };
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document by the official schema', async () => {
    const document = await servedDocument();
    expect(document.openapi).toMatch(/^3\.1\./);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);

    // The validator does find faults: the same document with a parameter in no known place.
    const broken = structuredClone(document) as unknown as {
      paths: Record<string, Record<string, { parameters: { in: string }[] }>>;
    };
    const parameter = broken.paths['/alerts/confirm']?.get?.parameters[0];
    if (!parameter) throw new Error('the confirm page documents its token');
    parameter.in = 'body';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('documents every route the app serves, and serves every route it documents', async () => {
    expect(documentedRoutes(await servedDocument())).toEqual(servedRoutes(ctx.app));

    // With the development outbox, its routes are served and documented too.
    const outbox: OutboxReader = {
      list: async () => [],
      read: async () => undefined,
      prune: async () => 0,
      forget: async () => 0,
    };
    const withOutbox = createApp({ ...ctx.deps, outbox });
    const document = await servedDocument(withOutbox);
    expect(documentedRoutes(document)).toEqual(servedRoutes(withOutbox));
    expect(Object.keys(document.paths)).toContain('/dev/outbox/{id}/json');
  });

  it('names PUBLIC_BASE_URL as its server and the security of each kind of route', async () => {
    const document = await servedDocument();
    expect(document.servers).toEqual([
      { url: ctx.config.PUBLIC_BASE_URL, description: 'PUBLIC_BASE_URL' },
    ]);
    const paths = document.paths;
    expect(paths['/v1/alerts/current']?.get?.security).toEqual([{ manageToken: [] }]);
    expect(paths['/v1/postings']?.post?.security).toEqual([
      { webhookId: [], webhookTimestamp: [], postingsSignature: [] },
    ]);
    expect(paths['/v1/email-events']?.post?.security).toEqual([
      { webhookId: [], webhookTimestamp: [], providerSignature: [] },
    ]);
    expect(paths['/v1/alerts']?.post?.security).toBeUndefined();
    expect(paths['/metrics']?.get?.security).toEqual([{}]);

    const guarded = openApiDocument({
      baseUrl: 'https://x.example',
      metricsToken: true,
      devOutbox: false,
    });
    expect(guarded.paths['/metrics']?.get?.security).toEqual([{ metricsToken: [] }]);
    expect(Object.keys(guarded.paths['/metrics']?.get?.responses ?? {})).toContain('401');
  });

  it('says the statuses a route really answers with', async () => {
    const document = await servedDocument();
    const statuses = (path: string, method: 'get' | 'post' | 'patch' | 'delete') =>
      Object.keys(
        (document.paths as Record<string, Record<string, { responses: object }>>)[path]?.[method]
          ?.responses ?? {},
      );

    expect(statuses('/v1/alerts', 'post')).toEqual(['202', '400', '413', '415', '422', '429']);
    const tooMany = await postJson(ctx, '/v1/alerts', {
      ...examples.subscription,
      website: 'x'.repeat(17_000),
    });
    expect(tooMany.status).toBe(413);
    const wrongType = await ctx.app.request('/v1/alerts', {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);

    expect(statuses('/v1/postings', 'post')).toEqual(['200', '400', '401', '413', '422', '503']);
    const unsigned = await postJson(ctx, '/v1/postings', examples.postingsDelivery);
    expect(unsigned.status).toBe(401);
    const unconfigured = createApp({
      ...ctx.deps,
      config: { ...ctx.config, POSTINGS_WEBHOOK_SECRET: undefined },
    });
    expect(
      (await unconfigured.request('/v1/postings', { method: 'POST', body: '{}' })).status,
    ).toBe(503);

    expect(statuses('/v1/alerts/current/renew', 'post')).toEqual(['200', '401', '409']);
    expect(statuses('/readyz', 'get')).toEqual(['200', '503']);
  });

  it('lists every body type a route reads, and the JSON error a JSON client is answered', async () => {
    // Multipart bodies were read and left out of the document; a JSON client's 404 on confirm
    // was documented as HTML only.
    const document = (await servedDocument()) as unknown as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: object };
            responses: Record<string, { content?: object }>;
          }
        >
      >;
    };
    const bodyTypes = (path: string, method: string) =>
      Object.keys(document.paths[path]?.[method]?.requestBody?.content ?? {}).sort();
    for (const [path, method] of [
      ['/v1/alerts', 'post'],
      ['/v1/alerts/manage-link', 'post'],
      ['/v1/alerts/current', 'patch'],
    ]) {
      expect(bodyTypes(path, method), path).toEqual([
        'application/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
      ]);
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(examples.subscriptionForm)) {
      for (const entry of [value].flat()) form.append(name, entry);
    }
    expect((await ctx.app.request('/v1/alerts', { method: 'POST', body: form })).status).toBe(202);

    const gone = document.paths['/alerts/confirm']?.post?.responses['404']?.content ?? {};
    expect(Object.keys(gone).sort()).toEqual(['application/json', 'text/html']);
    const unknown = await postJson(ctx, '/alerts/confirm', { token: 'C'.repeat(43) });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('the documented schemas', () => {
  let schema: ReturnType<typeof schemaValidator>;
  beforeAll(async () => {
    schema = schemaValidator(await servedDocument());
  });

  it('accept the examples of SPEC.md and of the document', () => {
    expect(schema('Subscription')(examples.subscription)).toBe(true);
    expect(subscribeRequest.safeParse(examples.subscription).success).toBe(true);
    expect(schema('PostingsDelivery')(examples.postingsDelivery)).toBe(true);
    expect(postingsRequest.safeParse(examples.postingsDelivery).success).toBe(true);
    expect(schema('WithdrawalsDelivery')({ ids: ['job-2026-0142'] })).toBe(true);
    expect(schema('Error')(examples.error('invalid_input', 'x'))).toBe(true);
  });

  /** Each body goes to the JSON Schema and to the zod schema the route validates with. */
  const verdicts = (
    name: string,
    zod: { safeParse(value: unknown): { success: boolean } },
    bodies: unknown[],
  ) =>
    bodies.map((body) => ({
      body,
      documented: schema(name)(body),
      runtime: zod.safeParse(body).success,
    }));
  const agree = (rows: ReturnType<typeof verdicts>) => {
    for (const row of rows)
      expect(row, JSON.stringify(row.body)).toMatchObject({ documented: row.runtime });
  };

  it('refuse the subscriptions the runtime refuses', () => {
    const base = examples.subscription;
    const rows = verdicts('Subscription', subscribeRequest, [
      base,
      { email: base.email, criteria: { keywords: 'kehittäjä' }, acceptTerms: true },
      { ...base, email: 'not-an-address' },
      { ...base, acceptTerms: false },
      { ...base, locale: 'de' },
      { ...base, frequency: 'hourly' },
      { ...base, unknownField: 1 },
      { ...base, label: 'x'.repeat(101) },
      { ...base, searchUrl: 'ftp://jobs.example.org/haku' },
      { ...base, criteria: { remote: 'only' } },
      { ...base, criteria: { municipalities: ['91'] } },
      { ...base, criteria: { keywords: 'x'.repeat(201) } },
      { ...base, criteria: { regions: ['01'], employmentTypes: ['gig'] } },
      { ...base, criteria: { occupations: ['25'], colour: 'blue' } },
    ]);
    agree(rows);
    expect(rows.filter((row) => !row.runtime)).toHaveLength(12);
  });

  it('refuse the postings and settings the runtime refuses', () => {
    const [posting] = examples.postingsDelivery.postings;
    const deliveries = verdicts('PostingsDelivery', postingsRequest, [
      { postings: [posting] },
      { postings: [{ ...posting, url: 'http://jobs.example.org/1' }] },
      { postings: [{ ...posting, publishedAt: '2026-03-02T08:00:00' }] },
      { postings: [{ ...posting, id: 'x'.repeat(129) }] },
      { postings: [{ ...posting, remote: 'sometimes' }] },
      { postings: [{ ...posting, description: null, deadline: null }] },
      { postings: [{ ...posting, title: undefined }] },
      { postings: [posting], extra: true },
    ]);
    agree(deliveries);
    agree(
      verdicts('WithdrawalsDelivery', withdrawalsRequest, [
        { ids: ['a'] },
        { ids: [''] },
        { ids: 'a' },
      ]),
    );
    agree(
      verdicts('AlertSettings', alertSettings, [
        { frequency: 'weekly' },
        { locale: 'sv' },
        {},
        { frequency: 'monthly' },
        { frequency: 'daily', colour: 'blue' },
      ]),
    );
  });

  it('describe the answers the routes really give', async () => {
    const accepted = await subscribe(ctx);
    expect(schema('Accepted')(await accepted.json())).toBe(true);
    const invalid = await subscribe(ctx, { criteria: {} });
    expect(invalid.status).toBe(422);
    expect(schema('Error')(await invalid.json())).toBe(true);

    const alert = await subscribeAndConfirm(ctx, { email: 'schema@example.org' });
    const auth = { authorization: `Bearer ${alert.manageToken}` };
    const current = await ctx.app.request('/v1/alerts/current', { headers: auth });
    expect(schema('AlertAnswer')(await current.json())).toBe(true);
    const exported = await ctx.app.request('/v1/alerts/current/export', { headers: auth });
    expect(schema('AlertExport')(await exported.json())).toBe(true);

    const received = await postPostings(ctx, [jobPosting(ctx)]);
    expect(received.status).toBe(200);
    expect(schema('PostingsReceipt')(await received.json())).toBe(true);
    const withdrawn = await postSigned(ctx, '/v1/postings/withdrawals', { ids: ['job-x'] });
    expect(schema('WithdrawalsReceipt')(await withdrawn.json())).toBe(true);
    expect(schema('Health')(await (await ctx.app.request('/healthz')).json())).toBe(true);
    expect(schema('Readiness')(await (await ctx.app.request('/readyz')).json())).toBe(true);

    // A schema that says nothing would pass all of the above: these must fail.
    expect(schema('AlertAnswer')({ alert: { id: 'x' } })).toBe(false);
    expect(schema('PostingsReceipt')({ received: -1, new: 0, updated: 0, matched: 0 })).toBe(false);
  });
});

describe('GET /docs', () => {
  it('is an HTML page under the strict CSP, with no script, listing every path', async () => {
    const response = await ctx.app.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    const html = await response.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="en">/);
    expect(html).not.toMatch(/<script|\sstyle=|https?:\/\/cdn/i);
    expect(html).toContain('<link rel="stylesheet" href="/assets/style.css"/>');

    const document = await servedDocument();
    for (const path of Object.keys(document.paths)) expect(html).toContain(`<code>${path}</code>`);
    for (const name of Object.keys(document.components.schemas)) {
      expect(html).toContain(`id="schema-${name}"`);
    }
  });

  it('links only to anchors that exist on the page', async () => {
    const html = await (await ctx.app.request('/docs')).text();
    const anchors = [...html.matchAll(/href="#([^"]+)"/g)].map((match) => match[1]);
    const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]));
    expect(anchors.length).toBeGreaterThan(50);
    expect(anchors.filter((anchor) => !ids.has(anchor))).toEqual([]);
  });

  it('shows the webhook signing recipe against PUBLIC_BASE_URL', async () => {
    const html = await (await ctx.app.request('/docs')).text();
    expect(html).toContain(`${ctx.config.PUBLIC_BASE_URL}/v1/postings`);
    expect(html).toContain('openssl dgst -sha256 -mac HMAC');
    expect(html).toContain('createHmac(');
  });

  it('gives a Node signing recipe that a real delivery succeeds with', async () => {
    const port = await freePort();
    const server = serve({ fetch: ctx.app.fetch, port, hostname: '127.0.0.1' });
    const dir = await mkdtemp(join(tmpdir(), 'tpv-recipe-'));
    try {
      const recipe = signingRecipes(`http://127.0.0.1:${port}`).find((entry) =>
        entry.title.startsWith('Node (18'),
      );
      if (!recipe) throw new Error('no Node recipe');
      const posting = { ...jobPosting(ctx), publishedAt: new Date().toISOString() };
      const script = recipe.code
        .replace("'whsec_...'", JSON.stringify(WEBHOOK_SECRET))
        .replace('/* postings */', JSON.stringify(posting));
      await writeFile(join(dir, 'send.mjs'), script);
      // The service checks the timestamp against its own clock: the recipe signs with the real one.
      ctx.clock.set(new Date());
      await promisify(execFile)(process.execPath, [join(dir, 'send.mjs')]);
      expect(await countRows(ctx.database.db, 'postings')).toBe(1);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
