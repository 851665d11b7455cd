import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import {
  queryRows,
  rowRecord,
  sqlState,
  type Tx,
  textArray,
  withTransaction,
} from '../db/database';
import { addressBlocks, alerts, alertTokens, messages, tokenPurposes } from '../db/schema';
import { gatherer, type Seat } from '../delivery/gather';
import { forgetCopiesOfDeleted, leaseEnd, messageRow, withoutAlertId } from '../delivery/outbox';
import type { Deps } from '../deps';
import { invalidInput, notFound, RateLimited } from '../errors';
import { anchorAlert, compileAlert } from '../matching/anchors';
import { cachedTermCounts } from '../matching/term-stats';
import { addDays, addHours, alertExpiry } from '../time';
import { readAddresses } from './addresses';
import { composeConfirmationEmail } from './emails';
import { limits, lockOrder, type RateLimit, takeRateLimit, windowStart } from './limits';
import type { SubscribeRequest } from './schemas';
import { type AlertRow, alertForToken, liveAlert, tokenRows } from './tokens';

type ServiceDeps = Pick<Deps, 'db' | 'keyring' | 'config' | 'mailer' | 'log'>;

/** How long "this wasn't me" keeps confirmation emails away from an address (SPEC.md §2). */
export const NOT_ME_BLOCK_DAYS = 30;

/**
 * Counts a subscribe or manage-link request against its client's limit (SPEC.md §5) and refuses
 * it with 429 beyond the limit. A client whose address is unknown (no socket, no trusted header)
 * is not limited here. A valid subscription is counted by `subscribeAlert` instead, in the
 * transaction that stores it.
 */
export async function admitClient({
  deps,
  ip,
  now,
}: {
  deps: Pick<Deps, 'db' | 'keyring'>;
  ip: string | undefined;
  now: Date;
}): Promise<void> {
  const rule = await clientRule(deps, ip);
  if (rule) await withTransaction(deps.db, (tx) => takeClientLimit(tx, rule, now));
}

const clientRule = async (deps: Pick<Deps, 'keyring'>, ip: string | undefined) =>
  ip ? limits.perClient(await deps.keyring.limitKey(ip)) : undefined;

async function takeClientLimit(tx: Tx, rule: RateLimit, now: Date) {
  const decision = await takeRateLimit(tx, rule, now);
  if (!decision.allowed) throw new RateLimited(decision.retryAfterSeconds);
}

/**
 * Stores a pending alert and queues its confirmation link (SPEC.md §2 "Subscribe"), counting the
 * request against its client's limit (`ip`) first, in the same transaction. Answers the hand-over
 * of the email to the provider, for the caller to run after answering.
 *
 * Whatever the address, the caller learns nothing: a filled honeypot, a blocked address, an
 * address past its email cap, the service past its hourly cap and a repeat subscription all end
 * like a first one, so the HTTP answer is the same for all of them, and comes as soon: an answer
 * that waited for the provider would come later for an address that is sent an email than for
 * one that is not. Where no email can go out, nothing is stored either. Subscribing again with
 * the same criteria while the first request is still pending refreshes that request instead of
 * storing a second one.
 *
 * Everything but the checks against stored rows is worked out here beforehand (the compiled
 * criteria, the token hashes, the encrypted address, the email), so that the checks and writes are
 * one statement, `subscribe_alert` (drizzle/0004), and one commit. The email is handed to the
 * provider right after it, in one call with those of requests committed at the same time; the
 * delivery job retries it if that fails.
 */
