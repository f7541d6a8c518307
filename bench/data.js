// The benchmarks' shared data and arithmetic: a deterministic book of contacts, the queries
// people type, and percentiles. Every run measures the same book.

/** What the picker receives as someone types: every prefix of a few names. */
const PICKER_TYPING = ['priya', 'siobhan', 'mar', 'joh raman', 'kowal']
  .flatMap((name) => Array.from({ length: name.length }, (_, index) => name.slice(0, index + 1)))
  .filter((prefix) => !prefix.endsWith(' '));

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

/** Ids, then every field, quoted where needed: the file `npm run import` reads. */
function contactsCsv(rows) {
  const columns = ['id', 'email', 'given_name', 'family_name', 'name', 'phone', 'job_title'];
  const quote = (value) => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [columns.join(',')];
  for (const row of rows) {
    lines.push(
      columns.map((column) => quote(column === 'id' ? row.id : row.values[column])).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

module.exports = {
  PICKER_TYPING,
  generateContacts,
  generateQueries,
  contactsCsv,
  percentile,
  stats,
  random,
};
