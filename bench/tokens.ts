/**
 * `npm run bench:tokens -- [--tokens 1000000] [--alerts 10000] [--engine pglite|postgres]
 * [--url postgres://…]`
 *
 * Token guessing (SPEC.md §5): stores `--alerts` alerts with their four link tokens each, as
 * subscribing does (only SHA-256 hashes of the tokens), then tries `--tokens` random tokens of the
 * real format (43 base64url characters, 256 bits) against the same lookup every page and the API
 * use (`alertForToken`), for every purpose in turn. Counts the hits (there must be none) and times
 * each lookup; every tenth guess a real token is looked up as well, under the same conditions, as
 * the baseline. Prints one JSON line: hits, and p50/p99 of unknown and real lookups.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { alertForToken } from '../src/alerts/tokens';
import { toBase64Url } from '../src/crypto/encoding';
import { createKeyring, hashToken } from '../src/crypto/keyring';
import type { Db } from '../src/db/database';
import { migratePglite, openPglite } from '../src/db/pglite';
import { migratePostgres, openPostgres } from '../src/db/postgres';
import { alerts, alertTokens, type TokenPurpose, tokenPurposes } from '../src/db/schema';
import { migrationsFolder } from '../src/entry/database';
import { databaseUrl } from '../test/helpers/postgres-url';

const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '1000000' },
    alerts: { type: 'string', default: '10000' },
    engine: { type: 'string', default: 'pglite' },
    url: { type: 'string' },
  },
});
const guessCount = Number(values.tokens);
const alertCount = Number(values.alerts);
const engine = values.engine;
if (engine !== 'pglite' && engine !== 'postgres') throw new Error('--engine is pglite or postgres');
const progress = (message: string) => process.stderr.write(`${message}\n`);

const BENCH_DATABASE = 'tpv_bench_tokens';

async function openDatabase(): Promise<{ db: Db; close(): Promise<void> }> {
  if (engine === 'pglite') {
    const database = await openPglite();
    await migratePglite(database, migrationsFolder);
    return database;
  }
  const adminUrl = values.url ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('give --url (a Postgres server to create a bench database on)');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DATABASE} with (force)`);
  await admin.unsafe(`create database ${BENCH_DATABASE}`);
  const url = databaseUrl(adminUrl, BENCH_DATABASE);
  await migratePostgres(url, migrationsFolder);
  const database = openPostgres(url, { max: 1 });
  return {
    db: database.db,
    async close() {
      await database.close();
      await admin.unsafe(`drop database if exists ${BENCH_DATABASE} with (force)`);
      await admin.end();
    },
  };
}

const database = await openDatabase();
const { db } = database;
const keyring = await createKeyring({
  encryptionKeys: [Buffer.alloc(32, 1).toString('base64')],
  hashKeys: [Buffer.alloc(32, 2).toString('base64')],
});

progress(`storing ${alertCount} alerts with ${alertCount * tokenPurposes.length} token hashes`);
const now = new Date();
const realTokens: { token: string; purpose: TokenPurpose }[] = [];
for (let start = 0; start < alertCount; start += 1000) {
  const ids = Array.from({ length: Math.min(1000, alertCount - start) }, () => crypto.randomUUID());
  await db.insert(alerts).values(
    ids.map((id, n) => ({
      id,
      status: 'active' as const,
      emailCiphertext: 'bench',
      emailHash: `bench-${start + n}`,
      criteria: { keywords: 'kehittäjä' },
      label: 'Kehittäjä',
      locale: 'fi' as const,
      frequency: 'daily' as const,
      termsVersion: '2024-06-27',
      subscribedAt: now,
      confirmedAt: now,
      expiresAt: new Date(now.getTime() + 90 * 86_400_000),
    })),
  );
  const rows = [];
  for (const id of ids) {
    for (const purpose of tokenPurposes) {
      const token = await keyring.tokenFor(id, purpose);
      realTokens.push({ token, purpose });
      rows.push({ tokenHash: await hashToken(token), alertId: id, purpose, createdAt: now });
    }
  }
  await db.insert(alertTokens).values(rows);
}
await db.execute(sql`analyze`);

/** A guess of the real format: 32 random bytes as base64url, like a real token. */
const guess = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

async function timed(token: string, purpose: TokenPurpose) {
  const started = performance.now();
  const alert = await alertForToken(db, token, purpose);
  return { found: alert !== undefined, micros: (performance.now() - started) * 1000 };
}

// Warm the caches and the JIT on both paths before measuring.
for (let i = 0; i < 2000; i++) {
  await timed(guess(), 'manage');
  const real = realTokens[i % realTokens.length];
  if (real) await timed(real.token, real.purpose);
}

progress(`trying ${guessCount} random tokens`);
const unknownMicros: number[] = [];
const realMicros: number[] = [];
let hits = 0;
let realFound = 0;
const started = performance.now();
for (let i = 0; i < guessCount; i++) {
  const purpose = tokenPurposes[i % tokenPurposes.length] as TokenPurpose;
  const attempt = await timed(guess(), purpose);
  if (attempt.found) hits++;
  unknownMicros.push(attempt.micros);
  if (i % 10 === 0) {
    const real = realTokens[Math.floor(Math.random() * realTokens.length)];
    if (real) {
      const lookup = await timed(real.token, real.purpose);
      if (lookup.found) realFound++;
      realMicros.push(lookup.micros);
    }
  }
  if ((i + 1) % 100_000 === 0) progress(`  ${i + 1}`);
}
const seconds = (performance.now() - started) / 1000;

function distribution(micros: number[]) {
  const sorted = Float64Array.from(micros).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    count: sorted.length,
    p50Us: round(at(0.5)),
    p90Us: round(at(0.9)),
    p99Us: round(at(0.99)),
  };
}

const unknown = distribution(unknownMicros);
const real = distribution(realMicros);
console.log(
  JSON.stringify({
    bench: 'tokens',
    engine,
    alerts: alertCount,
    storedTokens: realTokens.length,
    guesses: guessCount,
    hits,
    realLookups: realMicros.length,
    realFound,
    unknown,
    real,
    p50RatioUnknownToReal: Math.round((unknown.p50Us / real.p50Us) * 100) / 100,
    p99RatioUnknownToReal: Math.round((unknown.p99Us / real.p99Us) * 100) / 100,
    guessesPerSecond: Math.round(guessCount / seconds),
  }),
);
await database.close();
if (hits > 0 || realFound !== realMicros.length) process.exitCode = 1;
