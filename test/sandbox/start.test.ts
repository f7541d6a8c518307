import { createServer, type Server } from 'node:net';
import { sandboxDecision } from '../../src/startMode';
import { requireBuild, spawnBot, waitFor } from '../e2e/harness';

describe('sandboxDecision', () => {
  test('no Slack credentials at all: the sandbox', () => {
    expect(sandboxDecision({})).toEqual({ kind: 'sandbox' });
    expect(sandboxDecision({ SLACK_BOT_TOKEN: '', STUUT_API_URL: 'https://x.example' })).toEqual({
      kind: 'sandbox',
    });
  });

  test.each(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'])(
    'any one Slack credential (%s) means the real bot, never the sandbox',
    (name) => {
      expect(sandboxDecision({ [name]: 'x' })).toEqual({ kind: 'real', refusedSandbox: null });
    },
  );

  test.each([
    [{ NODE_ENV: 'production' }, /NODE_ENV=production/],
    [{ DYNO: 'web.1' }, /DYNO/],
  ])('refuses to hide a broken deployment (%o)', (env, reason) => {
    const decision = sandboxDecision(env);
    expect(decision.kind).toBe('real');
    expect(decision.kind === 'real' && decision.refusedSandbox).toMatch(reason);
  });
});

requireBuild();

/** The compiled bot as `npm start` runs it, with its output read as whole texts. */
function run(env: Record<string, string>) {
  const bot = spawnBot(env);
  return { ...bot, out: () => bot.stdout.join('\n'), err: () => bot.stderr.join('\n') };
}

describe('npm start without Slack credentials', () => {
  let blocker: Server;
  let takenPort: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    takenPort = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => blocker.close(resolve));
  });

  test('prints the banner: sandbox, URL, seeded ids, how to connect; a taken port moves to a free one', async () => {
    const bot = run({
      PORT: String(takenPort),
      STUUT_API_URL: 'https://real-stuut.example',
      STUUT_API_TOKEN: 'real-token',
    });
    try {
      const banner = await waitFor(
        () => (bot.out().includes('SLACK_SIGNING_SECRET') ? bot.out() : undefined),
        'the banner',
        15_000,
      );
      expect(banner).toContain('LOCAL SANDBOX');
      expect(banner).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\//);
      expect(banner).not.toContain(`127.0.0.1:${takenPort}/`);
      expect(banner).toContain(`port ${takenPort} was taken`);
      expect(banner).toContain('ic_7Qm2xK9a');
      expect(banner).toContain('STUUT_API_URL and STUUT_API_TOKEN are ignored');
      const url = /Open (http:\S+)/.exec(banner)?.[1] ?? '';
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
    } finally {
      bot.child.kill('SIGTERM');
      expect(await bot.exit).toBe(0);
    }
  });

  test.each([
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
    ['a dyno', { DYNO: 'web.1' }],
    ['partial credentials', { SLACK_BOT_TOKEN: 'xoxb-only-this' }],
  ])('%s: no sandbox, the configuration errors, exit 1', async (_label, env) => {
    const bot = run(env);
    expect(await bot.exit).toBe(1);
    expect(bot.err()).toMatch(/^config error: STUUT_API_TOKEN:/m);
    expect(bot.out()).not.toContain('SANDBOX');
  });
});

test.each([
  ['PORT=99999', { PORT: '99999' }, 'PORT'],
  ['DEFAULT_PHONE_COUNTRY=XX', { DEFAULT_PHONE_COUNTRY: 'XX' }, 'DEFAULT_PHONE_COUNTRY'],
  ['LOG_LEVEL=verbose', { LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
])('a bad sandbox setting (%s) is one line naming it, and exit 1', async (_label, env, name) => {
  const bot = run(env);
  expect(await bot.exit).toBe(1);
  expect(bot.err()).toMatch(new RegExp(`^config error: ${name}:`, 'm'));
  expect(bot.err()).not.toMatch(/\n\s+at /);
});
