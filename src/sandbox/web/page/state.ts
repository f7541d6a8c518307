/**
 * What the page server sends the page (`/api/state`, `/api/history`): the wire types, in one
 * place for both sides. Types only: the page bundle compiles this file, and the server imports
 * it as types, so nothing of it runs on the server.
 */

export type ContactField = 'email' | 'given_name' | 'family_name' | 'name' | 'phone' | 'job_title';

export type ChangeSource = 'form' | 'edit' | 'undo' | 'add' | 'assign' | 'role' | 'drift';

/**
 * A member of the emulated Slack workspace, as the side panel's members list shows it: `name`
 * is the full name people see, `handle` Slack's `name`. Bots (and Slackbot) and deactivated
 * members are listed with their flags; the page offers no profile edit for them.
 */
export interface PageMember {
  id: string;
  name: string;
  handle: string;
  displayName: string;
  email: string | null;
  title: string;
  phone: string;
  deleted: boolean;
  isBot: boolean;
}

/** A book entry as the page gets it. */
export interface PageBookEntry {
  id: string;
  values: Record<ContactField, string | null>;
  knownFrom: 'stuut' | 'import';
  modifiedAt: string | null;
  seenAt: string;
  version: number;
}

/** A partner (a customer) of the emulated Stuut, with how many assignments it has. */
export interface PagePartner {
  id: string;
  name: string;
  assignments: number;
}

/** One of Stuut's assignments, as the side panel shows it: the role in words too. */
export interface PageAssignment {
  id: string;
  contactId: string;
  /** Null for a floating assignment (no partner). */
  partnerId: string | null;
  /** The partner's name in the emulated Stuut; null when floating or not a known partner. */
  partnerName: string | null;
  role: string;
  /** The role in words (the server knows the app's labels). */
  roleLabel: string;
  remoteId: string | null;
  createdAt: string;
  modifiedAt: string | null;
}

/**
 * One assignment the book knows, compared with Stuut's of the same id: `same` role, a role
 * that `differs` (Stuut's then in `stuutRole`), or `book_only` (Stuut has no such assignment).
 */
export interface PageBookAssignment extends PageAssignment {
  seenAt: string;
  status: 'same' | 'differs' | 'book_only';
  stuutRole: string | null;
  stuutRoleLabel: string | null;
}

/** A role given or changed, as the side panel's history shows it. */
export interface PageAssignmentChange {
  assignmentId: string;
  partnerId: string | null;
  partnerName: string | null;
  roleBefore: string | null;
  roleBeforeLabel: string | null;
  roleAfter: string;
  roleAfterLabel: string;
}

/** One recorded change of a contact, as the side panel's history shows it. */
export interface PageChange {
  id: number;
  at: string;
  /** The Slack user who saved it, with their name in the emulated workspace. */
  who: { id: string; name: string };
  source: ChangeSource;
  /** Each changed field; `before` is null both when empty and when unknown (`beforeKnown`). */
  changes: {
    field: ContactField;
    before: string | null;
    beforeKnown: boolean;
    after: string | null;
  }[];
  modifiedAt: string | null;
  /** For an undo: the change it took back. */
  undoes: number | null;
  /** The undo that took this change back, once one did. */
  undoneBy: number | null;
  versionAfter: number;
  /** For an add, an assign or a role change (and its undo); absent for other changes. */
  assignment?: PageAssignmentChange;
}

/** One page of a contact's history, newest first; `error` when the book could not answer. */
export type PageHistory =
  | { ok: true; contactId: string; changes: PageChange[]; hasOlder: boolean }
  | { ok: false; contactId: string; error: string };
