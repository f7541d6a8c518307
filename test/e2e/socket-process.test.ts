import { SlackClientDriver, SlackEmulator } from '../../src/sandbox/slack';
import { StuutEmulator, seedContacts } from '../../src/sandbox/stuut';
import { RESTARTING_TEXT } from '../../src/slack/app';
import {
  APP_TOKEN,
  bookFileForEach,
  commandToForm,
  listeningPort,
  requireBuild,
  SECRETS,
  type SpawnedBot,
  spawnBot,
  waitFor,
} from './harness';

/**
 * The compiled bot in Socket Mode, started as `npm start` starts it, with only the environment
 * a worker process would have: SLACK_BOT_TOKEN and SLACK_APP_TOKEN, pointed at the emulated
 * Slack through SLACK_API_URL.
 */

requireBuild();

let slack: SlackEmulator;
let stuut: StuutEmulator;
let bot: SpawnedBot | undefined;
const bookPath = bookFileForEach(seedContacts);

beforeEach(async () => {
  slack = await SlackEmulator.start({ botToken: SECRETS.botToken, appToken: APP_TOKEN });
  stuut = await StuutEmulator.start({ token: SECRETS.stuutToken, seed: seedContacts() });
});
afterEach(async () => {
  // The bot goes first, or it would try to reconnect to an emulator that is gone.
  if (bot && bot.child.exitCode === null && bot.child.signalCode === null) {
    bot.child.kill('SIGKILL');
    await bot.exit;
  }
  bot = undefined;
  await Promise.all([slack.close(), stuut.close()]);
});

/** Socket Mode: no signing secret, and PORT only when a test sets it. */
function socketEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    CONTACT_BOOK_PATH: bookPath(),
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_APP_TOKEN: APP_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    STUUT_API_URL: `${stuut.baseUrl}/`,
    STUUT_API_TOKEN: SECRETS.stuutToken,
    ...extra,
  };
}

/** Starts the bot and resolves once it has said it is connected (after Slack's hello). */
async function startConnected(extra: Record<string, string> = {}) {
  bot = spawnBot(socketEnv(extra));
  const running = bot;
  await waitFor(
    () => running.stdout.some((line) => line.includes('connected to Slack in Socket Mode')),
    'the bot to connect',
    15_000,
  );
  expect(slack.socketMode.connectionCount).toBe(1);
  const driver = new SlackClientDriver({ emulator: slack, transport: 'socket' });
  return { bot: running, driver, h: { driver, slack } };
}

const logLines = (running: SpawnedBot) => running.stdout.map((line) => JSON.parse(line));

test('serves the whole flow over the WebSocket, binds no port, and exits 0 on SIGTERM', async () => {
  const { bot, driver, h } = await startConnected();
  const { view } = await commandToForm(h, 'update ic_5Hb1cY8f');
  slack.typeInto(view.id, 'phone', '(415) 555-0100');
  const ack = await driver.submitView(view.id);
  expect(ack).toMatchObject({ status: 200, timedOut: false });
  const post = await waitFor(
    () => slack.messages.find((m) => m.kind === 'channel'),
    'the channel confirmation',
  );
  expect(stuut.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
    { phone: '+14155550100' },
  ]);
  expect(post.channel).toBe('C0OPS');
  expect(JSON.stringify(post.blocks)).toContain('+14155550100');
  expect(slack.socketMode.envelopes.map((e) => e.type)).toEqual(['slash_commands', 'interactive']);

  bot.signal('SIGTERM');
  expect(await bot.exit).toBe(0);
  await slack.socketMode.waitForConnections(0);
  // Without PORT nothing listens: no "listening on port" line, and no HTTP server was started.
  expect(bot.stdout.some((line) => line.includes('listening on port'))).toBe(false);
  expect(logLines(bot).find((e) => e.msg === 'connected to Slack in Socket Mode')).toMatchObject({
    mode: 'socket',
  });
  const log = bot.stdout.join('\n');
  for (const secret of [SECRETS.botToken, APP_TOKEN, SECRETS.stuutToken, '4155550100']) {
    expect(log).not.toContain(secret);
  }
  expect(bot.stderr).toEqual([]);
});

