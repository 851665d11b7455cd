import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/database';
import { messages } from '../../src/db/schema';
import { setupTestContext, testKeys } from '../helpers/context';
import { setupFakeResend } from '../helpers/fake-resend';
import { seedDueDigests } from '../helpers/seed';

/**
 * SPEC.md §4: "a crash at any point leads neither to a lost nor to a duplicated email". A digest
 * run of 1,000 emails, in a process of its own against Postgres and a fake Resend, is killed with
 * SIGKILL at random moments until 20 kills have landed mid-run; a last run completes it. Every
 * recipient must then hold exactly one copy at the provider.
 */
const ctx = setupTestContext();
const fake = setupFakeResend();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startChild() {
  const url = ctx.database.url;
  if (!url) throw new Error('the crash test runs on Postgres');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/crash/digest-child.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      EMAIL_ENCRYPTION_KEY: testKeys.encryption,
      EMAIL_HASH_KEY: testKeys.hash,
      RESEND_API_KEY: fake.apiKey,
      RESEND_BASE_URL: fake.url,
      MAIL_FROM: 'Työpaikkavahti <vahti@example.org>',
      DELIVERY_LEASE_SECONDS: '1',
      LOG_LEVEL: process.env.CRASH_TEST_LOG ?? 'silent',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('ready')) resolve();
    });
    child.once('exit', () => reject(new Error(`the child exited before it was ready: ${output}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  /** Lets the child, once ready, start its run. */
  const go = async () => {
    await ready;
    child.stdin?.write('go\n');
  };
  return { child, ready, exited, go, output: () => output };
}

async function workLeft(): Promise<boolean> {
  const [row] = await queryRows<{ left: number }>(
    ctx.database.db,
    sql`select (select count(*) from matches where mailed_at is null)
          + (select count(*) from messages where status = 'queued') as left`,
  );
  return Number(row?.left ?? 0) > 0;
}

describe('a digest run killed with SIGKILL at random points', () => {
  it('leaves every recipient with exactly one copy of their digest after a rerun', async () => {
    const addresses = await seedDueDigests(ctx.database.db, ctx.keyring, {
      count: 1000,
      now: new Date(),
    });
    // A slow provider stretches the run, so that kills land while batches are being sent too.
    fake.slow(250);
    const wanted = Number(process.env.CRASH_TEST_KILLS ?? 20);
    const killedAfterMs: number[] = [];
    let run = startChild();
    for (let attempt = 0; killedAfterMs.length < wanted && attempt < 80; attempt++) {
      await run.go();
      const delay = Math.floor(Math.random() * 400);
      await sleep(delay);
      if (run.child.exitCode !== null) break;
      run.child.kill('SIGKILL');
      await run.exited;
      // The killed run's lease (DELIVERY_LEASE_SECONDS) lapses before the next run starts; the
      // next process starts up in the meantime.
      const leaseLapsed = Date.now() + 1100;
      // A kill counts when it cut a run short: work was left for the next one.
      if (await workLeft()) killedAfterMs.push(delay);
      run = startChild();
      await sleep(leaseLapsed - Date.now());
    }
    expect(killedAfterMs.length).toBe(wanted);
    expect(new Set(killedAfterMs).size).toBeGreaterThanOrEqual(Math.min(15, killedAfterMs.length));

    fake.slow(0);
    const last = run.child.exitCode === null ? run : startChild();
    await last.go();
    const code = await last.exited;
    expect({ code, output: last.output() }).toMatchObject({ code: 0 });
    if (process.env.CRASH_TEST_LOG) console.log(last.output());

    const copies = new Map<string, number>();
    for (const email of fake.delivered) {
      for (const to of email.to) copies.set(to, (copies.get(to) ?? 0) + 1);
    }
    expect(copies.size).toBe(1000);
    expect(addresses.filter((address) => copies.get(address) !== 1)).toEqual([]);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows).toHaveLength(1000);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
  }, 300_000);
});
