/**
 * `npm run bench:retention -- --alerts 1000000 [--database-url postgres://…] [--batch 5000]
 * [--rate 50] [--matches 12] [--messages 2] [--lanes 2]`
 *
 * Fills a fresh Postgres database with expired alerts (each with its four link-token hashes, two
 * matcher anchors, `--matches` recorded matches and `--messages` sent emails), then deletes them
 * as the retention job does (`runRetention`, `--lanes` batches at a time, then the deleted emails'
 * provider ids forgotten, src/jobs.ts; not its vacuum), while subscribe requests keep coming
 * through the app in the same process at a steady rate (default 50 a second). The baseline is the
 * same subscribe load measured first, with no purge running. Prints one JSON line.
 *
 * 12 matches an alert is what `bench:match` records at a million alerts (67 a posting) over the
 * 60 days postings are kept, at 3,000 new postings a day: 67 × 180,000 / 1,000,000. Two sent
 * emails an alert are its expiry reminder and a digest: sent rows are kept a week, and at 12
 * matches in 60 days a daily alert gets a digest about every fifth day.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createApp } from '../src/app';
import { parseConfig } from '../src/config';
import { createKeyring } from '../src/crypto/keyring';
import { queryRows } from '../src/db/database';
import { migratePostgres, openPostgres } from '../src/db/postgres';
import { forgetDeletedEmails } from '../src/delivery/outbox';
import { type Deps, systemClock } from '../src/deps';
import { migrationsFolder } from '../src/entry/database';
import { createJsonLog } from '../src/log';
import { RETENTION_BATCH, RETENTION_LANES, runRetention } from '../src/retention/retention';
import { databaseUrl } from '../test/helpers/postgres-url';
import { postgresServer } from './postgres-server';
import { FILLER_REASONS, POSTINGS_KEPT } from './synthetic';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000000' },
    'database-url': { type: 'string' },
    batch: { type: 'string', default: String(RETENTION_BATCH) },
    rate: { type: 'string', default: '50' },
    matches: { type: 'string', default: '12' },
    messages: { type: 'string', default: '2' },
    lanes: { type: 'string', default: String(RETENTION_LANES) },
  },
});
const alertCount = Number(values.alerts);
const batchSize = Number(values.batch);
const rate = Number(values.rate);
const matchesPerAlert = Number(values.matches);
const messagesPerAlert = Number(values.messages);
const lanes = Number(values.lanes);
const adminUrl =
  values['database-url'] ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!adminUrl)
  throw new Error('give --database-url (a Postgres server to create a bench database on)');
const progress = (message: string) => process.stderr.write(`${message}\n`);

const name = 'tpv_bench_retention';
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.unsafe(`create database ${name}`);
const url = databaseUrl(adminUrl, name);
await migratePostgres(url, migrationsFolder);
const database = openPostgres(url, { max: 10 });

const now = new Date();
const nowIso = now.toISOString();
progress(`filling ${alertCount} expired alerts`);
const fillStarted = performance.now();
const chunk = 100_000;
for (let start = 0; start < alertCount; start += chunk) {
  const end = Math.min(alertCount, start + chunk);
  await database.db.execute(sql`
    with created as (
      insert into alerts (id, status, email_ciphertext, email_hash, criteria, label, locale,
        frequency, terms_version, subscribed_at, confirmed_at, expires_at)
      select gen_random_uuid(), 'active', 'v1.00000000.' || md5(i::text) || md5((i * 7)::text),
        md5(i::text), '{"keywords":"ohjelmistokehittäjä","municipalities":["091"]}'::jsonb,
        'Ohjelmistokehittäjä, Helsinki', 'fi', 'daily', '2024-06-27',
        ${nowIso}::timestamptz - interval '100 days', ${nowIso}::timestamptz - interval '99 days',
        ${nowIso}::timestamptz - interval '1 hour' * (1 + i % 24)
      from generate_series(${start + 1}::int, ${end}::int) as i
      returning id
    )
    , tokens as (
      insert into alert_tokens (token_hash, alert_id, purpose, created_at)
      select md5(created.id::text || purpose), created.id, purpose, ${nowIso}::timestamptz
      from created, unnest(array['confirm', 'not_me', 'manage', 'unsubscribe']) as purpose
    )
    , sent as (
      insert into messages (id, alert_id, template, batch_key, status, attempts, created_at,
        next_attempt_at, sent_at, provider_id)
      select gen_random_uuid(), created.id, 'digest', md5(created.id::text || k), 'sent', 1,
        ${nowIso}::timestamptz - interval '1 day' * k, ${nowIso}::timestamptz - interval '1 day' * k,
        ${nowIso}::timestamptz - interval '1 day' * k, md5(created.id::text || k)
      from created, generate_series(1, ${messagesPerAlert}::int) as k
    )
    , anchors as (
      insert into alert_anchors (term, alert_id, filter)
      select term, created.id, '{}'::text[] from created, unnest(array['kehittäj', 'm:091']) as term
    )
    insert into matches (alert_id, posting_id, matched_at, mailed_at, reasons)
    select created.id, 'posting-' || (1 + floor(random() * ${POSTINGS_KEPT}))::int,
      ${nowIso}::timestamptz - interval '1 day' * k, ${nowIso}::timestamptz - interval '1 day' * k,
      ${FILLER_REASONS}::jsonb
    from created, generate_series(1, ${matchesPerAlert}::int) as k
    on conflict do nothing`);
  progress(`  ${end}`);
}
await database.db.execute(sql`analyze`);
const [filled] = await queryRows<{ n: number }>(
  database.db,
  sql`select count(*)::int as n from matches`,
);
const fillSeconds = (performance.now() - fillStarted) / 1000;

const config = parseConfig({
  NODE_ENV: 'production',
  DATABASE_URL: url,
  EMAIL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  EMAIL_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
  CONFIRMATION_EMAILS_PER_HOUR: '100000000',
  LOG_LEVEL: 'silent',
});
const deps: Deps = {
  db: database.db,
  config,
  clock: systemClock,
  keyring: await createKeyring({
    encryptionKeys: config.EMAIL_ENCRYPTION_KEY ?? [],
    hashKeys: config.EMAIL_HASH_KEY ?? [],
  }),
  log: createJsonLog(() => {}, { level: 'silent' }),
  mailer: { send: async (batch) => ({ ok: true, providerIds: batch.emails.map(() => 'bench') }) },
};
const app = createApp(deps);

let sequence = 0;
/**
 * Subscribes at a steady `rate` per second (an open loop: a slow answer does not slow the
 * arrivals) until `done()` says stop; answers latencies in ms.
 */
