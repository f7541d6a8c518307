import { createReadStream } from 'node:fs';
import { pipeline, type Readable, Transform } from 'node:stream';
import { type Info, parse } from 'csv-parse';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Book, ImportCounts, ImportRow } from '../book/book';
import {
  CONTACT_FIELDS,
  CONTACT_ID_RULE,
  type ContactField,
  type ContactValues,
  isValidContactId,
} from '../domain/contact';
import { normaliseField } from '../domain/form';
import { isPhoneCountry } from '../domain/phone';
import {
  bookLocation,
  type CliIo,
  describeLocation,
  EXIT,
  type OpenBook,
  openBookOrSay,
  runAsProcess,
  writeLine,
} from './common';

export const IMPORT_HELP = `Usage: npm run import -- <file.csv | ->

Loads contacts into the contact book from a CSV file ("-" reads standard input).
The first row names the columns: id and email are required; given_name, family_name,
name, phone and job_title are optional. Other columns are ignored.

Each row is checked as the contact form checks it (phones become E.164, using
DEFAULT_PHONE_COUNTRY, default US, for numbers without a country code). A bad row is
listed with its line number and skipped; so is a second row for the same id.

A contact the book lacks is added; one imported earlier is updated if it differs; one
the book learned from Stuut is never overwritten. Running the same file again changes
nothing. Stuut itself is never called.

The book is the one the bot uses: DATABASE_URL when set, else CONTACT_BOOK_PATH
(default data/contact-book.sqlite).

Exit status: 0 every row was taken; 1 some rows were refused (the others were
imported); 2 nothing could be done (bad arguments, unreadable file, missing column,
invalid CSV, book unavailable).`;

/** Rows per call to the book: one transaction each. */
const BATCH_SIZE = 1000;
/** A row longer than this is a runaway quote, not a contact: stop instead of buffering it. */
const MAX_RECORD_BYTES = 64 * 1024;

const REQUIRED_COLUMNS = ['id', 'email'] as const;
const KNOWN_COLUMNS: readonly string[] = ['id', ...CONTACT_FIELDS];

/** Where each known column sits in a row. */
export type ColumnIndex = { id: number; email: number } & Partial<Record<ContactField, number>>;

export type HeaderResult =
  | { ok: true; columns: ColumnIndex; ignored: string[] }
  | { ok: false; problem: string };

/** Reads the header row: names trimmed and matched without regard to case. */
export function readHeader(header: readonly string[]): HeaderResult {
  const names = header.map((name) => name.trim().toLowerCase());
  const positions: Partial<Record<string, number>> = {};
  const ignored: string[] = [];
  for (const [index, name] of names.entries()) {
    if (!KNOWN_COLUMNS.includes(name)) {
      ignored.push(header[index]!.trim());
      continue;
    }
    if (positions[name] !== undefined) {
      return { ok: false, problem: `The header names the column "${name}" twice.` };
    }
    positions[name] = index;
  }
  const missing = REQUIRED_COLUMNS.filter((name) => positions[name] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      problem: `The header has no ${missing.map((name) => `"${name}"`).join(' or ')} column; the first row must name the columns (id and email are required).`,
    };
  }
  return { ok: true, columns: positions as ColumnIndex, ignored };
}

export type RowResult = { ok: true; row: ImportRow } | { ok: false; reason: string };

/** Checks one record as the form would; the reason names fields, never repeats their values. */
export function readRow(
  record: readonly string[],
  columns: ColumnIndex,
  fieldCount: number,
  defaultCountry: CountryCode,
): RowResult {
  if (record.length !== fieldCount) {
    return {
      ok: false,
      reason: `has ${record.length} fields where the header has ${fieldCount}`,
    };
  }
  const problems: string[] = [];
  const id = (record[columns.id] ?? '').trim();
  if (id === '') problems.push('id: missing');
  else if (!isValidContactId(id)) problems.push(`id: ${CONTACT_ID_RULE}`);

  const values: ContactValues = {
    email: '',
    given_name: null,
    family_name: null,
    name: null,
    phone: null,
    job_title: null,
  };
  for (const field of CONTACT_FIELDS) {
    const index = columns[field];
    const raw = index === undefined ? '' : (record[index] ?? '').trim();
    if (raw === '') {
      if (field === 'email') problems.push('email: missing (every contact needs one)');
      continue;
    }
    const result = normaliseField(field, raw, defaultCountry);
    if (result.ok) values[field] = result.value;
    else problems.push(`${field}: ${result.reason}`);
  }
  return problems.length > 0
    ? { ok: false, reason: problems.join('; ') }
    : { ok: true, row: { id, values } };
}

export interface ImportOptions {
  openBook?: OpenBook;
  now?: () => Date;
}

interface Tally extends ImportCounts {
  refused: number;
}

