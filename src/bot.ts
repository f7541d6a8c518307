import { type Book, BookUnavailableError } from './book/book';
import { openBook } from './book/open';
import { schedulePruning } from './book/pruning';
import type { Config } from './config';
import { InflightTracker, withDeadline } from './inflight';
import type { Logger } from './logger';
import { createApp, DEFAULT_TIMING, type SaveTiming } from './slack/app';
import type { EditorCheckOptions } from './slack/authorization';
import { type ChannelSharing, createChannelSharing } from './slack/channels';
import { slackPlatformError } from './slack/delivery';
import {
  type HealthReport,
  SLACK_EVENTS_PATH,
  type SlackHttpServer,
  startSlackHttpServer,
} from './slack/httpServer';
import { createStuutClient, type StuutClientOptions } from './stuut/client';

/** Slack refused the bot at start; `message` is the one line to print. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * What a test (or the sandbox) may replace; production passes none of it. Everything else is
 * built here from the configuration, in one place.
 */
export interface BotOverrides {
  /** Where the HTTP server listens; default every interface. */
  host?: string;
  /** The bot's clock for what people see (dates in messages). */
  now?: () => Date;
  /** The clock the request-timestamp check compares Slack's timestamps with, in ms. */
  requestClock?: () => number;
  timing?: Partial<SaveTiming>;
  /** Timeouts, retry policy, breaker and clocks of the Stuut client. */
  stuutClient?: Partial<Omit<StuutClientOptions, 'baseUrl' | 'token' | 'logger'>>;
  /** The editor check's cache and deadline. */
  editorCheck?: Partial<Pick<EditorCheckOptions, 'ttlMs' | 'deadlineMs' | 'maxEntries' | 'now'>>;
  /** The shared-channel lookup and its cache; default one per bot. */
  channelSharing?: ChannelSharing;
  /** A contact book the caller opened (and closes); default: the configured one. */
  book?: Book;
}

/** How long /healthz waits for the book before reporting it unavailable. */
const BOOK_HEALTH_MS = 1_000;

export interface RunningBot {
  /** The HTTP port (Slack's Request URL and /healthz); in Socket Mode the /healthz port or null. */
  port: number | null;
  /** Resolves when every listener's work has finished (confirmations included); false on time-out. */
  settle(timeoutMs?: number): Promise<boolean>;
  /**
   * Drains: new Slack requests are turned away, in-flight saves and their confirmations finish
   * (bounded by the save budget), then the bot disconnects. Resolves true when every save
   * finished. Calling it again returns the same promise.
   */
  shutdown(): Promise<boolean>;
}

