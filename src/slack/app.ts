import {
  type AnyMiddlewareArgs,
  App,
  HTTPReceiver,
  type Middleware,
  SocketModeReceiver,
} from '@slack/bolt';
import type { Book } from '../book/book';
import type { Config } from '../config';
import { type InflightTracker, withDeadline } from '../inflight';
import { type Logger, toBoltLogger } from '../logger';
import type { StuutClient } from '../stuut/client';
import { createEditorCheck, type EditorCheckOptions } from './authorization';
import type { ChannelSharing } from './channels';
import { slackErrorCode, slackPlatformError } from './delivery';
import { SLACK_EVENTS_PATH } from './httpServer';
import { registerListeners } from './listeners';
import { createMemberDirectory, type MemberDirectory } from './members';

export interface AppDeps {
  stuut: StuutClient;
  logger: Logger;
  inflight: InflightTracker;
  /** Which channels are shared with another organisation (cached). */
  channels: ChannelSharing;
  book: Book;
  /** True once a shutdown began. */
  isDraining: () => boolean;
  now?: () => Date;
  /** Overrides for tests; the defaults are the documented budget. */
  timing?: Partial<SaveTiming>;
  editorCheck?: Partial<Pick<EditorCheckOptions, 'ttlMs' | 'deadlineMs' | 'maxEntries' | 'now'>>;
}

export interface SaveTiming {
  ackWithinMs: number;
  saveBudgetMs: number;
  slackTimeoutMs: number;
  /** A book lookup while a person waits (a command, a button, the picker). */
  bookWithinMs: number;
  /**
   * Socket Mode: how long the client waits for a pong before it drops the connection. Bolt also
   * waits this long × failures in a row before it reconnects, so tests shorten it.
   */
  socketPingTimeoutMs: number;
  /** Socket Mode: how long a start may wait for Slack's hello before it counts as failed. */
  socketConnectWithinMs: number;
  /** `/contact drift`: the least time between two progress updates of its answer. */
  driftProgressEveryMs: number;
}

export const DEFAULT_TIMING: SaveTiming = {
  // Slack gives 3 s; this leaves time for the answer to travel back after Stuut replies.
  ackWithinMs: 2_000,
  // Inside a platform's 30 s shutdown grace, with room to spare.
  saveBudgetMs: 25_000,
  slackTimeoutMs: 4_000,
  // With the editor check (≤ 1.5 s) beside it, a form still opens inside the trigger's 3 s.
  bookWithinMs: 1_000,
  // Bolt's own default.
  socketPingTimeoutMs: 5_000,
  // Bolt would retry an unusable WebSocket URL for ever; a start that cannot connect says so.
  socketConnectWithinMs: 30_000,
  // Slack takes only 5 posts to a response_url: at most 4 updates, a few seconds apart.
  driftProgressEveryMs: 5_000,
};

export interface BuiltApp {
  app: App;
  /**
   * The HTTP receiver in HTTP mode; null in Socket Mode. It is never started itself: the bot's
   * own server (httpServer.ts) checks each request first and then calls its requestListener.
   */
  receiver: HTTPReceiver | null;
  /** The Socket Mode connection in Socket Mode; null in HTTP mode. */
  socket: SocketLink | null;
  /** Slack members linked to contacts (the start checks its scope). */
  members: MemberDirectory;
}

/** The bot's handle on its Socket Mode connection; use it instead of app.start() and app.stop(). */
export interface SocketLink {
  /** Resolves on Slack's hello; rejects when Slack refuses, or no hello came in time. */
  connect(): Promise<void>;
  /**
   * Resolves true once every envelope received so far, or while waiting, is acknowledged on the
   * socket (or is past Slack's 3 s); false when `timeoutMs` ran out first.
   */
  acksSent(timeoutMs: number): Promise<boolean>;
  /** Closes the connection; no reconnect follows. */
  disconnect(): Promise<void>;
}

