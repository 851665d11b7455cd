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
  /** no seat is given once the first one settles: the batch waits only for writes under way */
  closed: boolean;
  messages: MessageRow[];
  emails: UnsentEmail[];
  delivered: Promise<DeliveryOutcome>;
  deliver(now: Date): void;
}

/**
 * Confirmation emails are sent while their visitor waits. Under load, each in a provider call of
 * its own would cost a call and a bookkeeping statement per email; gathered, the requests whose
 * writes overlap share both. A lone request is not delayed: its batch closes when its own write
 * ends, and is sent at once.
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
  let open: Batch | undefined;

  const newBatch = (): Batch => {
    let deliver: (now: Date) => void = () => {};
    const batch: Batch = {
      key: crypto.randomUUID(),
      seats: 0,
      settled: 0,
      closed: false,
      messages: [],
      emails: [],
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
      deliver: (now) => deliver(now),
    };
    return batch;
  };

  return {
    join() {
      if (!open || open.closed) open = newBatch();
      const batch = open;
      batch.seats++;
      if (batch.seats >= MAX_BATCH_SIZE) batch.closed = true;
      let settled = false;
      return {
        batchKey: batch.key,
        settle(committed, now) {
          if (settled) throw new Error('a seat settles once');
          settled = true;
          batch.closed = true;
          batch.settled++;
          if (committed) {
            batch.messages.push(committed.message);
            batch.emails.push(committed.email);
          }
          if (batch.settled === batch.seats && batch.emails.length > 0) batch.deliver(now);
          return committed ? batch.delivered : Promise.resolve(undefined);
        },
      };
    },
  };
}
