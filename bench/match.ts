/**
 * `npm run bench:match -- --alerts N --postings M --engine pglite|postgres [--database-url URL]
 *   [--earlier-matches K]`
 *
 * Loads N synthetic active alerts (compiled and anchored as subscribing and confirming do), then
 * matches M synthetic postings in batches with the indexed matcher, timing each batch (analysis,
 * candidate query, verification, recording, in one transaction). The brute-force oracle runs on
 * a sample of the same postings; the two must find identical pairs and reasons. Prints one JSON
 * line; progress goes to stderr. The line gives the CPU time the matching took a posting, in this
 * process (the database too on PGlite) and in the Postgres backends, read from /proc; and
 * `cpuBoundPostingsPerSecond`, the throughput at which that CPU would keep every core of the
 * machine busy: what no overlap of the two sides can exceed here.
 *
 * `--earlier-matches K` records K matches an alert of earlier postings before the timed part, so
 * that the batches write into a table of the size the service keeps: 12 an alert at a million
 * alerts is 60 days of postings at 3,000 a day (bench/retention.ts). Default 0, an empty table.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { criteriaSchema } from '../src/alerts/criteria';
import { type Db, queryRows, withTransaction } from '../src/db/database';
import { migratePglite, openPglite } from '../src/db/pglite';
import { migratePostgres, openPostgres } from '../src/db/postgres';
import { migrationsFolder } from '../src/entry/database';
import { anchorTermsOf } from '../src/matching/anchor-terms';
import { compileCriteria } from '../src/matching/compile';
import { type FoundMatch, matchPostings } from '../src/matching/matcher';
import { oracleMatches } from '../src/matching/oracle';
import { analyseBatch, analysePosting, type MatchablePosting } from '../src/matching/posting';
import { termFrequency } from '../src/matching/term-stats';
import { cpuSpent, processCpuMs } from './cpu';
import { postgresServer } from './postgres-server';
import {
  FILLER_REASONS,
  POSTINGS_KEPT,
  random,
  syntheticCriteria,
  syntheticPosting,
  vocabulary,
} from './synthetic';

const { values: options } = parseArgs({
  options: {
    alerts: { type: 'string', default: '100000' },
    postings: { type: 'string', default: '5000' },
    engine: { type: 'string', default: 'pglite' },
    'database-url': { type: 'string', default: 'postgres://app@127.0.0.1:55433/postgres' },
    batch: { type: 'string', default: '1000' },
    'oracle-postings': { type: 'string' },
    'sample-postings': { type: 'string', default: '2000' },
    seed: { type: 'string', default: '42' },
    'earlier-matches': { type: 'string', default: '0' },
  },
});
const alertCount = Number(options.alerts);
const postingCount = Number(options.postings);
const batchSize = Number(options.batch);
const oracleCount = Number(options['oracle-postings'] ?? (alertCount >= 500_000 ? 20 : 50));
const engine = options.engine === 'postgres' ? 'postgres' : 'pglite';
const earlierMatches = Number(options['earlier-matches']);

const progress = (message: string) => process.stderr.write(`[bench:match] ${message}\n`);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

const NOW = new Date('2026-03-02T10:00:00Z');
const DAY = 86_400_000;

async function openDatabase(): Promise<{ db: Db; close(): Promise<void> }> {
  if (engine === 'pglite') {
    const database = await openPglite();
    await migratePglite(database, migrationsFolder);
    return database;
  }
  const adminUrl = options['database-url'] ?? '';
  const name = 'tpv_bench_match';
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migratePostgres(url.toString(), migrationsFolder);
  return openPostgres(url.toString(), { max: 2 });
}

const rng = random(Number(options.seed));
const words = vocabulary(rng);
const database = await openDatabase();
const { db } = database;
const server = engine === 'postgres' ? await postgresServer(db) : undefined;

// Term statistics from a sample of earlier postings, as the webhook accumulates them.
const sampleCount = Number(options['sample-postings']);
const counts = new Map<string, number>();
for (let index = 0; index < sampleCount; index++) {
  const posting = analysePosting(syntheticPosting(`sample-${index}`, words, rng, NOW));
  for (const term of posting.terms.keys()) counts.set(term, (counts.get(term) ?? 0) + 1);
}
const frequency = termFrequency({ sampled: sampleCount, count: (term) => counts.get(term) ?? 0 });
await db.execute(sql`
  insert into term_stats (term, postings)
  select key, value::int from jsonb_each_text(${JSON.stringify({ '': sampleCount, ...Object.fromEntries(counts) })}::jsonb)`);

// Alerts, inserted directly (not through subscribe) in chunks, compiled as subscribing compiles.
let started = performance.now();
const CHUNK = 5000;
let anchorRows = 0;
for (let offset = 0; offset < alertCount; offset += CHUNK) {
  const rows: object[] = [];
  const anchors: { term: string; id: string; filter: string[] }[] = [];
  for (let index = offset; index < Math.min(alertCount, offset + CHUNK); index++) {
    const criteria = criteriaSchema.parse(syntheticCriteria(words, rng));
    const compiled = compileCriteria(criteria, frequency);
    const id = crypto.randomUUID();
    // 1 % confirmed after the postings were published: they must not receive them.
    const confirmedAt = new Date(
      NOW.getTime() + (rng.chance(0.01) ? DAY : -rng.integer(1, 80) * DAY),
    );
    rows.push({ id, criteria, compiled, confirmedAt: confirmedAt.toISOString() });
    for (const term of compiled.anchors) anchors.push({ term, id, filter: compiled.filter });
  }
  anchorRows += anchors.length;
  await withTransaction(db, async (tx) => {
    await tx.execute(sql`
      insert into alerts (id, status, email_ciphertext, email_hash, criteria, label, locale,
        frequency, terms_version, subscribed_at, confirmed_at, expires_at, compiled)
      select a.id, 'active', 'bench', 'bench-' || a.id, a.criteria, 'Bench', 'fi', 'daily', 'bench',
        a."confirmedAt", a."confirmedAt", a."confirmedAt" + interval '90 days', a.compiled
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as a(id uuid, criteria jsonb, compiled jsonb, "confirmedAt" timestamptz)`);
    await tx.execute(sql`
      insert into alert_anchors (term, alert_id, filter)
      select x.term, x.id, array(select jsonb_array_elements_text(x.filter))
      from jsonb_to_recordset(${JSON.stringify(anchors)}::jsonb) as x(term text, id uuid, filter jsonb)
      on conflict do nothing`);
  });
  if ((offset / CHUNK) % 20 === 0)
    progress(`alerts: ${offset + rows.length} (${seconds(started)} s)`);
}
await db.execute(sql`vacuum analyze alerts`);
await db.execute(sql`vacuum analyze alert_anchors`);
progress(`loaded ${alertCount} alerts, ${anchorRows} anchors in ${seconds(started)} s`);

// Postings, stored first (matches refer to them); the timed part is the matcher alone.
const postings: MatchablePosting[] = Array.from({ length: postingCount }, (_, index) =>
  syntheticPosting(`posting-${index}`, words, rng, new Date(NOW.getTime() + index * 1000)),
);
for (let offset = 0; offset < postings.length; offset += CHUNK) {
  const chunk = postings.slice(offset, offset + CHUNK).map((posting) => ({
    id: posting.id,
    title: posting.title,
    url: `https://jobs.example.org/${posting.id}`,
    publishedAt: posting.publishedAt.toISOString(),
  }));
  await db.execute(sql`
    insert into postings (id, title, url, published_at, municipalities, regions, occupations,
      received_at, updated_at)
    select p.id, p.title, p.url, p."publishedAt", '{}', '{}', '{}', ${NOW.toISOString()}::timestamptz,
      ${NOW.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as p(id text, title text, url text, "publishedAt" timestamptz)`);
}

if (earlierMatches > 0) {
  started = performance.now();
  await db.execute(sql`
    insert into matches (alert_id, posting_id, matched_at, mailed_at, reasons)
    select id, 'earlier-' || (1 + floor(random() * ${POSTINGS_KEPT}))::int,
      ${NOW.toISOString()}::timestamptz, ${NOW.toISOString()}::timestamptz, ${FILLER_REASONS}::jsonb
    from alerts, generate_series(1, ${earlierMatches}::int)
    on conflict do nothing`);
  await db.execute(sql`vacuum analyze matches`);
  progress(`recorded ${earlierMatches} earlier matches an alert in ${seconds(started)} s`);
}

/** The Postgres backends of the bench database (none for PGlite, which runs in this process). */
const backendPids = async () =>
  engine === 'postgres'
    ? (
        await queryRows<{ pid: number }>(
          db,
          sql`select pid from pg_stat_activity where datname = current_database()`,
        )
      ).map((row) => Number(row.pid))
    : [];
