import type { Assignment } from '../domain/assignment';
import type { ContactValues, InternalContact } from '../domain/contact';
import type { AssignmentClaim, ChangeRecord, HistoryBook, NewAssignmentChange } from './history';

/**
 * The contact book: what the bot has seen of each internal contact, with where and when it
 * saw it. Stuut has no read, list or search, so this is the only way to find a contact by name
 * or to open a form with current values. It helps and never decides: Stuut is the record.
 */

/** Where the book's values of a contact come from. */
export type KnownFrom = 'stuut' | 'import';

export interface BookEntry {
  id: string;
  values: ContactValues;
  knownFrom: KnownFrom;
  /** Stuut's own `modified_at` from the answer the values came from; null for imports. */
  modifiedAt: string | null;
  /** When the bot saw these values in a Stuut answer, or imported them. */
  seenAt: Date;
  /**
   * Goes up by one every time the stored values change, on any instance. A form records the
   * version it opened with, so a later save can tell that someone else saved in between.
   */
  version: number;
}

export interface LearnResult {
  /** The entry before this answer; null when the book did not know the contact. */
  previous: BookEntry | null;
  current: BookEntry;
}

/** A role of a contact, as the book last saw it in a Stuut answer. */
export interface AssignmentEntry {
  id: string;
  contactId: string;
  /** Null for a floating assignment (`/contact add`): it has no partner, so no role change. */
  partnerId: string | null;
  role: string;
  remoteId: string | null;
  /** Stuut's own times from the answer. */
  createdAt: string;
  modifiedAt: string | null;
  /** When the bot saw this assignment in a Stuut answer. */
  seenAt: Date;
}

export interface AssignmentLearnResult extends LearnResult {
  /** The assignment before this answer; null when the book did not know it. */
  previousAssignment: AssignmentEntry | null;
  assignment: AssignmentEntry;
  change: ChangeRecord;
}

/**
 * A contact's Slack member, found by email (never guessed from names). It holds only while the
 * contact's email is still `emailLower`; otherwise it is looked up again.
 */
export interface MemberLink {
  contactId: string;
  /** The contact's email, lower-cased, when the link was made. */
  emailLower: string;
  /** Null: Slack had no member with that email (kept, so the bot does not ask on every use). */
  slackUserId: string | null;
  /** The member's display name, else real name, when linked. */
  displayName: string | null;
  checkedAt: Date;
}

/** The Slack profile fields compared with Stuut. Names are not: nicknames would make noise. */
export type DriftField = 'job_title' | 'phone';

export interface DriftDifference {
  field: DriftField;
  /** What Slack says, ready to propose (a phone as E.164). */
  slack: string;
  /** What the book has from Stuut; null when empty. */
  stuut: string | null;
}

export type DriftStatus = 'open' | 'applied' | 'dismissed';

/** A proposal to bring a contact in line with its member's Slack profile. */
export interface DriftProposal {
  id: number;
  contactId: string;
  slackUserId: string;
  differences: DriftDifference[];
  /** The normalised differences: the same fingerprint is never proposed twice. */
  fingerprint: string;
  status: DriftStatus;
  /** Where it was shown: a message of its own, the hour's digest, or not yet (or only listed). */
  posted: 'message' | 'digest' | 'none';
  channel: string | null;
  messageTs: string | null;
  /** The hour whose digest lists it, when posted there. */
  digestWindow?: Date | null;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export type ProposalOpening =
  /** A new open proposal: post it. */
  | { kind: 'new'; proposal: DriftProposal }
  /** This very difference is open, or was applied or dismissed before: nothing to post. */
  | { kind: 'same'; proposal: DriftProposal }
  /** The contact's open proposal now says this newer difference: update its message. */
  | { kind: 'replaced'; proposal: DriftProposal };

/** One CSV row, already validated and normalised as the form would. */
export interface ImportRow {
  id: string;
  values: ContactValues;
}

export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Rows for contacts whose values the book learned from Stuut itself: never overwritten. */
  keptStuutValues: number;
}

export interface SearchOptions {
  /**
   * Count every match (the default). False skips the COUNT that a common prefix costs (a
   * one-letter query over 100,000 contacts: some 10 ms of SQLite's single thread); `total`
   * is then exact only up to a couple of hundred matches, and a lower bound beyond. For the
   * type-ahead picker, which shows no total.
   */
  countAll?: boolean;
}

export interface SearchResult {
  /** Best first, at most `limit`. */
  matches: BookEntry[];
  /** How many contacts matched in all. */
  total: number;
}

