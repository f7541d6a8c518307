import { randomInt } from 'node:crypto';
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
import { seedAssignments, seedContacts, seedPartners } from './seed';

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

/**
 * Stuut's documented `internal_role` values. The emulator keeps its own list (it imports none
 * of the app's code); a test checks it against the app's.
 */
export const STUUT_ROLES = [
  'account_manager',
  'account_executive',
  'csm',
  'lead',
  'co_lead',
  'practice_lead',
] as const;

export type StuutRole = (typeof STUUT_ROLES)[number];

/**
 * A partner (Stuut's word for a customer). Only its id is part of the documented API; the
 * name is the emulator's own, so that the sandbox page can say who `ptn_…` is.
 */
export interface EmulatedPartner {
  id: string;
  name: string;
}

/**
 * An assignment as the emulator stores it: the API's assignment object with the contact's id
 * in place of the nested contact (the answer nests the contact as it is at that moment).
 */
export interface EmulatedAssignment {
  id: string;
  object: 'internal_contact_assignment';
  created_at: string;
  modified_at: string | null;
  /** Null for a floating assignment (made by `POST /v2/internal-contacts`). */
  partner_id: string | null;
  internal_role: string;
  remote_id: string | null;
  internal_contact_id: string;
}

/** The assignment object both POSTs and the role PATCH answer. */
export interface StuutAssignment {
  id: string;
  object: 'internal_contact_assignment';
  created_at: string;
  modified_at: string | null;
  partner_id: string | null;
  internal_role: string;
  remote_id: string | null;
  internal_contact: StuutContact;
}

/** Which route a request's path has the shape of (whatever its method). */
export type StuutRoute = 'contact' | 'create' | 'assign' | 'role' | 'none';

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
  /** Answer normally (the request is applied, after the wait) but only after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Same as `delay`; the name documents intent in header-timeout tests. */
  | { kind: 'delay-headers'; ms: number }
  /** Handle normally (the request is applied), send the headers at once, the body after `ms`. */
  | { kind: 'stall-body'; ms: number }
  /** Read the request, change nothing, then reset the connection (TCP RST) without answering. */
  | { kind: 'reset' }
  /**
   * Handle the request normally (a create or an assign is done, a PATCH applied), then reset
   * the connection without answering: the client cannot tell whether it was done.
   */
  | { kind: 'reset-after-apply' }
  /** Handle normally (the request is applied), send headers and half the body, then close the socket. */
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
  /** Defaults to `seedPartners()`. */
  partners?: EmulatedPartner[];
  /**
   * Defaults to `seedAssignments(now())`. Assignments whose contact is not in the contacts'
   * seed are dropped (so a custom `seed` of other contacts starts without assignments).
   */
  assignments?: EmulatedAssignment[];
  /**
   * What `POST /v2/internal-contacts` does with an email that already exists (Stuut does not
   * document it): `'409'` (the default) answers 409 Conflict; `'existing'` answers 201 with a
   * new floating assignment on the existing contact.
   */
  duplicateCreate?: '409' | 'existing';
  now?: () => Date;
}

export interface RecordedRequest {
  readonly method: string;
  /** The request target exactly as on the request line (query included, not decoded). */
  readonly rawPath: string;
  /** The decoded id when the path has the shape of the contact route, else undefined. */
  readonly contactId: string | undefined;
  /** The route the path has the shape of, whatever the method. */
  readonly route: StuutRoute;
  /** The decoded partner id on the assign and role routes, else undefined. */
  readonly partnerId: string | undefined;
  /** The decoded assignment id on the role route, else undefined. */
  readonly assignmentId: string | undefined;
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

const MAX_LENGTH = 255;
const FIELDS = ['email', 'given_name', 'family_name', 'name', 'phone', 'job_title'] as const;
type Field = (typeof FIELDS)[number];
type ContactPatch = Partial<Record<Field, string | null>>;
type OptionalField = Exclude<Field, 'email'>;
const OPTIONAL_FIELDS = FIELDS.filter((f): f is OptionalField => f !== 'email');
/** The methods each route allows (FastAPI's 405 names them in `Allow`). */
const ALLOW: Readonly<Record<Exclude<StuutRoute, 'none'>, string>> = {
  contact: 'PATCH',
  create: 'POST',
  assign: 'POST',
  role: 'PATCH',
};
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

interface Answer {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

type Route =
  | { kind: 'contact'; id: string }
  | { kind: 'create' }
  | { kind: 'assign'; partnerId: string }
  | { kind: 'role'; partnerId: string; assignmentId: string }
  | { kind: 'none' };

/** A validated create or assign body. */
interface NewAssignmentInput {
  email: string;
  internal_role: StuutRole;
  fields: Partial<Record<OptionalField, string | null>>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface PendingSleep {
  timer: NodeJS.Timeout;
  resolve: (completed: boolean) => void;
}

export class StuutEmulator {
  readonly requests: RecordedRequest[] = [];
  /**
   * What a create with an email that already exists does (see the option); may be changed at
   * any time, and `reset()` restores the option's value.
   */
  duplicateCreate: '409' | 'existing' = '409';

