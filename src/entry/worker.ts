import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createApp } from '../app';
import { type Config, parseConfig } from '../config';
import { createKeyring, type Keyring } from '../crypto/keyring';
import type { Db } from '../db/database';
import * as schema from '../db/schema';
import { createResendMailer } from '../delivery/resend';
import { type Deps, systemClock } from '../deps';
import { jobs, runJob } from '../jobs';
import { createJsonLog } from '../log';
import { type AnchorTerms, newAnchorTerms } from '../matching/anchor-terms';

/**
 * The service on Cloudflare Workers, with the code it runs on Node. Postgres comes through a
 * Hyperdrive binding (or DATABASE_URL for local runs); mail goes through Resend, as Workers have
 * no folder for the outbox transport.
 */
interface Env {
  HYPERDRIVE?: { connectionString: string };
  [name: string]: unknown;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  props: unknown;
}

/**
 * Parsed once per isolate: configuration and imported keys do not change between requests. The
 * matcher's set of anchor terms is kept here too: the database client is made per request, and
 * reading the whole set again for each webhook call would cost half a second at a million alerts.
 */
let shared: Promise<{ config: Config; keyring: Keyring; anchorTerms: AnchorTerms }> | undefined;

function sharedState(env: Env) {
  shared ??= (async () => {
    const strings = Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    const config = parseConfig({
      ...strings,
      NODE_ENV: 'production',
      DATABASE_URL: env.HYPERDRIVE?.connectionString ?? strings.DATABASE_URL,
    });
    if (!config.EMAIL_ENCRYPTION_KEY || !config.EMAIL_HASH_KEY) {
      throw new Error('EMAIL_ENCRYPTION_KEY and EMAIL_HASH_KEY are required on Workers');
    }
    const keyring = await createKeyring({
      encryptionKeys: config.EMAIL_ENCRYPTION_KEY,
      hashKeys: config.EMAIL_HASH_KEY,
    });
    return { config, keyring, anchorTerms: newAnchorTerms() };
  })().catch((error: unknown) => {
    // A failure (a missing secret) is not kept: the next request tries again.
    shared = undefined;
    throw error;
  });
  return shared;
}

/**
 * Dependencies for one request or one scheduled run. The postgres.js client must belong to the
 * request that uses it (Workers refuse I/O across requests), so each gets its own, closed after
 * the answer has gone out.
 */
async function requestDeps(env: Env): Promise<{ deps: Deps; close(): Promise<void> }> {
  const { config, keyring, anchorTerms } = await sharedState(env);
  if (!config.DATABASE_URL) throw new Error('bind HYPERDRIVE or set DATABASE_URL');
  if (!config.RESEND_API_KEY) throw new Error('RESEND_API_KEY is required on Workers');
  const client = postgres(config.DATABASE_URL, { max: 5, fetch_types: false, onnotice: () => {} });
  const log = createJsonLog((line) => console.log(line), { level: config.LOG_LEVEL });
  const db: Db = drizzle({ client, schema });
  const mailer = createResendMailer({
    apiKey: config.RESEND_API_KEY,
    baseUrl: config.RESEND_BASE_URL,
    from: config.MAIL_FROM,
    log,
    clock: systemClock,
  });
  return {
    deps: { db, config, keyring, log, clock: systemClock, mailer, anchorTerms },
    close: () => client.end({ timeout: 5 }),
  };
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const { deps, close } = await requestDeps(env);
    // Work the request leaves running after its answer (src/http/after-response.ts) still needs
    // the request's database client: the client closes once that work has ended.
    const after: Promise<unknown>[] = [];
    const requestCtx: ExecutionContext = {
      waitUntil: (promise) => {
        after.push(promise);
      },
      passThroughOnException: () => ctx.passThroughOnException(),
      props: ctx.props,
    };
    try {
      return await createApp(deps).fetch(request, env, requestCtx);
    } finally {
      ctx.waitUntil(Promise.allSettled(after).then(close));
    }
  },

  /**
   * Cron Triggers: runs the job whose cron fired (wrangler.toml lists the crons of src/jobs.ts).
   * A job without a cron (`rekey`) is run with `npm run job` from a machine that reaches the
   * database.
   */
  async scheduled(controller: { cron: string }, env: Env, ctx: ExecutionContext): Promise<void> {
    const { deps, close } = await requestDeps(env);
    try {
      for (const job of jobs.filter((candidate) => candidate.cron === controller.cron)) {
        await runJob(deps, job);
      }
    } finally {
      ctx.waitUntil(close());
    }
  },
};
