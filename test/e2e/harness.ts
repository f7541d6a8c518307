import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Book } from '../../src/book/book';
import { openBook } from '../../src/book/open';
import { startBot } from '../../src/bot';
import { loadConfig } from '../../src/config';
import type { ContactField, InternalContact } from '../../src/domain/contact';
import { createLogger } from '../../src/logger';
import { SlackClientDriver, SlackEmulator } from '../../src/sandbox/slack';
import { StuutEmulator, seedContacts } from '../../src/sandbox/stuut';
import type { SaveTiming } from '../../src/slack/app';
import type { StuutClientOptions } from '../../src/stuut/client';

export const SECRETS = {
  botToken: 'xoxb-e2e-bot-token-0001',
  signingSecret: 'e2e-signing-secret-5f1c',
  stuutToken: 'stuut-e2e-token-9a7b',
} as const;

/** The app-level token (xapp-…) a Socket Mode bot connects with. */
export const APP_TOKEN = 'xapp-1-A0APP-e2e-app-token-3c5e';

/** Socket Mode in tests: a dropped connection is back within about a second, not five. */
const TEST_SOCKET_PING_TIMEOUT_MS = 1_000;

export interface HarnessOptions {
  /**
   * 'http' (default): Slack posts signed requests to the bot's port. 'socket': the bot connects
   * to the emulated Slack over Socket Mode with an app token, binds no port, and the driver
   * sends envelopes.
   */
  mode?: 'http' | 'socket';
  contactUpdatesChannel?: string;
  timing?: Partial<SaveTiming>;
  logLevel?: string;
  /** CONTACT_EDITORS: who may edit; unset lets every full member. */
  contactEditors?: string;
  /** The bot's clock for the request-timestamp check (Bolt's own check uses the real clock). */
  now?: () => number;
  /** Stuut client overrides (timeouts, budget, jitter, breaker, another base URL) for fault tests. */
  stuutClient?: Partial<Omit<StuutClientOptions, 'token' | 'logger'>>;
  /**
   * The contact book: 'imported' (default) holds Stuut's seeded contacts as a CSV import
   * would, so `/contact update <id>` finds them; 'empty' knows no one; or a book of the test's.
   */
  book?: 'imported' | 'empty' | Book;
  /** The bot's own clock (what it records and shows, the Undo window, leases, pruning). */
  botNow?: () => Date;
  /** CONTACT_HISTORY_DAYS. */
  historyDays?: number;
  /** CONTACT_UNDO_MINUTES. */
  undoMinutes?: number;
  /**
   * Emulators another harness started: a second bot instance against the same Slack and
   * Stuut. This harness does not close them; their owner does.
   */
  emulators?: { slack: SlackEmulator; stuut: StuutEmulator };
  /** The bot token's scopes in the emulated Slack; default every scope the manifest asks for. */
  slackScopes?: readonly string[];
  /** CONTACT_NOTIFY_SUBJECT. */
  notifySubject?: boolean;
}

