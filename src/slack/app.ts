import { App, HTTPReceiver } from '@slack/bolt';
import type { Config } from '../config';
import type { InflightTracker } from '../inflight';
import { type Logger, toBoltLogger } from '../logger';
import type { StuutClient } from '../stuut/client';
import { createEditorCheck } from './authorization';
import { slackErrorCode } from './delivery';
import { SLACK_EVENTS_PATH } from './httpServer';
import { registerListeners } from './listeners';

export interface AppDeps {
  stuut: StuutClient;
  logger: Logger;
  inflight: InflightTracker;
  now?: () => Date;
  /** Overrides for tests; the defaults are the documented budget. */
  timing?: Partial<SaveTiming>;
}

export interface SaveTiming {
  ackWithinMs: number;
  saveBudgetMs: number;
  slackTimeoutMs: number;
}

export const DEFAULT_TIMING: SaveTiming = {
  // Slack gives 3 s; this leaves time for the answer to travel back after Stuut replies.
  ackWithinMs: 2_000,
  // Inside a platform's 30 s shutdown grace, with room to spare.
  saveBudgetMs: 25_000,
  slackTimeoutMs: 4_000,
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

  registerListeners(app, {
    stuut: deps.stuut,
    logger: deps.logger,
    inflight: deps.inflight,
    defaultPhoneCountry: config.defaultPhoneCountry,
    contactUpdatesChannel: config.contactUpdatesChannel,
    ackWithinMs: timing.ackWithinMs,
    saveBudgetMs: timing.saveBudgetMs,
    now: deps.now ?? (() => new Date()),
    editors: createEditorCheck({
      client: app.client,
      logger: deps.logger,
      editors: config.contactEditors,
    }),
  });

  app.error(async (error) => {
    deps.logger.error(
      { error: error.name, code: slackErrorCode(error) },
      'unhandled listener error',
    );
  });

  return { app, receiver };
}