export async function subscribeAlert({
  deps,
  input,
  ip,
  now,
}: {
  deps: ServiceDeps;
  input: SubscribeRequest;
  ip?: string;
  now: Date;
}): Promise<() => Promise<unknown>> {
  if (input.website || !searchUrlAllowed(input.searchUrl, deps.config.ALLOWED_ORIGINS)) {
    await admitClient({ deps, ip, now });
    if (input.website) return async () => undefined;
    throw invalidInput('The search URL is not on an allowed site.', [
      { path: 'searchUrl', message: 'must be on one of the origins in ALLOWED_ORIGINS' },
    ]);
  }

  const { db, keyring, config } = deps;
  // With one hash key, one hash: no more work than before rotations were possible.
  const [client, address, [emailHash, ...olderHashes], emailCiphertext, compiled] =
    await Promise.all([
      clientRule(deps, ip),
      keyring.limitKey(input.email).then(limits.perAddress),
      keyring.emailHashes(input.email),
      keyring.encrypt(input.email),
      compileAlert(input.criteria, (terms) => cachedTermCounts(db, terms, now)),
    ]);
  const hourly = limits.confirmationsPerHour(config.CONFIRMATION_EMAILS_PER_HOUR);
  const alert: AlertRow = {
    id: crypto.randomUUID(),
    status: 'pending',
    emailCiphertext,
    emailHash,
    emailHashKey: keyring.hashKeyId,
    criteria: input.criteria,
    label: input.label ?? defaultLabel(input),
    searchUrl: input.searchUrl ?? null,
    locale: input.locale,
    frequency: input.frequency,
    termsVersion: input.termsVersion ?? config.TERMS_VERSION,
    subscribedAt: now,
    confirmedAt: null,
    renewedAt: null,
    expiresAt: addHours(now, config.PENDING_TTL_HOURS),
    lastDigestAt: null,
    remindedFor: null,
    compiled,
  };

  const seat = gatherer(deps).join();
  let committed: Parameters<Seat['settle']>[0];
  let delivered: Promise<unknown> = Promise.resolve();
  try {
    committed = await storeSubscription();
  } catch (error) {
    if (sqlState(error) !== HOURLY_CAP_REACHED) throw error;
    // Nothing of the subscription was stored; the request still counts.
    if (client) await withTransaction(db, (tx) => takeRateLimit(tx, client, now));
    suppressed(deps, 'hourly confirmation cap reached');
  } finally {
    // Settled whatever happened, so that the batch of the other seats is not held back.
    delivered = seat.settle(committed, now);
  }
  return () => delivered;

  /** Calls `subscribe_alert`, again for the right alert where it finds a pending one. */
  async function storeSubscription(): Promise<Parameters<Seat['settle']>[0]> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const composed = await composeConfirmationEmail(deps, alert, input.email);
      const [message, tokens] = await Promise.all([
        messageRow(keyring, composed, seat.batchKey, now, leaseEnd(deps, now)),
        tokenRows(keyring, alert.id, tokenPurposes, now),
      ]);
      const [answer] = await queryRows<{ outcome: string; alert_id: string; retry_after: number }>(
        db,
        sql`select * from subscribe_alert(${now.toISOString()}::timestamptz,
          ${textArray(lockOrder(client ? [client, address] : [address]))}::text[],
          ${client?.key ?? null}, ${client?.limit ?? 0}, ${client?.windowMs ?? 0},
          ${address.key}, ${address.limit}, ${address.windowMs},
          ${hourly.key}, ${hourly.limit}, ${windowStart(hourly, now).toISOString()}::timestamptz,
          ${JSON.stringify(rowRecord(alerts, alert))}::jsonb,
          ${JSON.stringify(tokens.map((row) => rowRecord(alertTokens, row)))}::jsonb,
          ${JSON.stringify(rowRecord(messages, message))}::jsonb,
          ${textArray(olderHashes)}::text[])`,
      );
      switch (answer?.outcome) {
        case 'stored':
          return { message, email: withoutAlertId(composed) };
        case 'pending':
          alert.id = answer.alert_id;
          continue;
        case 'taken':
          alert.id = crypto.randomUUID();
          continue;
        case 'client_limited':
          throw new RateLimited(answer.retry_after);
        case 'blocked':
          return suppressed(deps, 'address blocked by its owner');
        case 'address_capped':
          return suppressed(deps, 'address email cap reached');
        default:
          throw new Error(`subscribe_alert answered ${answer?.outcome}`);
      }
    }
    throw new Error('the pending alert of this subscription kept changing');
  }
}

/** The SQLSTATE `subscribe_alert` raises past the hourly confirmation cap. */
const HOURLY_CAP_REACHED = 'TPV01';

/** Why a confirmation email did not go out: logged as a reason, never with the address. */
function suppressed(deps: Pick<Deps, 'log'>, reason: string): undefined {
  deps.log.info('confirmation email suppressed', { reason });
  return undefined;
}

function defaultLabel(input: SubscribeRequest): string {
  const { keywords, occupations, municipalities, regions } = input.criteria;
  const parts = [
    keywords,
    occupations?.join(', '),
    municipalities?.join(', '),
    regions?.join(', '),
  ];
  return (parts.find((part) => part) ?? 'Työpaikkavahti').slice(0, 100);
}

/**
 * The search URL is mailed as a link from our domain. Where the operator named the job board's
 * origins, only links to them are accepted.
 */
function searchUrlAllowed(searchUrl: string | undefined, allowed: '*' | string[]): boolean {
  if (!searchUrl || allowed === '*') return true;
  const origin = new URL(searchUrl).origin;
  return allowed.some((entry) => new URL(entry).origin === origin);
}

export interface Confirmation {
  alert: AlertRow;
  /** true when the alert was already active: confirming twice changes nothing */
  alreadyActive: boolean;
}

