import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import { renderNamed, type TemplateName, type TemplateProps } from '../../emails/templates';
import type { Keyring } from '../crypto/keyring';
import { type Tx, textArray, withTransaction } from '../db/database';
import { alerts, forgottenEmails, messages } from '../db/schema';
import type { Deps, OutgoingEmail, SendResult } from '../deps';
import { MAX_BATCH_SIZE } from '../deps';
import { counterIncrements } from '../operations/metrics';

/**
 * An email as the outbox keeps it: the template and the props it renders from, rendered when it
 * is handed to the provider. A confirmation's props are a tenth of its HTML's size (800 bytes
 * against 8 KB), short enough for Postgres to keep in the row instead of its TOAST table: that
 * halved Postgres' work in storing a subscription and in marking it sent
 * (docs/performance-history.md, "Load").
 */
export type TemplatedEmail = {
  [T in TemplateName]: Omit<OutgoingEmail, 'html' | 'text' | 'template'> & {
    template: T;
    props: TemplateProps<T>;
  };
}[TemplateName];

/**
 * An email to queue: templated, or rendered already (as every payload written before templated
 * ones was: those are sent as they are).
 */
export type UnsentEmail = TemplatedEmail | OutgoingEmail;

export type QueuedEmail = UnsentEmail & {
  /** the alert the email is about, so that it dies with the alert while still queued */
  alertId?: string;
  /** the alerts an email about several lists (manage links): it dies with any of them */
  listedAlertIds?: string[];
};

/** Stands in for a queued email whose payload could not be decrypted or parsed. */
const UNREADABLE = Symbol('unreadable');

/** The email as the provider gets it. Rendering the same props gives the same email each time. */
async function renderUnsent(email: UnsentEmail | typeof UNREADABLE): Promise<OutgoingEmail> {
  if (email === UNREADABLE) throw new Error('the queued email could not be read');
  if (!('props' in email)) return email;
  const { props, ...message } = email;
  return { ...message, ...(await renderNamed(email.template, props as never)) };
}

/**
 * Resend keeps idempotency keys for 24 hours. A batch is given up before then, because a resend
 * after the key is forgotten could deliver it twice.
 */
const GIVE_UP_AFTER_MS = 23 * 3_600_000;
const MAX_ATTEMPTS = 12;

/**
 * Writes emails into the outbox in the caller's transaction, in batches of at most 100 that share
 * one key, and returns the keys. Nothing is sent yet: the caller delivers after its commit, and the
 * delivery job picks up whatever a crash or a provider fault left behind.
 */
export async function enqueueEmails(
  tx: Tx,
  keyring: Keyring,
  emails: QueuedEmail[],
  now: Date,
): Promise<string[]> {
  const batches = await writeBatches(tx, keyring, emails, now, null);
  return batches.map((batch) => batch.batchKey);
}

/** A batch of the outbox held by its writer, who sends it with `deliverLeased`. */
export interface LeasedBatch {
  batchKey: string;
  messages: ClaimedMessage[];
  emails: UnsentEmail[];
}

type ClaimedMessage = Pick<
  typeof messages.$inferSelect,
  'id' | 'template' | 'attempts' | 'createdAt'
>;

/**
 * Like `enqueueEmails`, for a caller that sends the emails itself right after its commit (a
 * request, once it has answered): the batches are written already leased to it, so that sending
 * needs no claim of its own and the delivery job leaves them alone. A crash before the outcome is recorded
 * leaves the lease to lapse, and the job then sends the batch under the same key.
 */
export async function enqueueLeased(
  tx: Tx,
  deps: Pick<Deps, 'keyring' | 'config'>,
  emails: QueuedEmail[],
  now: Date,
): Promise<LeasedBatch[]> {
  return writeBatches(tx, deps.keyring, emails, now, leaseEnd(deps, now));
}

async function writeBatches(
  tx: Tx,
  keyring: Keyring,
  emails: QueuedEmail[],
  now: Date,
  leaseUntil: Date | null,
): Promise<LeasedBatch[]> {
  const batches: LeasedBatch[] = [];
  for (let start = 0; start < emails.length; start += MAX_BATCH_SIZE) {
    const batchKey = crypto.randomUUID();
    const batch = emails.slice(start, start + MAX_BATCH_SIZE);
    const rows = await Promise.all(
      batch.map((email) => messageRow(keyring, email, batchKey, now, leaseUntil)),
    );
    await tx.insert(messages).values(rows);
    batches.push({ batchKey, messages: rows, emails: batch.map(withoutAlertId) });
  }
  return batches;
}

