import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AckResult } from './acks';
import { isRecord, optionalString, records, withGeneratedIds } from './blocks';
import { Directory } from './directory';
import { BodyTooLargeError, readBody, sendJson, sendText } from './http';
import {
  broadcastMentions,
  LIMITS,
  type MessageContent,
  missingTextFallback,
  validateMessage,
  validateView,
} from './limits';
import {
  cursorMemberId,
  type MemberInput,
  type MemberPatch,
  type MemberProfilePatch,
  memberCursor,
  memberUserConfig,
  patchMember,
  type SlackMember,
  seedMembers,
  slackMember,
  userObject,
} from './members';
import { slackMessageObject, userChangeEvent } from './payloads';
import { ResponseUrlBody, type ResponseUrlRecord, ResponseUrls } from './response-urls';
import { SocketModeServer } from './socketMode';
import type {
  ChannelConfig,
  Fault,
  JsonObject,
  PostedMessage,
  RecordedCall,
  ResponseUrlPost,
  StoredView,
  UserConfig,
} from './types';
import { toSlackView, ViewStore } from './views';

export interface SlackEmulatorOptions {
  /** The only bearer token accepted for the app's Web API calls. */
  botToken: string;
  /** The app-level token (xapp-…); when set, Socket Mode is on (apps.connections.open). */
  appToken?: string;
  teamId?: string;
  teamDomain?: string;
  teamName?: string;
  botUserId?: string;
  botUserName?: string;
  botId?: string;
  appId?: string;
  triggerTtlMs?: number;
  /** The app holds `chat:write.public`: it may post to public channels it has not joined. */
  chatWritePublic?: boolean;
  /**
   * The bot token's scopes, sent back in every answer's `x-oauth-scopes` header and checked
   * by the methods that need one (`missing_scope`). Defaults to DEFAULT_SCOPES.
   */
  scopes?: readonly string[];
  /** The workspace's members, in users.list order; defaults to seedMembers(). */
  members?: ReadonlyArray<SlackMember | MemberInput>;
  /**
   * Per-method budgets; a call beyond one is answered HTTP 429 `ratelimited` with
   * Retry-After. None by default; DOCUMENTED_RATE_LIMITS holds Slack's tiers.
   */
  rateLimits?: Readonly<Record<string, RateLimit>>;
  now?: () => number;
  host?: string;
  port?: number;
}

/** Whom a trigger belongs to when the caller does not say: the person in slack-payloads.md. */
export const DEFAULT_USER_ID = 'U0ALICE';

/** manifest.yml's bot scopes, plus users:read.email, which linking contacts to members needs. */
export const DEFAULT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'users:read',
  'users:read.email',
  'usergroups:read',
  'channels:read',
  'groups:read',
];

/** A method's budget: calls accepted in any 60 seconds. */
export interface RateLimit {
  perMinute: number;
}

/**
 * Slack's documented tiers for the methods the bot uses (Tier 2: 20+ a minute, Tier 3: 50+,
 * Tier 4: 100+). Slack allows short bursts beyond them; the emulator does not.
 */
export const DOCUMENTED_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  'users.list': { perMinute: 20 },
  'usergroups.users.list': { perMinute: 20 },
  'users.lookupByEmail': { perMinute: 50 },
  'conversations.info': { perMinute: 50 },
  'users.info': { perMinute: 100 },
};

/** users.list pages hold at most this many members; no `limit` asks for all of them. */
export const USERS_LIST_MAX_LIMIT = 1000;

/** An Events API event before Slack wraps it in event_callback. */
export type EmulatedEvent = JsonObject & { type: string };

/** How an event reached the app: the driver's answer, and whether Slack counts it delivered. */
export type EventAck = AckResult & { eventId: string; acknowledged: boolean };

/** Delivers an event to the app over its transport; a SlackClientDriver registers one. */
export type EventDeliverer = (event: EmulatedEvent) => Promise<EventAck>;

export interface UserChangeDelivery extends EventAck {
  /** The user object the event carried (email only with users:read.email). */
  user: JsonObject;
}

interface Trigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

type Answer = JsonObject & { ok: boolean };
type Handler = (args: JsonObject) => Answer;
type Content = { ok: true; text: string; blocks: JsonObject[] } | { ok: false; answer: Answer };

/** Methods that take the app-level token rather than the bot token. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

/** The app-level token's scope, as its answers' x-oauth-scopes header names it. */
const APP_TOKEN_SCOPES = ['connections:write'];

/** The scopes a method accepts (any one of them will do), as x-accepted-oauth-scopes says. */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'users.info': ['users:read'],
  'users.list': ['users:read'],
  'users.lookupByEmail': ['users:read.email'],
  'usergroups.users.list': ['usergroups:read'],
  'conversations.info': ['channels:read', 'groups:read', 'im:read', 'mpim:read'],
};

const MINUTE_MS = 60_000;