/** A SQLite book in a temp folder, removed by `close`. */
export async function tempBook(): Promise<{ book: Book; path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'contact-book-'));
  const path = join(dir, 'book.sqlite');
  const book = await openBook({ engine: 'sqlite', path });
  return {
    book,
    path,
    async remove() {
      await book.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What `npm run import` would store for these contacts. */
export async function importContacts(
  book: Book,
  contacts: readonly Pick<InternalContact, 'id' | ContactField>[],
) {
  return book.importRows(
    contacts.map(({ id, email, given_name, family_name, name, phone, job_title }) => ({
      id,
      values: { email, given_name, family_name, name, phone, job_title },
    })),
    new Date(),
  );
}

/** Captures every JSON log line the app writes. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The real app in HTTP mode, with real signature checking, on an ephemeral port, talking
 * over loopback to an emulated Slack Web API and an emulated Stuut API. With `mode: 'socket'`,
 * the same app connected to the emulated Slack over Socket Mode instead.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const socketMode = options.mode === 'socket';
  const shared = options.emulators;
  const slack =
    shared?.slack ??
    (await SlackEmulator.start({
      botToken: SECRETS.botToken,
      ...(socketMode ? { appToken: APP_TOKEN } : {}),
      ...(options.slackScopes ? { scopes: options.slackScopes } : {}),
    }));
  const stuut =
    shared?.stuut ??
    (await StuutEmulator.start({ token: SECRETS.stuutToken, seed: seedContacts() }));
  const config = loadConfig({
    SLACK_BOT_TOKEN: SECRETS.botToken,
    ...(socketMode
      ? { SLACK_APP_TOKEN: APP_TOKEN }
      : { SLACK_SIGNING_SECRET: SECRETS.signingSecret, PORT: '0' }),
    SLACK_API_URL: slack.apiUrl,
    STUUT_API_URL: stuut.baseUrl,
    STUUT_API_TOKEN: SECRETS.stuutToken,
    CONTACT_UPDATES_CHANNEL: options.contactUpdatesChannel,
    CONTACT_EDITORS: options.contactEditors,
    LOG_LEVEL: options.logLevel ?? 'info',
    CONTACT_HISTORY_DAYS: options.historyDays?.toString(),
    CONTACT_UNDO_MINUTES: options.undoMinutes?.toString(),
    CONTACT_NOTIFY_SUBJECT: options.notifySubject ? 'true' : undefined,
  });
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs);
  const ownBook = typeof options.book === 'object' ? null : await tempBook();
  const book = ownBook?.book ?? (options.book as Book);
  if ((options.book ?? 'imported') === 'imported') await importContacts(book, stuut.contacts());
  // The production composition root, with only the test's overrides.
  const timing = socketMode
    ? { socketPingTimeoutMs: TEST_SOCKET_PING_TIMEOUT_MS, ...options.timing }
    : options.timing;
  const bot = await startBot(config, logger, {
    host: '127.0.0.1',
    book,
    ...(timing ? { timing } : {}),
    ...(options.now ? { requestClock: options.now } : {}),
    ...(options.botNow ? { now: options.botNow } : {}),
    ...(options.stuutClient ? { stuutClient: options.stuutClient } : {}),
  });
  // In Socket Mode no port is bound, so there is no base URL.
  const baseUrl = bot.port === null ? '' : `http://127.0.0.1:${bot.port}`;
  const driver = socketMode
    ? new SlackClientDriver({ emulator: slack, transport: 'socket' })
    : new SlackClientDriver({
        emulator: slack,
        appUrl: `${baseUrl}/slack/events`,
        signingSecret: SECRETS.signingSecret,
      });
  // startBot resolved on Slack's hello; envelopes go only to connections the emulator counts.
  if (socketMode) await slack.socketMode.waitForConnections(1);

  return {
    slack,
    stuut,
    driver,
    logs,
    bot,
    book,
    baseUrl,
    /** Waits until every listener's work has finished, confirmation included. */
    settle: () => bot.settle(30_000),
    async close() {
      await bot.shutdown();
      // A Socket Mode bot that shut down has left Slack: nothing reconnects behind the test.
      if (socketMode) await slack.socketMode.waitForConnections(0);
      await ownBook?.remove();
      if (!shared) await Promise.all([slack.close(), stuut.close()]);
      // Whatever a test checks itself, no line the app logged may hold a secret, and at the
      // default level no response_url, email or phone number of any contact Stuut holds now
      // (test/e2e/logs.test.ts covers more, on a representative run).
      const forbidden: [string, string][] = [
        ...Object.entries(SECRETS),
        ...(socketMode ? [['appToken', APP_TOKEN] as [string, string]] : []),
        ['an Authorization header', 'Bearer '],
        ['a response_url', `${slack.baseUrl}/response/`],
      ];
      if (config.logLevel === 'info' || config.logLevel === 'warn') {
        for (const contact of stuut.contacts()) {
          forbidden.push(['an email', contact.email]);
          // The stored E.164 form; digits in other formats are test/e2e/logs.test.ts's part
          // (here a bare digit run could match an id a test made up).
          if (contact.phone) forbidden.push(['a phone number', contact.phone]);
        }
      }
      const leaked = forbidden.filter(([, value]) =>
        logs.lines.some((line) => line.includes(value)),
      );
      if (leaked.length > 0) {
        // Name the kind of value and the log messages that held it, never the value itself.
        const where = leaked.flatMap(([, value]) =>
          logs.lines.filter((line) => line.includes(value)).map((line) => JSON.parse(line).msg),
        );
        throw new Error(
          `the app logged ${[...new Set(leaked.map(([what]) => what))].join(', ')} in: ${[...new Set(where)].join(' | ')}`,
        );
      }
    },
  };
}

