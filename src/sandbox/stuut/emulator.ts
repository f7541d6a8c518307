import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { seedContacts } from './seed';

export interface StuutContact {
  id: string;
  object: 'internal_contact';
  created_at: string;
  modified_at: string | null;
  email: string;
  given_name: string | null;
  family_name: string | null;
  name: string | null;
  phone: string | null;
  job_title: string | null;
}

export type StuutFault =
  | {
      kind: 'status';
      status: number;
      /** JSON body; defaults to FastAPI's `{detail: '<reason phrase>'}`. */
      body?: unknown;
      /** Sent verbatim instead of `body` (e.g. an HTML proxy page). */
      rawBody?: string;
      /** Defaults to `application/json`. */
      contentType?: string;
      /** Extra response headers, e.g. `{'Retry-After': '2'}`. */
      headers?: Record<string, string>;
    }
  /** Answer normally (the PATCH is applied) but only after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Same as `delay`; the name documents intent in header-timeout tests. */
  | { kind: 'delay-headers'; ms: number }
  /** Handle normally (the PATCH is applied), send the headers at once, the body after `ms`. */
  | { kind: 'stall-body'; ms: number }
  /** Read the request, change nothing, then reset the connection (TCP RST) without answering. */
  | { kind: 'reset' }
  /** Handle normally (the PATCH is applied), send headers and half the body, then close the socket. */
  | { kind: 'reset-mid-body' }
  /**
   * Never read the request; after `ms` close the socket without answering or
   * changing anything. The kernel accepts TCP connections by itself, so this is
   * the nearest loopback gets to "nothing reached the server in time".
   */
  | { kind: 'no-accept'; ms: number }
  /** Any raw answer (HTML page, truncated JSON, 200 with missing fields); changes nothing. */
  | { kind: 'body'; status?: number; rawBody: string; contentType?: string };

export interface StuutEmulatorOptions {
  token: string;
  /** Defaults to `127.0.0.1`. */
  host?: string;
  /** Defaults to 0 (an ephemeral port). */
  port?: number;
  /** Defaults to `seedContacts(now())`. */
  seed?: StuutContact[];
  now?: () => Date;
}

export interface RecordedRequest {
  readonly method: string;
  /** The request target exactly as on the request line (query included, not decoded). */
  readonly rawPath: string;
  /** The decoded id when the path has the shape of the contact route, else undefined. */
  readonly contactId: string | undefined;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body is empty, not JSON, or was never read. */
  readonly body: unknown;
  readonly rawBody: string;
  readonly at: Date;
  /** The fault this request consumed, if any. */
  readonly fault: StuutFault | undefined;
}

interface ValidationErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

const ROUTE_PREFIX = '/v2/internal-contacts/';
const MAX_LENGTH = 255;
const FIELDS = ['email', 'given_name', 'family_name', 'name', 'phone', 'job_title'] as const;
type Field = (typeof FIELDS)[number];
type ContactPatch = Partial<Record<Field, string | null>>;

interface Answer {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

type Route = { kind: 'contact'; id: string } | { kind: 'none' };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface PendingSleep {
  timer: NodeJS.Timeout;
  resolve: (completed: boolean) => void;
}

export class StuutEmulator {
  readonly requests: RecordedRequest[] = [];

  readonly #token: string;
  readonly #now: () => Date;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #sleeps = new Set<PendingSleep>();
  #initialSeed: StuutContact[];
  #store = new Map<string, StuutContact>();
  #queue: StuutFault[] = [];
  #always: StuutFault | undefined;
  #baseUrl = '';
  #closing: Promise<void> | undefined;

  private constructor(opts: StuutEmulatorOptions) {
    if (opts.token === '') throw new Error('StuutEmulator needs a non-empty token');
    this.#token = opts.token;
    this.#now = opts.now ?? (() => new Date());
    this.#initialSeed = (opts.seed ?? seedContacts(this.#now())).map((c) => ({ ...c }));
    this.reset();
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        // A bug here must not hang the client: answer like uvicorn would.
        if (!res.headersSent) sendAnswer(res, plainAnswer(500, 'Internal Server Error'));
        else res.destroy();
      });
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(opts: StuutEmulatorOptions): Promise<StuutEmulator> {
    const emulator = new StuutEmulator(opts);
    const host = opts.host ?? '127.0.0.1';
    const server = emulator.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    emulator.#baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return emulator;
  }

