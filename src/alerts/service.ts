import { and, eq, gt, sql } from 'drizzle-orm';
import { type Tx, withTransaction } from '../db/database';
import { addressBlocks, alerts, tokenPurposes } from '../db/schema';
import { deliverLeased, enqueueLeased } from '../delivery/outbox';
import type { Deps } from '../deps';
import { invalidInput, notFound, RateLimited } from '../errors';
import { indexAlert } from '../matching/anchors';
import { ALERT_LIFETIME_MONTHS, addDays, addHours, addMonths } from '../time';
import { composeConfirmationEmail } from './emails';
import {
  countRateLimit,
  limits,
  lockLimits,
  type RateLimit,
  takeRateLimit,
  takeWindowCounter,
} from './limits';
import type { SubscribeRequest } from './schemas';
import { type AlertRow, alertForToken, registerTokens } from './tokens';

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
 * Stores a pending alert and mails its confirmation link (SPEC.md §2 "Subscribe"), counting the
 * request against its client's limit (`ip`) first, in the same transaction.
 *
 * Whatever the address, the caller learns nothing: a filled honeypot, a blocked address, an
 * address past its email cap, the service past its hourly cap and a repeat subscription all end
 * like a first one, so the HTTP answer is the same for all of them. Where no email can go out,
 * nothing is stored either. Subscribing again with the same criteria while the first request is
 * still pending refreshes that request instead of storing a second one.
 *
 * The email is handed to the provider once, right after the commit; the delivery job retries it
 * if that fails.
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
}): Promise<void> {
  if (input.website || !searchUrlAllowed(input.searchUrl, deps.config.ALLOWED_ORIGINS)) {
    await admitClient({ deps, ip, now });
    if (input.website) return;
    throw invalidInput('The search URL is not on an allowed site.', [
      { path: 'searchUrl', message: 'must be on one of the origins in ALLOWED_ORIGINS' },
    ]);
  }

  const { db, keyring, config } = deps;
  const client = await clientRule(deps, ip);
  const emailHash = await keyring.hashEmail(input.email);
  const emailCiphertext = await keyring.encrypt(input.email);
  const fields = {
    label: input.label ?? defaultLabel(input),
    searchUrl: input.searchUrl ?? null,
    locale: input.locale,
    frequency: input.frequency,
    termsVersion: input.termsVersion ?? config.TERMS_VERSION,
    subscribedAt: now,
    expiresAt: addHours(now, config.PENDING_TTL_HOURS),
  };

  const address = limits.perAddress(await keyring.limitKey(input.email));

  const batches = await withTransaction(db, async (tx) => {
    // Statements that do not depend on each other are issued together: postgres.js sends a
    // transaction's concurrent queries in one flight and Postgres runs them in order, so each
    // group costs one round trip. The limits' counts come after their locks are held.
    const [, [block]] = await Promise.all([
      lockLimits(tx, client ? [client, address] : [address]),
      tx
        .select({ emailHash: addressBlocks.emailHash })
        .from(addressBlocks)
        .where(and(eq(addressBlocks.emailHash, emailHash), gt(addressBlocks.blockedUntil, now))),
    ]);
    const [clientDecision, addressDecision] = await Promise.all([
      client && countRateLimit(tx, client, now),
      block ? undefined : countRateLimit(tx, address, now),
    ]);
    if (clientDecision && !clientDecision.allowed) {
      throw new RateLimited(clientDecision.retryAfterSeconds);
    }
    if (block) return suppressed(deps, 'address blocked by its owner');
    if (!addressDecision?.allowed) return suppressed(deps, 'address email cap reached');

    const [pending] = await tx
      .update(alerts)
      .set({ ...fields, emailCiphertext })
      .where(
        and(
          eq(alerts.emailHash, emailHash),
          eq(alerts.status, 'pending'),
          sql`${alerts.criteria} = ${JSON.stringify(input.criteria)}::jsonb`,
        ),
      )
      .returning();
    const [stored] = pending
      ? [pending]
      : await tx
          .insert(alerts)
          .values({
            ...fields,
            id: crypto.randomUUID(),
            status: 'pending',
            emailCiphertext,
            emailHash,
            criteria: input.criteria,
          })
          .returning();
    if (!stored) throw new Error('insert returned no alert');
    const email = await composeConfirmationEmail(deps, stored, input.email);
    const [leased] = await Promise.all([
      enqueueLeased(tx, deps, [email], now),
      registerTokens(tx, keyring, stored.id, tokenPurposes, now),
      pending ? undefined : indexAlert(tx, stored),
    ]);
    // The service-wide counter is one row that every subscription updates: taken last, its lock
    // is held only for the commit. Past the cap, the whole transaction is rolled back.
    const hourly = limits.confirmationsPerHour(config.CONFIRMATION_EMAILS_PER_HOUR);
    if (!(await takeWindowCounter(tx, hourly, now)).allowed) throw new HourlyCapReached();
    return leased;
  }).catch(async (error: unknown) => {
    if (!(error instanceof HourlyCapReached)) throw error;
    // The rollback took the client's count with it; the request still counts.
    if (client) await withTransaction(db, (tx) => takeRateLimit(tx, client, now));
    return suppressed(deps, 'hourly confirmation cap reached');
  });

  for (const batch of batches ?? []) await deliverLeased({ deps, batch, now, maxAttempts: 1 });
}