/** What a confirmation link points at, read without changing anything (for the GET page). */
export async function viewConfirmation({
  deps,
  token,
  now,
}: {
  deps: Pick<Deps, 'db'>;
  token: string;
  now: Date;
}): Promise<Confirmation> {
  const alert = liveAlert(await alertForToken(deps.db, token, 'confirm'), now);
  if (!alert) throw confirmationNotFound();
  return { alert, alreadyActive: alert.status === 'active' };
}

/**
 * Activates the alert of a confirmation token (SPEC.md §2 "Confirm"): records the confirmation
 * time and sets the expiry three months ahead. A second confirmation is harmless and changes
 * nothing; a token whose pending alert has lapsed is unknown.
 */
export async function confirmAlert({
  deps,
  token,
  now,
}: {
  deps: Pick<Deps, 'db' | 'config'>;
  token: string;
  now: Date;
}): Promise<Confirmation> {
  return withTransaction(deps.db, async (tx) => {
    const alert = liveAlert(await alertForToken(tx, token, 'confirm', { forUpdate: true }), now);
    if (!alert) throw confirmationNotFound();
    if (alert.status === 'active') return { alert, alreadyActive: true };

    const [activated] = await tx
      .update(alerts)
      .set({
        status: 'active',
        confirmedAt: now,
        expiresAt: alertExpiry(now, deps.config.TIMEZONE),
      })
      .where(eq(alerts.id, alert.id))
      .returning();
    if (!activated) throw confirmationNotFound();
    await anchorAlert(tx, activated);
    return { alert: activated, alreadyActive: false };
  });
}

/** The pending alert behind a "this wasn't me" link, read without changing anything. */
export async function viewNotMe({
  deps,
  token,
  now,
}: {
  deps: Pick<Deps, 'db'>;
  token: string;
  now: Date;
}): Promise<AlertRow | undefined> {
  const alert = liveAlert(await alertForToken(deps.db, token, 'not_me'), now);
  return alert?.status === 'pending' ? alert : undefined;
}

/**
 * "This wasn't me": deletes the pending alert at once and keeps confirmation emails away from the
 * address for 30 days, remembering only its keyed hash. An active alert is not touched: its owner
 * confirmed it, and deletes it from its own emails. Unknown tokens change nothing.
 *
 * The block is made under the current hash key, whatever key the alert's hash is under, so that it
 * needs no older key once the `rekey` job has run; and the address's pending alerts are found
 * under every key listed. Only an address that cannot be decrypted is blocked by its stored hash.
 */
export async function rejectAlert({
  deps,
  token,
  now,
}: {
  deps: Pick<Deps, 'db' | 'keyring' | 'log' | 'outbox'>;
  token: string;
  now: Date;
}): Promise<{ deleted: boolean }> {
  const outcome = await withTransaction(deps.db, async (tx) => {
    const named = liveAlert(await alertForToken(tx, token, 'not_me'), now);
    if (named?.status !== 'pending') return { deleted: false };
    const [stored] = await readAddresses(deps, [named], 'not-me');
    const [emailHash, ...olderHashes] = stored
      ? await deps.keyring.emailHashes(stored.address)
      : [named.emailHash];
    const hashes = [...new Set([emailHash, ...olderHashes, named.emailHash])];
    // The address's pending alerts are locked before anything else, in the order of their ids,
    // as `queueManageLinks` locks them: a second "this wasn't me" of the address, or a
    // manage-links request, that locked one of them first would otherwise wait for this one's
    // block while this one waits for its alert, until Postgres aborted one of them (a
    // deadlock, and a 500).
    const locked = await tx
      .select()
      .from(alerts)
      .where(
        or(
          eq(alerts.id, named.id),
          and(inArray(alerts.emailHash, hashes), eq(alerts.status, 'pending')),
        ),
      )
      .orderBy(asc(alerts.id))
      .for('update');
    const alert = liveAlert(
      locked.find((row) => row.id === named.id),
      now,
    );
    if (alert?.status !== 'pending') return { deleted: false };
    const emailHashKey = stored ? deps.keyring.hashKeyId : alert.emailHashKey;
    const blockedUntil = addDays(now, NOT_ME_BLOCK_DAYS);
    await tx
      .insert(addressBlocks)
      .values({ emailHash, blockedUntil, emailHashKey })
      .onConflictDoUpdate({ target: addressBlocks.emailHash, set: { blockedUntil, emailHashKey } });
    await tx
      .delete(alerts)
      .where(
        and(
          inArray(alerts.emailHash, [...new Set([...hashes, alert.emailHash])]),
          eq(alerts.status, 'pending'),
        ),
      );
    return { deleted: true };
  });
  if (outcome.deleted) await forgetCopiesOfDeleted(deps);
  return outcome;
}

const confirmationNotFound = () =>
  notFound('This confirmation link is unknown or has expired. Subscribe again to get a new one.');
