import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { renderNamed } from '../emails/templates';
import { createKeyring, generateKey } from '../src/crypto/keyring';
import { withTransaction } from '../src/db/database';
import { alerts, messages } from '../src/db/schema';
import { deliverBatch, deliverDue, enqueueEmails, type QueuedEmail } from '../src/delivery/outbox';
import type { MailBatch, SendResult } from '../src/deps';
import { subscribeAndConfirm } from './helpers/alerts';
import { setupTestContext } from './helpers/context';
import { findInDatabase } from './helpers/scan';

const ctx = setupTestContext();

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const email = (n: number, alertId?: string) => ({
  to: `reader${n}@example.org`,
  subject: `Viesti ${n}`,
  html: `<p>https://vahti.example.org/alerts/manage?token=secret-token-${n}</p>`,
  text: `https://vahti.example.org/alerts/manage?token=secret-token-${n}`,
  template: 'test',
  ...(alertId ? { alertId } : {}),
});

const confirmationEmail = (to: string) =>
  ({
    to,
    subject: 'Vahvista hakuvahti',
    template: 'confirmation',
    props: {
      locale: 'fi',
      label: 'Sairaanhoitaja, Tampere',
      criteriaSummary: ['Hakusanat: sairaanhoitaja', 'Kunta: Tampere'],
      frequency: 'daily',
      confirmUrl: 'https://vahti.example.org/alerts/confirm?token=secret-token-c',
      notMeUrl: 'https://vahti.example.org/alerts/not-me?token=secret-token-n',
      validHours: 48,
    },
  }) satisfies QueuedEmail;

async function enqueue(count: number, alertId?: string) {
  return withTransaction(ctx.database.db, (tx) =>
    enqueueEmails(
      tx,
      ctx.keyring,
      Array.from({ length: count }, (_, n) => email(n, alertId)),
      ctx.clock.now(),
    ),
  );
}

/** A provider that answers from a script, and remembers every batch it was handed. */
function scriptedMailer(answers: SendResult[]) {
  const calls: MailBatch[] = [];
  return {
    calls,
    async send(batch: MailBatch): Promise<SendResult> {
      calls.push(batch);
      return answers.shift() ?? { ok: true, providerIds: batch.emails.map((_, i) => `p${i}`) };
    },
  };
}

const statuses = async () =>
  (await ctx.database.db.select().from(messages)).map((row) => row.status).sort();

