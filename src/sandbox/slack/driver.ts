import { randomBytes } from 'node:crypto';
import {
  ACK_DEADLINE_MS,
  type AckResult,
  blockActionsAckWarning,
  interpretCommandAck,
  interpretViewSubmissionAck,
  parseAckJson,
} from './acks';
import {
  clientSideErrors,
  elementOptions,
  findButton,
  inputBlocks,
  isRecord,
  optionalString,
  records,
  toOption,
  withGeneratedIds,
} from './blocks';
import {
  DEFAULT_USER_ID,
  type EventAck,
  type SlackEmulator,
  type UserChangeDelivery,
} from './emulator';
import { LIMITS, missingTextFallback, validateMessage } from './limits';
import type { MemberPatch, MemberProfilePatch } from './members';
import {
  escapeLikeSlack,
  eventCallbackPayload,
  interactivityBody,
  linkEmails,
  messageBlockActionsPayload,
  type PayloadUser,
  slashCommandPayload,
  viewBlockActionsPayload,
  viewClosedPayload,
  viewSubmissionPayload,
  type WorkspaceIds,
} from './payloads';
import { signSlackRequest } from './signing';
import type { JsonObject, OptionObject, StoredView } from './types';
import { toSlackView } from './views';

export type { AckResult } from './acks';

interface DriverBaseOptions {
  emulator: SlackEmulator;
  teamId?: string;
  apiAppId?: string;
  /** Clock for X-Slack-Request-Timestamp; the app checks it against its own clock. */
  now?: () => number;
  verificationToken?: string;
  /** How long Slack waits for an acknowledgement; lower it to test slow apps quickly. */
  ackDeadlineMs?: number;
  /** When the driver stops waiting for an HTTP answer at all. */
  requestTimeoutMs?: number;
  /**
   * Whether the emulator's own events (user_change from updateMemberProfile) go through this
   * driver. By default the first driver made for an emulator takes them; true takes them
   * over from another driver, false leaves them alone.
   */
  deliverEvents?: boolean;
}

/** Slack posts signed requests to the app's Request URL. */
export interface HttpTransportOptions {
  transport?: 'http';
  /** The app's Request URL, e.g. http://127.0.0.1:1234/slack/events. */
  appUrl: string;
  signingSecret: string;
}

/**
 * Slack sends envelopes over the app's Socket Mode connections; the emulator needs an
 * appToken. Envelopes are not waited for beyond `ackDeadlineMs`: Slack drops a late ack.
 */
export interface SocketTransportOptions {
  transport: 'socket';
  /** Only for `sendRaw`, which always posts over HTTP. */
  appUrl?: string;
  signingSecret?: string;
}

export type SlackClientDriverOptions = DriverBaseOptions &
  (HttpTransportOptions | SocketTransportOptions);

export interface SlashCommandParams {
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  command?: string;
  /** Encode & < > as Slack does (default true). */
  escape?: boolean;
  /** Wrap typed emails as <mailto:a@b.co|a@b.co>, as the client may (default false). */
  linkEmails?: boolean;
  /**
   * The command's `should_escape` (default true, as in manifest.yml): an `@name` that names a
   * member (handle or display name, any case) arrives as `<@U…|handle>`, as the person picked
   * them from Slack's autocomplete. False: it arrives as the text typed.
   */
  shouldEscape?: boolean;
}

export interface SubmitViewParams {
  userId?: string;
  /** The Slack client refuses empty required inputs and bad lengths itself (default true). */
  clientValidation?: boolean;
}

export interface ClickButtonParams {
  actionId: string;
  /** The button's block, when several blocks have a button with this action_id. */
  blockId?: string;
  messageTs?: string;
  viewId?: string;
  userId?: string;
  value?: string;
}

export interface SelectOptionParams {
  viewId: string;
  actionId: string;
  /** The option the person chose: for an external_select, one the app offered. */
  option: OptionObject;
  userId?: string;
}

export interface SendRawParams {
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
  timestamp?: number;
  signature?: string;
}

/** An Events API event, e.g. `{ type: 'user_change', user: {…} }`; event_ts is added when absent. */
export type SlackEvent = JsonObject & { type: string };

