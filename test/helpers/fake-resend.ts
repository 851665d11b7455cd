import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { z } from 'zod';
import { createResendMailer } from '../../src/delivery/resend';
import type { Deps } from '../../src/deps';
import type { TestContext } from './context';

export interface DeliveredEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string | undefined;
  text: string | undefined;
  headers: Record<string, string> | undefined;
  idempotencyKey: string | undefined;
}

/** One request as the fake saw it, for tests of retries and backoff. */
export interface ReceivedRequest {
  /** Date.now() when its body had arrived */
  at: number;
  idempotencyKey: string | undefined;
  /** the status answered; 0 when the connection was destroyed instead */
  status: number;
  /** emails this request added to `delivered` (0 for a failure or a replay from memory) */
  delivered: number;
}

export interface FakeResend {
  /** base URL for `new Resend(key, { baseUrl })`, without a trailing slash */
  url: string;
  apiKey: string;
  /** every email accepted, in order; a replayed idempotent request adds nothing */
  delivered: DeliveredEmail[];
  /** requests received, including failed, dropped and replayed ones */
  readonly requests: number;
  /** every request received, in order */
  received: ReceivedRequest[];
  /** the next `count` requests are answered with `status` and a Resend-shaped error */
  failNext(
    count: number,
    status: number,
    options?: { retryAfterSeconds?: number; retryAt?: Date; name?: string; message?: string },
  ): void;
  /** delays every answer by `ms` until set back to 0 */
  slow(ms: number): void;
  /**
   * the next `count` batches are carried out, but their answer lists the id of the first email
   * only, as a 200 that does not account for every email
   */
  listOneIdNext(count: number): void;
  /** delays the answers to the next `count` requests by `ms` each (the request is carried out) */
  slowNext(count: number, ms: number): void;
  /**
   * the next `count` requests get no answer: the socket is destroyed, before the request is
   * carried out or, with `afterDelivery`, after it (the answer is lost, the emails went out), or
   * with `midRequest` as soon as the request's headers are in, while its body is still coming
   */
  dropNext(count: number, options?: { afterDelivery?: boolean; midRequest?: boolean }): void;
  reset(): void;
  close(): Promise<void>;
}

const idempotencyWindowMs = 24 * 60 * 60 * 1000;
const maxBatchSize = 100;
const maxRecipients = 50;
const addressFormat =
  'The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.';

const email = z.object({
  from: z.string(),
  to: z.union([z.string(), z.array(z.string())]),
  subject: z.string(),
  html: z.string().optional(),
  text: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});
type Email = z.infer<typeof email>;

const batchAnswer = z.object({ data: z.array(z.object({ id: z.string() })) });

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Remembered {
  path: string;
  /** the request body's SHA-256: a replay must carry the same body */
  body: string;
  at: number;
  answer: Answer | undefined;
}

interface Failure {
  status: number;
  retryAfterSeconds?: number;
  /** `retry-after` as an HTTP date, the other form RFC 9110 allows */
  retryAt?: Date;
  name?: string;
  /** the error's message instead of Resend's usual one for its name */
  message?: string;
}

/**
 * A stand-in for the Resend API on 127.0.0.1, for `POST /emails` and `POST /emails/batch`: bearer
 * key, Resend's validation and error shapes, `Idempotency-Key` kept 24 h (by `now`), and failures
 * on demand. Strict batch validation only: one invalid email refuses the whole batch.
 */
