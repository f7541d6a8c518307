import { setImmediate as yieldToEvents } from 'node:timers/promises';
import type { Logger } from '../logger';
import type { HistoryBook } from './history';

export interface PruningOptions {
  history: HistoryBook;
  logger: Logger;
  /** History older than this many days goes. */
  days: number;
  now?: () => Date;
  /** Rows per statement: small, so no statement holds the database for long. */
  batch?: number;
  /** How often it runs after the first run at start; default daily. */
  everyMs?: number;
  /** Asked between batches: true ends the run early (a shutdown does not wait it out). */
  shouldStop?: () => boolean;
}

export const PRUNE_BATCH = 500;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Deletes history older than the days kept, in small batches with the event loop served
 * between them, so neither requests nor the database wait on it. Returns how many went.
 */
export async function pruneHistoryOnce(options: PruningOptions): Promise<number> {
  const now = options.now ?? (() => new Date());
  const before = new Date(now().getTime() - options.days * DAY_MS);
  const batch = options.batch ?? PRUNE_BATCH;
  let total = 0;
  for (;;) {
    const deleted = await options.history.pruneHistory(before, batch);
    total += deleted;
    if (deleted < batch || options.shouldStop?.()) break;
    await yieldToEvents();
  }
  if (total > 0) options.logger.info({ deleted: total, days: options.days }, 'history pruned');
  return total;
}

/**
 * Prunes at start and then daily, in the background. A failure is logged and the next run
 * tries again; stop() waits for a run in progress.
 */
export function schedulePruning(options: PruningOptions): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const run = () => {
    if (stopped) return;
    running = pruneHistoryOnce({ ...options, shouldStop: () => stopped }).catch(
      (error: unknown) => {
        options.logger.error({ err: error }, 'pruning history failed; it runs again tomorrow');
      },
    );
  };
  run();
  const timer = setInterval(run, options.everyMs ?? DAY_MS);
  // The timer alone must not keep the process alive.
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