/** The Slack client would not send this submission; the view now shows these errors. */
export class ClientValidationError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(`Slack would not submit: ${JSON.stringify(errors)}`);
    this.name = 'ClientValidationError';
  }
}

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';

/** What Slack sends the app, before a transport wraps it; the envelope types name the kinds. */
type Delivery =
  | { type: 'slash_commands'; payload: Record<string, string> }
  | { type: 'interactive'; payload: JsonObject }
  | { type: 'events_api'; payload: JsonObject };

/** The request Slack posts to the Request URL for a delivery. */
function httpRequest(d: Delivery): { body: string; contentType: string } {
  switch (d.type) {
    case 'slash_commands':
      return { body: new URLSearchParams(d.payload).toString(), contentType: FORM };
    case 'interactive':
      return { body: interactivityBody(d.payload), contentType: FORM };
    case 'events_api':
      return { body: JSON.stringify(d.payload), contentType: JSON_TYPE };
  }
}

/** Slack reads an envelope ack's payload only where an answer can change what the person sees. */
function acceptsResponsePayload(d: Delivery): boolean {
  if (d.type === 'slash_commands') return true;
  if (d.type === 'events_api') return false;
  return d.payload.type === 'view_submission' || d.payload.type === 'block_suggestion';
}

/** The blocks to look for a control in: all, or only the one with this block_id. */
function inBlock(blocks: readonly unknown[], blockId: string | undefined): JsonObject[] {
  const all = records(blocks);
  return blockId === undefined ? all : all.filter((block) => block.block_id === blockId);
}

const SELECT_TYPES = new Set(['static_select', 'external_select']);

interface FoundSelect {
  blockId: string;
  element: JsonObject;
  /** In an input block, where the choice is state until submitted... */
  inInput: boolean;
  /** ...unless the input block has dispatch_action. */
  dispatch: boolean;
}

/** A single select with this action_id, in an input block, an actions block or a section. */
function findSelect(blocks: readonly unknown[], actionId: string): FoundSelect | undefined {
  for (const block of records(blocks)) {
    const blockId = optionalString(block.block_id) ?? '';
    const inInput = block.type === 'input';
    const elements = inInput
      ? [block.element]
      : block.type === 'actions'
        ? records(block.elements)
        : [block.accessory];
    for (const element of elements) {
      if (!isRecord(element) || element.action_id !== actionId) continue;
      if (!SELECT_TYPES.has(String(element.type))) continue;
      return { blockId, element, inInput, dispatch: block.dispatch_action === true };
    }
  }
  return undefined;
}

/** The options an answer to block_suggestion holds, or why Slack would show none. */
function optionsAckProblem(ack: AckResult, deadlineMs: number): OptionObject[] | string {
  if (ack.timedOut || ack.ms > deadlineMs) {
    return `no acknowledgement within ${deadlineMs} ms (took ${Math.round(ack.ms)} ms); Slack showed no options`;
  }
  if (ack.status !== 200) return `app answered HTTP ${ack.status}; Slack showed no options`;
  const body = ack.json;
  if (!isRecord(body)) return 'the answer is not a JSON object with options; Slack showed none';
  const raw = Array.isArray(body.options)
    ? body.options
    : Array.isArray(body.option_groups)
      ? records(body.option_groups).flatMap((group) =>
          Array.isArray(group.options) ? group.options : [],
        )
      : undefined;
  if (raw === undefined)
    return 'the answer has neither options nor option_groups; Slack showed none';
  if (raw.length > LIMITS.selectOptions) {
    return `${raw.length} options, more than ${LIMITS.selectOptions}; Slack showed none`;
  }
  const problems: string[] = [];
  raw.forEach((option, i) => {
    const text = isRecord(option) && isRecord(option.text) ? option.text : undefined;
    if (!isRecord(option) || typeof option.value !== 'string' || !text) {
      problems.push(`option ${i} is not {text, value}`);
      return;
    }
    if (text.type !== 'plain_text' || typeof text.text !== 'string') {
      problems.push(`option ${i}: text must be plain_text`);
    } else if ([...text.text].length > LIMITS.optionText) {
      problems.push(`option ${i}: text longer than ${LIMITS.optionText} characters`);
    }
    if ([...option.value].length > LIMITS.optionValue) {
      problems.push(`option ${i}: value longer than ${LIMITS.optionValue} characters`);
    }
  });
  if (problems.length) return `options refused: ${problems.join('; ')}`;
  return raw.map(toOption);
}

