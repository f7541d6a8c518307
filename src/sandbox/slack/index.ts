export type { AckResult, CommandAckOutcome, ViewAckOutcome } from './acks';
export { ACK_DEADLINE_MS, interpretCommandAck, interpretViewSubmissionAck } from './acks';
export { clientSideErrors, computeState, initialStateValue } from './blocks';
export { defaultName } from './directory';
export type {
  ClickButtonParams,
  HttpTransportOptions,
  SendRawParams,
  SlackClientDriverOptions,
  SlackEvent,
  SlashCommandParams,
  SocketTransportOptions,
  SubmitViewParams,
} from './driver';
export { ClientValidationError, SlackClientDriver } from './driver';
export type { SlackEmulatorOptions } from './emulator';
export { DEFAULT_USER_ID, SlackEmulator } from './emulator';
export type { MessageContent } from './limits';
export {
  broadcastMentions,
  LIMITS,
  missingTextFallback,
  validateMessage,
  validateView,
} from './limits';
export { escapeLikeSlack, linkEmails } from './payloads';
export { RESPONSE_URL_MAX_POSTS, RESPONSE_URL_TTL_MS } from './response-urls';
export { signSlackRequest } from './signing';
export type {
  EnvelopeOutcome,
  EnvelopeType,
  ReceivedAck,
  SendEnvelopeOptions,
  SentEnvelope,
  SocketModeAck,
  SocketModeServerOptions,
} from './socketMode';
export { SocketModeServer } from './socketMode';
export type {
  ChannelConfig,
  Fault,
  JsonObject,
  MessageKind,
  OptionObject,
  PostedMessage,
  RecordedCall,
  ResponseUrlPost,
  SlackView,
  StateValue,
  StoredView,
  TextObject,
  UserConfig,
  ViewState,
} from './types';
export { MAX_STACK, toSlackView } from './views';