const databaseBefore = await processCpuMs(await backendPids());
const matcherBefore = process.cpuUsage();
started = performance.now();
const batchTimes: number[] = [];
const found: FoundMatch[] = [];
let candidates = 0;
let recorded = 0;
for (let offset = 0; offset < postings.length; offset += batchSize) {
  const batchStarted = performance.now();
  const outcome = await withTransaction(db, (tx) =>
    matchPostings({
      db: tx,
      batch: analyseBatch(postings.slice(offset, offset + batchSize)),
      anchorTerms: anchorTermsOf(db),
      now: NOW,
    }),
  );
  batchTimes.push(performance.now() - batchStarted);
  for (const match of outcome.found) found.push(match);
  candidates += outcome.candidates;
  recorded += outcome.recorded;
  progress(
    `batch ${batchTimes.length}: ${Math.round(batchTimes.at(-1) ?? 0)} ms, ${outcome.candidates} candidates, ${outcome.found.length} matches`,
  );
}
const matcherSeconds = (performance.now() - started) / 1000;
const matcherUsage = process.cpuUsage(matcherBefore);
const matcherCpuMs = (matcherUsage.user + matcherUsage.system) / 1000;
const databaseAfter = await processCpuMs(await backendPids());
const databaseCpuMs =
  databaseBefore && databaseAfter && databaseAfter.size > 0
    ? cpuSpent(databaseBefore, databaseAfter)
    : undefined;

