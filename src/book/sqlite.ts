import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import {
  type DialectAdapter,
  Kysely,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
} from 'kysely';
import { LRUCache } from 'lru-cache';
import type { BookDatabase } from './schema';

/** How long a write waits for another process (the import CLI, say) to finish its own. */
const BUSY_TIMEOUT_MS = 5000;
/** The most memory SQLite may keep of the file (pages are cached only once read). */
const PAGE_CACHE_KIB = 64 * 1024;
/** WAL pages (4 KiB each) written before SQLite copies them back into the file. */
const WAL_CHECKPOINT_PAGES = 10_000;
/** Kysely prepares every query it runs; the book runs a few dozen shapes, so keep them. */
const STATEMENT_CACHE_SIZE = 200;

/**
 * Opens (creating if need be) the book's SQLite file: its folder created private (0700), the
 * file itself 0600 since it holds people's contact details. SQLite gives the -wal and -shm
 * files the main file's permissions, so they are 0600 too.
 */
export function openSqliteFile(path: string): DatabaseSync {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Create the file ourselves: SQLite would create it with 0644 (less the umask).
  closeSync(openSync(path, 'a', 0o600));
  const database = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL lets readers go on while one write commits; NORMAL is durable across a process
    // crash (a power loss may drop the last commits, which Stuut still has).
    database.exec('pragma journal_mode = wal');
    database.exec('pragma synchronous = normal');
    // SQLite's default page cache is 2 MiB; searches read the word index at random, and
    // 100,000 contacts make a file of some 110 MiB. Each page missed costs a read system
    // call: with the default, one two-word search took 4 ms instead of 0.5 ms (measured).
    database.exec(`pragma cache_size = -${PAGE_CACHE_KIB}`);
    // A bulk import rewrites pages all over the word index in every batch. Copying the WAL
    // back into the file every 4 MiB (the default) copies the same pages again and again;
    // every 40 MiB made a 100,000-row import twice as fast (41 s → 18 s, measured).
    database.exec(`pragma wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

/** A Kysely instance over the file, migrations not yet run. */
export function sqliteKysely(database: DatabaseSync): Kysely<BookDatabase> {
  return new Kysely<BookDatabase>({
    dialect: new BookSqliteDialect({ database: new NodeSqliteDatabase(database) }),
  });
}

/**
 * Gives Kysely's SqliteDialect the better-sqlite3-shaped object it expects, over node:sqlite
 * (which needs no native addon). Two differences are bridged: node:sqlite spreads its
 * parameters and has no `reader` flag (a statement that returns columns is a reader).
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #database: DatabaseSync;
  readonly #statements = new LRUCache<string, SqliteStatement>({ max: STATEMENT_CACHE_SIZE });

  constructor(database: DatabaseSync) {
    this.#database = database;
  }

  prepare(query: string): SqliteStatement {
    const cached = this.#statements.get(query);
    if (cached) return cached;
    const statement = this.#statementFor(query);
    this.#statements.set(query, statement);
    return statement;
  }

  close(): void {
    this.#database.close();
  }

  #statementFor(query: string): SqliteStatement {
    // Kysely opens every transaction with a plain "begin", which takes the write lock only at
    // the first write and fails with SQLITE_BUSY (no waiting) if another process wrote in
    // between. Every transaction of the book writes, so take the lock up front.
    const prepared = this.#database.prepare(query === 'begin' ? 'begin immediate' : query);
    const database = this.#database;
    return {
      reader: prepared.columns().length > 0,
      all: (parameters) => prepared.all(...bind(parameters)),
      run: (parameters) => prepared.run(...bind(parameters)),
      // Kysely streams only on request (the book never does); a fresh statement keeps an open
      // iterator from being reset by a cached statement's next use.
      iterate: (parameters) => database.prepare(query).iterate(...bind(parameters)),
    } satisfies SqliteStatement & { reader: boolean };
  }
}

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'bigint' ||
      value instanceof Uint8Array
    ) {
      return value;
    }
    throw new TypeError(`The book cannot store a ${typeof value} in SQLite`);
  });
}

/**
 * SQLite does run DDL inside transactions, but Kysely's adapter says it does not, so its
 * Migrator would apply each migration outside one. Saying so lets a migration that fails half
 * way leave nothing behind, and (with "begin immediate") keeps two processes from migrating
 * the same file at once.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class BookSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
