// Measures how fast the bot answers Slack, over loopback, with the compiled app (npm run build):
// command → form → Save → confirmation rounds, one at a time, the bot in this process. Its book
// is a temp SQLite file holding the five seeded contacts (as the sandbox's does), never the
// default data/contact-book.sqlite.
// Usage: node bench/latency.js [rounds]. Part of `npm run bench` (bench/run.js).
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { openBook } = require('../dist/book/open');
const { startBot } = require('../dist/bot');
const { loadConfig } = require('../dist/config');
const { valuesOf } = require('../dist/domain/contact');
const { createLogger } = require('../dist/logger');
const { SlackClientDriver, SlackEmulator } = require('../dist/sandbox/slack');
const { StuutEmulator, seedContacts } = require('../dist/sandbox/stuut');
const { machineBusyMs, ownCpuMs } = require('./cpu');
const { stats } = require('./data');

const CONTACT = 'ic_7Qm2xK9a';

async function waitFor(check) {
  for (;;) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The rounds; resolves to the percentiles of each step, in ms. */
async function runLatency({ rounds = 200, progress = () => {} } = {}) {
  const dir = mkdtempSync(join(os.tmpdir(), 'latency-bench-'));
  const slack = await SlackEmulator.start({ botToken: 'xoxb-bench' });
  const seed = seedContacts();
  const stuut = await StuutEmulator.start({ token: 'stuut-bench', seed });
  const book = await openBook({ engine: 'sqlite', path: join(dir, 'contact-book.sqlite') });
  let bot;
  try {
    await book.importRows(
      seed.map((contact) => ({ id: contact.id, values: valuesOf(contact) })),
      new Date(),
    );
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-secret',
      SLACK_API_URL: slack.apiUrl,
      STUUT_API_URL: stuut.baseUrl,
      STUUT_API_TOKEN: 'stuut-bench',
      PORT: '0',
      LOG_LEVEL: 'warn',
    });
    const logger = createLogger(config.logLevel);
    // The same start as production: the project's own HTTP server in front of Bolt.
    bot = await startBot(config, logger, { host: '127.0.0.1', book });
    const driver = new SlackClientDriver({
      emulator: slack,
      appUrl: `http://127.0.0.1:${bot.port}/slack/events`,
      signingSecret: 'bench-secret',
    });

    const command = [];
    const formOpen = [];
    const submitAck = [];
    const toConfirmation = [];
    const busyBefore = machineBusyMs();
    const ownBefore = ownCpuMs();
    const started = performance.now();
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const ack = await driver.slashCommand({ text: `update ${CONTACT}`, channelId: 'C0OPS' });
      command.push(ack.ms);
      const view = await waitFor(() => slack.openViews()[0]);
      formOpen.push(performance.now() - t0);
      slack.typeInto(view.id, 'job_title', `Account manager ${i}`);
      const posted = slack.messages.length;
      const t1 = performance.now();
      const submitted = await driver.submitView(view.id);
      submitAck.push(submitted.ms);
      await waitFor(() => slack.messages.length > posted);
      toConfirmation.push(performance.now() - t1);
      slack.closeView(view.id);
      if ((i + 1) % 50 === 0) progress(`${i + 1}/${rounds} rounds`);
    }
    // Cores that work other than this process (bot, driver and emulators) kept busy meanwhile.
    const others = machineBusyMs() - busyBefore - (ownCpuMs() - ownBefore);
    const otherCores = Math.max(
      0,
      Math.round((others / (performance.now() - started)) * 100) / 100,
    );
    const known = await book.get(CONTACT);
    if (known?.values.job_title !== `Account manager ${rounds - 1}`) {
      throw new Error('the book did not learn the last save');
    }
    return {
      rounds,
      warnings: slack.warnings.length,
      otherCores,
      command: stats(command),
      formOpen: stats(formOpen),
      submitAck: stats(submitAck),
      toConfirmation: stats(toConfirmation),
    };
  } finally {
    await bot?.shutdown();
    await book.close();
    await Promise.all([slack.close(), stuut.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { runLatency };

if (require.main === module) {
  const rounds = Number(process.argv[2] ?? 200);
  const line = (name, s) =>
    `${name.padEnd(34)} p50 ${s.p50.toFixed(1).padStart(7)}  p95 ${s.p95.toFixed(1).padStart(7)}  p99 ${s.p99.toFixed(1).padStart(7)}  max ${s.max.toFixed(1).padStart(7)}`;
  runLatency({ rounds })
    .then((result) => {
      const cpus = os.cpus();
      console.log(
        `${rounds} rounds on ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), Node ${process.version}`,
      );
      console.log(line('slash command acknowledged', result.command));
      console.log(line('command → form open (views.open)', result.formOpen));
      console.log(line('Save acknowledged (PATCH inside)', result.submitAck));
      console.log(line('Save → channel confirmation', result.toConfirmation));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
