import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResendMailer } from '../src/delivery/resend';
import { type MailBatch, type OutgoingEmail, type SendResult, systemClock } from '../src/deps';
import { createJsonLog } from '../src/log';
import { type FakeResend, startFakeResend } from './helpers/fake-resend';
import { capturedLogLines, rememberSensitive } from './helpers/sensitive';

const from = 'Työpaikkavahti <vahti@example.org>';

let fake: FakeResend;
beforeAll(async () => {
  fake = await startFakeResend();
});
beforeEach(() => {
  fake.reset();
  logLines.length = 0;
});
afterAll(() => fake.close());

const logLines: string[] = [];
const log = createJsonLog(
  (line) => {
    logLines.push(line);
    capturedLogLines.push(line);
  },
  { level: 'debug' },
);

/** A mailer against the fake whose sleep records the delay and returns at once. */
function mailerWithDelays(options: Partial<Parameters<typeof createResendMailer>[0]> = {}) {
  const delays: number[] = [];
  const mailer = createResendMailer({
    apiKey: fake.apiKey,
    baseUrl: fake.url,
    from,
    log,
    clock: systemClock,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { mailer, delays };
}

const reasonOf = (result: SendResult) => (result.ok ? '' : result.reason);

let batchNumber = 0;
function digestBatch(size: number): MailBatch {
  batchNumber++;
  const emails = Array.from({ length: size }, (_, i): OutgoingEmail => {
    const email = {
      to: `hakija.${batchNumber}.${i}@example.fi`,
      subject: `Uusia työpaikkoja ${batchNumber}/${i}: Ohjelmistokehittäjä, Helsinki`,
      html: `<p>Kolme uutta ilmoitusta (${i})</p>`,
      text: `Kolme uutta ilmoitusta (${i})`,
      headers: { 'List-Unsubscribe': `<https://vahti.example.org/u/${batchNumber}-${i}>` },
      template: 'digest',
    };
    rememberSensitive(email.to);
    rememberSensitive(email.subject);
    return email;
  });
  return { idempotencyKey: `digest/${batchNumber}/${crypto.randomUUID()}`, emails };
}

describe('createResendMailer', () => {
  it('delivers a batch of three once, with the provider ids in the order of the emails', async () => {
    const { mailer } = mailerWithDelays();
    const batch = digestBatch(3);

    const result = await mailer.send(batch);

    expect(fake.requests).toBe(1);
    expect(fake.delivered.map((email) => email.to)).toEqual(
      batch.emails.map((email) => [email.to]),
    );
    expect(fake.delivered[0]).toMatchObject({
      from,
      subject: batch.emails[0]?.subject,
      html: batch.emails[0]?.html,
      text: batch.emails[0]?.text,
      headers: batch.emails[0]?.headers,
      idempotencyKey: batch.idempotencyKey,
    });
    expect(result).toEqual({ ok: true, providerIds: fake.delivered.map((email) => email.id) });
  });

  it('delivers nothing twice when a call is repeated with the same idempotency key', async () => {
    const { mailer } = mailerWithDelays();
    const batch = digestBatch(3);

    const first = await mailer.send(batch);
    const second = await mailer.send(batch);

    expect(fake.requests).toBe(2);
    expect(fake.delivered).toHaveLength(3);
    expect(second).toEqual(first);
  });

  it('waits as long as retry-after asks after a 429, then delivers once', async () => {
    const { mailer, delays } = mailerWithDelays();
    fake.failNext(1, 429, { retryAfterSeconds: 1 });

    const result = await mailer.send(digestBatch(3));

    expect(result.ok).toBe(true);
    expect(fake.requests).toBe(2);
    expect(fake.delivered).toHaveLength(3);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
  });

  it('leaves the emails to the deliver job when the API key is refused, not failed', async () => {
    // a key rotated at the provider before the service: every email would be given up
    const { mailer, delays } = mailerWithDelays({ apiKey: 're_wrong_key' });
    const result = await mailer.send(digestBatch(2));
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(fake.requests).toBe(1);
    expect(delays).toEqual([]);
    expect(fake.delivered).toHaveLength(0);
    const errors = logLines
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === 'error');
    expect(errors).toMatchObject([{ status: 403, code: 'invalid_api_key' }]);
  });

  it('retries two 500s and delivers on the third attempt', async () => {
    const { mailer, delays } = mailerWithDelays();
    fake.failNext(2, 500);

    const result = await mailer.send(digestBatch(2));

    expect(result).toEqual({ ok: true, providerIds: fake.delivered.map((email) => email.id) });
    expect(fake.requests).toBe(3);
    expect(fake.delivered).toHaveLength(2);
    expect(delays).toHaveLength(2);
  });

  it('retries a dropped connection and delivers once', async () => {
    const { mailer } = mailerWithDelays();
    fake.dropNext(1);

    const result = await mailer.send(digestBatch(3));

    expect(result.ok).toBe(true);
    expect(fake.requests).toBe(2);
    expect(fake.delivered).toHaveLength(3);
  });

  it('does not deliver again when the answer was lost after the provider sent the emails', async () => {
    const { mailer } = mailerWithDelays();
    fake.dropNext(1, { afterDelivery: true });

    const result = await mailer.send(digestBatch(3));

    expect(fake.requests).toBe(2);
    expect(fake.delivered).toHaveLength(3);
    expect(result).toEqual({ ok: true, providerIds: fake.delivered.map((email) => email.id) });
  });

  it('abandons an attempt that takes too long and collects its answer on the retry', async () => {
    const { mailer } = mailerWithDelays({
      timeoutMs: 50,
      sleep: async () => {
        fake.slow(0);
        await vi.waitFor(() => expect(fake.delivered).toHaveLength(2));
      },
    });
    fake.slow(200);

    const result = await mailer.send(digestBatch(2));

    expect(fake.requests).toBe(2);
    expect(fake.delivered).toHaveLength(2);
    expect(result).toEqual({ ok: true, providerIds: fake.delivered.map((email) => email.id) });
  });

  it('delivers once when two senders race with one key', async () => {
    const first = mailerWithDelays().mailer;
    const second = createResendMailer({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      from,
      log,
      clock: systemClock,
      random: () => 0.1,
    });
    const batch = digestBatch(2);
    fake.slow(60);

    const firstResult = first.send(batch);
    await vi.waitFor(() => expect(fake.requests).toBe(1));
    const secondResult = await second.send(batch);

    expect(await firstResult).toEqual(secondResult);
    expect(fake.delivered).toHaveLength(2);
    expect(fake.requests).toBe(3);
  });

  it('gives up as retryable after maxAttempts attempts of a provider that keeps failing', async () => {
    const { mailer, delays } = mailerWithDelays({ maxAttempts: 4 });
    fake.failNext(100, 500);

    const result = await mailer.send(digestBatch(3));

    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(fake.requests).toBe(4);
    expect(delays).toHaveLength(3);
    expect(fake.delivered).toHaveLength(0);
  });

  it('makes a single attempt when the batch asks for one, as while a visitor waits', async () => {
    const { mailer, delays } = mailerWithDelays();
    fake.failNext(100, 500);

    const result = await mailer.send({ ...digestBatch(1), maxAttempts: 1 });

    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(fake.requests).toBe(1);
    expect(delays).toHaveLength(0);
  });

  it('doubles the backoff ceiling per attempt up to 30 s, with full jitter', async () => {
    const { mailer, delays } = mailerWithDelays({ maxAttempts: 9, random: () => 0.999 });
    fake.failNext(100, 503);

    await mailer.send(digestBatch(1));

    const ceilings = [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
    expect(delays).toEqual(ceilings.map((ceiling) => Math.floor(0.999 * ceiling)));
  });

  it('ends the call as retryable when retry-after is longer than the backoff cap', async () => {
    const { mailer, delays } = mailerWithDelays();
    fake.failNext(1, 429, { retryAfterSeconds: 120 });

    const result = await mailer.send(digestBatch(1));

    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 120_000 });
    expect(fake.requests).toBe(1);
    expect(delays).toEqual([]);
  });

  it('waits until a retry-after given as an HTTP date, then delivers once', async () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const { mailer, delays } = mailerWithDelays({ clock: { now: () => now } });
    fake.failNext(1, 429, { retryAt: new Date(now.getTime() + 20_000) });

    const result = await mailer.send(digestBatch(2));

    expect(result.ok).toBe(true);
    expect(fake.requests).toBe(2);
    expect(fake.delivered).toHaveLength(2);
    expect(delays).toEqual([20_000]);
  });

  it('ends the call as retryable when a retry-after date is further off than the backoff cap', async () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const { mailer, delays } = mailerWithDelays({ clock: { now: () => now } });
    fake.failNext(1, 503, { retryAt: new Date(now.getTime() + 120_000) });

    const result = await mailer.send(digestBatch(1));

    expect(result).toMatchObject({ ok: false, retryable: true, retryAfterMs: 120_000 });
    expect(fake.requests).toBe(1);
    expect(delays).toEqual([]);
  });

  it('takes a retry-after date already past as no wait beyond the backoff', async () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const { mailer, delays } = mailerWithDelays({ clock: { now: () => now } });
    fake.failNext(1, 429, { retryAt: new Date(now.getTime() - 60_000) });

    const result = await mailer.send(digestBatch(1));

    expect(result.ok).toBe(true);
    expect(delays).toEqual([250]);
  });

  it('does not retry a spent daily quota within the call', async () => {
    const { mailer } = mailerWithDelays();
    fake.failNext(1, 429, { name: 'daily_quota_exceeded' });

    const result = await mailer.send(digestBatch(1));

    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(fake.requests).toBe(1);
  });

  it('refuses an email without a subject at once, as not retryable', async () => {
    const { mailer, delays } = mailerWithDelays();
    const batch = digestBatch(2);
    const [first, second] = batch.emails;
    if (!first || !second) throw new Error('two emails expected');
    batch.emails = [first, { ...second, subject: '' }];

    const result = await mailer.send(batch);

    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(reasonOf(result)).toContain('missing_required_field');
    expect(fake.requests).toBe(1);
    expect(fake.delivered).toHaveLength(0);
    expect(delays).toEqual([]);
  });

  it('refuses an invalid recipient address at once, without quoting it in the reason', async () => {
    const { mailer } = mailerWithDelays();
    const batch = digestBatch(1);
    const [email] = batch.emails;
    if (!email) throw new Error('one email expected');
    const invalid = 'ei-osoite.example.fi';
    rememberSensitive(invalid);
    batch.emails = [{ ...email, to: invalid }];

    const result = await mailer.send(batch);

    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(reasonOf(result)).toContain('validation_error');
    expect(reasonOf(result)).not.toContain(invalid);
    expect(fake.requests).toBe(1);
  });

  it('blanks out the whole of an address the refusal quotes, whatever its characters', async () => {
    const { mailer } = mailerWithDelays();
    for (const address of [
      "maija.o'brien@example.org",
      'sara(work)@example.org',
      'kalle;pekka@example.org',
    ]) {
      rememberSensitive(address);
      fake.failNext(1, 422, {
        name: 'validation_error',
        message: `Invalid \`to\` field: ${address} is on the suppression list.`,
      });
      const reason = reasonOf(await mailer.send(digestBatch(1)));
      expect(reason).toContain('validation_error: Invalid `to` field: [address] is on the');
      for (const part of address.split(/[@'();]/).filter(Boolean)) {
        expect(reason).not.toContain(part);
      }
    }
  });

  it('takes a key reused for other emails as sent: Resend keeps a key with the emails it sent', async () => {
    const { mailer } = mailerWithDelays();
    const batch = digestBatch(2);
    await mailer.send(batch);

    // The retry of a batch one of whose emails was deleted meanwhile: 409 invalid_idempotent_request.
    const retry = { ...batch, emails: batch.emails.slice(1) };
    const result = await mailer.send(retry);

    expect(result).toEqual({ ok: true, providerIds: [] });
    expect(fake.received.at(-1)?.status).toBe(409);
    expect(fake.delivered).toHaveLength(2);
  });

  it('takes a success that does not list an id for every email as sent, without ids', async () => {
    const { mailer } = mailerWithDelays();
    fake.listOneIdNext(1);

    const result = await mailer.send(digestBatch(3));

    expect(result).toEqual({ ok: true, providerIds: [] });
    expect(fake.requests).toBe(1);
    expect(fake.delivered).toHaveLength(3);
    expect(logLines.map((line) => JSON.parse(line).msg)).toContain(
      'provider accepted the batch without an id for every email',
    );
  });

  it('refuses a batch over 100 without calling the provider', async () => {
    const { mailer } = mailerWithDelays();

    const result = await mailer.send(digestBatch(101));

    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(fake.requests).toBe(0);
  });

  it('logs each retry without an address or a subject', async () => {
    const { mailer } = mailerWithDelays();
    const batch = digestBatch(2);
    fake.failNext(1, 429, { retryAfterSeconds: 1 });
    fake.dropNext(1);

    await mailer.send(batch);

    const retries = logLines
      .map((line) => JSON.parse(line))
      .filter((e) => e.msg === 'provider retry');
    expect(retries).toEqual([
      expect.objectContaining({ level: 'warn', attempt: 1, status: null, delayMs: 250 }),
      expect.objectContaining({ level: 'warn', attempt: 2, status: 429, delayMs: 1000 }),
    ]);
    for (const email of batch.emails) {
      for (const line of logLines) {
        expect(line).not.toContain(email.to);
        expect(line).not.toContain(email.subject);
      }
    }
  });
});

