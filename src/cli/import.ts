import { createReadStream } from 'node:fs';
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
import { CsvSyntaxError, type ParsedRecord, readRecords } from './csv';

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
