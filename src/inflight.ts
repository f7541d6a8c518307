/**
 * Work a listener does after acknowledging (a save and its confirmation) is invisible to
 * Bolt's stop(); this keeps count of it so a shutdown can wait for it.
 */
export class InflightTracker {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  private readonly owedAcks = new Set<Promise<void>>();

  /**
   * Notes that an acknowledgement is owed to Slack; call the returned function when it has
   * been sent (or will never be). In Socket Mode a shutdown waits for these before it closes
   * the socket they travel on.
   */
  oweAck(): () => void {
    let paid!: () => void;
    const owed = new Promise<void>((resolve) => {
      paid = resolve;
    });
    this.owedAcks.add(owed);
    return () => {
      this.owedAcks.delete(owed);
      paid();
    };
  }

  /** Resolves true when no acknowledgement is owed any more, false when the wait ran out. */
  async acksSent(timeoutMs: number): Promise<boolean> {
    const all = Promise.all(this.owedAcks).then(() => true);
    return (await withDeadline(all, timeoutMs)) ?? false;
  }

  /** Resolves true when everything finished, false when the wait ran out first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      while (this.running.size > 0) {
        const done = await Promise.race([Promise.all(this.running).then(() => true), timedOut]);
        if (!done) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Waits for `work`, but no longer than `ms`; resolves undefined when time ran out. */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
