import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows, withTransaction } from '../src/db/database';
import { alertAnchors, alerts } from '../src/db/schema';
import { snowballStem } from '../src/matching/analysis';
import { anchorTermsOf } from '../src/matching/anchor-terms';
import { COMPILED_VERSION } from '../src/matching/compile';
import { anchorsOf, findMatches } from '../src/matching/matcher';
import { analyseBatch } from '../src/matching/posting';
import { lastEmail, linkTo, postForm, subscribe } from './helpers/alerts';
import { setupTestContext } from './helpers/context';
import {
  countRows,
  insertActiveAlert,
  jobPosting,
  matchRows,
  postPostings,
  postSigned,
  webhookEnv,
} from './helpers/postings';

const ctx = setupTestContext({ env: webhookEnv });

const HOUR = 3_600_000;

async function subscribeAndConfirm(criteria: Record<string, unknown>) {
  expect((await subscribe(ctx, { criteria })).status).toBe(202);
  const token = linkTo(lastEmail(ctx), '/alerts/confirm').searchParams.get('token') ?? '';
  expect((await postForm(ctx, '/alerts/confirm', { token })).status).toBe(200);
  const [alert] = await ctx.database.db.select().from(alerts);
  if (!alert) throw new Error('no alert');
  return alert;
}