export function createApp(config: Config, deps: AppDeps): BuiltApp {
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const boltLogger = toBoltLogger(deps.logger);
  const clientOptions = {
    slackApiUrl: config.slackApiUrl,
    timeout: timing.slackTimeoutMs,
    // The WebClient's default retries for about 30 minutes; a person is waiting on these calls.
    retryConfig: { retries: 1, factor: 2, minTimeout: 200, maxTimeout: 1_000, randomize: true },
    rejectRateLimitedCalls: true,
  };

  const receiver =
    config.mode === 'http'
      ? new HTTPReceiver({
          signingSecret: config.signingSecret,
          endpoints: SLACK_EVENTS_PATH,
          logger: boltLogger,
        })
      : null;

  // Our own SocketModeReceiver, because the one App builds cannot be given the ping timeout
  // (which paces reconnecting). The same client options point apps.connections.open at the
  // configured Slack, with the same timeout and bounded retries.
  const socketReceiver =
    config.mode === 'socket'
      ? new SocketModeReceiver({
          appToken: config.appToken,
          logger: boltLogger,
          clientPingTimeout: timing.socketPingTimeoutMs,
          installerOptions: { clientOptions },
        })
      : null;

  const app = new App({
    token: config.botToken,
    logger: boltLogger,
    deferInitialization: true,
    clientOptions,
    receiver: receiver ?? socketReceiver ?? undefined,
  });

  if (socketReceiver) app.use(turnAwayWhileDraining(deps.isDraining, deps.logger));

  const now = deps.now ?? (() => new Date());
  const members = createMemberDirectory({
    book: deps.book,
    logger: deps.logger.child({ component: 'members' }),
    now,
    withinMs: timing.bookWithinMs,
  });
  registerListeners(app, {
    members,
    notifySubject: config.notifySubject,
    drift: {
      book: deps.book,
      logger: deps.logger,
      now,
      channels: deps.channels,
      members,
      driftChannel: config.contactUpdatesChannel,
      defaultPhoneCountry: config.defaultPhoneCountry,
      progressEveryMs: timing.driftProgressEveryMs,
    },
    stuut: deps.stuut,
    logger: deps.logger,
    inflight: deps.inflight,
    defaultPhoneCountry: config.defaultPhoneCountry,
    contactUpdatesChannel: config.contactUpdatesChannel,
    channels: deps.channels,
    book: deps.book,
    history: deps.book,
    undoMinutes: config.undoMinutes,
    historyDays: config.historyDays,
    bookWithinMs: timing.bookWithinMs,
    ackWithinMs: timing.ackWithinMs,
    saveBudgetMs: timing.saveBudgetMs,
    now,
    editors: createEditorCheck({
      client: app.client,
      logger: deps.logger,
      editors: config.contactEditors,
      ...deps.editorCheck,
    }),
  });

  app.error(async (error) => {
    // The bot's own bug or an unexpected Slack failure: message and stack, for whoever fixes it.
    deps.logger.error({ err: error, code: slackErrorCode(error) }, 'unhandled listener error');
  });

  return {
    app,
    receiver,
    socket: socketReceiver ? superviseSocket(socketReceiver, timing, deps.logger) : null,
    members,
  };
}

/** Slack stops waiting for an envelope's acknowledgement after this long. */
const ENVELOPE_ACK_DEADLINE_MS = 3_000;
/** Reconnect attempts of our own slow down up to this many ping timeouts apart. */
const MAX_RETRY_FACTOR = 12;

/**
 * Watches the SocketModeClient that Bolt's receiver holds: which envelopes still owe an
 * acknowledgement, and what happens when reconnecting fails.
 */
