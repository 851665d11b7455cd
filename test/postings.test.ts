import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/database';
import { postings } from '../src/db/schema';
import { createTestContext, setupTestContext } from './helpers/context';
import {
  countRows,
  insertActiveAlert,
  jobPosting,
  matchRows,
  postPostings,
  postSigned,
  webhookEnv,
} from './helpers/postings';
import { dumpAllRows } from './helpers/scan';

const ctx = setupTestContext({ env: webhookEnv });

const MINUTE = 60_000;

describe('POST /v1/postings', () => {
  it('stores new postings and answers the counts', async () => {
    const response = await postPostings(ctx, [jobPosting(ctx), jobPosting(ctx)]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 2, new: 2, updated: 0, matched: 0 });
    expect(await countRows(ctx.database.db, 'postings')).toBe(2);
  });

  it('stores every field of a posting, a date deadline as the end of that day in Finland', async () => {
    const posting = jobPosting(ctx, {
      deadline: '2026-03-20',
      employmentType: 'permanent',
      workingTime: 'full_time',
      remote: 'hybrid',
      occupations: ['2512', '2519'],
    });
    await postPostings(ctx, [posting]);
    const [row] = await ctx.database.db.select().from(postings);
    expect(row).toMatchObject({
      id: posting.id,
      title: 'Ohjelmistokehittäjä',
      employer: 'Esimerkki Oy',
      url: posting.url,
      publishedAt: new Date(posting.publishedAt),
      deadline: new Date('2026-03-20T21:59:59Z'),
      municipalities: ['091'],
      regions: ['01'],
      occupations: ['2512', '2519'],
      employmentType: 'permanent',
      workingTime: 'full_time',
      remote: 'hybrid',
      language: 'fi',
      receivedAt: ctx.clock.now(),
      withdrawnAt: null,
    });
  });

  it('counts a posting delivered twice as updated, and matches it only once', async () => {
    await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());
    const posting = jobPosting(ctx);
    const first = await postPostings(ctx, [posting]);
    expect(await first.json()).toEqual({ received: 1, new: 1, updated: 0, matched: 1 });

    ctx.clock.advance(MINUTE);
    const again = await postPostings(ctx, [
      { ...posting, title: 'Ohjelmistokehittäjä (päivitetty)' },
    ]);
    expect(await again.json()).toEqual({ received: 1, new: 0, updated: 1, matched: 0 });
    const [row] = await ctx.database.db.select().from(postings);
    expect(row?.title).toBe('Ohjelmistokehittäjä (päivitetty)');
    expect(await matchRows(ctx.database.db)).toHaveLength(1);
  });

  it('acknowledges a replayed webhook-id with its first answer and processes nothing again', async () => {
    await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());
    const first = await postPostings(ctx, [jobPosting(ctx)], { id: 'msg_replayed' });
    expect(await first.json()).toEqual({ received: 1, new: 1, updated: 0, matched: 1 });
    const before = await dumpAllRows(ctx.database.db);

    ctx.clock.advance(MINUTE);
    const replay = await postPostings(ctx, [jobPosting(ctx)], { id: 'msg_replayed' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({
      received: 1,
      new: 1,
      updated: 0,
      matched: 1,
      duplicate: true,
    });
    expect(await dumpAllRows(ctx.database.db)).toEqual(before);
  });

  it('forgets delivery ids after seven days', async () => {
    await postPostings(ctx, [jobPosting(ctx)], { id: 'msg_old' });
    ctx.clock.advance(7 * 24 * 60 * MINUTE + MINUTE);
    await postPostings(ctx, [jobPosting(ctx)], { id: 'msg_new' });
    const ids = await queryRows<{ id: string }>(
      ctx.database.db,
      sql`select id from webhook_deliveries`,
    );
    expect(ids.map((row) => row.id)).toEqual(['msg_new']);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const forged = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
    const response = await postPostings(ctx, [jobPosting(ctx)], { secret: forged });
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('unauthorized');
    expect(await countRows(ctx.database.db, 'postings')).toBe(0);
    expect(await countRows(ctx.database.db, 'webhook_deliveries')).toBe(0);
  });

  it('refuses a body changed after signing', async () => {
    const response = await postSigned(
      ctx,
      '/v1/postings',
      { postings: [jobPosting(ctx)] },
      {
        headers: { 'webhook-id': 'msg_other_id' },
      },
    );
    expect(response.status).toBe(401);
    expect(await countRows(ctx.database.db, 'postings')).toBe(0);
  });

  it('refuses a timestamp 6 minutes old, and one 6 minutes ahead, with 401', async () => {
    for (const offset of [-6 * MINUTE, 6 * MINUTE]) {
      const signedAt = new Date(ctx.clock.now().getTime() + offset);
      const response = await postPostings(ctx, [jobPosting(ctx)], { signedAt });
      expect(response.status).toBe(401);
      expect((await response.json()).error.message).toContain('5 minutes');
    }
    expect(await countRows(ctx.database.db, 'postings')).toBe(0);
  });

  it('accepts a timestamp 4 minutes old', async () => {
    const signedAt = new Date(ctx.clock.now().getTime() - 4 * MINUTE);
    expect((await postPostings(ctx, [jobPosting(ctx)], { signedAt })).status).toBe(200);
  });

  it('refuses a delivery without signature headers with 401', async () => {
    const response = await ctx.app.request('/v1/postings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ postings: [jobPosting(ctx)] }),
    });
    expect(response.status).toBe(401);
  });

  it('refuses a batch holding an invalid posting with 422 naming it, and stores none of it', async () => {
    await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());
    const batch = [
      jobPosting(ctx),
      jobPosting(ctx),
      jobPosting(ctx),
      jobPosting(ctx, { url: 'http://jobs.example.org/insecure' }),
      jobPosting(ctx, { municipalities: ['91'] }),
    ];
    const response = await postPostings(ctx, batch);
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.details).toEqual([
      { path: 'postings.3.url', message: 'must be an https URL' },
      { path: 'postings.4.municipalities.0', message: 'must be a 3-digit municipality code' },
    ]);
    for (const table of ['postings', 'matches', 'webhook_deliveries']) {
      expect(await countRows(ctx.database.db, table)).toBe(0);
    }
  });

  it('answers 422 for more than 1,000 postings, 400 for a body that is not JSON', async () => {
    const tooMany = Array.from({ length: 1001 }, () => jobPosting(ctx));
    expect((await postPostings(ctx, tooMany)).status).toBe(422);
    const notJson = await postSigned(ctx, '/v1/postings', '{"postings": [');
    expect(notJson.status).toBe(400);
  });

  it('refuses a body over 5 MB with 413', async () => {
    const description = 'x'.repeat(40_000);
    const huge = Array.from({ length: 140 }, () => jobPosting(ctx, { description }));
    const response = await postPostings(ctx, huge);
    expect(response.status).toBe(413);
    expect(await countRows(ctx.database.db, 'postings')).toBe(0);
  });

  it('answers 503 when no webhook secret is configured', async () => {
    const unconfigured = await createTestContext();
    try {
      const response = await postPostings(unconfigured, [jobPosting(unconfigured)]);
      expect(response.status).toBe(503);
      expect((await response.json()).error.message).toContain('POSTINGS_WEBHOOK_SECRET');
    } finally {
      await unconfigured.close();
    }
  });

  it('refuses with 422 what Postgres could not store, instead of failing with 500', async () => {
    // Each of these reached the database once and made the call fail with 500: jsonb holds no
    // NUL and no lone surrogate, Postgres has no year 0, and a year past 9999 once the offset
    // is applied is written `+010000` by toISOString.
    const refused: Array<[Record<string, unknown>, string, string]> = [
      [{ url: 'https://jobs.example.org/a\u0000b' }, 'url', 'must not hold control characters'],
      [{ url: 'https://jobs.example.org/a\ud800b' }, 'url', 'must not hold control characters'],
      [{ publishedAt: '0000-06-01T00:00:00Z' }, 'publishedAt', 'between the years 1000 and 9999'],
      [{ publishedAt: '9999-12-31T23:59:59-01:00' }, 'publishedAt', 'between the years'],
      [{ deadline: '9999-12-31T23:00:00-12:00' }, 'deadline', 'between the years 1000 and 9999'],
      [{ deadline: '0099-12-31' }, 'deadline', 'between the years 1000 and 9999'],
    ];
    for (const [fields, field, message] of refused) {
      const response = await postPostings(ctx, [jobPosting(ctx), jobPosting(ctx, fields)]);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      const body = await response.json();
      expect(body.error.details).toEqual([
        { path: `postings.1.${field}`, message: expect.stringContaining(message) },
      ]);
    }
    expect(await countRows(ctx.database.db, 'postings')).toBe(0);
    const edges = [
      jobPosting(ctx, { publishedAt: '1000-01-01T00:00:00Z', deadline: '9999-12-31' }),
      jobPosting(ctx, { deadline: '9999-12-31T23:59:59Z' }),
    ];
    expect((await postPostings(ctx, edges)).status).toBe(200);
  });

  it('stores a posting holding a word of thousands of letters, and still matches its words', async () => {
    // The word's stem was a term too long for an index entry (about 2.7 KB) and the call failed
    // with 500; a word is now analysed up to its first 100 letters.
    await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());
    const word = Array.from({ length: 3000 }, (_, index) => 'abcdefghij'[(index * 7) % 10]).join(
      '',
    );
    const response = await postPostings(ctx, [
      jobPosting(ctx, { title: 'Ohjelmistokehittäjä', description: `Hae nyt. ${word}` }),
    ]);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ new: 1, matched: 1 });
  });

  it('stores a title with soft hyphens as sent, and matches the word they break', async () => {
    const alert = await insertActiveAlert(
      ctx.database.db,
      { keywords: 'ohjelmistokehittäjä' },
      ctx.clock.now(),
    );
    const title = 'Ohjelmisto\u00adkehittäjä (Java\u200bScript)';
    const response = await postPostings(ctx, [jobPosting(ctx, { id: 'soft', title })]);
    expect(await response.json()).toMatchObject({ new: 1, matched: 1 });
    const [row] = await ctx.database.db.select().from(postings);
    expect(row?.title).toBe(title);
    expect(await matchRows(ctx.database.db)).toMatchObject([
      {
        alertId: alert,
        postingId: 'soft',
        reasons: { keywords: [{ keyword: 'ohjelmistokehittäjä', word: 'ohjelmistokehittäjä' }] },
      },
    ]);
  });

  it('takes a date deadline in summer time as the end of that day, UTC+3', async () => {
    await postPostings(ctx, [jobPosting(ctx, { deadline: '2026-06-30' })]);
    const [row] = await ctx.database.db.select().from(postings);
    expect(row?.deadline).toEqual(new Date('2026-06-30T20:59:59Z'));
  });
});

