import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { inspect } from 'node:util';
import type { NewAssignmentBody, Role } from '../../src/domain/assignment';
import { createLogger } from '../../src/logger';
import { CircuitBreaker } from '../../src/stuut/circuit';
import {
  createStuutClient,
  type StuutClient,
  type StuutClientOptions,
} from '../../src/stuut/client';
import {
  InvalidAssignmentIdError,
  InvalidPartnerIdError,
  InvalidRoleError,
  StuutCircuitOpenError,
  StuutError,
  StuutHttpError,
  StuutOutcomeUnknownError,
  StuutUnavailableError,
  StuutUnexpectedResponseError,
  surelyNotApplied,
} from '../../src/stuut/errors';

/*
 * The create, assign and role-change requests against a small local HTTP server (real
 * loopback sockets), so that every fault is exactly the one a test asks for.
 */

// Distinctive, so that any leak into a message or a log line is unmistakable.
const TOKEN = 'sk_live_LEAKCHECK_7Yb2Kq';
const EMAIL = 'hannah.okafor.leakcheck@northwind.example';
const PHONE = '+14155550199';
const PARTNER = 'ptn_abc123';
const ASSIGNMENT = 'ica_9Xk2Lm';

const NEW_HANNAH: NewAssignmentBody = {
  email: EMAIL,
  internal_role: 'csm',
  given_name: 'Hannah',
  family_name: 'Okafor',
  phone: PHONE,
  job_title: 'Customer Success Manager',
};

function assignmentJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: ASSIGNMENT,
    object: 'internal_contact_assignment',
    created_at: '2025-03-14T09:26:53.000Z',
    modified_at: null,
    partner_id: null,
    internal_role: 'csm',
    remote_id: null,
    internal_contact: {
      id: 'ic_5Hn0kF4r',
      object: 'internal_contact',
      created_at: '2025-03-14T09:26:53.000Z',
      modified_at: null,
      email: EMAIL,
      given_name: 'Hannah',
      family_name: 'Okafor',
      name: null,
      phone: PHONE,
      job_title: 'Customer Success Manager',
    },
    ...overrides,
  };
}

interface Seen {
  method: string;
  rawPath: string;
  headers: IncomingMessage['headers'];
  rawBody: string;
}

/** What the server does with one request, after reading all of it. */
type Fault =
  | {
      kind: 'status';
      status: number;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    }
  /** TCP RST after reading the request, without answering. */
  | { kind: 'reset' }
  /** A plain close (FIN) after reading the request, without answering. */
  | { kind: 'close' }
  /** Never answers. */
  | { kind: 'hang' };

/** A stand-in for Stuut: answers each request with the next queued fault, else with `success`. */
class FakeStuut {
  readonly requests: Seen[] = [];
  readonly #queue: Fault[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #server = createHttpServer((req, res) => this.#handle(req, res));
  success: (seen: Seen) => { status: number; body: unknown } = (seen) => ({
    status: seen.method === 'POST' ? 201 : 200,
    body: assignmentJson(),
  });