export async function startFakeResend(
  options: {
    now?: () => Date;
    apiKey?: string;
    /**
     * false keeps of each delivered email only its id, addresses, subject and key: a benchmark
     * that hands over tens of thousands of emails has no use for their bodies
     */
    keepContent?: boolean;
  } = {},
): Promise<FakeResend> {
  const keepContent = options.keepContent ?? true;
  const now = options.now ?? (() => new Date());
  const apiKey = options.apiKey ?? 're_test_fake_key';
  const delivered: DeliveredEmail[] = [];
  const remembered = new Map<string, Remembered>();
  let failures: Failure[] = [];
  let drops: Array<{ afterDelivery: boolean; midRequest: boolean }> = [];
  let delayMs = 0;
  let slowQueue: number[] = [];
  let oneIdAnswers = 0;
  let requests = 0;
  const received: ReceivedRequest[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse) {
    requests++;
    if (drops[0]?.midRequest) {
      drops.shift();
      received.push({
        at: Date.now(),
        idempotencyKey: header(request, 'idempotency-key'),
        status: 0,
        delivered: 0,
      });
      request.socket.destroy();
      return;
    }
    const raw = await readBody(request);
    const seen: ReceivedRequest = {
      at: Date.now(),
      idempotencyKey: header(request, 'idempotency-key'),
      status: 0,
      delivered: 0,
    };
    received.push(seen);
    const drop = drops.shift();
    if (drop && !drop.afterDelivery) {
      request.socket.destroy();
      return;
    }
    const failure = failures.shift();
    const wait = slowQueue.shift() ?? delayMs;
    let paused = false;
    const pause = async () => {
      paused = true;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    };
    const before = delivered.length;
    let answer = failure ? failed(failure) : await answerRequest(request, raw, pause);
    const listed = batchAnswer.safeParse(answer.body);
    if (oneIdAnswers > 0 && answer.status === 200 && listed.success) {
      oneIdAnswers--;
      answer = { ...answer, body: { data: listed.data.data.slice(0, 1) } };
    }
    seen.delivered = delivered.length - before;
    if (!paused) await pause();
    if (drop) {
      request.socket.destroy();
      return;
    }
    seen.status = answer.status;
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      ...answer.headers,
    });
    response.end(JSON.stringify(answer.body));
  }

  async function answerRequest(
    request: IncomingMessage,
    raw: string,
    pause: () => Promise<void>,
  ): Promise<Answer> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path !== '/emails' && path !== '/emails/batch') {
      return error(404, 'not_found', 'The requested endpoint does not exist.');
    }
    if (request.method !== 'POST') {
      return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
    }
    const authorization = request.headers.authorization;
    if (!authorization) {
      return error(
        401,
        'missing_api_key',
        'Missing API key in the authorization header. Include the following header Authorization: Bearer YOUR_API_KEY in the request.',
      );
    }
    if (authorization !== `Bearer ${apiKey}`)
      return error(403, 'invalid_api_key', 'API key is invalid');

    const key = header(request, 'idempotency-key');
    if (key === undefined) return carryOut(path, raw, undefined);
    if (key.length < 1 || key.length > 256) {
      return error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
    }
    const earlier = remembered.get(key);
    const digest = createHash('sha256').update(raw).digest('base64');
    if (earlier && now().getTime() - earlier.at < idempotencyWindowMs) {
      if (earlier.path !== path || earlier.body !== digest) {
        return error(
          409,
          'invalid_idempotent_request',
          'Same idempotency key used with a different request payload. Change your idempotency key or payload.',
        );
      }
      if (earlier.answer === undefined) {
        return error(
          409,
          'concurrent_idempotent_requests',
          'Same idempotency key used while original request is still in progress. Try the request again later.',
        );
      }
      return earlier.answer;
    }
    const entry: Remembered = { path, body: digest, at: now().getTime(), answer: undefined };
    remembered.set(key, entry);
    // The request is "in progress" while the answer is delayed, as a slow provider's would be.
    await pause();
    const answer = carryOut(path, raw, key);
    // Only a request that was carried out is remembered; a refused one may be corrected and resent.
    if (answer.status === 200) entry.answer = answer;
    else remembered.delete(key);
    return answer;
  }

  function carryOut(path: string, raw: string, key: string | undefined): Answer {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(400, 'validation_error', 'Invalid JSON in the request body.');
    }
    if (path === '/emails') {
      const checked = validate(body, '');
      if ('status' in checked) return checked;
      return { status: 200, body: { id: deliver(checked, key) } };
    }
    if (!Array.isArray(body)) return error(422, 'validation_error', 'The body must be an array.');
    if (body.length === 0 || body.length > maxBatchSize) {
      return error(
        422,
        'validation_error',
        `The batch must contain between 1 and ${maxBatchSize} emails.`,
      );
    }
    const emails: Email[] = [];
    for (const [index, candidate] of body.entries()) {
      const checked = validate(candidate, `emails[${index}].`);
      if ('status' in checked) return checked;
      emails.push(checked);
    }
    return { status: 200, body: { data: emails.map((valid) => ({ id: deliver(valid, key) })) } };
  }

  function deliver(valid: Email, key: string | undefined) {
    const id = crypto.randomUUID();
    delivered.push({
      id,
      from: valid.from,
      to: typeof valid.to === 'string' ? [valid.to] : valid.to,
      subject: valid.subject,
      html: keepContent ? valid.html : undefined,
      text: keepContent ? valid.text : undefined,
      headers: keepContent ? valid.headers : undefined,
      idempotencyKey: key,
    });
    return id;
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake resend: no port');
  const { port } = address;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    delivered,
    get requests() {
      return requests;
    },
    received,
    failNext(count, status, failure = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, ...failure });
    },
    slow(ms) {
      delayMs = ms;
    },
    slowNext(count, ms) {
      for (let i = 0; i < count; i++) slowQueue.push(ms);
    },
    listOneIdNext(count) {
      oneIdAnswers += count;
    },
    dropNext(count, drop = {}) {
      for (let i = 0; i < count; i++) {
        drops.push({
          afterDelivery: drop.afterDelivery ?? false,
          midRequest: drop.midRequest ?? false,
        });
      }
    },
    reset() {
      delivered.length = 0;
      remembered.clear();
      failures = [];
      drops = [];
      delayMs = 0;
      slowQueue = [];
      oneIdAnswers = 0;
      requests = 0;
      received.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((closeError) => (closeError ? reject(closeError) : resolve())),
      );
    },
  };
}