/**
 * `/contact <text>` until a form is open. For an id the book lacks, the answer offers "Open the
 * form for id …" instead of a form; this presses it, as the person would.
 */
export async function commandToForm(
  h: { driver: SlackClientDriver; slack: SlackEmulator },
  text: string,
  channelId = 'C0OPS',
) {
  const command = await h.driver.slashCommand({ text, channelId });
  const offered = JSON.stringify(command.json ?? '').includes('"contact_open"');
  if (offered) await h.driver.clickButton({ actionId: 'contact_open' });
  const view = await waitFor(() => h.slack.openViews()[0], 'the form to open');
  return { view, responseUrl: command.responseUrl, viaButton: offered };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The compiled entry point, as `npm start` runs it; `npm run build` makes it. */
export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** For files that spawn the compiled bot: fail at once, and say why, when it is not built. */
export function requireBuild(): void {
  beforeAll(() => {
    if (!existsSync(MAIN)) {
      throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
    }
  });
}

/**
 * A book file for a spawned bot, holding these contacts as an import would (the bot opens it
 * itself); removed after each test.
 */
export function bookFileForEach(
  contacts: () => readonly Pick<InternalContact, 'id' | ContactField>[],
) {
  let made: Awaited<ReturnType<typeof tempBook>> | undefined;
  beforeEach(async () => {
    made = await tempBook();
    await importContacts(made.book, contacts());
    await made.book.close();
  });
  afterEach(async () => {
    await made?.remove();
  });
  return () => {
    if (!made) throw new Error('bookFileForEach: no book outside a test');
    return made.path;
  };
}

/** The environment that points a spawned bot at these emulators, on a free port. */
export function emulatorEnv(
  slack: SlackEmulator,
  stuut: StuutEmulator,
  bookPath: string,
): Record<string, string> {
  return {
    CONTACT_BOOK_PATH: bookPath,
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    STUUT_API_URL: `${stuut.baseUrl}/`,
    STUUT_API_TOKEN: SECRETS.stuutToken,
    PORT: '0',
  };
}

/** Plays Slack's side against a bot listening on `port`. */
export function driverFor(slack: SlackEmulator, port: string | number): SlackClientDriver {
  return new SlackClientDriver({
    emulator: slack,
    appUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SECRETS.signingSecret,
  });
}

export interface SpawnedBot {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** The exit code, or null when a signal ended the process. */
  exit: Promise<number | null>;
  /** Resolves when every process holding the bot's output has exited. */
  closed: Promise<void>;
  /** Sends a signal to the bot (with `npmStart`, to npm and the bot together). */
  signal(name: NodeJS.Signals): void;
}

/**
 * Runs the compiled bot with only the given environment: `node dist/main.js` (what `npm start`
 * runs), or `npm start` itself in another folder. npm does not pass SIGTERM on to the bot, so
 * an `npm start` child is its own process group and `stop()` signals the whole group.
 */
export function spawnBot(
  env: Record<string, string>,
  options: { cwd?: string; npmStart?: boolean } = {},
): SpawnedBot {
  const child = options.npmStart
    ? spawn('npm', ['start', '--silent'], {
        cwd: options.cwd,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(process.execPath, [MAIN], {
        // A folder of its own: a bot given no CONTACT_BOOK_PATH makes data/ where it runs.
        cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'contact-bot-run-')),
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) =>
    stdout.push(...chunk.toString().split('\n').filter(Boolean)),
  );
  child.stderr?.on('data', (chunk: Buffer) =>
    stderr.push(...chunk.toString().split('\n').filter(Boolean)),
  );
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Every pipe closed: the bot itself has exited, not only npm.
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (options.npmStart && child.pid) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  return { child, stdout, stderr, exit, closed, signal };
}

/** The port a spawned bot reports in its "listening on port N" line. */
export function listeningPort(bot: SpawnedBot): Promise<string> {
  return waitFor(
    () => bot.stdout.map((line) => /listening on port (\d+)/.exec(line)?.[1]).find(Boolean),
    'the bot to listen',
    10_000,
  );
}
