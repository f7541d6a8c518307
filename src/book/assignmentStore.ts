import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Assignment } from '../domain/assignment';
import type { AssignmentEntry } from './book';
import type { AssignmentClaim } from './history';
import type { BookDatabase, ContactAssignmentsTable, Engine } from './schema';

/**
 * A contact's assignments (its roles on partners) over the book's Kysely instance: the same
 * queries on SQLite and PostgreSQL. The role-change claim is one conditional UPDATE whose row
 * count decides, as the save and undo claims are.
 */

type Db = Kysely<BookDatabase> | Transaction<BookDatabase>;
type AssignmentRow = Selectable<ContactAssignmentsTable>;

export function assignmentEntryOf(row: AssignmentRow): AssignmentEntry {
  return {
    id: row.id,
    contactId: row.contact_id,
    partnerId: row.partner_id,
    role: row.role,
    remoteId: row.remote_id,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    seenAt: new Date(row.seen_at),
  };
}

/**
 * Stores the assignment from Stuut's answer, inside the transaction that learns its contact,
 * and ends any role-change claim on it (the role it claimed is history now).
 */
export async function upsertAssignment(
  trx: Transaction<BookDatabase>,
  engine: Engine,
  assignment: Assignment,
  seenAt: Date,
): Promise<{ previous: AssignmentEntry | null; current: AssignmentEntry }> {
  const row: AssignmentRow = {
    id: assignment.id,
    contact_id: assignment.internal_contact.id,
    partner_id: assignment.partner_id,
    role: assignment.internal_role,
    remote_id: assignment.remote_id,
    created_at: assignment.created_at,
    modified_at: assignment.modified_at,
    seen_at: seenAt.toISOString(),
    claim_until: null,
    claim_owner: null,
  };
  let before = await lockRow(trx, engine, assignment.id);
  if (!before) {
    const inserted = await trx
      .insertInto('contact_assignments')
      .values(row)
      .onConflict((conflict) => conflict.column('id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { previous: null, current: assignmentEntryOf(inserted) };
    // PostgreSQL only: another instance inserted it since our read and has committed.
    before = await lockRow(trx, engine, assignment.id);
    if (!before) throw new Error('The assignment was removed while being learned; try again.');
  }
  const { id, ...columns } = row;
  const current = await trx
    .updateTable('contact_assignments')
    .set(columns)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { previous: assignmentEntryOf(before), current: assignmentEntryOf(current) };
}

/** The row, locked for this transaction on PostgreSQL (SQLite's "begin immediate" has). */
function lockRow(
  trx: Transaction<BookDatabase>,
  engine: Engine,
  id: string,
): Promise<AssignmentRow | undefined> {
  return trx
    .selectFrom('contact_assignments')
    .selectAll()
    .where('id', '=', id)
    .$if(engine === 'postgres', (query) => query.forUpdate())
    .executeTakeFirst();
}

export async function getAssignment(db: Db, id: string): Promise<AssignmentEntry | null> {
  const row = await db
    .selectFrom('contact_assignments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? assignmentEntryOf(row) : null;
}

/**
 * Partners' assignments first, by partner id then id; floating ones (no partner) last, by id.
 * Sorted here, by code unit: the engines order nulls and (PostgreSQL, by its collation) text
 * differently, and a contact has a handful of assignments.
 */
export async function assignmentsOf(db: Db, contactId: string): Promise<AssignmentEntry[]> {
  const rows = await db
    .selectFrom('contact_assignments')
    .selectAll()
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map(assignmentEntryOf).sort(byPartnerThenId);
}

function byPartnerThenId(a: AssignmentEntry, b: AssignmentEntry): number {
  if (a.partnerId !== b.partnerId) {
    if (a.partnerId === null) return 1;
    if (b.partnerId === null) return -1;
    return compareText(a.partnerId, b.partnerId);
  }
  return compareText(a.id, b.id);
}

/** JavaScript's string order: by UTF-16 code unit, the same on every engine and machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compare-and-set on the assignment's role, with a lease that lapses by itself at `until`:
 * claimed while the book holds `role` and no live claim but the `owner`'s own.
 */
export async function claimAssignment(
  db: Db,
  id: string,
  role: string,
  until: Date,
  now: Date,
  owner: string,
): Promise<AssignmentClaim> {
  const claimed = await db
    .updateTable('contact_assignments')
    .set({ claim_until: until.toISOString(), claim_owner: owner })
    .where('id', '=', id)
    .where('role', '=', role)
    .where((eb) =>
      eb.or([
        eb('claim_until', 'is', null),
        eb('claim_until', '<=', now.toISOString()),
        // The same form trying again (after a failure that may or may not have landed).
        eb('claim_owner', '=', owner),
      ]),
    )
    .executeTakeFirst();
  if (claimed.numUpdatedRows > 0n) return { kind: 'claimed' };
  const row = await db
    .selectFrom('contact_assignments')
    .select('role')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return { kind: 'missing' };
  return row.role === role ? { kind: 'busy' } : { kind: 'stale', current: row.role };
}

export async function releaseAssignment(db: Db, id: string): Promise<void> {
  await db
    .updateTable('contact_assignments')
    .set({ claim_until: null, claim_owner: null })
    .where('id', '=', id)
    .execute();
}

export async function forgetAssignments(db: Db, contactId: string): Promise<void> {
  await db.deleteFrom('contact_assignments').where('contact_id', '=', contactId).execute();
}