/** Resend's checks of one email, with its field names and messages; an empty field is missing. */
function validate(candidate: unknown, prefix: string): Email | Answer {
  if (typeof candidate === 'object' && candidate !== null) {
    for (const field of ['from', 'to', 'subject'] as const) {
      const value: unknown = Reflect.get(candidate, field);
      if (value === undefined || value === null || value === '') {
        return error(422, 'missing_required_field', `Missing \`${prefix}${field}\` field.`);
      }
    }
  }
  const parsed = email.safeParse(candidate);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    return error(422, 'validation_error', `Invalid \`${prefix}${field}\` field.`);
  }
  if (!isAddress(parsed.data.from)) {
    return error(422, 'invalid_from_address', `Invalid \`${prefix}from\` field. ${addressFormat}`);
  }
  const to = typeof parsed.data.to === 'string' ? [parsed.data.to] : parsed.data.to;
  if (to.length === 0 || to.length > maxRecipients || !to.every(isAddress)) {
    return error(422, 'validation_error', `Invalid \`${prefix}to\` field. ${addressFormat}`);
  }
  return parsed.data;
}

function isAddress(value: string) {
  const bare = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
  const named = /^[^<>]*<([^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)>$/;
  return bare.test(value) || named.test(value.trim());
}

function failed(failure: Failure): Answer {
  const name = failure.name ?? defaultName(failure.status);
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(failure.retryAfterSeconds);
  }
  if (failure.retryAt !== undefined) headers['retry-after'] = failure.retryAt.toUTCString();
  if (failure.status === 429) {
    Object.assign(headers, {
      'ratelimit-limit': '2',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(failure.retryAfterSeconds ?? 1),
    });
  }
  const message = failure.message ?? messages[name] ?? 'Something went wrong.';
  return { ...error(failure.status, name, message), headers };
}

const messages: Record<string, string> = {
  rate_limit_exceeded: 'Too many requests. You can only make 2 requests per second.',
  daily_quota_exceeded: 'You have reached your daily email sending quota.',
  internal_server_error: 'An unexpected error occurred.',
  application_error: 'An unexpected error occurred, please try again later.',
  validation_error: 'Invalid request.',
};

function defaultName(status: number) {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 500) return 'internal_server_error';
  if (status > 500) return 'application_error';
  return 'validation_error';
}

function error(status: number, name: string, message: string): Answer {
  return { status, body: { statusCode: status, message, name } };
}

function header(request: IncomingMessage, name: string) {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** A fake Resend for the tests of one file: started before them, emptied before each, closed after. */
export function setupFakeResend(): FakeResend {
  let current: FakeResend | undefined;
  beforeAll(async () => {
    current = await startFakeResend();
  });
  beforeEach(() => current?.reset());
  afterAll(() => current?.close());
  return new Proxy({} as FakeResend, {
    get(_, property) {
      if (!current) throw new Error('the fake Resend exists from beforeAll on');
      const value = current[property as keyof FakeResend];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/** The test context's dependencies with the production transport pointed at the fake Resend. */
export function withResendMailer(
  ctx: TestContext,
  fake: FakeResend,
  options: Omit<
    Parameters<typeof createResendMailer>[0],
    'apiKey' | 'baseUrl' | 'from' | 'log' | 'clock'
  >,
): Deps {
  return {
    ...ctx.deps,
    mailer: createResendMailer({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      from: 'Työpaikkavahti <vahti@example.org>',
      log: ctx.deps.log,
      clock: ctx.deps.clock,
      ...options,
    }),
  };
}
