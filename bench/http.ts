/**
 * `npm run bench:http -- --engine pglite|postgres [--url URL] [--duration s] [--warmup s]
 *   [--connections n] [--rate n]
 *   [--alerts n] [--batch n] [--ingest-connections n] [--workers n]
 *   [--only baseline,subscribe,ingest]
 *   [--server-log file] [--profile dir]`
 *
 * The HTTP service under load, as it runs in production: `src/entry/node.ts` in a process of its
 * own (NODE_ENV=production, the Resend transport pointed at the fake Resend server, itself in a
 * third process), driven from this process over loopback (autocannon at full speed, `pacedLoad`
 * at a rate), each scenario bounded in time and measured after a warm-up of its own (15 s by
 * default, see `measured`). Scenarios, in one run:
 *
 * - baseline: `GET /healthz`, the stack without the database (middleware, request log);
 * - subscribe: `POST /v1/alerts`, every request a distinct address with varied criteria, from a
 *   distinct client address (`X-Forwarded-For`, the server runs with TRUST_PROXY=true) so that the
 *   per-IP limit counts each one once; the hourly confirmation cap is set high. Every limit is
 *   still taken, as in production; none is switched off. Then the same at `--rate` requests a
 *   second (1,000 by default; 0 skips it), evenly spaced (`pacedLoad`), for the latency at that
 *   rate;
 * - ingest: `POST /v1/postings`, signed batches of new postings matched against a database seeded
 *   with confirmed alerts (10,000 by default).
 *
 * Prints one JSON line; exits 1 when any request failed or was answered other than 2xx (timings
 * never fail it). `--url` is the Postgres server to create a scratch database on (default
 * TEST_DATABASE_URL); `--profile` writes the server's CPU profile (`node --cpu-prof`) there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { criteriaSchema } from '../src/alerts/criteria';
import { createKeyring } from '../src/crypto/keyring';
import { type Db, queryRows, withTransaction } from '../src/db/database';
import { migratePglite, openPglite } from '../src/db/pglite';
import { migratePostgres, openPostgres } from '../src/db/postgres';
import { migrationsFolder } from '../src/entry/database';
import { compileCriteria } from '../src/matching/compile';
import { analysePosting, type MatchablePosting } from '../src/matching/posting';
import { sampleTermStats, termFrequency } from '../src/matching/term-stats';
import { databaseUrl } from '../test/helpers/postgres-url';
import { cpuSpent, processCpuMs } from './cpu';
import { pacedLoad } from './paced';
import { postgresServer } from './postgres-server';
import { random, syntheticCriteria, syntheticPosting, vocabulary } from './synthetic';

const { values: options } = parseArgs({
  options: {
    engine: { type: 'string', default: 'pglite' },
    url: { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '15' },
    rate: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '50' },
    alerts: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '1000' },
    'ingest-connections': { type: 'string', default: '2' },
    'server-log': { type: 'string' },
    profile: { type: 'string' },
    seed: { type: 'string', default: '7' },
    workers: { type: 'string' },
    only: { type: 'string', default: 'baseline,subscribe,ingest' },
  },
});
const engine = options.engine === 'postgres' ? 'postgres' : 'pglite';
const duration = Number(options.duration);
const warmup = Number(options.warmup);
const targetRate = Number(options.rate);
const connections = Number(options.connections);
const alertCount = Number(options.alerts);
const batchSize = Number(options.batch);
const ingestConnections = Number(options['ingest-connections']);
// As deployed on Node: an HTTP worker per core where the database allows (README "Deploy on
// Node"); PGlite lives in one process.
const serverWorkers = engine === 'postgres' ? Number(options.workers ?? cpus().length) : 1;
const benchStarted = performance.now();
// Bounded in time whatever happens: a run that hangs fails instead of holding CI up.
setTimeout(
  () => {
    progress('gave up: the run took too long');
    process.exit(2);
  },
  (300 + 4 * (Number(options.duration) + Number(options.warmup))) * 1000,
).unref();
const scenarios = new Set(options.only.split(','));
const progress = (message: string) =>
  process.stderr.write(
    `[bench:http] ${((performance.now() - benchStarted) / 1000).toFixed(1)} s: ${message}\n`,
  );

const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const keys = {
  EMAIL_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  EMAIL_HASH_KEY: Buffer.alloc(32, 2).toString('base64'),
};
const DAY = 86_400_000;
const started = new Date();
const rng = random(Number(options.seed));
const words = vocabulary(rng);

/** A scratch database (Postgres) or data directory (PGlite), migrated, for the server to open. */
async function prepareDatabase(): Promise<{
  env: Record<string, string>;
  admin?: postgres.Sql;
  name?: string;
  open(): Promise<{ db: Db; close(): Promise<void> }>;
  /** Refreshes the planner's statistics while the server runs (Postgres only). */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}> {
  if (engine === 'postgres') {
    const adminUrl = options.url ?? process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('give --url (or TEST_DATABASE_URL) for --engine postgres');
    const name = 'tpv_bench_http';
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    const url = databaseUrl(adminUrl, name);
    await migratePostgres(url, migrationsFolder);
    return {
      env: { DATABASE_URL: url },
      admin,
      name,
      open: async () => openPostgres(url, { max: 2 }),
      analyze: async () => {
        const connection = postgres(url, { max: 1, onnotice: () => {} });
        await connection.unsafe('analyze');
        await connection.end();
      },
      drop: async () => {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'tpv-bench-http-'));
  const database = await openPglite({ dataDir });
  await migratePglite(database, migrationsFolder);
  await database.close();
  return {
    env: { DATA_DIR: dataDir },
    open: () => openPglite({ dataDir }),
    // The server holds PGlite's data directory; its autovacuum-free engine keeps the statistics
    // the seeding left, which the server's queries have run against from the start.
    analyze: async () => {},
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/**
 * Standard Webhooks headers for a payload, signed with node:crypto (the `standardwebhooks` package
 * the tests sign with hashes in JavaScript, 15 ms for a batch). The server checks them: a wrong
 * signature would fail the run.
 */
function webhookHeaders(id: string, payload: string) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac(
    'sha256',
    Buffer.from(WEBHOOK_SECRET.slice('whsec_'.length), 'base64'),
  )
    .update(`${id}.${timestamp}.${payload}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

/** A posting in the webhook's JSON form (SPEC.md §3). */
function postingJson(posting: MatchablePosting) {
  return {
    ...posting,
    url: `https://jobs.example.org/${encodeURIComponent(posting.id)}`,
    publishedAt: posting.publishedAt.toISOString(),
    deadline: new Date(posting.publishedAt.getTime() + 21 * DAY).toISOString(),
  };
}

/**
 * Confirmed alerts with synthetic criteria (as people write them), encrypted addresses, compiled
 * and anchored as subscribing and confirming do, after term statistics from a sample of earlier
 * postings, as the webhook gathers them.
 */
async function seedAlerts(db: Db) {
  const keyring = await createKeyring({
    encryptionKeys: [keys.EMAIL_ENCRYPTION_KEY],
    hashKeys: [keys.EMAIL_HASH_KEY],
  });
  const sample = Array.from({ length: 400 }, (_, index) =>
    analysePosting(syntheticPosting(`sample-${index}`, words, rng, started)),
  );
  for (let offset = 0; offset < sample.length; offset += 8) {
    await sampleTermStats(db, sample.slice(offset, offset + 8));
  }
  // Every term's count, read once: the same counts indexAlert reads term by term.
  const termRows = await queryRows<{ term: string; postings: number }>(
    db,
    sql`select term, postings from term_stats`,
  );
  const termCounts = new Map(termRows.map((row) => [row.term, Number(row.postings)]));
  const frequency = termFrequency({
    sampled: termCounts.get('') ?? 0,
    count: (term) => termCounts.get(term) ?? 0,
  });
  const CHUNK = 2000;
  for (let offset = 0; offset < alertCount; offset += CHUNK) {
    const rows: object[] = [];
    const anchors: { term: string; id: string; filter: string[] }[] = [];
    const criteriaList = Array.from({ length: Math.min(CHUNK, alertCount - offset) }, () =>
      criteriaSchema.parse(syntheticCriteria(words, rng)),
    );
    for (const [index, criteria] of criteriaList.entries()) {
      const n = offset + index;
      const address = `reader${n}@example.org`;
      const compiled = compileCriteria(criteria, frequency);
      const id = crypto.randomUUID();
      const confirmedAt = new Date(started.getTime() - rng.integer(1, 80) * DAY);
      rows.push({
        id,
        criteria,
        compiled,
        confirmedAt: confirmedAt.toISOString(),
        emailCiphertext: await keyring.encrypt(address),
        emailHash: await keyring.hashEmail(address),
        locale: (['fi', 'sv', 'en'] as const)[n % 3],
        frequency: (['daily', 'daily', 'weekly', 'immediate'] as const)[n % 4],
      });
      for (const term of compiled.anchors) anchors.push({ term, id, filter: compiled.filter });
    }
    await withTransaction(db, async (tx) => {
      await tx.execute(sql`
        insert into alerts (id, status, email_ciphertext, email_hash, criteria, label, locale,
          frequency, terms_version, subscribed_at, confirmed_at, expires_at, compiled)
        select a.id, 'active', a."emailCiphertext", a."emailHash", a.criteria, 'Työpaikkavahti',
          a.locale, a.frequency, '2024-06-27', a."confirmedAt", a."confirmedAt",
          a."confirmedAt" + interval '90 days', a.compiled
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as a(id uuid, criteria jsonb,
          compiled jsonb, "confirmedAt" timestamptz, "emailCiphertext" text, "emailHash" text,
          locale text, frequency text)`);
      await tx.execute(sql`
        insert into alert_anchors (term, alert_id, filter)
        select x.term, x.id, array(select jsonb_array_elements_text(x.filter))
        from jsonb_to_recordset(${JSON.stringify(anchors)}::jsonb)
          as x(term text, id uuid, filter jsonb)
        on conflict do nothing`);
    });
  }
  // A service that has run a while has its tables vacuumed: without this, autovacuum's first
  // pass over the seeded rows (hint bits, visibility map) lands in whichever scenario is running.
  await db.execute(sql`vacuum analyze`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A child process that prints one JSON line when ready (the fake Resend server). */
function spawnFakeResend() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-resend-process.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value));
  return { child, next };
}

async function waitForReady(base: string, server: ChildProcess) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not become ready within 60 s');
}

