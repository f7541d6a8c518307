import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, ConfigError, loadConfig } from './config';
import { InflightTracker, withDeadline } from './inflight';
import { createLogger } from './logger';
import { createApp, DEFAULT_TIMING } from './slack/app';
import { createStuutClient } from './stuut/client';

/** The composition root: config → logger → clients → app → start, and the signals. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
    process.stderr.write('The bot did not start. See README.md, "Configuration".\n');
    process.exit(1);
  }

  const logger = createLogger(config.logLevel);
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
    process.stderr.write(`${describeStartupFailure(error)}\n`);
    process.exit(1);
  }

  if (config.mode === 'http') {
    const server = (await app.start(config.port)) as Server;
    const { port } = server.address() as AddressInfo;
    logger.info({ port, mode: 'http', path: '/slack/events' }, `listening on port ${port}`);
  } else {
    await app.start();
    logger.info({ mode: 'socket' }, 'connected to Slack in Socket Mode');
  }

  const shutdown = async (signal: string) => {
    if (draining) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    draining = true;
    logger.info({ signal, inflight: inflight.size }, 'shutting down: finishing in-flight saves');
    const drained = await withDeadline(
      Promise.all([app.stop().catch(() => undefined), inflight.drain(DEFAULT_TIMING.saveBudgetMs)]),
      DEFAULT_TIMING.saveBudgetMs + 1_000,
    );
    await stuut.close().catch(() => undefined);
    logger.info({ drained: drained?.[1] === true }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('unhandledRejection', (reason) => {
    logger.error(
      { error: reason instanceof Error ? reason.name : typeof reason },
      'unhandled rejection',
    );
  });
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
  if (code)
    return `startup error: Slack answered ${code} at auth.test. Check SLACK_BOT_TOKEN and SLACK_API_URL.`;
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

if (require.main === module) {
  void main();
}
