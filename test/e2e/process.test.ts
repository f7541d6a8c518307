import { SlackEmulator } from '../../src/sandbox/slack';
import { StuutEmulator, seedContacts } from '../../src/sandbox/stuut';
import {
  bookFileForEach,
  driverFor,
  emulatorEnv,
  listeningPort,
  requireBuild,
  SECRETS,
  spawnBot as startBot,
  waitFor,
} from './harness';

requireBuild();

describe('the compiled bot, started as `npm start` starts it', () => {
  let slack: SlackEmulator;
  let stuut: StuutEmulator;
  beforeEach(async () => {
    slack = await SlackEmulator.start({ botToken: SECRETS.botToken });
    stuut = await StuutEmulator.start({ token: SECRETS.stuutToken, seed: seedContacts() });
  });
  afterEach(async () => {
    await Promise.all([slack.close(), stuut.close()]);
  });

  const bookPath = bookFileForEach(seedContacts);
  const env = () => emulatorEnv(slack, stuut, bookPath());

  test('serves the whole flow, then exits 0 on SIGTERM', async () => {
    const bot = startBot(env());
    const listening = await listeningPort(bot);
    const base = `http://127.0.0.1:${listening}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const driver = driverFor(slack, listening);
    await driver.slashCommand({ text: 'update ic_5Hb1cY8f', channelId: 'C0OPS' });
    const view = await waitFor(() => slack.openViews()[0], 'views.open');
    slack.typeInto(view.id, 'phone', '(415) 555-0100');
    await driver.submitView(view.id);
    const post = await waitFor(
      () => slack.messages.find((m) => m.kind === 'channel'),
      'chat.postMessage',
    );
    expect(stuut.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { phone: '+14155550100' },
    ]);
    expect(post.channel).toBe('C0OPS');
    expect(JSON.stringify(post.blocks)).toContain('+14155550100');

    const audit = bot.stdout
      .map((line) => JSON.parse(line))
      .find((entry) => entry.audit === 'contact_updated');
    expect(audit).toMatchObject({
      contactId: 'ic_5Hb1cY8f',
      fields: ['phone'],
      slackUser: 'U0ALICE',
      slackTeam: 'T0ACME',
    });
    // Contact values and secrets stay out of the log.
    const log = bot.stdout.join('\n');
    for (const secret of [
      SECRETS.botToken,
      SECRETS.signingSecret,
      SECRETS.stuutToken,
      '4155550100',
    ]) {
      expect(log).not.toContain(secret);
    }

    bot.child.kill('SIGTERM');
    expect(await bot.exit).toBe(0);
  });

  test('a bot token Slack refuses is one clear line and a non-zero exit', async () => {
    const bot = startBot({ ...env(), SLACK_BOT_TOKEN: 'xoxb-revoked-token' });
    expect(await bot.exit).toBe(1);
    expect(bot.stderr).toEqual([
      expect.stringContaining('Slack refused SLACK_BOT_TOKEN (invalid_auth)'),
    ]);
    expect(bot.stderr.join('\n')).not.toContain('xoxb-revoked-token');
  });
});

test('missing and bad configuration: one line per problem, naming the variable, no secrets, exit 1', async () => {
  const bot = startBot({
    SLACK_SIGNING_SECRET: 'super-secret-signing-value',
    SLACK_BOT_TOKEN: 'not-a-bot-token-secret',
    STUUT_API_URL: 'ftp://stuut.example',
    PORT: 'eighty',
  });
  expect(await bot.exit).toBe(1);
  const text = bot.stderr.join('\n');
  for (const name of ['SLACK_BOT_TOKEN', 'STUUT_API_URL', 'STUUT_API_TOKEN', 'PORT']) {
    expect(text).toMatch(new RegExp(`^config error: ${name}:`, 'm'));
  }
  expect(text).not.toContain('super-secret-signing-value');
  expect(text).not.toContain('not-a-bot-token-secret');
  expect(text).not.toMatch(/\n\s+at /);
});

test('a port already in use is one clear line and exit 1', async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, resolve));
  const port = (blocker.address() as { port: number }).port;
  const slack = await SlackEmulator.start({ botToken: SECRETS.botToken });
  try {
    const bot = startBot({
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_SIGNING_SECRET: SECRETS.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      STUUT_API_URL: 'http://127.0.0.1:9',
      STUUT_API_TOKEN: SECRETS.stuutToken,
      PORT: String(port),
    });
    expect(await bot.exit).toBe(1);
    expect(bot.stderr).toEqual([
      expect.stringContaining(`could not listen on port ${port} (EADDRINUSE)`),
    ]);
  } finally {
    await slack.close();
    await new Promise((resolve) => blocker.close(resolve));
  }
});
