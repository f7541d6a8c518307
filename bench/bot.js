// The bot as dist/main.js starts it (configuration from the environment, startBot), in a
// process of its own, with one addition for the benchmark: the book's calls are timed inside
// the bot. The parent (bench/run.js) asks for the timings over the IPC channel:
//   { type: 'timings' } → { type: 'timings', timings: { learnChange: [ms…], history: […] } }
// and clears them with { type: 'reset' }. SIGTERM drains and exits, as production does.
const { startBot } = require('../dist/bot');
const { openBook } = require('../dist/book/open');
const { loadConfig } = require('../dist/config');
const { createLogger } = require('../dist/logger');

/** The book methods whose time inside the bot the benchmark reports. */
const TIMED = ['learnChange', 'history', 'search', 'get', 'claimVersion'];

function timedBook(book, timings) {
  return new Proxy(book, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // The book keeps its state in private fields: every method runs on the book itself.
      const bound = value.bind(target);
      if (!TIMED.includes(property)) return bound;
      return async (...args) => {
        const started = performance.now();
        try {
          return await bound(...args);
        } finally {
          timings[property].push(performance.now() - started);
        }
      };
    },
  });
}

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const book = await openBook(config.book, { logger: logger.child({ component: 'book' }) });
  const timings = Object.fromEntries(TIMED.map((name) => [name, []]));
  const bot = await startBot(config, logger, {
    host: '127.0.0.1',
    book: timedBook(book, timings),
  });
  process.on('message', (message) => {
    if (message?.type === 'timings') process.send({ type: 'timings', timings });
    if (message?.type === 'reset') for (const name of TIMED) timings[name].length = 0;
  });
  process.once('SIGTERM', async () => {
    await bot.shutdown();
    await book.close();
    process.exit(0);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
