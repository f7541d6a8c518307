import type { JsonObject, PostedMessage, SlackView } from './types';

/** Who is who in a workspace, as payloads name them. */
export interface WorkspaceIds {
  teamId: string;
  teamDomain: string;
  appId: string;
  botId: string;
  botUserId: string;
  /** The legacy verification token Slack still puts in every payload. */
  token: string;
}

export interface PayloadUser {
  id: string;
  name: string;
  /** The person's own team when it is not the workspace's: someone from a shared channel. */
  teamId?: string;
}

/** The `message` object Slack returns from chat.postMessage and sends in block_actions. */
export function slackMessageObject(
  message: PostedMessage,
  ids: Pick<WorkspaceIds, 'teamId' | 'appId' | 'botId' | 'botUserId'>,
): JsonObject {
  return {
    type: 'message',
    user: ids.botUserId,
    bot_id: ids.botId,
    app_id: ids.appId,
    team: ids.teamId,
    ts: message.ts,
    text: message.text,
    ...(message.blocks.length ? { blocks: message.blocks } : {}),
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
  };
}

/** Slack's own escaping of message text: these three characters and nothing else. */
export function escapeLikeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** How the Slack client may hand over an email a person typed. */
export function linkEmails(text: string): string {
  return text.replace(EMAIL, (email) => `<mailto:${email}|${email}>`);
}

export interface SlashCommandFields {
  ids: WorkspaceIds;
  channelId: string;
  channelName: string;
  user: PayloadUser;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}

/**
 * A slash command's fields, keys in the order Slack sends them. Over HTTP they are the form
 * body; over Socket Mode the same fields, all still strings, are the envelope's JSON payload.
 */
export function slashCommandPayload(f: SlashCommandFields): Record<string, string> {
  return {
    token: f.ids.token,
    team_id: f.ids.teamId,
    team_domain: f.ids.teamDomain,
    channel_id: f.channelId,
    channel_name: f.channelName,
    user_id: f.user.id,
    user_name: f.user.name,
    command: f.command,
    text: f.text,
    api_app_id: f.ids.appId,
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: f.triggerId,
  };
}

/** The form body of a slash command, as Slack posts it to the Request URL. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams(slashCommandPayload(f)).toString();
}

/** Interactivity arrives as one form field `payload` holding JSON. */
export function interactivityBody(payload: JsonObject): string {
  return new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
}

function payloadUser(user: PayloadUser, teamId: string): JsonObject {
  return { id: user.id, username: user.name, name: user.name, team_id: user.teamId ?? teamId };
}

function common(ids: WorkspaceIds, user: PayloadUser, type: string): JsonObject {
  return {
    type,
    team: { id: ids.teamId, domain: ids.teamDomain },
    user: payloadUser(user, ids.teamId),
    api_app_id: ids.appId,
    token: ids.token,
  };
}

export function viewSubmissionPayload(p: {
  ids: WorkspaceIds;
  user: PayloadUser;
  triggerId: string;
  view: SlackView;
}): JsonObject {
  return {
    ...common(p.ids, p.user, 'view_submission'),
    trigger_id: p.triggerId,
    view: p.view,
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function viewClosedPayload(p: {
  ids: WorkspaceIds;
  user: PayloadUser;
  view: SlackView;
  isCleared: boolean;
}): JsonObject {
  return {
    ...common(p.ids, p.user, 'view_closed'),
    view: p.view,
    is_cleared: p.isCleared,
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface ButtonAction {
  actionId: string;
  blockId: string;
  element: JsonObject;
  /** Overrides the button's own value, e.g. to forge a tampered request. */
  value?: string;
  actionTs: string;
}

function actionObject(a: ButtonAction): JsonObject {
  const value = a.value ?? a.element.value;
  return {
    type: 'button',
    action_id: a.actionId,
    block_id: a.blockId,
    text: a.element.text,
    ...(value !== undefined ? { value } : {}),
    ...(a.element.style !== undefined ? { style: a.element.style } : {}),
    action_ts: a.actionTs,
  };
}

function blockActionsHead(ids: WorkspaceIds, user: PayloadUser, triggerId: string): JsonObject {
  const { type, user: u, api_app_id, token } = common(ids, user, 'block_actions');
  return {
    type,
    user: u,
    api_app_id,
    token,
    trigger_id: triggerId,
    team: { id: ids.teamId, domain: ids.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
  };
}

export function messageBlockActionsPayload(p: {
  ids: WorkspaceIds;
  user: PayloadUser;
  triggerId: string;
  message: PostedMessage;
  channelName: string;
  responseUrl: string;
  action: ButtonAction;
}): JsonObject {
  const isEphemeral = p.message.kind === 'ephemeral' || p.message.responseType === 'ephemeral';
  return {
    ...blockActionsHead(p.ids, p.user, p.triggerId),
    container: {
      type: 'message',
      message_ts: p.message.ts,
      channel_id: p.message.channel,
      is_ephemeral: isEphemeral,
    },
    channel: { id: p.message.channel, name: p.channelName },
    // Slack does not keep ephemeral messages, so it cannot send them back.
    ...(isEphemeral ? {} : { message: slackMessageObject(p.message, p.ids) }),
    state: { values: {} },
    response_url: p.responseUrl,
    actions: [actionObject(p.action)],
  };
}

export function viewBlockActionsPayload(p: {
  ids: WorkspaceIds;
  user: PayloadUser;
  triggerId: string;
  view: SlackView;
  action: ButtonAction;
}): JsonObject {
  return {
    ...blockActionsHead(p.ids, p.user, p.triggerId),
    container: { type: 'view', view_id: p.view.id },
    view: p.view,
    actions: [actionObject(p.action)],
  };
}

/**
 * The Events API wrapper around one event, the same over HTTP (a JSON POST) and in a
 * Socket Mode `events_api` envelope. `event_context` is opaque to apps; this one only
 * imitates its look.
 */
export function eventCallbackPayload(p: {
  ids: WorkspaceIds;
  event: JsonObject;
  eventId: string;
  eventTime: number;
}): JsonObject {
  const context = { et: p.event.type, tid: p.ids.teamId, aid: p.ids.appId };
  return {
    token: p.ids.token,
    team_id: p.ids.teamId,
    context_team_id: p.ids.teamId,
    context_enterprise_id: null,
    api_app_id: p.ids.appId,
    event: p.event,
    type: 'event_callback',
    event_id: p.eventId,
    event_time: p.eventTime,
    authorizations: [
      {
        enterprise_id: null,
        team_id: p.ids.teamId,
        user_id: p.ids.botUserId,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(JSON.stringify(context)).toString('base64url')}`,
  };
}

/**
 * The `user_change` event Slack sends when a member's profile or account changes: the whole
 * user object as the app's token may see it, `cache_ts` in seconds and `event_ts` with
 * microseconds, as in Slack's example payload.
 */
export function userChangeEvent(user: JsonObject, nowMs: number): JsonObject & { type: string } {
  return {
    type: 'user_change',
    user,
    cache_ts: Math.floor(nowMs / 1000),
    event_ts: (nowMs / 1000).toFixed(6),
  };
}
