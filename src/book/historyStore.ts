import type { Kysely, Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { CONTACT_FIELDS, type ContactValues } from '../domain/contact';
import type { FieldChange } from '../domain/diff';
import {
  type AssignmentChange,
  CHANGE_SOURCES,
  type ChangeRecord,
  type NewChange,
  type UndoClaim,
  type VersionClaim,
} from './history';
import type { BookDatabase, ContactChangesTable } from './schema';

/**
 * History, undo claims and save claims over the book's Kysely instance: the same queries on
 * SQLite and PostgreSQL. Every guard that must hold across instances is one conditional
 * UPDATE whose row count decides.
 */

type Db = Kysely<BookDatabase> | Transaction<BookDatabase>;
type ChangeRow = Selectable<ContactChangesTable>;

/** The changed fields as stored: `b` is absent when the before value was not known. */
const StoredChanges = z.array(
  z.object({
    f: z.enum(CONTACT_FIELDS),
    b: z.string().nullable().optional(),
    a: z.string().nullable(),
  }),
);

export function encodeChanges(changes: readonly FieldChange[]): string {
  return JSON.stringify(
    changes.map((c) =>
      c.before === undefined ? { f: c.field, a: c.after } : { f: c.field, b: c.before, a: c.after },
    ),
  );
}

function decodeChanges(text: string): FieldChange[] {
  const parsed = StoredChanges.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error('a stored change does not have the expected shape');
  return parsed.data.map((c) => ({
    field: c.f,
    before: 'b' in c ? (c.b ?? null) : undefined,
    after: c.a,
  }));
}

/** What a change did to a role, as stored: compact keys, as for the changed fields. */
const StoredAssignment = z.object({
  i: z.string(),
  p: z.string().nullable(),
  b: z.string().nullable(),
  a: z.string(),
});

export function encodeAssignment(change: AssignmentChange): string {
  return JSON.stringify({
    i: change.assignmentId,
    p: change.partnerId,
    b: change.roleBefore,
    a: change.roleAfter,
  });
}

function decodeAssignment(text: string | null): AssignmentChange | null {
  if (text === null) return null;
  const parsed = StoredAssignment.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error('a stored role change does not have the expected shape');
  const { i, p, b, a } = parsed.data;
  return { assignmentId: i, partnerId: p, roleBefore: b, roleAfter: a };
}

export function changeOf(row: ChangeRow): ChangeRecord {
  const source = CHANGE_SOURCES.find((s) => s === row.source);
  if (!source) throw new Error(`a stored change has an unknown source: ${row.source}`);
  return {
    id: Number(row.id),
    contactId: row.contact_id,
    slackUser: row.slack_user,
    slackTeam: row.slack_team,
    at: new Date(row.at),
    source,
    changes: decodeChanges(row.changes),
    modifiedAt: row.modified_at,
    undoes: row.undoes === null ? null : Number(row.undoes),
    undoneBy: row.undone_by === null ? null : Number(row.undone_by),
    versionAfter: Number(row.version_after),
    assignment: decodeAssignment(row.assignment),
  };
}

/**
 * Records a change inside the transaction that learned the contact: befores the caller did not
 * know come from the book's previous values; the save claim is released; an undo marks the
 * change it undid. `assignment` is what an assignment answer did to a role.
 */
export async function recordChange(
  trx: Transaction<BookDatabase>,
  change: NewChange,
  previous: ContactValues | null,
  versionAfter: number,
  at: Date,
  assignment: AssignmentChange | null = null,
): Promise<ChangeRecord> {
  const changes = change.changes.map((c) =>
    c.before === undefined && previous ? { ...c, before: previous[c.field] } : c,
  );
  const row = await trx
    .insertInto('contact_changes')
    .values({
      contact_id: change.contactId,
      slack_user: change.slackUser,
      slack_team: change.slackTeam,
      at: at.toISOString(),
      source: change.source,
      changes: encodeChanges(changes),
      modified_at: change.modifiedAt,
      undoes: change.undoes ?? null,
      undone_by: null,
      undo_claim_until: null,
      version_after: versionAfter,
      assignment: assignment ? encodeAssignment(assignment) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('contacts')
    .set({ claim_until: null, claim_owner: null })
    .where('id', '=', change.contactId)
    .execute();
  if (change.undoes) {
    await trx
      .updateTable('contact_changes')
      .set({ undone_by: Number(row.id), undo_claim_until: null })
      .where('id', '=', change.undoes)
      .execute();
  }
  return changeOf(row);
}

export async function historyPage(
  db: Db,
  contactId: string,
  page: { beforeId?: number | null; limit: number },
): Promise<{ changes: ChangeRecord[]; hasOlder: boolean }> {
  const rows = await db
    .selectFrom('contact_changes')
    .selectAll()
    .where('contact_id', '=', contactId)
    .$if(page.beforeId != null, (query) => query.where('id', '<', page.beforeId ?? 0))
    .orderBy('id', 'desc')
    // One more than shown says whether there are older ones.
    .limit(page.limit + 1)
    .execute();
  return { changes: rows.slice(0, page.limit).map(changeOf), hasOlder: rows.length > page.limit };
}

export async function getChange(db: Db, id: number): Promise<ChangeRecord | null> {
  const row = await db
    .selectFrom('contact_changes')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? changeOf(row) : null;
}

export async function changesSince(
  db: Db,
  contactId: string,
  version: number,
): Promise<ChangeRecord[]> {
  const rows = await db
    .selectFrom('contact_changes')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('version_after', '>', version)
    .orderBy('id')
    .limit(20)
    .execute();
  return rows.map(changeOf);
}

/** Compare-and-set on the contact's version, with a lease that lapses by itself. */
export async function claimVersion(
  db: Db,
  contactId: string,
  version: number,
  until: Date,
  now: Date,
  owner?: string,
): Promise<VersionClaim> {
  const claimed = await db
    .updateTable('contacts')
    .set({ claim_until: until.toISOString(), claim_owner: owner ?? null })
    .where('id', '=', contactId)
    .where('version', '=', version)
    .where((eb) =>
      eb.or([
        eb('claim_until', 'is', null),
        eb('claim_until', '<', now.toISOString()),
        // The same form saving again (after a failure that may or may not have landed).
        ...(owner ? [eb('claim_owner', '=', owner)] : []),
      ]),
    )
    .executeTakeFirst();
  if (claimed.numUpdatedRows > 0n) return { kind: 'claimed' };
  const row = await db
    .selectFrom('contacts')
    .select('version')
    .where('id', '=', contactId)
    .executeTakeFirst();
  // A contact forgotten meanwhile has nothing newer to show: the save goes ahead unclaimed.
  if (!row) return { kind: 'claimed' };
  const current = Number(row.version);
  return current === version ? { kind: 'busy' } : { kind: 'stale', current };
}

export async function releaseVersion(db: Db, contactId: string, version: number): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ claim_until: null, claim_owner: null })
    .where('id', '=', contactId)
    .where('version', '=', version)
    .execute();
}

