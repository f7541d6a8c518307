import type { KnownFrom } from './book';

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
}

/** One row for each distinct search word of a contact (see book/wordIndex). */
export interface ContactWordsTable {
  word: string;
  contact_id: string;
  /** All of the contact's search words, each with a space before and after. */
  words: string;
}

export interface BookDatabase {
  contacts: ContactsTable;
  contact_words: ContactWordsTable;
}

export type Engine = 'sqlite' | 'postgres';