const sample = postings.slice(0, oracleCount);
started = performance.now();
const oracle = await oracleMatches(db, sample.map(analysePosting));
const oracleSeconds = (performance.now() - started) / 1000;
progress(`oracle: ${sample.length} postings in ${oracleSeconds.toFixed(1)} s`);

const key = (match: FoundMatch) =>
  `${match.alertId} ${match.postingId} ${JSON.stringify(match.reasons)}`;
const sampleIds = new Set(sample.map((posting) => posting.id));
const indexedPairs = found
  .filter((match) => sampleIds.has(match.postingId))
  .map(key)
  .sort();
const oraclePairs = oracle.map(key).sort();
const identical =
  indexedPairs.length === oraclePairs.length &&
  indexedPairs.every((pair, index) => pair === oraclePairs[index]);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};
const postingsPerSecond = postings.length / matcherSeconds;
const oraclePerSecond = sample.length / oracleSeconds;
const round = (value: number, digits = 1) => Number(value.toFixed(digits));
process.stdout.write(
  `${JSON.stringify({
    engine,
    ...server,
    alerts: alertCount,
    postings: postings.length,
    batch: batchSize,
    postingsPerSecond: round(postingsPerSecond),
    oraclePostings: sample.length,
    oraclePostingsPerSecond: round(oraclePerSecond, 2),
    ratio: round(postingsPerSecond / oraclePerSecond),
    identicalToOracle: identical,
    oracleMatches: oraclePairs.length,
    candidatesPerPosting: round(candidates / postings.length),
    matchesPerPosting: round(found.length / postings.length),
    recorded,
    ...(earlierMatches > 0 && { earlierMatchesPerAlert: earlierMatches }),
    anchorsPerAlert: round(anchorRows / alertCount, 2),
    batchMsP50: round(percentile(batchTimes, 50)),
    batchMsP99: round(percentile(batchTimes, 99)),
    cpus: cpus().length,
    matcherCpuMsPerPosting: round(matcherCpuMs / postings.length, 3),
    databaseCpuMsPerPosting:
      databaseCpuMs === undefined ? undefined : round(databaseCpuMs / postings.length, 3),
    cpuBoundPostingsPerSecond: round(
      (cpus().length * 1000) / ((matcherCpuMs + (databaseCpuMs ?? 0)) / postings.length),
    ),
  })}\n`,
);
await database.close();
if (!identical) {
  progress(`MISMATCH: indexed ${indexedPairs.length} pairs, oracle ${oraclePairs.length}`);
  process.exit(1);
}