/** The Postgres backends serving the bench database (none for PGlite, which runs in the server). */
async function backendPids(): Promise<number[]> {
  const { admin, name } = database;
  if (!admin || !name) return [];
  const rows = await admin.unsafe('select pid from pg_stat_activity where datname = $1', [name]);
  return rows.map((row) => Number(row.pid));
}

/** The server's processes: the one started, and its HTTP workers when WORKERS > 1. */
async function serverPids(): Promise<number[]> {
  const pid = server.pid ?? 0;
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return [pid, ...children.split(' ').filter(Boolean).map(Number)];
}

/**
 * Runs a scenario for `--warmup` seconds unmeasured, in two halves with the tables analysed after
 * each, then for `--duration` seconds, adding the CPU the server and the database spent per 2xx
 * request of the measured part. The warm-up is what a service that has run a while has had: its
 * hot code compiled (subscribing gets faster for about ten seconds of load), its caches filled,
 * and its tables analysed by autovacuum, which replans the statements cached meanwhile. Without
 * the analyses, plans made for tables still nearly empty (a sequential scan of `rate_events` to
 * count a client's requests, of `messages` to mark a batch sent) stay cached as the tables grow
 * to thousands of rows, until autovacuum wakes: a run then measures its first minute, at half
 * the speed. `warmupSeconds` 0 measures a server warmed by the scenario before.
 */
