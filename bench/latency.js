// Measures how fast the bot answers Slack, over loopback, with the compiled app (npm run build).
// Usage: npm run bench [-- <rounds>]. Prints percentiles in milliseconds; no assertions.
const { loadConfig } = require('../dist/config');
const { createLogger } = require('../dist/logger');
const { startBot } = require('../dist/bot');
const { SlackClientDriver, SlackEmulator } = require('../dist/sandbox/slack');
const { StuutEmulator, seedContacts } = require('../dist/sandbox/stuut');
const os = require('node:os');

const ROUNDS = Number(process.argv[2] ?? 200);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(name, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const fmt = (n) => n.toFixed(1).padStart(7);
  return `${name.padEnd(34)} p50 ${fmt(percentile(sorted, 50))}  p95 ${fmt(percentile(sorted, 95))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted.at(-1))}`;
}

async function waitFor(check) {
  for (;;) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function main() {
  const slack = await SlackEmulator.start({ botToken: 'xoxb-bench' });
  const stuut = await StuutEmulator.start({ token: 'stuut-bench', seed: seedContacts() });
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
  const bot = await startBot(config, logger, { host: '127.0.0.1' });
  const driver = new SlackClientDriver({
    emulator: slack,
    appUrl: `http://127.0.0.1:${bot.port}/slack/events`,
    signingSecret: 'bench-secret',
  });

  const command = [];
  const formOpen = [];
  const submitAck = [];
  const toConfirmation = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const ack = await driver.slashCommand({ text: 'update ic_7Qm2xK9a', channelId: 'C0OPS' });
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
  }

  console.log(
    `${ROUNDS} rounds on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}`,
  );
  console.log(summary('slash command acknowledged', command));
  console.log(summary('command → form open (views.open)', formOpen));
  console.log(summary('Save acknowledged (PATCH inside)', submitAck));
  console.log(summary('Save → channel confirmation', toConfirmation));

  await bot.shutdown();
  await Promise.all([slack.close(), stuut.close()]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
