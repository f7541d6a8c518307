import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SlackEmulator } from '../../src/sandbox/slack';
import { StuutEmulator, seedContacts } from '../../src/sandbox/stuut';
import {
  bookFileForEach,
  driverFor,
  emulatorEnv,
  listeningPort,
  requireBuild,
  SECRETS,
  spawnBot,
  waitFor,
} from './harness';

/**
 * The bot as a platform deploys it: `npm ci`, then `npm prune --omit=dev`, then `npm start`.
 * Nothing the real start loads may need a devDependency, and it must not load the sandbox
 * at all (main.ts imports it lazily, only when it is chosen).
 */
requireBuild();

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
let copy: string;
const bookPath = bookFileForEach(seedContacts);

beforeAll(async () => {
  copy = await mkdtemp(join(tmpdir(), 'contact-bot-production-'));
  for (const file of ['package.json', 'package-lock.json']) {
    await cp(join(ROOT, file), join(copy, file));
  }
  await cp(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  // The build is copied, so the `prepare` script (a build, which needs devDependencies) is skipped.
  const npm = (...args: string[]) =>
    run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: copy,
      env: process.env,
    });
  await npm('ci', '--ignore-scripts');
  await npm('prune', '--omit=dev');
}, 240_000);

afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

test('the pruned copy holds no package that only the devDependencies need', async () => {
  const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const devOnly = Object.entries(lock.packages)
    .filter(([path, entry]) => entry.dev === true && path.startsWith('node_modules/'))
    .map(([path]) => path);
  expect(devOnly).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/jest']));
  const present = devOnly.filter((path) => existsSync(join(copy, path)));
  expect(present).toEqual([]);
  // What the real start needs is there.
  expect(existsSync(join(copy, 'node_modules', '@slack', 'bolt'))).toBe(true);
});

test('npm start with credentials serves the whole flow without the sandbox on disk', async () => {
  const slack = await SlackEmulator.start({ botToken: SECRETS.botToken });
  const stuut = await StuutEmulator.start({ token: SECRETS.stuutToken, seed: seedContacts() });
  // Any import of sandbox code on the real path now fails the start.
  const sandboxDir = join(copy, 'dist', 'sandbox');
  await rename(sandboxDir, `${sandboxDir}.away`);
  const bot = spawnBot(emulatorEnv(slack, stuut, bookPath()), { cwd: copy, npmStart: true });
  try {
    const port = await listeningPort(bot);
    const driver = driverFor(slack, port);
    await driver.slashCommand({ text: 'update ic_5Hb1cY8f', channelId: 'C0OPS' });
    const view = await waitFor(() => slack.openViews()[0], 'views.open');
    slack.typeInto(view.id, 'job_title', 'Head of Billing');
    await driver.submitView(view.id);
    const post = await waitFor(
      () => slack.messages.find((m) => m.kind === 'channel'),
      'the channel confirmation',
    );
    expect(JSON.stringify(post.blocks)).toContain('Head of Billing');
    expect(stuut.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { job_title: 'Head of Billing' },
    ]);
    bot.signal('SIGTERM');
    await bot.closed;
    expect(bot.stdout.some((line) => JSON.parse(line).msg === 'stopped')).toBe(true);
  } finally {
    bot.signal('SIGKILL');
    await rename(`${sandboxDir}.away`, sandboxDir);
    await Promise.all([slack.close(), stuut.close()]);
  }
  expect(bot.stderr.join('\n')).not.toMatch(/Cannot find module/);
});

test('npm start without credentials runs the sandbox on production dependencies only', async () => {
  const bot = spawnBot({ PORT: '0' }, { cwd: copy, npmStart: true });
  try {
    const url = await waitFor(
      () => bot.stdout.map((line) => /Open (http:\/\/\S+)/.exec(line)?.[1]).find(Boolean),
      'the sandbox banner',
      15_000,
    );
    const api = async (path: string, body?: unknown) => {
      const response = await fetch(new URL(path, url), {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return (await response.json()) as SandboxState & { ok?: boolean };
    };
    expect(await api('/api/command', { text: 'update ic_5Hb1cY8f' })).toMatchObject({ ok: true });
    const modal = await waitFor(
      async () => (await api('/api/state')).modal ?? undefined,
      'the form',
      10_000,
    );
    await api('/api/modal/submit', { viewId: modal.id, values: { job_title: 'Head of Billing' } });
    const state = await waitFor(
      async () => {
        const now = await api('/api/state');
        return now.messages.some((m) => m.kind === 'channel') ? now : undefined;
      },
      'the channel confirmation',
      10_000,
    );
    expect(state.contacts.find((c) => c.id === 'ic_5Hb1cY8f')?.job_title).toBe('Head of Billing');
    bot.signal('SIGTERM');
    await bot.closed;
  } finally {
    bot.signal('SIGKILL');
  }
});

interface SandboxState {
  modal: { id: string } | null;
  messages: { kind: string }[];
  contacts: { id: string; job_title: string | null }[];
}