  private constructor() {
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(port = 0): Promise<FakeStuut> {
    const fake = new FakeStuut();
    await new Promise<void>((resolve, reject) => {
      fake.#server.once('error', reject);
      fake.#server.listen(port, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  failNext(...faults: Fault[]): void {
    this.#queue.push(...faults);
  }

  count(method: string): number {
    return this.requests.filter((r) => r.method === method).length;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    return closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: Seen = {
        method: req.method ?? '',
        rawPath: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(seen);
      const fault = this.#queue.shift();
      if (fault === undefined) {
        const { status, body } = this.success(seen);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
        return;
      }
      switch (fault.kind) {
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case 'close':
          req.socket.destroy();
          return;
        case 'hang':
          return;
        case 'status': {
          const text =
            fault.rawBody ?? JSON.stringify(fault.body ?? { detail: `HTTP ${fault.status}` });
          res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
          res.end(text);
        }
      }
    });
  }
}

/** A port nothing listens on (it listened a moment ago, so nothing else took it yet). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let stuut: FakeStuut;
let servers: FakeStuut[];
let clients: StuutClient[];
let logLines: string[];

beforeEach(async () => {
  stuut = await FakeStuut.start();
  servers = [stuut];
  clients = [];
  logLines = [];
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
  // Failed attempts are logged; no line may carry the token or a body value.
  const logs = logLines.join('');
  for (const secret of [TOKEN, EMAIL, PHONE, 'Okafor']) expect(logs).not.toContain(secret);
});

/** A client whose waits are recorded (and may run a hook) instead of slept. */
function makeClient(
  options: Partial<StuutClientOptions> = {},
  onWait: (ms: number) => Promise<void> | void = () => {},
) {
  const waits: number[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const client = createStuutClient({
    baseUrl: stuut.baseUrl,
    token: TOKEN,
    logger,
    wait: async (ms) => {
      waits.push(ms);
      await onWait(ms);
    },
    ...options,
  });
  clients.push(client);
  return { client, waits };
}

/** Awaits a call expected to fail, and checks the error leaks no token and has a message. */
async function failure(call: Promise<unknown>): Promise<StuutError> {
  const error: unknown = await call.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StuutError);
  const stuutError = error as StuutError;
  expect(stuutError.userMessage.trim()).not.toBe('');
  for (const text of [stuutError.message, stuutError.userMessage, inspect(stuutError)]) {
    expect(text).not.toContain(TOKEN);
  }
  return stuutError;
}

function logged(message: string): Record<string, unknown>[] {
  return logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.msg === message);
}

describe('create: POST /v2/internal-contacts', () => {
  test.each([201, 200])('a %i answer is parsed into the assignment', async (status) => {
    stuut.success = () => ({ status, body: assignmentJson({ extra_key: 'tolerated' }) });
    const { client } = makeClient();
    const created = await client.createInternalContact(NEW_HANNAH);
    expect(created).toMatchObject({
      id: ASSIGNMENT,
      partner_id: null,
      internal_role: 'csm',
      internal_contact: { email: EMAIL, phone: PHONE },
    });
    expect(stuut.requests).toHaveLength(1);
    const [seen] = stuut.requests;
    expect(seen?.method).toBe('POST');
    expect(seen?.rawPath).toBe('/v2/internal-contacts');
    expect(seen?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen?.headers['content-type']).toBe('application/json');
    // A POST goes out on a fresh connection, never on a kept-alive socket that may be stale.
    expect(seen?.headers.connection).toBe('close');
    expect(JSON.parse(seen?.rawBody ?? '')).toStrictEqual({
      email: EMAIL,
      internal_role: 'csm',
      given_name: 'Hannah',
      family_name: 'Okafor',
      phone: PHONE,
      job_title: 'Customer Success Manager',
    });
  });

  test('sends only the documented keys: absent fields stay out, stray keys are dropped', async () => {
    const { client } = makeClient();
    const body = { email: EMAIL, internal_role: 'lead', job_title: undefined, nickname: 'H' };
    await client.createInternalContact(body as unknown as NewAssignmentBody);
    expect(stuut.requests[0]?.rawBody).toBe(`{"email":"${EMAIL}","internal_role":"lead"}`);
  });

  test('a base URL with a trailing slash and a prefix keeps one path', async () => {
    const { client } = makeClient({ baseUrl: `${stuut.baseUrl}/stuut//` });
    await client.createInternalContact(NEW_HANNAH);
    expect(stuut.requests.map((r) => r.rawPath)).toEqual(['/stuut/v2/internal-contacts']);
  });

  test('a role outside ROLES is refused before any request', async () => {
    const { client } = makeClient();
    const error = await failure(
      client.createInternalContact({ ...NEW_HANNAH, internal_role: 'boss' as Role }),
    );
    expect(error).toBeInstanceOf(InvalidRoleError);
    expect(error.userMessage).toContain('Account manager');
    expect(surelyNotApplied(error)).toBe(true);
    expect(stuut.requests).toHaveLength(0);
  });

  test("422: FastAPI's field errors land on their fields", async () => {
    stuut.failNext({
      kind: 'status',
      status: 422,
      body: {
        detail: [
          { loc: ['body', 'phone'], msg: 'value is not a valid phone number', type: 'value_error' },
          {
            loc: ['body', 'email'],
            msg: 'value is not a valid email address',
            type: 'value_error',
          },
          { loc: ['body', 'internal_role'], msg: 'Input should be a role', type: 'enum' },
        ],
      },
    });
    const { client, waits } = makeClient();
    const error = (await failure(client.createInternalContact(NEW_HANNAH))) as StuutHttpError;
    expect(error).toBeInstanceOf(StuutHttpError);
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual({
      phone: 'value is not a valid phone number',
      email: 'value is not a valid email address',
    });
    // The role is not a contact field: its message is among the others.
    expect(error.otherErrors).toEqual(['Input should be a role']);
    expect(surelyNotApplied(error)).toBe(true);
    expect(stuut.count('POST')).toBe(1);
    expect(waits).toEqual([]);
  });

  test('409: a duplicate email is an HTTP error, surely not applied, not retried', async () => {
    stuut.failNext({
      kind: 'status',
      status: 409,
      body: { detail: 'An internal contact with this email already exists' },
    });
    const { client } = makeClient();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutHttpError);
    expect(error).toMatchObject({
      status: 409,
      detail: 'An internal contact with this email already exists',
    });
    expect(error.userMessage).toContain('already exists');
    expect(surelyNotApplied(error)).toBe(true);
    expect(stuut.count('POST')).toBe(1);
  });

  test('404: names no contact id (the path has none)', async () => {
    stuut.failNext({ kind: 'status', status: 404, body: { detail: 'Not Found' } });
    const { client } = makeClient();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toMatchObject({ status: 404, resource: 'endpoint' });
    expect(error.userMessage).not.toContain('internal contact with that id');
    expect(error.userMessage).toContain('address');
  });

  test.each(['reset', 'close'] as const)(
    'exactly 1 POST after a connection %s: the outcome is unknown',
    async (kind) => {
      stuut.failNext({ kind });
      const { client, waits } = makeClient();
      const error = await failure(client.createInternalContact(NEW_HANNAH));
      expect(error).toBeInstanceOf(StuutOutcomeUnknownError);
      expect(error).toMatchObject({ action: 'create', reason: 'reset', status: null, attempts: 1 });
      expect(error.cause).toBeInstanceOf(StuutUnavailableError);
      expect(error.userMessage).toBe(
        'The connection to Stuut broke, so the contact may or may not have been created. Check the Stuut app before trying again: trying again may create a duplicate.',
      );
      expect(surelyNotApplied(error)).toBe(false);
      expect(stuut.count('POST')).toBe(1);
      expect(waits).toEqual([]);
      expect(logged('stuut outcome unknown: not retried')).toEqual([
        expect.objectContaining({ operation: 'create', attempt: 1, transport: 'reset' }),
      ]);
    },
  );

  test.each([500, 501, 502, 503, 504])('exactly 1 POST after a %i', async (status) => {
    stuut.failNext({ kind: 'status', status, headers: { 'Retry-After': '1' } });
    const { client, waits } = makeClient();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutOutcomeUnknownError);
    expect(error).toMatchObject({ action: 'create', reason: 'server', status });
    expect(error.cause).toBeInstanceOf(StuutHttpError);
    expect(error.userMessage).toBe(
      `Stuut had a problem (HTTP ${status}), so the contact may or may not have been created. Check the Stuut app before trying again: trying again may create a duplicate.`,
    );
    expect(surelyNotApplied(error)).toBe(false);
    expect(stuut.count('POST')).toBe(1);
    expect(waits).toEqual([]);
  });

