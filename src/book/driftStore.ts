import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { DriftDifference, DriftField, DriftProposal, ProposalOpening } from './book';
import type { BookDatabase, DriftProposalsTable, Engine, ProposalPosted } from './schema';

/**
 * Drift proposals, the hourly quota of proposal posts and the hourly digest, over the book's
 * Kysely instance: the same queries on SQLite and PostgreSQL. What must hold across instances
 * (one open proposal per contact, at most `max` posts an hour, one digest claimer) is decided
 * by the database: a unique index or a conditional write whose row count decides.
 */

type Db = Kysely<BookDatabase> | Transaction<BookDatabase>;
type ProposalRow = Selectable<DriftProposalsTable>;

/** Passes of openProposal: a second only after losing an insert race to another instance. */
const OPEN_ATTEMPTS = 3;

const DRIFT_FIELDS = ['job_title', 'phone'] as const satisfies readonly DriftField[];

/** The differences as stored: compact keys, as for the history's changes. */
const StoredDifferences = z.array(
  z.object({ f: z.enum(DRIFT_FIELDS), s: z.string(), t: z.string().nullable() }),
);

function encodeDifferences(differences: readonly DriftDifference[]): string {
  return JSON.stringify(differences.map((d) => ({ f: d.field, s: d.slack, t: d.stuut })));
}

function decodeDifferences(text: string): DriftDifference[] {
  const parsed = StoredDifferences.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error('a stored drift proposal does not have the expected shape');
  return parsed.data.map((d) => ({ field: d.f, slack: d.s, stuut: d.t }));
}

function proposalOf(row: ProposalRow): DriftProposal {
  return {
    id: Number(row.id),
    contactId: row.contact_id,
    slackUserId: row.slack_user_id,
    differences: decodeDifferences(row.differences),
    fingerprint: row.fingerprint,
    status: row.status,
    posted: row.posted,
    channel: row.channel,
    messageTs: row.message_ts,
    digestWindow: row.digest_window === null ? null : new Date(row.digest_window),
    createdAt: new Date(row.created_at),
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : new Date(row.decided_at),
  };
}

export interface ProposalInput {
  contactId: string;
  slackUserId: string;
  differences: DriftDifference[];
  fingerprint: string;
  at: Date;
}

/**
 * In one transaction: this fingerprint proposed before (open, applied or dismissed) is
 * 'same'; else the contact's open proposal is updated in place ('replaced'); else a new one is
 * inserted. Two instances inserting at once: the unique index on open proposals lets one in
 * (PostgreSQL makes the other wait for it to commit, then do nothing), and the other goes
 * round again, now finding the winner's row.
 */
export function openProposal(
  db: Kysely<BookDatabase>,
  engine: Engine,
  input: ProposalInput,
): Promise<ProposalOpening> {
  return db.transaction().execute(async (trx) => {
    for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
      const opening = await tryOpen(trx, engine, input);
      if (opening) return opening;
    }
    throw new Error('Could not open a drift proposal: it kept changing under us; try again.');
  });
}

