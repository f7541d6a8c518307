import type { DatabaseSync } from 'node:sqlite';
import { type Kysely, Migrator } from 'kysely';
import type { Pool } from 'pg';
import pino from 'pino';
import type { BookLocation } from '../config';
import type { Logger } from '../logger';
import { type Book, BookUnavailableError } from './book';
import { KyselyBook } from './kyselyBook';
import { bookMigrations } from './migrations';
import { migrationPool, postgresKysely, postgresPool } from './postgres';
import type { BookDatabase, Engine } from './schema';
import { openSqliteFile, sqliteKysely } from './sqlite';

export interface OpenBookOptions {
  logger?: Logger;
  /**
   * The book's own clock. Unused so far (learn and importRows take their time from the
   * caller); history and undo claims will stamp with it.
   */
  now?: () => Date;
}

/**
 * Opens the book and brings its schema up to date. Anything that stops it (a path that cannot
 * be written, a server that cannot be reached, refused credentials, a failed migration) is a
 * BookUnavailableError whose message is one line naming the variable, without the password.
 */
export async function openBook(
  location: BookLocation,
  options: OpenBookOptions = {},
): Promise<Book> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const book =
    location.engine === 'sqlite'
      ? await openSqliteBook(location.path)
      : await openPostgresBook(location.url, location.shown, logger);
  logger.info(
    {
      engine: book.engine,
      location: location.engine === 'sqlite' ? location.path : location.shown,
    },
    'contact book open',
  );
  return book;
}

async function openSqliteBook(path: string): Promise<Book> {
  const unavailable = (error: unknown) =>
    new BookUnavailableError(
      `CONTACT_BOOK_PATH: cannot open the contact book at ${path}: ${reasonOf(error)}`,
    );
  let database: DatabaseSync;
  try {
    database = openSqliteFile(path);
  } catch (error) {
    throw unavailable(error);
  }
  const db = sqliteKysely(database);
  try {
    await migrate(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw unavailable(error);
  }
  return new KyselyBook(db, 'sqlite');
}

async function openPostgresBook(url: string, shown: string, logger: Logger): Promise<Book> {
  const password = passwordOf(url);
  const unavailable = (error: unknown) =>
    new BookUnavailableError(
      `DATABASE_URL: cannot open the contact book at ${shown}: ${reasonOf(error, password)}`,
    );
  // Migrating first also proves the server can be reached with these credentials.
  const migrations = postgresKysely(withErrorLog(migrationPool(url), logger));
  try {
    await migrate(migrations, 'postgres');
  } catch (error) {
    throw unavailable(error);
  } finally {
    await migrations.destroy();
  }
  const db = postgresKysely(withErrorLog(postgresPool(url), logger));
  return new KyselyBook(db, 'postgres');
}

/**
 * Applies pending migrations. On PostgreSQL, Kysely's adapter holds a session advisory lock
 * (pg_advisory_lock) around the check-and-apply, so of two instances starting at once on an
 * empty database one migrates and the other then finds nothing to do; its bookkeeping tables
 * are created before the lock, with a re-check that tolerates the other instance's creation.
 */
async function migrate(db: Kysely<BookDatabase>, engine: Engine): Promise<void> {
  const migrator = new Migrator({ db, provider: bookMigrations(engine) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/**
 * An idle connection that breaks (server restart, network) is reported on the pool; without a
 * listener Node would end the process. The next query simply takes a new connection.
 */
function withErrorLog(pool: Pool, logger: Logger): Pool {
  pool.on('error', (error) => {
    logger.error({ err: error }, 'contact book: an idle PostgreSQL connection failed');
  });
  return pool;
}

const PLAIN_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'part of the path is a file, not a folder',
  // Only creating the book's folder raises it: a file stands where a folder should be.
  EEXIST: 'part of the path is a file, not a folder',
  EISDIR: 'the path is a folder, not a file',
  ENOSPC: 'no space left on the device',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
};

/** Why opening failed, in one line: a plain phrase and the code, never the password. */
export function reasonOf(error: unknown, password = ''): string {
  let reason = describe(error);
  for (const secret of [password, safeDecode(password)]) {
    if (secret.length > 0) reason = reason.split(secret).join('***');
  }
  const line = reason.split(/\r?\n/)[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  errors?: unknown;
}

function describe(error: unknown): string {
  // Duck-typed: errors from another realm (node:sqlite under jest, say) fail `instanceof Error`.
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, code, errors } = error as ErrorLike;
  const plain = typeof code === 'string' ? PLAIN_REASONS[code] : undefined;
  if (plain) return `${plain} (${code})`;
  // Connecting to a host name with several addresses fails with one error per address.
  if (Array.isArray(errors) && errors.length > 0 && !message) return describe(errors[0]);
  if (typeof message !== 'string' || message === '') return String(error);
  // PostgreSQL's SQLSTATE, e.g. 28P01 for a refused password, helps when searching for help.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? `${message} (${code})` : message;
}

function passwordOf(url: string): string {
  try {
    return new URL(url).password;
  } catch {
    return '';
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
