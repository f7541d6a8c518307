// `npm run bench` (after `npm run build`): every benchmark, then the figures written into
// README.md's "Performance" section (its body is replaced; the rest of the file is not touched).
//
//   npm run bench                    full sizes (some 3 to 4 minutes on 2 cores), writes README
//   npm run bench -- --quick         small sizes, prints only (add --readme to write anyway)
//   npm run bench -- --no-readme     full sizes, prints only
//   npm run bench -- --from=run.json rewrites the section from a saved run (the JSON it wrote)
//   sizes: --contacts=N --requests=N --history-rows=N --target-history=N
//          --history-requests=N --saves=N --rounds=N; --engines=sqlite,postgres
//
// PostgreSQL: a throwaway local server (the tests' test/pg/cluster.ts, fsync on), or
// BENCH_DATABASE_URL (an empty database; then pass --engines=postgres or one engine pass).
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { DatabaseSync } = require('node:sqlite');
const { SlackEmulator } = require('../dist/sandbox/slack');
const { StuutEmulator, seedContacts } = require('../dist/sandbox/stuut');
const { CONCURRENCY, runEngine, TARGET } = require('./contacts');
const { contactsCsv, generateContacts, generateQueries } = require('./data');
const { runLatency } = require('./latency');
const { describeServer, postgresServer } = require('./postgres');

const README = join(__dirname, '..', 'README.md');

const FULL = {
  rounds: 200,
  contacts: 100_000,
  requests: 3_000,
  historyRows: 1_000_000,
  targetHistoryRows: 10_000,
  historyRequests: 1_000,
  saves: 300,
};
const QUICK = {
  rounds: 30,
  contacts: 5_000,
  requests: 400,
  historyRows: 50_000,
  targetHistoryRows: 500,
  historyRequests: 100,
  saves: 30,
};
const FLAGS = {
  rounds: 'rounds',
  contacts: 'contacts',
  requests: 'requests',
  'history-rows': 'historyRows',
  'target-history': 'targetHistoryRows',
  'history-requests': 'historyRequests',
  saves: 'saves',
};

const TARGETS = { importSeconds: 30, findP99: 20, pickerP99: 50, historyP99: 20 };

function parseArgs(argv) {
  const quick = argv.includes('--quick');
  const sizes = { ...(quick ? QUICK : FULL) };
  let engines = ['sqlite', 'postgres'];
  let from = null;
  for (const arg of argv) {
    const [, name, value] = /^--([a-z-]+)=(.*)$/.exec(arg) ?? [];
    if (name === 'engines') engines = value.split(',').filter(Boolean);
    else if (name === 'from') from = value;
    else if (FLAGS[name] && /^\d+$/.test(value)) sizes[FLAGS[name]] = Number(value);
    else if (name || !['--quick', '--readme', '--no-readme'].includes(arg)) {
      throw new Error(`unknown argument ${arg}; see the top of bench/run.js`);
    }
  }
  for (const engine of engines) {
    if (engine !== 'sqlite' && engine !== 'postgres') throw new Error(`unknown engine ${engine}`);
  }
  const writeReadme = argv.includes('--readme') || (!quick && !argv.includes('--no-readme'));
  return { quick, sizes, engines, writeReadme, from };
}

const began = performance.now();
function progress(message) {
  const seconds = Math.round((performance.now() - began) / 1000);
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  process.stderr.write(`[${clock.padStart(5)}] ${message}\n`);
}

const loadAverage = () => os.loadavg().map((value) => value.toFixed(2));

function machine() {
  const cpus = os.cpus();
  const sqlite = new DatabaseSync(':memory:');
  const sqliteVersion = sqlite.prepare('select sqlite_version() as v').get().v;
  sqlite.close();
  return {
    cpu: cpus[0]?.model ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    sqlite: sqliteVersion,
  };
}

