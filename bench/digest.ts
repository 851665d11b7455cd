/**
 * `npm run bench:digest -- --digests 10000 [--engine pglite|postgres] [--database-url URL]`
 *
 * Stores N active alerts, each with new matches (1–5 postings), runs the digests job once through
 * the Resend transport against the fake Resend server on loopback, and checks that every
 * recipient got exactly one digest. The baseline, measured in the same run, renders the same
 * number of digest emails alone, without the database or the provider: how much of the job's
 * time rendering takes. Prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import DigestEmail from '../emails/digest';
import { renderTemplate } from '../emails/render';
import { parseConfig } from '../src/config';
import { createKeyring } from '../src/crypto/keyring';
import type { Db } from '../src/db/database';
import { migratePglite, openPglite } from '../src/db/pglite';
import { migratePostgres, openPostgres } from '../src/db/postgres';
import { alerts, matches, postings } from '../src/db/schema';
import { runDigests } from '../src/delivery/digests';
import { createResendMailer } from '../src/delivery/resend';
import type { Deps } from '../src/deps';
import { migrationsFolder } from '../src/entry/database';
import { createJsonLog } from '../src/log';
import { databaseUrl } from '../test/helpers/postgres-url';
import { postgresServer } from './postgres-server';

const { values } = parseArgs({
  options: {
    digests: { type: 'string', default: '10000' },
    engine: { type: 'string', default: 'pglite' },
    'database-url': { type: 'string' },
  },
});
const count = Number(values.digests);
const progress = (message: string) => process.stderr.write(`${message}\n`);

async function openDatabase(): Promise<{ db: Db; close(): Promise<void> }> {
  if (values.engine === 'postgres') {
    const adminUrl = values['database-url'] ?? process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('give --database-url for --engine postgres');
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists tpv_bench_digest with (force)');
    await admin.unsafe('create database tpv_bench_digest');
    await admin.end();
    const url = databaseUrl(adminUrl, 'tpv_bench_digest');
    await migratePostgres(url, migrationsFolder);
    return openPostgres(url);
  }
  const database = await openPglite();
  await migratePglite(database, migrationsFolder);
  return database;
}

const now = new Date();
const config = parseConfig({
  NODE_ENV: 'production',
  EMAIL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  EMAIL_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
  PUBLIC_BASE_URL: 'https://vahti.example.org',
  MAIL_FROM: 'Työpaikkavahti <vahti@example.org>',
  LOG_LEVEL: 'silent',
});
const keyring = await createKeyring({
  encryptionKeys: config.EMAIL_ENCRYPTION_KEY ?? [],
  hashKeys: config.EMAIL_HASH_KEY ?? [],
});
const database = await openDatabase();
const server = values.engine === 'postgres' ? await postgresServer(database.db) : undefined;
/** The fake provider runs in a process of its own, so that its work is not counted as ours. */
const provider = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-resend-process.ts'], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const providerLines = createInterface({ input: provider.stdout })[Symbol.asyncIterator]();
const nextLine = async () => JSON.parse(String((await providerLines.next()).value));
const fake: { url: string; apiKey: string } = await nextLine();
const log = createJsonLog(() => {}, { level: 'silent' });