describe('the messages outbox', () => {
  it('writes batches of at most 100 that share a key', async () => {
    const keys = await enqueue(250);
    expect(keys).toHaveLength(3);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows).toHaveLength(250);
    expect(keys.map((key) => rows.filter((row) => row.batchKey === key).length)).toEqual([
      100, 100, 50,
    ]);
  });

  it('keeps queued payloads encrypted: no address or token in any table', async () => {
    await enqueue(2);
    for (const needle of ['reader0@example.org', 'secret-token-1', 'Viesti 1']) {
      expect(await findInDatabase(ctx.database.db, needle)).toEqual([]);
    }
  });

  it('keeps a templated email as its props, in the row, and sends it as the template renders them', async () => {
    const confirmation = confirmationEmail('reader@example.org');
    const { props } = confirmation;
    const [key] = await withTransaction(ctx.database.db, (tx) =>
      enqueueEmails(tx, ctx.keyring, [confirmation], ctx.clock.now()),
    );
    const [row] = await ctx.database.db.select().from(messages);
    const stored = JSON.parse(await ctx.keyring.decrypt(row?.payload ?? ''));
    expect(stored).toEqual(confirmation);
    // Under Postgres' 2 KB threshold, so the row holds it: no TOAST rows to write and delete.
    expect(row?.payload?.length).toBeLessThan(2_000);

    const mailer = scriptedMailer([]);
    await deliverBatch({
      deps: { ...ctx.deps, mailer },
      batchKey: key ?? '',
      now: ctx.clock.now(),
    });
    const { html, text } = await renderNamed('confirmation', props);
    expect(html).toContain('secret-token-c');
    expect(mailer.calls[0]?.emails).toEqual([
      {
        to: 'reader@example.org',
        subject: 'Vahvista hakuvahti',
        template: 'confirmation',
        html,
        text,
      },
    ]);
  });

  it('fails an email its template cannot render, and sends the rest of its batch', async () => {
    const good = confirmationEmail('reader@example.org');
    // Props the template no longer takes, as after a change to it while the email was queued.
    const unrenderable = { ...confirmationEmail('other@example.org'), props: {} } as QueuedEmail;
    await withTransaction(ctx.database.db, (tx) =>
      enqueueEmails(tx, ctx.keyring, [good, unrenderable], ctx.clock.now()),
    );
    const mailer = scriptedMailer([]);
    const deps = { ...ctx.deps, mailer };
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({
      sent: 1,
      failed: 1,
      retry: 1,
    });
    expect(mailer.calls.map((call) => call.emails.map((email) => email.to))).toEqual([
      ['reader@example.org'],
    ]);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.map((row) => [row.status, row.payload]).sort()).toEqual([
      ['failed', null],
      ['sent', null],
    ]);
    expect(rows.find((row) => row.status === 'failed')?.lastError).toBe(
      'the email could not be read or rendered',
    );
  });

  it('fails an email encrypted under a key taken out of the keyring, and sends the rest', async () => {
    const retired = await createKeyring({
      encryptionKeys: [generateKey()],
      hashKeys: [generateKey()],
    });
    await withTransaction(ctx.database.db, async (tx) => {
      await enqueueEmails(tx, retired, [confirmationEmail('lost@example.org')], ctx.clock.now());
      await enqueueEmails(
        tx,
        ctx.keyring,
        [confirmationEmail('reader@example.org')],
        ctx.clock.now(),
      );
    });
    await ctx.database.db.update(messages).set({ batchKey: 'one-batch' });
    const mailer = scriptedMailer([]);
    const deps = { ...ctx.deps, mailer };
    expect(await deliverBatch({ deps, batchKey: 'one-batch', now: ctx.clock.now() })).toBe('retry');
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 1, failed: 1 });
    expect(mailer.calls.map((call) => call.emails.map((email) => email.to))).toEqual([
      ['reader@example.org'],
    ]);
    // Nothing is left to come back with a later lease.
    ctx.clock.advance(DAY);
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 0, failed: 0 });
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.map((row) => [row.status, row.payload]).sort()).toEqual([
      ['failed', null],
      ['sent', null],
    ]);
  });

  it('sends a batch under its key, then drops the payload and records the provider ids', async () => {
    const [key] = await enqueue(3);
    const mailer = scriptedMailer([]);
    const deps = { ...ctx.deps, mailer };
    expect(await deliverBatch({ deps, batchKey: key ?? '', now: ctx.clock.now() })).toBe('sent');
    expect(mailer.calls).toHaveLength(1);
    expect(mailer.calls[0]?.idempotencyKey).toBe(key);
    expect(mailer.calls[0]?.emails.map((sent) => sent.to).sort()).toEqual([
      'reader0@example.org',
      'reader1@example.org',
      'reader2@example.org',
    ]);
    const rows = await ctx.database.db.select().from(messages);
    expect(rows.every((row) => row.status === 'sent' && row.payload === null)).toBe(true);
    expect(rows.map((row) => row.providerId).sort()).toEqual(['p0', 'p1', 'p2']);
    expect(await deliverBatch({ deps, batchKey: key ?? '', now: ctx.clock.now() })).toBe('skipped');
    expect(mailer.calls).toHaveLength(1);
  });

  it('retries a provider fault later, honouring retry-after, under the same key', async () => {
    const [key] = await enqueue(1);
    const mailer = scriptedMailer([
      { ok: false, retryable: true, reason: 'rate_limited', retryAfterMs: 10 * MINUTE },
    ]);
    const deps = { ...ctx.deps, mailer };
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ retry: 1 });
    ctx.clock.advance(9 * MINUTE);
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 0, retry: 0 });
    ctx.clock.advance(MINUTE);
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 1 });
    expect(mailer.calls.map((call) => call.idempotencyKey)).toEqual([key, key]);
    expect(await statuses()).toEqual(['sent']);
  });

  it('records a refusal as failed at once and never retries it', async () => {
    await enqueue(1);
    const mailer = scriptedMailer([{ ok: false, retryable: false, reason: 'validation_error' }]);
    const deps = { ...ctx.deps, mailer };
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ failed: 1 });
    ctx.clock.advance(24 * 60 * MINUTE);
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 0 });
    const [row] = await ctx.database.db.select().from(messages);
    expect(row).toMatchObject({ status: 'failed', payload: null, lastError: 'validation_error' });
    expect(mailer.calls).toHaveLength(1);
  });

  it('sends the emails of a refused batch one by one, so that only the bad address fails', async () => {
    const [key] = await enqueue(3);
    const refused: SendResult = { ok: false, retryable: false, reason: 'validation_error' };
    const mailer = {
      calls: [] as MailBatch[],
      async send(batch: MailBatch): Promise<SendResult> {
        mailer.calls.push(batch);
        if (batch.emails.length > 1 || batch.emails[0]?.to === 'reader1@example.org')
          return refused;
        return { ok: true, providerIds: ['one'] };
      },
    };
    const deps = { ...ctx.deps, mailer };
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({
      sent: 2,
      failed: 1,
      retry: 1,
    });
    expect(mailer.calls).toHaveLength(4);
    const singleKeys = mailer.calls.slice(1).map((call) => call.idempotencyKey);
    expect(singleKeys.every((single) => single.startsWith(`${key}.`))).toBe(true);
    expect(new Set(singleKeys).size).toBe(3);
    const rows = await ctx.database.db.select().from(messages);
    const failed = rows.filter((row) => row.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.lastError).toBe('validation_error');
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 0, failed: 0 });
    expect(mailer.calls).toHaveLength(4);
  });

  it('gives up on a provider that stays down before its idempotency key is forgotten', async () => {
    await enqueue(1);
    const down: SendResult = { ok: false, retryable: true, reason: 'server_error' };
    const mailer = scriptedMailer(Array.from({ length: 50 }, () => down));
    const deps = { ...ctx.deps, mailer };
    for (let hour = 0; hour < 30; hour++) {
      await deliverDue({ deps, now: ctx.clock.now() });
      ctx.clock.advance(60 * MINUTE);
    }
    expect(await statuses()).toEqual(['failed']);
    expect(mailer.calls.length).toBeLessThanOrEqual(12);
    expect(mailer.calls.length).toBeGreaterThan(3);
  });

  it('resends a batch whose sender crashed once its lease lapses, under the same key', async () => {
    const [key] = await enqueue(2);
    const hanging = {
      send: () => new Promise<SendResult>(() => {}),
    };
    void deliverBatch({
      deps: { ...ctx.deps, mailer: hanging },
      batchKey: key ?? '',
      now: ctx.clock.now(),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const mailer = scriptedMailer([]);
    const deps = { ...ctx.deps, mailer };
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 0 });
    ctx.clock.advance(5 * MINUTE);
    expect(await deliverDue({ deps, now: ctx.clock.now() })).toMatchObject({ sent: 1 });
    expect(mailer.calls.map((call) => call.idempotencyKey)).toEqual([key]);
  });

  it('drops the queued emails of an alert that is deleted', async () => {
    const alert = await subscribeAndConfirm(ctx);
    await enqueue(2, alert.id);
    await ctx.database.db.delete(alerts).where(eq(alerts.id, alert.id));
    expect(await findInDatabase(ctx.database.db, alert.id)).toEqual([]);
  });
});