  /** `http://127.0.0.1:PORT`: no trailing slash, no `/v2`. */
  get baseUrl(): string {
    return this.#baseUrl;
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    for (const sleep of this.#sleeps) {
      clearTimeout(sleep.timer);
      sleep.resolve(false);
    }
    this.#sleeps.clear();
    const closed = new Promise<void>((resolve, reject) => {
      this.#server.close((err) => (err ? reject(err) : resolve()));
    });
    // server.close() alone waits for in-flight and keep-alive sockets; tests must not.
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    this.#closing = closed;
    return closed;
  }

  /** PATCH requests received on the contact route (faulted ones included), optionally for one id. */
  patchCount(contactId?: string): number {
    return this.requests.filter(
      (r) =>
        r.method === 'PATCH' &&
        r.contactId !== undefined &&
        (contactId === undefined || r.contactId === contactId),
    ).length;
  }

  failNext(...faults: StuutFault[]): void {
    for (const fault of faults) checkFault(fault);
    this.#queue.push(...faults);
  }

  /** Drops every queued fault (not the one set with failAlways). */
  clearFaults(): void {
    this.#queue = [];
  }

  /** Faults still waiting for a request, in order. */
  pendingFaults(): readonly StuutFault[] {
    return [...this.#queue];
  }

  failAlways(fault: StuutFault | undefined): void {
    if (fault) checkFault(fault);
    this.#always = fault;
  }

  contact(id: string): StuutContact | undefined {
    const stored = this.#store.get(id);
    return stored ? { ...stored } : undefined;
  }

  contacts(): StuutContact[] {
    return [...this.#store.values()].map((c) => ({ ...c }));
  }

  put(contact: StuutContact): void {
    this.#store.set(contact.id, { ...contact });
  }

  /**
   * Restores the contacts (to `seed`, or the seed given at start), forgets
   * recorded requests and clears all faults. `requests` keeps its identity so
   * references held by tests stay live.
   */
  reset(seed?: StuutContact[]): void {
    if (seed) this.#initialSeed = seed.map((c) => ({ ...c }));
    this.#store = new Map(this.#initialSeed.map((c) => [c.id, { ...c }]));
    this.requests.length = 0;
    this.#queue = [];
    this.#always = undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawPath = req.url ?? '';
    const route = routeOf(rawPath);
    const fault = this.#queue.shift() ?? this.#always;
    const record: Mutable<RecordedRequest> = {
      method: req.method ?? '',
      rawPath,
      contactId: route.kind === 'contact' ? route.id : undefined,
      headers: { ...req.headers },
      body: undefined,
      rawBody: '',
      at: this.#now(),
      fault,
    };
    this.requests.push(record);

    if (fault?.kind === 'no-accept') {
      req.pause();
      if (await this.#sleep(fault.ms)) req.socket.destroy();
      return;
    }

    // Reading fully first keeps keep-alive sane and makes resets deterministic.
    const raw = await readBody(req);
    if (raw === undefined) return;
    record.rawBody = raw.toString('utf8');
    record.body = parseJsonLoosely(raw);

    switch (fault?.kind) {
      case 'status':
        sendAnswer(res, statusFaultAnswer(fault));
        return;
      case 'body':
        sendAnswer(res, {
          status: fault.status ?? 200,
          body: Buffer.from(fault.rawBody, 'utf8'),
          headers: { 'content-type': fault.contentType ?? 'application/json' },
        });
        return;
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'delay':
      case 'delay-headers':
        // The patch is applied even if the client gave up meanwhile, as a real server would.
        if (!(await this.#sleep(fault.ms))) return;
        sendAnswer(res, this.#answer(req, route, raw));
        return;
      case 'stall-body': {
        const answer = this.#answer(req, route, raw);
        res.writeHead(answer.status, withLength(answer));
        res.flushHeaders();
        if (!(await this.#sleep(fault.ms)) || res.destroyed) return;
        res.end(answer.body);
        return;
      }
      case 'reset-mid-body': {
        const answer = this.#answer(req, route, raw);
        const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
        res.writeHead(answer.status, withLength(answer));
        // Destroy only once the half is handed to the kernel, so the client surely sees it.
        res.write(half, () => res.destroy());
        return;
      }
      case undefined:
        sendAnswer(res, this.#answer(req, route, raw));
        return;
    }
  }

  /** The API proper: routing, auth, validation, then the update. */
  #answer(req: IncomingMessage, route: Route, raw: Buffer): Answer {
    if (route.kind !== 'contact') return jsonAnswer(404, { detail: 'Not Found' });
    if (req.method !== 'PATCH') {
      return jsonAnswer(405, { detail: 'Method Not Allowed' }, { allow: 'PATCH' });
    }

    const authorization = req.headers.authorization;
    if (authorization === undefined || authorization === '') {
      return jsonAnswer(401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });
    }
    if (authorization !== `Bearer ${this.#token}`) {
      return jsonAnswer(
        401,
        { detail: 'Could not validate credentials' },
        { 'www-authenticate': 'Bearer' },
      );
    }

    const input = decodeBody(req.headers['content-type'], raw);
    if (!input.ok) return jsonAnswer(422, { detail: input.errors });
    const validated = validatePatch(input.value);
    if (!validated.ok) return jsonAnswer(422, { detail: validated.errors });
    const patch = validated.patch;

    // FastAPI validates the body before the handler runs, so 422 wins over 404.
    const current = this.#store.get(route.id);
    if (!current) return jsonAnswer(404, { detail: 'Internal contact not found' });

    const newEmail = patch.email;
    if (typeof newEmail === 'string') {
      const taken = [...this.#store.values()].some(
        (c) => c.id !== current.id && c.email.toLowerCase() === newEmail.toLowerCase(),
      );
      if (taken) {
        return jsonAnswer(409, { detail: 'An internal contact with this email already exists' });
      }
    }

    const updated: StuutContact = { ...current, modified_at: this.#now().toISOString() };
    for (const field of FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      if (field === 'email') {
        if (value !== null) updated.email = value;
      } else {
        updated[field] = value;
      }
    }
    this.#store.set(updated.id, updated);
    return jsonAnswer(200, updated);
  }

  /** Resolves true after `ms`, or false at once if the emulator is closed meanwhile. */
  #sleep(ms: number): Promise<boolean> {
    if (this.#closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const pending: PendingSleep = {
        timer: setTimeout(() => {
          this.#sleeps.delete(pending);
          resolve(true);
        }, ms),
        resolve,
      };
      this.#sleeps.add(pending);
    });
  }
}

function checkFault(fault: StuutFault): void {
  const statusOk = (s: number): boolean => Number.isInteger(s) && s >= 200 && s <= 599;
  switch (fault.kind) {
    case 'status':
      if (!statusOk(fault.status)) throw new RangeError(`fault status ${fault.status}`);
      return;
    case 'body':
      if (fault.status !== undefined && !statusOk(fault.status)) {
        throw new RangeError(`fault status ${fault.status}`);
      }
      return;
    case 'delay':
    case 'delay-headers':
    case 'stall-body':
    case 'no-accept':
      if (!Number.isFinite(fault.ms) || fault.ms < 0) throw new RangeError(`fault ms ${fault.ms}`);
      return;
    case 'reset':
    case 'reset-mid-body':
      return;
  }
}

function routeOf(rawPath: string): Route {
  const path = rawPath.split('?', 1)[0] ?? '';
  if (!path.startsWith(ROUTE_PREFIX)) return { kind: 'none' };
  const segment = path.slice(ROUTE_PREFIX.length);
  if (segment === '' || segment.includes('/')) return { kind: 'none' };
  try {
    return { kind: 'contact', id: decodeURIComponent(segment) };
  } catch {
    return { kind: 'none' };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (value: Buffer | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => settle(Buffer.concat(chunks)));
    // The client went away mid-body: there is nobody to answer.
    req.on('error', () => settle(undefined));
    req.on('close', () => settle(req.complete ? Buffer.concat(chunks) : undefined));
  });
}

function decodeUtf8(raw: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return undefined;
  }
}

function parseJsonLoosely(raw: Buffer): unknown {
  const text = decodeUtf8(raw);
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

type Decoded = { ok: true; value: unknown } | { ok: false; errors: ValidationErrorItem[] };

/** Mirrors FastAPI: JSON is parsed when the content type is absent or JSON-ish; anything else stays bytes. */
function decodeBody(contentType: string | undefined, raw: Buffer): Decoded {
  if (raw.length === 0) return missingBody();
  const media = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  const jsonish =
    media === '' ||
    media === 'application/json' ||
    (media.startsWith('application/') && media.endsWith('+json'));
  if (!jsonish) {
    return { ok: false, errors: [notAnObject(raw.toString('utf8'))] };
  }
  const text = decodeUtf8(raw);
  let value: unknown;
  try {
    if (text === undefined) throw new SyntaxError('not UTF-8');
    value = JSON.parse(text) as unknown;
  } catch {
    return {
      ok: false,
      errors: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }],
    };
  }
  // FastAPI treats a JSON null body as no body at all.
  if (value === null) return missingBody();
  return { ok: true, value };
}

function missingBody(): Decoded {
  return {
    ok: false,
    errors: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
  };
}

function notAnObject(input: unknown): ValidationErrorItem {
  return {
    type: 'model_attributes_type',
    loc: ['body'],
    msg: 'Input should be a valid dictionary or object to extract fields from',
    input,
  };
}

type Validated = { ok: true; patch: ContactPatch } | { ok: false; errors: ValidationErrorItem[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects every field error at once, as pydantic does. Unknown keys are ignored. */
function validatePatch(body: unknown): Validated {
  if (!isRecord(body)) return { ok: false, errors: [notAnObject(body)] };
  const errors: ValidationErrorItem[] = [];
  const patch: ContactPatch = {};
  for (const field of FIELDS) {
    if (!Object.hasOwn(body, field)) continue;
    const input = body[field];
    const loc = ['body', field];
    if (input === null) {
      if (field === 'email') {
        errors.push({ type: 'value_error', loc, msg: 'Email cannot be cleared', input });
      } else {
        patch[field] = null;
      }
      continue;
    }
    if (typeof input !== 'string') {
      errors.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input });
      continue;
    }
    // Python counts code points, not UTF-16 units.
    if ([...input].length > MAX_LENGTH) {
      errors.push({
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${MAX_LENGTH} characters`,
        input,
        ctx: { max_length: MAX_LENGTH },
      });
      continue;
    }
    if (field === 'email') {
      const checked = checkEmail(input);
      if ('reason' in checked) {
        errors.push({
          type: 'value_error',
          loc,
          msg: `value is not a valid email address: ${checked.reason}`,
          input,
          ctx: { reason: checked.reason },
        });
      } else {
        patch.email = checked.normalized;
      }
      continue;
    }
    if (field === 'phone') {
      const parsed = parsePhoneNumberFromString(input);
      if (parsed?.isValid()) {
        patch.phone = parsed.number;
      } else {
        errors.push({ type: 'value_error', loc, msg: 'value is not a valid phone number', input });
      }
      continue;
    }
    patch[field] = input;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, patch };
}

/** A deliberately simple `x@y.z` check with email-validator's wording; the domain is lowercased like it does. */
function checkEmail(value: string): { normalized: string } | { reason: string } {
  const at = value.lastIndexOf('@');
  if (at < 0) return { reason: 'An email address must have an @-sign.' };
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local === '') return { reason: 'There must be something before the @-sign.' };
  if (domain === '') return { reason: 'There must be something after the @-sign.' };
  const badLocal = /[\s@]/.exec(local);
  if (badLocal) {
    return {
      reason: `The email address contains invalid characters before the @-sign: '${badLocal[0]}'.`,
    };
  }
  if (/\s/.test(domain)) {
    return { reason: 'The part after the @-sign contains invalid characters.' };
  }
  if (domain.startsWith('.')) {
    return { reason: 'An email address cannot have a period immediately after the @-sign.' };
  }
  if (domain.endsWith('.')) return { reason: 'An email address cannot end with a period.' };
  if (domain.includes('..'))
    return { reason: 'An email address cannot have two periods in a row.' };
  if (!domain.includes('.')) {
    return { reason: 'The part after the @-sign is not valid. It should have a period.' };
  }
  return { normalized: `${local}@${domain.toLowerCase()}` };
}

function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return {
    status,
    body: Buffer.from(JSON.stringify(body), 'utf8'),
    headers: { ...headers, 'content-type': 'application/json' },
  };
}

function plainAnswer(status: number, text: string): Answer {
  return {
    status,
    body: Buffer.from(text, 'utf8'),
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  };
}

function statusFaultAnswer(fault: Extract<StuutFault, { kind: 'status' }>): Answer {
  const text =
    fault.rawBody ??
    JSON.stringify(fault.body === undefined ? { detail: reasonPhrase(fault.status) } : fault.body);
  return {
    status: fault.status,
    body: Buffer.from(text, 'utf8'),
    headers: { ...fault.headers, 'content-type': fault.contentType ?? 'application/json' },
  };
}

function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

function withLength(answer: Answer): Record<string, string> {
  return { ...answer.headers, 'content-length': String(answer.body.length) };
}

function sendAnswer(res: ServerResponse, answer: Answer): void {
  // These statuses must not carry a body; Node would refuse to write one.
  if (answer.status === 204 || answer.status === 304) {
    const { 'content-type': _dropped, ...headers } = answer.headers;
    res.writeHead(answer.status, headers);
    res.end();
    return;
  }
  res.writeHead(answer.status, withLength(answer));
  res.end(answer.body);
}