export type MessageRow = typeof messages.$inferInsert & ClaimedMessage;

/** The outbox row of one email of a batch, its payload encrypted. */
export async function messageRow(
  keyring: Keyring,
  email: QueuedEmail,
  batchKey: string,
  now: Date,
  leaseUntil: Date | null,
): Promise<MessageRow> {
  return {
    id: crypto.randomUUID(),
    alertId: email.alertId ?? null,
    listedAlertIds: email.listedAlertIds ?? null,
    template: email.template,
    batchKey,
    payload: await keyring.encrypt(JSON.stringify(withoutAlertId(email))),
    status: 'queued',
    attempts: 0,
    createdAt: now,
    nextAttemptAt: now,
    leaseUntil,
  };
}

export const withoutAlertId = ({
  alertId: _alertId,
  listedAlertIds: _listed,
  ...email
}: QueuedEmail): UnsentEmail => email;

export const leaseEnd = (deps: Pick<Deps, 'config'>, now: Date) =>
  new Date(now.getTime() + deps.config.DELIVERY_LEASE_SECONDS * 1000);

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

type DeliveryDeps = Pick<Deps, 'db' | 'keyring' | 'mailer' | 'log' | 'config'>;

/**
 * Claims one batch, hands it to the provider with its key, and records the outcome. A batch that
 * another sender holds, or that is already sent, is skipped. The claim is a lease rather than an
 * open transaction, so that no lock is held while the provider answers.
 */
export async function deliverBatch({
  deps,
  batchKey,
  now,
  maxAttempts,
}: {
  deps: DeliveryDeps;
  batchKey: string;
  now: Date;
  /** one, for the hand-over that follows a request; the transport's default for jobs */
  maxAttempts?: number;
}): Promise<DeliveryOutcome> {
  const claim = await withTransaction(deps.db, async (tx) => {
    // Claims take whole batches: a part of one sent under its key would be refused by the provider.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${batchKey}, 1))`);
    const found = await tx
      .select({
        row: messages,
        lapsed: sql<boolean>`exists (select 1 from ${alerts} where ${alerts.id} = ${messages.alertId}
          and ${alerts.expiresAt} <= ${now.toISOString()}::timestamptz)`,
      })
      .from(messages)
      .where(
        and(
          eq(messages.batchKey, batchKey),
          eq(messages.status, 'queued'),
          or(isNull(messages.leaseUntil), lte(messages.leaseUntil, now)),
        ),
      )
      .orderBy(asc(messages.id));
    // An email about an alert past its expiry (a reminder or digest queued while the provider was
    // down, a confirmation of a lapsed pending alert) is not sent: it would announce an alert
    // that is gone, with links that lead nowhere. Retention deletes the alert within the hour.
    const lapsed = found.filter((entry) => entry.lapsed).map((entry) => entry.row.id);
    if (lapsed.length > 0) await tx.delete(messages).where(inArray(messages.id, lapsed));
    const rows = found.filter((entry) => !entry.lapsed).map((entry) => entry.row);
    if (rows.length === 0) return { key: batchKey, rows };
    // Rows of a key whose batch already went out were committed after it was handed over (a
    // gathered confirmation whose answer was lost, delivery/gather.ts): under that key the
    // provider would answer with the batch it has. They go under a key of their own.
    const [handedOver] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.batchKey, batchKey), ne(messages.status, 'queued')))
      .limit(1);
    const key = handedOver ? `${batchKey}.${rows[0]?.id}` : batchKey;
    await tx
      .update(messages)
      .set({ leaseUntil: leaseEnd(deps, now), batchKey: key })
      .where(
        inArray(
          messages.id,
          rows.map((row) => row.id),
        ),
      );
    return { key, rows };
  });
  const { key, rows: claimed } = claim;
  if (claimed.length === 0) return 'skipped';

  // A payload that cannot be read (encrypted under a key since taken out of the keyring) is
  // refused as an unrenderable email is, below: were it thrown, the batch would stay leased with
  // no attempt counted and come back with every lease, never sent and never given up.
  const emails = await Promise.all(
    claimed.map((row) =>
      deps.keyring
        .decrypt(row.payload ?? '')
        .then((json): UnsentEmail => JSON.parse(json))
        .catch((): typeof UNREADABLE => UNREADABLE),
    ),
  );
  return sendClaimed({ deps, batchKey: key, claimed, emails, now, maxAttempts });
}

