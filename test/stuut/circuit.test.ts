import { CIRCUIT_DEFAULTS, CircuitBreaker } from '../../src/stuut/circuit';
import { StuutCircuitOpenError } from '../../src/stuut/errors';

const T0 = Date.parse('2025-03-14T09:26:53.000Z');

function breaker(options: { failureThreshold?: number; openMs?: number } = {}) {
  let clock = T0;
  const circuit = new CircuitBreaker({ ...options, now: () => clock });
  return {
    circuit,
    advance(ms: number) {
      clock += ms;
    },
    now: () => clock,
  };
}

function failTimes(circuit: CircuitBreaker, times: number) {
  return Array.from({ length: times }, () => circuit.recordFailure());
}

describe('CircuitBreaker', () => {
  test('defaults: 5 failures, 30 s', () => {
    expect(CIRCUIT_DEFAULTS).toEqual({ failureThreshold: 5, openMs: 30_000 });
    const { circuit } = breaker();
    expect(circuit.failureThreshold).toBe(5);
    expect(circuit.openMs).toBe(30_000);
    expect(circuit.state).toBe('closed');
    expect(circuit.admit()).toEqual({ allowed: true, probe: false });
  });

  test('4 consecutive failures keep it closed; the 5th opens it', () => {
    const { circuit } = breaker();
    expect(failTimes(circuit, 4)).toEqual([null, null, null, null]);
    expect(circuit.state).toBe('closed');
    expect(circuit.admit().allowed).toBe(true);
    expect(circuit.recordFailure()).toBe('opened');
    expect(circuit.state).toBe('open');
    expect(circuit.failures).toBe(5);
  });

  test('a success (or any non-5xx answer) ends the run: 4 + 1 + 4 failures stay closed', () => {
    const { circuit } = breaker();
    failTimes(circuit, 4);
    expect(circuit.recordSuccess()).toBeNull();
    expect(circuit.failures).toBe(0);
    failTimes(circuit, 4);
    expect(circuit.state).toBe('closed');
    expect(circuit.recordFailure()).toBe('opened');
  });

  test('while open every request is refused, with the failures and when to come back', () => {
    const { circuit, advance } = breaker();
    failTimes(circuit, 5);
    expect(circuit.admit()).toEqual({
      allowed: false,
      failures: 5,
      retryAt: T0 + 30_000,
      probing: false,
    });
    advance(29_999);
    expect(circuit.state).toBe('open');
    expect(circuit.admit().allowed).toBe(false);
    expect(circuit.isBlocking()).toBe(true);
  });

  test('after 30 s exactly one request probes; the others are refused while it runs', () => {
    const { circuit, advance, now } = breaker();
    failTimes(circuit, 5);
    advance(30_000);
    expect(circuit.state).toBe('half-open');
    expect(circuit.isBlocking()).toBe(false);
    expect(circuit.admit()).toEqual({ allowed: true, probe: true });
    expect(circuit.isBlocking()).toBe(true);
    for (let i = 0; i < 3; i++) {
      expect(circuit.admit()).toEqual({
        allowed: false,
        failures: 5,
        retryAt: now() + 5_000,
        probing: true,
      });
    }
  });

  test('refusal() says why a request would be refused, without claiming the probe', () => {
    const { circuit, advance } = breaker();
    expect(circuit.refusal()).toBeNull();
    failTimes(circuit, 5);
    expect(circuit.refusal()).toMatchObject({ probing: false, retryAt: T0 + 30_000 });
    advance(30_000);
    expect(circuit.refusal()).toBeNull();
    expect(circuit.refusal()).toBeNull();
    expect(circuit.admit()).toEqual({ allowed: true, probe: true });
    expect(circuit.refusal()).toMatchObject({ probing: true });
  });

  test('a successful probe closes it and resets the count', () => {
    const { circuit, advance } = breaker();
    failTimes(circuit, 5);
    advance(30_000);
    circuit.admit();
    expect(circuit.recordSuccess()).toBe('closed');
    expect(circuit.state).toBe('closed');
    expect(circuit.failures).toBe(0);
    expect(circuit.admit()).toEqual({ allowed: true, probe: false });
    // A fresh run of 5 is needed to open it again.
    expect(failTimes(circuit, 4)).toEqual([null, null, null, null]);
    expect(circuit.state).toBe('closed');
  });

  test('a failed probe opens it for another 30 s, then one request probes again', () => {
    const { circuit, advance, now } = breaker();
    failTimes(circuit, 5);
    advance(30_000);
    expect(circuit.admit()).toEqual({ allowed: true, probe: true });
    advance(1_200);
    expect(circuit.recordFailure()).toBe('reopened');
    expect(circuit.failures).toBe(6);
    expect(circuit.openUntil).toBe(now() + 30_000);
    expect(circuit.admit()).toMatchObject({
      allowed: false,
      probing: false,
      retryAt: now() + 30_000,
    });
    advance(29_999);
    expect(circuit.admit().allowed).toBe(false);
    advance(1);
    expect(circuit.admit()).toEqual({ allowed: true, probe: true });
    expect(circuit.admit().allowed).toBe(false);
  });

  test('a failure from a request sent before it opened changes nothing while open', () => {
    const { circuit } = breaker();
    failTimes(circuit, 5);
    const until = circuit.openUntil;
    expect(circuit.recordFailure()).toBeNull();
    expect(circuit.openUntil).toBe(until);
    expect(circuit.failures).toBe(6);
  });

  test('a late success while open closes it: Stuut evidently answers', () => {
    const { circuit } = breaker();
    failTimes(circuit, 5);
    expect(circuit.recordSuccess()).toBe('closed');
    expect(circuit.admit().allowed).toBe(true);
  });

  test('a probe that never reports back does not hold it half-open for ever', () => {
    const { circuit, advance } = breaker();
    failTimes(circuit, 5);
    advance(30_000);
    expect(circuit.admit()).toEqual({ allowed: true, probe: true });
    advance(29_999);
    expect(circuit.admit().allowed).toBe(false);
    advance(1);
    expect(circuit.admit()).toEqual({ allowed: true, probe: true });
  });

  test('custom threshold and open period', () => {
    const { circuit, advance } = breaker({ failureThreshold: 2, openMs: 1_000 });
    expect(failTimes(circuit, 2)).toEqual([null, 'opened']);
    advance(999);
    expect(circuit.admit().allowed).toBe(false);
    advance(1);
    expect(circuit.admit()).toEqual({ allowed: true, probe: true });
  });

  test.each([
    [{ failureThreshold: 0 }],
    [{ failureThreshold: 1.5 }],
    [{ openMs: -1 }],
    [{ openMs: Number.NaN }],
  ])('refuses nonsense options %j', (options) => {
    expect(() => new CircuitBreaker(options)).toThrow(RangeError);
  });
});

