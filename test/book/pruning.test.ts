import { Writable } from 'node:stream';
import type { HistoryBook } from '../../src/book/history';
import { PRUNE_BATCH, pruneHistoryOnce, schedulePruning } from '../../src/book/pruning';
import { createLogger } from '../../src/logger';

/**
 * Pruning against a fake HistoryBook that holds `old` changes older than any cutoff: the
 * batches, the cutoff, the event loop served between batches, the log, and the schedule.
 */

const NOW = new Date('2026-11-02T10:00:00.000Z');
const DAY_MS = 24 * 60 * 60_000;

class Lines extends Writable {
  readonly entries: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.entries.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

interface Call {
  before: Date;
  batch: number;
  /** How many event-loop turns (setImmediate callbacks) had run when this call was made. */
  turns: number;
}

/** Holds `old` changes to prune; each call deletes up to `batch` of them. */
function fakeHistory(old: number) {
  let left = old;
  let turns = 0;
  const calls: Call[] = [];
  const pruneHistory = jest.fn(async (before: Date, batch: number) => {
    calls.push({ before, batch, turns });
    // A callback queued now runs only if the caller lets the event loop turn.
    setImmediate(() => {
      turns++;
    });
    const deleted = Math.min(batch, left);
    left -= deleted;
    return deleted;
  });
  const history = { pruneHistory } as unknown as HistoryBook;
  return { history, calls, pruneHistory, left: () => left };
}

function logged() {
  const lines = new Lines();
  return { lines, logger: createLogger('info', lines) };
}

describe('pruneHistoryOnce', () => {
  test('deletes in batches until a batch comes back short, and returns how many went', async () => {
    const fake = fakeHistory(1_234);
    const { logger } = logged();
    const deleted = await pruneHistoryOnce({
      history: fake.history,
      logger,
      days: 30,
      now: () => NOW,
      batch: 500,
    });
    expect(deleted).toBe(1_234);
    expect(fake.calls.map((call) => call.batch)).toEqual([500, 500, 500]);
    expect(fake.left()).toBe(0);
  });

  test('an exact multiple of the batch needs one more call that finds nothing', async () => {
    const fake = fakeHistory(1_000);
    const { logger } = logged();
    expect(
      await pruneHistoryOnce({
        history: fake.history,
        logger,
        days: 1,
        now: () => NOW,
        batch: 500,
      }),
    ).toBe(1_000);
    expect(fake.calls).toHaveLength(3);
  });

  test('the cutoff is `days` before now, the same for every batch', async () => {
    const fake = fakeHistory(25);
    const { logger } = logged();
    await pruneHistoryOnce({ history: fake.history, logger, days: 30, now: () => NOW, batch: 10 });
    const cutoff = new Date(NOW.getTime() - 30 * DAY_MS);
    expect(fake.calls.map((call) => call.before)).toEqual([cutoff, cutoff, cutoff]);
  });

  test(`batches of ${PRUNE_BATCH} by default`, async () => {
    const fake = fakeHistory(PRUNE_BATCH + 1);
    const { logger } = logged();
    await pruneHistoryOnce({ history: fake.history, logger, days: 365, now: () => NOW });
    expect(fake.calls.map((call) => call.batch)).toEqual([PRUNE_BATCH, PRUNE_BATCH]);
  });

  test('the event loop is served between batches', async () => {
    const fake = fakeHistory(50);
    const { logger } = logged();
    await pruneHistoryOnce({ history: fake.history, logger, days: 1, now: () => NOW, batch: 10 });
    // Before each later batch, the callback the previous one queued has run.
    expect(fake.calls.map((call) => call.turns)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('logs how many went and the days kept; nothing to prune logs nothing', async () => {
    const some = logged();
    await pruneHistoryOnce({
      history: fakeHistory(7).history,
      logger: some.logger,
      days: 90,
      now: () => NOW,
    });
    expect(some.lines.entries).toEqual([
      expect.objectContaining({ level: 'info', msg: 'history pruned', deleted: 7, days: 90 }),
    ]);
    const none = logged();
    expect(
      await pruneHistoryOnce({
        history: fakeHistory(0).history,
        logger: none.logger,
        days: 90,
        now: () => NOW,
      }),
    ).toBe(0);
    expect(none.lines.entries).toEqual([]);
  });

  test('a failing batch fails the run (schedulePruning logs it)', async () => {
    const fake = fakeHistory(30);
    fake.pruneHistory
      .mockImplementationOnce(async () => 10)
      .mockImplementationOnce(async () => {
        throw new Error('database gone');
      });
    const { logger } = logged();
    await expect(
      pruneHistoryOnce({ history: fake.history, logger, days: 1, now: () => NOW, batch: 10 }),
    ).rejects.toThrow('database gone');
    expect(fake.pruneHistory).toHaveBeenCalledTimes(2);
  });
});

describe('schedulePruning', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Fake intervals; setImmediate stays real, so batches still yield as they do in production. */
  const fakeTimers = () =>
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'], now: NOW });

  test('prunes at start, then every `everyMs`, and never after stop()', async () => {
    fakeTimers();
    const fake = fakeHistory(3);
    const { logger, lines } = logged();
    const pruning = schedulePruning({
      history: fake.history,
      logger,
      days: 30,
      everyMs: 60_000,
      now: () => new Date(),
    });
    expect(fake.pruneHistory).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(fake.pruneHistory).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.pruneHistory).toHaveBeenCalledTimes(2);
    // Each run takes its own cutoff from the clock at that run.
    expect(fake.calls[1]?.before.getTime()).toBe(fake.calls[0]!.before.getTime() + 60_000);
    await pruning.stop();
    await jest.advanceTimersByTimeAsync(10 * 60_000);
    expect(fake.pruneHistory).toHaveBeenCalledTimes(2);
    expect(lines.entries.filter((e) => e.msg === 'history pruned')).toHaveLength(1);
  });

  test('daily by default', async () => {
    fakeTimers();
    const fake = fakeHistory(0);
    const pruning = schedulePruning({ history: fake.history, logger: logged().logger, days: 1 });
    await jest.advanceTimersByTimeAsync(DAY_MS - 1);
    expect(fake.pruneHistory).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.pruneHistory).toHaveBeenCalledTimes(2);
    await pruning.stop();
  });

  test('a failed run is logged at error, and the next run tries again', async () => {
    fakeTimers();
    const fake = fakeHistory(5);
    fake.pruneHistory.mockImplementationOnce(async () => {
      throw new Error('database gone');
    });
    const { logger, lines } = logged();
    const pruning = schedulePruning({ history: fake.history, logger, days: 30, everyMs: 1_000 });
    await jest.advanceTimersByTimeAsync(0);
    expect(lines.entries).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: 'pruning history failed; it runs again tomorrow',
      }),
    ]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(fake.left()).toBe(0);
    expect(lines.entries.at(-1)).toMatchObject({ msg: 'history pruned', deleted: 5 });
    await pruning.stop();
  });

  test('stop() waits for a run in progress to finish', async () => {
    let finish: (deleted: number) => void = () => {};
    const pruneHistory = jest.fn(
      () =>
        new Promise<number>((resolve) => {
          finish = resolve;
        }),
    );
    const pruning = schedulePruning({
      history: { pruneHistory } as unknown as HistoryBook,
      logger: logged().logger,
      days: 30,
    });
    let stopped = false;
    const stopping = pruning.stop().then(() => {
      stopped = true;
    });
    // Several turns of the event loop: still waiting on the batch in progress.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish(0);
    await stopping;
    expect(stopped).toBe(true);
    expect(pruneHistory).toHaveBeenCalledTimes(1);
  });
});