export async function claimUndo(
  db: Db,
  changeId: number,
  until: Date,
  now: Date,
): Promise<UndoClaim> {
  const claimed = await db
    .updateTable('contact_changes')
    .set({ undo_claim_until: until.toISOString() })
    .where('id', '=', changeId)
    .where('undone_by', 'is', null)
    .where((eb) =>
      eb.or([eb('undo_claim_until', 'is', null), eb('undo_claim_until', '<', now.toISOString())]),
    )
    .executeTakeFirst();
  if (claimed.numUpdatedRows > 0n) return { kind: 'claimed' };
  const row = await db
    .selectFrom('contact_changes')
    .select('undone_by')
    .where('id', '=', changeId)
    .executeTakeFirst();
  if (!row) return { kind: 'missing' };
  return row.undone_by !== null ? { kind: 'undone', by: Number(row.undone_by) } : { kind: 'busy' };
}

export async function releaseUndo(db: Db, changeId: number): Promise<void> {
  await db
    .updateTable('contact_changes')
    .set({ undo_claim_until: null })
    .where('id', '=', changeId)
    .where('undone_by', 'is', null)
    .execute();
}

/** At most `batch` of the oldest changes before `before`, by id: one short statement. */
export async function pruneHistory(db: Db, before: Date, batch: number): Promise<number> {
  const oldest = db
    .selectFrom('contact_changes')
    .select('id')
    .where('at', '<', before.toISOString())
    .orderBy('at')
    .limit(batch);
  const deleted = await db
    .deleteFrom('contact_changes')
    .where('id', 'in', oldest)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

export async function forgetHistory(db: Db, contactId: string): Promise<void> {
  await db.deleteFrom('contact_changes').where('contact_id', '=', contactId).execute();
}
