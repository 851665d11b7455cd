import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, messages } from '../../src/db/schema';
import { createTestContext, type TestContext, testKeys } from '../helpers/context';
import { type FakeResend, startFakeResend } from '../helpers/fake-resend';
import { answers, freePort } from '../helpers/net';
import { jobPosting, WEBHOOK_SECRET } from '../helpers/postings';
import { deliverSigned } from '../helpers/webhook-client';

/**
 * The Worker, in workerd through `wrangler dev` (offline), against this run's Postgres and the
 * fake Resend: subscribe, confirm, signed postings, the scheduled digest through wrangler's test
 * endpoint, one-click unsubscribe (SPEC.md §6, issue 7).
 */
let ctx: TestContext;
let fake: FakeResend;
let wrangler: ChildProcess;
let base: string;
let output = '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined) return found;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}; wrangler said:\n${output}`);
}

beforeAll(async () => {
  ctx = await createTestContext();
  fake = await startFakeResend();
  const url = ctx.database.url;
  if (!url) throw new Error('the Worker test runs on Postgres');
  // Hyperdrive's local connection string must name a password; trust authentication ignores it.
  const withPassword = new URL(url);
  withPassword.password ||= 'unused';
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const home = join(process.cwd(), '.wrangler', 'test');
  mkdirSync(join(home, 'config'), { recursive: true });
  mkdirSync(join(home, 'tmp'), { recursive: true });
  const vars = {
    EMAIL_ENCRYPTION_KEY: testKeys.encryption,
    EMAIL_HASH_KEY: testKeys.hash,
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    POSTINGS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    PUBLIC_BASE_URL: base,
    ALLOWED_ORIGINS: '*',
    LOG_LEVEL: 'info',
  };
  wrangler = spawn(
    process.execPath,
    [
      'node_modules/wrangler/bin/wrangler.js',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--test-scheduled',
      ...Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        XDG_CONFIG_HOME: join(home, 'config'),
        TMPDIR: join(home, 'tmp'),
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: withPassword.toString(),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  wrangler.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  wrangler.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await until('wrangler dev', async () => ((await answers(`${base}/readyz`)) ? true : undefined));
}, 60_000);

afterAll(async () => {
  wrangler?.kill('SIGINT');
  await sleep(500);
  if (wrangler?.exitCode === null) wrangler.kill('SIGKILL');
  await fake?.close();
  await ctx?.close();
});

describe('the Worker on workerd', () => {
  it('runs subscribe → confirm → signed postings → scheduled digest → one-click unsubscribe', async () => {
    const address = 'worker.tilaaja@example.org';
    const confirmation = await subscribeAndConfirm(address, 'Kokki, Helsinki', {
      keywords: 'kokki',
      municipalities: ['091'],
    });

    const posting = jobPosting(ctx, {
      title: 'Kokki, lounasravintola',
      description: 'Etsimme kokkia Helsingin keskustaan.',
      publishedAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(
      (await deliverSigned(`${base}/v1/postings`, 'msg_worker_1', { postings: [posting] })).json,
    ).toMatchObject({ received: 1, new: 1, matched: 1 });

    const scheduled = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    expect(scheduled.status).toBe(200);
    const digest = await until('the digest', () =>
      fake.delivered.find(
        (email) => email.subject.includes('Kokki, Helsinki') && email !== confirmation,
      ),
    );
    expect(digest.text).toContain(posting.url);
    const unsubscribe = digest.headers?.['List-Unsubscribe']?.slice(1, -1) ?? '';
    expect(digest.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

    const oneClick = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await ctx.database.db.select().from(alerts)).toHaveLength(0);

    // An alert on a term no alert had when this isolate read its set of anchor terms, which it
    // keeps across requests: the next call brings the set up to date and finds it.
    await subscribeAndConfirm('worker.toinen@example.org', 'Tarjoilija', {
      keywords: 'tarjoilija',
    });
    const later = jobPosting(ctx, {
      title: 'Tarjoilija, kahvila',
      publishedAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(
      (await deliverSigned(`${base}/v1/postings`, 'msg_worker_2', { postings: [later] })).json,
    ).toMatchObject({ received: 1, new: 1, matched: 1 });

    // The manage-links email is handed over after the answer, through waitUntil: it arrives,
    // and is marked sent by the request's database client, which closes after that work.
    const asked = await fetch(`${base}/v1/alerts/manage-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'worker.toinen@example.org' }),
    });
    expect(asked.status).toBe(202);
    await until('the manage-links email', () =>
      fake.delivered.find(
        (email) =>
          email.to.includes('worker.toinen@example.org') && email.text?.includes('/alerts/manage'),
      ),
    );
    await until('the manage-links email marked sent', async () => {
      const rows = await ctx.database.db
        .select()
        .from(messages)
        .where(eq(messages.template, 'manage-links'));
      return rows[0]?.status === 'sent' ? rows : undefined;
    });
  }, 90_000);
});

/** Subscribes `address` through the Worker and confirms with the link mailed; answers that email. */
async function subscribeAndConfirm(address: string, label: string, criteria: object) {
  const subscribed = await fetch(`${base}/v1/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: address,
      label,
      frequency: 'immediate',
      criteria,
      acceptTerms: true,
    }),
  });
  expect(subscribed.status).toBe(202);
  const confirmation = await until('the confirmation email', () =>
    fake.delivered.find(
      (email) => email.subject.startsWith('Vahvista') && email.to.includes(address),
    ),
  );
  const token = confirmation.text?.match(/\/alerts\/confirm\?token=([\w-]+)/)?.[1];
  const confirmed = await fetch(`${base}/alerts/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  expect(await confirmed.json()).toMatchObject({ status: 'active' });
  return confirmation;
}
