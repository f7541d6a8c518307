import { createServer } from 'node:net';
import { inspect } from 'node:util';
import type { ContactPatch } from '../../src/domain/contact';
import { createLogger } from '../../src/logger';
import { type StuutContact, StuutEmulator } from '../../src/sandbox/stuut';
import { CircuitBreaker } from '../../src/stuut/circuit';
import {
  createStuutClient,
  type StuutClient,
  type StuutClientOptions,
} from '../../src/stuut/client';
import {
  StuutCircuitOpenError,
  StuutError,
  StuutHttpError,
  StuutUnavailableError,
  StuutUnexpectedResponseError,
} from '../../src/stuut/errors';

// Distinctive, so that any leak into a message or a log line is unmistakable.
const TOKEN = 'sk_live_LEAKCHECK_9f3a7Qz';
const NOW = new Date('2025-03-14T09:26:53.000Z');
const PRIYA = 'ic_7Qm2xK9a';
const MARCUS = 'ic_3Lp8vR2d';

let em: StuutEmulator;
let clients: StuutClient[];
let logLines: string[];

beforeEach(async () => {
  em = await StuutEmulator.start({ token: TOKEN, now: () => NOW });
  clients = [];
  logLines = [];
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await em.close();
  // The client logs every failed attempt; none of those lines may carry the token.
  expect(logLines.join('')).not.toContain(TOKEN);
});

