import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { InflightTracker, withDeadline } from './inflight';
import type { Logger } from './logger';
import { createApp, DEFAULT_TIMING } from './slack/app';
import { createStuutClient } from './stuut/client';

/** Slack refused the bot at start; `message` is the one line to print. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface RunningBot {
  /** The HTTP port, or null in Socket Mode. */
  port: number | null;
  /** Stops taking requests, waits (bounded) for in-flight saves; true when all finished. */
  shutdown(): Promise<boolean>;
}

/** Config → Stuut client → Bolt app → started; shared by the real start and the sandbox. */
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
  const { app } = createApp(config, { stuut, logger, inflight, isDraining: () => draining });

  try {
    await app.init();
  } catch (error) {
    await stuut.close().catch(() => undefined);
    throw new StartupError(describeStartupFailure(error));
  }

  let port: number | null = null;
  try {
    if (config.mode === 'http') {
      const server = (await app.start(
        options.host ? { port: config.port, host: options.host } : config.port,
      )) as Server;
      port = (server.address() as AddressInfo).port;
      logger.info({ port, mode: 'http', path: '/slack/events' }, `listening on port ${port}`);
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

  return {
    port,
    async shutdown() {
      draining = true;
      logger.info({ inflight: inflight.size }, 'shutting down: finishing in-flight saves');
      const drained = await withDeadline(
        Promise.all([
          app.stop().catch(() => undefined),
          inflight.drain(DEFAULT_TIMING.saveBudgetMs),
        ]),
        DEFAULT_TIMING.saveBudgetMs + 1_000,
      );
      await stuut.close().catch(() => undefined);
      return drained?.[1] === true;
    },
  };
}

/** One line for a start that Slack refused, instead of a stack trace. */
export function describeStartupFailure(error: unknown): string {
  const code = findSlackCode(error);
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

function findSlackCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const data = (current as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
    current = (current as { original?: unknown }).original;
  }
  return null;
}
