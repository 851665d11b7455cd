import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Criteria } from '../alerts/criteria';
import type { CompiledAlert } from '../matching/compile';
import type { MatchReasons } from '../matching/evaluate';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const alertStatuses = ['pending', 'active'] as const;
export type AlertStatus = (typeof alertStatuses)[number];
export const frequencies = ['daily', 'weekly', 'immediate'] as const;
export type Frequency = (typeof frequencies)[number];
export const locales = ['fi', 'sv', 'en'] as const;
export type Locale = (typeof locales)[number];

/**
 * One saved job search. A pending alert waits for its double opt-in and is deleted at `expiresAt`
 * (creation + PENDING_TTL_HOURS); an active one lives until `expiresAt` (confirmation or last
 * renewal + 3 months). The address is stored only encrypted, and found by its keyed hash.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    status: text('status', { enum: alertStatuses }).notNull(),
    emailCiphertext: text('email_ciphertext').notNull(),
    emailHash: text('email_hash').notNull(),
    /**
     * the id of the EMAIL_HASH_KEY key `emailHash` is under; the alert's link tokens under that key
     * are registered too, in the same transaction (subscribe, rekey). Null on alerts stored before
     * migration 0013: under the key of the time, which only the `rekey` job can tell.
     */
    emailHashKey: text('email_hash_key'),
    criteria: jsonb('criteria').$type<Criteria>().notNull(),
    label: text('label').notNull(),
    searchUrl: text('search_url'),
    locale: text('locale', { enum: locales }).notNull(),
    frequency: text('frequency', { enum: frequencies }).notNull(),
    termsVersion: text('terms_version').notNull(),
    subscribedAt: instant('subscribed_at').notNull(),
    confirmedAt: instant('confirmed_at'),
    renewedAt: instant('renewed_at'),
    expiresAt: instant('expires_at').notNull(),
    /** when the last digest was composed: the schedule's baseline (see delivery/schedule.ts) */
    lastDigestAt: instant('last_digest_at'),
    /** the expiry the reminder was sent for: one reminder per expiry, a renewal rearms it */
    remindedFor: instant('reminded_for'),
    /** the criteria compiled for the matcher (src/matching/compile.ts), written with the anchors */
    compiled: jsonb('compiled').$type<CompiledAlert>(),
  },
  (table) => [
    index('alerts_email_hash_idx').on(table.emailHash),
    index('alerts_uncompiled_idx').on(table.id).where(sql`${table.compiled} is null`),
    index('alerts_expires_at_idx').on(table.expiresAt),
    check('alerts_status_check', sql`${table.status} in ('pending', 'active')`),
    check(
      'alerts_confirmed_check',
      sql`(${table.status} = 'active') = (${table.confirmedAt} is not null)`,
    ),
  ],
);

export const tokenPurposes = ['confirm', 'not_me', 'manage', 'unsubscribe'] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];

/**
 * The hashes of the tokens mailed in links. A token is bound to one alert and one purpose and dies
 * with its alert. Only the SHA-256 of a token is stored.
 */
export const alertTokens = pgTable(
  'alert_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** no foreign key: deleted with the alert by the trigger `alerts_delete_dependents` */
    alertId: uuid('alert_id').notNull(),
    purpose: text('purpose', { enum: tokenPurposes }).notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (table) => [index('alert_tokens_alert_id_idx').on(table.alertId)],
);

/**
 * Addresses whose owner said "this wasn't me": no confirmation email goes to them until
 * `blockedUntil`. Only the keyed hash of the address is kept.
 */
export const addressBlocks = pgTable('address_blocks', {
  emailHash: text('email_hash').primaryKey(),
  blockedUntil: instant('blocked_until').notNull(),
  /** the id of the EMAIL_HASH_KEY key `emailHash` is under; null on blocks older than 0013 */
  emailHashKey: text('email_hash_key'),
});

/**
 * The anchors of each alert (src/matching/compile.ts): the matcher finds candidate alerts by
 * joining the terms of a batch of postings to this table.
 */
export const alertAnchors = pgTable(
  'alert_anchors',
  {
    term: text('term').notNull(),
    /** no foreign key: deleted with the alert by the trigger `alerts_delete_dependents` */
    alertId: uuid('alert_id').notNull(),
    /** the terms of a second required clause: a posting needs one of them too (compile.ts) */
    filter: text('filter').array().notNull(),
  },
  (table) => [
    // The index also holds `filter` (INCLUDE, written in migration 0005; drizzle has no word for
    // it), so that the matcher's lookup is answered from the index alone.
    primaryKey({ columns: [table.term, table.alertId] }),
    index('alert_anchors_alert_id_idx').on(table.alertId),
  ],
);