/** A client against the emulator whose waits are recorded instead of slept. */
function makeClient(options: Partial<StuutClientOptions> = {}) {
  const waits: number[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const client = createStuutClient({
    baseUrl: em.baseUrl,
    token: TOKEN,
    logger,
    wait: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  clients.push(client);
  return { client, waits };
}

/** Runs the update, expecting it to fail, and checks the error leaks no token. */
async function failure(
  client: StuutClient,
  id: string = PRIYA,
  patch: ContactPatch = { job_title: 'Head of Success' },
): Promise<StuutError> {
  const error: unknown = await client.updateInternalContact(id, patch).then(
    (contact) => {
      throw new Error(`expected a failure, got ${JSON.stringify(contact)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StuutError);
  expectNoToken(error as StuutError);
  return error as StuutError;
}

function expectNoToken(error: StuutError): void {
  expect(error.userMessage.trim()).not.toBe('');
  for (const text of [error.message, String(error), error.userMessage, inspect(error)]) {
    expect(text).not.toContain(TOKEN);
  }
}

function fullContact(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: PRIYA,
    object: 'internal_contact',
    created_at: '2024-01-26T09:26:53.000Z',
    modified_at: null,
    email: 'priya.raman@northwind.example',
    given_name: 'Priya',
    family_name: 'Raman',
    name: 'Priya Raman',
    phone: '+14155550123',
    job_title: 'Customer Success Manager',
    ...overrides,
  };
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

describe('success', () => {
  test('returns the contact as Stuut stored it', async () => {
    const { client } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, {
      job_title: 'Head of Customer Success',
      phone: null,
    });
    expect(contact).toEqual(em.contact(PRIYA));
    expect(contact).toMatchObject({
      id: PRIYA,
      job_title: 'Head of Customer Success',
      phone: null,
      email: 'priya.raman@northwind.example',
      modified_at: NOW.toISOString(),
    });
  });

  test('sends one PATCH with the bearer token and only the patch keys', async () => {
    const { client } = makeClient();
    await client.updateInternalContact(PRIYA, { job_title: 'VP, Success', phone: null });

    expect(em.requests).toHaveLength(1);
    const [seen] = em.requests;
    expect(seen?.method).toBe('PATCH');
    expect(seen?.rawPath).toBe(`/v2/internal-contacts/${encodeURIComponent(PRIYA)}`);
    expect(seen?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen?.rawBody ?? '')).toStrictEqual({
      job_title: 'VP, Success',
      phone: null,
    });
  });

  test('sends an empty object for an empty patch', async () => {
    const { client } = makeClient();
    await client.updateInternalContact(PRIYA, {});
    expect(em.requests[0]?.rawBody).toBe('{}');
  });

  test.each(['', '/', '//'])('base URL ending in %j gives the same path', async (suffix) => {
    const { client } = makeClient({ baseUrl: `${em.baseUrl}${suffix}` });
    await client.updateInternalContact(MARCUS, { given_name: 'Marc' });
    expect(em.requests.map((r) => r.rawPath)).toEqual([`/v2/internal-contacts/${MARCUS}`]);
  });

  test('keeps a path prefix of the base URL', async () => {
    const { client } = makeClient({ baseUrl: `${em.baseUrl}/stuut/` });
    // The emulator serves no prefix, so it answers 404: only the path it saw matters here.
    await failure(client, MARCUS);
    expect(em.requests.map((r) => r.rawPath)).toEqual([`/stuut/v2/internal-contacts/${MARCUS}`]);
  });

  test('tolerates unknown extra fields in the answer', async () => {
    em.failNext({
      kind: 'body',
      rawBody: JSON.stringify(fullContact({ internal_role: 'csm', tags: ['a'], remote_id: null })),
    });
    const { client } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'x' });
    expect(contact).toMatchObject({ id: PRIYA, email: 'priya.raman@northwind.example' });
  });
});

describe('invalid ids', () => {
  test.each([
    '../x',
    '..',
    'a/b',
    '',
    'a b',
    '%2e%2e',
    'x?y=1',
    'x#y',
    'ic_é',
    '-leading-dash',
    'a'.repeat(129),
  ])('%j is refused without any request', async (id) => {
    const { client } = makeClient();
    await failure(client, id);
    expect(em.requests).toHaveLength(0);
  });
});

describe('status mapping', () => {
  test('401: a refused token', async () => {
    const { client } = makeClient({ token: 'sk_wrong_token' });
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutHttpError);
    expect(error).toMatchObject({ status: 401, detail: 'Could not validate credentials' });
    expect(error.userMessage).toMatch(/token/i);
    expect(em.patchCount()).toBe(1);
  });

  test('403', async () => {
    em.failNext({ kind: 'status', status: 403, body: { detail: 'Not allowed' } });
    const { client } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutHttpError);
    expect(error).toMatchObject({ status: 403, detail: 'Not allowed' });
    expect(error.userMessage).toMatch(/token/i);
    expect(em.patchCount()).toBe(1);
  });

  test('404: an unknown contact', async () => {
    const { client } = makeClient();
    const error = await failure(client, 'ic_doesNotExist');
    expect(error).toBeInstanceOf(StuutHttpError);
    expect(error).toMatchObject({ status: 404, detail: 'Internal contact not found' });
    expect(em.patchCount()).toBe(1);
  });

  test('409: an email another contact has', async () => {
    const { client } = makeClient();
    const error = await failure(client, PRIYA, { email: 'marcus.oyelaran@northwind.example' });
    expect(error).toBeInstanceOf(StuutHttpError);
    expect(error).toMatchObject({
      status: 409,
      detail: 'An internal contact with this email already exists',
    });
    expect(error.userMessage).toContain('already exists');
    expect(em.patchCount()).toBe(1);
    expect(em.contact(PRIYA)?.email).toBe('priya.raman@northwind.example');
  });

  test('422 from the API: every field error lands on its field', async () => {
    const { client } = makeClient();
    const error = await failure(client, PRIYA, {
      email: 'not-an-email',
      phone: '12',
      job_title: 'x'.repeat(300),
    });
    expect(error).toBeInstanceOf(StuutHttpError);
    const http = error as StuutHttpError;
    expect(http.status).toBe(422);
    expect(Object.keys(http.fieldErrors).sort()).toEqual(['email', 'job_title', 'phone']);
    expect(http.fieldErrors.email).toMatch(/not a valid email/);
    expect(http.fieldErrors.phone).toMatch(/not a valid phone/);
    expect(http.fieldErrors.job_title).toMatch(/at most 255/);
    expect(http.otherErrors).toEqual([]);
    expect(em.patchCount()).toBe(1);
  });

  test('422: repeated, unknown and non-body locations', async () => {
    em.failNext({
      kind: 'status',
      status: 422,
      body: {
        detail: [
          { loc: ['body', 'given_name'], msg: 'too long', type: 'x' },
          { loc: ['body', 'given_name'], msg: 'bad characters', type: 'x' },
          { loc: ['body', 'family_name'], msg: 'required', type: 'x' },
          { loc: ['body'], msg: 'body is wrong', type: 'x' },
          { loc: ['body', 'nickname'], msg: 'unknown field', type: 'x' },
          { loc: ['query', 'phone'], msg: 'query phone', type: 'x' },
        ],
      },
    });
    const { client } = makeClient();
    const error = (await failure(client)) as StuutHttpError;
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual({
      given_name: 'too long; bad characters',
      family_name: 'required',
    });
    expect(error.otherErrors).toEqual(['body is wrong', 'unknown field', 'query phone']);
    expect(error.userMessage).toContain('body is wrong');
  });

  test.each([400, 403, 404, 405, 409, 422, 500, 501])('%i is not retried', async (status) => {
    em.failNext({ kind: 'status', status });
    const { client, waits } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutHttpError);
    expect((error as StuutHttpError).status).toBe(status);
    expect(em.patchCount()).toBe(1);
    expect(waits).toEqual([]);
  });

  test.each([429, 502, 503, 504])('%i is retried, then the save succeeds', async (status) => {
    em.failNext({ kind: 'status', status });
    const { client, waits } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'After retry' });
    expect(contact.job_title).toBe('After retry');
    expect(em.patchCount()).toBe(2);
    expect(waits).toHaveLength(1);
  });

  test('502, 503, 504 in a row, then success on the 4th attempt', async () => {
    em.failNext(
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503 },
      { kind: 'status', status: 504 },
    );
    const { client, waits } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'Fourth time' });
    expect(contact.job_title).toBe('Fourth time');
    expect(em.patchCount()).toBe(4);
    expect(waits).toHaveLength(3);
  });

  test('503 forever: exactly 4 attempts, then the last error', async () => {
    em.failAlways({ kind: 'status', status: 503 });
    const { client, waits } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutHttpError);
    expect((error as StuutHttpError).status).toBe(503);
    expect(em.patchCount()).toBe(4);
    expect(waits).toHaveLength(3);
  });

  test('429 forever without Retry-After: 4 attempts', async () => {
    em.failAlways({ kind: 'status', status: 429 });
    const { client } = makeClient();
    const error = (await failure(client)) as StuutHttpError;
    expect(error.status).toBe(429);
    expect(error.retryAfterSeconds).toBeNull();
    expect(em.patchCount()).toBe(4);
  });

  test('a custom maxAttempts is honoured', async () => {
    em.failAlways({ kind: 'status', status: 503 });
    const { client } = makeClient({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });
    await failure(client);
    expect(em.patchCount()).toBe(2);
  });
});

describe('Retry-After', () => {
  test('a delay in seconds inside the budget is waited out', async () => {
    em.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '2' } });
    const { client, waits } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'Later' });
    expect(contact.job_title).toBe('Later');
    expect(waits).toEqual([2000]);
    expect(em.patchCount()).toBe(2);
  });

  test('an HTTP date inside the budget is waited out', async () => {
    const now = NOW.getTime();
    em.failNext({
      kind: 'status',
      status: 503,
      headers: { 'Retry-After': new Date(now + 3000).toUTCString() },
    });
    const { client, waits } = makeClient({ now: () => now });
    await client.updateInternalContact(PRIYA, { job_title: 'Later' });
    expect(waits).toEqual([3000]);
    expect(em.patchCount()).toBe(2);
  });

  test('Retry-After: 0 retries at once', async () => {
    em.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '0' } });
    const { client, waits } = makeClient();
    await client.updateInternalContact(PRIYA, { job_title: 'Now' });
    expect(waits).toEqual([0]);
  });

  test.each(['60', '15', '3600'])(
    'Retry-After %s s beyond the budget stops at once',
    async (seconds) => {
      em.failAlways({ kind: 'status', status: 429, headers: { 'Retry-After': seconds } });
      const { client, waits } = makeClient();
      const error = (await failure(client)) as StuutHttpError;
      expect(error.status).toBe(429);
      expect(error.retryAfterSeconds).toBe(Number(seconds));
      expect(error.userMessage).toContain(seconds);
      expect(em.patchCount()).toBe(1);
      expect(waits).toEqual([]);
    },
  );

  test('a Retry-After beyond a smaller budget stops at once', async () => {
    em.failAlways({ kind: 'status', status: 503, headers: { 'Retry-After': '5' } });
    const { client, waits } = makeClient({ budgetMs: 5000 });
    await failure(client);
    expect(em.patchCount()).toBe(1);
    expect(waits).toEqual([]);
  });

  test.each(['soon', '1.5', '-1', 'Mon 1'])(
    'an unreadable Retry-After (%j) falls back to the backoff',
    async (value) => {
      em.failNext({ kind: 'status', status: 503, headers: { 'Retry-After': value } });
      const { client, waits } = makeClient({ random: () => 0.999 });
      await client.updateInternalContact(PRIYA, { job_title: 'x' });
      expect(waits).toEqual([249]);
    },
  );
});

describe('full jitter', () => {
  test.each([
    [0.999, [249, 499, 999]],
    [0.5, [125, 250, 500]],
    [0, [0, 0, 0]],
  ])('random() = %d gives delays %j', async (r, expected) => {
    em.failAlways({ kind: 'status', status: 503 });
    const { client, waits } = makeClient({ random: () => r });
    await failure(client);
    expect(waits).toEqual(expected);
  });

  test('delays stay under the cap, which stops doubling at maxDelayMs', async () => {
    em.failAlways({ kind: 'status', status: 502 });
    const { client, waits } = makeClient({
      random: () => 0.999,
      retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 300 },
      // Six failures in a row would open the default breaker at the fifth.
      circuit: new CircuitBreaker({ failureThreshold: 10 }),
    });
    await failure(client);
    expect(waits).toEqual([99, 199, 299, 299, 299]);
  });
});

describe('budget', () => {
  test('the overall budget ends the attempts before maxAttempts', async () => {
    // A fake clock that only the waits advance: the arithmetic is exact.
    let clock = NOW.getTime();
    em.failAlways({ kind: 'status', status: 503 });
    const waits: number[] = [];
    const { client } = makeClient({
      now: () => clock,
      random: () => 0.999,
      budgetMs: 1000,
      wait: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    const error = (await failure(client)) as StuutHttpError;
    expect(error.status).toBe(503);
    // 249 ms + one more attempt fit in 1000 ms; 249 + 499 + another attempt do not.
    expect(waits).toEqual([249]);
    expect(em.patchCount()).toBe(2);
  });

  test('a slow answer cannot outlast the budget', async () => {
    em.failNext({ kind: 'delay', ms: 4000 });
    const { client } = makeClient({ budgetMs: 1500 });
    const started = Date.now();
    const error = await failure(client);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(StuutUnavailableError);
    expect((error as StuutUnavailableError).reason).toBe('timeout');
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(3500);
    expect(em.patchCount()).toBe(1);
  });
});

describe('transport failures', () => {
  test('connection refused is retried, 4 attempts in all', async () => {
    const port = await closedPort();
    const { client, waits } = makeClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutUnavailableError);
    expect(error).toMatchObject({ reason: 'connect', attempts: 4 });
    expect(waits).toHaveLength(3);
    expect(error.userMessage).toMatch(/reach/i);
  });

  test('a connection reset is retried, then the save succeeds', async () => {
    em.failNext({ kind: 'reset' });
    const { client, waits } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'After reset' });
    expect(contact.job_title).toBe('After reset');
    expect(em.patchCount()).toBe(2);
    expect(waits).toHaveLength(1);
  });

  test('resets forever: 4 attempts, reason reset', async () => {
    em.failAlways({ kind: 'reset' });
    const { client } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutUnavailableError);
    expect(error).toMatchObject({ reason: 'reset', attempts: 4 });
    expect(em.patchCount()).toBe(4);
  });

  test('a reset in the middle of the body is retried', async () => {
    em.failNext({ kind: 'reset-mid-body' });
    const { client } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'Half' });
    expect(contact.job_title).toBe('Half');
    expect(em.patchCount()).toBe(2);
  });

  test('an answer slower than answerTimeoutMs is a timeout and is not retried', async () => {
    em.failNext({ kind: 'delay', ms: 4000 });
    const { client, waits } = makeClient({ answerTimeoutMs: 1500 });
    const started = Date.now();
    const error = await failure(client);
    expect(Date.now() - started).toBeLessThan(3900);
    expect(error).toBeInstanceOf(StuutUnavailableError);
    expect(error).toMatchObject({ reason: 'timeout', attempts: 1 });
    expect(error.userMessage).toMatch(/may or may not be saved/);
    expect(em.patchCount()).toBe(1);
    expect(waits).toEqual([]);
  });

  test('a 10 s answer is not a failure with the default timeouts', async () => {
    em.failNext({ kind: 'delay', ms: 10_000 });
    const { client } = makeClient();
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'Patient' });
    expect(contact.job_title).toBe('Patient');
    expect(em.patchCount()).toBe(1);
  }, 20_000);
});

describe('bad bodies', () => {
  test('an HTML 502 page is retried, then reported as HTTP 502', async () => {
    em.failAlways({
      kind: 'status',
      status: 502,
      rawBody: '<html><body><h1>502 Bad Gateway</h1></body></html>',
      contentType: 'text/html',
    });
    const { client } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutHttpError);
    expect(error).toMatchObject({ status: 502, detail: null, fieldErrors: {}, otherErrors: [] });
    expect(error.userMessage).not.toContain('<html');
    expect(em.patchCount()).toBe(4);
  });

  test.each([
    ['truncated JSON', '{"id": "ic_7Qm2xK9a", "email": "pri'],
    ['not JSON at all', 'OK'],
    ['an HTML page', '<html><body>Saved!</body></html>'],
    ['an empty body', ''],
  ])('200 with %s is an unexpected response, not retried', async (_what, rawBody) => {
    em.failNext({ kind: 'body', rawBody });
    const { client, waits } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutUnexpectedResponseError);
    expect((error as StuutUnexpectedResponseError).status).toBe(200);
    expect(em.patchCount()).toBe(1);
    expect(waits).toEqual([]);
  });

  test.each([
    ['email', (c: Record<string, unknown>) => delete c.email],
    ['phone', (c: Record<string, unknown>) => (c.phone = 5)],
    ['email', (c: Record<string, unknown>) => (c.email = null)],
    ['modified_at', (c: Record<string, unknown>) => delete c.modified_at],
    ['id', (c: Record<string, unknown>) => (c.id = 42)],
  ])('200 with a wrong %s names the field', async (field, spoil) => {
    const body = fullContact();
    spoil(body);
    em.failNext({ kind: 'body', rawBody: JSON.stringify(body) });
    const { client } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutUnexpectedResponseError);
    expect((error as StuutUnexpectedResponseError).problem).toContain(field);
    expect(error.message).toContain(field);
    expect(em.patchCount()).toBe(1);
  });

  test.each(['null', '[]', '"ok"'])('200 with JSON %s is an unexpected response', async (raw) => {
    em.failNext({ kind: 'body', rawBody: raw });
    const { client } = makeClient();
    const error = await failure(client);
    expect(error).toBeInstanceOf(StuutUnexpectedResponseError);
  });
});

describe('circuit breaker', () => {
  /** A client on a fake clock that only the test advances, with its breaker at hand. */
  function clientOnClock(options: Partial<StuutClientOptions> = {}) {
    let clock = NOW.getTime();
    const now = () => clock;
    const circuit = new CircuitBreaker({ now });
    const made = makeClient({ now, circuit, random: () => 0, ...options });
    return {
      ...made,
      circuit,
      advance(ms: number) {
        clock += ms;
      },
    };
  }

  test('5 failing attempts open it; then an update fails fast, sends nothing, and is not retried', async () => {
    em.failAlways({ kind: 'status', status: 503 });
    const { client, circuit, waits } = clientOnClock();

    // The first save: 4 attempts, 4 failures, still closed.
    const first = await failure(client);
    expect(first).toBeInstanceOf(StuutHttpError);
    expect(em.patchCount()).toBe(4);
    expect(circuit.state).toBe('closed');

    // The second save's first attempt is the 5th failure: it opens, and the save stops there.
    const second = (await failure(client)) as StuutCircuitOpenError;
    expect(second).toBeInstanceOf(StuutCircuitOpenError);
    expect(second).toMatchObject({ failures: 5, attempts: 1, probing: false });
    expect(second.cause).toBeInstanceOf(StuutHttpError);
    expect(second.userMessage).toContain('may not have been saved');
    expect(em.patchCount()).toBe(5);
    expect(circuit.state).toBe('open');

    // Every further save is refused before any request, with no wait and no retry.
    const waitsBefore = waits.length;
    for (let i = 0; i < 3; i++) {
      const refused = (await failure(client)) as StuutCircuitOpenError;
      expect(refused).toBeInstanceOf(StuutCircuitOpenError);
      expect(refused).toMatchObject({ failures: 5, attempts: 0, retryInSeconds: 30 });
      expect(refused.retryAt.toISOString()).toBe('2025-03-14T09:27:23.000Z');
      expect(refused.userMessage).toBe(
        'Stuut has failed 5 times in a row, so the bot stops sending to it for 30 s instead of making each of you wait. Nothing was sent, so nothing was saved. Try again after 09:27:23 UTC (in 30 s).',
      );
    }
    expect(em.patchCount()).toBe(5);
    expect(waits).toHaveLength(waitsBefore);
    const opened = logLines.filter((line) => line.includes('stuut circuit opened'));
    expect(opened).toHaveLength(1);
  });

  test('transport failures count: connection refused 4 times, then once more opens it', async () => {
    const port = await closedPort();
    const { client, circuit } = clientOnClock({ baseUrl: `http://127.0.0.1:${port}` });
    expect(await failure(client)).toMatchObject({ reason: 'connect', attempts: 4 });
    expect(circuit.failures).toBe(4);
    expect(await failure(client)).toMatchObject({ name: 'StuutCircuitOpenError', attempts: 1 });
    expect(await failure(client)).toMatchObject({ name: 'StuutCircuitOpenError', attempts: 0 });
  });

  test('4xx answers do not count and end a run: 4 × 500, a 404, 4 × 500 leave it closed', async () => {
    const { client, circuit } = clientOnClock();
    for (let i = 0; i < 4; i++) em.failNext({ kind: 'status', status: 500 });
    for (let i = 0; i < 4; i++) await failure(client);
    await failure(client, 'ic_doesNotExist');
    for (let i = 0; i < 4; i++) em.failNext({ kind: 'status', status: 500 });
    for (let i = 0; i < 4; i++) await failure(client);
    expect(circuit.state).toBe('closed');
    expect(em.patchCount()).toBe(9);
    const contact = await client.updateInternalContact(PRIYA, { job_title: 'Still closed' });
    expect(contact.job_title).toBe('Still closed');
  });

  test.each([400, 401, 403, 404, 409, 422, 429])(
    'a run of %i answers never opens it',
    async (status) => {
      em.failAlways({ kind: 'status', status });
      const { client, circuit } = clientOnClock({ budgetMs: 60_000 });
      for (let i = 0; i < 6; i++) await failure(client);
      expect(circuit.state).toBe('closed');
      expect(em.patchCount()).toBe(status === 429 ? 24 : 6);
    },
  );

  test('after 30 s exactly one request probes; a success closes it', async () => {
    for (let i = 0; i < 5; i++) em.failNext({ kind: 'status', status: 500 });
    const { client, circuit, advance } = clientOnClock();
    for (let i = 0; i < 5; i++) await failure(client);
    expect(circuit.state).toBe('open');
    expect(em.patchCount()).toBe(5);

    advance(30_000);
    em.failNext({ kind: 'delay', ms: 300 });
    const probe = client.updateInternalContact(PRIYA, { job_title: 'Probe' });
    // While the probe is out, others are refused without a request.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const meanwhile = (await failure(client)) as StuutCircuitOpenError;
    expect(meanwhile).toMatchObject({ probing: true, attempts: 0 });
    expect((await probe).job_title).toBe('Probe');
    expect(em.patchCount()).toBe(6);
    expect(circuit.state).toBe('closed');

    const after = await client.updateInternalContact(PRIYA, { job_title: 'Closed again' });
    expect(after.job_title).toBe('Closed again');
    expect(em.patchCount()).toBe(7);
  });

  test('a failed probe is one request, not retried, and opens it for another 30 s', async () => {
    em.failAlways({ kind: 'status', status: 503 });
    const { client, circuit, advance, waits } = clientOnClock();
    await failure(client);
    await failure(client);
    expect(em.patchCount()).toBe(5);

    advance(29_999);
    expect((await failure(client)) as StuutCircuitOpenError).toMatchObject({ attempts: 0 });
    expect(em.patchCount()).toBe(5);

    advance(1);
    const waitsBefore = waits.length;
    const probe = (await failure(client)) as StuutCircuitOpenError;
    expect(probe).toBeInstanceOf(StuutCircuitOpenError);
    expect(probe).toMatchObject({ attempts: 1, failures: 6, retryInSeconds: 30 });
    expect(em.patchCount()).toBe(6);
    expect(waits).toHaveLength(waitsBefore);
    expect(circuit.state).toBe('open');

    advance(29_999);
    await failure(client);
    expect(em.patchCount()).toBe(6);
    advance(1);
    em.failAlways(undefined);
    const healed = await client.updateInternalContact(PRIYA, { job_title: 'Healed' });
    expect(healed.job_title).toBe('Healed');
    expect(em.patchCount()).toBe(7);
  });

  test('each client has its own breaker by default', async () => {
    em.failAlways({ kind: 'status', status: 503 });
    const { client: a } = makeClient({ random: () => 0 });
    await failure(a);
    await failure(a);
    expect(await failure(a)).toBeInstanceOf(StuutCircuitOpenError);
    em.failAlways(undefined);
    const { client: b } = makeClient();
    const contact = await b.updateInternalContact(PRIYA, { job_title: 'Other process' });
    expect(contact.job_title).toBe('Other process');
  });
});

describe('attempt counts are pinned', () => {
  test.each([
    [502, 4],
    [503, 4],
    [504, 4],
    [429, 4],
    [500, 1],
    [501, 1],
  ])('%i for good: %i attempts, never more', async (status, attempts) => {
    em.failAlways({ kind: 'status', status });
    const { client } = makeClient({ random: () => 0 });
    await failure(client);
    expect(em.patchCount()).toBe(attempts);
  });

  test('without the budget a 15 s Retry-After would be waited out: the default budget stops it', async () => {
    // With an unbounded budget the same answer is waited out, so this test pins the budget.
    em.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '15' } });
    const bounded = makeClient();
    const error = (await failure(bounded.client)) as StuutHttpError;
    expect(error.status).toBe(429);
    expect(bounded.waits).toEqual([]);
    expect(em.patchCount()).toBe(1);

    em.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '15' } });
    const unbounded = makeClient({ budgetMs: 60_000 });
    const saved = await unbounded.client.updateInternalContact(PRIYA, { job_title: 'Waited' });
    expect(saved.job_title).toBe('Waited');
    expect(unbounded.waits).toEqual([15_000]);
  });
});

