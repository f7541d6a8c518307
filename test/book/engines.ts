import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Client } from 'pg';
import type { Book } from '../../src/book/book';
import { openBook } from '../../src/book/open';
import { migrationPool, postgresKysely } from '../../src/book/postgres';
import type { BookDatabase } from '../../src/book/schema';
import { openSqliteFile, sqliteKysely } from '../../src/book/sqlite';
import { type BookLocation, withoutPassword } from '../../src/config';
import { freshDatabase } from '../pg/cluster';

/** One engine under test: a fresh, empty book per test, and the location to reopen it. */
export interface EngineUnderTest {
  location(): BookLocation;
  reset(): Promise<void>;
  dispose(): void;
}

/** A SQLite file in a new temp folder per test, under a `data/` folder the book must create. */
export function sqliteEngine(): EngineUnderTest {
  let dir = '';
  const dispose = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return {
    location: () => ({ engine: 'sqlite', path: join(dir, 'data', 'book.sqlite') }),
    async reset() {
      dispose();
      dir = mkdtempSync(join(tmpdir(), 'book-test-'));
    },
    dispose,
  };
}

/** Every table of the book, emptied between tests. */
const BOOK_TABLES = [
  'contacts',
  'contact_words',
  'contact_changes',
  'contact_assignments',
  'member_links',
  'drift_proposals',
  'drift_quota',
  'drift_digests',
];

/** One database on the test cluster per file, emptied between tests (faster than a new one). */
export function postgresEngine(): EngineUnderTest {
  let url = '';
  return {
    location: () => ({ engine: 'postgres', url, shown: withoutPassword(url) }),
    async reset() {
      if (!url) {
        url = await freshDatabase();
        return;
      }
      await withClient(url, async (client) => {
        // Only the tables there are: a test may have left the database at an older migration.
        const { rows } = await client.query<{ name: string }>(
          `select tablename as name from pg_tables
           where schemaname = current_schema() and tablename = any($1)`,
          [BOOK_TABLES],
        );
        if (rows.length === 0) return; // no tables yet: nothing to empty
        await client.query(
          `truncate ${rows.map((row) => `"${row.name}"`).join(', ')} restart identity`,
        );
      });
    },
    dispose() {
      // The cluster, and every database on it, goes at the end of the run.
    },
  };
}

export async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export const ENGINES: [string, () => EngineUnderTest][] = [
  ['SQLite', sqliteEngine],
  ['PostgreSQL', postgresEngine],
];

/**
 * Books on the engine for each test of the suite that calls it: a fresh, empty database before
 * each test, the first book opened on it (`current()`), `open()` for more instances on the
 * same database, and every one closed after the test.
 */
export function booksOn(engine: EngineUnderTest): {
  current(): Book;
  open(): Promise<Book>;
  /** A book the test closed itself: not closed again. */
  closedByTest(book: Book): void;
} {
  const opened: Book[] = [];
  let first: Book | undefined;
  const open = async (): Promise<Book> => {
    const another = await openBook(engine.location());
    opened.push(another);
    return another;
  };
  beforeEach(async () => {
    await engine.reset();
    first = await open();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((each) => each.close()));
  });
  afterAll(() => engine.dispose());
  return {
    current() {
      if (!first) throw new Error('booksOn: no book outside a test');
      return first;
    },
    open,
    closedByTest(book) {
      opened.splice(opened.indexOf(book), 1);
    },
  };
}

/** For migration tests: a location whose database nothing has opened yet. */
export async function unopenedLocation(
  name: string,
  engine: EngineUnderTest,
): Promise<BookLocation> {
  if (name === 'SQLite') return engine.location();
  const url = await freshDatabase();
  return { engine: 'postgres', url, shown: withoutPassword(url) };
}

/** Kysely on a location without the book around it, to migrate it step by step. */
export function kyselyFor(location: BookLocation): Kysely<BookDatabase> {
  return location.engine === 'sqlite'
    ? sqliteKysely(openSqliteFile(location.path))
    : postgresKysely(migrationPool(location.url));
}
