import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBook } from '../book/open';
import { StartupError, startBot } from '../bot';
import { type HttpConfig, loadConfig } from '../config';
import type { Logger } from '../logger';
import { SlackClientDriver, SlackEmulator } from './slack';
import { StuutEmulator, seedContacts } from './stuut';
import { SANDBOX_CHANNEL, SANDBOX_USER, startPageServer } from './web/server';

const LOOPBACK = '127.0.0.1';

/**
 * The settings a person may give the sandbox (PORT, LOG_LEVEL, DEFAULT_PHONE_COUNTRY,
 * CONTACT_UPDATES_CHANNEL), checked by the same schema as the real start; throws ConfigError.
 */
export function checkSandboxSettings(env: NodeJS.ProcessEnv): HttpConfig {
  const settings = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-sandbox',
    SLACK_SIGNING_SECRET: 'sandbox',
    STUUT_API_URL: `http://${LOOPBACK}`,
    STUUT_API_TOKEN: 'sandbox',
    CONTACT_UPDATES_CHANNEL: env.CONTACT_UPDATES_CHANNEL,
    DEFAULT_PHONE_COUNTRY: env.DEFAULT_PHONE_COUNTRY,
    LOG_LEVEL: env.LOG_LEVEL || 'warn',
    PORT: env.PORT,
  });
  if (settings.mode !== 'http') throw new Error('the sandbox settings are HTTP mode');
  return settings;
}

export interface Sandbox {
  url: string;
  banner: string;
  slack: SlackEmulator;
  stuut: StuutEmulator;
  shutdown(): Promise<boolean>;
}

/**
 * The whole bot on loopback, unchanged, against an emulated Stuut (seeded), an emulated Slack
 * Web API, and a page that plays the Slack client.
 */
export async function startSandbox(env: NodeJS.ProcessEnv, logger: Logger): Promise<Sandbox> {
  const settings = checkSandboxSettings(env);
  const secret = () => randomBytes(12).toString('hex');
  const botToken = `xoxb-sandbox-${secret()}`;
  const signingSecret = secret();
  const stuutToken = secret();

  const stuut = await StuutEmulator.start({
    token: stuutToken,
    seed: seedContacts(),
    host: LOOPBACK,
  });
  const slack = await SlackEmulator.start({ botToken, host: LOOPBACK });
  // The sandbox's book lives in a temp folder for this run, and starts out knowing the seeded
  // contacts as Stuut returned them, so `/contact update priya` works at once.
  const bookDir = await mkdtemp(join(tmpdir(), 'contact-bot-sandbox-'));
  const book = await openBook({ engine: 'sqlite', path: join(bookDir, 'contact-book.sqlite') });
  const seenAt = new Date();
  for (const contact of stuut.contacts()) await book.learn({ ...contact }, seenAt);
  const removeBook = async () => {
    await book.close().catch(() => undefined);
    await rm(bookDir, { recursive: true, force: true });
  };
  slack.setChannel(SANDBOX_CHANNEL.id, { name: SANDBOX_CHANNEL.name });
  slack.setUser(SANDBOX_USER.id, { name: SANDBOX_USER.name, realName: SANDBOX_USER.realName });

  const config = loadConfig({
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    STUUT_API_URL: stuut.baseUrl,
    STUUT_API_TOKEN: stuutToken,
    // Drift proposals need a channel; the sandbox's own is where everything shows anyway.
    CONTACT_UPDATES_CHANNEL: settings.contactUpdatesChannel ?? SANDBOX_CHANNEL.id,
    DEFAULT_PHONE_COUNTRY: settings.defaultPhoneCountry,
    LOG_LEVEL: settings.logLevel,
    PORT: '0',
  });
  const bot = await startBot(config, logger, { host: LOOPBACK, book });
  const driver = new SlackClientDriver({
    emulator: slack,
    appUrl: `http://${LOOPBACK}:${bot.port}/slack/events`,
    signingSecret,
  });
  const requestedPort = settings.port;
  let page: Awaited<ReturnType<typeof startPageServer>>;
  try {
    page = await startPageServer({
      slack,
      stuut,
      driver,
      book,
      host: LOOPBACK,
      port: requestedPort,
    });
  } catch (error) {
    await bot.shutdown();
    await Promise.all([slack.close(), stuut.close(), removeBook()]);
    const code = (error as { code?: unknown }).code;
    throw new StartupError(
      `startup error: the sandbox page could not listen on port ${requestedPort} (${typeof code === 'string' ? code : 'error'}). Choose another PORT.`,
    );
  }

  const ignored = ['STUUT_API_URL', 'STUUT_API_TOKEN'].filter((name) => (env[name] ?? '') !== '');
  const lines = [
    '',
    '  Stuut contact bot: LOCAL SANDBOX',
    '  No Slack credentials are set, so the bot runs against emulated Slack and Stuut on this',
    '  machine. Nothing here talks to a real Slack workspace or a real Stuut account.',
    '',
    `  Open ${page.url} and type /contact help, or /contact update priya.`,
    ...(requestedPort === 0 || page.url.endsWith(`:${requestedPort}/`)
      ? []
      : [`  (port ${requestedPort} was taken, so the page is on the port above)`]),
    '',
    '  Seeded contact ids:',
    ...stuut
      .contacts()
      .map(
        (c) => `    ${c.id}  ${c.name ?? [c.given_name, c.family_name].filter(Boolean).join(' ')}`,
      ),
    '',
    ...(ignored.length > 0
      ? [
          `  ${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored: the sandbox never talks to a real Stuut.`,
          '',
        ]
      : []),
    '  To connect a real workspace instead, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET',
    '  (or SLACK_APP_TOKEN), STUUT_API_URL and STUUT_API_TOKEN: see README.md.',
    '',
  ];

  return {
    url: page.url,
    banner: `${lines.join('\n')}\n`,
    slack,
    stuut,
    async shutdown() {
      const drained = await bot.shutdown();
      const closed = new Promise<void>((resolve) => page.server.close(() => resolve()));
      page.server.closeAllConnections();
      await closed;
      await Promise.all([slack.close(), stuut.close(), removeBook()]);
      return drained;
    },
  };
}
