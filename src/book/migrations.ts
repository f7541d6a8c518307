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
    '0002_history_and_claims': historyAndClaims(engine),
    '0003_assignments': assignments(),
    '0004_member_links_and_drift': memberLinksAndDrift(engine),
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
      // `words` and `sort_name` repeat the contact's words and name on each of its rows, so that
      // a search checks the other query words and ranks on the rows its index scan reads.
      await db.schema
        .createTable('contact_words')
        .addColumn('word', wordType, (col) => col.notNull())
        .addColumn('contact_id', 'text', (col) => col.notNull())
        .addColumn('words', wordType, (col) => col.notNull())
        .addColumn('sort_name', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('contact_words_pk', ['word', 'contact_id'])
        // SQLite: the primary key is the table itself, so a range scan reads one b-tree, words
        // included. (PostgreSQL reads `words` from the table: in the index, a contact with very
        // long names could exceed the 2,704-byte limit of an index entry.)
        .$call((table) => (engine === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table))
        .execute();
      // For replacing or forgetting a contact's words.
      await db.schema
        .createIndex('contact_words_contact')
        .on('contact_words')
        .columns(['contact_id', 'word'])
        .execute();
    },
  };
}

function historyAndClaims(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('contacts').addColumn('claim_until', 'text').execute();
      await db.schema.alterTable('contacts').addColumn('claim_owner', 'text').execute();
      await db.schema
        .createTable('contact_changes')
        .$call((table) =>
          engine === 'postgres'
            ? table.addColumn('id', 'serial', (col) => col.primaryKey())
            : table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement()),
        )
        .addColumn('contact_id', 'text', (col) => col.notNull())
        .addColumn('slack_user', 'text', (col) => col.notNull())
        .addColumn('slack_team', 'text')
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('source', 'text', (col) => col.notNull())
        .addColumn('changes', 'text', (col) => col.notNull())
        .addColumn('modified_at', 'text')
        .addColumn('undoes', 'integer')
        .addColumn('undone_by', 'integer')
        .addColumn('undo_claim_until', 'text')
        .addColumn('version_after', 'integer', (col) => col.notNull())
        .execute();
      // A contact's history, newest first, and paging back: one index range.
      await db.schema
        .createIndex('contact_changes_contact')
        .on('contact_changes')
        .columns(['contact_id', 'id'])
        .execute();
      // What changed since a form's version.
      await db.schema
        .createIndex('contact_changes_version')
        .on('contact_changes')
        .columns(['contact_id', 'version_after'])
        .execute();
      // Pruning by age, oldest first, in small batches.
      await db.schema
        .createIndex('contact_changes_at')
        .on('contact_changes')
        .column('at')
        .execute();
    },
  };
}

/**
 * Roles: a contact's assignments to partners, with their claims, and what a recorded change
 * did to a role. Changes recorded before keep a null `assignment`.
 */
function assignments(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('contact_assignments')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('contact_id', 'text', (col) => col.notNull())
        .addColumn('partner_id', 'text')
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('remote_id', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('modified_at', 'text')
        .addColumn('seen_at', 'text', (col) => col.notNull())
        .addColumn('claim_until', 'text')
        .addColumn('claim_owner', 'text')
        .execute();
      // A contact's assignments, and forgetting them with it.
      await db.schema
        .createIndex('contact_assignments_contact')
        .on('contact_assignments')
        .column('contact_id')
        .execute();
      await db.schema.alterTable('contact_changes').addColumn('assignment', 'text').execute();
    },
  };
}

/**
 * Slack members linked to contacts, and drift proposals: at most one open per contact (a
 * unique partial index, so two instances cannot both open one), the hourly quota of proposal
 * posts and the hourly digest messages.
 */
function memberLinksAndDrift(engine: Engine): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('member_links')
        .addColumn('contact_id', 'text', (col) => col.primaryKey())
        .addColumn('email_lower', 'text', (col) => col.notNull())
        .addColumn('slack_user_id', 'text')
        .addColumn('display_name', 'text')
        .addColumn('checked_at', 'text', (col) => col.notNull())
        .execute();
      // A member is one person: one link per member. Unique allows many nulls on both engines
      // (contacts without a member).
      await db.schema
        .createIndex('member_links_member')
        .on('member_links')
        .column('slack_user_id')
        .unique()
        .execute();

      await db.schema
        .createTable('drift_proposals')
        .$call((table) =>
          engine === 'postgres'
            ? table.addColumn('id', 'serial', (col) => col.primaryKey())
            : table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement()),
        )
        .addColumn('contact_id', 'text', (col) => col.notNull())
        .addColumn('slack_user_id', 'text', (col) => col.notNull())
        .addColumn('differences', 'text', (col) => col.notNull())
        .addColumn('fingerprint', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('open', 'applied', 'dismissed')`),
        )
        .addColumn('posted', 'text', (col) =>
          col.notNull().check(sql`posted in ('message', 'digest', 'none')`),
        )
        .addColumn('channel', 'text')
        .addColumn('message_ts', 'text')
        // The hour whose digest lists it (posted = 'digest'): the hour it was put there.
        .addColumn('digest_window', 'text')
        .addColumn('created_at', 'text', (col) => col.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .execute();
      // "Was this difference proposed before?", and forgetting a contact's proposals.
      await db.schema
        .createIndex('drift_proposals_fingerprint')
        .on('drift_proposals')
        .columns(['contact_id', 'fingerprint'])
        .execute();
      // One open proposal per contact, whichever instance opens it.
      await db.schema
        .createIndex('drift_proposals_open')
        .on('drift_proposals')
        .column('contact_id')
        .unique()
        .where(sql.ref('status'), '=', 'open')
        .execute();
      // Open proposals paged by id.
      await db.schema
        .createIndex('drift_proposals_status')
        .on('drift_proposals')
        .columns(['status', 'id'])
        .execute();
      // An hour's digest, and pruning by age.
      await db.schema
        .createIndex('drift_proposals_created')
        .on('drift_proposals')
        .column('created_at')
        .execute();

      await db.schema
        .createTable('drift_quota')
        .addColumn('window_start', 'text', (col) => col.primaryKey())
        .addColumn('posted', 'integer', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('drift_digests')
        .addColumn('window_start', 'text', (col) => col.primaryKey())
        .addColumn('channel', 'text')
        .addColumn('message_ts', 'text')
        .execute();
    },
  };
}
