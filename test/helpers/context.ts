import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createApp } from '../../src/app';
import { type Config, parseConfig } from '../../src/config';
import { createKeyring, type Keyring } from '../../src/crypto/keyring';
import { type Db, queryRows } from '../../src/db/database';
import type { Clock, Deps, MailBatch, Mailer, OutgoingEmail } from '../../src/deps';
import { settleAfterResponse } from '../../src/http/after-response';
import { createJsonLog } from '../../src/log';
import { openTestDatabase, type TestDatabase } from './database';
import { capturedLogLines } from './sensitive';

async function truncateAll(db: Db) {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select quote_ident(table_name) as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  if (tables.length === 0) return;
  await db.execute(sql.raw(`truncate ${tables.map((table) => table.name).join(', ')} cascade`));
}

/** Fixed test keys: 32 bytes each, base64. */
export const testKeys = {
  encryption: Buffer.alloc(32, 7).toString('base64'),
  hash: Buffer.alloc(32, 9).toString('base64'),
};

/** A second pair, which a rotation puts in front of `testKeys`. */
export const newKeys = {
  encryption: Buffer.alloc(32, 11).toString('base64'),
  hash: Buffer.alloc(32, 13).toString('base64'),
};

/**
 * The service as it runs again after the operator changed EMAIL_ENCRYPTION_KEY and EMAIL_HASH_KEY
 * (lists, new key first): the same database, clock, mailer and log, another keyring.
 */
export async function restartedWith(
  ctx: TestContext,
  keys: { encryption: string[]; hash: string[] },
): Promise<TestContext> {
  const config = parseConfig({
    ...ctx.envOfTest,
    EMAIL_ENCRYPTION_KEY: keys.encryption.join(','),
    EMAIL_HASH_KEY: keys.hash.join(','),
  });
  const keyring = await createKeyring({
    encryptionKeys: config.EMAIL_ENCRYPTION_KEY ?? [],
    hashKeys: config.EMAIL_HASH_KEY ?? [],
  });
  const deps: Deps = { ...ctx.deps, config, keyring };
  return {
    app: settlingApp(createApp(deps)),
    deps,
    database: ctx.database,
    clock: ctx.clock,
    mailer: ctx.mailer,
    keyring,
    config,
    logLines: ctx.logLines,
    envOfTest: ctx.envOfTest,
    reset: ctx.reset,
    close: ctx.close,
  };
}

export interface SettableClock extends Clock {
  set(date: Date): void;
  advance(ms: number): void;
}

export function settableClock(start: Date): SettableClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (date) => {
      current = date.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface RecordingMailer extends Mailer {
  sent: OutgoingEmail[];
  /** every call that was answered with success, as handed over */
  batches: MailBatch[];
  /** makes the next sends throw, as a provider that is down would */
  failing: boolean;
}

export function recordingMailer(): RecordingMailer {
  const mailer: RecordingMailer = {
    sent: [],
    batches: [],
    failing: false,
    async send(batch) {
      if (mailer.failing) return { ok: false, retryable: true, reason: 'provider down' };
      mailer.batches.push(batch);
      mailer.sent.push(...batch.emails);
      return {
        ok: true,
        providerIds: batch.emails.map((_, i) => `test-${mailer.sent.length + i}`),
      };
    },
  };
  return mailer;
}

export interface TestContext {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  database: TestDatabase;
  clock: SettableClock;
  mailer: RecordingMailer;
  keyring: Keyring;
  config: Config;
  /** every log line written, as JSON text */
  logLines: string[];
  /** the environment the configuration was parsed from */
  envOfTest: Record<string, string>;
  /** empties every table, the mailer and the log, and sets the clock back to START */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export const START = new Date('2026-03-02T10:00:00.000Z');

/** The app on a fresh migrated database of its own, with a set clock and a recording mailer. */
export async function createTestContext(
  options: { env?: Record<string, string>; now?: Date } = {},
): Promise<TestContext> {
  const database = await openTestDatabase();
  const envOfTest = {
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: 'https://vahti.example.org',
    EMAIL_ENCRYPTION_KEY: testKeys.encryption,
    EMAIL_HASH_KEY: testKeys.hash,
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  const config = parseConfig(envOfTest);
  const logLines: string[] = [];
  const clock = settableClock(options.now ?? START);
  const mailer = recordingMailer();
  const keyring = await createKeyring({
    encryptionKeys: config.EMAIL_ENCRYPTION_KEY ?? [],
    hashKeys: config.EMAIL_HASH_KEY ?? [],
  });
  const deps: Deps = {
    db: database.db,
    mailer,
    clock,
    config,
    keyring,
    vacuum: database.vacuum,
    log: createJsonLog(
      (line) => {
        logLines.push(line);
        capturedLogLines.push(line);
      },
      { level: 'debug', now: clock.now },
    ),
  };
  return {
    app: settlingApp(createApp(deps)),
    deps,
    database,
    clock,
    mailer,
    keyring,
    config,
    logLines,
    envOfTest,
    async reset() {
      await truncateAll(database.db);
      mailer.sent.length = 0;
      mailer.batches.length = 0;
      mailer.failing = false;
      logLines.length = 0;
      clock.set(options.now ?? START);
    },
    close: () => database.close(),
  };
}

/**
 * The usual arrangement of a test file: one context for the file (a migrated database of its
 * own), emptied before each test and closed after the last. The object answers for the context
 * created in `beforeAll`, so tests use it as the context itself.
 */
export function setupTestContext(
  options: Parameters<typeof createTestContext>[0] = {},
): TestContext {
  let current: TestContext | undefined;
  beforeAll(async () => {
    current = await createTestContext(options);
  });
  beforeEach(() => current?.reset());
  afterAll(() => current?.close());
  return new Proxy({} as TestContext, {
    get(_, property) {
      if (!current) throw new Error('the test context exists from beforeAll on');
      return current[property as keyof TestContext];
    },
  });
}

/**
 * The app, whose `request` answers once the work started after the answer (the hand-over of a
 * manage-links email) has ended too, so that a test finds its email sent, as a user would a moment
 * later. `createApp(deps).request` answers without waiting.
 */
function settlingApp(app: ReturnType<typeof createApp>): ReturnType<typeof createApp> {
  const request = app.request;
  app.request = async (...args: Parameters<typeof request>) => {
    const response = await request(...args);
    await settleAfterResponse();
    return response;
  };
  return app;
}

/** A mailer that passes batches on to `inner` only once released: a provider that holds on. */
export function heldMailer(inner: Mailer): Mailer & { release(): void } {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    async send(batch) {
      await held;
      return inner.send(batch);
    },
    release: () => release(),
  };
}