describe('the fake Resend', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${fake.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.apiKey}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: JSON.stringify(body),
    });
  const welcome = { from, to: 'uusi.tilaaja@example.fi', subject: 'Tervetuloa', text: 'Hei' };
  rememberSensitive(welcome.to);

  it('answers a reused key with a different body with 409 invalid_idempotent_request', async () => {
    const first = await post('/emails', welcome, { 'idempotency-key': 'welcome/1' });
    const second = await post(
      '/emails',
      { ...welcome, text: 'Hei taas' },
      { 'idempotency-key': 'welcome/1' },
    );

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({
      statusCode: 409,
      name: 'invalid_idempotent_request',
      message: expect.any(String),
    });
    expect(fake.delivered).toHaveLength(1);
  });

  it('answers a key still in progress with 409 concurrent_idempotent_requests', async () => {
    fake.slow(50);
    const [first, second] = await Promise.all([
      post('/emails', welcome, { 'idempotency-key': 'welcome/2' }),
      new Promise((resolve) => setTimeout(resolve, 10)).then(() =>
        post('/emails', welcome, { 'idempotency-key': 'welcome/2' }),
      ),
    ]);

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ name: 'concurrent_idempotent_requests' });
  });

  it('forgets an idempotency key after 24 hours', async () => {
    let now = Date.parse('2026-03-02T10:00:00.000Z');
    const timed = await startFakeResend({ now: () => new Date(now) });
    try {
      const { mailer } = mailerWithDelays({ apiKey: timed.apiKey, baseUrl: timed.url });
      const batch = digestBatch(1);

      await mailer.send(batch);
      now += 24 * 60 * 60 * 1000 - 1;
      await mailer.send(batch);
      expect(timed.delivered).toHaveLength(1);

      now += 1;
      await mailer.send(batch);
      expect(timed.delivered).toHaveLength(2);
    } finally {
      await timed.close();
    }
  });

  it('requires the bearer key', async () => {
    const response = await post('/emails', welcome, { authorization: '' });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ name: 'missing_api_key' });
  });

  it('refuses a batch of more than 100 emails', async () => {
    const response = await post(
      '/emails/batch',
      Array.from({ length: 101 }, () => welcome),
    );

    expect(response.status).toBe(422);
    expect(fake.delivered).toHaveLength(0);
  });

  it('answers an injected failure in the Resend shape with retry-after', async () => {
    fake.failNext(1, 429, { retryAfterSeconds: 3 });

    const response = await post('/emails', welcome);

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({
      statusCode: 429,
      name: 'rate_limit_exceeded',
      message: expect.any(String),
    });
  });
});
