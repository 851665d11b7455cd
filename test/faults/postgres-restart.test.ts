import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring';
import { queryRows } from '../../src/db/database';
import { migratePostgres, openPostgres, type PostgresDatabase } from '../../src/db/postgres';
import { jobState, messages } from '../../src/db/schema';
import { migrationsFolder } from '../../src/entry/database';
import { testKeys } from '../helpers/context';
import { type FakeResend, startFakeResend } from '../helpers/fake-resend';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster';
import { insertActiveAlert, WEBHOOK_SECRET } from '../helpers/postings';
import { seedDueDigests } from '../helpers/seed';
import { type ServiceProcess, spawnEntry, startService } from '../helpers/service-process';
import { deliverSigned } from '../helpers/webhook-client';

/**
 * SPEC.md §2 "Operate" and §4 under a database restart: the service runs as production runs it
 * (src/entry/node.ts, DATABASE_URL) against a Postgres 15 cluster of this file's own, which is
 * stopped and started again while the postings pipeline keeps sending and while a digest run is
 * sending.
 */
let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgresCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createDatabase(name: string): Promise<string> {
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return cluster.databaseUrl(name);
}

/** The environment of a production instance, on this cluster. */
const serviceEnv = (databaseUrl: string, extra: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  EMAIL_ENCRYPTION_KEY: testKeys.encryption,
  EMAIL_HASH_KEY: testKeys.hash,
  POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET,
  PUBLIC_BASE_URL: 'https://vahti.example.org',
  LOG_LEVEL: 'warn',
  ...extra,
});

interface Delivery {
  id: string;
  postings: Array<{ id: string; municipalities: string[] }>;
  /** every answer's status, in order; 0 for a refused connection */
  statuses: number[];
  receipt?: { received: number; new: number; updated: number; matched: number };
}