async function measured<T extends Figures>(
  scenario: (seconds: number) => Promise<T>,
  warmupSeconds = warmup,
) {
  const warm = { errors: 0, non2xx: 0 };
  for (const half of [warmupSeconds / 2, warmupSeconds / 2]) {
    if (half <= 0) continue;
    const { errors, non2xx } = await scenario(half);
    warm.errors += errors;
    warm.non2xx += non2xx;
    await database.analyze();
  }
  const servers = await serverPids();
  // The fake provider and this process (the load generator) share the cores with the server.
  const providerPid = provider.child.pid ?? 0;
  const loadPid = process.pid;
  const harness = [providerPid, loadPid];
  const pidsBefore = [...servers, ...harness, ...(await backendPids())];
  const before = await processCpuMs(pidsBefore);
  const measuredRun = await scenario(duration);
  // A failure counts wherever it happened, in the warm-up too.
  const figures = {
    ...measuredRun,
    errors: measuredRun.errors + warm.errors,
    non2xx: measuredRun.non2xx + warm.non2xx,
  };
  const after = await processCpuMs([...new Set([...pidsBefore, ...(await backendPids())])]);
  if (!before || !after) return figures;
  const served = Math.max(1, measuredRun.requests - measuredRun.non2xx);
  const perRequest = (pids: number[]) => cpuSpent(before, after, pids) / served;
  const backends = [...after.keys()].filter(
    (pid) => !servers.includes(pid) && !harness.includes(pid),
  );
  const spent = {
    serverCpuMsPerRequest: perRequest(servers),
    databaseCpuMsPerRequest: engine === 'postgres' ? perRequest(backends) : undefined,
    providerCpuMsPerRequest: perRequest([providerPid]),
    loadCpuMsPerRequest: perRequest([loadPid]),
  };
  const allCpuMs = Object.values(spent).reduce((sum: number, ms) => sum + (ms ?? 0), 0);
  const round = (ms: number | undefined) =>
    ms === undefined ? undefined : Math.round(ms * 100) / 100;
  return {
    ...figures,
    serverCpuMsPerRequest: round(spent.serverCpuMsPerRequest),
    databaseCpuMsPerRequest: round(spent.databaseCpuMsPerRequest),
    providerCpuMsPerRequest: round(spent.providerCpuMsPerRequest),
    loadCpuMsPerRequest: round(spent.loadCpuMsPerRequest),
    // The rate at which the CPU all of them spent a request would keep every core busy.
    cpuBoundRequestsPerSecond: Math.round((cpus().length * 1000) / Math.max(allCpuMs, 0.001)),
  };
}

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
}

