import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { BookDatabase } from './schema';

/**
 * Connections per process. The book's queries are short (most under a millisecond), so a few
 * connections serve many concurrent requests, and many instances fit a small plan's limit.
 */
const POOL_SIZE = 8;
/** An unreachable server fails the start (or one request) in seconds, not minutes. */
const CONNECT_TIMEOUT_MS = 5000;
/** Server side: a query stuck on a lock gives up; the book is a helper and must not hang. */
const STATEMENT_TIMEOUT_MS = 5000;
/** Client side: bounds a query even when the network, not the server, is what stalls. */
const QUERY_TIMEOUT_MS = 10_000;

/*
 * TLS comes from the URL alone: pg lets a connection string's parameters override options
 * passed beside it, so the book passes none. What pg 8.23 (pg-connection-string 2.14) does:
 * - no sslmode, or sslmode=disable: no TLS.
 * - sslmode=no-verify: TLS, certificate not checked. For Heroku Postgres and other hosts
 *   whose certificate the app cannot verify; it still encrypts.
 * - sslmode=verify-full: TLS with the certificate checked against the system CAs, or against
 *   the file named by sslrootcert=, and the host name checked. Use it wherever the CA is known.
 * - sslmode=require, prefer and verify-ca: NOT libpq's meaning. pg 8 treats them as
 *   verify-full (and prints a one-time "SECURITY WARNING"), so a URL with sslmode=require
 *   fails against a self-signed server ("self-signed certificate in certificate chain")
 *   where psql would connect. libpq's meaning needs uselibpqcompat=true; pg 9 will adopt it.
 */
function poolFor(url: string, settings: { max: number; timeouts: boolean }): Pool {
  return new Pool({
    connectionString: url,
    max: settings.max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'stuut-contact-bot',
    ...(settings.timeouts
      ? { statement_timeout: STATEMENT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS }
      : {}),
  });
}

/** The pool the book queries through. */
export function postgresPool(url: string): Pool {
  return poolFor(url, { max: POOL_SIZE, timeouts: true });
}

/**
 * One connection for migrations, without query timeouts: waiting for another instance's
 * migration lock, or building an index on a large table, may take longer than a query should.
 */
export function migrationPool(url: string): Pool {
  return poolFor(url, { max: 1, timeouts: false });
}

export function postgresKysely(pool: Pool): Kysely<BookDatabase> {
  return new Kysely<BookDatabase>({ dialect: new PostgresDialect({ pool }) });
}