describe('matching postings to alerts', () => {
  it('indexes an alert when it is subscribed, and matches it once confirmed', async () => {
    const alert = await subscribeAndConfirm({
      keywords: 'kehittäjä -harjoittelija',
      municipalities: ['091'],
    });
    expect(alert.compiled?.anchors).toContain('fi:kehittäj');
    const anchors = await ctx.database.db
      .select({ term: alertAnchors.term })
      .from(alertAnchors)
      .where(eq(alertAnchors.alertId, alert.id));
    expect(anchors.map((anchor) => anchor.term).sort()).toEqual(
      [...(alert.compiled?.anchors ?? [])].sort(),
    );

    const response = await postPostings(ctx, [
      jobPosting(ctx, { id: 'helsinki-dev', title: 'Python-kehittäjä' }),
      jobPosting(ctx, { id: 'espoo-dev', title: 'Python-kehittäjä', municipalities: ['049'] }),
      jobPosting(ctx, { id: 'helsinki-intern', title: 'Python-kehittäjä, kesäharjoittelija' }),
    ]);
    expect(await response.json()).toMatchObject({ new: 3, matched: 1 });
    expect(await matchRows(ctx.database.db)).toEqual([
      {
        alertId: alert.id,
        postingId: 'helsinki-dev',
        reasons: { keywords: [{ keyword: 'kehittäjä', word: 'kehittäjä' }], facets: ['m:091'] },
      },
    ]);
  });

  it('never matches a pending alert', async () => {
    expect((await subscribe(ctx)).status).toBe(202);
    const response = await postPostings(ctx, [jobPosting(ctx)]);
    expect(await response.json()).toMatchObject({ matched: 0 });
  });

  it('gives an alert only postings published after its confirmation', async () => {
    const confirmedAt = ctx.clock.now();
    await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, confirmedAt);
    const response = await postPostings(ctx, [
      jobPosting(ctx, { id: 'before', publishedAt: new Date(confirmedAt.getTime() - HOUR) }),
      jobPosting(ctx, { id: 'same-moment', publishedAt: confirmedAt.toISOString() }),
      jobPosting(ctx, { id: 'after', publishedAt: new Date(confirmedAt.getTime() + HOUR) }),
    ]);
    expect(await response.json()).toMatchObject({ matched: 1 });
    expect((await matchRows(ctx.database.db)).map((row) => row.postingId)).toEqual(['after']);
  });

  it('records a posting for every alert it matches, each with its own reasons', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const byKeyword = await insertActiveAlert(db, { keywords: 'ohjelmistokehittäjät' }, now);
    const byFacets = await insertActiveAlert(db, { regions: ['01'], occupations: ['25'] }, now);
    await insertActiveAlert(db, { keywords: 'sairaanhoitaja' }, now);
    await postPostings(ctx, [jobPosting(ctx, { id: 'dev' })]);
    const rows = await matchRows(db);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.alertId === byKeyword)?.reasons.keywords).toEqual([
      { keyword: 'ohjelmistokehittäjät', word: 'ohjelmistokehittäjä' },
    ]);
    expect(rows.find((row) => row.alertId === byFacets)?.reasons.facets).toEqual(['r:01', 'o:25']);
  });

  it('finds the inflected forms of a short word through the index (kokki ⇒ Kokit, työ ⇒ työtä)', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const cook = await insertActiveAlert(db, { keywords: 'kokki' }, now);
    const work = await insertActiveAlert(db, { keywords: 'työ' }, now);
    await postPostings(ctx, [
      jobPosting(ctx, { id: 'cooks', title: 'Kokit', description: 'Haemme kokkeja keittiöön.' }),
      jobPosting(ctx, { id: 'work', title: 'Varastoon', description: 'Tarjoamme työtä.' }),
    ]);
    const rows = await matchRows(db);
    expect(rows.map((row) => [row.alertId, row.postingId]).sort()).toEqual(
      [
        [cook, 'cooks'],
        [work, 'work'],
      ].sort(),
    );
    expect(rows.find((row) => row.alertId === cook)?.reasons.keywords).toEqual([
      { keyword: 'kokki', word: 'kokit' },
    ]);
  });

  it('finds a hyphenated keyword written together through the index (e-commerce ⇒ Ecommerce)', async () => {
    // The alert is anchored on a part (`commerc`) and on the word written together: `ecommerce`
    // holds no term of either part.
    const db = ctx.database.db;
    const alert = await insertActiveAlert(db, { keywords: 'e-commerce' }, ctx.clock.now());
    const english = { language: 'en', description: 'Apply now.' };
    const response = await postPostings(ctx, [
      jobPosting(ctx, { ...english, id: 'together', title: 'Ecommerce specialist' }),
      jobPosting(ctx, { ...english, id: 'hyphenated', title: 'E-commerce specialist' }),
      jobPosting(ctx, { ...english, id: 'apart', title: 'E commerce specialist' }),
      jobPosting(ctx, { ...english, id: 'neither', title: 'Commerce specialist' }),
    ]);
    expect(await response.json()).toMatchObject({ matched: 3 });
    const rows = await matchRows(db);
    expect(rows.map((row) => row.postingId).sort()).toEqual(['apart', 'hyphenated', 'together']);
    expect(rows.every((row) => row.alertId === alert)).toBe(true);
  });

  it('matches an edited posting for alerts that did not have it, and not again for those that did', async () => {
    const db = ctx.database.db;
    const now = ctx.clock.now();
    const developer = await insertActiveAlert(db, { keywords: 'kehittäjä' }, now);
    const python = await insertActiveAlert(db, { keywords: 'python kehittäjä' }, now);
    const posting = jobPosting(ctx, { id: 'edited', description: 'Java-osaamista.' });
    expect(await (await postPostings(ctx, [posting])).json()).toMatchObject({ matched: 1 });

    const edited = { ...posting, description: 'Python-osaamista.' };
    expect(await (await postPostings(ctx, [edited])).json()).toMatchObject({ matched: 1 });
    const rows = await matchRows(db);
    expect(rows.map((row) => row.alertId).sort()).toEqual([developer, python].sort());
  });

  it('indexes alerts stored without a compiled form before matching', async () => {
    const id = await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());
    await ctx.database.db.update(alerts).set({ compiled: null }).where(eq(alerts.id, id));
    await ctx.database.db.delete(alertAnchors);
    expect(await (await postPostings(ctx, [jobPosting(ctx)])).json()).toMatchObject({
      matched: 1,
    });
    expect(await countRows(ctx.database.db, 'alert_anchors')).toBeGreaterThan(0);
  });

  it('compiles a pending alert stored without a compiled form, and anchors it once confirmed', async () => {
    const db = ctx.database.db;
    expect((await subscribe(ctx, { criteria: { keywords: 'kehittäjä' } })).status).toBe(202);
    await db.update(alerts).set({ compiled: null });
    await postPostings(ctx, [jobPosting(ctx)]);
    const [pending] = await db.select().from(alerts);
    expect(pending?.compiled?.anchors).toContain('fi:kehittäj');
    expect(await countRows(db, 'alert_anchors')).toBe(0);

    const token = linkTo(lastEmail(ctx), '/alerts/confirm').searchParams.get('token') ?? '';
    expect((await postForm(ctx, '/alerts/confirm', { token })).status).toBe(200);
    const anchors = await db.select({ term: alertAnchors.term }).from(alertAnchors);
    expect(anchors.map((anchor) => anchor.term)).toContain('fi:kehittäj');
  });

  it('deletes the anchors and matches of a deleted alert, and the matches of a deleted posting', async () => {
    const db = ctx.database.db;
    const id = await insertActiveAlert(db, { keywords: 'kehittäjä' }, ctx.clock.now());
    await insertActiveAlert(db, { keywords: 'ohjelmistokehittäjä' }, ctx.clock.now());
    await postPostings(ctx, [jobPosting(ctx, { id: 'gone' })]);
    await db.delete(alerts).where(eq(alerts.id, id));
    expect(await matchRows(db)).toHaveLength(1);
    expect(await db.select().from(alertAnchors).where(eq(alertAnchors.alertId, id))).toHaveLength(
      0,
    );
    await db.execute(sql`delete from postings where id = 'gone'`);
    expect(await countRows(db, 'matches')).toBe(0);
  });

  it('marks a matched posting withdrawn so digests can skip it', async () => {
    await insertActiveAlert(ctx.database.db, { keywords: 'kehittäjä' }, ctx.clock.now());
    await postPostings(ctx, [jobPosting(ctx, { id: 'withdrawn' })]);
    await postSigned(ctx, '/v1/postings/withdrawals', { ids: ['withdrawn'] });
    const rows = await queryRows<{ withdrawn: boolean }>(
      ctx.database.db,
      sql`select p.withdrawn_at is not null as withdrawn
          from matches m join postings p on p.id = m.posting_id`,
    );
    expect(rows).toEqual([{ withdrawn: true }]);
  });

  it('counts terms of new postings for choosing anchors', async () => {
    await postPostings(ctx, [jobPosting(ctx), jobPosting(ctx)]);
    const rows = await queryRows<{ term: string; postings: number }>(
      ctx.database.db,
      sql`select term, postings from term_stats where term in ('', 'fi:kehittäj', 'm:091')
          order by term`,
    );
    expect(rows).toEqual([
      { term: '', postings: 2 },
      { term: 'fi:kehittäj', postings: 2 },
      { term: 'm:091', postings: 2 },
    ]);
  });

  it('looks anchors up from the index alone, filters included', async () => {
    const db = ctx.database.db;
    // 20,000 anchors on 2,000 terms, as if for thousands of alerts.
    await db.execute(sql`
      insert into alert_anchors (term, alert_id, filter)
      select 'fi:term' || (n % 2000), gen_random_uuid(), array['m:' || (n % 2000 % 7)]
      from generate_series(1, 20000) as n`);
    await db.execute(sql`vacuum analyze alert_anchors`);
    // On a table this small Postgres 15 would rather read the heap pages in one bitmap scan; at
    // scale it picks the index alone, as long as the index holds everything the query reads.
    const plan = await withTransaction(db, async (tx) => {
      await tx.execute(sql`set local enable_bitmapscan = off`);
      return queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain ${anchorsOf(['fi:term1', 'fi:term2', 'fi:absent'])}`,
      );
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('Index Only Scan using alert_anchors_term_alert_id_pk');
    const rows = await queryRows<{ term: string; alerts: string; filters: string }>(
      db,
      anchorsOf(['fi:term1', 'fi:absent']),
    );
    expect(rows.map((row) => row.term)).toEqual(['fi:term1']);
    expect(rows[0]?.alerts.split(' ')).toHaveLength(10);
    expect(rows[0]?.filters).toBe(Array(10).fill('m:1').join(','));
  });
});

describe('stemming', () => {
  it.each([
    [
      'finnish',
      'fi',
      [
        'ohjelmistokehittäjät',
        'kehittäjiä',
        'sairaanhoitajia',
        'myyjä',
        'työntekijöitä',
        'insinööri',
      ],
    ],
    ['swedish', 'sv', ['sjuksköterskor', 'barnsjuksköterska', 'förskollärare', 'utvecklare']],
    ['english', 'en', ['developers', 'engineering', 'nursing', 'management']],
  ] as const)(
    'snowball-stemmers gives the same %s stems as the database’s text search',
    async (config, language, words) => {
      for (const word of words) {
        const [row] = await queryRows<{ stems: string[] }>(
          ctx.database.db,
          sql`select ts_lexize(${`${config}_stem`}::regdictionary, ${word}) as stems`,
        );
        expect(snowballStem(word, language)).toBe(row?.stems[0]);
      }
    },
  );
});

describe('alerts compiled by an older analysis version', () => {
  it('are compiled again by the migration that brought the new version, and then match as it does', async () => {
    const alert = await subscribeAndConfirm({ keywords: 'full-stack' });
    // as version 1 stored it: the parts as a phrase, without the word written together
    const older = JSON.parse(JSON.stringify(alert.compiled), (key, value) =>
      key === 'joined' ? undefined : value,
    );
    await ctx.database.db
      .update(alerts)
      .set({ compiled: { ...older, v: 1 } })
      .where(eq(alerts.id, alert.id));
    const fullstack = (id: string) =>
      jobPosting(ctx, { id, title: 'Fullstack developer', description: 'Remote.', language: 'en' });
    expect((await (await postPostings(ctx, [fullstack('before')])).json()).matched).toBe(0);

    await setAsideBy('0015_hyphenated_keywords_compiled_again.sql');

    expect((await (await postPostings(ctx, [fullstack('after')])).json()).matched).toBe(1);
    const [again] = await ctx.database.db.select().from(alerts);
    expect(again?.compiled?.v).toBe(COMPILED_VERSION);
    expect(await matchRows(ctx.database.db)).toEqual([
      expect.objectContaining({ postingId: 'after' }),
    ]);
  });

  it.each([
    {
      change: 'C# is not the letter C',
      keywords: 'C#',
      // as version 2 stored and anchored it: the word `c`
      older: (compiled: string) => compiled.replaceAll(':c#"', ':c"'),
      right: 'C#-kehittäjä',
      wrong: 'Kuljettaja, C-ajokortti',
      matchedBefore: 1,
    },
    {
      change: 'a keyword has no head stem shorter than a compound head',
      keywords: 'massa',
      // as version 2 stored and anchored it: `m` beside `mas`
      older: (compiled: string) => compiled.replaceAll('"fi:mas"', '"fi:mas","fi:m"'),
      right: 'Massan käsittelijä',
      wrong: 'Nosturinkuljettaja, ulottuma 30 m',
      matchedBefore: 2,
    },
    {
      change: 'a keyword in the plural is looked up by its singular too',
      keywords: 'kesätöitä',
      // as version 2 stored and anchored it: the plural's stem alone
      older: (compiled: string) => compiled.replaceAll(',"fi:kesätyö"', ''),
      right: 'Kesätyö Helsingissä',
      matchedBefore: 0,
    },
  ])('are set aside by 0017 and compiled again: $change', async (example) => {
    const alert = await subscribeAndConfirm({ keywords: example.keywords });
    const older = JSON.parse(example.older(JSON.stringify(alert.compiled)));
    expect(older).not.toEqual(alert.compiled);
    await ctx.database.db
      .update(alerts)
      .set({ compiled: { ...older, v: 2 } })
      .where(eq(alerts.id, alert.id));
    await ctx.database.db.delete(alertAnchors);
    await ctx.database.db
      .insert(alertAnchors)
      .values(older.anchors.map((term: string) => ({ term, alertId: alert.id, filter: [] })));
    const postingsAt = (when: string) =>
      [example.right, example.wrong].flatMap((title, index) =>
        title
          ? [
              jobPosting(ctx, {
                id: `${when}-${index}`,
                title,
                description: 'Kokoaikainen.',
                language: 'fi',
              }),
            ]
          : [],
      );
    const before = await (await postPostings(ctx, postingsAt('before'))).json();
    expect(before.matched).toBe(example.matchedBefore);

    await setAsideBy('0017_symbol_keywords_compiled_again.sql');

    expect((await (await postPostings(ctx, postingsAt('after'))).json()).matched).toBe(1);
    const [again] = await ctx.database.db.select().from(alerts);
    expect(again?.compiled?.v).toBe(COMPILED_VERSION);
    const matched = (await matchRows(ctx.database.db)).map((row) => row.postingId);
    expect(matched.filter((id) => id.startsWith('after'))).toEqual(['after-0']);
  });

  it('are set aside by 0017 only where its rules can change them', async () => {
    const keywords = [
      'ravintoloita',
      'sjuksköterskan',
      'koulutuksen',
      'F#',
      'sairaanhoitaja',
      'ohjelmoija',
      'developer',
    ];
    for (const [index, words] of keywords.entries()) {
      const email = `reader${index}@example.org`;
      expect((await subscribe(ctx, { email, criteria: { keywords: words } })).status).toBe(202);
    }
    await ctx.database.db.execute(
      sql`update alerts set compiled = jsonb_set(compiled, '{v}', '2')`,
    );
    await runMigration('0017_symbol_keywords_compiled_again.sql');
    const rows = await ctx.database.db.select().from(alerts);
    const setAside = rows
      .filter((row) => row.compiled === null)
      .map((row) => row.criteria.keywords)
      .sort();
    expect(setAside).toEqual(['F#', 'koulutuksen', 'ravintoloita', 'sjuksköterskan']);
  });

  /** Runs a migration that sets alerts aside to be compiled again, and checks it set this one. */
  async function setAsideBy(file: string) {
    await runMigration(file);
    const [setAside] = await ctx.database.db.select().from(alerts);
    expect(setAside?.compiled).toBeNull();
  }

  async function runMigration(file: string) {
    const migration = await readFile(new URL(`../drizzle/${file}`, import.meta.url), 'utf8');
    await ctx.database.db.execute(sql.raw(migration));
  }

  it('are verified from their criteria while they wait to be compiled again', async () => {
    // More than a batch's worth may wait: the matcher meets one whose compiled form is set aside
    // but whose anchors still find it. It used to throw on the missing expression.
    const alert = await subscribeAndConfirm({ keywords: 'full-stack' });
    await ctx.database.db.update(alerts).set({ compiled: null }).where(eq(alerts.id, alert.id));
    const posting = {
      id: 'waiting',
      title: 'Full stack developer',
      publishedAt: new Date(ctx.clock.now().getTime() + HOUR),
      municipalities: [],
      regions: [],
      occupations: [],
    };
    const { found } = await findMatches(
      ctx.database.db,
      analyseBatch([posting]),
      anchorTermsOf(ctx.database.db),
    );
    expect(found.map((match) => [match.alertId, match.postingId])).toEqual([[alert.id, 'waiting']]);
  });
});