describe('Postgres restarted while the postings pipeline keeps sending', () => {
  let service: ServiceProcess;
  let db: PostgresDatabase;
  const deliveries: Delivery[] = [];
  const readiness: Array<{ phase: 'up' | 'down' | 'back'; status: number }> = [];
  const unavailableAnswers: Array<{ status: number; code: unknown; retryAfter: string | null }> =
    [];
  let storedBeforeRetry = new Map<string, number>();
  let readyAgainInMs = 0;
  let committedThough503 = 0;

  beforeAll(async () => {
    const url = await createDatabase('ingest');
    service = await startService(serviceEnv(url));
    db = openPostgres(url, { max: 2 });
    const confirmedAt = new Date(Date.now() - 86_400_000);
    // Even postings (developers in Helsinki) match the first alert, odd ones (nurses in Tampere)
    // the second; the third matches none.
    await insertActiveAlert(db.db, { keywords: 'kehittäjä' }, confirmedAt);
    await insertActiveAlert(db.db, { municipalities: ['837'] }, confirmedAt);
    await insertActiveAlert(
      db.db,
      { keywords: 'sairaanhoitaja', municipalities: ['091'] },
      confirmedAt,
    );
  }, 60_000);
  afterAll(async () => {
    await service?.kill();
    await db?.close();
  });

  let sequence = 0;
  function nextDelivery(): Delivery {
    const n = ++sequence;
    const postings = Array.from({ length: 25 }, (_, i) => {
      const developer = i % 2 === 0;
      return {
        id: `restart-${n}-${i}`,
        title: developer ? 'Ohjelmistokehittäjä' : 'Sairaanhoitaja',
        description: developer ? 'TypeScript ja Postgres.' : 'Sisätautien osasto.',
        employer: 'Esimerkki Oy',
        url: `https://jobs.example.org/restart/${n}/${i}`,
        publishedAt: new Date().toISOString(),
        municipalities: [developer ? '091' : '837'],
        language: 'fi',
      };
    });
    return { id: `msg_restart_${n}`, postings, statuses: [] };
  }

  async function send(delivery: Delivery) {
    const answer = await deliverSigned(`${service.base}/v1/postings`, delivery.id, {
      postings: delivery.postings,
    });
    delivery.statuses.push(answer.status);
    if (answer.status === 200) {
      delivery.receipt ??= answer.json as Delivery['receipt'];
    } else if (answer.status >= 500) {
      const body = answer.json as { error?: { code?: unknown } } | undefined;
      unavailableAnswers.push({
        status: answer.status,
        code: body?.error?.code,
        retryAfter: answer.headers.get('retry-after'),
      });
    }
    return answer.status;
  }

  async function probeReadiness(phase: 'up' | 'down' | 'back') {
    const response = await fetch(`${service.base}/readyz`).catch((error) => {
      throw new Error(`the service does not answer: ${error}\n${service.output().slice(-3000)}`);
    });
    readiness.push({ phase, status: response.status });
    return response.status;
  }

  it('answers every batch 200 or 503 and /readyz 503 while the database is down', async () => {
    let sending = true;
    // Four senders, as a pipeline with parallel workers: some batches are in flight at the stop.
    const senders = Array.from({ length: 4 }, async () => {
      while (sending) {
        const delivery = nextDelivery();
        deliveries.push(delivery);
        await send(delivery);
        await sleep(20);
      }
    });

    await sleep(1500);
    expect(await probeReadiness('up')).toBe(200);
    await cluster.stop('fast');
    for (let probe = 0; probe < 5; probe++) {
      await probeReadiness('down');
      await sleep(300);
    }
    await cluster.start();
    // The service reconnects on its own; it is never restarted.
    const restartedAt = Date.now();
    const deadline = restartedAt + 15_000;
    while ((await probeReadiness('back')) !== 200 && Date.now() < deadline) await sleep(100);
    readyAgainInMs = Date.now() - restartedAt;
    await sleep(1500);
    sending = false;
    await Promise.all(senders);

    expect(
      readiness.filter((probe) => probe.phase === 'down').map((probe) => probe.status),
    ).toEqual([503, 503, 503, 503, 503]);
    expect(readiness.at(-1)).toEqual({ phase: 'back', status: 200 });
    expect(service.child.exitCode).toBeNull();

    const statuses = deliveries.flatMap((delivery) => delivery.statuses);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(
      unavailableAnswers.filter(
        (answer) => answer.code !== 'unavailable' || !/^\d+$/.test(answer.retryAfter ?? ''),
      ),
    ).toEqual([]);

    const rows = await queryRows<{ id: string }>(db.db, sql`select id from postings`);
    storedBeforeRetry = new Map();
    for (const { id } of rows) {
      const delivery = id.split('-')[1] ?? '';
      storedBeforeRetry.set(delivery, (storedBeforeRetry.get(delivery) ?? 0) + 1);
    }
  }, 60_000);

  it('stored no batch in part: each whole or absent, whole when answered 200', () => {
    // A batch answered 503 is absent, unless the connection died while its commit was being
    // acknowledged: then it is whole and the service could not know it (no client can), and the
    // retry gets the stored receipt (next test).
    const stored = (delivery: Delivery) =>
      storedBeforeRetry.get(delivery.id.replace('msg_restart_', '')) ?? 0;
    const partial = deliveries
      .filter((delivery) => {
        const whole = stored(delivery) === delivery.postings.length;
        return delivery.statuses.at(-1) === 200 ? !whole : !whole && stored(delivery) !== 0;
      })
      .map((delivery) => ({
        id: delivery.id,
        stored: stored(delivery),
        statuses: delivery.statuses,
      }));
    expect(partial).toEqual([]);
    committedThough503 = deliveries.filter(
      (delivery) => delivery.statuses.at(-1) !== 200 && stored(delivery) > 0,
    ).length;
  });

  it('holds exactly the postings and matches sent once every failed batch is retried', async () => {
    const failed = deliveries.filter((delivery) => delivery.statuses.at(-1) !== 200);
    for (const delivery of failed) {
      for (let attempt = 0; attempt < 10 && (await send(delivery)) !== 200; attempt++) {
        await sleep(500);
      }
    }
    expect(deliveries.filter((delivery) => delivery.statuses.at(-1) !== 200)).toEqual([]);

    const sent = deliveries.flatMap((delivery) => delivery.postings);
    const stored = await queryRows<{ id: string }>(db.db, sql`select id from postings order by id`);
    expect(stored.map((row) => row.id)).toEqual(sent.map((posting) => posting.id).sort());

    const matched = await queryRows<{ postingId: string; label: string }>(
      db.db,
      sql`select m.posting_id as "postingId", a.criteria::text as label
          from matches m join alerts a on a.id = m.alert_id order by m.posting_id`,
    );
    const expected = sent
      .map((posting) => ({
        postingId: posting.id,
        label:
          posting.municipalities[0] === '091'
            ? JSON.stringify({ keywords: 'kehittäjä' })
            : JSON.stringify({ municipalities: ['837'] }),
      }))
      .sort((a, b) => (a.postingId < b.postingId ? -1 : 1));
    expect(
      matched.map((row) => ({ ...row, label: JSON.stringify(JSON.parse(row.label)) })),
    ).toEqual(expected);
    const receipts = deliveries.map((delivery) => delivery.receipt);
    expect(receipts.reduce((sum, receipt) => sum + (receipt?.new ?? 0), 0)).toBe(sent.length);
    expect(receipts.reduce((sum, receipt) => sum + (receipt?.matched ?? 0), 0)).toBe(sent.length);

    const batches = deliveries.length;
    const retried = deliveries.filter((delivery) => delivery.statuses.length > 1).length;
    console.log(
      JSON.stringify({
        fault: 'postgres restart during webhook ingest',
        batches,
        postings: sent.length,
        answered503: deliveries.flatMap((d) => d.statuses).filter((s) => s === 503).length,
        retried,
        stored: stored.length,
        matches: matched.length,
        partialBatches: 0,
        committedThough503,
        readyAgainInMs,
        readinessWhileDown: readiness.filter((p) => p.phase === 'down').map((p) => p.status),
      }),
    );
  }, 60_000);
});

