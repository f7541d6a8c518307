/** A parsed JSON object whose fields are still to be narrowed. */
export type JsonObject = Record<string, unknown>;

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
  verbatim?: boolean;
}

export interface OptionObject {
  text: TextObject;
  value: string;
  description?: TextObject;
}

/** One entry of `view.state.values[block_id][action_id]`; which keys exist depends on `type`. */
export interface StateValue {
  type: string;
  value?: string | null;
  selected_option?: OptionObject | null;
  selected_options?: OptionObject[];
  selected_date?: string | null;
  selected_time?: string | null;
  selected_user?: string | null;
  selected_users?: string[];
  selected_conversation?: string | null;
  selected_conversations?: string[];
  selected_channel?: string | null;
  selected_channels?: string[];
}

export interface ViewState {
  values: Record<string, Record<string, StateValue>>;
}

/** A modal view as Slack returns it from views.* and sends it in payloads. */
export interface SlackView {
  id: string;
  team_id: string;
  type: 'modal';
  callback_id: string;
  private_metadata: string;
  external_id: string;
  title: TextObject;
  submit: TextObject | null;
  close: TextObject | null;
  blocks: JsonObject[];
  state: ViewState;
  hash: string;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  app_installed_team_id: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  submit_disabled: boolean;
}

/** A view plus what the emulator knows about it that Slack does not send. */
export interface StoredView extends SlackView {
  /** The person the modal is shown to. */
  userId: string;
  closed: boolean;
  /** Inline errors shown under input blocks, keyed by block_id; null when none. */
  errors: Record<string, string> | null;
}

export type MessageKind = 'channel' | 'ephemeral' | 'response_url' | 'dm';

export interface PostedMessage {
  kind: MessageKind;
  channel: string;
  /** For ephemeral messages: the only person who sees it. */
  user?: string;
  ts: string;
  text: string;
  blocks: JsonObject[];
  at: number;
  threadTs?: string;
  /** For kind 'response_url': whether everyone in the channel sees it. */
  responseType?: 'ephemeral' | 'in_channel';
  editedAt?: number;
  deleted?: boolean;
}

export interface RecordedCall {
  method: string;
  args: JsonObject;
  ok: boolean;
  error?: string;
  /** HTTP status of the answer: 200 except for injected faults. */
  status: number;
  at: number;
}

export interface Fault {
  error?: string;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  times?: number;
}

export interface ChannelConfig {
  name?: string;
  exists?: boolean;
  isMember?: boolean;
  isPrivate?: boolean;
  isExtShared?: boolean;
  isArchived?: boolean;
  /** When set, only these people are in the channel (chat.postEphemeral checks it). */
  members?: string[];
}

export interface UserConfig {
  exists: boolean;
  teamId: string;
  name: string;
  realName: string;
  isRestricted: boolean;
  isUltraRestricted: boolean;
  deleted: boolean;
  isBot: boolean;
}

export interface ResponseUrlPost {
  url: string;
  body: unknown;
  at: number;
  /** HTTP status the response_url answered. */
  status: number;
}