/**
 * Every term an alert has been anchored on, with the version of the set that added it. The matcher
 * keeps the set in memory (src/matching/anchor-terms.ts) and asks `alert_anchors` only about the
 * terms of a batch that are in it: of a thousand postings' 40,000 terms, most are compound-head
 * endings no alert searches for. Kept by triggers on `alert_anchors` (migration 0006), in the
 * transaction that writes the anchors; a term goes with the last anchor on it.
 */
export const anchorTerms = pgTable(
  'anchor_terms',
  {
    term: text('term').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (table) => [index('anchor_terms_version_idx').on(table.version)],
);

/**
 * The version of the set of anchor terms, one row: the trigger takes its lock before numbering the
 * terms it adds, so versions become visible in the order they are numbered, and a reader that has
 * seen version n has seen every term numbered n or less. Numbers come from a sequence, so that
 * they never repeat, even after the tables are emptied.
 */
export const anchorTermsVersion = pgTable(
  'anchor_terms_version',
  {
    id: integer('id').primaryKey(),
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (table) => [check('anchor_terms_version_one_row', sql`${table.id} = 1`)],
);

export const anchorTermsVersionSeq = pgSequence('anchor_terms_version_seq');

/**
 * Document frequencies of terms in a sample of the postings received, for choosing rare anchors.
 * The row with the empty term counts the postings sampled.
 */
export const termStats = pgTable('term_stats', {
  term: text('term').primaryKey(),
  postings: integer('postings').notNull(),
});

export const remoteModes = ['no', 'hybrid', 'full'] as const;

/**
 * The postings pushed by the pipeline (SPEC.md §3), upserted by id. A withdrawn posting keeps its
 * row, marked, so digests skip it; it stays withdrawn if the pipeline sends it again.
 */
export const postings = pgTable(
  'postings',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    description: text('description'),
    employer: text('employer'),
    url: text('url').notNull(),
    publishedAt: instant('published_at').notNull(),
    deadline: instant('deadline'),
    municipalities: text('municipalities').array().notNull(),
    regions: text('regions').array().notNull(),
    occupations: text('occupations').array().notNull(),
    employmentType: text('employment_type'),
    workingTime: text('working_time'),
    remote: text('remote', { enum: remoteModes }),
    language: text('language', { enum: locales }),
    receivedAt: instant('received_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    withdrawnAt: instant('withdrawn_at'),
  },
  (table) => [index('postings_published_at_idx').on(table.publishedAt)],
);

/**
 * Which postings matched which alert, once per pair, with what matched ("why this job"). Dies with
 * its alert or its posting, through statement triggers (migration 0002) rather than foreign keys:
 * the matcher records about 67 pairs per posting, and checking two foreign keys on each row took
 * four times as long as inserting it (docs/performance-history.md, "Matching"). Each trigger
 * deletes the matches of every deleted alert or posting, whatever path deleted it, through the
 * primary key or `matches_posting_id_idx`. Nothing can slip in between: a batch deletes at its
 * end the matches it recorded for alerts deleted while it ran (`matchPostings`, migration 0008),
 * and it has upserted its postings, so a concurrent delete of one of them waits for the batch to
 * commit and then finds its matches.
 */
export const matches = pgTable(
  'matches',
  {
    alertId: uuid('alert_id').notNull(),
    postingId: text('posting_id').notNull(),
    matchedAt: instant('matched_at').notNull(),
    /** when a digest took it (or left it out as withdrawn or closed): mailed at most once, ever */
    mailedAt: instant('mailed_at'),
    reasons: jsonb('reasons').$type<MatchReasons>().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.alertId, table.postingId] }),
    index('matches_posting_id_idx').on(table.postingId),
  ],
);

/**
 * Numbers drawn by the statements that delete alerts, and the buckets of alerts each deleted: the
 * first three hex digits of an alert's id, 4,096 buckets, none of which names an alert. A batch of
 * matches compares them at its end with the number it saw at its start, and rechecks only the
 * alerts it matched in the buckets marked since (`matchPostings`, migration 0008).
 */
export const alertDeletions = pgSequence('alert_deletions', { startWith: 1 });

export const alertDeletionBuckets = pgTable('alert_deletion_buckets', {
  bucket: text('bucket').primaryKey(),
  deletion: bigint('deletion', { mode: 'number' }).notNull(),
});

/**
 * The ids of postings the retention job deleted, with their matches, and when. A posting the
 * pipeline sends again after that is stored but not matched: the alerts that were mailed it may
 * still exist, and nothing else remembers it (SPEC.md §2: a posting is mailed to an alert at most
 * once, ever). An id is forgotten once every alert of the time it was deleted has gone.
 */
