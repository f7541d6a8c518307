import type { Generated } from 'kysely';
import type { DriftStatus, KnownFrom } from './book';

/**
 * The tables as Kysely sees them. Times are ISO 8601 UTC strings (`Date#toISOString`) on both
 * engines: SQLite has no time type, the strings sort in time order, and they round-trip
 * exactly, so one set of queries serves both.
 */
export interface ContactsTable {
  id: string;
  email: string;
  /** `email` lower-cased in JS, for the exact, case-insensitive lookup. */
  email_lower: string;
  given_name: string | null;
  family_name: string | null;
  name: string | null;
  phone: string | null;
  job_title: string | null;
  known_from: KnownFrom;
  modified_at: string | null;
  seen_at: string;
  version: number;
  /**
   * A save of this version is in flight until then (ISO time): the compare-and-set that stops
   * two saves of one version from both going through. Learning clears it.
   */
  claim_until: string | null;
  /** Who holds that claim (the form's view), so its own retry is not kept out by it. */
  claim_owner: string | null;
}

/** One recorded change of one contact (see book/history). */
export interface ContactChangesTable {
  id: Generated<number>;
  contact_id: string;
  slack_user: string;
  slack_team: string | null;
  at: string;
  source: string;
  /** JSON: [{f: field, b?: before, a: after}]; `b` absent when the before was not known. */
  changes: string;
  modified_at: string | null;
  undoes: number | null;
  undone_by: number | null;
  /** An undo of this change is in flight until then (a lease that lapses by itself). */
  undo_claim_until: string | null;
  version_after: number;
  /**
   * JSON, for a create, an assignment or a role change (and its undo):
   * {i: assignment id, p: partner id or null, b: role before or null, a: role after}.
   * Null for every other change, and for the changes recorded before assignments existed.
   */
  assignment: string | null;
}

/**
 * One assignment of a contact to a partner (or a floating one, with no partner), as the bot
 * last saw it in a Stuut answer. No foreign key to contacts, as for the word rows: the book
 * writes and forgets both in one transaction.
 */
export interface ContactAssignmentsTable {
  /** Stuut's assignment id. */
  id: string;
  contact_id: string;
  /** Null for a floating assignment (`/contact add`). */
  partner_id: string | null;
  /** Stuut's `internal_role`, as Stuut spells it (a role added since is kept too). */
  role: string;
  remote_id: string | null;
  /** Stuut's own times from the answer. */
  created_at: string;
  modified_at: string | null;
  /** When the bot saw this assignment in a Stuut answer (ISO time). */
  seen_at: string;
  /**
   * A role change of this assignment is in flight until then (ISO time): the compare-and-set
   * on the role that stops two changes from both going through. Learning clears it.
   */
  claim_until: string | null;
  /** Who holds that claim (the form's view), so its own retry is not kept out by it. */
  claim_owner: string | null;
}

/** One row for each distinct search word of a contact (see book/wordIndex). */
export interface ContactWordsTable {
  word: string;
  contact_id: string;
  /** All of the contact's search words, each with a space before and after. */
  words: string;
  /** domain/search `sortName`: how equal matches are ordered, without reading the contact. */
  sort_name: string;
}

/**
 * A contact's Slack member, found by the contact's email (see book `MemberLink`). A member is
 * one person: `slack_user_id` is unique (nulls, "no member with that email", are not).
 */
export interface MemberLinksTable {
  contact_id: string;
  /** The contact's email, lower-cased, when the link was made. */
  email_lower: string;
  /** Null: Slack had no member with that email. */
  slack_user_id: string | null;
  display_name: string | null;
  /** When Slack was asked (ISO time). */
  checked_at: string;
}

/** Where a proposal was shown: a message of its own, the hour's digest, or not (yet). */
export type ProposalPosted = 'message' | 'digest' | 'none';

/**
 * One proposal to bring a contact in line with its member's Slack profile. At most one open
 * per contact: a unique index on `contact_id` where `status = 'open'` decides across instances.
 */
export interface DriftProposalsTable {
  id: Generated<number>;
  contact_id: string;
  slack_user_id: string;
  /** JSON: [{f: field, s: Slack's value, t: Stuut's value or null}]. */
  differences: string;
  fingerprint: string;
  status: DriftStatus;
  posted: ProposalPosted;
  channel: string | null;
  message_ts: string | null;
  /** The hour whose digest lists it (ISO time), when posted = 'digest'. */
  digest_window: string | null;
  /** When it was opened (ISO time); a replacement in place keeps it. */
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

/** Proposal posts taken in the hour starting at `window_start`: a counter with a cap. */
export interface DriftQuotaTable {
  window_start: string;
  posted: number;
}

/** The hour's digest message; channel and ts are null while its claimer posts it. */
export interface DriftDigestsTable {
  window_start: string;
  channel: string | null;
  message_ts: string | null;
}

export interface BookDatabase {
  contacts: ContactsTable;
  contact_words: ContactWordsTable;
  contact_changes: ContactChangesTable;
  contact_assignments: ContactAssignmentsTable;
  member_links: MemberLinksTable;
  drift_proposals: DriftProposalsTable;
  drift_quota: DriftQuotaTable;
  drift_digests: DriftDigestsTable;
}

export type Engine = 'sqlite' | 'postgres';
