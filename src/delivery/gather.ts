import type { Deps } from '../deps';
import { MAX_BATCH_SIZE } from '../deps';
import { describeError } from '../log';
import { type DeliveryOutcome, deliverLeased, type MessageRow, type UnsentEmail } from './outbox';

type GatherDeps = Pick<Deps, 'db' | 'keyring' | 'mailer' | 'log' | 'config'>;

/**
 * A place in a batch of emails that requests write at the same time, each in its own transaction,
 * and that goes to the provider in one call once all of them are settled.
 */
export interface Seat {
  /** the batch's key, which the caller's outbox row carries */
  batchKey: string;
  /**
   * Says how the caller's write ended: with the row committed, or with nothing stored. Answers
   * the batch's delivery outcome once it is handed over (undefined for nothing stored). Must be
   * called exactly once.
   */
  settle(
    committed: { message: MessageRow; email: UnsentEmail } | undefined,
    now: Date,
  ): Promise<DeliveryOutcome | undefined>;
}

interface Batch {
  key: string;
  seats: number;
  settled: number;
  /** no seat is given once closed */
  closed: boolean;
  /** held open for the window, whether or not its seats have settled */
  held: boolean;
  messages: MessageRow[];
  emails: UnsentEmail[];
  /** the clock of the last seat to settle, for the bookkeeping of the call */
  now: Date | undefined;
  delivered: Promise<DeliveryOutcome>;
  /** hands the batch over once it is closed and every seat has settled; at most once */
  deliverWhenReady(): void;
}

/**
 * Confirmation emails are sent right after their requests commit (and have answered). Each in a
 * provider call of its own would cost a call and a bookkeeping statement per email (about 1.3 ms
 * of the service's CPU and 0.4 ms of the provider's, README "Load"); gathered, the requests share
 * both. A batch takes
 * the requests whose writes overlap: it closes when its first write ends. Under load (a request
 * less than the window after the one before) it stays open for the window
 * (`CONFIRMATION_BATCH_WINDOW_MS`, 10 ms) instead, so that requests arriving one by one share
 * a call too. A lone request is not delayed: its batch closes when its own write ends, and is
 * sent at once.
 *
 * The batch's rows are exactly the committed writes that joined it, so that its key always names
 * the same emails: a resend by the delivery job after a crash sends what the first call sent.
 */
export function gatherer(deps: GatherDeps): { join(): Seat } {
  let cached = gatherers.get(deps.db);
  if (!cached) {
    cached = createGatherer(deps);
    gatherers.set(deps.db, cached);
  }
  return cached;
}

const gatherers = new WeakMap<object, { join(): Seat }>();

function createGatherer(deps: GatherDeps): { join(): Seat } {
  const windowMs = deps.config.CONFIRMATION_BATCH_WINDOW_MS;
  let open: Batch | undefined;
  let lastJoinedAt = Number.NEGATIVE_INFINITY;

  const newBatch = (held: boolean): Batch => {
    let deliver: ((now: Date) => void) | undefined;
    const batch: Batch = {
      key: crypto.randomUUID(),
      seats: 0,
      settled: 0,
      closed: false,
      held,
      messages: [],
      emails: [],
      now: undefined,
      delivered: new Promise<DeliveryOutcome>((resolve) => {
        deliver = (now) => {
          const { key: batchKey, messages, emails } = batch;
          deliverLeased({ deps, batch: { batchKey, messages, emails }, now, maxAttempts: 1 })
            .catch((error: unknown) => {
              // Handed over or not, the rows stay leased: the delivery job sends them again
              // under the same key once the lease lapses, and the provider sends nothing twice.
              deps.log.error('could not record a confirmation batch', describeError(error));
              return 'retry' as const;
            })
            .then(resolve);
        };
      }),
      deliverWhenReady() {
        if (!batch.closed || batch.settled < batch.seats || batch.emails.length === 0) return;
        const go = deliver;
        deliver = undefined;
        if (go && batch.now) go(batch.now);
      },
    };
    if (held) {
      setTimeout(() => {
        batch.held = false;
        batch.closed = true;
        batch.deliverWhenReady();
      }, windowMs);
    }
    return batch;
  };

  return {
    join() {
      const joinedAt = performance.now();
      const busy = joinedAt - lastJoinedAt < windowMs;
      lastJoinedAt = joinedAt;
      if (!open || open.closed) open = newBatch(busy);
      const batch = open;
      batch.seats++;
      if (batch.seats >= MAX_BATCH_SIZE) batch.closed = true;
      let settled = false;
      return {
        batchKey: batch.key,
        settle(committed, now) {
          if (settled) throw new Error('a seat settles once');
          settled = true;
          if (!batch.held) batch.closed = true;
          batch.settled++;
          batch.now = now;
          if (committed) {
            batch.messages.push(committed.message);
            batch.emails.push(committed.email);
          }
          batch.deliverWhenReady();
          return committed ? batch.delivered : Promise.resolve(undefined);
        },
      };
    },
  };
}