export async function runImport(
  args: readonly string[],
  io: CliIo,
  options: ImportOptions = {},
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    writeLine(io.stdout, IMPORT_HELP);
    return EXIT.ok;
  }
  if (args.length !== 1) {
    writeLine(io.stderr, 'Give one CSV file, or "-" for standard input. See --help.');
    return EXIT.failed;
  }
  const country = (io.env.DEFAULT_PHONE_COUNTRY?.trim() || 'US').toUpperCase();
  if (!isPhoneCountry(country)) {
    writeLine(
      io.stderr,
      'DEFAULT_PHONE_COUNTRY: must be a two-letter country code such as US or GB',
    );
    return EXIT.failed;
  }
  const location = bookLocation(io);
  if (!location) return EXIT.failed;

  const name = args[0] === '-' ? 'standard input' : args[0]!;
  const records = readRecords(args[0] === '-' ? io.stdin : createReadStream(args[0]!));
  try {
    const columns = await readColumns(records, name, io);
    if (!columns) return EXIT.failed;
    const book = await openBookOrSay(location, io, options.openBook);
    if (!book) return EXIT.failed;
    try {
      const at = (options.now ?? (() => new Date()))();
      const report = { io, name, location: describeLocation(location), at };
      return await importRecords(records, { book, ...columns, country }, report);
    } finally {
      await book.close();
    }
  } finally {
    await records.return(undefined); // closes the file when we stop early
  }
}

interface ParsedRecord {
  record: string[];
  line: number;
}

/** The CSV records with the line each starts on (a quoted field may span lines). */
async function* readRecords(source: Readable): AsyncGenerator<ParsedRecord> {
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true, // a short or long row is refused alone, not the whole file
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // pipeline, not pipe: an error reading the source (no such file) ends the parser too.
  const records = pipeline(source, lineFeedsOnly(), parser, () => {});
  let lastLine = 0;
  let lastEmpty = 0;
  // csv-parse reports the line a record ends on; it starts after the previous record and the
  // empty lines skipped since.
  const startLine = (emptyLines: number) => lastLine + 1 + (emptyLines - lastEmpty);
  try {
    for await (const { record, info } of everyRecord<{ record: string[]; info: Info }>(records)) {
      const line = startLine(info.empty_lines);
      lastLine = info.lines;
      lastEmpty = info.empty_lines;
      yield { record, line };
    }
  } catch (error) {
    const { code, empty_lines } = error as { code?: unknown; empty_lines?: unknown };
    if (typeof code !== 'string' || !code.startsWith('CSV_')) throw error;
    // csv-parse's message may quote the broken field, which is a contact's data: keep the code.
    throw new CsvSyntaxError(
      code,
      startLine(typeof empty_lines === 'number' ? empty_lines : lastEmpty),
    );
  }
}

/**
 * CRLF line ends as LF. csv-parse counts a CRLF inside a quoted field as two lines, which
 * would put every later row's line number off; and it picks the record delimiter from the
 * first line, so a file mixing both would not split. A field's own line break becomes LF,
 * which the form refuses anyway. Bytewise is safe: UTF-8 never uses CR or LF inside a
 * character.
 */
function lineFeedsOnly(): Transform {
  let heldCarriageReturn = false;
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      let text = (heldCarriageReturn ? '\r' : '') + Buffer.from(chunk).toString('latin1');
      // A CR ending this chunk may start a CRLF that the next chunk completes.
      heldCarriageReturn = text.endsWith('\r');
      if (heldCarriageReturn) text = text.slice(0, -1);
      done(null, Buffer.from(text.replaceAll('\r\n', '\n'), 'latin1'));
    },
    flush(done) {
      done(null, heldCarriageReturn ? Buffer.from('\r') : undefined);
    },
  });
}

/**
 * The stream's objects, in order, then its error if it failed. Node's own async iterator
 * drops what the stream had buffered once it errors: records parsed before a broken row
 * would vanish without being imported or reported. Reading on after the error delivers them.
 */
