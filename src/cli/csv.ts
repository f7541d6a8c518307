import { pipeline, type Readable, Transform } from 'node:stream';
import { type Info, parse } from 'csv-parse';

/**
 * Reading CSV for the import: records with the line each starts on, errors that name the
 * line without quoting anyone's data, and no record lost when the file breaks part way.
 */

/** A row longer than this is a runaway quote, not a contact: stop instead of buffering it. */
export const MAX_RECORD_BYTES = 64 * 1024;

export interface ParsedRecord {
  record: string[];
  line: number;
}

/** The CSV records with the line each starts on (a quoted field may span lines). */
export async function* readRecords(source: Readable): AsyncGenerator<ParsedRecord> {
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
export class CsvSyntaxError extends Error {
  constructor(
    readonly code: string,
    readonly line: number,
  ) {
    super(`line ${line}: not valid CSV: ${CSV_PROBLEMS[code] ?? code}`);
  }
}
