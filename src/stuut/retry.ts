/** How the save may spend its time; every number is in milliseconds. */
export interface RetryPolicy {
  maxAttempts: number;
  /** Upper bound of the first backoff; doubles each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 2000,
};

/** Full jitter (a uniform wait between 0 and the exponential cap) spreads retries from many people apart. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

// IMF-fixdate, RFC 850 and asctime forms (RFC 9110 §5.6.7).
const HTTP_DATE_SHAPE = /^[A-Za-z]{3,9},? .*\b\d{2}:\d{2}:\d{2}\b/;

/** `Retry-After` as seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // Date.parse alone reads garbage such as "1.5", "-1" or "Mon 1" as dates in 2001 (so 0 s):
  // accept only the shapes of an HTTP date (a day name, then a time of day).
  if (!HTTP_DATE_SHAPE.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
