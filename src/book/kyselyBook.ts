import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Assignment } from '../domain/assignment';
import {
  CONTACT_FIELDS,
  type ContactValues,
  type InternalContact,
  valuesOf,
} from '../domain/contact';
import * as assignments from './assignmentStore';
import type {
  AssignmentEntry,
  AssignmentLearnResult,
  Book,
  BookEntry,
  DriftDifference,
  DriftProposal,
  ImportCounts,
  ImportRow,
  LearnResult,
  MemberLink,
  ProposalOpening,
  SearchOptions,
  SearchResult,
} from './book';
import { unnestRows } from './bulk';
import * as drift from './driftStore';
import type {
  AssignmentClaim,
  ChangeRecord,
  NewAssignmentChange,
  NewChange,
  UndoClaim,
  VersionClaim,
} from './history';
import * as history from './historyStore';
import { recordChange } from './historyStore';
import * as links from './linkStore';
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

  learn(contact: InternalContact, seenAt: Date): Promise<LearnResult> {
    return this.#db.transaction().execute((trx) => this.#learnIn(trx, contact, seenAt));
  }

  learnChange(
    contact: InternalContact,
    seenAt: Date,
    change: NewChange,
  ): Promise<LearnResult & { change: ChangeRecord }> {
    // The values and the change they came with commit together, or neither does.
    return this.#db.transaction().execute(async (trx) => {
      const learned = await this.#learnIn(trx, contact, seenAt);
      const recorded = await recordChange(
        trx,
        change,
        learned.previous?.values ?? null,
        learned.current.version,
        seenAt,
      );
      return { ...learned, change: recorded };
    });
  }

  learnAssignment(
    assignment: Assignment,
    seenAt: Date,
    change: NewAssignmentChange,
  ): Promise<AssignmentLearnResult> {
    // The contact, the assignment and the change commit together, or none does. The contact
    // first: every transaction that touches both locks them in that order.
    return this.#db.transaction().execute(async (trx) => {
      const contactId = assignment.internal_contact.id;
      const learned = await this.#learnIn(trx, assignment.internal_contact, seenAt);
      const stored = await assignments.upsertAssignment(trx, this.engine, assignment, seenAt);
      const recorded = await recordChange(
        trx,
        { ...change, contactId },
        learned.previous?.values ?? null,
        learned.current.version,
        seenAt,
        {
          assignmentId: assignment.id,
          partnerId: assignment.partner_id,
          roleBefore: stored.previous?.role ?? null,
          roleAfter: assignment.internal_role,
        },
      );
      return {
        ...learned,
        previousAssignment: stored.previous,
        assignment: stored.current,
        change: recorded,
      };
    });
  }

  assignmentsOf(contactId: string): Promise<AssignmentEntry[]> {
    return assignments.assignmentsOf(this.#db, contactId);
  }

  getAssignment(id: string): Promise<AssignmentEntry | null> {
    return assignments.getAssignment(this.#db, id);
  }

  claimAssignment(
    id: string,
    role: string,
    until: Date,
    now: Date,
    owner: string,
  ): Promise<AssignmentClaim> {
    return assignments.claimAssignment(this.#db, id, role, until, now, owner);
  }

  releaseAssignment(id: string): Promise<void> {
    return assignments.releaseAssignment(this.#db, id);
  }

  history(contactId: string, page: { beforeId?: number | null; limit: number }) {
    return history.historyPage(this.#db, contactId, page);
  }

  getChange(id: number): Promise<ChangeRecord | null> {
    return history.getChange(this.#db, id);
  }

  changesSince(contactId: string, version: number): Promise<ChangeRecord[]> {
    return history.changesSince(this.#db, contactId, version);
  }

  claimVersion(
    contactId: string,
    version: number,
    until: Date,
    now: Date,
    owner?: string,
  ): Promise<VersionClaim> {
    return history.claimVersion(this.#db, contactId, version, until, now, owner);
  }

  releaseVersion(contactId: string, version: number): Promise<void> {
    return history.releaseVersion(this.#db, contactId, version);
  }

  claimUndo(changeId: number, until: Date, now: Date): Promise<UndoClaim> {
    return history.claimUndo(this.#db, changeId, until, now);
  }

  releaseUndo(changeId: number): Promise<void> {
    return history.releaseUndo(this.#db, changeId);
  }

  /**
   * The oldest changes first, then, once they are done, drift proposals opened before `before`
   * (with the quota and digest rows of those hours): at most `batch` rows in all.
   */
  async pruneHistory(before: Date, batch: number): Promise<number> {
    const changes = await history.pruneHistory(this.#db, before, batch);
    if (changes >= batch) return changes;
    return changes + (await drift.pruneDrift(this.#db, before, batch - changes));
  }

  linkOf(contactId: string): Promise<MemberLink | null> {
    return links.linkOf(this.#db, contactId);
  }

  linkOfMember(slackUserId: string): Promise<MemberLink | null> {
    return links.linkOfMember(this.#db, slackUserId);
  }

  saveLink(link: MemberLink): Promise<void> {
    return links.saveLink(this.#db, link);
  }

  openProposal(input: {
    contactId: string;
    slackUserId: string;
    differences: DriftDifference[];
    fingerprint: string;
    at: Date;
  }): Promise<ProposalOpening> {
    return drift.openProposal(this.#db, this.engine, input);
  }

  setProposalPost(
    id: number,
    posted: 'message' | 'digest' | 'none',
    channel: string | null,
    messageTs: string | null,
    digestWindow: Date | null = null,
  ): Promise<void> {
    return drift.setProposalPost(this.#db, id, posted, channel, messageTs, digestWindow);
  }

  claimProposalPost(id: number, channel: string): Promise<boolean> {
    return drift.claimProposalPost(this.#db, id, channel);
  }

  getProposal(id: number): Promise<DriftProposal | null> {
    return drift.getProposal(this.#db, id);
  }

  decideProposal(
    id: number,
    status: 'applied' | 'dismissed',
    slackUser: string,
    at: Date,
  ): Promise<boolean> {
    return drift.decideProposal(this.#db, id, status, slackUser, at);
  }

  openProposals(page: { afterId: number; limit: number }): Promise<DriftProposal[]> {
    return drift.openProposals(this.#db, page);
  }

  takeProposalSlot(windowStart: Date, max: number): Promise<boolean> {
    return drift.takeProposalSlot(this.#db, windowStart, max);
  }

  digestProposals(windowStart: Date): Promise<DriftProposal[]> {
    return drift.digestProposals(this.#db, windowStart);
  }

  claimDigest(
    windowStart: Date,
  ): Promise<{ claimed: boolean; channel: string | null; messageTs: string | null }> {
    return drift.claimDigest(this.#db, windowStart);
  }

  saveDigest(windowStart: Date, channel: string, messageTs: string): Promise<void> {
    return drift.saveDigest(this.#db, windowStart, channel, messageTs);
  }

  releaseDigest(windowStart: Date): Promise<void> {
    return drift.releaseDigest(this.#db, windowStart);
  }

  async #learnIn(
    trx: Transaction<BookDatabase>,
    contact: InternalContact,
    seenAt: Date,
  ): Promise<LearnResult> {
    const values = valuesOf(contact);
    const row: ContactRow = {
      id: contact.id,
      ...valueColumns(values),
      known_from: 'stuut',
      modified_at: contact.modified_at,
      seen_at: seenAt.toISOString(),
      version: 1,
      // Learning ends any save claim: the version it claimed is history now.
      claim_until: null,
      claim_owner: null,
    };
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
    // The word rows depend on the names and email only.
    if (!sameSearchFields(previous.values, values)) {
      await replaceWords(trx, this.engine, [{ id: contact.id, values }]);
    }
    return { previous, current: entryOf(current) };
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

  async search(query: string, limit: number, options: SearchOptions = {}): Promise<SearchResult> {
    const countAll = options.countAll ?? true;
    const { ids, total: counting } = await findCandidates(this.#db, query, limit, countAll);
    const [total, rows] = await Promise.all([
      counting,
      ids.length === 0
        ? []
        : this.#db.selectFrom('contacts').selectAll().where('id', 'in', ids).execute(),
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const matches = ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [entryOf(row)] : []; // forgotten since the words were read
    });
    return { matches, total };
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
      await deleteWords(trx, [id]);
      await history.forgetHistory(trx, id);
      const deleted = await trx.deleteFrom('contacts').where('id', '=', id).executeTakeFirst();
      // After the contact: the order learnAssignment locks them in.
      await assignments.forgetAssignments(trx, id);
      // The Slack member it was linked to, and what its profile was proposed to change.
      await links.forgetLink(trx, id);
      await drift.forgetProposals(trx, id);
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
    const existing = await this.#lockRows(
      trx,
      batch.map((row) => row.id),
    );
    const { writes, counts } = classifyImport(batch, existing);
    if (writes.length === 0) return counts;

    const written = await this.#upsertImported(trx, writes, seenAt);
    // Version 1 was inserted; a higher one was an earlier import, updated.
    const added = new Set(written.filter((row) => row.version === 1).map((row) => row.id));
    const updated = written.filter((row) => row.version !== 1).map((row) => row.id);
    counts.added += added.size;
    counts.updated += updated.length;
    // Not written: Stuut's values, learned by another instance since our read.
    counts.keptStuutValues += writes.length - written.length;
    // A contact just added has no word rows yet: only updated ones need theirs deleted.
    await deleteWords(trx, updated);
    const writtenIds = new Set(written.map((row) => row.id));
    await insertWords(
      trx,
      this.engine,
      writes.filter((row) => writtenIds.has(row.id)),
    );
    return counts;
  }

  /** Inserts new contacts and updates earlier imports, in one statement; never Stuut's. */
  #upsertImported(
    trx: Transaction<BookDatabase>,
    writes: readonly ImportRow[],
    seenAt: string,
  ): Promise<{ id: string; version: number }[]> {
    const rows = writes.map(
      (row): ContactRow => ({
        id: row.id,
        ...valueColumns(row.values),
        known_from: 'import',
        modified_at: null,
        seen_at: seenAt,
        version: 1,
        claim_until: null,
        claim_owner: null,
      }),
    );
    const insert = trx.insertInto('contacts');
    return (
      this.engine === 'postgres'
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
          .where('contacts.known_from', '=', 'import'),
      )
      .returning(['id', 'version'])
      .execute();
  }
}

/**
 * The import rules for rows whose current state was just read: a contact the book lacks is
 * added, an earlier import that differs is updated, Stuut's own values are kept.
 */
function classifyImport(
  batch: readonly ImportRow[],
  existing: readonly ContactRow[],
): { writes: ImportRow[]; counts: ImportCounts } {
  const byId = new Map(existing.map((row) => [row.id, row]));
  const counts: ImportCounts = { added: 0, updated: 0, unchanged: 0, keptStuutValues: 0 };
  const writes: ImportRow[] = [];
  for (const row of batch) {
    const before = byId.get(row.id);
    if (!before) writes.push(row);
    else if (before.known_from === 'stuut') counts.keptStuutValues++;
    else if (sameValues(valuesOfRow(before), row.values)) counts.unchanged++;
    else writes.push(row);
  }
  return { writes, counts };
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

function sameSearchFields(a: ContactValues, b: ContactValues): boolean {
  return (
    a.email === b.email &&
    a.given_name === b.given_name &&
    a.family_name === b.family_name &&
    a.name === b.name
  );
}