function superviseSocket(
  receiver: SocketModeReceiver,
  timing: SaveTiming,
  logger: Logger,
): SocketLink {
  const client = receiver.client;
  const start = client.start.bind(client);

  // Owed from the moment an envelope arrives, not from when a listener runs: Bolt authorizes
  // and runs middleware first, and an envelope turned away while draining has no listener.
  const owed = new Map<string, NodeJS.Timeout>();
  const whenEmpty = new Set<() => void>();
  const settle = (envelopeId: string) => {
    const expiry = owed.get(envelopeId);
    if (expiry === undefined) return;
    clearTimeout(expiry);
    owed.delete(envelopeId);
    if (owed.size === 0) for (const resolve of whenEmpty) resolve();
  };
  // Bolt's receiver listens first and cannot have answered yet: answering takes an await.
  client.on('slack_event', ({ envelope_id: envelopeId }: { envelope_id?: unknown }) => {
    if (typeof envelopeId !== 'string') return;
    // An ack that was never sent (the socket dropped) is not waited for past Slack's deadline.
    owed.set(envelopeId, setTimeout(() => settle(envelopeId), ENVELOPE_ACK_DEADLINE_MS).unref());
  });
  // Emitted by SocketModeClient.send (@slack/socket-mode 3.x) just before the frame is written.
  client.on('outgoing_message', ({ envelope_id: envelopeId }: { envelope_id?: unknown }) => {
    if (typeof envelopeId === 'string') settle(envelopeId);
  });

  let stopping = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  /** While connect() waits: a failure inside the client's own retries ends the start. */
  let failStart: ((error: unknown) => void) | undefined;

  // The client reconnects by calling this.start(). When that fails for good (apps.connections.open
  // answers 5xx, Slack is unreachable, the token was revoked) Bolt leaves an unhandled rejection
  // and no connection, for ever. Keep trying instead, more slowly each time, and say so.
  client.start = (async () => {
    try {
      const opened = await start();
      failures = 0;
      // A disconnect() that came while apps.connections.open was answering cannot stop this one.
      if (stopping) await client.disconnect();
      return opened;
    } catch (error) {
      if (stopping) return undefined;
      if (failStart) {
        failStart(error);
        return undefined;
      }
      failures += 1;
      const retryInMs = timing.socketPingTimeoutMs * Math.min(failures, MAX_RETRY_FACTOR);
      logger.error(
        { err: error, slackError: slackPlatformError(error), retryInMs },
        'Socket Mode: reconnecting to Slack failed; trying again',
      );
      retry = setTimeout(() => void client.start(), retryInMs);
      return undefined;
    }
  }) as typeof client.start;

  return {
    async connect() {
      let timer: NodeJS.Timeout | undefined;
      const failed = new Promise<never>((_resolve, reject) => {
        failStart = reject;
        timer = setTimeout(
          () => reject(new Error(`no hello from Slack within ${timing.socketConnectWithinMs} ms`)),
          timing.socketConnectWithinMs,
        );
      });
      const opened = start();
      // Reported through the race below; after a failed start it rejects again on disconnect().
      opened.catch(() => undefined);
      try {
        await Promise.race([opened, failed]);
      } finally {
        clearTimeout(timer);
        failStart = undefined;
      }
    },
    async acksSent(timeoutMs) {
      if (owed.size === 0) return true;
      let resolveEmpty!: () => void;
      const empty = new Promise<true>((resolve) => {
        resolveEmpty = () => resolve(true);
      });
      whenEmpty.add(resolveEmpty);
      try {
        return (await withDeadline(empty, timeoutMs)) ?? false;
      } finally {
        whenEmpty.delete(resolveEmpty);
      }
    },
    async disconnect() {
      stopping = true;
      clearTimeout(retry);
      await client.disconnect();
    },
  };
}

/** What a person sees when their command reaches an instance that is shutting down. */
export const RESTARTING_TEXT = 'The bot is restarting. Try again in a moment.';

/**
 * Socket Mode has no HTTP 503: an envelope that reaches an instance after SIGTERM is still
 * acknowledged (Slack would otherwise retry it, and show the person an error), but not acted
 * on. A command is told to try again; a submitted form keeps its values and says the same
 * under its first input; a click or an event is only acknowledged.
 */
function turnAwayWhileDraining(
  isDraining: () => boolean,
  logger: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (!isDraining()) {
      await args.next();
      return;
    }
    const { body } = args;
    const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
    logger.info(
      { type: body.type ?? ('command' in body ? 'command' : 'unknown') },
      'turned away: shutting down',
    );
    if (!ack) return;
    if ('command' in body) {
      await ack({ response_type: 'ephemeral', text: RESTARTING_TEXT });
    } else if (body.type === 'view_submission') {
      const firstInput = body.view.blocks.find((block) => block.type === 'input')?.block_id;
      await ack(
        firstInput
          ? {
              response_action: 'errors',
              errors: {
                [firstInput]: `${RESTARTING_TEXT} Your values are kept: press Save again.`,
              },
            }
          : undefined,
      );
    } else if (body.type === 'block_suggestion') {
      await ack({ options: [] });
    } else {
      await ack();
    }
  };
}
