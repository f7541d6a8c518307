import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Book, BookUnavailableError, type ImportRow } from '../../src/book/book';
import { openBook } from '../../src/book/open';
import { CANDIDATE_ROWS, prefixUpperBound } from '../../src/book/wordIndex';
import { type BookLocation, withoutPassword } from '../../src/config';
import type { ContactValues, InternalContact } from '../../src/domain/contact';
import { clusterCaFile, clusterUrl, freshDatabase } from '../pg/cluster';
import { booksOn, ENGINES, withClient } from './engines';

const SEEN = new Date('2025-03-14T09:26:53.589Z');
const LATER = new Date('2025-03-15T10:00:00.000Z');

function values(overrides: Partial<ContactValues> = {}): ContactValues {
  return {
    email: 'someone@example.com',
    given_name: null,
    family_name: null,
    name: null,
    phone: null,
    job_title: null,
    ...overrides,
  };
}

function stuut(id: string, overrides: Partial<ContactValues> = {}): InternalContact {
  return {
    id,
    object: 'internal_contact',
    created_at: '2024-01-02T03:04:05Z',
    modified_at: '2025-03-14T09:26:50Z',
    ...values(overrides),
  };
}

const PRIYA = stuut('ic_priya', {
  email: 'Priya.Raman@Example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  phone: '+14155550100',
  job_title: 'Customer Success Manager',
});
const SIOBHAN = stuut('ic_siobhan', {
  email: 'siobhan@example.com',
  given_name: 'Siobhán',
  family_name: 'Ó Briain',
});
const RAM = stuut('ic_ram', { email: 'ram@example.org', given_name: 'Ram', family_name: 'Kumar' });