async function* everyRecord<T>(stream: Readable): AsyncGenerator<T> {
  let failure: { error: unknown } | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = () => wake?.();
  stream.on('readable', signal);
  stream.on('end', () => {
    ended = true;
    signal();
  });
  stream.on('error', (error) => {
    failure ??= { error };
    signal();
  });
  try {
    for (;;) {
      const item: T | null = stream.read();
      if (item !== null) {
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      // Stream events come on later ticks, never between this check and the wait.
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stream.destroy();
  }
}

const CSV_PROBLEMS: Readonly<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  CSV_INVALID_CLOSING_QUOTE:
    'a closing quote is followed by something other than a comma or the end of the line',
  CSV_INVALID_OPENING_QUOTE: 'a quote appears inside a field that does not start with one',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    'a closing quote is followed by something other than a comma or the end of the line',
  CSV_MAX_RECORD_SIZE: `a row is longer than ${MAX_RECORD_BYTES / 1024} KiB (an unclosed quote?)`,
};

/** The CSV cannot be read from `line` on (the line its broken row starts on). */
class CsvSyntaxError extends Error {
  constructor(
    readonly code: string,
    readonly line: number,
  ) {
    super(`line ${line}: not valid CSV: ${CSV_PROBLEMS[code] ?? code}`);
  }
}

interface Columns {
  columns: ColumnIndex;
  /** How many fields the header has, so every row must have. */
  fieldCount: number;
}

/** Reads and checks the header row; null after saying what is wrong with it. */
async function readColumns(
  records: AsyncGenerator<ParsedRecord>,
  name: string,
  io: CliIo,
): Promise<Columns | null> {
  let first: IteratorResult<ParsedRecord>;
  try {
    first = await records.next();
  } catch (error) {
    writeLine(io.stderr, `Cannot read ${name}: ${readProblem(error)}`);
    return null;
  }
  if (first.done) {
    writeLine(io.stderr, `${name} is empty: the first row must name the columns (id, email, …).`);
    return null;
  }
  const header = readHeader(first.value.record);
  if (!header.ok) {
    writeLine(io.stderr, header.problem);
    return null;
  }
  if (header.ignored.length > 0) {
    const ignored = header.ignored.map((column) => `"${column}"`).join(', ');
    writeLine(
      io.stderr,
      `Ignoring the columns ${ignored}: the book keeps only the contact fields.`,
    );
  }
  return { columns: header.columns, fieldCount: first.value.record.length };
}

interface Target extends Columns {
  book: Book;
  country: CountryCode;
}

interface Report {
  io: CliIo;
  name: string;
  location: string;
  at: Date;
}

async function importRecords(
  records: AsyncGenerator<ParsedRecord>,
  target: Target,
  report: Report,
): Promise<number> {
  const { io } = report;
  const tally: Tally = { added: 0, updated: 0, unchanged: 0, keptStuutValues: 0, refused: 0 };
  const firstLineOf = new Map<string, number>();
  let batch: ImportRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const counts = await target.book.importRows(batch, report.at);
    batch = [];
    tally.added += counts.added;
    tally.updated += counts.updated;
    tally.unchanged += counts.unchanged;
    tally.keptStuutValues += counts.keptStuutValues;
  };
  const refuse = (line: number, reason: string) => {
    tally.refused++;
    writeLine(io.stderr, `line ${line}: ${reason}`);
  };

  try {
    for await (const { record, line } of records) {
      const result = readRow(record, target.columns, target.fieldCount, target.country);
      const id = result.ok ? result.row.id : (record[target.columns.id] ?? '').trim();
      const first = firstLineOf.get(id);
      if (first !== undefined) {
        refuse(line, `id: the same id is on line ${first}; each contact may appear once`);
        continue;
      }
      if (id !== '') firstLineOf.set(id, line);
      if (!result.ok) {
        refuse(line, result.reason);
        continue;
      }
      batch.push(result.row);
      if (batch.length >= BATCH_SIZE) await flush();
    }
  } catch (error) {
    // The file is broken from here on; what came before it is sound, so keep it.
    await flush();
    writeLine(io.stderr, `Stopped reading ${report.name}: ${readProblem(error)}`);
    printCounts(io, report, tally, 'The rows before that line were imported.');
    return EXIT.failed;
  }
  await flush();
  printCounts(io, report, tally);
  return tally.refused > 0 ? EXIT.partly : EXIT.ok;
}

function printCounts(io: CliIo, report: Report, tally: Tally, note?: string): void {
  const taken = tally.added + tally.updated + tally.unchanged + tally.keptStuutValues;
  writeLine(
    io.stdout,
    `Read ${taken + tally.refused} rows of ${report.name} into the contact book (${report.location}):`,
  );
  writeLine(io.stdout, `  added      ${tally.added}`);
  writeLine(io.stdout, `  updated    ${tally.updated}`);
  writeLine(io.stdout, `  unchanged  ${tally.unchanged}`);
  writeLine(
    io.stdout,
    `  kept       ${tally.keptStuutValues}  (the book has Stuut's own values for these)`,
  );
  writeLine(
    io.stdout,
    `  refused    ${tally.refused}${tally.refused > 0 ? '  (listed above, with their line numbers)' : ''}`,
  );
  if (note) writeLine(io.stdout, note);
}

const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a folder',
};

/** Why the input could not be read, in words. */
function readProblem(error: unknown): string {
  if (error instanceof CsvSyntaxError) return error.message;
  const { code } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown };
  if (typeof code === 'string') return `${FILE_PROBLEMS[code] ?? 'cannot read it'} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) runAsProcess(runImport);
