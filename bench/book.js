// Measures the contact book's storage layer on both engines, with the compiled code
// (npm run build): importing 100,000 contacts, then searching names at concurrency 25.
// Usage: node bench/book.js [contacts] [searches]
// PostgreSQL: BENCH_DATABASE_URL (an empty database, it fills it), or a throwaway local server
// started like the tests' (needs the postgresql server binaries). Prints a JSON summary.
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');
const { openBook } = require('../dist/book/open');
const { withoutPassword } = require('../dist/config');

const CONTACTS = Number(process.argv[2] ?? 100_000);
const SEARCHES = Number(process.argv[3] ?? 5_000);
const CONCURRENCY = 25;
/** What the picker receives as someone types: every prefix of a few names. */
const PICKER_TYPING = ['priya', 'siobhan', 'mar', 'joh raman', 'kowal']
  .flatMap((name) => Array.from({ length: name.length }, (_, index) => name.slice(0, index + 1)))
  .filter((prefix) => !prefix.endsWith(' '));
const LIMIT = 10;

const GIVEN = [
  'Priya',
  'Siobhán',
  'José',
  'Zoë',
  'Björn',
  'Chloé',
  'François',
  'Ana',
  'Ahmed',
  'Aiko',
  'Alejandro',
  'Amara',
  'Anders',
  'Aoife',
  'Arjun',
  'Astrid',
  'Bao',
  'Beatriz',
  'Bilal',
  'Camille',
  'Carlos',
  'Chen',
  'Dagny',
  'Daniel',
  'Dmitri',
  'Elena',
  'Emeka',
  'Emma',
  'Fatima',
  'Felix',
  'Giulia',
  'Hana',
  'Hamza',
  'Ines',
  'Ingrid',
  'Isabel',
  'Ivan',
  'Jamal',
  'Jana',
  'Javier',
  'Ji-woo',
  'Joanna',
  'Kai',
  'Kaito',
  'Karin',
  'Kofi',
  'Lars',
  'Leila',
  'Liam',
  'Lucía',
  'Magnus',
  'Maja',
  'Malik',
  'Maria',
  'Mateo',
  'Mei',
  'Mohammed',
  'Nadia',
  'Nikolai',
  'Noah',
  'Nora',
  'Olga',
  'Omar',
  'Pablo',
  'Pedro',
  'Ravi',
  'Renée',
  'Rosa',
  'Sakura',
  'Samuel',
  'Sana',
  'Sean',
  'Sofia',
  'Søren',
  'Tariq',
  'Thandiwe',
  'Tomás',
  'Uma',
  'Valentina',
  'Wei',
  'Xavier',
  'Yara',
  'Yusuf',
  'Zainab',
  'Łukasz',
  'Agnieszka',
  'Bartosz',
  'Ciarán',
  'Declan',
  'Eoin',
  'Fionnuala',
  'Gráinne',
  'Hélène',
  'Ingeborg',
  'Jürgen',
  'Kateřina',
  'Lorenzo',
  'Matías',
  'Niamh',
  'Oisín',
];
const FAMILY_START = [
  'Ra',
  'Ber',
  'Cas',
  'Dal',
  'Eck',
  'Fon',
  'Gar',
  'Hal',
  'Ive',
  'Jan',
  'Kor',
  'Lind',
  'Mor',
  'Nak',
  'Ol',
  'Pet',
  'Quin',
  'Ros',
  'Sil',
  'Tan',
  'Ul',
  'Van',
  'Wal',
  'Yam',
  'Zel',
  'Ó Br',
  'Nguy',
  'Svo',
  'Gon',
  'Mül',
  'Kow',
  'Dub',
  'Ferr',
  'Hart',
  'Ibr',
  'Kuma',
  'Lop',
  'Mart',
  'Oko',
  'Pal',
];
const FAMILY_END = [
  'man',
  'ez',
  'son',
  'ski',
  'ova',
  'ian',
  'ini',
  'berg',
  'ley',
  'ford',
  'ać',
  'ễn',
  'ier',
  'oto',
  'ade',
  'elli',
  'sen',
  'stad',
  'court',
  'wood',
  'aín',
  'ek',
  'ura',
  'ovic',
  'etti',
];
const DOMAINS = ['example.com', 'example.org', 'acme.test', 'stuut.example', 'corp.example'];
const TITLES = ['Customer Success Manager', 'Account Executive', 'Practice Lead', 'CSM', null];

/** A deterministic generator, so every run measures the same book. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(next, list) {
  return list[Math.floor(next() * list.length)];
}

function ascii(text) {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function generateContacts(count) {
  const next = random(42);
  const rows = [];
  for (let index = 0; index < count; index++) {
    const given = pick(next, GIVEN);
    const family = pick(next, FAMILY_START) + pick(next, FAMILY_END);
    rows.push({
      id: `ic_${index.toString(36).padStart(6, '0')}`,
      values: {
        email: `${ascii(given)}.${ascii(family)}${index}@${pick(next, DOMAINS)}`,
        given_name: given,
        family_name: family,
        name: null,
        phone: `+1415555${String(index % 10_000).padStart(4, '0')}`,
        job_title: pick(next, TITLES),
      },
    });
  }
  return rows;
}

/** What people type: a full name, a given or family name, prefixes of both, unaccented. */
function generateQueries(rows, count) {
  const next = random(7);
  const queries = [];
  for (let index = 0; index < count; index++) {
    const { given_name: given, family_name: family } = pick(next, rows).values;
    const plain = (text) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const form = index % 5;
    if (form === 0) queries.push(`${given} ${family}`);
    else if (form === 1) queries.push(`${plain(given).slice(0, 3)} ${plain(family).slice(0, 3)}`);
    else if (form === 2) queries.push(plain(family));
    else if (form === 3) queries.push(plain(given));
    else queries.push(`${plain(family).slice(0, 4)}`);
  }
  return queries;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n) => Math.round(n * 100) / 100;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)),
  };
}

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

/**
 * What autovacuum does within a minute or so of a bulk import: statistics for the planner,
 * and the visibility map that lets the word index answer without reading the table. Without
 * it, the first searches after an import read the table for every row.
 */
async function vacuum(url) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

async function postgresTarget() {
  if (process.env.BENCH_DATABASE_URL) {
    return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  }
  // The tests' throwaway server (Node 24 loads the TypeScript directly), with fsync on, so the
  // import is timed as a real server would do it.
  const cluster = require('../test/pg/cluster.ts');
  const bin = await cluster.findPgBinaries();
  if (!bin) throw new Error(cluster.MISSING_BINARIES);
  const server = await cluster.startCluster(bin, { durable: true });
  process.env[cluster.PG_URL_VARIABLE] = server.url;
  const url = await cluster.freshDatabase();
  return { url, stop: () => cluster.stopCluster(server.dir, server.bin) };
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

  const postgres = await postgresTarget();
  try {
    const location = {
      engine: 'postgres',
      url: postgres.url,
      shown: withoutPassword(postgres.url),
    };
    results.push(await measure(location, rows, queries, () => vacuum(postgres.url)));
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