/** One pass; null when another instance opened a proposal for the contact since our read. */
async function tryOpen(
  trx: Transaction<BookDatabase>,
  engine: Engine,
  input: ProposalInput,
): Promise<ProposalOpening | null> {
  // The open one first, locked on PostgreSQL (SQLite's "begin immediate" has the whole
  // database): a concurrent replace or decision of it waits for us, or we for it, and the
  // fingerprint check below then reads what it committed.
  const open = await trx
    .selectFrom('drift_proposals')
    .selectAll()
    .where('contact_id', '=', input.contactId)
    .where('status', '=', 'open')
    .$if(engine === 'postgres', (query) => query.forUpdate())
    .executeTakeFirst();
  const same = await trx
    .selectFrom('drift_proposals')
    .selectAll()
    .where('contact_id', '=', input.contactId)
    .where('fingerprint', '=', input.fingerprint)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (same) return { kind: 'same', proposal: proposalOf(same) };

  const differences = encodeDifferences(input.differences);
  if (open) {
    const replaced = await trx
      .updateTable('drift_proposals')
      .set({
        differences,
        fingerprint: input.fingerprint,
        slack_user_id: input.slackUserId,
      })
      .where('id', '=', open.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { kind: 'replaced', proposal: proposalOf(replaced) };
  }

  const inserted = await trx
    .insertInto('drift_proposals')
    .values({
      contact_id: input.contactId,
      slack_user_id: input.slackUserId,
      differences,
      fingerprint: input.fingerprint,
      status: 'open',
      posted: 'none',
      channel: null,
      message_ts: null,
      created_at: input.at.toISOString(),
      decided_by: null,
      decided_at: null,
    })
    // The partial index's predicate, as a literal: PostgreSQL infers the index from it.
    .onConflict((conflict) =>
      conflict.column('contact_id').where(sql<boolean>`status = 'open'`).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  return inserted ? { kind: 'new', proposal: proposalOf(inserted) } : null;
}

export async function setProposalPost(
  db: Db,
  id: number,
  posted: ProposalPosted,
  channel: string | null,
  messageTs: string | null,
  digestWindow: Date | null = null,
): Promise<void> {
  await db
    .updateTable('drift_proposals')
    .set({
      posted,
      channel,
      message_ts: messageTs,
      digest_window: posted === 'digest' && digestWindow ? digestWindow.toISOString() : null,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Claims posting an open proposal that is not shown anywhere yet: the conditional write lets
 * exactly one of several events (or instances) post it.
 */
export async function claimProposalPost(db: Db, id: number, channel: string): Promise<boolean> {
  const result = await db
    .updateTable('drift_proposals')
    .set({ posted: 'message', channel, message_ts: null, digest_window: null })
    .where('id', '=', id)
    .where('posted', '=', 'none')
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function getProposal(db: Db, id: number): Promise<DriftProposal | null> {
  const row = await db
    .selectFrom('drift_proposals')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? proposalOf(row) : null;
}

/** Applied or dismissed, once: the conditional UPDATE's row count decides. */
export async function decideProposal(
  db: Db,
  id: number,
  status: 'applied' | 'dismissed',
  slackUser: string,
  at: Date,
): Promise<boolean> {
  const decided = await db
    .updateTable('drift_proposals')
    .set({ status, decided_by: slackUser, decided_at: at.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return decided.numUpdatedRows > 0n;
}

export async function openProposals(
  db: Db,
  page: { afterId: number; limit: number },
): Promise<DriftProposal[]> {
  const rows = await db
    .selectFrom('drift_proposals')
    .selectAll()
    .where('status', '=', 'open')
    .where('id', '>', page.afterId)
    .orderBy('id')
    .limit(page.limit)
    .execute();
  return rows.map(proposalOf);
}

/**
 * A counter with a cap: the hour's first caller creates its row with one post taken; later
 * ones add one while fewer than `max` are taken. Each statement's row count decides, and
 * PostgreSQL re-checks `posted < max` on the row it waited for, so exactly `max` succeed.
 */
export async function takeProposalSlot(db: Db, windowStart: Date, max: number): Promise<boolean> {
  if (max < 1) return false;
  const window = windowStart.toISOString();
  const created = await db
    .insertInto('drift_quota')
    .values({ window_start: window, posted: 1 })
    .onConflict((conflict) => conflict.column('window_start').doNothing())
    .returning('window_start')
    .executeTakeFirst();
  if (created) return true;
  const taken = await db
    .updateTable('drift_quota')
    .set({ posted: sql<number>`posted + 1` })
    .where('window_start', '=', window)
    .where('posted', '<', max)
    .executeTakeFirst();
  return taken.numUpdatedRows > 0n;
}

/** Shown in the hour's digest, of any status (the digest shows decided ones too). */
export async function digestProposals(db: Db, windowStart: Date): Promise<DriftProposal[]> {
  const rows = await db
    .selectFrom('drift_proposals')
    .selectAll()
    .where('posted', '=', 'digest')
    .where('digest_window', '=', windowStart.toISOString())
    .orderBy('id')
    .execute();
  return rows.map(proposalOf);
}

/** The caller whose insert created the hour's row posts the digest; others read where it is. */
export async function claimDigest(
  db: Db,
  windowStart: Date,
): Promise<{ claimed: boolean; channel: string | null; messageTs: string | null }> {
  const window = windowStart.toISOString();
  const created = await db
    .insertInto('drift_digests')
    .values({ window_start: window, channel: null, message_ts: null })
    .onConflict((conflict) => conflict.column('window_start').doNothing())
    .returning('window_start')
    .executeTakeFirst();
  if (created) return { claimed: true, channel: null, messageTs: null };
  const row = await db
    .selectFrom('drift_digests')
    .select(['channel', 'message_ts'])
    .where('window_start', '=', window)
    .executeTakeFirst();
  return { claimed: false, channel: row?.channel ?? null, messageTs: row?.message_ts ?? null };
}

/** The claimer could not post the digest: the hour's row goes, so the next caller posts it. */
export async function releaseDigest(db: Db, windowStart: Date): Promise<void> {
  await db
    .deleteFrom('drift_digests')
    .where('window_start', '=', windowStart.toISOString())
    .where('message_ts', 'is', null)
    .execute();
}

export async function saveDigest(
  db: Db,
  windowStart: Date,
  channel: string,
  messageTs: string,
): Promise<void> {
  await db
    .insertInto('drift_digests')
    .values({ window_start: windowStart.toISOString(), channel, message_ts: messageTs })
    .onConflict((conflict) =>
      conflict.column('window_start').doUpdateSet({ channel, message_ts: messageTs }),
    )
    .execute();
}

/**
 * With the history: at most `batch` proposals opened before `before` (any status: a year-old
 * open one is stale), and the quota and digest rows of hours before it.
 */
export async function pruneDrift(db: Db, before: Date, batch: number): Promise<number> {
  const cutoff = before.toISOString();
  await db.deleteFrom('drift_quota').where('window_start', '<', cutoff).execute();
  await db.deleteFrom('drift_digests').where('window_start', '<', cutoff).execute();
  if (batch < 1) return 0;
  const oldest = db
    .selectFrom('drift_proposals')
    .select('id')
    .where('created_at', '<', cutoff)
    .orderBy('created_at')
    .limit(batch);
  const deleted = await db
    .deleteFrom('drift_proposals')
    .where('id', 'in', oldest)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}

export async function forgetProposals(db: Db, contactId: string): Promise<void> {
  await db.deleteFrom('drift_proposals').where('contact_id', '=', contactId).execute();
}