/** The one composition root: config → clients → Bolt app → HTTP server or Socket Mode. */
export async function startBot(
  config: Config,
  logger: Logger,
  overrides: BotOverrides = {},
): Promise<RunningBot> {
  const timing = { ...DEFAULT_TIMING, ...overrides.timing };
  const book = overrides.book ?? (await openConfiguredBook(config, logger));
  const closeBook = overrides.book ? async () => {} : () => book.close().catch(() => undefined);
  const stuut = createStuutClient({
    baseUrl: config.stuutApiUrl,
    token: config.stuutApiToken,
    logger: logger.child({ component: 'stuut' }),
    ...overrides.stuutClient,
  });
  const inflight = new InflightTracker();
  let draining = false;
  const { app, receiver, socket, members } = createApp(config, {
    stuut,
    logger,
    inflight,
    timing,
    isDraining: () => draining,
    channels: overrides.channelSharing ?? createChannelSharing({ logger }),
    book,
    ...(overrides.now ? { now: overrides.now } : {}),
    ...(overrides.editorCheck ? { editorCheck: overrides.editorCheck } : {}),
  });
  // History older than CONTACT_HISTORY_DAYS goes at start and daily, in the background.
  const pruning = schedulePruning({
    history: book,
    logger: logger.child({ component: 'book' }),
    days: config.historyDays,
    ...(overrides.now ? { now: overrides.now } : {}),
  });
  const closeClients = async () => {
    await stuut.close().catch(() => undefined);
    await pruning.stop();
    await closeBook();
  };

  try {
    await app.init();
  } catch (error) {
    await closeClients();
    throw new StartupError(describeStartupFailure(error));
  }

  // Said once at start, so that an admin sees what is off and why; nothing else depends on it.
  if (config.contactUpdatesChannel === null) {
    logger.warn(
      'CONTACT_UPDATES_CHANNEL is not set: drift proposals (Slack profiles that differ from Stuut) are off, since a profile change has no channel to answer in. Set it to turn them on.',
    );
  }
  await withDeadline(members.linking(app.client), 5_000);

  // A failing book is reported, but the bot is still healthy: saving does not need it.
  const health = async (): Promise<HealthReport> => ({
    status: draining ? 'draining' : 'ok',
    contactBook: await bookHealth(book, logger),
  });
  // In Socket Mode a port is bound only when PORT was set, for platforms that probe /healthz.
  const httpPort = config.mode === 'http' ? config.port : config.healthPort;
  let http: SlackHttpServer | null = null;
  try {
    if (httpPort !== null) {
      http = await startSlackHttpServer({
        // Bolt's receiver never listens itself: our server checks each request, then hands it on.
        requestListener: receiver?.requestListener ?? null,
        isDraining: () => draining,
        health,
        logger,
        port: httpPort,
        ...(overrides.host ? { host: overrides.host } : {}),
        ...(overrides.requestClock ? { now: overrides.requestClock } : {}),
      });
      logger.info(
        { port: http.port, mode: config.mode, path: receiver ? SLACK_EVENTS_PATH : '/healthz' },
        `listening on port ${http.port}`,
      );
    }
  } catch (error) {
    await closeClients();
    const code = (error as { code?: unknown }).code;
    throw new StartupError(
      `startup error: could not listen on port ${httpPort} (${typeof code === 'string' ? code : 'error'}). Choose another PORT.`,
    );
  }
  if (socket) {
    try {
      await socket.connect();
    } catch (error) {
      // The client may still be retrying (an unusable URL): stop it, or it keeps the process up.
      await withDeadline(
        socket.disconnect().catch(() => undefined),
        2_000,
      );
      await http?.close();
      await closeClients();
      throw new StartupError(describeSocketStartFailure(error));
    }
    logger.info({ mode: 'socket' }, 'connected to Slack in Socket Mode');
  }

  const server = http;
  let stopped: Promise<boolean> | undefined;
  const stop = async (): Promise<boolean> => {
    draining = true;
    const deadline = Date.now() + timing.saveBudgetMs;
    const left = () => Math.max(0, deadline - Date.now());
    logger.info({ inflight: inflight.size }, 'shutting down: finishing in-flight work');
    let drained: boolean;
    if (socket) {
      // Socket Mode: envelopes that arrive now are answered "restarting" (see createApp). Every
      // acknowledgement still owed, theirs included, goes out over the socket before it closes;
      // then Slack sends new envelopes to another connection while the saves finish over the
      // Web API.
      await socket.acksSent(Math.min(left(), timing.ackWithinMs + 1_000));
      await withDeadline(
        socket.disconnect().catch((error: unknown) => {
          logger.warn({ err: error }, 'Socket Mode disconnect failed');
        }),
        Math.min(left(), 2_000),
      );
      drained = await inflight.drain(left());
      await server?.close();
    } else {
      // Still listening, so /healthz and new Slack requests get 503 while saves finish.
      drained = await inflight.drain(timing.saveBudgetMs);
      await server?.close();
      // A submission Bolt was still acknowledging when draining began may have started a save.
      drained = (await inflight.drain(left())) && drained;
    }
    await closeClients();
    return drained;
  };

  return {
    port: server?.port ?? null,
    settle: (timeoutMs = 30_000) => inflight.drain(timeoutMs),
    shutdown() {
      stopped ??= stop();
      return stopped;
    },
  };
}

/** Opens the configured book; one line naming the variable when it cannot (see book/open.ts). */
async function openConfiguredBook(config: Config, logger: Logger): Promise<Book> {
  if (config.ephemeralDisk && config.book.engine === 'sqlite') {
    logger.warn(
      'DATABASE_URL is not set on a platform dyno: the contact book is a file on an ephemeral disk and is lost at every restart. Attach PostgreSQL and set DATABASE_URL to keep it.',
    );
  }
  try {
    return await openBook(config.book, { logger: logger.child({ component: 'book' }) });
  } catch (error) {
    if (error instanceof BookUnavailableError)
      throw new StartupError(`startup error: ${error.message}`);
    throw error;
  }
}

async function bookHealth(book: Book, logger: Logger): Promise<'ok' | 'unavailable'> {
  try {
    const answered = await withDeadline(
      book.ping().then(() => true),
      BOOK_HEALTH_MS,
    );
    if (answered) return 'ok';
    logger.error({ withinMs: BOOK_HEALTH_MS }, 'contact book health check timed out');
  } catch (error) {
    logger.error({ err: error }, 'contact book health check failed');
  }
  return 'unavailable';
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

/** One line for a Socket Mode connection that Slack refused or that could not be made. */
export function describeSocketStartFailure(error: unknown): string {
  const code = slackPlatformError(error);
  if (
    code === 'invalid_auth' ||
    code === 'not_authed' ||
    code === 'not_allowed_token_type' ||
    code === 'token_revoked'
  ) {
    return `startup error: Slack refused SLACK_APP_TOKEN (${code}) at apps.connections.open. Create an app-level token with the connections:write scope on the app's "Basic Information" page.`;
  }
  const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
  return `startup error: could not connect to Slack in Socket Mode (${reason}). Check SLACK_APP_TOKEN and the network.`;
}