/**
 * The provider ids of handed-over emails deleted with their alert (a trigger records them,
 * migration 0014), until the transport has forgotten them too: the outbox folder's files hold the
 * address in plain text (SPEC.md §1.3: a cancel deletes everything stored for the alert).
 */
export const forgottenEmails = pgTable('forgotten_emails', {
  providerId: text('provider_id').primaryKey(),
});

export const purgedPostings = pgTable('purged_postings', {
  id: text('id').primaryKey(),
  purgedAt: instant('purged_at').notNull(),
});

/**
 * Webhook deliveries already processed, by `webhook-id`, with the answer they got: a replay is
 * answered the same and not processed again. Kept 7 days, beyond the 5-minute signature tolerance.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    receivedAt: instant('received_at').notNull(),
    response: jsonb('response').notNull(),
  },
  (table) => [index('webhook_deliveries_received_at_idx').on(table.receivedAt)],
);

/**
 * One row per counted event (a request from a client, an email to an address, a confirmation
 * email at all), so that limits hold across instances and on Workers (SPEC.md §5). Keys are keyed
 * hashes, never an address or an IP; rows older than their window are deleted as limits are checked.
 */
export const rateEvents = pgTable(
  'rate_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    key: text('key').notNull(),
    at: instant('at').notNull(),
  },
  (table) => [index('rate_events_key_at_idx').on(table.key, table.at)],
);

/** Fixed-window counters for service-wide limits, where one row per event would be too many. */
export const rateCounters = pgTable(
  'rate_counters',
  {
    key: text('key').notNull(),
    windowStart: instant('window_start').notNull(),
    hits: integer('hits').notNull(),
  },
  (table) => [primaryKey({ columns: [table.key, table.windowStart] })],
);

export const messageStatuses = ['queued', 'sent', 'failed'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/**
 * The outbox of record (SPEC.md §4): every email is written here, in the transaction that decides
 * to send it, before it is handed to the provider, and marked sent after. Emails of one batch
 * share `batchKey`, the provider's idempotency key, so that a resend after a crash or a retry is
 * answered from the provider's memory instead of delivered again. The payload (address, subject,
 * bodies with link tokens) is encrypted, and dropped once the message is sent or has failed.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    /** the alert the email is about; none for the manage-links email, which lists several */
    /** no foreign key: deleted with the alert by the trigger `alerts_delete_dependents` */
    alertId: uuid('alert_id'),
    /**
     * the alerts a manage-links email lists: while it is queued it holds their labels and links,
     * and it is deleted with the first of them to go (the same trigger)
     */
    listedAlertIds: uuid('listed_alert_ids').array(),
    template: text('template').notNull(),
    batchKey: text('batch_key').notNull(),
    payload: text('payload'),
    status: text('status', { enum: messageStatuses }).notNull(),
    attempts: integer('attempts').notNull(),
    createdAt: instant('created_at').notNull(),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    /** a sender that claimed the batch holds it until then; after a crash it lapses */
    leaseUntil: instant('lease_until'),
    sentAt: instant('sent_at'),
    providerId: text('provider_id'),
    lastError: text('last_error'),
  },
  (table) => [
    index('messages_due_idx').on(table.status, table.nextAttemptAt),
    index('messages_batch_key_idx').on(table.batchKey),
    index('messages_alert_id_idx').on(table.alertId),
    index('messages_listed_alert_ids_idx')
      .on(table.status)
      .where(sql`${table.listedAlertIds} is not null`),
  ],
);

/**
 * One row per scheduled job: who holds it and until when (so that instances never run the same
 * job at once), and the figures of its last run, for /metrics.
 */
export const jobState = pgTable('job_state', {
  name: text('name').primaryKey(),
  lockedUntil: instant('locked_until'),
  lastStartedAt: instant('last_started_at'),
  lastFinishedAt: instant('last_finished_at'),
  lastDurationMs: integer('last_duration_ms'),
  lastOk: boolean('last_ok'),
  runs: integer('runs').notNull(),
  failures: integer('failures').notNull(),
});

/**
 * Counters for /metrics that must survive restarts and add up across instances: emails sent and
 * failed by template, postings received, matches recorded, provider events. One row per name and
 * label set, bumped in the transaction that does the counted thing.
 */
export const metricCounters = pgTable(
  'metric_counters',
  {
    name: text('name').notNull(),
    labels: text('labels').notNull(),
    value: bigint('value', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.name, table.labels] })],
);