  readonly #token: string;
  readonly #now: () => Date;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #sleeps = new Set<PendingSleep>();
  #initialSeed: StuutContact[];
  #initialPartners: EmulatedPartner[];
  #initialAssignments: EmulatedAssignment[];
  readonly #initialDuplicateCreate: '409' | 'existing';
  #store = new Map<string, StuutContact>();
  #partners = new Map<string, EmulatedPartner>();
  /** In creation order, which is the order `assignments()` lists them in. */
  #assignments = new Map<string, EmulatedAssignment>();
  #queue: StuutFault[] = [];
  #always: StuutFault | undefined;
  #baseUrl = '';
  #closing: Promise<void> | undefined;

  private constructor(opts: StuutEmulatorOptions) {
    if (opts.token === '') throw new Error('StuutEmulator needs a non-empty token');
    this.#token = opts.token;
    this.#now = opts.now ?? (() => new Date());
    this.#initialSeed = (opts.seed ?? seedContacts(this.#now())).map((c) => ({ ...c }));
    this.#initialPartners = (opts.partners ?? seedPartners()).map((p) => ({ ...p }));
    this.#initialAssignments = (opts.assignments ?? seedAssignments(this.#now())).map((a) => ({
      ...a,
    }));
    this.#initialDuplicateCreate = opts.duplicateCreate ?? '409';
    this.duplicateCreate = this.#initialDuplicateCreate;
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

  /**
   * POST requests received on the create and assign routes (faulted ones included), or on one
   * of them. A POST that reached the server counts even when it was not done (a `reset` fault).
   */
  postCount(route?: 'create' | 'assign'): number {
    return this.requests.filter(
      (r) =>
        r.method === 'POST' &&
        (r.route === 'create' || r.route === 'assign') &&
        (route === undefined || r.route === route),
    ).length;
  }