describe('Postgres restarted in the middle of a digest run', () => {
  let fake: FakeResend;
  let db: PostgresDatabase;
  let url: string;
  beforeAll(async () => {
    fake = await startFakeResend();
    url = await createDatabase('digests');
    await migratePostgres(url, migrationsFolder);
    db = openPostgres(url, { max: 2 });
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  const runDigestsJob = () =>
    spawnEntry(
      'src/entry/job.ts',
      ['digests'],
      serviceEnv(url, {
        RESEND_API_KEY: fake.apiKey,
        RESEND_BASE_URL: fake.url,
        MAIL_FROM: 'Työpaikkavahti <vahti@example.org>',
        // A batch whose sender lost the database is sent again (under its key) a second later.
        DELIVERY_LEASE_SECONDS: '1',
        LOG_LEVEL: 'info',
      }),
    );

  it('completes on the next run with every digest at the provider exactly once', async () => {
    const keyring = await createKeyring({
      encryptionKeys: [testKeys.encryption],
      hashKeys: [testKeys.hash],
    });
    const addresses = await seedDueDigests(db.db, keyring, { count: 600, now: new Date() });
    // A slow provider keeps the run going long enough for the restart to land inside it.
    fake.slow(400);

    const first = runDigestsJob();
    const deadline = Date.now() + 30_000;
    // The restart lands while the provider holds the third batch: it accepts it, and the run
    // cannot record that.
    while (fake.requests < 3 && Date.now() < deadline) await sleep(10);
    expect(first.child.exitCode).toBeNull();
    await cluster.stop('fast');
    await sleep(1000);
    await cluster.start();
    const firstExit = await first.exited;
    const deliveredByFirst = fake.delivered.length;

    // The run failed, and said so, but gave its job back once the database was there again.
    expect({ exit: firstExit.code, output: first.output().slice(-2000) }).toMatchObject({
      exit: 1,
    });
    expect(first.logged('job failed')).toHaveLength(1);
    const [state] = await db.db.select().from(jobState);
    expect(state).toMatchObject({ name: 'digests', lockedUntil: null, lastOk: false });
    expect(deliveredByFirst).toBeLessThan(600);

    fake.slow(0);
    await sleep(1100);
    const second = runDigestsJob();
    expect({
      exit: (await second.exited).code,
      output: second.output().slice(-2000),
    }).toMatchObject({ exit: 0 });

    const copies = new Map<string, number>();
    for (const email of fake.delivered) {
      for (const to of email.to) copies.set(to, (copies.get(to) ?? 0) + 1);
    }
    expect(addresses.filter((address) => copies.get(address) !== 1)).toEqual([]);
    expect(fake.delivered).toHaveLength(600);
    const rows = await db.db.select().from(messages);
    expect(rows.filter((row) => row.status !== 'sent')).toEqual([]);
    expect(rows).toHaveLength(600);
    const unmailed = await queryRows<{ count: number }>(
      db.db,
      sql`select count(*)::int as count from matches where mailed_at is null`,
    );
    expect(unmailed[0]?.count).toBe(0);
    console.log(
      JSON.stringify({
        fault: 'postgres restart during a digest run',
        digests: 600,
        deliveredBeforeRestartRunEnded: deliveredByFirst,
        providerRequests: fake.requests,
        delivered: fake.delivered.length,
        duplicates: [...copies.values()].filter((n) => n > 1).length,
        lost: addresses.filter((address) => !copies.has(address)).length,
      }),
    );
  }, 90_000);
});