  test('an HTML 502 page: still 1 POST, still unknown', async () => {
    stuut.failNext({ kind: 'status', status: 502, rawBody: '<html><h1>Bad Gateway</h1></html>' });
    const { client } = makeClient();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toMatchObject({ reason: 'server', status: 502 });
    expect(error.userMessage).not.toContain('<html');
    expect(stuut.count('POST')).toBe(1);
  });

  test('exactly 1 POST after a timeout', async () => {
    stuut.failNext({ kind: 'hang' });
    const { client, waits } = makeClient({ answerTimeoutMs: 300 });
    const started = Date.now();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(StuutOutcomeUnknownError);
    expect(error).toMatchObject({ action: 'create', reason: 'timeout', status: null });
    expect(error.userMessage).toBe(
      'Stuut did not answer in time, so the contact may or may not have been created. Check the Stuut app before trying again: trying again may create a duplicate.',
    );
    expect(stuut.count('POST')).toBe(1);
    expect(waits).toEqual([]);
  });

  test('a timeout of the whole budget is a timeout too: 1 POST', async () => {
    stuut.failNext({ kind: 'hang' });
    const { client } = makeClient({ budgetMs: 400 });
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toMatchObject({ name: 'StuutOutcomeUnknownError', reason: 'timeout' });
    expect(stuut.count('POST')).toBe(1);
  });

