// The contact book through the real bot, on one engine: import a large book with the import
// command, then find by name and the picker's type-ahead at concurrency 25, then history with
// a million rows. The bot runs in a process of its own (bench/process.js); this process plays
// Slack (the driver and the emulator) and Stuut, and generates the load.
const { execFile } = require('node:child_process');
const { join } = require('node:path');
const { DatabaseSync } = require('node:sqlite');
const { promisify } = require('node:util');
const { openBook } = require('../dist/book/open');
const { DEFAULT_USER_ID, SlackClientDriver } = require('../dist/sandbox/slack');
const { metered, ownCpuMs } = require('./cpu');
const { PICKER_TYPING, stats } = require('./data');
const { vacuumAnalyze, withClient } = require('./postgres');
const { startBotProcess } = require('./process');

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const CONCURRENCY = 25;
/** The contact whose history is long: a seeded one, so that Stuut knows it and Save works. */
const TARGET = 'ic_7Qm2xK9a';
/** History spread over this many days before now: inside the default CONTACT_HISTORY_DAYS. */
const HISTORY_SPAN_DAYS = 300;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // A short sleep, not a busy loop: this process must leave the CPU to the bot.
    await sleep(1);
  }
}

/**
 * `total` requests, `concurrency` in flight at any time (a closed loop: each worker sends the
 * next as soon as its answer arrives). `send(i)` resolves to { ms, ok }: every answer is
 * timed; those that are not good ones (an HTTP error, "the book is unavailable") are counted.
 */
