import { Resend } from 'resend';
import { z } from 'zod';
import { type Clock, MAX_BATCH_SIZE, type Mailer, type SendResult } from '../deps';
import type { Log } from '../log';

/*
 * The production transport (SPEC.md §4), built on the `resend` SDK rather than on `fetch`: the SDK
 * already gives everything the retry policy needs. It never throws, every result carries the
 * response headers (so `retry-after` is readable), it sends `Idempotency-Key`, and it passes an
 * AbortSignal through to `fetch`, so an attempt can time out. A timeout, a dropped connection and
 * an unreadable success body all come back as `statusCode: null` and are retried.
 *
 * Every attempt of one call re-sends the same body under the same idempotency key, so Resend
 * answers a retry of a request it already carried out from memory instead of sending again. Two
 * 409s differ: `concurrent_idempotent_requests` (the first attempt is still running, e.g. after our
 * timeout) is worth retrying; `invalid_idempotent_request` (same key, other body) means that
 * Resend already sent a batch under this key (it keeps a key with the emails it sent, for 24
 * hours), so the emails went out: a retry of a batch whose answer was lost, after one of its
 * emails was deleted with its alert. It counts as accepted, without the emails' ids; sending them
 * again under other keys would mail everyone else of the batch twice. A success whose body does
 * not list an id for each email counts as accepted too, without ids: Resend took the batch.
 *
 * Retries stay inside the call only while they are cheap: a `retry-after` longer than the backoff
 * cap, or a daily/monthly quota, ends the call at once as retryable, for the outbox to try later.
 */

const baseDelayMs = 500;
const capDelayMs = 30_000;

const acceptedBatch = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

/** The SDK hands over whatever JSON the API answered with, so the error shape is checked here. */
const providerError = z.object({
  statusCode: z.number().int().nullish(),
  name: z.string().optional(),
  message: z.string().optional(),
});

const quotaCodes = new Set(['daily_quota_exceeded', 'monthly_quota_exceeded']);

type Outcome =
  /** `unlisted`: why the emails' ids are not known, when they are not */
  | { kind: 'accepted'; providerIds: string[]; unlisted?: string }
  | { kind: 'refused'; reason: string }
  | {
      kind: 'retry' | 'later';
      status: number | null;
      code: string;
      reason: string;
      retryAfterMs: number | undefined;
    };

export function createResendMailer(options: {
  apiKey: string;
  baseUrl?: string;
  from: string;
  log: Log;
  maxAttempts?: number;
  /** how long one attempt may take before it is abandoned and retried; default 30 s */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** the wall clock a `retry-after` date is counted from (the entry's: waits are real time) */
  clock: Clock;
}): Mailer {
  const { from, log } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const { clock } = options;
  const resend = new Resend(options.apiKey, { baseUrl: options.baseUrl });

  return {
    async send(batch): Promise<SendResult> {
      const count = batch.emails.length;
      if (count === 0) return { ok: true, providerIds: [] };
      if (count > MAX_BATCH_SIZE) {
        return {
          ok: false,
          retryable: false,
          reason: `batch of ${count} exceeds ${MAX_BATCH_SIZE}`,
        };
      }
      const payload = batch.emails.map((email) => ({
        from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: email.headers,
      }));

      for (let attempt = 1; ; attempt++) {
        const response = await resend.batch.send(payload, {
          idempotencyKey: batch.idempotencyKey,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const outcome = classify(response, count, clock.now());
        if (outcome.kind === 'accepted') {
          if (outcome.unlisted) log.warn(outcome.unlisted, { emails: count });
          return { ok: true, providerIds: outcome.providerIds };
        }
        if (outcome.kind === 'refused') {
          return { ok: false, retryable: false, reason: outcome.reason };
        }

        const { retryAfterMs } = outcome;
        if (outcome.status === 401 || outcome.status === 403) {
          log.error('provider refused the API key or the sender; emails wait for the deliver job', {
            status: outcome.status,
            code: outcome.code,
          });
        }
        const giveUp =
          outcome.kind === 'later' ||
          attempt >= (batch.maxAttempts ?? maxAttempts) ||
          (retryAfterMs !== undefined && retryAfterMs > capDelayMs);
        if (giveUp) {
          return {
            ok: false,
            retryable: true,
            reason: outcome.reason,
            ...(retryAfterMs !== undefined && { retryAfterMs }),
          };
        }

        // Full jitter (AWS architecture blog, "Exponential Backoff and Jitter"), but never sooner
        // than the provider asked for.
        const ceiling = Math.min(capDelayMs, baseDelayMs * 2 ** (attempt - 1));
        const delayMs = Math.max(retryAfterMs ?? 0, Math.floor(random() * ceiling));
        log.warn('provider retry', {
          attempt,
          status: outcome.status,
          code: outcome.code,
          delayMs,
        });
        await sleep(delayMs);
      }
    },
  };
}

function classify(
  response: { data: unknown; error: unknown; headers: Record<string, string> | null },
  expected: number,
  now: Date,
): Outcome {
  if (response.error === null) {
    const accepted = acceptedBatch.safeParse(response.data);
    if (!accepted.success || accepted.data.data.length !== expected) {
      // A 2xx means Resend took the batch: refused, it would be split and its emails mailed
      // again under other keys. Asking again under this key would only repeat the answer.
      return {
        kind: 'accepted',
        providerIds: [],
        unlisted: 'provider accepted the batch without an id for every email',
      };
    }
    return { kind: 'accepted', providerIds: accepted.data.data.map((email) => email.id) };
  }

  const error = providerError.safeParse(response.error);
  const status = error.success ? (error.data.statusCode ?? null) : null;
  const code = (error.success && error.data.name) || 'unknown_error';
  const message = error.success ? error.data.message : undefined;
  const reason = describe(status, code, message);

  if (status === 409 && code === 'invalid_idempotent_request') {
    return { kind: 'accepted', providerIds: [], unlisted: 'provider had sent this batch before' };
  }
  const transient =
    status === null ||
    status >= 500 ||
    status === 408 ||
    status === 429 ||
    (status === 409 && code === 'concurrent_idempotent_requests');
  // A missing, wrong or restricted API key (or an unverified domain) is the operator's to mend,
  // not the email's fault: refused, every email queued meanwhile would be given up, a digest's
  // postings with it. They wait for the deliver job instead, as on a spent quota.
  const credentials = status === 401 || status === 403;
  if (!transient && !credentials) return { kind: 'refused', reason };
  return {
    kind: quotaCodes.has(code) || credentials ? 'later' : 'retry',
    status,
    code,
    reason,
    retryAfterMs: readRetryAfter(response.headers, now),
  };
}

/**
 * `retry-after` in either form RFC 9110 allows: seconds, as Resend sends it, or an HTTP date (as
 * a proxy in front of it may), counted from `now` and never below zero. Anything else is ignored
 * and the backoff applies.
 */
function readRetryAfter(headers: Record<string, string> | null, now: Date): number | undefined {
  const value = headers?.['retry-after']?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * The reason is stored with the message and may reach a log, so every word of the provider's
 * message that holds an `@` is blanked out: an address may hold ' ( ) ; and more, and a pattern
 * of its characters left `maija.o'` of `maija.o'brien@…` behind.
 */
function describe(status: number | null, code: string, message: string | undefined): string {
  const head = `resend ${status ?? 'no response'} ${code}`;
  if (!message) return head;
  const redacted = message.replace(/\S*@\S*/g, '[address]');
  return `${head}: ${redacted}`.slice(0, 300);
}
