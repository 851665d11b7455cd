import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from '../app';
import { ConfigError, parseConfig } from '../config';
import { generateKey } from '../crypto/keyring';
import type { OutboxEntry, OutboxReader } from '../deps';
import { settleAfterResponse } from '../http/after-response';
import { jobs, runJob } from '../jobs';
import { createJsonLog, describeError } from '../log';
import { signWebhook } from '../postings/webhook';
import { demoPostings, demoSubscriptions } from './demo-data';
import { scheduleJobs } from './scheduler';
import { buildNodeDeps } from './services';

const usage = `npm run demo [-- --exit] [-- --dir var/demo]

Starts the service on the embedded defaults (PGlite, the outbox folder, generated keys) in a
directory of its own, emptied first; subscribes three visitors through the HTTP API, confirms
each through the confirmation page's button with the link from the outbox email, pushes sample
Finnish, Swedish and English postings through the signed match webhook, runs the digests job
and prints where to read the emails. Then it keeps serving until Ctrl-C (--exit: stops at once).
PORT, PUBLIC_BASE_URL and POSTINGS_WEBHOOK_SECRET are read from the environment when set.`;

/** `npm run demo`: the whole flow of SPEC.md §2 on this machine, in a minute. */
async function main() {
  const { values } = parseArgs({
    options: {
      exit: { type: 'boolean', default: false },
      dir: { type: 'string', default: 'var/demo' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const dir = resolve(values.dir);
  // Only what the demo itself writes is removed, so a mistyped --dir deletes nothing else.
  for (const part of ['pgdata', 'outbox', 'keys.json']) {
    await rm(join(dir, part), { recursive: true, force: true });
  }

  const config = parseConfig({
    NODE_ENV: 'development',
    PORT: process.env.PORT,
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATA_DIR: join(dir, 'pgdata'),
    OUTBOX_DIR: join(dir, 'outbox'),
    KEYS_FILE: join(dir, 'keys.json'),
    POSTINGS_WEBHOOK_SECRET: process.env.POSTINGS_WEBHOOK_SECRET ?? `whsec_${generateKey()}`,
  });
  const log = createJsonLog((line) => process.stderr.write(`${line}\n`), {
    level: config.LOG_LEVEL,
  });
  const { deps, database } = await buildNodeDeps(config, log);
  const outbox = deps.outbox;
  if (!outbox) throw new Error('the demo runs on the outbox transport');
  const app = createApp(deps);
  const server = await listen(app.fetch, config.PORT);
  const local = `http://127.0.0.1:${config.PORT}`;
  const base = config.PUBLIC_BASE_URL;
  const say = (line = '') => process.stdout.write(`${line}\n`);

  say(`Työpaikkavahti demo: ${base}`);
  say(`  database ${config.DATA_DIR} (PGlite), emails ${config.OUTBOX_DIR}`);
  // A throwaway secret of this demo, shown so that deliveries can be signed by hand too.
  say(`  POSTINGS_WEBHOOK_SECRET=${config.POSTINGS_WEBHOOK_SECRET}`);
  say();

  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(path, local), init);
    return { status: response.status, text: await response.text() };
  };

  say('1. Visitors subscribe: POST /v1/alerts');
  for (const subscription of demoSubscriptions) {
    const answer = await call('/v1/alerts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(subscription),
    });
    expectStatus(answer, 202, 'subscribing');
    say(`   ${subscription.locale}  "${subscription.label}" → ${answer.status}`);
  }

  say('2. Each confirms with the button of the page the email links to: POST /alerts/confirm');
  // The service answers before it hands the emails over; they are written a moment later.
  await settleAfterResponse();
  const messages = await outbox.list();
  for (const subscription of demoSubscriptions) {
    const email = messages.find((message) => message.to === subscription.email);
    if (!email) throw new Error(`no confirmation email for the ${subscription.locale} visitor`);
    const link = linkIn(email, '/alerts/confirm');
    const page = await call(`${link.pathname}${link.search}`, { headers: { accept: 'text/html' } });
    expectStatus(page, 200, 'opening the confirmation page');
    const form = confirmationForm(page.text);
    const confirmed = await call(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ token: form.token }).toString(),
    });
    expectStatus(confirmed, 200, 'confirming');
    say(`   ${subscription.locale}  "${email.subject}" → confirmed`);
  }

  say('3. The postings pipeline pushes postings through the signed webhook: POST /v1/postings');
  const postings = demoPostings(deps.clock.now());
  const body = JSON.stringify({ postings });
  const secret = config.POSTINGS_WEBHOOK_SECRET;
  if (!secret) throw new Error('the demo sets POSTINGS_WEBHOOK_SECRET');
  const headers = await signWebhook({
    secret,
    id: `demo_${crypto.randomUUID()}`,
    body,
    at: deps.clock.now(),
  });
  const receipt = await call('/v1/postings', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  expectStatus(receipt, 200, 'pushing postings');
  say(`   ${postings.length} postings (fi, sv, en) → ${receipt.text}`);

  say('4. The digests job runs (as croner or a Cron Trigger would)');
  const before = new Set((await outbox.list()).map((message) => message.id));
  const digestsJob = jobs.find((job) => job.name === 'digests');
  if (!digestsJob) throw new Error('no digests job');
  const outcome = await runJob(deps, digestsJob);
  if (outcome.status !== 'done') throw new Error(`the digests job ${outcome.status}`);
  const digests = (await outbox.list()).filter((message) => !before.has(message.id));
  say(`   ${digests.length} digest emails`);
  say();

  say(`Read the emails at ${base}/dev/outbox, or as files in ${config.OUTBOX_DIR}:`);
  for (const message of await sortedByTime(outbox)) {
    say(`  ${message.subject}`);
    say(`    ${base}/dev/outbox/${message.id}`);
    say(`    ${join(config.OUTBOX_DIR, `${message.id}.json`)}`);
  }
  say();
  say(`API reference: ${base}/docs  ·  OpenAPI: ${base}/openapi.json`);

  if (values.exit) {
    await close(server);
    await database.close();
    return;
  }
  const scheduler = scheduleJobs(deps);
  say('Serving until Ctrl-C; the scheduled jobs run as with npm start.');
  await new Promise<void>((done) => {
    const stop = async () => {
      await Promise.all([scheduler.stop(), close(server)]);
      await database.close();
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number): Promise<ServerType> {
  return new Promise((done, fail) => {
    const server = serve({ fetch, port }, () => done(server));
    server.once('error', fail);
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

function expectStatus(answer: { status: number; text: string }, status: number, what: string) {
  if (answer.status !== status) {
    throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  }
}

/** A link of an email's text part, by path. */
function linkIn(email: OutboxEntry, path: string): URL {
  const links = (email.text.match(/https?:\/\/[^\s"<>)]+/g) ?? []).map((href) => new URL(href));
  const link = links.find((url) => url.pathname === path);
  if (!link) throw new Error(`no ${path} link in "${email.subject}"`);
  return link;
}

/** The action and token of the confirmation page's form, as a browser would submit it. */
function confirmationForm(html: string): { action: string; token: string } {
  const form = html.match(
    /<form method="post" action="([^"]+)"><input type="hidden" name="token" value="([^"]+)"/,
  );
  if (!form?.[1] || !form[2]) throw new Error('the confirmation page has no form');
  return { action: form[1].replaceAll('&amp;', '&'), token: form[2] };
}

async function sortedByTime(outbox: OutboxReader) {
  return (await outbox.list()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

main().then(
  () => process.exit(0),
  (error) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(
        `demo failed: ${error instanceof Error ? error.message : String(error)}\n${JSON.stringify(describeError(error))}\n`,
      );
    }
    process.exit(1);
  },
);
