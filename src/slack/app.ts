import { type AnyMiddlewareArgs, App, HTTPReceiver, type Middleware } from '@slack/bolt';
import type { Book } from '../book/book';
import type { Config } from '../config';
import type { InflightTracker } from '../inflight';
import { type Logger, toBoltLogger } from '../logger';
import type { StuutClient } from '../stuut/client';
import { createEditorCheck, type EditorCheckOptions } from './authorization';
import type { ChannelSharing } from './channels';
import { slackErrorCode } from './delivery';
import { SLACK_EVENTS_PATH } from './httpServer';
import { registerListeners } from './listeners';

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
}

export const DEFAULT_TIMING: SaveTiming = {
  // Slack gives 3 s; this leaves time for the answer to travel back after Stuut replies.
  ackWithinMs: 2_000,
  // Inside a platform's 30 s shutdown grace, with room to spare.
  saveBudgetMs: 25_000,
  slackTimeoutMs: 4_000,
  // With the editor check (≤ 1.5 s) beside it, a form still opens inside the trigger's 3 s.
  bookWithinMs: 1_000,
};

export interface BuiltApp {
  app: App;
  /**
   * The HTTP receiver in HTTP mode; null in Socket Mode. It is never started itself: the bot's
   * own server (httpServer.ts) checks each request first and then calls its requestListener.
   */
  receiver: HTTPReceiver | null;
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

  const app = new App({
    token: config.botToken,
    logger: boltLogger,
    deferInitialization: true,
    clientOptions,
    ...(receiver
      ? { receiver }
      : { socketMode: true, appToken: config.mode === 'socket' ? config.appToken : undefined }),
  });

  if (!receiver) app.use(turnAwayWhileDraining(deps.isDraining, deps.logger));

  registerListeners(app, {
    stuut: deps.stuut,
    logger: deps.logger,
    inflight: deps.inflight,
    defaultPhoneCountry: config.defaultPhoneCountry,
    contactUpdatesChannel: config.contactUpdatesChannel,
    channels: deps.channels,
    book: deps.book,
    bookWithinMs: timing.bookWithinMs,
    ackWithinMs: timing.ackWithinMs,
    saveBudgetMs: timing.saveBudgetMs,
    now: deps.now ?? (() => new Date()),
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

  return { app, receiver };
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
