import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import type { Engine } from './schema';

/**
 * Every change to the book's schema, in order, for both engines. Applied names are recorded in
 * `kysely_migration`, so a migration, once released, is never edited: add the next one.
 * The few engine differences are explicit arguments, not a second set of files.
 */
export function bookMigrations(engine: Engine): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_contacts_and_words': contactsAndWords(engine),
  };
  return { getMigrations: async () => migrations };
}

function contactsAndWords(engine: Engine): Migration {
  // Search walks the word index by range (`word >= prefix AND word < upper bound`), which is
  // correct only when text compares as UTF-8 bytes, i.e. by code point: SQLite's default
  // BINARY collation does; PostgreSQL needs the "C" collation instead of the database's.
  const wordType = engine === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('email', 'text', (col) => col.notNull())
        // Not unique: Stuut keeps emails unique, but the book may hold a stale row for an
        // address that has since moved to another contact.
        .addColumn('email_lower', 'text', (col) => col.notNull())
        .addColumn('given_name', 'text')
        .addColumn('family_name', 'text')
        .addColumn('name', 'text')
        .addColumn('phone', 'text')
        .addColumn('job_title', 'text')
        .addColumn('known_from', 'text', (col) =>
          col.notNull().check(sql`known_from in ('stuut', 'import')`),
        )
        .addColumn('modified_at', 'text')
        .addColumn('seen_at', 'text', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        // SQLite: keyed by id itself, so a lookup by id reads one b-tree, not two.
        .$call((table) => (engine === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
        .execute();
      await db.schema
        .createIndex('contacts_email_lower')
        .on('contacts')
        .column('email_lower')
        .execute();
      await db.schema
        .createIndex('contacts_seen_at')
        .on('contacts')
        .columns(['seen_at', 'id'])
        .execute();

      // No foreign key to contacts: every write maintains both tables in one transaction, and
      // a key would slow the bulk import for no protection the code does not already give.
      // `words` repeats all of the contact's words on each of its rows, so that the other words
      // of a query are checked on the row the index scan is already reading.
      await db.schema
        .createTable('contact_words')
        .addColumn('word', wordType, (col) => col.notNull())
        .addColumn('contact_id', 'text', (col) => col.notNull())
        .addColumn('words', wordType, (col) => col.notNull())
        .$call((table) =>
          engine === 'sqlite'
            ? // The primary key is the table itself: a range scan reads one b-tree, words included.
              table
                .addPrimaryKeyConstraint('contact_words_pk', ['word', 'contact_id'])
                .modifyEnd(sql`without rowid`)
            : table,
        )
        .execute();
      if (engine === 'postgres') {
        // The key's index carries the words too, so a search is an index-only scan.
        await sql`alter table contact_words add constraint contact_words_pk
          primary key (word, contact_id) include (words)`.execute(db);
      }
      // For replacing a contact's words, forgetting it, and checking the other query words.
      await db.schema
        .createIndex('contact_words_contact')
        .on('contact_words')
        .columns(['contact_id', 'word'])
        .execute();
    },
  };
}