describe('POST /v1/postings/withdrawals', () => {
  it('marks known postings withdrawn and ignores unknown ids', async () => {
    const posting = jobPosting(ctx);
    await postPostings(ctx, [posting]);
    ctx.clock.advance(MINUTE);
    const response = await postSigned(ctx, '/v1/postings/withdrawals', {
      ids: [posting.id, 'no-such-posting'],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: 2, withdrawn: 1 });
    const [row] = await ctx.database.db.select().from(postings);
    expect(row?.withdrawnAt).toEqual(ctx.clock.now());
  });

  it('keeps a withdrawn posting withdrawn and unmatched when it is sent again', async () => {
    const posting = jobPosting(ctx);
    await postPostings(ctx, [posting]);
    await postSigned(ctx, '/v1/postings/withdrawals', { ids: [posting.id] });
    await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());

    const again = await postPostings(ctx, [posting]);
    expect(await again.json()).toMatchObject({ updated: 1, matched: 0 });
    const [row] = await ctx.database.db.select().from(postings);
    expect(row?.withdrawnAt).not.toBeNull();
  });

  it('refuses an unsigned withdrawal with 401', async () => {
    const response = await ctx.app.request('/v1/postings/withdrawals', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['x'] }),
    });
    expect(response.status).toBe(401);
  });
});
