import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../src/db/schema';
import {
  lastEmail,
  linkTo,
  pathOf,
  postForm,
  subscribe,
  validSubscription,
} from './helpers/alerts';
import { createTestContext, type TestContext } from './helpers/context';
import { findInDatabase } from './helpers/scan';

let ctx: TestContext;
const tokens: string[] = [];

/** The whole walk of a visitor: subscribe, open both links, confirm, confirm again. */
beforeAll(async () => {
  ctx = await createTestContext();
  await subscribe(ctx);
  await subscribe(ctx, { email: 'Toinen.Tilaaja@Example.org', locale: 'sv' });
  const email = lastEmail(ctx);
  for (const path of ['/alerts/confirm', '/alerts/not-me']) {
    const link = linkTo(email, path);
    tokens.push(link.searchParams.get('token') ?? '');
    await ctx.app.request(pathOf(link));
  }
  await postForm(ctx, '/alerts/confirm', { token: tokens[0] ?? '' });
  await postForm(ctx, '/alerts/confirm', { token: tokens[0] ?? '' });
  const [first] = ctx.mailer.sent;
  if (first) tokens.push(linkTo(first, '/alerts/confirm').searchParams.get('token') ?? '');
});
afterAll(() => ctx.close());

const addresses = [validSubscription.email, 'toinen.tilaaja@example.org', 'Toinen.Tilaaja'];

describe('privacy of stored data (SPEC.md §1.5)', () => {
  it('really ran the walk: two alerts, one active', async () => {
    const rows = await ctx.database.db.select().from(alerts);
    expect(rows.map((row) => row.status).sort()).toEqual(['active', 'pending']);
    expect(tokens).toHaveLength(3);
  });

  it('holds no plaintext address and no token in any table', async () => {
    for (const needle of [...addresses, 'maija.meikalainen', ...tokens]) {
      expect(await findInDatabase(ctx.database.db, needle)).toEqual([]);
    }
  });

  it('holds no plaintext address in a raw dump of the database', async () => {
    const dump = await ctx.database.rawDump();
    expect(dump.length).toBeGreaterThan(1_000);
    expect(dump.includes(Buffer.from('Ohjelmistokehittäjä, Helsinki'))).toBe(true);
    for (const needle of [...addresses, ...tokens]) {
      expect(dump.includes(Buffer.from(needle))).toBe(false);
      expect(dump.includes(Buffer.from(needle.toLowerCase()))).toBe(false);
    }
  });

  it('stores each address encrypted with a key id, found by its keyed hash', async () => {
    const rows = await ctx.database.db.select().from(alerts);
    for (const row of rows) {
      expect(row.emailCiphertext).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+$/);
      const address = await ctx.keyring.decrypt(row.emailCiphertext);
      expect(row.emailHash).toBe(await ctx.keyring.hashEmail(address));
    }
  });
});

describe('privacy of logs (SPEC.md §1.6)', () => {
  it('logged every request of the walk', () => {
    const requests = ctx.logLines.filter((line) => line.includes('"msg":"request"'));
    expect(requests.length).toBe(6);
  });

  it('logs neither addresses, tokens nor criteria', () => {
    const log = ctx.logLines.join('\n').toLowerCase();
    for (const needle of [...addresses, 'maija', ...tokens, 'ohjelmistokehittäjä']) {
      expect(log).not.toContain(needle.toLowerCase());
    }
  });
});
