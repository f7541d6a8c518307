import { SlackEmulator, type StoredView } from '../../src/sandbox/slack';
import { StuutEmulator, seedContacts } from '../../src/sandbox/stuut';
import { DEFAULT_TIMING } from '../../src/slack/app';
import {
  bookFileForEach,
  driverFor,
  emulatorEnv,
  listeningPort,
  requireBuild,
  SECRETS,
  type SpawnedBot,
  spawnBot,
  waitFor,
} from './harness';

const CONTACT = 'ic_5Hb1cY8f';
const NEW_TITLE = 'Head of Renewals';

requireBuild();

describe('SIGTERM on the compiled bot', () => {
  let slack: SlackEmulator;
  let stuut: StuutEmulator;
  let bot: SpawnedBot | undefined;
  const bookPath = bookFileForEach(seedContacts);
  beforeEach(async () => {
    slack = await SlackEmulator.start({ botToken: SECRETS.botToken });
    stuut = await StuutEmulator.start({ token: SECRETS.stuutToken, seed: seedContacts() });
  });
  afterEach(async () => {
    if (bot && bot.child.exitCode === null && bot.child.signalCode === null) {
      bot.child.kill('SIGKILL');
      await bot.exit;
    }
    bot = undefined;
    await Promise.all([slack.close(), stuut.close()]);
  });

  /** Starts the bot and a save that Stuut answers after `delayMs`; resolves once it is acknowledged. */
  async function startSlowSave(delayMs: number) {
    bot = spawnBot(emulatorEnv(slack, stuut, bookPath()));
    const running = bot;
    const port = await listeningPort(running);
    const base = `http://127.0.0.1:${port}`;
    const driver = driverFor(slack, port);
    await driver.slashCommand({ text: `update ${CONTACT}`, channelId: 'C0OPS' });
    const view: StoredView = await waitFor(() => slack.openViews()[0], 'views.open');
    stuut.failNext({ kind: 'delay', ms: delayMs });
    slack.typeInto(view.id, 'job_title', NEW_TITLE);
    const ack = await driver.submitView(view.id);
    expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update_saving' } });
    await waitFor(() => stuut.requests.some((r) => r.method === 'PATCH'), 'the PATCH to start');

    const sigterm = async () => {
      running.child.kill('SIGTERM');
      await waitFor(
        () => running.stdout.some((line) => line.includes('shutting down')),
        'the bot to start draining',
      );
    };
    return { bot: running, base, driver, view, sigterm };
  }

  const saved = () => stuut.contact(CONTACT)?.job_title === NEW_TITLE;

  test('during a save lets it and its confirmation finish, then exits 0 within the save budget', async () => {
    const { bot, view, sigterm } = await startSlowSave(3_000);
    const started = Date.now();
    await sigterm();
    expect(await bot.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(DEFAULT_TIMING.saveBudgetMs);
    expect(saved()).toBe(true);
    expect(slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(1);
    expect(slack.getView(view.id)?.callback_id).toBe('contact_update_result');
  });

  test('/healthz answers 503 while the save is still in flight', async () => {
    const { bot, base, sigterm } = await startSlowSave(3_000);
    await sigterm();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'draining' });
    expect(saved()).toBe(false);
    expect(await bot.exit).toBe(0);
    expect(saved()).toBe(true);
  });

  test('a new slash command while draining gets 503 and opens no form', async () => {
    const { bot, driver, sigterm } = await startSlowSave(3_000);
    await sigterm();
    const callsBefore = slack.calls.length;
    const ack = await driver.slashCommand({ text: 'update ic_7Qm2xK9a', channelId: 'C0OPS' });
    expect(ack.status).toBe(503);
    expect(saved()).toBe(false);
    expect(await bot.exit).toBe(0);
    expect(slack.callsTo('views.open')).toHaveLength(1);
    // Only the in-flight save's confirmation (with its contact's Slack member) reached Slack
    // after the command was refused.
    expect(
      slack.calls
        .slice(callsBefore)
        .filter(
          (call) =>
            !['views.update', 'chat.postMessage', 'users.lookupByEmail'].includes(call.method),
        ),
    ).toEqual([]);
    expect(stuut.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  test('a second SIGTERM exits at once with a non-zero code', async () => {
    const { bot, sigterm } = await startSlowSave(20_000);
    await sigterm();
    const second = Date.now();
    bot.child.kill('SIGTERM');
    const code = await bot.exit;
    expect(Date.now() - second).toBeLessThan(1_500);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(saved()).toBe(false);
  });
});
