/**
 * A per-process circuit breaker in front of Stuut. When Stuut keeps failing, every person who
 * presses Save would otherwise wait out the whole retry budget; after `failureThreshold`
 * consecutive failures the breaker answers at once instead, for `openMs`. Then exactly one
 * request may probe: its success closes the circuit, its failure opens it again.
 *
 * A failure is a transport failure (no usable answer) or a 5xx answer. Any other answer,
 * 4xx included, shows Stuut is up and working: it ends a run of failures like a success does.
 */

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one request may probe; default 30 s. */
  openMs?: number;
  now?: () => number;
}

export const CIRCUIT_DEFAULTS = { failureThreshold: 5, openMs: 30_000 } as const;

export type CircuitState = 'closed' | 'open' | 'half-open';

export type Admission =
  /** `probe`: this request is the one that decides whether the circuit closes. */
  | { allowed: true; probe: boolean }
  | {
      allowed: false;
      /** Consecutive failures so far. */
      failures: number;
      /** When a request may go again (epoch ms); with a probe in flight, a guess of a few seconds. */
      retryAt: number;
      /** True while another request is probing. */
      probing: boolean;
    };

export type Refusal = Extract<Admission, { allowed: false }>;

/** What an outcome changed, so the caller can log transitions once. */
export type Transition = 'opened' | 'reopened' | 'closed' | null;

// While one request probes, the others are told to try again in about this long.
const PROBE_RETRY_HINT_MS = 5_000;

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openUntil: number | null = null;
  #probeStartedAt: number | null = null;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? CIRCUIT_DEFAULTS.failureThreshold;
    this.openMs = options.openMs ?? CIRCUIT_DEFAULTS.openMs;
    this.#now = options.now ?? Date.now;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError(`failureThreshold ${this.failureThreshold}`);
    }
    if (!Number.isFinite(this.openMs) || this.openMs < 0)
      throw new RangeError(`openMs ${this.openMs}`);
  }

  get state(): CircuitState {
    if (this.#openUntil === null) return 'closed';
    return this.#now() < this.#openUntil ? 'open' : 'half-open';
  }

  /** Consecutive failures so far (reset by any non-failure). */
  get failures(): number {
    return this.#failures;
  }

  /** When the open period ends (epoch ms), or null while closed. */
  get openUntil(): number | null {
    return this.#openUntil;
  }

  /** Whether a request may go now; in half-open, the first caller becomes the probe. */
  admit(): Admission {
    const refusal = this.refusal();
    if (refusal) return refusal;
    if (this.#openUntil === null) return { allowed: true, probe: false };
    this.#probeStartedAt = this.#now();
    return { allowed: true, probe: true };
  }

  /** Why a request would be refused now, without claiming the probe; null when it would go. */
  refusal(): Refusal | null {
    const now = this.#now();
    if (this.#openUntil === null) return null;
    if (now < this.#openUntil) {
      return { allowed: false, failures: this.#failures, retryAt: this.#openUntil, probing: false };
    }
    // A probe that never reported back (a caller that forgot; the client always reports) does
    // not hold the circuit half-open for ever: after another open period, the next one probes.
    const probing =
      this.#probeStartedAt !== null && now - this.#probeStartedAt < Math.max(this.openMs, 1);
    if (!probing) return null;
    return {
      allowed: false,
      failures: this.#failures,
      retryAt: now + PROBE_RETRY_HINT_MS,
      probing: true,
    };
  }

  /** True when a request would be refused now (open, or half-open with a probe in flight). */
  isBlocking(): boolean {
    return this.refusal() !== null;
  }

  /** Stuut answered with anything but a 5xx: the run of failures ends and the circuit closes. */
  recordSuccess(): Transition {
    const wasOpen = this.#openUntil !== null;
    this.#failures = 0;
    this.#openUntil = null;
    this.#probeStartedAt = null;
    return wasOpen ? 'closed' : null;
  }

  /** A transport failure or a 5xx answer. */
  recordFailure(): Transition {
    const now = this.#now();
    this.#failures += 1;
    if (this.#openUntil === null) {
      if (this.#failures < this.failureThreshold) return null;
      this.#openUntil = now + this.openMs;
      return 'opened';
    }
    if (this.#probeStartedAt !== null || now >= this.#openUntil) {
      // The probe failed (or a late request failed after the open period): another full pause.
      this.#openUntil = now + this.openMs;
      this.#probeStartedAt = null;
      return 'reopened';
    }
    // A request admitted before the circuit opened failed while it is open: counted, no change.
    return null;
  }
}
