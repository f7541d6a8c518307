import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
} from '../../src/stuut/retry';

describe('DEFAULT_RETRY_POLICY', () => {
  test('allows at most 4 attempts', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(4);
  });
});

describe('backoffDelay', () => {
  const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 2000 };

  test.each([
    [1, 249],
    [2, 499],
    [3, 999],
    [4, 1998],
    [5, 1998],
    [10, 1998],
  ])('attempt %i with random 0.999 is just under the doubling cap: %i', (attempt, expected) => {
    expect(backoffDelay(policy, attempt, () => 0.999)).toBe(expected);
  });

  test.each([1, 2, 3, 4, 8])('attempt %i with random 0 waits 0', (attempt) => {
    expect(backoffDelay(policy, attempt, () => 0)).toBe(0);
  });

  test('random 0.5 gives half the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a, () => 0.5))).toEqual([
      125, 250, 500, 1000, 1000,
    ]);
  });

  test('full jitter: whole milliseconds in [0, cap) for any random in [0, 1)', () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(policy, attempt, Math.random);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(cap);
      }
    }
  });

  test('asks random once per call', () => {
    const random = jest.fn(() => 0.25);
    backoffDelay(policy, 2, random);
    expect(random).toHaveBeenCalledTimes(1);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-14T09:26:53.000Z');

  test('absent is null', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  test.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['120', 120],
    [' 5 ', 5],
    ['007', 7],
  ])('seconds %j → %i', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  test('an IMF-fixdate in the future gives the seconds until then', () => {
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).toBe(3);
    expect(parseRetryAfter('Fri, 14 Mar 2025 09:27:53 GMT', now)).toBe(60);
  });

  test('a date part-way through a second rounds up', () => {
    expect(parseRetryAfter('Fri, 14 Mar 2025 09:26:56 GMT', now - 500)).toBe(4);
  });

  test('the obsolete RFC 850 form is read', () => {
    expect(parseRetryAfter('Friday, 14-Mar-25 09:27:03 GMT', now)).toBe(10);
  });

  test('a date in the past means now', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
    expect(parseRetryAfter(new Date(now).toUTCString(), now)).toBe(0);
  });

  test.each([
    '',
    '   ',
    'soon',
    'abc',
    '1.5',
    '-1',
    '+5',
    '5s',
    '1e3',
    '0x10',
    'Mon 1',
    'foo 1',
    'Mon, 32 Foo',
    'Fri, 14 Mar 2025',
    'null',
  ])('garbage %j is null', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});
