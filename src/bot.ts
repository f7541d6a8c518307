import type { Config } from './config';
import { InflightTracker, withDeadline } from './inflight';
import type { Logger } from './logger';
import { createApp, DEFAULT_TIMING } from './slack/app';
import { slackPlatformError } from './slack/delivery';
import { SLACK_EVENTS_PATH, type SlackHttpServer, startSlackHttpServer } from './slack/httpServer';
import { createStuutClient } from './stuut/client';

/** Slack refused the bot at start; `message` is the one line to print. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface RunningBot {
  /** The HTTP port, or null in Socket Mode. */
  port: number | null;
  /**
   * Drains: /healthz and new Slack requests answer 503 while in-flight saves and their
   * confirmations finish (bounded by the save budget); then the server closes. Resolves true
   * when every save finished. Calling it again returns the same promise.
   */
  shutdown(): Promise<boolean>;
}

/**
 * Config → Stuut client → Bolt app → the bot's HTTP server in front of Bolt (or Socket Mode);
 * shared by the real start and the sandbox.
 */
export async function startBot(
  config: Config,
  logger: Logger,
  options: { host?: string } = {},
): Promise<RunningBot> {
  const stuut = createStuutClient({
    baseUrl: config.stuutApiUrl,
    token: config.stuutApiToken,
    logger: logger.child({ component: 'stuut' }),
  });
  const inflight = new InflightTracker();
  let draining = false;
  const { app, receiver } = createApp(config, { stuut, logger, inflight });

  try {
    await app.init();
  } catch (error) {
    await stuut.close().catch(() => undefined);
    throw new StartupError(describeStartupFailure(error));
  }

  let http: SlackHttpServer | null = null;
  try {
    if (receiver) {
      // Bolt's receiver never listens itself: our server checks each request, then hands it on.
      http = await startSlackHttpServer({
        requestListener: receiver.requestListener,
        isDraining: () => draining,
        logger,
        port: config.port,
        ...(options.host ? { host: options.host } : {}),
      });
      logger.info(
        { port: http.port, mode: 'http', path: SLACK_EVENTS_PATH },
        `listening on port ${http.port}`,
      );
    } else {
      await app.start();
      logger.info({ mode: 'socket' }, 'connected to Slack in Socket Mode');
    }
  } catch (error) {
    await stuut.close().catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    throw new StartupError(
      config.mode === 'http'
        ? `startup error: could not listen on port ${config.port} (${typeof code === 'string' ? code : 'error'}). Choose another PORT.`
        : `startup error: could not connect to Slack in Socket Mode (${describeStartupFailure(error)}). Check SLACK_APP_TOKEN.`,
    );
  }

  const server = http;
  let stopped: Promise<boolean> | undefined;
  const stop = async (): Promise<boolean> => {
    draining = true;
    const deadline = Date.now() + DEFAULT_TIMING.saveBudgetMs;
    logger.info({ inflight: inflight.size }, 'shutting down: finishing in-flight saves');
    let drained: boolean;
    if (server) {
      // Still listening, so /healthz and new Slack requests get 503 while saves finish.
      drained = await inflight.drain(DEFAULT_TIMING.saveBudgetMs);
      await server.close();
      // A submission Bolt was still acknowledging when draining began may have started a save.
      drained = (await inflight.drain(Math.max(0, deadline - Date.now()))) && drained;
    } else {
      // Socket Mode: disconnect first, so Slack sends new events to another instance.
      const done = await withDeadline(
        Promise.all([
          app.stop().catch(() => undefined),
          inflight.drain(DEFAULT_TIMING.saveBudgetMs),
        ]),
        DEFAULT_TIMING.saveBudgetMs + 1_000,
      );
      drained = done?.[1] === true;
    }
    await stuut.close().catch(() => undefined);
    return drained;
  };

  return {
    port: server?.port ?? null,
    shutdown() {
      stopped ??= stop();
      return stopped;
    },
  };
}

/** One line for a start that Slack refused, instead of a stack trace. */
export function describeStartupFailure(error: unknown): string {
  const code = slackPlatformError(error);
  if (
    code === 'invalid_auth' ||
    code === 'not_authed' ||
    code === 'account_inactive' ||
    code === 'token_revoked'
  ) {
    return `startup error: Slack refused SLACK_BOT_TOKEN (${code}) at auth.test. Copy the Bot User OAuth Token from the app's "OAuth & Permissions" page.`;
  }
  if (code) {
    return `startup error: Slack answered ${code} at auth.test. Check SLACK_BOT_TOKEN and SLACK_API_URL.`;
  }
  return `startup error: could not reach Slack to check SLACK_BOT_TOKEN (${error instanceof Error ? error.message : 'unknown error'}). Check SLACK_API_URL and the network.`;
}