describe.each(ENGINES)('the book on %s', (name, makeEngine) => {
  const engine = makeEngine();
  const { current, open, closedByTest } = booksOn(engine);
  let book: Book;
  beforeEach(() => {
    book = current();
  });

  describe('learn', () => {
    it('stores a new contact at version 1, with no previous entry', async () => {
      const result = await book.learn(PRIYA, SEEN);
      expect(result.previous).toBeNull();
      expect(result.current).toEqual({
        id: 'ic_priya',
        values: {
          email: 'Priya.Raman@Example.com',
          given_name: 'Priya',
          family_name: 'Raman',
          name: null,
          phone: '+14155550100',
          job_title: 'Customer Success Manager',
        },
        knownFrom: 'stuut',
        modifiedAt: '2025-03-14T09:26:50Z',
        seenAt: SEEN,
        version: 1,
      });
      expect(await book.get('ic_priya')).toEqual(result.current);
    });

    it('keeps the version when the values are the same, and records when it saw them', async () => {
      await book.learn(PRIYA, SEEN);
      const again = await book.learn({ ...PRIYA, modified_at: '2025-03-15T00:00:00Z' }, LATER);
      expect(again.previous?.seenAt).toEqual(SEEN);
      expect(again.current.version).toBe(1);
      expect(again.current.seenAt).toEqual(LATER);
      expect(again.current.modifiedAt).toBe('2025-03-15T00:00:00Z');
    });

    it('returns the previous values and goes up one version when values change', async () => {
      await book.learn(PRIYA, SEEN);
      const changed = await book.learn({ ...PRIYA, phone: '+442079460958' }, LATER);
      expect(changed.previous?.values.phone).toBe('+14155550100');
      expect(changed.previous?.version).toBe(1);
      expect(changed.current.values.phone).toBe('+442079460958');
      expect(changed.current.version).toBe(2);
    });

    it('takes over an imported contact as known from Stuut', async () => {
      await book.importRows(
        [{ id: 'ic_priya', values: values({ email: 'old@example.com' }) }],
        SEEN,
      );
      const learned = await book.learn(PRIYA, LATER);
      expect(learned.previous?.knownFrom).toBe('import');
      expect(learned.current.knownFrom).toBe('stuut');
      expect(learned.current.version).toBe(2);
      expect((await book.search('old', 10)).total).toBe(0);
      expect((await book.search('priya', 10)).total).toBe(1);
    });

    it('answers null for a contact it does not know', async () => {
      expect(await book.get('ic_nobody')).toBeNull();
    });
  });

  describe('findByEmail', () => {
    it('finds exactly, ignoring case and surrounding spaces', async () => {
      await book.learn(PRIYA, SEEN);
      expect((await book.findByEmail(' priya.raman@EXAMPLE.com '))?.id).toBe('ic_priya');
      expect(await book.findByEmail('priya.raman@example.co')).toBeNull();
      expect(await book.findByEmail('priya')).toBeNull();
    });

    it('prefers the latest seen when a stale row has the same address', async () => {
      await book.learn(stuut('ic_old', { email: 'shared@example.com' }), SEEN);
      await book.learn(stuut('ic_new', { email: 'Shared@example.com' }), LATER);
      expect((await book.findByEmail('shared@example.com'))?.id).toBe('ic_new');
    });
  });

  describe('search', () => {
    beforeEach(async () => {
      for (const contact of [PRIYA, SIOBHAN, RAM]) await book.learn(contact, SEEN);
    });

    const ids = async (query: string, limit = 10) =>
      (await book.search(query, limit)).matches.map((entry) => entry.id);

    it('is case- and accent-insensitive', async () => {
      expect(await ids('siobhan')).toEqual(['ic_siobhan']);
      expect(await ids('SIOBHÁN')).toEqual(['ic_siobhan']);
      expect(await ids('o briain')).toEqual(['ic_siobhan']);
    });

    it('matches word prefixes, every query word required', async () => {
      expect(await ids('pri ram')).toEqual(['ic_priya']);
      expect(await ids('ram pri')).toEqual(['ic_priya']);
      expect(await ids('pri kum')).toEqual([]);
      expect(await ids('iya')).toEqual([]);
    });

    it('ranks exact word matches above prefix matches', async () => {
      expect(await ids('ram')).toEqual(['ic_ram', 'ic_priya']);
    });

    it('breaks ties by name', async () => {
      await book.learn(
        stuut('ic_2', { email: 'b@x.io', given_name: 'Ann', family_name: 'Zed' }),
        SEEN,
      );
      await book.learn(
        stuut('ic_1', { email: 'a@x.io', given_name: 'Ann', family_name: 'Abel' }),
        SEEN,
      );
      expect(await ids('ann')).toEqual(['ic_1', 'ic_2']);
    });

    it('shows the first names in order among many equal matches, not the first stored', async () => {
      const names = Array.from(
        { length: 60 },
        (_, index) => `Given${String(59 - index).padStart(2, '0')}`,
      );
      await book.importRows(
        names.map((given, index) => ({
          id: `ic_tie_${index}`,
          values: values({ email: `t${index}@tie.example`, given_name: given, family_name: 'Tie' }),
        })),
        SEEN,
      );
      const result = await book.search('tie', 3);
      expect(result.total).toBe(60);
      expect(result.matches.map((entry) => entry.values.given_name)).toEqual([
        'Given00',
        'Given01',
        'Given02',
      ]);
    });

    it('finds by email: the whole address, its local part, its domain', async () => {
      expect(await ids('priya.raman@example.com')).toEqual(['ic_priya']);
      expect(await ids('example.org')).toEqual(['ic_ram']);
      expect((await book.search('example', 10)).total).toBe(3);
    });

    it('counts every match and returns at most the limit', async () => {
      const result = await book.search('example', 2);
      expect(result.total).toBe(3);
      expect(result.matches).toHaveLength(2);
    });

    it('finds nothing for an empty or unknown query', async () => {
      expect(await book.search('   ', 10)).toEqual({ matches: [], total: 0 });
      expect(await book.search('zzz', 10)).toEqual({ matches: [], total: 0 });
    });

    it('finds words with characters beyond U+FFFF by prefix', async () => {
      await book.learn(stuut('ic_yoshida', { email: 'y@example.jp', name: '𠮷田 花子' }), SEEN);
      expect(await ids('𠮷')).toEqual(['ic_yoshida']);
    });

    it('stores and finds contacts with the longest names the form allows', async () => {
      const long = (character: string) => character.repeat(255);
      await book.learn(
        stuut('ic_long', {
          email: `${'x'.repeat(242)}@example.com`,
          given_name: long('𠮷'),
          family_name: long('é'),
          name: `${long('a').slice(0, 127)} ${long('b').slice(0, 127)}`,
        }),
        SEEN,
      );
      expect(await ids('𠮷𠮷 eee')).toEqual(['ic_long']);
      expect(await ids(`bbb ${'x'.repeat(242)}@example.com`)).toEqual(['ic_long']);
    });

    it('follows changed names and forgotten contacts', async () => {
      await book.learn({ ...PRIYA, family_name: 'Iyer', email: 'priya.iyer@example.com' }, LATER);
      expect(await ids('raman')).toEqual([]);
      expect(await ids('priya iyer')).toEqual(['ic_priya']);
      await book.forget('ic_priya');
      expect(await ids('priya')).toEqual([]);
    });

    it('with more matches than it ranks, still counts all and puts exact matches first', async () => {
      const many: ImportRow[] = Array.from({ length: CANDIDATE_ROWS + 150 }, (_, index) => ({
        id: `ic_anna_${index}`,
        values: values({
          email: `anna${index}@example.net`,
          given_name: 'Anna',
          family_name: `Nr${index}`,
        }),
      }));
      many.push({
        id: 'ic_an',
        values: values({ email: 'li@example.net', given_name: 'An', family_name: 'Li' }),
      });
      await book.importRows(many, SEEN);
      const result = await book.search('an', 5);
      expect(result.total).toBe(many.length);
      expect(result.matches).toHaveLength(5);
      expect(result.matches[0]?.id).toBe('ic_an');
      // For the picker: the same best matches, without counting them all.
      const quick = await book.search('an', 5, { countAll: false });
      expect(quick.matches).toEqual(result.matches);
      expect(quick.total).toBeLessThan(many.length);
      expect(quick.total).toBeGreaterThanOrEqual(5);
    });
  });

  describe('recent', () => {
    it('lists the latest seen or imported first, up to the limit', async () => {
      await book.learn(PRIYA, SEEN);
      await book.importRows(
        [{ id: 'ic_imported', values: values({ email: 'i@example.com' }) }],
        LATER,
      );
      await book.learn(RAM, new Date('2025-03-14T12:00:00Z'));
      expect((await book.recent(10)).map((entry) => entry.id)).toEqual([
        'ic_imported',
        'ic_ram',
        'ic_priya',
      ]);
      expect((await book.recent(2)).map((entry) => entry.id)).toEqual(['ic_imported', 'ic_ram']);
    });
  });

  describe('importRows', () => {
    const row = (id: string, overrides: Partial<ContactValues> = {}): ImportRow => ({
      id,
      values: values({ email: `${id}@example.com`, ...overrides }),
    });

    it('adds, updates earlier imports, leaves equal ones, and never overwrites Stuut', async () => {
      await book.learn(PRIYA, SEEN);
      expect(
        await book.importRows([row('ic_a', { given_name: 'Ada' }), row('ic_b')], SEEN),
      ).toEqual({ added: 2, updated: 0, unchanged: 0, keptStuutValues: 0 });

      const second = await book.importRows(
        [row('ic_a', { given_name: 'Adaline' }), row('ic_b'), row('ic_c'), row('ic_priya')],
        LATER,
      );
      expect(second).toEqual({ added: 1, updated: 1, unchanged: 1, keptStuutValues: 1 });

      const a = await book.get('ic_a');
      expect(a).toMatchObject({ knownFrom: 'import', modifiedAt: null, version: 2, seenAt: LATER });
      expect(a?.values.given_name).toBe('Adaline');
      expect((await book.get('ic_b'))?.seenAt).toEqual(SEEN);
      const priya = await book.get('ic_priya');
      expect(priya?.values).toEqual(await book.learn(PRIYA, SEEN).then((r) => r.previous?.values));
      expect(priya?.knownFrom).toBe('stuut');
      expect(await book.search('adaline', 10)).toMatchObject({ total: 1 });
      expect(await book.search('ada', 10).then((r) => r.matches[0]?.id)).toBe('ic_a');

      await book.importRows([row('ic_a', { given_name: 'Bea' })], LATER);
      expect((await book.search('ada', 10)).total).toBe(0);
      expect((await book.search('bea', 10)).matches.map((entry) => entry.id)).toEqual(['ic_a']);
    });

    it('is idempotent, across batches', async () => {
      const rows = Array.from({ length: 2500 }, (_, index) =>
        row(`ic_${index}`, { given_name: `Given${index}`, family_name: 'Bulk' }),
      );
      expect(await book.importRows(rows, SEEN)).toEqual({
        added: 2500,
        updated: 0,
        unchanged: 0,
        keptStuutValues: 0,
      });
      expect(await book.importRows(rows, LATER)).toEqual({
        added: 0,
        updated: 0,
        unchanged: 2500,
        keptStuutValues: 0,
      });
      expect((await book.search('bulk', 10)).total).toBe(2500);
      expect((await book.search('given1234', 10)).matches.map((entry) => entry.id)).toEqual([
        'ic_1234',
      ]);
    });

    it('refuses one id twice in one call', async () => {
      await expect(book.importRows([row('ic_a'), row('ic_a')], SEEN)).rejects.toThrow(/twice/);
    });
  });

  describe('forget', () => {
    it('removes the contact and says whether it knew it', async () => {
      await book.learn(PRIYA, SEEN);
      expect(await book.forget('ic_priya')).toBe(true);
      expect(await book.get('ic_priya')).toBeNull();
      expect(await book.findByEmail('priya.raman@example.com')).toBeNull();
      expect(await book.forget('ic_priya')).toBe(false);
    });
  });

  it('answers ping while open', async () => {
    await expect(book.ping()).resolves.toBeUndefined();
  });

  it('keeps its contents when closed and opened again', async () => {
    await book.learn(PRIYA, SEEN);
    await book.close();
    closedByTest(book);
    const reopened = await open();
    expect((await reopened.get('ic_priya'))?.values.given_name).toBe('Priya');
    expect((await reopened.search('priya', 10)).total).toBe(1);
  });

  it('shares what one instance learns with another at once', async () => {
    const other = await open();
    await book.learn(PRIYA, SEEN);
    expect((await other.search('pri ram', 10)).matches.map((entry) => entry.id)).toEqual([
      'ic_priya',
    ]);
    await other.learn({ ...PRIYA, job_title: 'Head of Success' }, LATER);
    expect((await book.get('ic_priya'))?.version).toBe(2);
  });

  it('keeps a consistent version chain when learns of one contact overlap', async () => {
    // Two instances on PostgreSQL. On SQLite one process holds one connection: a second one
    // in the same process would wait for the first synchronously, on the very thread the first
    // needs to finish (other processes, such as the import CLI, wait for real).
    const other = name === 'PostgreSQL' ? await open() : book;
    const learns = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? book : other).learn({ ...PRIYA, job_title: `Title ${index}` }, SEEN),
    );
    const results = await Promise.all(learns);
    const versions = results.map((result) => result.current.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    for (const result of results) {
      expect(result.current.version).toBe((result.previous?.version ?? 0) + 1);
    }
  });
});