function figures(result: autocannon.Result): Figures {
  return {
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const run = (settings: autocannon.Options) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(settings, (error, result) => (error ? reject(error) : resolve(result))),
  );

const database = await prepareDatabase();
progress(`${engine}: seeding ${alertCount} confirmed alerts`);
let databaseServer: Awaited<ReturnType<typeof postgresServer>> | undefined;
{
  const seeding = await database.open();
  await seedAlerts(seeding.db);
  databaseServer = engine === 'postgres' ? await postgresServer(seeding.db) : undefined;
  await seeding.close();
}

const provider = spawnFakeResend();
process.on('exit', () => provider.child.kill());
const fake: { url: string; apiKey: string } = await provider.next();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const serverLog = options['server-log'];
const server = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    ...(options.profile ? ['--cpu-prof', '--cpu-prof-dir', options.profile] : []),
    'src/entry/node.ts',
  ],
  {
    env: {
      ...process.env,
      ...database.env,
      ...keys,
      NODE_ENV: 'production',
      PORT: String(port),
      WORKERS: String(serverWorkers),
      PUBLIC_BASE_URL: 'https://vahti.example.org',
      MAIL_FROM: 'Työpaikkavahti <vahti@example.org>',
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: fake.url,
      POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // Each request comes from an address of its own, as from many visitors behind a proxy.
      TRUST_PROXY: 'true',
      CONFIRMATION_EMAILS_PER_HOUR: '100000000',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', serverLog ? 'pipe' : 'ignore', 'inherit'],
  },
);
process.on('exit', () => server.kill());
if (serverLog && server.stdout) {
  const { createWriteStream } = await import('node:fs');
  server.stdout.pipe(createWriteStream(serverLog));
}
await waitForReady(base, server);
progress(`${engine}: server ready on ${base}`);

function baselineScenario(seconds: number) {
  progress(`baseline: GET /healthz, ${connections} connections, ${seconds} s`);
  return run({ url: `${base}/healthz`, connections, duration: seconds, timeout: 30 }).then(figures);
}

const runId = started.getTime().toString(36);
/** Subscriptions and batches are numbered across the warm-up and the measured run: none repeats. */
let sent = 0;
let batches = 0;

// Criteria drawn once; addresses, client addresses and labels differ in every request.
const criteriaPool = Array.from({ length: 1000 }, () => syntheticCriteria(words, rng));

/** A subscription of its own: a distinct address, client address and label every time. */
function subscribeRequest() {
  const n = sent++;
  return {
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    },
    body: JSON.stringify({
      email: `visitor-${runId}-${n}@example.org`,
      locale: (['fi', 'sv', 'en'] as const)[n % 3],
      label: n % 2 ? `Haku ${n}` : undefined,
      searchUrl: `https://jobs.example.org/haku?q=${n}`,
      criteria: criteriaPool[n % criteriaPool.length],
      frequency: (['daily', 'weekly', 'immediate'] as const)[n % 3],
      acceptTerms: true,
      termsVersion: '2024-06-27',
    }),
  };
}

/**
 * Subscriptions as fast as they are answered (autocannon), or `rate` a second in all, evenly
 * spaced (`pacedLoad`).
 */