  test('2 POSTs after a connection failure followed by success', async () => {
    // Nothing listens on the port at first; the server starts there while the client waits.
    const port = await closedPort();
    const { client, waits } = makeClient({ baseUrl: `http://127.0.0.1:${port}` }, async () => {
      if (servers.length === 1) servers.push(await FakeStuut.start(port));
    });
    const created = await client.createInternalContact(NEW_HANNAH);
    expect(created.id).toBe(ASSIGNMENT);
    expect(waits).toHaveLength(1);
    const late = servers[1];
    // The refused attempt sent nothing; the second one is the only POST Stuut saw.
    expect(late?.count('POST')).toBe(1);
    expect(stuut.requests).toHaveLength(0);
    expect(logged('stuut attempt failed')).toEqual([
      expect.objectContaining({ operation: 'create', attempt: 1, transport: 'connect' }),
    ]);
  });

  test('connection refused every time: 4 attempts, then "nothing was sent"', async () => {
    const port = await closedPort();
    const { client, waits } = makeClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutUnavailableError);
    expect(error).toMatchObject({ reason: 'connect', attempts: 4, nothingApplied: true });
    expect(error.userMessage).toContain('nothing was sent');
    expect(surelyNotApplied(error)).toBe(true);
    expect(waits).toHaveLength(3);
  });

  test('a connection failure, then a reset: 1 POST reached Stuut, and its outcome is unknown', async () => {
    const port = await closedPort();
    const { client } = makeClient({ baseUrl: `http://127.0.0.1:${port}` }, async () => {
      if (servers.length === 1) {
        const late = await FakeStuut.start(port);
        late.failNext({ kind: 'reset' }, { kind: 'status', status: 503 });
        servers.push(late);
      }
    });
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toMatchObject({ name: 'StuutOutcomeUnknownError', reason: 'reset', attempts: 2 });
    expect(servers[1]?.count('POST')).toBe(1);
  });

  test('429 with Retry-After: 1, then success: 2 POSTs, 1 s waited', async () => {
    stuut.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    const { client, waits } = makeClient();
    const created = await client.createInternalContact(NEW_HANNAH);
    expect(created.id).toBe(ASSIGNMENT);
    expect(waits).toEqual([1000]);
    expect(stuut.count('POST')).toBe(2);
  });

  test('429 without Retry-After: backoff, then success', async () => {
    stuut.failNext({ kind: 'status', status: 429 });
    const { client, waits } = makeClient({ random: () => 0.5 });
    const created = await client.createInternalContact(NEW_HANNAH);
    expect(created.id).toBe(ASSIGNMENT);
    expect(waits).toEqual([125]);
    expect(stuut.count('POST')).toBe(2);
  });

  test('429 with a Retry-After beyond the budget stops at once, surely not applied', async () => {
    stuut.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '60' } });
    const { client, waits } = makeClient();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 60 });
    expect(error.userMessage).toContain('Nothing was saved');
    expect(surelyNotApplied(error)).toBe(true);
    expect(waits).toEqual([]);
    expect(stuut.count('POST')).toBe(1);
  });

  test('429 then 503: the second POST is the last', async () => {
    stuut.failNext({ kind: 'status', status: 429 }, { kind: 'status', status: 503 });
    const { client } = makeClient({ random: () => 0 });
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toMatchObject({ name: 'StuutOutcomeUnknownError', status: 503, attempts: 2 });
    expect(stuut.count('POST')).toBe(2);
  });

  test.each([
    ['not JSON', '<html>Created</html>', 'not JSON'],
    [
      'no internal_contact',
      JSON.stringify(assignmentJson({ internal_contact: undefined })),
      'internal_contact',
    ],
    [
      'a contact without email',
      JSON.stringify(assignmentJson({ internal_contact: { id: 'x' } })),
      'internal_contact.email',
    ],
    [
      'no partner_id key',
      JSON.stringify({ ...assignmentJson(), partner_id: undefined }),
      'partner_id',
    ],
  ])('201 with %s is an unexpected response, not retried', async (_what, rawBody, problem) => {
    stuut.failNext({ kind: 'status', status: 201, rawBody });
    const { client, waits } = makeClient();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutUnexpectedResponseError);
    expect((error as StuutUnexpectedResponseError).problem).toContain(problem);
    expect(surelyNotApplied(error)).toBe(false);
    expect(stuut.count('POST')).toBe(1);
    expect(waits).toEqual([]);
  });

  test('401: the token is refused, nothing saved', async () => {
    stuut.failNext({
      kind: 'status',
      status: 401,
      body: { detail: 'Could not validate credentials' },
    });
    const { client } = makeClient();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toMatchObject({ status: 401 });
    expect(error.userMessage).toMatch(/token/);
    expect(surelyNotApplied(error)).toBe(true);
  });
});

