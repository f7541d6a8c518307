import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import {
  CONTACT_FIELDS,
  type ContactValues,
  type InternalContact,
  valuesOf,
} from '../domain/contact';
import { compareRanked, type Ranked, sortName } from '../domain/search';
import type { Book, BookEntry, ImportCounts, ImportRow, LearnResult, SearchResult } from './book';
import { unnestRows } from './bulk';
import type { BookDatabase, ContactsTable, Engine } from './schema';
import { deleteWords, findCandidates, insertWords, replaceWords } from './wordIndex';

/** Rows per import transaction: large enough for multi-row statements to pay off. */
const IMPORT_BATCH = 1000;

type ContactRow = Selectable<ContactsTable>;

/** Every column of `contacts`, with its type for PostgreSQL's unnest(). */
const CONTACT_COLUMNS = [
  ['id', 'text'],
  ['email', 'text'],
  ['email_lower', 'text'],
  ['given_name', 'text'],
  ['family_name', 'text'],
  ['name', 'text'],
  ['phone', 'text'],
  ['job_title', 'text'],
  ['known_from', 'text'],
  ['modified_at', 'text'],
  ['seen_at', 'text'],
  ['version', 'integer'],
] as const satisfies readonly (readonly [keyof ContactRow, 'text' | 'integer'])[];

/** The Book over one Kysely instance: the same queries on SQLite and on PostgreSQL. */
export class KyselyBook implements Book {
  readonly engine: Engine;
  readonly #db: Kysely<BookDatabase>;

  constructor(db: Kysely<BookDatabase>, engine: Engine) {
    this.#db = db;
    this.engine = engine;
  }

