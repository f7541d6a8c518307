import type { Kysely, Selectable, Transaction } from 'kysely';
import type { MemberLink } from './book';
import type { BookDatabase, MemberLinksTable } from './schema';

/**
 * Contacts' links to Slack members over the book's Kysely instance: the same queries on SQLite
 * and PostgreSQL. A member is one person: the unique index on `slack_user_id` holds it across
 * instances, and saving a link drops another contact's link to the same member.
 */

type Db = Kysely<BookDatabase> | Transaction<BookDatabase>;
type LinkRow = Selectable<MemberLinksTable>;

/**
 * Tries of one saveLink: only saves racing others for the same member need more than one
 * (each racer that loses goes round again; the tests see three racers need up to three).
 */
const SAVE_ATTEMPTS = 5;

function linkOfRow(row: LinkRow): MemberLink {
  return {
    contactId: row.contact_id,
    emailLower: row.email_lower,
    slackUserId: row.slack_user_id,
    displayName: row.display_name,
    checkedAt: new Date(row.checked_at),
  };
}

export async function linkOf(db: Db, contactId: string): Promise<MemberLink | null> {
  const row = await db
    .selectFrom('member_links')
    .selectAll()
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return row ? linkOfRow(row) : null;
}

/** A negative link (null member) never matches. */
export async function linkOfMember(db: Db, slackUserId: string): Promise<MemberLink | null> {
  const row = await db
    .selectFrom('member_links')
    .selectAll()
    .where('slack_user_id', '=', slackUserId)
    .executeTakeFirst();
  return row ? linkOfRow(row) : null;
}

/**
 * Upserts the contact's link and, in the same transaction, deletes another contact's link to
 * the same member. Two instances linking two contacts to one member at once: the one that
 * commits second breaks the unique index (PostgreSQL waits for the first to commit, then
 * fails it) and tries again, now seeing the first's link and dropping it. The last save wins.
 */
export async function saveLink(db: Kysely<BookDatabase>, link: MemberLink): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction().execute((trx) => saveLinkIn(trx, link));
      return;
    } catch (error) {
      if (attempt >= SAVE_ATTEMPTS || !isUniqueViolation(error)) throw error;
    }
  }
}

async function saveLinkIn(trx: Transaction<BookDatabase>, link: MemberLink): Promise<void> {
  if (link.slackUserId !== null) {
    await trx
      .deleteFrom('member_links')
      .where('slack_user_id', '=', link.slackUserId)
      .where('contact_id', '<>', link.contactId)
      .execute();
  }
  const row: LinkRow = {
    contact_id: link.contactId,
    email_lower: link.emailLower,
    slack_user_id: link.slackUserId,
    display_name: link.displayName,
    checked_at: link.checkedAt.toISOString(),
  };
  const { contact_id, ...columns } = row;
  await trx
    .insertInto('member_links')
    .values(row)
    .onConflict((conflict) => conflict.column('contact_id').doUpdateSet(columns))
    .execute();
}

/** PostgreSQL's unique_violation (SQLite serialises writers, so it never races into one). */
function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
  );
}

export async function forgetLink(db: Db, contactId: string): Promise<void> {
  await db.deleteFrom('member_links').where('contact_id', '=', contactId).execute();
}