/** Sliding one-minute windows of accepted calls, per method with a budget. */
class RateLimiter {
  private readonly budgets = new Map<string, RateLimit>();
  private readonly accepted = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    limits: Readonly<Record<string, RateLimit>>,
  ) {
    for (const [method, limit] of Object.entries(limits)) this.budgets.set(method, limit);
  }

  set(method: string, limit: RateLimit | undefined): void {
    if (limit) this.budgets.set(method, limit);
    else this.budgets.delete(method);
    this.accepted.delete(method);
  }

  /** Counts the call and answers undefined, or the seconds to wait when over budget. */
  take(method: string): number | undefined {
    const budget = this.budgets.get(method);
    if (!budget) return undefined;
    const now = this.now();
    const recent = (this.accepted.get(method) ?? []).filter((at) => at > now - MINUTE_MS);
    this.accepted.set(method, recent);
    if (recent.length < budget.perMinute) {
      recent.push(now);
      return undefined;
    }
    const oldest = recent[0] ?? now;
    return Math.max(1, Math.ceil((oldest + MINUTE_MS - now) / 1000));
  }
}

/** Fields the WebClient sends as JSON strings inside a form (some clients do so in JSON too). */
const JSON_FIELDS = ['view', 'blocks', 'attachments', 'metadata'];

function fail(error: string, extra: JsonObject = {}): Answer {
  return { ok: false, error, ...extra };
}

function invalidArguments(problems: string[]): Answer {
  return fail('invalid_arguments', {
    response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
  });
}

