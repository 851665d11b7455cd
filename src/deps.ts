import type { Config } from './config';
import type { Keyring } from './crypto/keyring';
import type { Db } from './db/database';
import type { Log } from './log';
import type { AnchorTerms } from './matching/anchor-terms';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** the template that made it, for metrics and the outbox viewer; never personal data */
  template: string;
}

/**
 * Up to 100 emails handed to the provider in one call. The idempotency key makes a repeated call
 * (a retry, or a rerun after a crash) deliver nothing twice: the provider answers it from memory.
 */
export interface MailBatch {
  idempotencyKey: string;
  emails: OutgoingEmail[];
  /**
   * At most this many attempts within the call (a transport's own default otherwise). A visitor
   * waiting for an answer gets one: the deliver job retries the rest later.
   */
  maxAttempts?: number;
}

export type SendResult =
  /**
   * `providerIds` in the order of the emails, or none when the provider had already sent them
   * under this key and could not say their ids
   */
  | { ok: true; providerIds: string[] }
  /** `retryable`: worth trying again later (429, 5xx, network); otherwise the provider refused */
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

/** Hands emails to a transport: the outbox folder in development, Resend in production. */
export interface Mailer {
  send(batch: MailBatch): Promise<SendResult>;
}

export const MAX_BATCH_SIZE = 100;

export interface OutboxEntry {
  id: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  createdAt: string;
}

/** The development outbox, readable by the viewer at /dev/outbox. */
export interface OutboxReader {
  list(): Promise<OutboxEntry[]>;
  read(id: string): Promise<OutboxEntry | undefined>;
  /** deletes the emails written before `before`, answering how many */
  prune(before: Date): Promise<number>;
  /** deletes these emails (by the ids `send` answered), answering how many there were */
  forget(ids: readonly string[]): Promise<number>;
}

export interface Deps {
  db: Db;
  mailer: Mailer;
  clock: Clock;
  config: Config;
  log: Log;
  keyring: Keyring;
  /** present where the outbox transport runs (Node, outside production) */
  outbox?: OutboxReader;
  /** whether the database is reachable and migrated, for /readyz */
  readiness?: () => Promise<boolean>;
  /**
   * present where the database has no autovacuum of its own (PGlite): vacuums and analyses its
   * tables, answering how many; the retention job calls it after each run
   */
  vacuum?: () => Promise<number>;
  /**
   * the matcher's set of anchor terms of `db` (src/matching/anchor-terms.ts), where `db` is made
   * anew for each request (Workers) and the set must outlive it; elsewhere it is kept per `db`
   */
  anchorTerms?: AnchorTerms;
}