/**
 * Plays Slack's client and platform: builds payloads the way Slack does, delivers them to
 * the app (signed HTTP requests, or Socket Mode envelopes) and applies the app's
 * acknowledgement to the emulator's state.
 */
export class SlackClientDriver {
  private readonly emulator: SlackEmulator;
  private readonly transport: 'http' | 'socket';
  private readonly appUrl: string | undefined;
  private readonly signingSecret: string | undefined;
  private readonly ids: WorkspaceIds;
  private readonly now: () => number;
  private readonly ackDeadlineMs: number;
  private readonly requestTimeoutMs: number;

  constructor(options: SlackClientDriverOptions) {
    const { emulator } = options;
    this.emulator = emulator;
    this.transport = options.transport ?? 'http';
    this.appUrl = options.appUrl;
    this.signingSecret = options.signingSecret;
    this.now = options.now ?? Date.now;
    this.ackDeadlineMs = options.ackDeadlineMs ?? ACK_DEADLINE_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.ids = {
      teamId: options.teamId ?? emulator.teamId,
      teamDomain: emulator.teamDomain,
      appId: options.apiAppId ?? emulator.appId,
      botId: emulator.botId,
      botUserId: emulator.botUserId,
      token: options.verificationToken ?? 'legacy-verification-token',
    };
    const takeEvents = options.deliverEvents ?? !emulator.deliversEvents;
    if (takeEvents) emulator.deliverEventsWith((event) => this.sendEvent(event));
  }

  async slashCommand(
    p: SlashCommandParams,
  ): Promise<AckResult & { triggerId: string; responseUrl: string }> {
    const userId = p.userId ?? DEFAULT_USER_ID;
    const channelId = p.channelId ?? 'C0OPS';
    const escaped =
      p.escape === false
        ? p.text
        : p.shouldEscape === false
          ? escapeLikeSlack(p.text)
          : this.mentionMembers(escapeLikeSlack(p.text));
    const triggerId = this.emulator.issueTriggerId(userId);
    const responseUrl = this.emulator.createResponseUrl(channelId, userId);
    const payload = slashCommandPayload({
      ids: this.ids,
      channelId,
      channelName: p.channelName ?? this.emulator.channelName(channelId),
      user: { id: userId, name: p.userName ?? this.emulator.user(userId).name },
      command: p.command ?? '/contact',
      text: p.linkEmails ? linkEmails(escaped) : escaped,
      responseUrl,
      triggerId,
    });
    const ack = await this.deliver({ type: 'slash_commands', payload });
    this.applyCommandAck(ack, channelId, userId, responseUrl);
    return { ...ack, triggerId, responseUrl };
  }

  /** `@priya` → `<@U0PRIYA|priya.raman>` for a member of that handle or display name. */
  private mentionMembers(text: string): string {
    // Most commands name nobody: the member list (a copy) is read only when one might.
    if (!/(^|\s)@/.test(text)) return text;
    const members = this.emulator.members();
    return text.replace(/(^|\s)@([\p{L}\p{N}._-]+)/gu, (whole, before: string, name: string) => {
      const wanted = name.toLowerCase();
      const member = members.find(
        (m) =>
          !m.deleted &&
          (m.name.toLowerCase() === wanted || m.profile.display_name.toLowerCase() === wanted),
      );
      return member ? `${before}<@${member.id}|${member.name}>` : whole;
    });
  }

  async submitView(viewId: string, p: SubmitViewParams = {}): Promise<AckResult> {
    const view = this.visibleView(viewId);
    const userId = p.userId ?? view.userId;
    if (p.clientValidation !== false) {
      const errors = clientSideErrors(view.blocks, view.state);
      if (Object.keys(errors).length) {
        this.emulator.setViewErrors(viewId, errors);
        throw new ClientValidationError(errors);
      }
    }
    this.emulator.setViewErrors(viewId, null);
    const payload = viewSubmissionPayload({
      ids: this.ids,
      user: this.payloadUser(userId),
      triggerId: this.emulator.issueTriggerId(userId),
      view: toSlackView(view),
    });
    const ack = await this.deliver({ type: 'interactive', payload });
    this.applyViewAck(view, ack);
    return ack;
  }

