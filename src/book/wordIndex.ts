import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { ContactValues } from '../domain/contact';
import {
  compareRanked,
  contactWords,
  type Ranked,
  rankWords,
  searchWords,
  sortName,
} from '../domain/search';
import { unnestRows } from './bulk';
import type { BookDatabase, Engine } from './schema';

/**
 * The search side of the book: the `contact_words` table (one row per search word of each
 * contact, carrying all of that contact's words and its sort name) and the queries over it.
 * A search walks the rows of its most selective word by index range, checks the other query
 * words against the same row's `words` (no second lookup per row), ranks what it read with
 * domain/search, and only then fetches the few contacts it returns.
 */

/**
 * Word rows a search reads and ranks, in index order, so exact matches of the driving word
 * come first. A query such as "a" matches most of the book: it still gets its exact total by
 * COUNT, but no more rows than this leave the database. When fewer come back, they are all
 * the matches, and no COUNT is needed.
 */
export const CANDIDATE_ROWS = 200;
/**
 * How far the choice of the driving query word counts word rows for each. Beyond this a word
 * is simply common; counting further would cost more than a poor choice between two such.
 */
const SELECTIVITY_LIMIT = 1000;
/** Word rows per INSERT: four parameters each, well under both engines' parameter limits. */
const WORDS_PER_INSERT = 2000;

type Db = Kysely<BookDatabase> | Transaction<BookDatabase>;

const WORD_COLUMNS = [
  ['word', 'text'],
  ['contact_id', 'text'],
  ['words', 'text'],
  ['sort_name', 'text'],
] as const;

export interface Candidates {
  /** Contact ids, best first, at most `limit`. */
  ids: string[];
  /** How many match in all; a COUNT still running when many match, so it overlaps the fetch. */
  total: Promise<number>;
}

/**
 * The best `limit` contacts matching `query`, and how many match in all (or, without
 * `countAll`, how many among the rows read).
 */
export async function findCandidates(
  db: Db,
  query: string,
  limit: number,
  countAll: boolean,
): Promise<Candidates> {
  const words = searchWords(query).map(indexWord);
  if (words.length === 0) return { ids: [], total: Promise.resolve(0) };
  const driver = words.length === 1 ? words[0]! : await mostSelective(db, words);
  const condition = matchCondition(
    driver,
    words.filter((word) => word !== driver),
  );
  const found = await sql<{ contact_id: string; words: string; sort_name: string }>`
    select w.contact_id, w.words, w.sort_name from contact_words w where ${condition}
    order by w.word, w.contact_id limit ${CANDIDATE_ROWS}
  `.execute(db);
  const ranked = new Map<string, Ranked<string>>();
  for (const row of found.rows) {
    if (ranked.has(row.contact_id)) continue;
    const score = rankWords(words, row.words.trim().split(' '));
    if (score === null) continue;
    ranked.set(row.contact_id, {
      item: row.contact_id,
      score,
      name: row.sort_name,
      id: row.contact_id,
    });
  }
  const ids = [...ranked.values()]
    .sort(compareRanked)
    .slice(0, Math.max(0, limit))
    .map((entry) => entry.item);
  const complete = found.rows.length < CANDIDATE_ROWS;
  const total = complete || !countAll ? Promise.resolve(ranked.size) : countMatches(db, condition);
  return { ids, total };
}

async function countMatches(db: Db, condition: RawBuilder<unknown>): Promise<number> {
  const result = await sql<{ total: number | string }>`
    select count(distinct w.contact_id) as total from contact_words w where ${condition}
  `.execute(db);
  return Number(result.rows[0]?.total ?? 0);
}

/**
 * The query word matching the fewest word rows, each count stopping at SELECTIVITY_LIMIT,
 * so a one-letter word costs little more to count than a rare one.
 */
async function mostSelective(db: Db, words: readonly string[]): Promise<string> {
  const counts = sql.join(
    words.map(
      (word, index) =>
        sql`(select count(*) from (select 1 from contact_words w where ${wordRange(word)} limit ${SELECTIVITY_LIMIT}) m) as ${sql.id(`n${index}`)}`,
    ),
  );
  const result = await sql<Record<string, number | string>>`select ${counts}`.execute(db);
  const row = result.rows[0] ?? {};
  const count = (index: number) => Number(row[`n${index}`] ?? 0);
  let best = 0;
  for (let index = 1; index < words.length; index++) {
    if (count(index) < count(best)) best = index;
  }
  return words[best]!;
}

/**
 * Rows of `w` in the driving word's range whose contact also has, for every other query
 * word, some word starting with it: checked on the row's own `words`, a space before each.
 */
function matchCondition(driver: string, others: readonly string[]): RawBuilder<unknown> {
  const conditions = [
    wordRange(driver),
    ...others.map((word) => sql`w.words like ${`% ${escapeLike(word)}%`} escape '\\'`),
  ];
  return sql.join(conditions, sql` and `);
}

/** Words starting with `prefix`, as an index range scan. */
function wordRange(prefix: string): RawBuilder<unknown> {
  const upper = prefixUpperBound(prefix);
  return upper === null ? sql`w.word >= ${prefix}` : sql`w.word >= ${prefix} and w.word < ${upper}`;
}

/**
 * The least string above every string that starts with `prefix`, in code point order (the
 * order of UTF-8 bytes, which SQLite's BINARY and PostgreSQL's "C" collations use); null when
 * there is none. Appending "\uffff" instead would miss words with characters beyond U+FFFF.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix, (character) => character.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      // Surrogate code points cannot appear in stored text; skip over them.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return String.fromCodePoint(...points, next);
    }
  }
  return null;
}

function escapeLike(word: string): string {
  return word.replace(/[\\%_]/g, '\\$&');
}

/**
 * How a search word is stored. Whole addresses go under "@…", apart from the name words, so
 * that a name prefix ("isabel") does not also scan every "isabel.…@…" address. Prefix
 * relations are unchanged, so ranking works on stored words as on plain ones.
 */
function indexWord(word: string): string {
  return word.includes('@') ? `@${word}` : word;
}

/** Deletes the contacts' word rows and inserts their current ones. */
export async function replaceWords(
  trx: Transaction<BookDatabase>,
  engine: Engine,
  contacts: readonly { id: string; values: ContactValues }[],
): Promise<void> {
  await deleteWords(
    trx,
    contacts.map((contact) => contact.id),
  );
  await insertWords(trx, engine, contacts);
}

export async function deleteWords(
  trx: Transaction<BookDatabase>,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await trx.deleteFrom('contact_words').where('contact_id', 'in', ids).execute();
}

/** Inserts the word rows of contacts that have none. */
export async function insertWords(
  trx: Transaction<BookDatabase>,
  engine: Engine,
  contacts: readonly { id: string; values: ContactValues }[],
): Promise<void> {
  const rows = contacts.flatMap((contact) => {
    const stored = contactWords(contact.values).map(indexWord);
    const words = ` ${stored.join(' ')} `;
    const sort_name = sortName(contact.values);
    return stored.map((word) => ({ word, contact_id: contact.id, words, sort_name }));
  });
  for (let start = 0; start < rows.length; start += WORDS_PER_INSERT) {
    const chunk = rows.slice(start, start + WORDS_PER_INSERT);
    const insert = trx.insertInto('contact_words');
    await (engine === 'postgres'
      ? insert
          .columns(WORD_COLUMNS.map(([column]) => column))
          .expression(unnestRows(chunk, WORD_COLUMNS))
      : insert.values(chunk)
    ).execute();
  }
}
