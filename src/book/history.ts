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
  /** Where the confirmation went, so an undo can mark it "Undone by …". */
  posted: PostedConfirmation | null;
}

/** Where a confirmation reached people: a channel message, or a response_url reply. */
export type PostedConfirmation =
  | { kind: 'channel'; channel: string; ts: string }
  | { kind: 'response_url'; url: string };

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

export type { ContactField };