describe('assign: POST /v2/partners/{partner_id}/internal-contacts', () => {
  test('posts to the percent-encoded partner path and parses the assignment', async () => {
    stuut.success = () => ({ status: 201, body: assignmentJson({ partner_id: PARTNER }) });
    const { client } = makeClient();
    const made = await client.assignToPartner(PARTNER, {
      email: EMAIL,
      internal_role: 'account_manager',
    });
    expect(made).toMatchObject({ partner_id: PARTNER, internal_contact: { email: EMAIL } });
    expect(stuut.requests).toHaveLength(1);
    const [seen] = stuut.requests;
    expect(seen?.method).toBe('POST');
    expect(seen?.rawPath).toBe(`/v2/partners/${encodeURIComponent(PARTNER)}/internal-contacts`);
    expect(JSON.parse(seen?.rawBody ?? '')).toStrictEqual({
      email: EMAIL,
      internal_role: 'account_manager',
    });
  });

  test.each([
    '',
    'abc123',
    'ptn_',
    'PTN_abc',
    'ptn_a/b',
    'ptn_../x',
    'ptn_%2F',
    'ptn_a?b=1',
    'ptn_a#b',
    'ptn_a b',
    ' ptn_abc',
    'ptn_é',
    `ptn_${'a'.repeat(125)}`,
  ])('%j is refused with InvalidPartnerIdError, 0 requests', async (partnerId) => {
    const { client } = makeClient();
    const error = await failure(client.assignToPartner(partnerId, NEW_HANNAH));
    expect(error).toBeInstanceOf(InvalidPartnerIdError);
    expect(error.userMessage).toContain('so nothing was sent');
    expect(error.userMessage).toContain('ptn_');
    expect(surelyNotApplied(error)).toBe(true);
    expect(stuut.requests).toHaveLength(0);
  });

  test('the longest valid partner id is sent', async () => {
    const { client } = makeClient();
    const longest = `ptn_${'a'.repeat(124)}`;
    await client.assignToPartner(longest, NEW_HANNAH);
    expect(stuut.requests[0]?.rawPath).toBe(`/v2/partners/${longest}/internal-contacts`);
  });

  test('exactly 1 POST after a reset', async () => {
    stuut.failNext({ kind: 'reset' });
    const { client, waits } = makeClient();
    const error = await failure(client.assignToPartner(PARTNER, NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutOutcomeUnknownError);
    expect(error).toMatchObject({ action: 'assign', reason: 'reset', status: null });
    expect(error.userMessage).toBe(
      'The connection to Stuut broke, so the assignment may or may not have been made. Check the Stuut app before trying again: trying again may create a duplicate.',
    );
    expect(surelyNotApplied(error)).toBe(false);
    expect(stuut.count('POST')).toBe(1);
    expect(waits).toEqual([]);
    expect(logged('stuut outcome unknown: not retried')).toEqual([
      expect.objectContaining({ operation: 'assign', partnerId: PARTNER }),
    ]);
  });

  test('exactly 1 POST after a 503, and after a timeout', async () => {
    stuut.failNext({ kind: 'status', status: 503 }, { kind: 'hang' });
    const { client } = makeClient({ answerTimeoutMs: 300 });
    expect(await failure(client.assignToPartner(PARTNER, NEW_HANNAH))).toMatchObject({
      action: 'assign',
      reason: 'server',
      status: 503,
    });
    expect(await failure(client.assignToPartner(PARTNER, NEW_HANNAH))).toMatchObject({
      action: 'assign',
      reason: 'timeout',
    });
    expect(stuut.count('POST')).toBe(2);
  });

  test('2 POSTs after a connection failure followed by success', async () => {
    const port = await closedPort();
    const { client } = makeClient({ baseUrl: `http://127.0.0.1:${port}` }, async () => {
      if (servers.length === 1) servers.push(await FakeStuut.start(port));
    });
    await client.assignToPartner(PARTNER, NEW_HANNAH);
    expect(servers[1]?.count('POST')).toBe(1);
  });

  test('429 with Retry-After: 1, then success', async () => {
    stuut.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    const { client, waits } = makeClient();
    await client.assignToPartner(PARTNER, NEW_HANNAH);
    expect(waits).toEqual([1000]);
    expect(stuut.count('POST')).toBe(2);
  });

  test('404: Stuut has no such partner', async () => {
    stuut.failNext({ kind: 'status', status: 404, body: { detail: 'Partner not found' } });
    const { client } = makeClient();
    const error = await failure(client.assignToPartner(PARTNER, NEW_HANNAH));
    expect(error).toMatchObject({ status: 404, resource: 'partner', detail: 'Partner not found' });
    expect(error.userMessage).toBe('Stuut has no partner with that id.');
    expect(surelyNotApplied(error)).toBe(true);
    expect(stuut.count('POST')).toBe(1);
  });
});

describe('role change: PATCH /v2/partners/{partner_id}/internal-contacts/{assignment_id}', () => {
  const path = `/v2/partners/${PARTNER}/internal-contacts/${ASSIGNMENT}`;

  test('the body is exactly {"internal_role": role}', async () => {
    stuut.success = () => ({
      status: 200,
      body: assignmentJson({ partner_id: PARTNER, internal_role: 'co_lead' }),
    });
    const { client } = makeClient();
    const changed = await client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'co_lead');
    expect(changed).toMatchObject({ id: ASSIGNMENT, internal_role: 'co_lead' });
    expect(stuut.requests).toHaveLength(1);
    const [seen] = stuut.requests;
    expect(seen?.method).toBe('PATCH');
    expect(seen?.rawPath).toBe(path);
    expect(seen?.rawBody).toBe('{"internal_role":"co_lead"}');
    expect(seen?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  test('a role Stuut added since is accepted in the answer', async () => {
    stuut.success = () => ({ status: 200, body: assignmentJson({ internal_role: 'sponsor' }) });
    const { client } = makeClient();
    const changed = await client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'lead');
    expect(changed.internal_role).toBe('sponsor');
  });

  test('a 503 then 200: 2 PATCHes (idempotent retry)', async () => {
    stuut.failNext({ kind: 'status', status: 503 });
    const { client, waits } = makeClient();
    await client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'csm');
    expect(stuut.count('PATCH')).toBe(2);
    expect(waits).toHaveLength(1);
    expect(logged('stuut attempt failed')).toEqual([
      expect.objectContaining({
        operation: 'role',
        partnerId: PARTNER,
        assignmentId: ASSIGNMENT,
        status: 503,
      }),
    ]);
  });

  test('a reset then 200: 2 PATCHes', async () => {
    stuut.failNext({ kind: 'reset' });
    const { client } = makeClient();
    await client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'csm');
    expect(stuut.count('PATCH')).toBe(2);
  });

  test('a timeout is not retried and is the update\'s "may or may not"', async () => {
    stuut.failNext({ kind: 'hang' });
    const { client } = makeClient({ answerTimeoutMs: 300 });
    const error = await failure(client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'csm'));
    expect(error).toMatchObject({ name: 'StuutUnavailableError', reason: 'timeout', attempts: 1 });
    expect(stuut.count('PATCH')).toBe(1);
  });

  test('503 forever: 4 PATCHes, then the HTTP error', async () => {
    for (let i = 0; i < 4; i++) stuut.failNext({ kind: 'status', status: 503 });
    const { client } = makeClient({ random: () => 0 });
    const error = await failure(client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'csm'));
    expect(error).toMatchObject({ name: 'StuutHttpError', status: 503 });
    expect(stuut.count('PATCH')).toBe(4);
  });

  test('404: no such assignment (or partner)', async () => {
    stuut.failNext({ kind: 'status', status: 404 });
    const { client } = makeClient();
    const error = await failure(client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'csm'));
    expect(error).toMatchObject({ status: 404, resource: 'assignment' });
    expect(error.userMessage).toBe('Stuut has no such assignment (or partner).');
  });

  test.each([
    ['ptn_a/b', ASSIGNMENT, 'csm', InvalidPartnerIdError],
    ['ic_7Qm2xK9a', ASSIGNMENT, 'csm', InvalidPartnerIdError],
    [PARTNER, '../x', 'csm', InvalidAssignmentIdError],
    [PARTNER, '', 'csm', InvalidAssignmentIdError],
    [PARTNER, 'a?b', 'csm', InvalidAssignmentIdError],
    [PARTNER, ASSIGNMENT, 'CSM', InvalidRoleError],
    [PARTNER, ASSIGNMENT, '', InvalidRoleError],
  ])('%j / %j / %j is refused before any request', async (partnerId, assignmentId, role, type) => {
    const { client } = makeClient();
    const error = await failure(client.changeAssignmentRole(partnerId, assignmentId, role as Role));
    expect(error).toBeInstanceOf(type);
    expect(error.userMessage).toContain('nothing was sent');
    expect(surelyNotApplied(error)).toBe(true);
    expect(stuut.requests).toHaveLength(0);
  });
});