describe('the SQLite book', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'book-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates its folder (0700) and a file only its owner can read (0600), WAL included', async () => {
    const path = join(dir, 'nested', 'data', 'book.sqlite');
    const book = await openBook({ engine: 'sqlite', path });
    try {
      await book.learn(PRIYA, SEEN);
      expect(statSync(join(dir, 'nested', 'data')).mode & 0o777).toBe(0o700);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
      expect(statSync(`${path}-shm`).mode & 0o777).toBe(0o600);
    } finally {
      await book.close();
    }
  });

  it('is unavailable, naming CONTACT_BOOK_PATH and the reason, where the path cannot be used', async () => {
    writeFileSync(join(dir, 'file'), 'not a folder');
    const path = join(dir, 'file', 'book.sqlite');
    const error = await openBook({ engine: 'sqlite', path }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BookUnavailableError);
    expect((error as Error).message).toBe(
      `CONTACT_BOOK_PATH: cannot open the contact book at ${path}: part of the path is a file, not a folder (EEXIST)`,
    );
  });

  it('is unavailable when the file is not a database', async () => {
    const path = join(dir, 'book.sqlite');
    writeFileSync(path, 'x'.repeat(4096));
    await expect(openBook({ engine: 'sqlite', path })).rejects.toThrow(
      new BookUnavailableError(
        `CONTACT_BOOK_PATH: cannot open the contact book at ${path}: file is not a database`,
      ),
    );
  });
});

