import type { Readable, Writable } from 'node:stream';
import { type Book, BookUnavailableError } from '../book/book';
import { type OpenBookOptions, openBook } from '../book/open';
import { type BookLocation, ConfigError, loadBookLocation } from '../config';

/** What a command-line tool touches of the process, so tests run it in-process. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** Exit codes shared by the tools. */
export const EXIT = { ok: 0, partly: 1, failed: 2 } as const;

export type OpenBook = (location: BookLocation, options?: OpenBookOptions) => Promise<Book>;

export function writeLine(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}

/** The book's location from the environment, or null after saying what is wrong. */
export function bookLocation(io: CliIo): BookLocation | null {
  try {
    return loadBookLocation(io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) writeLine(io.stderr, problem);
    return null;
  }
}

/** For people: which book a tool worked on. Never shows a password. */
export function describeLocation(location: BookLocation): string {
  return location.engine === 'sqlite'
    ? `SQLite file ${location.path}`
    : `PostgreSQL ${location.shown}`;
}

/** Opens the book; null after printing why it cannot be opened (one line, no password). */
export async function openBookOrSay(
  location: BookLocation,
  io: CliIo,
  open: OpenBook = openBook,
): Promise<Book | null> {
  try {
    return await open(location);
  } catch (error) {
    if (!(error instanceof BookUnavailableError)) throw error;
    writeLine(io.stderr, error.message);
    return null;
  }
}

/** Runs a tool's main function as the process, with the process's own streams. */
export function runAsProcess(main: (args: readonly string[], io: CliIo) => Promise<number>): void {
  const io: CliIo = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // A bug, not a bad input: keep the stack for whoever reports it.
      writeLine(io.stderr, error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = EXIT.failed;
    },
  );
}