/** The book, its history and its claims: one database, one object. */
export interface Book extends HistoryBook {
  readonly engine: 'sqlite' | 'postgres';
  /** Stores every field of a contact Stuut answered with, and when it was seen. */
  learn(contact: InternalContact, seenAt: Date): Promise<LearnResult>;
  /**
   * Learns an assignment answer (a create, an assign, a role change), in one transaction: the
   * nested contact as `learn` does, the assignment, and the change with its role before and
   * after. The assignment's claim is released; for an undo, the undone change is marked.
   */
  learnAssignment(
    assignment: Assignment,
    seenAt: Date,
    change: NewAssignmentChange,
  ): Promise<AssignmentLearnResult>;
  /** The contact's assignments the book knows: partners' first (by partner id), floating last. */
  assignmentsOf(contactId: string): Promise<AssignmentEntry[]>;
  getAssignment(id: string): Promise<AssignmentEntry | null>;
  /**
   * Compare-and-set for a role change: succeeds only while the book holds `role` for the
   * assignment and no live claim but the `owner`'s own. Lapses by itself at `until`.
   */
  claimAssignment(
    id: string,
    role: string,
    until: Date,
    now: Date,
    owner: string,
  ): Promise<AssignmentClaim>;
  releaseAssignment(id: string): Promise<void>;
  /** The contact's member link, whatever its email now (the caller compares). */
  linkOf(contactId: string): Promise<MemberLink | null>;
  /** The link naming this member, if any. */
  linkOfMember(slackUserId: string): Promise<MemberLink | null>;
  /** Stores a contact's link; another contact's link to the same member is dropped. */
  saveLink(link: MemberLink): Promise<void>;
  /**
   * One open proposal per contact, decided by the database (a conditional write): the same
   * fingerprint as the open one, or as one applied or dismissed before, is 'same'; another
   * fingerprint replaces the open one in place; else a new one is opened.
   */
  openProposal(input: {
    contactId: string;
    slackUserId: string;
    differences: DriftDifference[];
    fingerprint: string;
    at: Date;
  }): Promise<ProposalOpening>;
  /** Records where the proposal was shown (for the digest: which hour's). */
  setProposalPost(
    id: number,
    posted: 'message' | 'digest' | 'none',
    channel: string | null,
    messageTs: string | null,
    digestWindow?: Date | null,
  ): Promise<void>;
  /**
   * Claims posting an open proposal shown nowhere yet (a conditional write): true for exactly
   * one caller, which posts it and records its message with setProposalPost.
   */
  claimProposalPost(id: number, channel: string): Promise<boolean>;
  getProposal(id: number): Promise<DriftProposal | null>;
  /** Applied or dismissed, once: false when it was no longer open. */
  decideProposal(
    id: number,
    status: 'applied' | 'dismissed',
    slackUser: string,
    at: Date,
  ): Promise<boolean>;
  /** Open proposals, oldest first, after `afterId`. */
  openProposals(page: { afterId: number; limit: number }): Promise<DriftProposal[]>;
  /**
   * Takes one of `max` proposal posts of the hour starting at `windowStart` (a conditional
   * counter in the database, across instances); false when they are all taken.
   */
  takeProposalSlot(windowStart: Date, max: number): Promise<boolean>;
  /** Proposals shown in the digest of the hour starting at `windowStart`, oldest first. */
  digestProposals(windowStart: Date): Promise<DriftProposal[]>;
  /** The hour's digest message: the first caller claims it (true), others read where it is. */
  claimDigest(
    windowStart: Date,
  ): Promise<{ claimed: boolean; channel: string | null; messageTs: string | null }>;
  saveDigest(windowStart: Date, channel: string, messageTs: string): Promise<void>;
  /** The claimer could not post the hour's digest: the next caller claims it again. */
  releaseDigest(windowStart: Date): Promise<void>;
  get(id: string): Promise<BookEntry | null>;
  /** Exact, case-insensitive. */
  findByEmail(email: string): Promise<BookEntry | null>;
  /** Names and emails: case- and accent-insensitive word prefixes, exact matches first. */
  search(query: string, limit: number, options?: SearchOptions): Promise<SearchResult>;
  /** The most recently seen or imported contacts, newest first. */
  recent(limit: number): Promise<BookEntry[]>;
  /**
   * Fills contacts the book lacks and updates earlier imports; never overwrites Stuut's values.
   * Each id at most once per call (it throws otherwise); large calls commit in batches.
   */
  importRows(rows: readonly ImportRow[], at: Date): Promise<ImportCounts>;
  /** Removes the contact; false when the book did not know it. */
  forget(id: string): Promise<boolean>;
  /** Throws when the database cannot answer; /healthz uses it. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The book could not be opened or reached at start; `message` is one line, without secrets. */
export class BookUnavailableError extends Error {
  override readonly name = 'BookUnavailableError';
}
