import { DatabaseSync } from 'node:sqlite';
import { openBook } from '../../src/book/open';
import { withoutPassword } from '../../src/config';
import { SlackEmulator } from '../../src/sandbox/slack';
import { StuutEmulator, seedContacts } from '../../src/sandbox/stuut';
import { freshDatabase } from '../pg/cluster';
import {
  commandToForm,
  driverFor,
  emulatorEnv,
  listeningPort,
  requireBuild,
  SECRETS,
  type SpawnedBot,
  spawnBot,
  tempBook,
  waitFor,
} from './harness';

/**
 * The book across processes, with the compiled bot as `npm start` runs it: a restart keeps
 * it, two instances on one PostgreSQL share it, and a `kill -9` mid-save leaves it whole.
 */
requireBuild();

const PRIYA = 'ic_7Qm2xK9a';
let slack: SlackEmulator;
let stuut: StuutEmulator;
const bots: SpawnedBot[] = [];

beforeEach(async () => {
  slack = await SlackEmulator.start({ botToken: SECRETS.botToken });
  stuut = await StuutEmulator.start({ token: SECRETS.stuutToken, seed: seedContacts() });
});
afterEach(async () => {
  for (const bot of bots.splice(0)) {
    bot.signal('SIGKILL');
    await bot.closed;
  }
  await Promise.all([slack.close(), stuut.close()]);
});

async function start(env: Record<string, string>) {
  const bot = spawnBot(env);
  bots.push(bot);
  const port = await listeningPort(bot);
  return { bot, driver: driverFor(slack, port) };
}

async function stop(bot: SpawnedBot) {
  bot.signal('SIGTERM');
  expect(await bot.exit).toBe(0);
}

const lastPost = () =>
  JSON.stringify(slack.messages.filter((m) => m.kind === 'channel').at(-1) ?? null);

test('SQLite: save by id, restart, find her by given name with the values Stuut returned', async () => {
  const made = await tempBook();
  await made.book.close();
  try {
    const env = emulatorEnv(slack, stuut, made.path);
    const first = await start(env);
    const { view } = await commandToForm({ driver: first.driver, slack }, `update ${PRIYA}`);
    slack.typeInto(view.id, 'job_title', 'Head of Customer Success');
    await first.driver.submitView(view.id);
    await waitFor(() => slack.messages.some((m) => m.kind === 'channel'), 'the confirmation');
    await stop(first.bot);
    slack.clearViews('U0ALICE');

    const second = await start(env);
    await second.driver.slashCommand({ text: 'update Priya' });
    const form = await waitFor(() => slack.openViews()[0], 'her form after the restart');
    expect(form.state.values.job_title?.value?.value).toBe('Head of Customer Success');
    expect(JSON.stringify(form.blocks)).toContain('as Stuut returned them');
    slack.typeInto(form.id, 'phone', '+1 212 555 0147');
    await second.driver.submitView(form.id);
    await waitFor(() => lastPost().includes('0147'), 'the second confirmation');
    expect(lastPost()).toContain('+1 415 555 0123 → +1 212 555 0147');
  } finally {
    await made.remove();
  }
});

test('PostgreSQL: what one instance learns, another finds at once', async () => {
  const url = await freshDatabase();
  const env = { ...emulatorEnv(slack, stuut, '/nonexistent/unused.sqlite'), DATABASE_URL: url };
  // Both start on an empty database at the same moment: both must come up.
  const [one, two] = await Promise.all([start(env), start(env)]);
  const { view } = await commandToForm({ driver: one.driver, slack }, `update ${PRIYA}`);
  slack.typeInto(view.id, 'job_title', 'Head of Customer Success');
  await one.driver.submitView(view.id);
  await waitFor(() => slack.messages.some((m) => m.kind === 'channel'), 'the confirmation');
  slack.clearViews('U0ALICE');

  await two.driver.slashCommand({ text: 'update priya raman' });
  const form = await waitFor(() => slack.openViews()[0], 'her form on the other instance');
  expect(form.state.values.job_title?.value?.value).toBe('Head of Customer Success');
  slack.typeInto(form.id, 'phone', '+1 212 555 0147');
  await two.driver.submitView(form.id);
  await waitFor(() => lastPost().includes('0147'), 'the confirmation from the other instance');
  expect(lastPost()).toContain('+1 415 555 0123 → +1 212 555 0147');
  // The log names the database without its password.
  const log = [...one.bot.stdout, ...two.bot.stdout].join('\n');
  const password = new URL(url).password;
  if (password) expect(log).not.toContain(password);
  expect(log).toContain(withoutPassword(url).replace(/\?.*$/, '').split('@')[1] ?? '');
});

test('SQLite: kill -9 during a save leaves a book that opens, checks out and still finds', async () => {
  const made = await tempBook();
  await made.book.close();
  try {
    const env = emulatorEnv(slack, stuut, made.path);
    const first = await start(env);
    // Learn two contacts, then start a third save that Stuut answers slowly, and kill the bot.
    for (const id of [PRIYA, 'ic_3Lp8vR2d']) {
      slack.clearViews('U0ALICE');
      const { view } = await commandToForm({ driver: first.driver, slack }, `update ${id}`);
      slack.typeInto(view.id, 'job_title', `Title for ${id}`);
      await first.driver.submitView(view.id);
      await waitFor(() => lastPost().includes(`Title for ${id}`), `the confirmation for ${id}`);
    }
    slack.clearViews('U0ALICE');
    stuut.failNext({ kind: 'delay', ms: 3_000 });
    await first.driver.slashCommand({ text: 'update priya' });
    const form = await waitFor(() => slack.openViews()[0], 'her form');
    slack.typeInto(form.id, 'phone', '+1 212 555 0147');
    await first.driver.submitView(form.id);
    await waitFor(
      () => stuut.requests.some((r) => JSON.stringify(r.body).includes('phone')),
      'the PATCH',
    );
    first.bot.signal('SIGKILL');
    await first.bot.closed;

    const raw = new DatabaseSync(made.path);
    try {
      expect(raw.prepare('pragma integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      raw.close();
    }
    const reopened = await openBook({ engine: 'sqlite', path: made.path });
    try {
      expect((await reopened.get(PRIYA))?.values.job_title).toBe(`Title for ${PRIYA}`);
      expect((await reopened.search('marcus', 10)).total).toBe(1);
    } finally {
      await reopened.close();
    }
    const second = await start(env);
    slack.clearViews('U0ALICE');
    await second.driver.slashCommand({ text: 'update marcus' });
    await waitFor(() => slack.openViews()[0], 'a form from the book after the crash');
  } finally {
    await made.remove();
  }
});
