import type { Context } from 'hono';
import type { Log } from '../log';

/**
 * Work a request starts and its answer does not wait for: on Workers it is handed to the
 * request's `waitUntil`; on Node it runs on, tracked here so that a stopping server (and a test)
 * can wait for it. A failure is logged; what the work was about stays recorded in the database
 * for the jobs to finish (an email handed over here is leased, and sent by the deliver job if
 * this hand-over never ends).
 */
export function afterResponse(c: Context, log: Log, task: () => Promise<unknown>): void {
  const running = task().catch((error: unknown) => {
    log.warn('work after the answer failed', {
      error: error instanceof Error ? error.name : 'unknown',
    });
  });
  let executionCtx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    executionCtx = c.executionCtx;
  } catch {
    // Node: hono has no execution context here.
  }
  if (executionCtx) {
    executionCtx.waitUntil(running);
    return;
  }
  pending.add(running);
  void running.finally(() => pending.delete(running));
}

const pending = new Set<Promise<unknown>>();

/** Resolves when every piece of work started by `afterResponse` in this process has ended. */
export async function settleAfterResponse(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending);
}