/** Sends a batch that `enqueueLeased` wrote in the caller's transaction, now committed. */
export function deliverLeased({
  deps,
  batch,
  now,
  maxAttempts,
}: {
  deps: DeliveryDeps;
  batch: LeasedBatch;
  now: Date;
  maxAttempts?: number;
}): Promise<DeliveryOutcome> {
  const { batchKey, messages: claimed, emails } = batch;
  return sendClaimed({ deps, batchKey, claimed, emails, now, maxAttempts });
}

/** Hands a claimed batch to the provider and records the outcome. */
async function sendClaimed({
  deps,
  batchKey,
  claimed,
  emails,
  now,
  maxAttempts,
}: {
  deps: DeliveryDeps;
  batchKey: string;
  claimed: ClaimedMessage[];
  emails: (UnsentEmail | typeof UNREADABLE)[];
  now: Date;
  maxAttempts: number | undefined;
}): Promise<DeliveryOutcome> {
  const ids = claimed.map((row) => row.id);
  const attempts = (claimed[0]?.attempts ?? 0) + 1;
  // An email that cannot be read or rendered (a template changed under its queued props) is
  // refused as the provider refuses a bad address: the others of its batch go on their own, and
  // it fails at once instead of coming back with every lease.
  const rendered = await Promise.all(emails.map(renderUnsent)).catch(() => undefined);
  const result: SendResult = rendered
    ? await deps.mailer
        .send({ idempotencyKey: batchKey, emails: rendered, maxAttempts })
        .catch((error: unknown) => ({
          ok: false,
          retryable: true,
          reason: error instanceof Error ? error.name : 'transport error',
        }))
    : { ok: false, retryable: false, reason: 'the email could not be read or rendered' };

  if (result.ok) {
    // One statement for the whole batch, each message with its provider id, and its count: the
    // counter's row, which every sender updates, is locked for this statement alone.
    await deps.db.execute(sql`
      with marked as (
        update ${messages} set status = 'sent', sent_at = ${now.toISOString()}::timestamptz,
          payload = null, attempts = ${attempts}, lease_until = null, provider_id = sent.provider_id
        from unnest(${`{${ids.join(',')}}`}::uuid[], ${textArray(result.providerIds)}::text[])
          as sent(id, provider_id)
        where ${messages.id} = sent.id
      )
      ${counterIncrements('emails_sent_total', countsByTemplate(claimed))}`);
    return 'sent';
  }

  if (!result.retryable && claimed.length > 1) {
    // The provider validates a batch as a whole: one refused address refuses all of it. Each
    // email then goes on its own, under a key of its own, so that only the bad one fails.
    await withTransaction(deps.db, async (tx) => {
      for (const row of claimed) {
        await tx
          .update(messages)
          .set({ batchKey: `${batchKey}.${row.id}`, leaseUntil: null, lastError: result.reason })
          .where(eq(messages.id, row.id));
      }
    });
    deps.log.warn('email batch refused; sending its emails one by one', {
      template: claimed[0]?.template,
      emails: claimed.length,
      reason: result.reason,
    });
    return 'retry';
  }

  const createdAt = claimed[0]?.createdAt ?? now;
  const giveUp =
    !result.retryable ||
    attempts >= MAX_ATTEMPTS ||
    now.getTime() - createdAt.getTime() >= GIVE_UP_AFTER_MS;
  const delayMs = Math.max(result.retryAfterMs ?? 0, Math.min(2 ** attempts * 30_000, 3_600_000));
  await withTransaction(deps.db, async (tx) => {
    await tx.execute(
      counterIncrements(
        giveUp ? 'emails_failed_total' : 'emails_deferred_total',
        countsByTemplate(claimed),
      ),
    );
    await tx
      .update(messages)
      .set(
        giveUp
          ? {
              status: 'failed',
              payload: null,
              attempts,
              leaseUntil: null,
              lastError: result.reason,
            }
          : {
              attempts,
              leaseUntil: null,
              lastError: result.reason,
              nextAttemptAt: new Date(now.getTime() + delayMs),
            },
      )
      .where(inArray(messages.id, ids));
  });
  deps.log[giveUp ? 'error' : 'warn'](giveUp ? 'email batch failed' : 'email batch deferred', {
    template: claimed[0]?.template,
    emails: ids.length,
    attempts,
    reason: result.reason,
  });
  return giveUp ? 'failed' : 'retry';
}