async function closedLoop(total, concurrency, send) {
  const samples = [];
  let issued = 0;
  let failed = 0;
  const started = performance.now();
  async function worker() {
    while (issued < total) {
      const { ms, ok } = await send(issued++);
      if (Number.isFinite(ms)) samples.push(ms);
      if (!ok) failed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { ...stats(samples), failed, perSecond: Math.round(total / seconds) };
}

/** Lines the bot logged at error (LOG_LEVEL=warn), e.g. "contact book too slow for …". */
function errorLines(bot) {
  return bot
    .output()
    .split('\n')
    .filter((line) => line.includes('"level":"error"') || line.includes('"level":50'));
}

/** `measure`, and what the bot logged at error meanwhile: how many lines, and the first. */
async function withBotErrors(bot, measure) {
  const before = errorLines(bot).length;
  const result = await measure();
  const lines = errorLines(bot).slice(before);
  return { ...result, botErrors: lines.length, firstBotError: lines[0] ?? null };
}

/**
 * CPU time per request over a measurement: the bot's, this process's (the load generator:
 * driver and emulators), PostgreSQL's where known; and the cores other work kept busy.
 */
async function withCpu(bot, serverCpuMs, requests, measure) {
  const { result, used, otherCores } = await metered(
    { bot: bot.cpuMs, driver: ownCpuMs, server: serverCpuMs },
    measure,
  );
  const perRequest = (msTotal) => Math.round((msTotal / requests) * 100) / 100;
  return {
    ...result,
    cpuMsPerRequest: perRequest(used.bot),
    driverCpuMsPerRequest: perRequest(used.driver),
    serverCpuMsPerRequest: perRequest(used.server),
    otherCores,
  };
}

/**
 * `npm run import` itself (dist/cli/import.js) on the CSV, in a process of its own: CSV parsing,
 * each row checked as the form checks it, then the book's batched upserts.
 */
async function importCsv(book, csvPath) {
  const env = {
    PATH: process.env.PATH ?? '',
    ...(book.engine === 'sqlite' ? { CONTACT_BOOK_PATH: book.path } : { DATABASE_URL: book.url }),
  };
  const started = performance.now();
  const { stdout } = await run(process.execPath, [join(ROOT, 'dist/cli/import.js'), csvPath], {
    cwd: ROOT,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  const added = Number(/added\s+(\d+)/.exec(stdout)?.[1] ?? Number.NaN);
  return { seconds: Math.round(seconds * 10) / 10, added };
}

/** The seeded contacts, learned as from Stuut's answers (the target among them). */
async function learnSeeds(location, seeds) {
  const book = await openBook(location);
  try {
    for (const contact of seeds) await book.learn({ ...contact }, new Date());
  } finally {
    await book.close();
  }
}

/**
 * `total` history rows in one statement, in SQL on the book's own database: every `every`-th
 * row for the target, the others spread over every other contact; times ascending over the
 * last HISTORY_SPAN_DAYS, so that pruning at start removes none.
 */
function historyRowsSql(engine, { total, every, others, target }) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const step = (HISTORY_SPAN_DAYS * 86_400) / total;
  const at =
    engine === 'sqlite'
      ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${nowSeconds} - (${total} - i) * ${step}, 'unixepoch')`
      : `to_char(to_timestamp(${nowSeconds} - (${total} - i) * ${step}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const isTarget = `i % ${every} = 0`;
  const columns = `contact_id, slack_user, slack_team, at, source, changes, modified_at,
      undoes, undone_by, undo_claim_until, version_after`;
  const values = `case when ${isTarget} then '${target}' else b.id end,
      'U0BENCH' || (i % 50), 'T0BENCH', ${at}, 'form',
      '[{"f":"job_title","b":"Title ' || (i - 1) || '","a":"Title ' || i || '"}]',
      ${at}, null, null, null,
      case when ${isTarget} then i / ${every} + 1 else 1 end`;
  const join = `left join bench_ids b on b.n = (i % ${others}) + 1`;
  return engine === 'sqlite'
    ? `with recursive seq(i) as (select 1 union all select i + 1 from seq where i < ${total})
       insert into contact_changes (${columns}) select ${values} from seq ${join} order by i`
    : `insert into contact_changes (${columns})
       select ${values} from generate_series(1, ${total}) as seq(i) ${join} order by i`;
}

const NUMBER_OTHERS = `create temp table bench_ids as
  select row_number() over (order by id) as n, id from contacts where id <> $target`;

/** Fills the history in bulk; the bot must not be running. Returns the seconds it took. */
async function insertHistory(book, { total, targetRows }) {
  const every = Math.max(1, Math.floor(total / targetRows));
  const versionOfTarget = Math.floor(total / every) + 1;
  const started = performance.now();
  if (book.engine === 'sqlite') {
    const db = new DatabaseSync(book.path);
    try {
      db.exec('pragma synchronous = normal');
      db.prepare(NUMBER_OTHERS).run({ target: TARGET });
      const { others } = db.prepare('select count(*) as others from bench_ids').get();
      db.exec('begin');
      db.exec(historyRowsSql('sqlite', { total, every, others, target: TARGET }));
      db.prepare('update contacts set version = ? where id = ?').run(versionOfTarget, TARGET);
      db.exec('commit');
      // What SQLite's automatic checkpoints would do over the next writes.
      db.exec('pragma wal_checkpoint(truncate)');
    } finally {
      db.close();
    }
  } else {
    await withClient(book.url, async (client) => {
      await client.query(NUMBER_OTHERS.replace('$target', '$1'), [TARGET]);
      const { rows } = await client.query('select count(*)::int as others from bench_ids');
      await client.query('begin');
      await client.query(
        historyRowsSql('postgres', { total, every, others: rows[0].others, target: TARGET }),
      );
      await client.query('update contacts set version = $1 where id = $2', [
        versionOfTarget,
        TARGET,
      ]);
      await client.query('commit');
    });
    await vacuumAnalyze(book.url);
  }
  return Math.round(((performance.now() - started) / 1000) * 10) / 10;
}

async function countHistory(book) {
  if (book.engine === 'sqlite') {
    const db = new DatabaseSync(book.path, { readOnly: true });
    try {
      const all = db.prepare('select count(*) as n from contact_changes').get().n;
      const target = db
        .prepare('select count(*) as n from contact_changes where contact_id = ?')
        .get(TARGET).n;
      return { all: Number(all), target: Number(target) };
    } finally {
      db.close();
    }
  }
  return withClient(book.url, async (client) => {
    const all = await client.query('select count(*)::int as n from contact_changes');
    const target = await client.query(
      'select count(*)::int as n from contact_changes where contact_id = $1',
      [TARGET],
    );
    return { all: all.rows[0].n, target: target.rows[0].n };
  });
}

function driverFor(slack, bot) {
  const driver = new SlackClientDriver({
    emulator: slack,
    appUrl: bot.appUrl,
    signingSecret: 'bench-secret',
  });
  // suggestOptions returns the options, not the acknowledgement's time: take it from the
  // delivery underneath, which times each request from leaving the driver to its answer.
  const deliver = driver.deliverOverHttp.bind(driver);
  driver.ackTimes = [];
  driver.deliverOverHttp = async (delivery) => {
    const ack = await deliver(delivery);
    driver.ackTimes.push(ack.ms);
    return ack;
  };
  return driver;
}

/** Opens a form with /contact update …; resolves to the view once views.open has shown it. */
async function openForm(slack, driver, text) {
  const before = slack.topView(DEFAULT_USER_ID)?.id;
  const ack = await driver.slashCommand({ text, channelId: 'C0OPS' });
  if (ack.status !== 200) throw new Error(`/contact ${text} answered HTTP ${ack.status}`);
  return waitFor(() => {
    const view = slack.topView(DEFAULT_USER_ID);
    return view && view.id !== before ? view : undefined;
  }, `the form of /contact ${text}`);
}

/** Find by name and the picker, through dist/main.js. */
async function findAndPicker({ book, slack, stuut, queries, sizes, serverCpuMs, progress }) {
  const bot = await startBotProcess({ script: 'dist/main.js', slack, stuut, book });
  try {
    const driver = driverFor(slack, bot);
    let noMatch = 0;
    const find = async (i) => {
      const ack = await driver.slashCommand({
        text: `find ${queries[i % queries.length]}`,
        channelId: 'C0OPS',
      });
      const answered = ack.status === 200 && !ack.timedOut && ack.json?.blocks !== undefined;
      // The bot gives the book 1 s, then answers that it is unavailable.
      const ok = answered && !ack.text.includes('contact book is unavailable');
      if (ack.text.includes('No contact in the book matches')) noMatch++;
      return { ms: ack.timedOut ? Number.NaN : ack.ms, ok };
    };
    progress('find: warming up');
    await closedLoop(Math.min(300, sizes.requests), CONCURRENCY, find);
    progress(`find: ${sizes.requests} requests at concurrency ${CONCURRENCY}`);
    noMatch = 0;
    const findAt25 = await withBotErrors(bot, () =>
      withCpu(bot, serverCpuMs, sizes.requests, () =>
        closedLoop(sizes.requests, CONCURRENCY, find),
      ),
    );
    findAt25.noMatch = noMatch;
    const alone = Math.max(100, Math.round(sizes.requests / 10));
    progress(`find: ${alone} requests one at a time`);
    const findAt1 = await withCpu(bot, serverCpuMs, alone, () => closedLoop(alone, 1, find));

    const form = await openForm(slack, driver, 'update');
    let empty = 0;
    const suggest = async (i) => {
      const typed = PICKER_TYPING[i % PICKER_TYPING.length];
      const options = await driver.suggestOptions(form.id, 'contact_pick', typed);
      if (options.length === 0) empty++;
      // Timed by the deliveries; a book too slow for the picker shows in the bot's errors.
      return { ms: Number.NaN, ok: true };
    };
    // suggestOptions gives no time: the deliveries underneath do (driverFor), in the order
    // they finish, which does not matter for percentiles.
    const timed = async (total, concurrency) => {
      driver.ackTimes.length = 0;
      const loop = await withBotErrors(bot, () =>
        withCpu(bot, serverCpuMs, total, () => closedLoop(total, concurrency, suggest)),
      );
      return { ...loop, ...stats(driver.ackTimes) };
    };
    progress('picker: warming up');
    await timed(Math.min(300, sizes.requests), CONCURRENCY);
    empty = 0;
    progress(`picker: ${sizes.requests} block_suggestions at concurrency ${CONCURRENCY}`);
    const pickerAt25 = await timed(sizes.requests, CONCURRENCY);
    const pickerEmpty = empty;
    progress(`picker: ${alone} block_suggestions one at a time`);
    const pickerAt1 = await timed(alone, 1);
    slack.closeView(form.id);
    return {
      findAt25,
      findAt1,
      pickerAt25: { ...pickerAt25, emptyAnswers: pickerEmpty },
      pickerAt1,
      botOutput: bot.output(),
    };
  } finally {
    await bot.stop();
  }
}

/** /contact history of the target and saves that record history, through bench/bot.js. */
async function historyAndSaves({ book, slack, stuut, sizes, serverCpuMs, progress }) {
  const bot = await startBotProcess({ script: 'bench/bot.js', slack, stuut, book });
  try {
    const driver = driverFor(slack, bot);
    const history = async () => {
      const ack = await driver.slashCommand({ text: `history ${TARGET}`, channelId: 'C0OPS' });
      const ok = ack.status === 200 && !ack.timedOut && ack.text.includes('contact_history_older');
      return { ms: ack.ms, ok };
    };
    progress('history: warming up');
    await closedLoop(50, 1, history);
    bot.reset();
    progress(`history: ${sizes.historyRequests} requests one at a time`);
    const historyCommand = await withCpu(bot, serverCpuMs, sizes.historyRequests, () =>
      closedLoop(sizes.historyRequests, 1, history),
    );
    const historyInBot = stats((await bot.timings()).history);

    const save = async (i) => {
      const view = await openForm(slack, driver, `update ${TARGET}`);
      slack.typeInto(view.id, 'job_title', `Practice lead ${i}`);
      const posted = slack.messages.length;
      const submitted = await driver.submitView(view.id);
      // The confirmation is posted after the book has learned the save.
      await waitFor(() => slack.messages.length > posted, 'the confirmation');
      slack.closeView(view.id);
      return { ms: submitted.ms, ok: submitted.status === 200 && !submitted.timedOut };
    };
    progress('saves: warming up');
    await closedLoop(20, 1, save);
    bot.reset();
    progress(`saves: ${sizes.saves} rounds (command → form → Save → confirmation)`);
    const saveAck = await withCpu(bot, serverCpuMs, sizes.saves, () =>
      closedLoop(sizes.saves, 1, save),
    );
    const timings = await bot.timings();
    return {
      historyCommand,
      historyInBot,
      saveAck,
      learnChange: stats(timings.learnChange),
      claimVersion: stats(timings.claimVersion),
      botOutput: bot.output(),
    };
  } finally {
    await bot.stop();
  }
}

/**
 * One engine, start to end. `book`: { engine: 'sqlite', path } or { engine: 'postgres', url }
 * on an empty database.
 */
async function runEngine(options) {
  const { book, slack, stuut, seeds, csvPath, queries, sizes, progress } = options;
  const serverCpuMs = options.serverCpuMs ?? (() => Number.NaN);
  const location =
    book.engine === 'sqlite'
      ? { engine: 'sqlite', path: book.path }
      : { engine: 'postgres', url: book.url, shown: 'bench' };
  // Migrations first, so that the import's time is the import's.
  await (await openBook(location)).close();
  progress(`import: ${sizes.contacts} contacts with npm run import`);
  const imported = await importCsv(book, csvPath);
  if (imported.added !== sizes.contacts) {
    throw new Error(`the import added ${imported.added} contacts, not ${sizes.contacts}`);
  }
  await learnSeeds(location, seeds);
  if (book.engine === 'postgres') await vacuumAnalyze(book.url);

  const found = await findAndPicker({
    book,
    slack,
    stuut,
    queries,
    sizes,
    serverCpuMs,
    progress,
  });

  progress(`history: inserting ${sizes.historyRows} rows in bulk`);
  const historyInsertSeconds = await insertHistory(book, {
    total: sizes.historyRows,
    targetRows: sizes.targetHistoryRows,
  });
  const historyBefore = await countHistory(book);
  const history = await historyAndSaves({ book, slack, stuut, sizes, serverCpuMs, progress });
  return {
    engine: book.engine,
    import: imported,
    ...found,
    historyInsertSeconds,
    historyRows: historyBefore,
    ...history,
  };
}

module.exports = { runEngine, TARGET, CONCURRENCY };