progress(`storing ${count} alerts with their matches`);
const postingIds = Array.from({ length: 50 }, (_, n) => `bench-${n}`);
await database.db.insert(postings).values(
  postingIds.map((id, n) => ({
    id,
    title: `Ohjelmistokehittäjä ${n}`,
    description: 'Kehitämme verkkopalveluja.',
    employer: 'Esimerkki Oy',
    url: `https://jobs.example.org/${id}`,
    // Published and matched a day ago, so that today's 07:00 slot has every daily alert due,
    // whatever time of day the bench runs.
    publishedAt: new Date(now.getTime() - 26 * 3_600_000 - n * 60_000),
    deadline: new Date(now.getTime() + 14 * 86_400_000),
    municipalities: ['091'],
    regions: ['01'],
    occupations: ['2512'],
    language: 'fi' as const,
    receivedAt: now,
    updatedAt: now,
  })),
);
const confirmedAt = new Date(now.getTime() - 2 * 86_400_000);
for (let start = 0; start < count; start += 1000) {
  const rows = await Promise.all(
    Array.from({ length: Math.min(1000, count - start) }, async (_, i) => {
      const n = start + i;
      const address = `reader${n}@example.org`;
      return {
        id: crypto.randomUUID(),
        status: 'active' as const,
        emailCiphertext: await keyring.encrypt(address),
        emailHash: await keyring.hashEmail(address),
        // as this version stores them, under the current hash key
        emailHashKey: keyring.hashKeyId,
        criteria: { keywords: 'ohjelmistokehittäjä', municipalities: ['091'] },
        label: 'Ohjelmistokehittäjä, Helsinki',
        searchUrl: 'https://jobs.example.org/haku?q=ohjelmistokehittaja',
        locale: (['fi', 'sv', 'en'] as const)[n % 3] ?? 'fi',
        frequency: 'daily' as const,
        termsVersion: '2024-06-27',
        subscribedAt: confirmedAt,
        confirmedAt,
        expiresAt: new Date(now.getTime() + 60 * 86_400_000),
      };
    }),
  );
  await database.db.insert(alerts).values(rows);
  await database.db.insert(matches).values(
    rows.flatMap((row, i) =>
      postingIds
        .slice((start + i) % 45, ((start + i) % 45) + 1 + ((start + i) % 5))
        .map((postingId) => ({
          alertId: row.id,
          postingId,
          matchedAt: new Date(now.getTime() - 25 * 3_600_000),
          reasons: {
            keywords: [{ keyword: 'ohjelmistokehittäjä', word: 'ohjelmistokehittäjä' }],
            facets: ['m:091'],
          },
        })),
    ),
  );
}
await database.db.execute(sql`analyze`);

const deps: Deps = {
  db: database.db,
  config,
  keyring,
  log,
  clock: { now: () => now },
  mailer: createResendMailer({
    apiKey: fake.apiKey,
    baseUrl: fake.url,
    from: config.MAIL_FROM,
    log,
    clock: { now: () => now },
  }),
};

progress('running the digests job');
const started = performance.now();
const result = await runDigests({ deps, now });
const seconds = (performance.now() - started) / 1000;
provider.stdin.write('report\n');
const report: { delivered: number; recipients: number; requests: number } = await nextLine();
if (result.digests !== count || report.delivered !== count || report.recipients !== count) {
  throw new Error(
    `expected ${count} digests, got ${result.digests} composed, ${report.delivered} delivered`,
  );
}

progress('baseline: rendering the same number of digests alone, as the job renders them');
const sample = {
  locale: 'fi' as const,
  label: 'Ohjelmistokehittäjä, Helsinki',
  total: 3,
  moreCount: 0,
  postings: [1, 2, 3].map((n) => ({
    title: `Ohjelmistokehittäjä ${n}`,
    employer: 'Esimerkki Oy',
    location: '091, 01',
    deadline: '5. joulukuuta 2026',
    url: `https://jobs.example.org/bench-${n}`,
    reasons: ['hakusana: ohjelmistokehittäjä', 'kunta: 091'],
  })),
  searchUrl: 'https://jobs.example.org/haku',
  expires: '20. tammikuuta 2027',
  manageUrl: 'https://vahti.example.org/alerts/manage?token=x',
  unsubscribeUrl: 'https://vahti.example.org/alerts/unsubscribe?token=y',
};
const renderStarted = performance.now();
for (let n = 0; n < count; n++) {
  await renderTemplate(DigestEmail, { ...sample, label: `${sample.label} ${n}` });
}
const renderSeconds = (performance.now() - renderStarted) / 1000;

console.log(
  JSON.stringify({
    bench: 'digest',
    engine: values.engine,
    ...server,
    digests: count,
    postingsMailed: result.postings,
    seconds: Math.round(seconds * 10) / 10,
    emailsPerSecond: Math.round(count / seconds),
    providerRequests: report.requests,
    baselineRenderOnlyPerSecond: Math.round(count / renderSeconds),
    renderShare: Math.round((renderSeconds / seconds) * 100) / 100,
  }),
);
provider.stdin.end();
provider.kill();
await database.close();