  async clickButton(p: ClickButtonParams): Promise<AckResult & { triggerId: string }> {
    const { payload, triggerId } =
      p.viewId === undefined ? this.messageClick(p) : this.viewClick(p, p.viewId);
    const ack = await this.deliver({ type: 'interactive', payload });
    const warning = blockActionsAckWarning(ack, this.ackDeadlineMs);
    if (warning) this.emulator.warn(warning);
    return { ...ack, triggerId };
  }

  /**
   * The person types into an external_select in an open view: Slack sends block_suggestion
   * and shows the options the app answers with. Returns them (option groups flattened); none
   * when the text is shorter than the element's min_query_length (Slack does not ask then),
   * or when Slack would not use the answer, which is then a warning.
   */
  async suggestOptions(
    viewId: string,
    actionId: string,
    value: string,
    p: { userId?: string } = {},
  ): Promise<OptionObject[]> {
    const view = this.visibleView(viewId);
    const found = findSelect(view.blocks, actionId);
    if (!found || !String(found.element.type).endsWith('external_select')) {
      throw new Error(`view ${viewId} has no external_select with action_id ${actionId}`);
    }
    const minQueryLength =
      typeof found.element.min_query_length === 'number' ? found.element.min_query_length : 3;
    if ([...value].length < minQueryLength) return [];
    const payload = {
      type: 'block_suggestion',
      user: this.payloadUserJson(p.userId ?? view.userId),
      container: { type: 'view', view_id: view.id },
      api_app_id: this.ids.appId,
      token: this.ids.token,
      action_id: actionId,
      block_id: found.blockId,
      value,
      team: { id: this.ids.teamId, domain: this.ids.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      view: toSlackView(view),
    };
    const ack = await this.deliver({ type: 'interactive', payload });
    const problem = optionsAckProblem(ack, this.ackDeadlineMs);
    if (typeof problem === 'string') {
      this.emulator.warn(`block_suggestion: ${problem}`);
      return [];
    }
    return problem;
  }

  /**
   * The person chooses an option of a select in an open view. The view's state takes it;
   * Slack sends block_actions at once for a select outside input blocks, and for one in an
   * input block with dispatch_action (then the answer is returned, else undefined).
   */
  async selectOption(
    p: SelectOptionParams,
  ): Promise<(AckResult & { triggerId: string }) | undefined> {
    const view = this.visibleView(p.viewId);
    const found = findSelect(view.blocks, p.actionId);
    if (!found) throw new Error(`view ${p.viewId} has no select with action_id ${p.actionId}`);
    const type = String(found.element.type);
    const option = toOption(p.option);
    const offered = elementOptions(found.element).some((o) => o.value === option.value);
    if (!type.endsWith('external_select') && !offered) {
      throw new Error(`${type} ${p.actionId} has no option with value '${option.value}'`);
    }
    if (found.inInput) this.emulator.typeInto(view.id, found.blockId, option.value);
    if (found.inInput && !found.dispatch) return undefined;
    const updated = toSlackView(this.visibleView(p.viewId));
    // The emulator's state keeps the value; Slack's keeps the option as offered, text and all.
    const chosen = updated.state.values[found.blockId]?.[p.actionId];
    if (chosen?.selected_option) chosen.selected_option = option;
    const userId = p.userId ?? view.userId;
    const triggerId = this.emulator.issueTriggerId(userId);
    const actionTs = this.actionTs();
    const base = viewBlockActionsPayload({
      ids: this.ids,
      user: this.payloadUser(userId),
      triggerId,
      view: updated,
      action: { actionId: p.actionId, blockId: found.blockId, element: found.element, actionTs },
    });
    const action: JsonObject = {
      type,
      action_id: p.actionId,
      block_id: found.blockId,
      selected_option: option,
      ...(found.element.placeholder !== undefined
        ? { placeholder: found.element.placeholder }
        : {}),
      action_ts: actionTs,
    };
    const ack = await this.deliver({
      type: 'interactive',
      payload: { ...base, actions: [action] },
    });
    const warning = blockActionsAckWarning(ack, this.ackDeadlineMs);
    if (warning) this.emulator.warn(warning);
    return { ...ack, triggerId };
  }

  /**
   * The person presses Enter in a plain_text_input of an open view. Slack sends block_actions
   * (action type `plain_text_input`, the typed `value`) only when its input block has
   * `dispatch_action` and the element's dispatch_action_config includes `on_enter_pressed`
   * (the default when it has none); otherwise nothing is sent and this returns undefined.
   */
  async pressEnter(p: {
    viewId: string;
    blockId: string;
    value: string;
    userId?: string;
  }): Promise<(AckResult & { triggerId: string }) | undefined> {
    const view = this.visibleView(p.viewId);
    const block = records(view.blocks).find((b) => b.type === 'input' && b.block_id === p.blockId);
    const element =
      block && typeof block.element === 'object' ? (block.element as JsonObject) : null;
    if (!block || !element || element.type !== 'plain_text_input') {
      throw new Error(`view ${p.viewId} has no plain_text_input in block ${p.blockId}`);
    }
    this.emulator.typeInto(view.id, p.blockId, p.value);
    const config = element.dispatch_action_config as { trigger_actions_on?: unknown } | undefined;
    const triggers = Array.isArray(config?.trigger_actions_on)
      ? config.trigger_actions_on
      : ['on_enter_pressed'];
    if (block.dispatch_action !== true || !triggers.includes('on_enter_pressed')) return undefined;
    const actionId = optionalString(element.action_id) ?? '';
    const userId = p.userId ?? view.userId;
    const triggerId = this.emulator.issueTriggerId(userId);
    const actionTs = this.actionTs();
    const base = viewBlockActionsPayload({
      ids: this.ids,
      user: this.payloadUser(userId),
      triggerId,
      view: toSlackView(this.visibleView(p.viewId)),
      action: { actionId, blockId: p.blockId, element, actionTs },
    });
    const action: JsonObject = {
      type: 'plain_text_input',
      block_id: p.blockId,
      action_id: actionId,
      value: p.value,
      action_ts: actionTs,
    };
    const ack = await this.deliver({
      type: 'interactive',
      payload: { ...base, actions: [action] },
    });
    const warning = blockActionsAckWarning(ack, this.ackDeadlineMs);
    if (warning) this.emulator.warn(warning);
    return { ...ack, triggerId };
  }

  /**
   * The person closes a view (Cancel, or the X with `all`). Slack tells the app only
   * when the view asked for it with notify_on_close; then the answer is returned.
   */
  async closeView(
    viewId: string,
    p: { all?: boolean; userId?: string } = {},
  ): Promise<AckResult | undefined> {
    const view = this.visibleView(viewId);
    const cleared = p.all === true || view.clear_on_close;
    const reported = cleared ? (this.emulator.getView(view.root_view_id) ?? view) : view;
    this.emulator.closeView(viewId, { all: p.all });
    if (!reported.notify_on_close) return undefined;
    const payload = viewClosedPayload({
      ids: this.ids,
      user: this.payloadUser(p.userId ?? view.userId),
      view: toSlackView(reported),
      isCleared: cleared,
    });
    return this.deliver({ type: 'interactive', payload });
  }

  /**
   * An Events API event, wrapped in event_callback as Slack does. Slack ignores the
   * answer's body; it retries an unacknowledged event over HTTP, which is not played here.
   * `acknowledged`: a 2xx (or a Socket Mode ack) within the ack deadline.
   */
  async sendEvent(event: SlackEvent): Promise<EventAck> {
    const eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
    const payload = eventCallbackPayload({
      ids: this.ids,
      event: { event_ts: this.actionTs(), ...event },
      eventId,
      eventTime: Math.floor(this.now() / 1000),
    });
    const ack = await this.deliver({ type: 'events_api', payload });
    const acknowledged =
      !ack.timedOut && ack.status >= 200 && ack.status < 300 && ack.ms <= this.ackDeadlineMs;
    return { ...ack, eventId, acknowledged };
  }

  /**
   * A member edits their Slack profile: the emulator changes the member and this driver
   * delivers the `user_change` event (whichever driver the emulator has registered).
   */
  updateMemberProfile(userId: string, profile: MemberProfilePatch): Promise<UserChangeDelivery> {
    return this.emulator.updateMemberProfile(userId, profile, {
      via: (event) => this.sendEvent(event),
    });
  }

  /** Like updateMemberProfile, for account fields too, e.g. deactivation `{ deleted: true }`. */
  updateMember(userId: string, patch: MemberPatch): Promise<UserChangeDelivery> {
    return this.emulator.updateMember(userId, patch, { via: (event) => this.sendEvent(event) });
  }

  /**
   * Posts an arbitrary body over HTTP (whatever the transport), signed unless `signature`
   * is given, to test verification.
   */
  async sendRaw(p: SendRawParams): Promise<{ status: number; text: string }> {
    const { appUrl, signingSecret } = this;
    if (appUrl === undefined || signingSecret === undefined) {
      throw new Error('sendRaw posts over HTTP: give the driver appUrl and signingSecret');
    }
    const timestamp = p.timestamp ?? Math.floor(this.now() / 1000);
    const response = await fetch(appUrl, {
      method: 'POST',
      headers: {
        'content-type': p.contentType ?? FORM,
        'user-agent': USER_AGENT,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': p.signature ?? signSlackRequest(signingSecret, timestamp, p.body),
        ...p.headers,
      },
      body: p.body,
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    return { status: response.status, text: await response.text() };
  }

  private deliver(d: Delivery): Promise<AckResult> {
    return this.transport === 'socket' ? this.deliverOverSocket(d) : this.deliverOverHttp(d);
  }

  private async deliverOverSocket(d: Delivery): Promise<AckResult> {
    const outcome = await this.emulator.socketMode.sendEnvelope(d.type, d.payload, {
      acceptsResponsePayload: acceptsResponsePayload(d),
      deadlineMs: this.ackDeadlineMs,
    });
    if (outcome.timedOut) return { status: 0, ms: outcome.ms, text: '', timedOut: true };
    // The ack's payload plays the part of the HTTP answer's body, so one reading serves both.
    const { payload } = outcome.ack;
    return {
      status: 200,
      ms: outcome.ms,
      text: payload === undefined ? '' : JSON.stringify(payload),
      ...(payload === undefined ? {} : { json: payload }),
      timedOut: false,
    };
  }

  private async deliverOverHttp(d: Delivery): Promise<AckResult> {
    const started = performance.now();
    try {
      const { status, text } = await this.sendRaw(httpRequest(d));
      const ms = performance.now() - started;
      const json = parseAckJson(text);
      return { status, ms, text, ...(json === undefined ? {} : { json }), timedOut: false };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'TimeoutError') throw error;
      return { status: 0, ms: performance.now() - started, text: '', timedOut: true };
    }
  }

  private payloadUser(userId: string): PayloadUser {
    const { name, teamId } = this.emulator.user(userId);
    // Interactivity names the person's own team, which differs for people from other organisations.
    return { id: userId, name, ...(teamId === this.emulator.teamId ? {} : { teamId }) };
  }

  /** The `user` object of an interactivity payload. */
  private payloadUserJson(userId: string): JsonObject {
    const { id, name, teamId } = this.payloadUser(userId);
    return { id, username: name, name, team_id: teamId ?? this.ids.teamId };
  }

  private actionTs(): string {
    return (this.now() / 1000).toFixed(6);
  }

  /** Only the view on top of a person's modal can be seen, typed into or submitted. */
  private visibleView(viewId: string): StoredView {
    const view = this.emulator.getView(viewId);
    if (!view || view.closed) throw new Error(`view ${viewId} is not open`);
    if (this.emulator.topView(view.userId)?.id !== viewId) {
      throw new Error(`view ${viewId} is covered by a view pushed on top of it`);
    }
    return view;
  }

  private viewClick(
    p: ClickButtonParams,
    viewId: string,
  ): { payload: JsonObject; triggerId: string } {
    const view = this.visibleView(viewId);
    const found = findButton(inBlock(view.blocks, p.blockId), p.actionId);
    if (!found) throw new Error(`view ${viewId} has no button with action_id ${p.actionId}`);
    const userId = p.userId ?? view.userId;
    const triggerId = this.emulator.issueTriggerId(userId);
    const payload = viewBlockActionsPayload({
      ids: this.ids,
      user: this.payloadUser(userId),
      triggerId,
      view: toSlackView(view),
      action: { ...found, actionId: p.actionId, value: p.value, actionTs: this.actionTs() },
    });
    return { payload, triggerId };
  }

  private messageClick(p: ClickButtonParams): { payload: JsonObject; triggerId: string } {
    const message = this.emulator.messages.findLast(
      (m) =>
        !m.deleted &&
        (p.messageTs === undefined || m.ts === p.messageTs) &&
        findButton(inBlock(m.blocks, p.blockId), p.actionId) !== undefined,
    );
    const found = message && findButton(inBlock(message.blocks, p.blockId), p.actionId);
    if (!message || !found) {
      const where = p.messageTs ? `message ${p.messageTs}` : 'any message';
      throw new Error(`no button with action_id ${p.actionId} in ${where}`);
    }
    if (message.user && p.userId && message.user !== p.userId) {
      throw new Error(`message ${message.ts} is ephemeral: only ${message.user} sees it`);
    }
    const userId = p.userId ?? message.user ?? DEFAULT_USER_ID;
    const triggerId = this.emulator.issueTriggerId(userId);
    const payload = messageBlockActionsPayload({
      ids: this.ids,
      user: this.payloadUser(userId),
      triggerId,
      message,
      channelName: this.emulator.channelName(message.channel),
      responseUrl: this.emulator.createResponseUrl(message.channel, userId, {
        messageTs: message.ts,
      }),
      action: { ...found, actionId: p.actionId, value: p.value, actionTs: this.actionTs() },
    });
    return { payload, triggerId };
  }

  private applyCommandAck(
    ack: AckResult,
    channelId: string,
    userId: string,
    responseUrl: string,
  ): void {
    const outcome = interpretCommandAck(ack, this.ackDeadlineMs);
    if (outcome.action === 'refused') {
      this.emulator.warn(outcome.warning);
      return;
    }
    if (outcome.action === 'nothing') return;
    const { text, blocks, responseType } = outcome.message;
    const problems = validateMessage({ text, blocks });
    if (problems.length) {
      this.emulator.warn(`slash command: acknowledgement refused: ${problems.join('; ')}`);
      return;
    }
    if (missingTextFallback({ text, blocks })) {
      this.emulator.warn('slash command: blocks without a text fallback');
    }
    const inChannel = responseType === 'in_channel';
    const message = this.emulator.recordMessage({
      kind: inChannel ? 'channel' : 'ephemeral',
      channel: channelId,
      ...(inChannel ? {} : { user: userId }),
      text,
      blocks: withGeneratedIds(records(blocks)),
    });
    // The command's answer is what a replace_original through its response_url replaces.
    this.emulator.attachResponseUrl(responseUrl, message.ts);
  }

  private applyViewAck(view: StoredView, ack: AckResult): void {
    const inputIds = inputBlocks(view.blocks).map((b) => b.blockId);
    const outcome = interpretViewSubmissionAck(ack, inputIds, this.ackDeadlineMs);
    const refusedBy = (action: string, problems: string[]) => {
      if (problems.length) {
        this.emulator.warn(
          `view_submission: response_action ${action} refused: ${problems.join('; ')}`,
        );
      }
    };
    switch (outcome.action) {
      case 'close':
        this.emulator.popView(view.id);
        break;
      case 'clear':
        this.emulator.clearViews(view.userId);
        break;
      case 'errors':
        this.emulator.setViewErrors(view.id, outcome.errors);
        break;
      case 'update':
        refusedBy('update', this.emulator.replaceView(view.id, outcome.view));
        break;
      case 'push':
        refusedBy('push', this.emulator.pushView(view.userId, outcome.view));
        break;
      case 'refused':
        this.emulator.warn(outcome.warning);
        break;
    }
  }
}
