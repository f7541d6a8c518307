// Measures the contact book's storage layer on both engines, with the compiled code
// (npm run build): importing 100,000 contacts, then searching names at concurrency 25.
// Usage: node bench/book.js [contacts] [searches]. The bot's own figures (through Slack
// requests, the bot in a process of its own) come from `npm run bench` (bench/run.js).
// PostgreSQL: BENCH_DATABASE_URL (an empty database, it fills it), or a throwaway local server
// started like the tests' (needs the postgresql server binaries). Prints a JSON summary.
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { openBook } = require('../dist/book/open');
const { withoutPassword } = require('../dist/config');
const { postgresServer, vacuumAnalyze } = require('./postgres');
const { PICKER_TYPING, generateContacts, generateQueries, stats } = require('./data');

const CONTACTS = Number(process.argv[2] ?? 100_000);
const SEARCHES = Number(process.argv[3] ?? 5_000);
const CONCURRENCY = 25;
const LIMIT = 10;

/**
 * `total` searches, `concurrency` in flight at any time; each timed from call to answer.
 * Also the CPU time this process spent per search: on a shared machine, wall-clock times
 * include waiting for other processes' work, CPU time does not (it excludes PostgreSQL's).
 */
async function searchAtConcurrency(book, queries, total, concurrency, limit = LIMIT, options) {
  const samples = [];
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  async function worker() {
    while (issued < total) {
      const query = queries[issued++ % queries.length];
      const t0 = performance.now();
      await book.search(query, limit, options);
      samples.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuMsPerSearch = Math.round(((used.user + used.system) / 1000 / total) * 1000) / 1000;
  return { ...stats(samples), perSecond: Math.round(total / seconds), cpuMsPerSearch };
}

async function measure(location, rows, queries, settle = async () => {}) {
  const book = await openBook(location);
  try {
    const t0 = performance.now();
    const counts = await book.importRows(rows, new Date());
    const importSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const again = await book.importRows(rows, new Date());
    const reimportSeconds = (performance.now() - t1) / 1000;
    await settle();

    // Warm up: JIT, statement caches, the server's buffers.
    await searchAtConcurrency(book, queries, 500, CONCURRENCY);
    const names = await searchAtConcurrency(book, queries, SEARCHES, CONCURRENCY);
    const oneByOne = await searchAtConcurrency(book, queries, Math.min(SEARCHES, 2000), 1);
    const oneLetter = await searchAtConcurrency(book, ['a', 'm', 's', 'j'], 200, CONCURRENCY);
    // The type-ahead picker: up to 100 options, no total shown, so no COUNT.
    const picker = await searchAtConcurrency(book, PICKER_TYPING, SEARCHES, CONCURRENCY, 100, {
      countAll: false,
    });
    const sample = await book.search(queries[0], LIMIT);
    return {
      engine: book.engine,
      import: { rows: rows.length, seconds: Math.round(importSeconds * 100) / 100, counts },
      reimportUnchanged: { seconds: Math.round(reimportSeconds * 100) / 100, counts: again },
      searchNamesAtConcurrency25Ms: names,
      searchNamesOneAtATimeMs: oneByOne,
      searchOneLetterAtConcurrency25Ms: oneLetter,
      pickerTypingAtConcurrency25Ms: picker,
      example: { query: queries[0], total: sample.total, first: sample.matches[0]?.id ?? null },
    };
  } finally {
    await book.close();
  }
}

async function main() {
  const loadAtStart = os.loadavg().map((value) => Math.round(value * 10) / 10);
  const rows = generateContacts(CONTACTS);
  const queries = generateQueries(rows, 1000);
  const results = [];

  const dir = mkdtempSync(join(os.tmpdir(), 'book-bench-'));
  try {
    results.push(
      await measure({ engine: 'sqlite', path: join(dir, 'book.sqlite') }, rows, queries),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const postgres = await postgresServer();
  try {
    const url = await postgres.fresh();
    const location = { engine: 'postgres', url, shown: withoutPassword(url) };
    results.push(await measure(location, rows, queries, () => vacuumAnalyze(url)));
  } finally {
    await postgres.stop();
  }

  const cpus = os.cpus();
  const load = os.loadavg().map((value) => Math.round(value * 10) / 10);
  console.log(
    JSON.stringify(
      {
        machine: `${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), Node ${process.version}`,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: load,
        contacts: CONTACTS,
        searches: SEARCHES,
        concurrency: CONCURRENCY,
        limit: LIMIT,
        results,
      },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
