// Starts the bot in a process of its own, so that the load generator (the driver, the Slack and
// Stuut emulators) does not share the bot's event loop, and stops it as production is stopped.
const { fork } = require('node:child_process');
const { createServer } = require('node:net');
const { join } = require('node:path');
const { processCpuMs } = require('./cpu');

const ROOT = join(__dirname, '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The environment the bot reads: nothing inherited but PATH, so no stray DATABASE_URL. */
function botEnv({ slack, stuut, port, book }) {
  return {
    PATH: process.env.PATH ?? '',
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: 'bench-secret',
    SLACK_API_URL: slack.apiUrl,
    STUUT_API_URL: stuut.baseUrl,
    STUUT_API_TOKEN: 'stuut-bench',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...(book.engine === 'sqlite' ? { CONTACT_BOOK_PATH: book.path } : { DATABASE_URL: book.url }),
  };
}

/**
 * `script`: 'dist/main.js' (production's start) or 'bench/bot.js' (the same, with the book's
 * calls timed). Resolves once /healthz answers 200 with the book "ok".
 */
async function startBotProcess({ script, slack, stuut, book }) {
  const port = await freePort();
  const output = [];
  const child = fork(join(ROOT, script), [], {
    cwd: ROOT,
    env: botEnv({ slack, stuut, port, book }),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout.on('data', (chunk) => output.push(chunk));
  child.stderr.on('data', (chunk) => output.push(chunk));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const said = () => Buffer.concat(output).toString('utf8').trim();

  const healthz = `http://127.0.0.1:${port}/healthz`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the bot (${script}) exited with ${child.exitCode}:\n${said()}`);
    }
    try {
      const response = await fetch(healthz);
      const body = await response.json();
      if (response.status === 200 && body.contactBook === 'ok') break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot (${script}) was not healthy within 30 s:\n${said()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    port,
    appUrl: `http://127.0.0.1:${port}/slack/events`,
    pid: child.pid,
    cpuMs: () => processCpuMs(child.pid),
    /** What the bot wrote (warnings and errors only, at LOG_LEVEL=warn). */
    output: said,
    /** bench/bot.js only: the book's timings inside the bot since the last reset. */
    timings() {
      return new Promise((resolve) => {
        const onMessage = (message) => {
          if (message?.type !== 'timings') return;
          child.off('message', onMessage);
          resolve(message.timings);
        };
        child.on('message', onMessage);
        child.send({ type: 'timings' });
      });
    },
    reset() {
      child.send({ type: 'reset' });
    },
    /** SIGTERM, as a platform stops it: it drains, then exits. */
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      if (code !== 0) throw new Error(`the bot (${script}) exited with ${code}:\n${said()}`);
    },
  };
}

module.exports = { startBotProcess };