describe('StuutCircuitOpenError', () => {
  const retryAt = new Date(T0 + 30_000);

  test('before any request: says how often Stuut failed, that nothing was sent, and when to retry', () => {
    const error = new StuutCircuitOpenError(5, retryAt, 30, 0, false, 30);
    expect(error.userMessage).toBe(
      'Stuut has failed 5 times in a row, so the bot stops sending to it for 30 s instead of making each of you wait. Nothing was sent, so nothing was saved. Try again after 09:27:23 UTC (in 30 s).',
    );
    expect(error.name).toBe('StuutCircuitOpenError');
    expect(error.message).toContain('5 consecutive failures');
  });

  test('when this save’s own failures opened it: the change may or may not be saved', () => {
    const cause = new Error('HTTP 503');
    const error = new StuutCircuitOpenError(5, retryAt, 30, 1, false, 30, { cause });
    expect(error.userMessage).toContain('this save included');
    expect(error.userMessage).toContain('may not have been saved');
    expect(error.userMessage).toContain('09:27:23 UTC');
    expect(error.cause).toBe(cause);
  });

  test('while another request probes', () => {
    const error = new StuutCircuitOpenError(5, retryAt, 30, 0, true, 5);
    expect(error.userMessage).toContain('checking with one request');
    expect(error.userMessage).toContain('Try again in a few seconds');
  });
});