test('SIGTERM during a save: the owed acknowledgement goes out over the socket, a late command hears "restarting", the bot disconnects, the save finishes, exit 0', async () => {
  const { bot, driver, h } = await startConnected();
  const { view } = await commandToForm(h, 'update ic_5Hb1cY8f');
  // Stuut answers after 5 s: the Save waits up to 2 s for it, then answers "Saving…".
  stuut.failNext({ kind: 'delay', ms: 5_000 });
  slack.typeInto(view.id, 'job_title', 'Head of Renewals');
  const submission = driver.submitView(view.id);
  await waitFor(() => stuut.requests.some((r) => r.method === 'PATCH'), 'the PATCH to start');

  bot.signal('SIGTERM');
  await waitFor(
    () => bot.stdout.some((line) => line.includes('shutting down')),
    'the bot to start draining',
  );
  // The submission's acknowledgement is still owed, so the socket is still open: a command
  // that arrives now is acknowledged, with a reply, and opens nothing.
  const late = await driver.slashCommand({ text: 'update ic_7Qm2xK9a' });
  expect(late).toMatchObject({
    timedOut: false,
    json: { response_type: 'ephemeral', text: RESTARTING_TEXT },
  });
  expect(slack.messages.find((m) => m.kind === 'ephemeral')?.text).toBe(RESTARTING_TEXT);

  const ack = await submission;
  expect(ack.timedOut).toBe(false);
  expect(ack.ms).toBeLessThan(3_000);
  expect(ack.json).toMatchObject({
    response_action: 'update',
    view: { callback_id: 'contact_update_saving' },
  });
  // Then the bot leaves Slack while the save is still running over the Web API.
  await slack.socketMode.waitForConnections(0, 10_000);
  expect(stuut.contact('ic_5Hb1cY8f')?.job_title).not.toBe('Head of Renewals');

  expect(await bot.exit).toBe(0);
  expect(stuut.contact('ic_5Hb1cY8f')?.job_title).toBe('Head of Renewals');
  expect(slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(1);
  expect(slack.getView(view.id)?.callback_id).toBe('contact_update_result');
  expect(slack.callsTo('views.open')).toHaveLength(1);
  expect(stuut.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  // Every envelope was acknowledged in time, and no connection was opened again.
  expect(slack.socketMode.acks.map((a) => a.awaited)).toEqual([true, true, true]);
  expect(slack.socketMode.connectionsOpened).toBe(1);
  expect(logLines(bot).find((e) => e.msg === 'stopped')).toBeDefined();
});

test('an app token Slack refuses at start is one line on stderr and exit 1', async () => {
  const refused = 'xapp-1-A0APP-0000-revoked-token';
  bot = spawnBot(socketEnv({ SLACK_APP_TOKEN: refused }));
  expect(await bot.exit).toBe(1);
  expect(bot.stderr).toEqual([
    expect.stringMatching(/^startup error: Slack refused SLACK_APP_TOKEN \(invalid_auth\)/),
  ]);
  expect([...bot.stderr, ...bot.stdout].join('\n')).not.toContain(refused);
  expect(slack.callsTo('apps.connections.open').map((c) => c.error)).toEqual(['invalid_auth']);
  expect(slack.socketMode.connectionsOpened).toBe(0);
});

test('with PORT set, /healthz answers on that port while the bot is in Socket Mode', async () => {
  const { bot } = await startConnected({ PORT: '0' });
  const port = await listeningPort(bot);
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok' });
  // Only /healthz: Slack's requests come over the socket, not to this port.
  expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST' })).status).toBe(
    404,
  );
  bot.signal('SIGTERM');
  expect(await bot.exit).toBe(0);
});
