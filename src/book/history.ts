import type { ContactField } from '../domain/contact';
import type { FieldChange } from '../domain/diff';

/** What a recorded change came from. */
export const CHANGE_SOURCES = ['form', 'edit', 'undo', 'add', 'assign', 'role', 'drift'] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

/** One saved update of one contact, as the book keeps it for history and undo. */
export interface ChangeRecord {
  id: number;
  contactId: string;
  slackUser: string;
  slackTeam: string | null;
  at: Date;
  source: ChangeSource;
  /** Each changed field, before (undefined when the bot did not know it) and after. */
  changes: FieldChange[];
  /** Stuut's `modified_at` from the answer. */
  modifiedAt: string | null;
  /** For an undo: the change it took back. */
  undoes: number | null;
  /** The undo that took this change back, once one did. */
  undoneBy: number | null;
  /** The book's version of the contact once this change was learned. */
  versionAfter: number;
  /** For a create, an assignment or a role change (and its undo): what happened to the role. */
  assignment: AssignmentChange | null;
}

/** A role given or changed: `roleBefore` is null when the assignment is new. */
export interface AssignmentChange {
  assignmentId: string;
  /** Null for a floating assignment (`/contact add`). */
  partnerId: string | null;
  roleBefore: string | null;
  roleAfter: string;
}

/** A change about to be recorded; the book assigns its id and time. */
export interface NewChange {
  contactId: string;
  slackUser: string;
  slackTeam: string | null;
  source: ChangeSource;
  changes: FieldChange[];
  modifiedAt: string | null;
  undoes?: number | null;
}

/**
 * An assignment answer about to be recorded (source `add`, `assign`, `role`, or `undo` of a role
 * change). The book fills in the assignment's role before and after from what it knew.
 */
export type NewAssignmentChange = Omit<NewChange, 'contactId'>;

/** What trying to claim an assignment's role for a role change (or its undo) found. */
export type AssignmentClaim =
  | { kind: 'claimed' }
  /** The book holds another role than the form opened with: someone changed it in between. */
  | { kind: 'stale'; current: string }
  /** Another role change of this assignment is in flight (another click, another instance). */
  | { kind: 'busy' }
  /** The book does not know the assignment. */
  | { kind: 'missing' };

export type { ContactField };

/** What trying to claim a contact's version for a save found. */
export type VersionClaim =
  | { kind: 'claimed' }
  /** The book holds a newer version than the form opened with: someone saved in between. */
  | { kind: 'stale'; current: number }
  /** Another save of this very version is in flight (another click, another instance). */
  | { kind: 'busy' };

/** What trying to claim a change for undo found. */
export type UndoClaim =
  | { kind: 'claimed' }
  | { kind: 'undone'; by: number }
  /** Another undo of this change is in flight, and its lease has not lapsed. */
  | { kind: 'busy' }
  | { kind: 'missing' };

/**
 * History, undo claims and save claims: the rules that must hold across instances are
 * conditional writes whose row count decides, never locks in process memory.
 */
export interface HistoryBook {
  /**
   * Learns the contact from Stuut's answer and records the change, in one transaction. The
   * contact's save claim is released; for an undo, the undone change is marked.
   */
  learnChange(
    contact: import('../domain/contact').InternalContact,
    seenAt: Date,
    change: NewChange,
  ): Promise<import('./book').LearnResult & { change: ChangeRecord }>;
  /** Newest first; `beforeId` pages back. */
  history(
    contactId: string,
    page: { beforeId?: number | null; limit: number },
  ): Promise<{ changes: ChangeRecord[]; hasOlder: boolean }>;
  getChange(id: number): Promise<ChangeRecord | null>;
  /** Changes that made the contact's version go past `version`, oldest first. */
  changesSince(contactId: string, version: number): Promise<ChangeRecord[]>;
  /**
   * Compare-and-set: succeeds only while the book still holds `version` and no live claim but
   * the `owner`'s own (a form retrying after a failure that may have landed).
   */
  claimVersion(
    contactId: string,
    version: number,
    until: Date,
    now: Date,
    owner?: string,
  ): Promise<VersionClaim>;
  releaseVersion(contactId: string, version: number): Promise<void>;
  /** A lease on undoing one change, which lapses by itself at `until`. */
  claimUndo(changeId: number, until: Date, now: Date): Promise<UndoClaim>;
  releaseUndo(changeId: number): Promise<void>;
  /** Deletes at most `batch` changes older than `before`; returns how many went. */
  pruneHistory(before: Date, batch: number): Promise<number>;
}