function isTruthyFlag(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

type FaultEffect = { status: number; error: string | undefined; headers: Record<string, string> };

/** How an injected fault changes the answer; undefined when it only delays it. */
function faultEffect(fault: Fault): FaultEffect | undefined {
  if (fault.status === undefined && fault.retryAfterSeconds === undefined) {
    return fault.error === undefined ? undefined : { status: 200, error: fault.error, headers: {} };
  }
  const status = fault.status ?? 429;
  const headers: Record<string, string> =
    status === 429 ? { 'retry-after': String(fault.retryAfterSeconds ?? 1) } : {};
  return { status, error: fault.error, headers };
}

function decodeJsonFields(args: JsonObject): JsonObject {
  const out: JsonObject = { ...args };
  for (const key of JSON_FIELDS) {
    const value = out[key];
    if (typeof value !== 'string') continue;
    try {
      out[key] = JSON.parse(value);
    } catch {
      // Left as the string: the method then answers as Slack does for malformed JSON.
    }
  }
  return out;
}

/**
 * An emulated Slack Web API (and response_url endpoint) on loopback. It answers like
 * Slack, enforces its documented limits and records everything for assertions.
 */
export class SlackEmulator {
  readonly botToken: string;
  readonly appToken: string | undefined;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly teamName: string;
  readonly botUserId: string;
  readonly botUserName: string;
  readonly botId: string;
  readonly appId: string;
  readonly triggerTtlMs: number;
  readonly now: () => number;

  readonly calls: RecordedCall[] = [];
  readonly warnings: string[] = [];
  readonly messages: PostedMessage[] = [];
  readonly responseUrlPosts: ResponseUrlPost[] = [];

  private readonly server: Server;
  private readonly host: string;
  private readonly port: number;
  private readonly views: ViewStore;
  private readonly triggers = new Map<string, Trigger>();
  private readonly responseUrls: ResponseUrls;
  private readonly directory: Directory;
  private readonly faults = new Map<string, Array<Fault & { remaining: number }>>();
  private readonly closing = new AbortController();
  private readonly handlers: Record<string, Handler>;
  private readonly socket: SocketModeServer | undefined;
  private readonly memberMap = new Map<string, SlackMember>();
  private readonly rateLimiter: RateLimiter;
  private grantedScopes: readonly string[];
  private eventDeliverer: EventDeliverer | undefined;
  private address: AddressInfo | undefined;
  private tsCounter = 0;

  private constructor(options: SlackEmulatorOptions) {
    this.botToken = options.botToken;
    this.appToken = options.appToken;
    this.teamId = options.teamId ?? 'T0ACME';
    this.teamDomain = options.teamDomain ?? 'acme';
    this.teamName = options.teamName ?? 'Acme';
    this.botUserId = options.botUserId ?? 'U0BOT';
    this.botUserName = options.botUserName ?? 'contactbot';
    this.botId = options.botId ?? 'B0BOT';
    this.appId = options.appId ?? 'A0APP';
    this.triggerTtlMs = options.triggerTtlMs ?? 3000;
    this.now = options.now ?? Date.now;
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 0;
    this.directory = new Directory(this.teamId, options.chatWritePublic ?? false);
    this.grantedScopes = [...(options.scopes ?? DEFAULT_SCOPES)];
    this.rateLimiter = new RateLimiter(this.now, options.rateLimits ?? {});
    const members =
      options.members ??
      seedMembers(
        {
          teamId: this.teamId,
          botUserId: this.botUserId,
          botUserName: this.botUserName,
          botId: this.botId,
          appId: this.appId,
        },
        new Date(this.now()),
      );
    for (const member of members) this.addMember(member);
    this.responseUrls = new ResponseUrls(this.now);
    this.views = new ViewStore({
      teamId: this.teamId,
      appId: this.appId,
      botId: this.botId,
      now: this.now,
    });
    this.handlers = {
      'auth.test': () => this.authTest(),
      'views.open': (a) => this.viewsOpen(a),
      'views.push': (a) => this.viewsPush(a),
      'views.update': (a) => this.viewsUpdate(a),
      'chat.postMessage': (a) => this.chatPostMessage(a),
      'chat.postEphemeral': (a) => this.chatPostEphemeral(a),
      'chat.update': (a) => this.chatUpdate(a),
      'users.info': (a) => this.usersInfo(a),
      'users.list': (a) => this.usersList(a),
      'users.lookupByEmail': (a) => this.usersLookupByEmail(a),
      'usergroups.users.list': (a) => this.usergroupsUsersList(a),
      'conversations.info': (a) => this.conversationsInfo(a),
      'apps.connections.open': () => this.appsConnectionsOpen(),
    };
    this.socket =
      options.appToken === undefined
        ? undefined
        : new SocketModeServer({
            appId: this.appId,
            now: this.now,
            warn: (message) => this.warn(message),
          });
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (this.closing.signal.aborted) return;
        const status = error instanceof BodyTooLargeError ? 413 : 500;
        sendText(res, status, error instanceof Error ? error.message : String(error));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (this.socket) this.socket.handleUpgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
  }

  static async start(options: SlackEmulatorOptions): Promise<SlackEmulator> {
    const emulator = new SlackEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(emulator.port, emulator.host, () => resolve());
    });
    emulator.address = emulator.server.address() as AddressInfo;
    return emulator;
  }

  get baseUrl(): string {
    if (!this.address) throw new Error('SlackEmulator is not listening');
    return `http://${this.host}:${this.address.port}`;
  }

  /** What to give the WebClient as `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** Slack's Socket Mode side; there is one only when the emulator has an `appToken`. */
  get socketMode(): SocketModeServer {
    if (!this.socket) throw new Error('Socket Mode needs an appToken in the emulator options');
    return this.socket;
  }

  async close(): Promise<void> {
    this.closing.abort();
    // Upgraded sockets no longer belong to the HTTP server: they would hold its close open.
    await this.socket?.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Fault injection; `method` may also be 'response_url' for posts to response URLs. */
  failNext(method: string, fault: Fault): void {
    const queue = this.faults.get(method) ?? [];
    queue.push({ ...fault, remaining: fault.times ?? 1 });
    this.faults.set(method, queue);
  }

  setChannel(id: string, config: ChannelConfig): void {
    this.directory.setChannel(id, config);
  }

  /** Configures a person; for a member, the member changes too (silently: no user_change). */
  setUser(id: string, config: Partial<UserConfig>): void {
    this.directory.setUser(id, config);
    const member = this.memberMap.get(id);
    if (!member) return;
    if (config.exists === false) {
      this.memberMap.delete(id);
      return;
    }
    const patch: MemberPatch = {
      ...(config.name === undefined ? {} : { name: config.name }),
      ...(config.teamId === undefined ? {} : { team_id: config.teamId }),
      ...(config.deleted === undefined ? {} : { deleted: config.deleted }),
      ...(config.isBot === undefined ? {} : { is_bot: config.isBot }),
      ...(config.isRestricted === undefined ? {} : { is_restricted: config.isRestricted }),
      ...(config.isUltraRestricted === undefined
        ? {}
        : { is_ultra_restricted: config.isUltraRestricted }),
      ...(config.realName === undefined ? {} : { profile: { real_name: config.realName } }),
    };
    this.memberMap.set(id, patchMember(member, patch, new Date(this.now())));
  }

  /** Creates or replaces a user group (S…) with exactly these members. */
  setUserGroup(id: string, members: readonly string[]): void {
    this.directory.setUserGroup(id, members);
  }

  channelName(id: string): string {
    return this.directory.channel(id).name;
  }

  /** A member as configured, or else whatever setUser said (any U…/W… id exists). */
  user(id: string): UserConfig {
    const member = this.memberMap.get(id);
    return member ? memberUserConfig(member) : this.directory.user(id);
  }

  /** The bot token's scopes. */
  get scopes(): readonly string[] {
    return this.grantedScopes;
  }

  /** The app is reinstalled with these scopes: the token keeps working with the new ones. */
  setScopes(scopes: readonly string[]): void {
    this.grantedScopes = [...scopes];
  }

  hasScope(scope: string): boolean {
    return this.grantedScopes.includes(scope);
  }

  /** Sets (or, with undefined, lifts) a method's budget; its count starts again. */
  setRateLimit(method: string, limit: RateLimit | undefined): void {
    this.rateLimiter.set(method, limit);
  }

  /**
   * The next `times` calls of `method` are answered HTTP 429 `ratelimited` with this
   * Retry-After, whatever the budget: the fault queue of failNext.
   */
  rateLimitNext(
    method: string,
    options: { retryAfterSeconds?: number; times?: number } = {},
  ): void {
    this.failNext(method, {
      status: 429,
      error: 'ratelimited',
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
      times: options.times ?? 1,
    });
  }

  /** Every member, deactivated ones too, in users.list order (a snapshot). */
  members(): SlackMember[] {
    return structuredClone([...this.memberMap.values()]);
  }

  /** One member (a snapshot), as Slack keeps it: email included. */
  member(id: string): SlackMember | undefined {
    const member = this.memberMap.get(id);
    return member && structuredClone(member);
  }

  /** The member with this profile email, compared case-insensitively, deactivated or not. */
  memberByEmail(email: string): SlackMember | undefined {
    const member = this.findMemberByEmail(email);
    return member && structuredClone(member);
  }

  /** Adds a member, or replaces the one with its id, without telling the app. */
  addMember(input: SlackMember | MemberInput): SlackMember {
    const member =
      'profile' in input
        ? structuredClone(input)
        : slackMember(input, this.teamId, new Date(this.now()));
    const email = member.profile.email;
    const holder = email === undefined ? undefined : this.findMemberByEmail(email);
    if (holder && holder.id !== member.id) {
      throw new Error(`${holder.id} already has the email ${email}: Slack keeps emails unique`);
    }
    this.memberMap.set(member.id, member);
    return structuredClone(member);
  }

  /**
   * Where Events API events go: a SlackClientDriver registers itself (the first one made for
   * this emulator, unless told otherwise), so events use the transport commands use.
   */
  deliverEventsWith(deliverer: EventDeliverer | undefined): void {
    this.eventDeliverer = deliverer;
  }

  get deliversEvents(): boolean {
    return this.eventDeliverer !== undefined;
  }

  /**
   * Changes a member without telling the app, e.g. while it is down: Slack does not replay
   * missed events, so only a later users.list or users.info shows the change.
   */
  changeMemberSilently(userId: string, patch: MemberPatch): SlackMember {
    const member = this.memberMap.get(userId);
    if (!member) throw new Error(`no member ${userId}`);
    const email = patch.profile?.email;
    const holder = email === undefined ? undefined : this.findMemberByEmail(email);
    if (holder && holder.id !== userId) {
      throw new Error(`${holder.id} already has the email ${email}: Slack keeps emails unique`);
    }
    const changed = patchMember(member, patch, new Date(this.now()));
    this.memberMap.set(userId, changed);
    return structuredClone(changed);
  }

  /**
   * A member edits their profile (or an admin does): the member changes and Slack sends the
   * app a `user_change` event with the whole user object, over the registered transport
   * (signed HTTP event_callback, or a Socket Mode events_api envelope). Resolves with the
   * app's acknowledgement; rejects when the app cannot be reached (the change stays).
   */
  updateMemberProfile(
    userId: string,
    profile: MemberProfilePatch,
    options: { via?: EventDeliverer } = {},
  ): Promise<UserChangeDelivery> {
    return this.updateMember(userId, { profile }, options);
  }

  /** Like updateMemberProfile, for account fields too, e.g. `{ deleted: true }`. */
  async updateMember(
    userId: string,
    patch: MemberPatch,
    options: { via?: EventDeliverer } = {},
  ): Promise<UserChangeDelivery> {
    const deliver = options.via ?? this.eventDeliverer;
    if (!deliver) {
      throw new Error(
        'no driver delivers events: make a SlackClientDriver for this emulator, or pass `via`',
      );
    }
    const changed = this.changeMemberSilently(userId, patch);
    const user = userObject(changed, { email: this.hasScope('users:read.email') });
    const ack = await deliver(userChangeEvent(user, this.now()));
    if (!ack.acknowledged) {
      const why = ack.timedOut
        ? 'no answer in time'
        : `HTTP ${ack.status} after ${Math.round(ack.ms)} ms`;
      this.warn(`user_change ${ack.eventId}: not acknowledged (${why}); Slack would retry it`);
    }
    return { ...ack, user };
  }

  /** A single-use trigger, as Slack hands out with each command or interaction of `userId`. */
  issueTriggerId(userId: string = DEFAULT_USER_ID): string {
    const id = `${Math.floor(this.now() / 1000)}.${randomInt(1e9)}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { userId, issuedAt: this.now(), used: false });
    return id;
  }

  createResponseUrl(
    channelId: string,
    userId: string,
    options: { messageTs?: string } = {},
  ): string {
    return this.responseUrls.create(this.baseUrl, channelId, userId, options.messageTs).url;
  }

  /** The message a response_url's replace_original acts on, unless a post through it came first. */
  attachResponseUrl(url: string, messageTs: string): void {
    this.responseUrls.attach(url, messageTs);
  }

  expireResponseUrl(url: string): void {
    this.responseUrls.expire(url);
  }

  /** A snapshot: later changes to the view do not show in it. */
  getView(viewId: string): StoredView | undefined {
    const view = this.views.get(viewId);
    return view && structuredClone(view);
  }

  openViews(): StoredView[] {
    return structuredClone(this.views.openViews());
  }

  /**
   * The person closes a view: Cancel drops it (and anything above it) and shows the one
   * below; the X, or Cancel on a `clear_on_close` view, closes the whole modal.
   */
  closeView(viewId: string, options: { all?: boolean } = {}): void {
    const view = this.views.get(viewId);
    if (!view) return;
    if (options.all || view.clear_on_close) this.views.clear(view.userId);
    else this.views.pop(viewId);
  }

  /** Closes exactly this view and any above it, as an empty view_submission ack does. */
  popView(viewId: string): void {
    this.views.pop(viewId);
  }

  clearViews(userId: string): void {
    this.views.clear(userId);
  }

  typeInto(viewId: string, blockId: string, value: string | null | string[]): void {
    this.views.typeInto(viewId, blockId, value);
  }

  /** The view on top of `userId`'s modal, the only one they can see and submit. */
  topView(userId: string): StoredView | undefined {
    const view = this.views.topOf(userId);
    return view && structuredClone(view);
  }

  setViewErrors(viewId: string, errors: Record<string, string> | null): void {
    this.views.setErrors(viewId, errors);
  }

  /** `response_action: update` from the app; returns why Slack would refuse it, if it would. */
  replaceView(viewId: string, view: unknown): string[] {
    const problems = validateView(view);
    if (problems.length || !isRecord(view)) return problems;
    const result = this.views.update(viewId, view);
    return result.ok ? [] : [result.error];
  }

  /** `response_action: push` from the app; returns why Slack would refuse it, if it would. */
  pushView(userId: string, view: unknown): string[] {
    const problems = validateView(view);
    if (problems.length || !isRecord(view)) return problems;
    const result = this.views.push(userId, view);
    return result.ok ? [] : [result.error];
  }

  /** Something became visible to people outside the Web API, e.g. a slash command's ack. */
  recordMessage(message: Omit<PostedMessage, 'ts' | 'at'>): PostedMessage {
    const posted: PostedMessage = { ...message, ts: this.nextTs(), at: this.now() };
    this.messages.push(posted);
    return posted;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(this.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }

  /** Consumes the next fault queued for `method`, waits out its delay, says what it does. */
  private async injectFault(method: string): Promise<FaultEffect | undefined> {
    const queue = this.faults.get(method);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) queue.shift();
    if (fault.delayMs) await sleep(fault.delayMs, undefined, { signal: this.closing.signal });
    return faultEffect(fault);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) {
      return this.handleApi(api[1], url, req, res);
    }
    const response = /^\/response\/([0-9a-f]+)$/.exec(url.pathname);
    if (response?.[1] && req.method === 'POST') {
      return this.handleResponseUrl(response[1], req, res);
    }
    sendText(res, 404, 'not found');
  }

  private async handleApi(
    method: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const raw = await readBody(req);
    const parsed = this.parseArgs(req, url, raw);
    const { token, ...args } = parsed.args;
    const call: RecordedCall = { method, args, ok: false, status: 200, at: this.now() };
    this.calls.push(call);
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const presented = bearer ?? optionalString(token);
    const scopeHeaders = this.scopeHeaders(method, presented);
    const answer = (status: number, body: Answer, headers: Record<string, string> = {}) => {
      call.status = status;
      call.ok = body.ok;
      if (!body.ok) call.error = optionalString(body.error) ?? `http_${status}`;
      sendJson(res, status, body, { ...scopeHeaders, ...headers });
    };

    const handler = this.handlers[method];
    if (!handler) return answer(200, fail('unknown_method'));
    const fault = await this.injectFault(method);
    if (fault) {
      const error = fault.error ?? (fault.status === 429 ? 'ratelimited' : `http_${fault.status}`);
      return answer(fault.status, fail(error), fault.headers);
    }

    const refused = this.tokenProblem(method, presented);
    if (refused) return answer(200, fail(refused));
    if (parsed.invalidJson) return answer(200, fail('invalid_json'));
    const retryAfter = this.rateLimiter.take(method);
    if (retryAfter !== undefined) {
      return answer(429, fail('ratelimited'), { 'retry-after': String(retryAfter) });
    }
    const missing = this.missingScope(method);
    if (missing) return answer(200, missing);
    answer(200, handler(args));
  }

  /** Slack names a valid token's scopes in every answer; WebClient reads them from here. */
  private scopeHeaders(method: string, presented: string | undefined): Record<string, string> {
    const granted =
      presented === undefined
        ? undefined
        : presented === this.botToken
          ? this.grantedScopes
          : presented === this.appToken
            ? APP_TOKEN_SCOPES
            : undefined;
    if (!granted) return {};
    const accepted = METHOD_SCOPES[method];
    return {
      'x-oauth-scopes': granted.join(','),
      ...(accepted ? { 'x-accepted-oauth-scopes': accepted.join(',') } : {}),
    };
  }

  /** `missing_scope` when the bot token holds none of the scopes the method accepts. */
  private missingScope(method: string): Answer | undefined {
    const accepted = METHOD_SCOPES[method];
    if (!accepted || accepted.some((scope) => this.hasScope(scope))) return undefined;
    return fail('missing_scope', {
      needed: accepted.join(','),
      provided: this.grantedScopes.join(','),
    });
  }

  private findMemberByEmail(email: string): SlackMember | undefined {
    const wanted = email.toLowerCase();
    for (const member of this.memberMap.values()) {
      if (member.profile.email?.toLowerCase() === wanted) return member;
    }
    return undefined;
  }

  /** Bot tokens call the Web API; the app-level token only opens Socket Mode connections. */
  private tokenProblem(method: string, presented: string | undefined): string | undefined {
    if (!presented) return 'not_authed';
    const wantsAppToken = APP_TOKEN_METHODS.has(method);
    const expected = wantsAppToken ? this.appToken : this.botToken;
    if (presented === expected) return undefined;
    const other = wantsAppToken ? this.botToken : this.appToken;
    return presented === other ? 'not_allowed_token_type' : 'invalid_auth';
  }

  private parseArgs(
    req: IncomingMessage,
    url: URL,
    raw: string,
  ): { args: JsonObject; invalidJson: boolean } {
    const query = Object.fromEntries(url.searchParams);
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.includes('application/json')) {
      try {
        const body: unknown = JSON.parse(raw || '{}');
        const args = { ...query, ...(isRecord(body) ? body : {}) };
        return { args: decodeJsonFields(args), invalidJson: false };
      } catch {
        return { args: query, invalidJson: true };
      }
    }
    const form = Object.fromEntries(new URLSearchParams(raw));
    return { args: decodeJsonFields({ ...query, ...form }), invalidJson: false };
  }

  private authTest(): Answer {
    return {
      ok: true,
      url: `https://${this.teamDomain}.slack.com/`,
      team: this.teamName,
      user: this.botUserName,
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
      is_enterprise_install: false,
    };
  }

  private appsConnectionsOpen(): Answer {
    // Only reached with the app token, so the server exists.
    return { ok: true, url: this.socketMode.issueUrl(this.baseUrl.replace(/^http/, 'ws')) };
  }

  /** The trigger's owner, or the error Slack answers for an unusable trigger. */
  private exchangeTrigger(value: unknown): { userId: string } | { refused: Answer } {
    const trigger = typeof value === 'string' ? this.triggers.get(value) : undefined;
    if (!trigger) return { refused: fail('invalid_trigger_id') };
    if (trigger.used) return { refused: fail('exchanged_trigger_id') };
    if (this.now() - trigger.issuedAt > this.triggerTtlMs) {
      return { refused: fail('expired_trigger_id') };
    }
    trigger.used = true;
    return { userId: trigger.userId };
  }

  /** Shared argument checks of views.open/push/update; undefined when all is well. */
  private checkViewArgs(args: JsonObject, required: string[]): Answer | undefined {
    const missing = required.filter((key) => args[key] === undefined || args[key] === '');
    if (missing.length) return invalidArguments(missing.map((k) => `missing required field: ${k}`));
    if (!isRecord(args.view)) {
      return invalidArguments(['failed to match all allowed schemas [json-pointer:/view]']);
    }
    const problems = validateView(args.view);
    if (problems.length) return invalidArguments(problems);
    const externalId = optionalString(args.view.external_id);
    const holder = externalId ? this.views.findOpenByExternalId(externalId) : undefined;
    if (holder && holder.id !== args.view_id) return fail('duplicate_external_id');
    return undefined;
  }

  private triggerArg(args: JsonObject): JsonObject {
    // interactivity_pointer is the newer name Slack accepts for the same thing.
    return args.trigger_id === undefined && args.interactivity_pointer !== undefined
      ? { ...args, trigger_id: args.interactivity_pointer }
      : args;
  }

  private viewsOpen(input: JsonObject): Answer {
    const args = this.triggerArg(input);
    const invalid = this.checkViewArgs(args, ['trigger_id', 'view']);
    if (invalid) return invalid;
    const exchanged = this.exchangeTrigger(args.trigger_id);
    if ('refused' in exchanged) return exchanged.refused;
    const result = this.views.open(exchanged.userId, args.view as JsonObject);
    return result.ok ? { ok: true, view: toSlackView(result.view) } : fail(result.error);
  }

  private viewsPush(input: JsonObject): Answer {
    const args = this.triggerArg(input);
    const invalid = this.checkViewArgs(args, ['trigger_id', 'view']);
    if (invalid) return invalid;
    const exchanged = this.exchangeTrigger(args.trigger_id);
    if ('refused' in exchanged) return exchanged.refused;
    const result = this.views.push(exchanged.userId, args.view as JsonObject);
    return result.ok ? { ok: true, view: toSlackView(result.view) } : fail(result.error);
  }

  private viewsUpdate(args: JsonObject): Answer {
    const viewId = optionalString(args.view_id);
    const externalId = optionalString(args.external_id);
    if (!viewId && !externalId) {
      return invalidArguments(['missing required field: view_id or external_id']);
    }
    const current = viewId
      ? this.views.get(viewId)
      : this.views.findOpenByExternalId(externalId ?? '');
    if (!current || current.closed) return fail('not_found');
    const invalid = this.checkViewArgs({ ...args, view_id: current.id }, ['view']);
    if (invalid) return invalid;
    const hash = optionalString(args.hash);
    if (hash && hash !== current.hash) return fail('hash_conflict');
    const result = this.views.update(current.id, args.view as JsonObject);
    return result.ok ? { ok: true, view: toSlackView(result.view) } : fail(result.error);
  }

  /** Content checks every message path shares (Web API and response_url). */
  private checkContent(source: string, args: JsonObject): Content {
    const blocks = args.blocks;
    if (blocks !== undefined && !Array.isArray(blocks)) {
      return { ok: false, answer: fail('invalid_blocks_format') };
    }
    const text = args.text === undefined ? '' : args.text;
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    if (text === '' && !blocks?.length && !hasAttachments) {
      return { ok: false, answer: fail('no_text') };
    }
    const content: MessageContent = { text, blocks };
    const problems = validateMessage(content);
    if (problems.length) {
      return {
        ok: false,
        answer: fail('invalid_blocks', {
          errors: problems,
          response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) },
        }),
      };
    }
    if (typeof text === 'string' && text.length > LIMITS.messageText) {
      return { ok: false, answer: fail('msg_too_long') };
    }
    if (missingTextFallback(content)) this.warn(`${source}: blocks without a text fallback`);
    if (isTruthyFlag(args.link_names)) {
      this.warn(`${source}: link_names is set, so @names in the text become mentions`);
    }
    for (const mention of broadcastMentions(content)) {
      this.warn(`${source}: message would notify many people: ${mention}`);
    }
    return { ok: true, text: typeof text === 'string' ? text : '', blocks: records(blocks) };
  }

  private chatPostMessage(args: JsonObject): Answer {
    const target = this.directory.postTarget(args.channel);
    if (!target.ok) return fail(target.error);
    const content = this.checkContent('chat.postMessage', args);
    if (!content.ok) return content.answer;
    const message = this.recordMessage({
      kind: target.kind,
      channel: target.id,
      text: content.text,
      blocks: withGeneratedIds(content.blocks),
      ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
    });
    return {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      message: slackMessageObject(message, this),
    };
  }

  private chatPostEphemeral(args: JsonObject): Answer {
    const target = this.directory.postTarget(args.channel);
    if (!target.ok) return fail(target.error);
    const user = optionalString(args.user);
    if (!user || !this.user(user).exists) return fail('user_not_found');
    const members = this.directory.channel(target.id).members;
    if (members && !members.includes(user)) return fail('user_not_in_channel');
    const content = this.checkContent('chat.postEphemeral', args);
    if (!content.ok) return content.answer;
    const message = this.recordMessage({
      kind: 'ephemeral',
      channel: target.id,
      user,
      text: content.text,
      blocks: withGeneratedIds(content.blocks),
    });
    return { ok: true, message_ts: message.ts };
  }

  private chatUpdate(args: JsonObject): Answer {
    const target = this.directory.postTarget(args.channel);
    if (!target.ok) return fail(target.error);
    const message = this.messages.find(
      (m) =>
        m.channel === target.id &&
        m.ts === args.ts &&
        !m.deleted &&
        (m.kind === 'channel' || m.kind === 'dm'),
    );
    if (!message) return fail('message_not_found');
    const content = this.checkContent('chat.update', args);
    if (!content.ok) return content.answer;
    message.text = content.text;
    message.blocks = withGeneratedIds(content.blocks);
    message.editedAt = this.now();
    return {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      text: message.text,
      message: slackMessageObject(message, this),
    };
  }

  private usersInfo(args: JsonObject): Answer {
    const id = optionalString(args.user);
    if (!id) return fail('user_not_found');
    const options = {
      email: this.hasScope('users:read.email'),
      locale: isTruthyFlag(args.include_locale),
    };
    const member = this.memberMap.get(id);
    if (member) return { ok: true, user: userObject(member, options) };
    // Anyone setUser describes (or any U…/W… id) is a person users.info knows, not listed.
    const user = this.directory.user(id);
    if (!user.exists) return fail('user_not_found');
    const described = slackMember(
      {
        id,
        name: user.name,
        realName: user.realName,
        displayName: user.name,
        teamId: user.teamId,
        deleted: user.deleted,
        isBot: user.isBot,
        isRestricted: user.isRestricted,
        isUltraRestricted: user.isUltraRestricted,
      },
      this.teamId,
      new Date(this.now()),
    );
    return { ok: true, user: userObject(described, options) };
  }

  /** Cursor paging over the members in order; no `limit` (or 0) asks for all of them. */
  private usersList(args: JsonObject): Answer {
    const all = [...this.memberMap.values()];
    const rawLimit = args.limit === undefined || args.limit === '' ? 0 : Number(args.limit);
    if (!Number.isInteger(rawLimit) || rawLimit < 0) {
      return invalidArguments([`invalid limit: ${String(args.limit)}`]);
    }
    let start = 0;
    const cursor = optionalString(args.cursor);
    if (cursor) {
      const id = cursorMemberId(cursor);
      start = id === undefined ? -1 : all.findIndex((m) => m.id === id);
      if (start < 0) return fail('invalid_cursor');
    }
    if (rawLimit === 0 && all.length - start > USERS_LIST_MAX_LIMIT) return fail('limit_required');
    const size = rawLimit === 0 ? all.length : Math.min(rawLimit, USERS_LIST_MAX_LIMIT);
    const page = all.slice(start, start + size);
    const next = all[start + size];
    const options = {
      email: this.hasScope('users:read.email'),
      locale: isTruthyFlag(args.include_locale),
    };
    return {
      ok: true,
      members: page.map((member) => userObject(member, options)),
      cache_ts: Math.floor(this.now() / 1000),
      response_metadata: { next_cursor: next ? memberCursor(next.id) : '' },
    };
  }

  /** Deactivated members are not found by email (Slack: use users.list for them). */
  private usersLookupByEmail(args: JsonObject): Answer {
    const email = optionalString(args.email);
    if (!email) return invalidArguments(['missing required field: email']);
    const member = this.findMemberByEmail(email);
    if (!member || member.deleted) return fail('users_not_found');
    return { ok: true, user: userObject(member, { email: true }) };
  }

  private usergroupsUsersList(args: JsonObject): Answer {
    const id = optionalString(args.usergroup);
    if (!id) return invalidArguments(['missing required field: usergroup']);
    const members = this.directory.userGroupMembers(id);
    return members ? { ok: true, users: members } : fail('no_such_subteam');
  }

  private conversationsInfo(args: JsonObject): Answer {
    const id = optionalString(args.channel);
    if (!id) return fail('channel_not_found');
    const c = this.directory.channel(id);
    const isDm = id.startsWith('D');
    if (!c.exists || ((c.isPrivate || isDm) && !c.isMember)) return fail('channel_not_found');
    if (isDm) return { ok: true, channel: { id, is_im: true, is_member: true } };
    return {
      ok: true,
      channel: {
        id,
        name: c.name,
        is_channel: !c.isPrivate,
        is_group: c.isPrivate,
        is_im: false,
        is_private: c.isPrivate,
        is_member: c.isMember,
        is_ext_shared: c.isExtShared,
        is_archived: c.isArchived,
      },
    };
  }

  private async handleResponseUrl(
    id: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const raw = await readBody(req);
    const record = this.responseUrls.usable(id);
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Kept raw: it is recorded as sent and answered invalid_payload below.
    }
    const entry: ResponseUrlPost = {
      url: `${this.baseUrl}/response/${id}`,
      body,
      at: this.now(),
      status: 200,
    };
    this.responseUrlPosts.push(entry);
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      entry.status = status;
      sendText(res, status, text, headers);
    };

    const fault = await this.injectFault('response_url');
    // A response_url has no {ok:false} body: an error code alone becomes a 400.
    if (fault)
      return answer(
        fault.status === 200 ? 400 : fault.status,
        fault.error ?? 'error',
        fault.headers,
      );

    if (!record) return answer(404, 'expired_url');
    const parsed = ResponseUrlBody.safeParse(body);
    if (!parsed.success) return answer(400, 'invalid_payload');
    const outcome = this.applyResponseUrlPost(record, parsed.data);
    if (outcome !== 'ok') return answer(400, outcome);
    record.posts += 1;
    answer(200, 'ok');
  }

  private applyResponseUrlPost(record: ResponseUrlRecord, body: ResponseUrlBody): string {
    const original = this.messages.find(
      (m) => m.ts === (record.messageTs ?? record.lastTs) && !m.deleted,
    );
    if (isTruthyFlag(body.delete_original)) {
      if (original) original.deleted = true;
      return 'ok';
    }
    const content = this.checkContent('response_url', body);
    if (!content.ok) return optionalString(content.answer.error) ?? 'invalid_payload';
    if (isTruthyFlag(body.replace_original) && original) {
      original.text = content.text;
      original.blocks = withGeneratedIds(content.blocks);
      original.editedAt = this.now();
      return 'ok';
    }
    const inChannel = body.response_type === 'in_channel';
    const message = this.recordMessage({
      kind: 'response_url',
      channel: record.channelId,
      ...(inChannel ? {} : { user: record.userId }),
      text: content.text,
      blocks: withGeneratedIds(content.blocks),
      responseType: inChannel ? 'in_channel' : 'ephemeral',
      ...(body.thread_ts ? { threadTs: body.thread_ts } : {}),
    });
    record.lastTs = message.ts;
    return 'ok';
  }
}