async function subscribeScenario(seconds: number, rate?: number) {
  progress(
    `subscribe: POST /v1/alerts, ${connections} connections, ${rate ? `${rate} a second, ` : ''}${seconds} s`,
  );
  provider.child.stdin?.write('report\n');
  const before: { delivered: number; requests: number } = await provider.next();
  const result = rate
    ? await pacedLoad({
        url: base,
        connections,
        rate,
        seconds,
        request: () => ({ method: 'POST', path: '/v1/alerts', ...subscribeRequest() }),
      })
    : figures(
        await run({
          url: base,
          connections,
          duration: seconds,
          timeout: 30,
          requests: [
            {
              method: 'POST',
              path: '/v1/alerts',
              setupRequest: (request) => ({ ...request, ...subscribeRequest() }),
            },
          ],
        }),
      );
  provider.child.stdin?.write('report\n');
  const report: { delivered: number; requests: number } = await provider.next();
  return {
    ...result,
    confirmationsHandedOver: report.delivered - before.delivered,
    // Confirmations of requests whose writes overlap go to the provider in one call.
    providerCalls: report.requests - before.requests,
  };
}

async function ingestScenario(seconds: number) {
  // Each posting of the pool serialised once, without its id: a batch is its postings' JSON
  // joined, each behind an id of its own, so that the load generator, on the same cores as the
  // server, spends little of their time building 2 MB bodies.
  const postingPool = Array.from({ length: 2000 }, (_, index) => {
    const { id: _id, ...posting } = postingJson(
      syntheticPosting(`pool-${index}`, words, rng, started),
    );
    return JSON.stringify(posting).slice(1);
  });
  // Rates are counted from the first answer to the last: each connection starts with an empty
  // pipeline, and a batch takes a third of a second, so counting from the start would charge
  // the run for a pipeline filling up (4 % of 10 s) rather than measure its steady rate.
  let firstAt: number | undefined;
  let lastAt = 0;
  let received = 0;
  let matched = 0;
  progress(
    `ingest: POST /v1/postings, batches of ${batchSize}, ${ingestConnections} connections, ${seconds} s`,
  );
  const result = await run({
    url: base,
    connections: ingestConnections,
    duration: seconds,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/v1/postings',
        setupRequest: (request) => {
          const batch = batches++;
          const postings = Array.from(
            { length: batchSize },
            (_, index) =>
              `{"id":"bench-${runId}-${batch}-${index}",${postingPool[(batch * batchSize + index) % postingPool.length]}`,
          );
          const payload = `{"postings":[${postings.join(',')}]}`;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              ...webhookHeaders(`msg_${runId}_${batch}`, payload),
            },
            body: payload,
          };
        },
        onResponse: (status, body) => {
          if (status !== 200) return;
          const counts: { received: number; matched: number } = JSON.parse(body);
          const at = performance.now();
          if (firstAt === undefined) firstAt = at;
          else {
            received += counts.received;
            matched += counts.matched;
          }
          lastAt = at;
        },
      },
    ],
  });
  return {
    ...figures(result),
    connections: ingestConnections,
    batch: batchSize,
    seededAlerts: alertCount,
    postingsPerSecond: Math.round(received / ((lastAt - (firstAt ?? lastAt)) / 1000 || 1)),
    matchesPerSecond: Math.round(matched / ((lastAt - (firstAt ?? lastAt)) / 1000 || 1)),
  };
}

const baseline = scenarios.has('baseline') ? await measured(baselineScenario) : undefined;
const subscribe = scenarios.has('subscribe') ? await measured(subscribeScenario) : undefined;
// The latency at the target's rate, on the server the run above warmed: at full speed every
// connection waits its turn (50 connections at 1,000 a second wait 50 ms on average), so the
// p99 a rate is served with is measured at that rate, each request counted from when it was due
// (bench/paced.ts).
const subscribeAtRate =
  subscribe && targetRate > 0
    ? await measured((seconds) => subscribeScenario(seconds, targetRate), 0)
    : undefined;
const ingest = scenarios.has('ingest') ? await measured(ingestScenario) : undefined;

if (server.exitCode === null && server.signalCode === null) {
  server.kill('SIGTERM');
  await once(server, 'exit');
}
provider.child.stdin?.end();
provider.child.kill();
await database.drop();

console.log(
  JSON.stringify({
    bench: 'http',
    engine,
    ...databaseServer,
    cpus: cpus().length,
    serverWorkers,
    durationSeconds: duration,
    connections,
    baseline,
    subscribe: subscribe && {
      ...subscribe,
      shareOfBaseline:
        baseline &&
        Math.round((subscribe.requestsPerSecond / baseline.requestsPerSecond) * 1000) / 1000,
    },
    subscribeAtRate,
    ingest,
  }),
);
const failed = [baseline, subscribe, subscribeAtRate, ingest].some(
  (scenario) => scenario && (scenario.errors > 0 || scenario.non2xx > 0),
);
process.exit(failed ? 1 : 0);