class HourlyCapReached extends Error {}

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
  const alert = await alertForToken(deps.db, token, 'confirm');
  if (!alert || isLapsedPending(alert, now)) throw confirmationNotFound();
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
  deps: Pick<Deps, 'db'>;
  token: string;
  now: Date;
}): Promise<Confirmation> {
  return withTransaction(deps.db, async (tx) => {
    const alert = await alertForToken(tx, token, 'confirm', { forUpdate: true });
    if (!alert || isLapsedPending(alert, now)) throw confirmationNotFound();
    if (alert.status === 'active') return { alert, alreadyActive: true };

    const [activated] = await tx
      .update(alerts)
      .set({
        status: 'active',
        confirmedAt: now,
        expiresAt: addMonths(now, ALERT_LIFETIME_MONTHS),
      })
      .where(eq(alerts.id, alert.id))
      .returning();
    if (!activated) throw confirmationNotFound();
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
  const alert = await alertForToken(deps.db, token, 'not_me');
  return alert && alert.status === 'pending' && !isLapsedPending(alert, now) ? alert : undefined;
}

/**
 * "This wasn't me": deletes the pending alert at once and keeps confirmation emails away from the
 * address for 30 days, remembering only its keyed hash. An active alert is not touched: its owner
 * confirmed it, and deletes it from its own emails. Unknown tokens change nothing.
 */
export async function rejectAlert({
  deps,
  token,
  now,
}: {
  deps: Pick<Deps, 'db'>;
  token: string;
  now: Date;
}): Promise<{ deleted: boolean }> {
  return withTransaction(deps.db, async (tx) => {
    const alert = await alertForToken(tx, token, 'not_me', { forUpdate: true });
    if (alert?.status !== 'pending') return { deleted: false };
    const blockedUntil = addDays(now, NOT_ME_BLOCK_DAYS);
    await tx
      .insert(addressBlocks)
      .values({ emailHash: alert.emailHash, blockedUntil })
      .onConflictDoUpdate({ target: addressBlocks.emailHash, set: { blockedUntil } });
    await tx
      .delete(alerts)
      .where(and(eq(alerts.emailHash, alert.emailHash), eq(alerts.status, 'pending')));
    return { deleted: true };
  });
}

function isLapsedPending(alert: AlertRow, now: Date): boolean {
  return alert.status === 'pending' && alert.expiresAt.getTime() <= now.getTime();
}

const confirmationNotFound = () =>
  notFound('This confirmation link is unknown or has expired. Subscribe again to get a new one.');