describe('circuit breaker', () => {
  function clientOnClock() {
    let clock = Date.parse('2025-03-14T09:26:53.000Z');
    const now = () => clock;
    const circuit = new CircuitBreaker({ now });
    return {
      ...makeClient({ now, circuit, random: () => 0 }),
      circuit,
      advance: (ms: number) => (clock += ms),
    };
  }

  test('an open circuit refuses a create before any request: nothing sent', async () => {
    const { client, circuit } = clientOnClock();
    for (let i = 0; i < 5; i++) circuit.recordFailure();
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutCircuitOpenError);
    expect(error).toMatchObject({ attempts: 0, nothingApplied: true });
    expect(surelyNotApplied(error)).toBe(true);
    expect(stuut.requests).toHaveLength(0);
  });

  test('a 503 that opens the circuit: the POST is still "may or may not", 1 request', async () => {
    const { client, circuit } = clientOnClock();
    for (let i = 0; i < 4; i++) circuit.recordFailure();
    stuut.failNext({ kind: 'status', status: 503 });
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutOutcomeUnknownError);
    expect(error).toMatchObject({ reason: 'server', status: 503 });
    expect(circuit.state).toBe('open');
    expect(stuut.count('POST')).toBe(1);
    expect(logged('stuut circuit opened: failing fast')).toHaveLength(1);
  });

  test('connection failures that open the circuit: refused, and surely nothing applied', async () => {
    const port = await closedPort();
    const clock = 0;
    const circuit = new CircuitBreaker({ now: () => clock, failureThreshold: 2 });
    const { client } = makeClient({
      baseUrl: `http://127.0.0.1:${port}`,
      now: () => clock,
      circuit,
    });
    const error = await failure(client.createInternalContact(NEW_HANNAH));
    expect(error).toBeInstanceOf(StuutCircuitOpenError);
    expect(error).toMatchObject({ attempts: 2, nothingApplied: true });
    expect(error.cause).toMatchObject({ reason: 'connect' });
    expect(error.userMessage).toContain('nothing was saved');
    expect(surelyNotApplied(error)).toBe(true);
  });

  test("a role change after a failure that opened it: the update's wording, may not be saved", async () => {
    const { client, circuit } = clientOnClock();
    for (let i = 0; i < 4; i++) circuit.recordFailure();
    stuut.failNext({ kind: 'status', status: 503 });
    const error = await failure(client.changeAssignmentRole(PARTNER, ASSIGNMENT, 'csm'));
    expect(error).toBeInstanceOf(StuutCircuitOpenError);
    expect(error).toMatchObject({ attempts: 1, nothingApplied: false });
    expect(surelyNotApplied(error)).toBe(false);
    expect(stuut.count('PATCH')).toBe(1);
  });
});

describe('messages', () => {
  test('the outcome-unknown wording for each reason and action', () => {
    const cases: [StuutOutcomeUnknownError, string][] = [
      [
        new StuutOutcomeUnknownError('assign', 'timeout', null, 1),
        'Stuut did not answer in time, so the assignment may or may not have been made. Check the Stuut app before trying again: trying again may create a duplicate.',
      ],
      [
        new StuutOutcomeUnknownError('assign', 'server', 504, 1),
        'Stuut had a problem (HTTP 504), so the assignment may or may not have been made. Check the Stuut app before trying again: trying again may create a duplicate.',
      ],
    ];
    for (const [error, message] of cases) {
      expect(error.userMessage).toBe(message);
      expect(surelyNotApplied(error)).toBe(false);
    }
  });

  test("the update's 404 wording is unchanged", () => {
    expect(new StuutHttpError(404, null, {}, [], null).userMessage).toBe(
      'Stuut has no internal contact with that id.',
    );
  });
});