  async learn(contact: InternalContact, seenAt: Date): Promise<LearnResult> {
    const values = valuesOf(contact);
    const row: ContactRow = {
      id: contact.id,
      ...valueColumns(values),
      known_from: 'stuut',
      modified_at: contact.modified_at,
      seen_at: seenAt.toISOString(),
      version: 1,
    };
    return this.#db.transaction().execute(async (trx) => {
      let before = await this.#lockRows(trx, [contact.id]).then((rows) => rows[0]);
      if (!before) {
        const inserted = await trx
          .insertInto('contacts')
          .values(row)
          .onConflict((conflict) => conflict.column('id').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted) {
          await replaceWords(trx, this.engine, [{ id: contact.id, values }]);
          return { previous: null, current: entryOf(inserted) };
        }
        // PostgreSQL only: another instance inserted it since our read and has committed.
        before = await this.#lockRows(trx, [contact.id]).then((rows) => rows[0]);
        if (!before) throw new Error('The contact was removed while being learned; try again.');
      }
      const previous = entryOf(before);
      const changed = !sameValues(previous.values, values);
      const { id, ...columns } = row;
      const current = await trx
        .updateTable('contacts')
        .set({ ...columns, version: changed ? previous.version + 1 : previous.version })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (!sameSearchText(previous.values, values)) {
        await replaceWords(trx, this.engine, [{ id: contact.id, values }]);
      }
      return { previous, current: entryOf(current) };
    });
  }

  async get(id: string): Promise<BookEntry | null> {
    const row = await this.#db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? entryOf(row) : null;
  }

  async findByEmail(email: string): Promise<BookEntry | null> {
    // Several rows may carry one address (a stale one among them): the latest seen wins.
    const row = await this.#db
      .selectFrom('contacts')
      .selectAll()
      .where('email_lower', '=', lowerEmail(email))
      .orderBy('seen_at', 'desc')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row ? entryOf(row) : null;
  }

  async recent(limit: number): Promise<BookEntry[]> {
    const rows = await this.#db
      .selectFrom('contacts')
      .selectAll()
      .orderBy('seen_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(entryOf);
  }

  async search(query: string, limit: number): Promise<SearchResult> {
    const { ids, scores, total } = await findCandidates(this.#db, query, limit);
    if (ids.length === 0) return { matches: [], total };
    const rows = await this.#db.selectFrom('contacts').selectAll().where('id', 'in', ids).execute();
    const ranked = rows.map(
      (row): Ranked<ContactRow> => ({
        item: row,
        score: scores.get(row.id) ?? 0,
        name: sortName(valuesOfRow(row)),
        id: row.id,
      }),
    );
    const best = ranked.sort(compareRanked).slice(0, Math.max(0, limit));
    return { matches: best.map((entry) => entryOf(entry.item)), total };
  }

  async importRows(rows: readonly ImportRow[], at: Date): Promise<ImportCounts> {
    const seen = new Set<string>();
    for (const row of rows) {
      if (seen.has(row.id)) throw new Error(`Contact id ${row.id} appears twice in one import`);
      seen.add(row.id);
    }
    const counts: ImportCounts = { added: 0, updated: 0, unchanged: 0, keptStuutValues: 0 };
    for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
      const batch = rows.slice(start, start + IMPORT_BATCH);
      const batchCounts = await this.#db
        .transaction()
        .execute((trx) => this.#importBatch(trx, batch, at.toISOString()));
      counts.added += batchCounts.added;
      counts.updated += batchCounts.updated;
      counts.unchanged += batchCounts.unchanged;
      counts.keptStuutValues += batchCounts.keptStuutValues;
    }
    return counts;
  }

  async forget(id: string): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('contact_words').where('contact_id', '=', id).execute();
      const deleted = await trx.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
      return deleted.numDeletedRows > 0n;
    });
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  /** The rows, locked for this transaction on PostgreSQL (SQLite's "begin immediate" has). */
  #lockRows(trx: Transaction<BookDatabase>, ids: readonly string[]): Promise<ContactRow[]> {
    return trx
      .selectFrom('contacts')
      .selectAll()
      .where('id', 'in', ids)
      .orderBy('id') // one lock order for every transaction, so two imports cannot deadlock
      .$if(this.engine === 'postgres', (query) => query.forUpdate())
      .execute();
  }

  async #importBatch(
    trx: Transaction<BookDatabase>,
    batch: readonly ImportRow[],
    seenAt: string,
  ): Promise<ImportCounts> {
    const counts: ImportCounts = { added: 0, updated: 0, unchanged: 0, keptStuutValues: 0 };
    const existing = new Map(
      (
        await this.#lockRows(
          trx,
          batch.map((row) => row.id),
        )
      ).map((row) => [row.id, row]),
    );
    const writes: ImportRow[] = [];
    for (const row of batch) {
      const before = existing.get(row.id);
      if (!before) writes.push(row);
      else if (before.known_from === 'stuut') counts.keptStuutValues++;
      else if (sameValues(valuesOfRow(before), row.values)) counts.unchanged++;
      else writes.push(row);
    }
    if (writes.length === 0) return counts;

    const rows = writes.map(
      (row): ContactRow => ({
        id: row.id,
        ...valueColumns(row.values),
        known_from: 'import',
        modified_at: null,
        seen_at: seenAt,
        version: 1,
      }),
    );
    const insert = trx.insertInto('contacts');
    const written = await (this.engine === 'postgres'
      ? insert
          .columns(CONTACT_COLUMNS.map(([column]) => column))
          .expression(unnestRows(rows, CONTACT_COLUMNS))
      : insert.values(rows)
    )
      .onConflict((conflict) =>
        conflict
          .column('id')
          .doUpdateSet((eb) => ({
            email: eb.ref('excluded.email'),
            email_lower: eb.ref('excluded.email_lower'),
            given_name: eb.ref('excluded.given_name'),
            family_name: eb.ref('excluded.family_name'),
            name: eb.ref('excluded.name'),
            phone: eb.ref('excluded.phone'),
            job_title: eb.ref('excluded.job_title'),
            seen_at: eb.ref('excluded.seen_at'),
            version: sql<number>`contacts.version + 1`,
          }))
          // Never over Stuut's values, even one learned by another instance since our read.
          .where('contacts.known_from', '=', 'import'),
      )
      .returning(['id', 'version'])
      .execute();
    const added = new Set(written.filter((row) => row.version === 1).map((row) => row.id));
    const updated = new Set(written.filter((row) => row.version !== 1).map((row) => row.id));
    counts.added += added.size;
    counts.updated += updated.size;
    counts.keptStuutValues += writes.length - written.length;
    // A contact just added has no word rows yet: only updated ones need theirs deleted.
    await deleteWords(trx, [...updated]);
    await insertWords(
      trx,
      this.engine,
      writes.filter((row) => added.has(row.id) || updated.has(row.id)),
    );
    return counts;
  }
}

function valueColumns(values: ContactValues) {
  return {
    email: values.email,
    email_lower: lowerEmail(values.email),
    given_name: values.given_name,
    family_name: values.family_name,
    name: values.name,
    phone: values.phone,
    job_title: values.job_title,
  };
}

function lowerEmail(email: string): string {
  return email.trim().toLowerCase();
}

function valuesOfRow(row: ContactRow): ContactValues {
  return {
    email: row.email,
    given_name: row.given_name,
    family_name: row.family_name,
    name: row.name,
    phone: row.phone,
    job_title: row.job_title,
  };
}

function entryOf(row: ContactRow): BookEntry {
  return {
    id: row.id,
    values: valuesOfRow(row),
    knownFrom: row.known_from,
    modifiedAt: row.modified_at,
    seenAt: new Date(row.seen_at),
    version: Number(row.version),
  };
}

function sameValues(a: ContactValues, b: ContactValues): boolean {
  return CONTACT_FIELDS.every((field) => a[field] === b[field]);
}

function sameSearchText(a: ContactValues, b: ContactValues): boolean {
  return (
    a.email === b.email &&
    a.given_name === b.given_name &&
    a.family_name === b.family_name &&
    a.name === b.name
  );
}