  /** PATCH requests received on the role route (faulted ones included), optionally for one assignment. */
  roleChangeCount(assignmentId?: string): number {
    return this.requests.filter(
      (r) =>
        r.method === 'PATCH' &&
        r.route === 'role' &&
        (assignmentId === undefined || r.assignmentId === assignmentId),
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

  /** The contact whose email this is (case-insensitively), as find-or-create finds it. */
  contactByEmail(email: string): StuutContact | undefined {
    const found = this.#findByEmail(email);
    return found ? { ...found } : undefined;
  }

  partners(): EmulatedPartner[] {
    return [...this.#partners.values()].map((p) => ({ ...p }));
  }

  partner(id: string): EmulatedPartner | undefined {
    const stored = this.#partners.get(id);
    return stored ? { ...stored } : undefined;
  }

  putPartner(partner: EmulatedPartner): void {
    this.#partners.set(partner.id, { ...partner });
  }

  /** Every assignment (floating ones included), oldest first, as copies. */
  assignments(): EmulatedAssignment[] {
    return [...this.#assignments.values()].map((a) => ({ ...a }));
  }

  assignment(id: string): EmulatedAssignment | undefined {
    const stored = this.#assignments.get(id);
    return stored ? { ...stored } : undefined;
  }

  /** One contact's assignments, oldest first. */
  assignmentsOf(contactId: string): EmulatedAssignment[] {
    return this.assignments().filter((a) => a.internal_contact_id === contactId);
  }

  /** The assignment as the API answers it, with the contact as it is now nested. */
  assignmentObject(id: string): StuutAssignment | undefined {
    const stored = this.#assignments.get(id);
    return stored ? this.#assignmentObject(stored) : undefined;
  }

  /** Stores an assignment (replacing one with its id); its contact must be stored. */
  putAssignment(assignment: EmulatedAssignment): void {
    if (!this.#store.has(assignment.internal_contact_id)) {
      throw new Error(`putAssignment: no contact ${assignment.internal_contact_id}`);
    }
    this.#assignments.set(assignment.id, { ...assignment });
  }

  /**
   * Restores the contacts (to `seed`, or the seed given at start), the partners and the
   * assignments (to `more`'s, or those given at start; assignments of contacts not in the seed
   * are left out), and `duplicateCreate`; forgets recorded requests and clears all faults.
   * `requests` keeps its identity so references held by tests stay live.
   */
  reset(
    seed?: StuutContact[],
    more: { partners?: EmulatedPartner[]; assignments?: EmulatedAssignment[] } = {},
  ): void {
    if (seed) this.#initialSeed = seed.map((c) => ({ ...c }));
    if (more.partners) this.#initialPartners = more.partners.map((p) => ({ ...p }));
    if (more.assignments) this.#initialAssignments = more.assignments.map((a) => ({ ...a }));
    this.#store = new Map(this.#initialSeed.map((c) => [c.id, { ...c }]));
    this.#partners = new Map(this.#initialPartners.map((p) => [p.id, { ...p }]));
    this.#assignments = new Map(
      this.#initialAssignments
        .filter((a) => this.#store.has(a.internal_contact_id))
        .map((a) => [a.id, { ...a }]),
    );
    this.duplicateCreate = this.#initialDuplicateCreate;
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
      route: route.kind,
      partnerId: route.kind === 'assign' || route.kind === 'role' ? route.partnerId : undefined,
      assignmentId: route.kind === 'role' ? route.assignmentId : undefined,
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
      case 'reset-after-apply':
        // Done, and then the answer is lost: the "may or may not have been done" case.
        this.#answer(req, route, raw);
        req.socket.resetAndDestroy();
        return;
      case 'delay':
      case 'delay-headers':
        // The request is applied even if the client gave up meanwhile, as a real server would.
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

  /** The API proper: routing, auth, body decoding, then the route's own validation and change. */
  #answer(req: IncomingMessage, route: Route, raw: Buffer): Answer {
    if (route.kind === 'none') return jsonAnswer(404, { detail: 'Not Found' });
    const allow = ALLOW[route.kind];
    if (req.method !== allow) {
      return jsonAnswer(405, { detail: 'Method Not Allowed' }, { allow });
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
    // FastAPI validates the body before the handler runs, so a 422 wins over a 404 below.
    switch (route.kind) {
      case 'contact':
        return this.#updateContact(route.id, input.value);
      case 'create':
        return this.#create(input.value);
      case 'assign':
        return this.#assign(route.partnerId, input.value);
      case 'role':
        return this.#changeRole(route.partnerId, route.assignmentId, input.value);
    }
  }

  /** `PATCH /v2/internal-contacts/{id}`. */
  #updateContact(id: string, body: unknown): Answer {
    const validated = validatePatch(body);
    if (!validated.ok) return jsonAnswer(422, { detail: validated.errors });
    const patch = validated.patch;

    const current = this.#store.get(id);
    if (!current) return jsonAnswer(404, { detail: 'Internal contact not found' });

    const newEmail = patch.email;
    if (typeof newEmail === 'string') {
      const taken = [...this.#store.values()].some(
        (c) => c.id !== current.id && c.email.toLowerCase() === newEmail.toLowerCase(),
      );
      if (taken) return jsonAnswer(409, { detail: DUPLICATE_EMAIL });
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

  /**
   * `POST /v2/internal-contacts`: a new contact with a floating assignment (no partner). What
   * an email that already exists does is not documented: see `duplicateCreate`.
   */
  #create(body: unknown): Answer {
    const validated = validateNewAssignment(body);
    if (!validated.ok) return jsonAnswer(422, { detail: validated.errors });
    const { email, internal_role, fields } = validated.value;
    const now = this.#now().toISOString();
    let contact = this.#findByEmail(email);
    if (contact) {
      if (this.duplicateCreate === '409') return jsonAnswer(409, { detail: DUPLICATE_EMAIL });
      // 'existing': like an assign without a partner, the optional fields are ignored.
    } else {
      contact = this.#newContact(email, fields, now);
    }
    const assignment = this.#newAssignment(contact.id, null, internal_role, now);
    return jsonAnswer(201, this.#assignmentObject(assignment));
  }

  /**
   * `POST /v2/partners/{partner_id}/internal-contacts`: "finds or creates the InternalContact
   * by (organization_id, email), then creates an InternalContactAssignment linking them to
   * this partner with the given role".
   */
  #assign(partnerId: string, body: unknown): Answer {
    const validated = validateNewAssignment(body);
    if (!validated.ok) return jsonAnswer(422, { detail: validated.errors });
    if (!this.#partners.has(partnerId)) return jsonAnswer(404, { detail: 'Partner not found' });
    const { email, internal_role, fields } = validated.value;
    const now = this.#now().toISOString();
    // Undocumented: for a contact found by email, the optional fields sent are ignored (the
    // endpoint finds the person, it does not update them; the PATCH does that).
    const contact = this.#findByEmail(email) ?? this.#newContact(email, fields, now);
    // Undocumented: assigning the same person to the same partner again (even with the same
    // role) makes a second assignment here; nothing documents a deduplication.
    const assignment = this.#newAssignment(contact.id, partnerId, internal_role, now);
    return jsonAnswer(201, this.#assignmentObject(assignment));
  }

  /**
   * `PATCH /v2/partners/{partner_id}/internal-contacts/{assignment_id}`: the role only; "the
   * underlying InternalContact (person) is not modified".
   */
  #changeRole(partnerId: string, assignmentId: string, body: unknown): Answer {
    const validated = validateRoleChange(body);
    if (!validated.ok) return jsonAnswer(422, { detail: validated.errors });
    if (!this.#partners.has(partnerId)) return jsonAnswer(404, { detail: 'Partner not found' });
    const current = this.#assignments.get(assignmentId);
    // A floating assignment, or one of another partner, is not found under this partner.
    if (!current || current.partner_id !== partnerId) {
      return jsonAnswer(404, { detail: 'Assignment not found' });
    }
    // Undocumented whether setting the role it already has touches modified_at; here it does.
    const updated: EmulatedAssignment = {
      ...current,
      internal_role: validated.role,
      modified_at: this.#now().toISOString(),
    };
    this.#assignments.set(updated.id, updated);
    return jsonAnswer(200, this.#assignmentObject(updated));
  }

  #findByEmail(email: string): StuutContact | undefined {
    const wanted = email.toLowerCase();
    return [...this.#store.values()].find((c) => c.email.toLowerCase() === wanted);
  }

  #newContact(email: string, fields: NewAssignmentInput['fields'], now: string): StuutContact {
    const contact: StuutContact = {
      id: uniqueId('ic_', 8, this.#store),
      object: 'internal_contact',
      created_at: now,
      modified_at: null,
      email,
      given_name: fields.given_name ?? null,
      family_name: fields.family_name ?? null,
      // Stored as sent: nothing documents that Stuut composes `name` from the other two.
      name: fields.name ?? null,
      phone: fields.phone ?? null,
      job_title: fields.job_title ?? null,
    };
    this.#store.set(contact.id, contact);
    return contact;
  }

  #newAssignment(
    contactId: string,
    partnerId: string | null,
    role: StuutRole,
    now: string,
  ): EmulatedAssignment {
    const assignment: EmulatedAssignment = {
      id: uniqueId('ica_', 12, this.#assignments),
      object: 'internal_contact_assignment',
      created_at: now,
      modified_at: null,
      partner_id: partnerId,
      internal_role: role,
      remote_id: null,
      internal_contact_id: contactId,
    };
    this.#assignments.set(assignment.id, assignment);
    return assignment;
  }

  #assignmentObject(assignment: EmulatedAssignment): StuutAssignment {
    const contact = this.#store.get(assignment.internal_contact_id);
    // Only possible when a test replaced the contacts under an assignment: answer 500.
    if (!contact) throw new Error(`assignment ${assignment.id} has no contact`);
    return {
      id: assignment.id,
      object: assignment.object,
      created_at: assignment.created_at,
      modified_at: assignment.modified_at,
      partner_id: assignment.partner_id,
      internal_role: assignment.internal_role,
      remote_id: assignment.remote_id,
      internal_contact: { ...contact },
    };
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
    case 'reset-after-apply':
    case 'reset-mid-body':
      return;
  }
}

/**
 * The route a request target has the shape of. Path parameters are one non-empty segment each,
 * percent-decoded after splitting (so `%2F` stays inside an id); a segment that does not
 * decode matches no route.
 */
function routeOf(rawPath: string): Route {
  const path = rawPath.split('?', 1)[0] ?? '';
  const segments = path.split('/');
  if (segments[0] !== '' || segments[1] !== 'v2') return { kind: 'none' };
  const rest = segments.slice(2);
  const param = (segment: string | undefined): string | undefined => {
    if (segment === undefined || segment === '') return undefined;
    try {
      return decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  };
  if (rest[0] === 'internal-contacts') {
    if (rest.length === 1) return { kind: 'create' };
    const id = rest.length === 2 ? param(rest[1]) : undefined;
    return id === undefined ? { kind: 'none' } : { kind: 'contact', id };
  }
  if (rest[0] === 'partners' && rest[2] === 'internal-contacts') {
    const partnerId = param(rest[1]);
    if (partnerId === undefined) return { kind: 'none' };
    if (rest.length === 3) return { kind: 'assign', partnerId };
    const assignmentId = rest.length === 4 ? param(rest[3]) : undefined;
    return assignmentId === undefined
      ? { kind: 'none' }
      : { kind: 'role', partnerId, assignmentId };
  }
  return { kind: 'none' };
}

/** A new id: the prefix and `length` random letters and digits, not yet in `taken`. */
function uniqueId(prefix: string, length: number, taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    let id = prefix;
    for (let i = 0; i < length; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
    if (!taken.has(id)) return id;
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
type Checked<T> = { ok: true; value: T } | { ok: false; errors: ValidationErrorItem[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One field's non-null value: a string of at most 255 code points, then the email or phone
 * rule. Returns the value to store (a normalised email, an E.164 phone) or the error.
 */
function checkFieldValue(
  field: Field,
  input: unknown,
): { ok: true; value: string } | { ok: false; error: ValidationErrorItem } {
  const loc = ['body', field];
  if (typeof input !== 'string') {
    return {
      ok: false,
      error: { type: 'string_type', loc, msg: 'Input should be a valid string', input },
    };
  }
  // Python counts code points, not UTF-16 units.
  if ([...input].length > MAX_LENGTH) {
    return {
      ok: false,
      error: {
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${MAX_LENGTH} characters`,
        input,
        ctx: { max_length: MAX_LENGTH },
      },
    };
  }
  if (field === 'email') {
    const checked = checkEmail(input);
    if ('reason' in checked) {
      return {
        ok: false,
        error: {
          type: 'value_error',
          loc,
          msg: `value is not a valid email address: ${checked.reason}`,
          input,
          ctx: { reason: checked.reason },
        },
      };
    }
    return { ok: true, value: checked.normalized };
  }
  if (field === 'phone') {
    const parsed = parsePhoneNumberFromString(input);
    if (parsed?.isValid()) return { ok: true, value: parsed.number };
    return {
      ok: false,
      error: { type: 'value_error', loc, msg: 'value is not a valid phone number', input },
    };
  }
  return { ok: true, value: input };
}

/** Collects every field error at once, as pydantic does. Unknown keys are ignored. */
function validatePatch(body: unknown): Validated {
  if (!isRecord(body)) return { ok: false, errors: [notAnObject(body)] };
  const errors: ValidationErrorItem[] = [];
  const patch: ContactPatch = {};
  for (const field of FIELDS) {
    if (!Object.hasOwn(body, field)) continue;
    const input = body[field];
    if (input === null) {
      if (field === 'email') {
        errors.push({
          type: 'value_error',
          loc: ['body', field],
          msg: 'Email cannot be cleared',
          input,
        });
      } else {
        patch[field] = null;
      }
      continue;
    }
    const checked = checkFieldValue(field, input);
    if (checked.ok) patch[field] = checked.value;
    else errors.push(checked.error);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, patch };
}

function missingField(field: string, body: Record<string, unknown>): ValidationErrorItem {
  // Pydantic gives the whole object as the input of a missing field.
  return { type: 'missing', loc: ['body', field], msg: 'Field required', input: body };
}

function isStuutRole(value: unknown): value is StuutRole {
  return typeof value === 'string' && (STUUT_ROLES as readonly string[]).includes(value);
}

/** Pydantic's enum wording: `'a', 'b' or 'c'`. */
const EXPECTED_ROLES = `${STUUT_ROLES.slice(0, -1)
  .map((r) => `'${r}'`)
  .join(', ')} or '${STUUT_ROLES[STUUT_ROLES.length - 1]}'`;

function checkRole(body: Record<string, unknown>): Checked<StuutRole> {
  if (!Object.hasOwn(body, 'internal_role')) {
    return { ok: false, errors: [missingField('internal_role', body)] };
  }
  const input = body.internal_role;
  if (isStuutRole(input)) return { ok: true, value: input };
  return {
    ok: false,
    errors: [
      {
        type: 'enum',
        loc: ['body', 'internal_role'],
        msg: `Input should be ${EXPECTED_ROLES}`,
        input,
        ctx: { expected: EXPECTED_ROLES },
      },
    ],
  };
}

/**
 * The create and assign body: `email` (required, at least 1 character, the PATCH's email
 * rule), `internal_role` (required, the enum), and the optional fields with the PATCH's rules
 * (null or absent: none). Every error at once, in the model's field order; unknown keys ignored.
 */
function validateNewAssignment(body: unknown): Checked<NewAssignmentInput> {
  if (!isRecord(body)) return { ok: false, errors: [notAnObject(body)] };
  const errors: ValidationErrorItem[] = [];
  let email: string | undefined;
  if (!Object.hasOwn(body, 'email')) {
    errors.push(missingField('email', body));
  } else if (body.email === '') {
    errors.push({
      type: 'string_too_short',
      loc: ['body', 'email'],
      msg: 'String should have at least 1 character',
      input: '',
      ctx: { min_length: 1 },
    });
  } else {
    const checked = checkFieldValue('email', body.email);
    if (checked.ok) email = checked.value;
    else errors.push(checked.error);
  }
  const role = checkRole(body);
  if (!role.ok) errors.push(...role.errors);
  const fields: NewAssignmentInput['fields'] = {};
  for (const field of OPTIONAL_FIELDS) {
    if (!Object.hasOwn(body, field)) continue;
    const input = body[field];
    if (input === null) {
      fields[field] = null;
      continue;
    }
    const checked = checkFieldValue(field, input);
    if (checked.ok) fields[field] = checked.value;
    else errors.push(checked.error);
  }
  if (errors.length > 0 || email === undefined || !role.ok) return { ok: false, errors };
  return { ok: true, value: { email, internal_role: role.value, fields } };
}

/** The role PATCH body: `internal_role` only (other keys ignored). */
function validateRoleChange(
  body: unknown,
): { ok: true; role: StuutRole } | { ok: false; errors: ValidationErrorItem[] } {
  if (!isRecord(body)) return { ok: false, errors: [notAnObject(body)] };
  const role = checkRole(body);
  return role.ok ? { ok: true, role: role.value } : role;
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

const DUPLICATE_EMAIL = 'An internal contact with this email already exists';

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