function countsByTemplate(rows: { template: string }[]) {
  const byTemplate = new Map<string, number>();
  for (const row of rows) byTemplate.set(row.template, (byTemplate.get(row.template) ?? 0) + 1);
  return [...byTemplate].map(([template, by]) => ({ by, labels: { template } }));
}

/** How many forgotten emails one statement takes. */
const FORGET_BATCH = 1000;

/**
 * Has the transport forget the emails deleted with their alerts (the trigger of migration 0014
 * records their provider ids): the outbox folder deletes their files, which hold the address in
 * plain text. Called by the retention job, and right after a delete when the outbox folder is
 * the transport (`forgetCopiesOfDeleted`); Resend keeps no copy we could delete, and its ids are not recorded (migration
 * 0016): what the job finds then is only dropped. Answers how many files went.
 */
export async function forgetDeletedEmails(deps: Pick<Deps, 'db' | 'outbox'>): Promise<number> {
  let files = 0;
  for (;;) {
    const ids = (
      await deps.db
        .select({ id: forgottenEmails.providerId })
        .from(forgottenEmails)
        .limit(FORGET_BATCH)
    ).map((row) => row.id);
    if (ids.length === 0) return files;
    if (deps.outbox) files += await deps.outbox.forget(ids);
    await deps.db.delete(forgottenEmails).where(inArray(forgottenEmails.providerId, ids));
    if (ids.length < FORGET_BATCH) return files;
  }
}

/**
 * Right after alerts are deleted (a cancel, "this wasn't me", a bounce): the outbox folder's
 * copies of their emails go at once, since they hold the address. With no copies kept there is
 * nothing to do now; the retention job drops what the trigger recorded.
 */
export async function forgetCopiesOfDeleted(deps: Pick<Deps, 'db' | 'outbox'>): Promise<void> {
  if (deps.outbox) await forgetDeletedEmails(deps);
}

/**
 * Delivers every batch that is due: new ones, and those whose retry time has come or whose sender
 * crashed. Candidates are picked with `FOR UPDATE SKIP LOCKED`, so that instances running this at
 * the same time spread the work instead of queueing behind each other.
 */
export async function deliverDue({
  deps,
  now,
  maxBatches = 1000,
  stop,
}: {
  deps: DeliveryDeps;
  now: Date;
  maxBatches?: number;
  /** when aborted, no further batch is claimed; the one in hand is finished and recorded */
  stop?: AbortSignal;
}): Promise<Record<DeliveryOutcome, number>> {
  const counts: Record<DeliveryOutcome, number> = { sent: 0, retry: 0, failed: 0, skipped: 0 };
  const seen = new Set<string>();
  while (seen.size < maxBatches && !stop?.aborted) {
    const due = await withTransaction(deps.db, (tx) =>
      tx
        .select({ batchKey: messages.batchKey })
        .from(messages)
        .where(
          and(
            eq(messages.status, 'queued'),
            lte(messages.nextAttemptAt, now),
            or(isNull(messages.leaseUntil), lte(messages.leaseUntil, now)),
          ),
        )
        .orderBy(asc(messages.nextAttemptAt))
        .limit(MAX_BATCH_SIZE)
        .for('update', { skipLocked: true }),
    );
    const keys = [...new Set(due.map((row) => row.batchKey))].filter((key) => !seen.has(key));
    if (keys.length === 0) break;
    for (const batchKey of keys) {
      if (stop?.aborted) break;
      seen.add(batchKey);
      counts[await deliverBatch({ deps, batchKey, now })]++;
    }
  }
  return counts;
}