describe('the PostgreSQL book', () => {
  const location = (url: string): BookLocation => ({
    engine: 'postgres',
    url,
    shown: withoutPassword(url),
  });

  async function openAndClose(url: string): Promise<void> {
    const book = await openBook(location(url));
    await book.ping();
    await book.close();
  }

  it('comes up on two (and more) instances opening an empty database at once', async () => {
    const url = await freshDatabase();
    const books = await Promise.all(Array.from({ length: 4 }, () => openBook(location(url))));
    try {
      await books[0]!.learn(PRIYA, SEEN);
      for (const book of books) expect((await book.get('ic_priya'))?.version).toBe(1);
      const applied = await withClient(url, (client) =>
        client.query('select name from kysely_migration order by name'),
      );
      expect(applied.rows).toEqual([
        { name: '0001_contacts_and_words' },
        { name: '0002_history_and_claims' },
        { name: '0003_assignments' },
        { name: '0004_member_links_and_drift' },
      ]);
    } finally {
      await Promise.all(books.map((book) => book.close()));
    }
  });

  it('compares search words bytewise, whatever the database collation', async () => {
    const url = await freshDatabase();
    await openAndClose(url);
    const collation = await withClient(url, (client) =>
      client.query(
        `select collation_name from information_schema.columns
         where table_name = 'contact_words' and column_name = 'word'`,
      ),
    );
    expect(collation.rows).toEqual([{ collation_name: 'C' }]);
  });

  describe('over TLS', () => {
    let url: string;
    beforeAll(async () => {
      url = await freshDatabase();
    });
    const withParameters = (parameters: string) => `${url}?${parameters}`;

    async function tlsConnections(): Promise<number> {
      const name = new URL(url).pathname.slice(1);
      const result = await withClient(clusterUrl(), (client) =>
        client.query(
          `select count(*)::int as n from pg_stat_ssl s join pg_stat_activity a using (pid)
           where a.datname = $1 and s.ssl and a.application_name = 'stuut-contact-bot'`,
          [name],
        ),
      );
      return result.rows[0].n;
    }

    it('connects with sslmode=no-verify (encrypted, certificate not checked)', async () => {
      const book = await openBook(location(withParameters('sslmode=no-verify')));
      try {
        await book.ping();
        expect(await tlsConnections()).toBeGreaterThan(0);
      } finally {
        await book.close();
      }
    });

    it('connects with sslmode=verify-full against the server certificate', async () => {
      const parameters = `sslmode=verify-full&sslrootcert=${encodeURIComponent(clusterCaFile())}`;
      const book = await openBook(location(withParameters(parameters)));
      try {
        await book.ping();
        expect(await tlsConnections()).toBeGreaterThan(0);
      } finally {
        await book.close();
      }
    });

    it('refuses a certificate it cannot verify with sslmode=verify-full', async () => {
      await expect(openAndClose(withParameters('sslmode=verify-full'))).rejects.toThrow(
        /^DATABASE_URL: cannot open the contact book at .*: self-signed certificate/,
      );
    });

    it('treats sslmode=require as verify-full, as pg 8 does (unlike libpq)', async () => {
      const error = await openAndClose(withParameters('sslmode=require')).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(BookUnavailableError);
      expect((error as Error).message).toMatch(/self-signed certificate/);
    });
  });

  it('is unavailable, naming DATABASE_URL and the reason, where nothing listens', async () => {
    const port = await closedPort();
    const url = `postgres://book:Sup3r-s3cret@127.0.0.1:${port}/book`;
    const error = await openBook(location(url)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BookUnavailableError);
    expect((error as Error).message).toBe(
      `DATABASE_URL: cannot open the contact book at postgres://book:***@127.0.0.1:${port}/book: connection refused (ECONNREFUSED)`,
    );
  });

  it('is unavailable when the password is refused, without showing it', async () => {
    const url = new URL(await freshDatabase());
    url.password = 'wrong-Pa55word';
    const error = await openBook(location(url.toString())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BookUnavailableError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^DATABASE_URL: cannot open the contact book at postgres:\/\/postgres:\*\*\*@.*: password authentication failed for user "postgres" \(28P01\)$/,
    );
    expect(message).not.toContain('wrong-Pa55word');
  });
});

describe('prefixUpperBound', () => {
  it('is the next string in code point order', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}')).toBeNull();
    expect(prefixUpperBound('a\ud7ff')).toBe('a\ue000');
    expect(prefixUpperBound('𠮷')).toBe('𠮸');
  });
});

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}