async function main() {
  const { quick, sizes, engines, writeReadme, from } = parseArgs(process.argv.slice(2));
  if (from) {
    // Rewrites the section from a saved run's JSON, measuring nothing.
    const saved = JSON.parse(readFileSync(from, 'utf8'));
    const section = performanceSection({ ...saved, started: new Date(saved.started) });
    if (writeReadme) writePerformanceSection(section);
    else console.log(section);
    return;
  }
  const started = new Date();
  const host = machine();
  const loadAtStart = loadAverage();
  progress(
    `${quick ? 'quick' : 'full'} run on ${host.cpu} (${host.cores} cores), Node ${host.node}, load ${loadAtStart.join(' ')}`,
  );

  progress(`latency: ${sizes.rounds} command → form → Save → confirmation rounds`);
  const latency = await runLatency({
    rounds: sizes.rounds,
    progress: (message) => progress(`latency: ${message}`),
  });

  const dir = mkdtempSync(join(os.tmpdir(), 'contact-bench-'));
  const slack = await SlackEmulator.start({ botToken: 'xoxb-bench' });
  const seeds = seedContacts();
  const stuut = await StuutEmulator.start({ token: 'stuut-bench', seed: seeds });
  const results = {};
  let postgres = null;
  try {
    progress(`generating ${sizes.contacts} contacts`);
    const rows = generateContacts(sizes.contacts);
    const queries = generateQueries(rows, 1000);
    const csvPath = join(dir, 'contacts.csv');
    writeFileSync(csvPath, contactsCsv(rows));
    for (const engine of engines) {
      let book;
      if (engine === 'sqlite') {
        book = { engine, path: join(dir, 'contact-book.sqlite') };
      } else {
        progress('postgres: starting a throwaway server (fsync on)');
        postgres ??= await postgresServer();
        book = { engine, url: await postgres.fresh() };
      }
      const tag = engine === 'sqlite' ? 'SQLite' : 'PostgreSQL';
      const warnings = slack.warnings.length;
      results[engine] = await runEngine({
        book,
        slack,
        stuut,
        seeds,
        csvPath,
        queries,
        sizes,
        ...(engine === 'postgres' ? { serverCpuMs: postgres.cpuMs } : {}),
        progress: (message) => progress(`${tag}: ${message}`),
      });
      results[engine].slackWarnings = slack.warnings.slice(warnings);
      if (engine === 'postgres') {
        results[engine].server = { ...(await describeServer(book.url)), kind: postgres.kind };
      }
    }
  } finally {
    await Promise.all([slack.close(), stuut.close()]);
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const run = {
    started,
    minutes: Math.round(((performance.now() - began) / 60_000) * 10) / 10,
    host,
    loadAtStart,
    loadAtEnd: loadAverage(),
    sizes,
    latency,
    results,
  };
  const json = join(
    os.tmpdir(),
    `contact-bench-${started.toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(json, `${JSON.stringify(run, null, 2)}\n`);
  progress(`every figure, as JSON: ${json}`);
  const section = performanceSection(run);
  if (writeReadme) {
    writePerformanceSection(section);
    progress('README.md: the Performance section now holds these figures');
  } else {
    console.log(`\n${section}`);
    progress('README.md not written (a quick or --no-readme run); the section is above');
  }
}

// ---- README ----------------------------------------------------------------------------

/** Replaces what lies between "## Performance" and the next "## " heading. */
function writePerformanceSection(body) {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('\n## Performance\n');
  if (start < 0) throw new Error('README.md has no "## Performance" section');
  const bodyStart = start + '\n## Performance\n'.length;
  const next = text.indexOf('\n## ', bodyStart);
  const end = next < 0 ? text.length : next + 1;
  writeFileSync(README, `${text.slice(0, bodyStart)}\n${body.trim()}\n\n${text.slice(end)}`);
}

const ms = (value) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const trio = (s) => (s ? `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}` : '–');
const count = (n) => n.toLocaleString('en-US');
const verdict = (value, limit) =>
  Number.isFinite(value) ? (value <= limit ? 'met' : '**not met**') : '–';

/** A markdown table, columns padded as the formatter would. */
function table(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(3, ...all.map((row) => [...String(row[column])].length)),
  );
  const line = (row) =>
    `| ${row.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

function performanceSection(run) {
  const { host, sizes, latency, results } = run;
  const engines = Object.keys(results);
  const name = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
  const pick = (get) => engines.map((engine) => get(results[engine]));
  const pg = results.postgres?.server;
  const out = [];

  out.push(
    '`npm run bench` (after `npm run build`) measures the compiled bot over loopback against the Slack and Stuut emulators, then rewrites this section with the figures. `npm run bench -- --quick` is a small run that only prints; the sizes are arguments (see `bench/run.js`). Times are milliseconds unless marked; pNN is the NNth percentile.',
    '',
    `Measured ${run.started.toISOString().slice(0, 10)} on ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, ${host.os}, Node ${host.node}; SQLite ${host.sqlite} (node:sqlite, WAL, synchronous=normal)${pg ? `; PostgreSQL ${pg.version}${pg.kind === 'throwaway' ? ', a throwaway local server started as the tests start theirs' : ''}, fsync ${pg.fsync}, synchronous_commit ${pg.synchronousCommit}` : ''}. The whole run took ${run.minutes} minutes. Load average (1, 5, 15 min) ${run.loadAtStart.join(', ')} at the start, ${run.loadAtEnd.join(', ')} at the end. ${busiest(run) > 0.2 ? `The machine was shared: other work ran beside the benchmark, up to ${busiest(run).toFixed(2)} of the ${host.cores} cores on average during a measurement, which moves the tail percentiles more than the code does.` : 'The machine was otherwise idle.'} The "other work" rows say how many cores work other than the measured processes kept busy, on average, during each measurement (from /proc/stat, less the CPU of the processes measured).`,
    '',
  );

  out.push(
    '### Command → form → Save → confirmation',
    '',
    `${latency.rounds} rounds, one at a time: \`/contact update ${TARGET}\` → the form opens with the book's values → a new job title → Save → the channel confirmation. The bot runs in the benchmark's process (\`startBot\` with the production HTTP server and checks: editor check with its cache, shared-channel lookup) with a temp SQLite book holding the five seeded contacts (\`bench/latency.js\`). "Acknowledged" is timed from the request leaving the driver to its answer; "form open" and "confirmation" until the emulator holds the view or the message. With a fast Stuut the outcome is in the Save acknowledgement itself (the PATCH is inside it); real Slack and Stuut add their network time. Other work kept ${ms(latency.otherCores)} cores busy meanwhile.`,
    '',
    table(
      ['', 'p50', 'p95', 'p99', 'max'],
      [
        ['slash command acknowledged', latency.command],
        ['command → form open (`views.open`)', latency.formOpen],
        ['Save acknowledged (PATCH inside)', latency.submitAck],
        ['Save → channel confirmation', latency.toConfirmation],
      ].map(([label, s]) => [label, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)]),
    ),
    '',
  );

  const cpuRows = (what, key) => [
    [`${what}: bot CPU per request`, ...pick((r) => ms(r[key].cpuMsPerRequest)), ''],
    ...(pg
      ? [
          [
            `${what}: PostgreSQL CPU per request`,
            ...pick((r) => (r.engine === 'postgres' ? ms(r[key].serverCpuMsPerRequest) : '–')),
            '',
          ],
        ]
      : []),
    [
      `${what}: load generator CPU per request`,
      ...pick((r) => ms(r[key].driverCpuMsPerRequest)),
      '',
    ],
    [`${what}: other work (cores busy)`, ...pick((r) => r[key].otherCores.toFixed(2)), ''],
  ];
  const empty = results[engines[0]]?.pickerAt25.emptyAnswers ?? 0;
  out.push(
    `### Contact book: ${count(sizes.contacts)} contacts`,
    '',
    `The book is filled by \`npm run import\` itself (\`dist/cli/import.js\` in its own process: CSV parsing, every row checked as the form checks it, batched upserts) from a CSV of ${count(sizes.contacts)} generated contacts (names from many languages, accents included; the same every run). On PostgreSQL, \`vacuum analyze\` follows (what autovacuum does within a minute or so). Then the bot runs in a **child process**, \`node dist/main.js\` as in production, with \`CONTACT_BOOK_PATH\` or \`DATABASE_URL\`, \`SLACK_API_URL\` at the emulator in the benchmark's process and \`LOG_LEVEL=warn\`, so that the load generator (driver and emulators) does not share the bot's event loop. It still shares the ${host.cores} cores with it, and with PostgreSQL.`,
    '',
    `- **Find**: \`/contact find <name words>\` (a full name, a given or a family name, prefixes of both, unaccented), ${count(sizes.requests)} requests in a closed loop of ${CONCURRENCY} in flight (each answer sends the next request), after a warm-up. Each is timed from the request leaving the driver to the answer (the list is in the acknowledgement): an upper bound of "arrival at the bot to its answer, queueing included".`,
    `- **Picker**: \`/contact update\` with no query opens the form with the type-ahead picker; then \`block_suggestion\`s of what a person types (every prefix of a few names; up to 100 options each), ${count(sizes.requests)} in a closed loop of ${CONCURRENCY}, timed the same way. ${Math.round((empty / sizes.requests) * 100)}% of them match no one (names the book lacks) and are answered with no options.`,
    `- The bot gives the book 1 s per request: a find that waits longer is answered "the contact book is unavailable", and a picker request gets no matches (the bot logs an error); the tables count both.`,
    `- "one at a time": the same at concurrency 1, the cost of a request with no queue. CPU per request, from /proc: the bot's process, PostgreSQL's processes, and the load generator's (the driver signing and sending, the emulator checking and recording each answer).`,
    '',
    table(header(engines, name), [
      [
        `import of ${count(sizes.contacts)} rows`,
        ...pick((r) => `${r.import.seconds} s`),
        `≤ ${TARGETS.importSeconds} s`,
      ],
      [
        `find, concurrency ${CONCURRENCY}: p50 / p95 / p99`,
        ...pick((r) => trio(r.findAt25)),
        `p99 ≤ ${TARGETS.findP99}`,
      ],
      [`find, concurrency ${CONCURRENCY}: requests/s`, ...pick((r) => r.findAt25.perSecond), ''],
      [
        `find, concurrency ${CONCURRENCY}: "book unavailable" answers`,
        ...pick((r) => r.findAt25.failed),
        '',
      ],
      ...cpuRows('find', 'findAt25'),
      ['find, one at a time: p50 / p95 / p99', ...pick((r) => trio(r.findAt1)), ''],
      [
        `picker, concurrency ${CONCURRENCY}: p50 / p95 / p99`,
        ...pick((r) => trio(r.pickerAt25)),
        `p99 ≤ ${TARGETS.pickerP99}`,
      ],
      [
        `picker, concurrency ${CONCURRENCY}: requests/s`,
        ...pick((r) => r.pickerAt25.perSecond),
        '',
      ],
      [
        `picker, concurrency ${CONCURRENCY}: book too slow (bot errors)`,
        ...pick((r) => r.pickerAt25.botErrors),
        '',
      ],
      ...cpuRows('picker', 'pickerAt25'),
      ['picker, one at a time: p50 / p95 / p99', ...pick((r) => trio(r.pickerAt1)), ''],
    ]),
    '',
  );

  out.push(
    `### History: ${count(sizes.historyRows)} rows`,
    '',
    `The same books then get ${count(sizes.historyRows)} history rows, inserted in bulk by one SQL statement on the book's own database (not through the bot): ${count(sizes.targetHistoryRows)} for ${TARGET} (a seeded contact, so that Stuut knows it), the rest spread over the other contacts, dated over the last 300 days (inside \`CONTACT_HISTORY_DAYS\`, so pruning at start removes none). PostgreSQL is vacuumed after. The bot is then \`bench/bot.js\` in a child process: \`dist/main.js\`'s start (configuration from the environment, \`startBot\`) with the book's calls timed inside the bot.`,
    '',
    `- **History**: \`/contact history ${TARGET}\`, ${count(sizes.historyRequests)} requests one at a time (the page is in the acknowledgement); and the book's \`history()\` query inside the bot.`,
    `- **Save**: ${count(sizes.saves)} rounds of \`/contact update ${TARGET}\` → form → a new job title → Save → confirmation, one at a time. The Save acknowledgement holds the version claim and the PATCH; after it, the bot's \`learnChange\` stores Stuut's answer and records the change in one transaction.`,
    '',
    table(header(engines, name), [
      ['bulk insert of the history rows', ...pick((r) => `${r.historyInsertSeconds} s`), ''],
      [
        '`/contact history` acknowledged: p50 / p95 / p99',
        ...pick((r) => trio(r.historyCommand)),
        `p99 ≤ ${TARGETS.historyP99}`,
      ],
      ['book `history()` in the bot: p50 / p95 / p99', ...pick((r) => trio(r.historyInBot)), ''],
      [
        'history: other work (cores busy)',
        ...pick((r) => r.historyCommand.otherCores.toFixed(2)),
        '',
      ],
      [
        'Save acknowledged: p50 / p95 / p99',
        ...pick((r) => trio(r.saveAck)),
        `p99 ≤ ${TARGETS.historyP99}`,
      ],
      [
        'book `learnChange` in the bot: p50 / p95 / p99',
        ...pick((r) => trio(r.learnChange)),
        `p99 ≤ ${TARGETS.historyP99}`,
      ],
      ['book `claimVersion` in the bot: p50 / p95 / p99', ...pick((r) => trio(r.claimVersion)), ''],
      ['saves: other work (cores busy)', ...pick((r) => r.saveAck.otherCores.toFixed(2)), ''],
    ]),
    '',
  );

  out.push('### Targets', '');
  for (const engine of engines) {
    const r = results[engine];
    const item = (what, value, limit, unit = ' ms') =>
      `${what} ${ms(value)}${unit} (≤ ${limit}${unit}: ${verdict(value, limit)})`;
    out.push(
      `- ${name[engine]}: ${[
        item('import', r.import.seconds, TARGETS.importSeconds, ' s'),
        item('find p99', r.findAt25.p99, TARGETS.findP99),
        item('picker p99', r.pickerAt25.p99, TARGETS.pickerP99),
        item('history p99', r.historyCommand.p99, TARGETS.historyP99),
        item('Save acknowledged p99', r.saveAck.p99, TARGETS.historyP99),
        item('learnChange p99', r.learnChange.p99, TARGETS.historyP99),
      ].join('; ')}.`,
    );
  }
  const cores = (phase, msPerRequest) =>
    Number.isFinite(msPerRequest) ? (msPerRequest * phase.perSecond) / 1000 : 0;
  const saturated = (r) =>
    cores(r.findAt25, r.findAt25.cpuMsPerRequest) +
      (r.engine === 'postgres' ? cores(r.findAt25, r.findAt25.serverCpuMsPerRequest) : 0) +
      cores(r.findAt25, r.findAt25.driverCpuMsPerRequest) +
      r.findAt25.otherCores >=
    0.9 * host.cores;
  const perEngine = engines
    .map((engine) => {
      const r = results[engine];
      const each = 1000 / r.findAt25.perSecond;
      const server =
        r.engine === 'postgres' ? ` + ${ms(r.findAt25.serverCpuMsPerRequest)} of PostgreSQL's` : '';
      return `${name[engine]}: ${r.findAt25.perSecond} finds/s, one every ${ms(each)} ms, so ${CONCURRENCY} × ${ms(each)} ≈ ${ms(CONCURRENCY * each)} ms of waiting (measured p50 ${ms(r.findAt25.p50)}); each find cost ${ms(r.findAt25.cpuMsPerRequest)} ms of the bot's CPU${server} and ${ms(r.findAt25.driverCpuMsPerRequest)} of the load generator's, so the bot's process kept ${cores(r.findAt25, r.findAt25.cpuMsPerRequest).toFixed(2)} of a core busy, and everything together (bot, ${r.engine === 'postgres' ? 'PostgreSQL, ' : ''}load generator, other work) ${(
        cores(r.findAt25, r.findAt25.cpuMsPerRequest) +
          (r.engine === 'postgres' ? cores(r.findAt25, r.findAt25.serverCpuMsPerRequest) : 0) +
          cores(r.findAt25, r.findAt25.driverCpuMsPerRequest) +
          r.findAt25.otherCores
      ).toFixed(
        2,
      )} of the ${host.cores} cores${saturated(r) ? ': the machine was the limit' : ''}. Even with a core to itself, at ${ms(r.findAt25.cpuMsPerRequest)} ms of CPU per find the bot would serve at most ${Math.round(1000 / r.findAt25.cpuMsPerRequest)} finds/s, and ${CONCURRENCY} in flight would still wait about ${ms(CONCURRENCY * r.findAt25.cpuMsPerRequest)} ms`;
    })
    .join('. ');
  const missed = engines.some(
    (engine) =>
      !(results[engine].findAt25.p99 <= TARGETS.findP99) ||
      !(results[engine].pickerAt25.p99 <= TARGETS.pickerP99),
  );
  out.push(
    '',
    `**${missed ? `Why find and the picker miss their targets at concurrency ${CONCURRENCY}` : `Concurrency ${CONCURRENCY}`}**, while one at a time they answer in a few milliseconds: the bot is one Node process and runs one request's JavaScript at a time (Bolt's parsing and signature check, the search's ranking, building the message; on SQLite the query too, since node:sqlite is synchronous). A closed loop of ${CONCURRENCY} therefore queues: each request waits for the others ahead of it, so latency ≈ ${CONCURRENCY} ÷ throughput, ${CONCURRENCY} × the time per request (p99 more, when other work takes the CPU), and the throughput ends where the CPU does: the bot's one thread, or the machine's ${host.cores} cores. ${perEngine}. The load generator needs about as much CPU per request as the bot, and shares the same ${host.cores} cores. A p99 of ${TARGETS.findP99} ms at concurrency ${CONCURRENCY} needs the queue to drain in ${TARGETS.findP99} ms, i.e. under ${ms(TARGETS.findP99 / CONCURRENCY)} ms per request at the bot, or several bot processes (instances on one PostgreSQL) on more cores. Here the concurrency-${CONCURRENCY} figures measure the queue; the one-at-a-time figures, and the history and Save figures (one at a time), measure the bot's own time per request. Even those are upper bounds of it: they include the driver, loopback HTTP, and waiting for a core that other work held, which is what their p99 mostly shows (compare the book's own times inside the bot).`,
    '',
  );
  const missedHistory = engines.some((engine) => {
    const r = results[engine];
    return [r.historyCommand.p99, r.saveAck.p99, r.learnChange.p99].some(
      (value) => !(value <= TARGETS.historyP99),
    );
  });
  const inBot = engines
    .map((engine) => {
      const r = results[engine];
      return `${name[engine]}: \`history()\` ${ms(r.historyInBot.p50)} / ${ms(r.historyInBot.p99)}, \`claimVersion\` ${ms(r.claimVersion.p50)} / ${ms(r.claimVersion.p99)}, \`learnChange\` ${ms(r.learnChange.p50)} / ${ms(r.learnChange.p99)}`;
    })
    .join('; ');
  // The index percentile() takes: p99 of n samples is the (n − ⌊0.99 n⌋)th slowest.
  const rank = sizes.saves - Math.floor(0.99 * sizes.saves);
  out.push(
    `**${missedHistory ? 'Why some history and Save figures miss 20 ms' : 'History and Save'}.** The book's own times inside the bot, p50 / p99: ${inBot}. Reading a page of history is an index range on (contact, id), so 1,000,000 rows cost it little. ${pg ? "On PostgreSQL the writes are where the time goes: the version claim inside the Save acknowledgement is one UPDATE, and `learnChange` after it is six round trips to the server (begin, read the contact with a lock, update it, insert the change, release the claim, commit); each commit waits for a WAL flush (fsync and synchronous_commit on), and each round trip hands over between the bot's process and the server's, which on 2 cores shared with other work often means waiting for a core. SQLite runs the same transaction inside the bot's process, without a flush at commit (WAL, synchronous=normal). " : ''}The acknowledgement times add the driver, loopback HTTP, the Stuut emulator's PATCH (for Save) and any wait for a core: with ${count(sizes.saves)} rounds, p99 is the ${rank === 1 ? 'slowest' : `${rank}${rank === 2 ? 'nd' : rank === 3 ? 'rd' : 'th'} slowest`} of them, so one stall of the shared machine is enough to move it.`,
    '',
  );
  const warnings = engines.flatMap((engine) => results[engine].slackWarnings);
  if (warnings.length > 0) {
    out.push(
      `The Slack emulator warned ${warnings.length} times (an answer real Slack would refuse, or a late one); the first: ${warnings[0]}`,
      '',
    );
  }
  return out.join('\n');
}

/** The most cores other work kept busy during any one measurement. */
function busiest(run) {
  const all = [run.latency.otherCores];
  for (const r of Object.values(run.results)) {
    all.push(
      r.findAt25.otherCores,
      r.findAt1.otherCores,
      r.pickerAt25.otherCores,
      r.pickerAt1.otherCores,
      r.historyCommand.otherCores,
      r.saveAck.otherCores,
    );
  }
  return Math.max(0, ...all.filter(Number.isFinite));
}

function header(engines, name) {
  return ['', ...engines.map((engine) => name[engine]), 'target'];
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