describe('messages', () => {
  test('every error kind has a non-empty user message without the token', () => {
    const errors: StuutError[] = [
      ...[400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504].map(
        (status) => new StuutHttpError(status, null, {}, [], null),
      ),
      new StuutHttpError(422, null, { phone: 'bad' }, ['other'], null),
      new StuutHttpError(429, null, {}, [], 30),
      ...(['connect', 'reset', 'timeout'] as const).map(
        (reason) => new StuutUnavailableError(reason, 2, { cause: new Error('boom') }),
      ),
      new StuutUnexpectedResponseError(200, 'unexpected fields: email'),
      new StuutCircuitOpenError(5, NOW, 30, 0, false, 30),
      new StuutCircuitOpenError(6, NOW, 30, 1, false, 30, { cause: new Error('boom') }),
      new StuutCircuitOpenError(5, NOW, 30, 0, true, 5),
    ];
    for (const error of errors) expectNoToken(error);
  });
});

test('the emulator seed is what these tests assume', () => {
  const byId = new Map<string, StuutContact>(em.contacts().map((c) => [c.id, c]));
  expect(byId.get(PRIYA)?.email).toBe('priya.raman@northwind.example');
  expect(byId.get(MARCUS)?.email).toBe('marcus.oyelaran@northwind.example');
});