async function subscribeLoad(done: () => boolean) {
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let sent = 0; !done(); sent++) {
    const due = started + (sent * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const n = sequence++;
    const sentAt = performance.now();
    inFlight.push(
      Promise.resolve(
        app.request('/v1/alerts', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            email: `bench${n}@example.org`,
            criteria: { keywords: 'sairaanhoitaja', municipalities: ['837'] },
            acceptTerms: true,
          }),
        }),
      ).then((response) => {
        latencies.push(performance.now() - sentAt);
        if (response.status !== 202) errors++;
      }),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return { requests: latencies.length, errors, p50: at(0.5), p99: at(0.99) };
}

progress('warming up: 3 s of subscriptions, not measured');
const warmEnds = performance.now() + 3_000;
await subscribeLoad(() => performance.now() > warmEnds);

progress('baseline: subscribe load alone for 10 s');
const baselineEnds = performance.now() + 10_000;
const baseline = await subscribeLoad(() => performance.now() > baselineEnds);

progress('purging while subscribing');
let purging = true;
const purgeStarted = performance.now();
const [purge, during] = await Promise.all([
  (async () => {
    const deleted = await runRetention({ deps, now: new Date(), batchSize, lanes });
    return { ...deleted, forgottenEmails: await forgetDeletedEmails(deps) };
  })().finally(() => {
    purging = false;
  }),
  subscribeLoad(() => !purging),
]);
const purgeSeconds = (performance.now() - purgeStarted) / 1000;
const [left] = await queryRows<{ n: number }>(
  database.db,
  sql`select count(*)::int as n from alerts where expires_at <= ${nowIso}::timestamptz`,
);

console.log(
  JSON.stringify({
    bench: 'retention',
    engine: 'postgres',
    ...(await postgresServer(database.db)),
    alerts: alertCount,
    tokenRows: alertCount * 4,
    anchorRows: alertCount * 2,
    matchRows: filled?.n ?? 0,
    messageRows: alertCount * messagesPerAlert,
    batchSize,
    lanes,
    fillSeconds: Math.round(fillSeconds * 10) / 10,
    purgeSeconds: Math.round(purgeSeconds * 10) / 10,
    deletedAlerts: purge.alerts,
    forgottenEmails: purge.forgottenEmails,
    alertsPerSecond: Math.round(purge.alerts / purgeSeconds),
    expiredLeft: left?.n ?? -1,
    subscribeRatePerSecond: rate,
    subscribeBaseline: baseline,
    subscribeDuringPurge: during,
  }),
);
await database.close();
await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.end();
