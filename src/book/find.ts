import { isValidContactId } from '../domain/contact';
import { withDeadline } from '../inflight';
import type { Logger } from '../logger';
import type { Book, BookEntry } from './book';

/** How a query was resolved to one contact, for the line that heads the form. */
export type FoundBy = 'id' | 'email' | 'name';

export type FindOutcome =
  | { kind: 'one'; entry: BookEntry; by: FoundBy }
  | { kind: 'several'; matches: BookEntry[]; total: number }
  /** Nothing in the book; `idShaped` when the query could be a Stuut id the book lacks. */
  | { kind: 'none'; idShaped: boolean }
  /** The book failed or was too slow; the id still works without it. */
  | { kind: 'unavailable'; idShaped: boolean };

export interface FindOptions {
  /** How many matches a list shows at most. */
  limit: number;
  /** A lookup answers inside Slack's 3 s, or counts as unavailable. */
  withinMs: number;
  logger: Logger;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** One word that could be a Stuut id (names can be too: "priya" is both). */
export function isIdShaped(query: string): boolean {
  return isValidContactId(query);
}

/**
 * An id in the book, then an email (exact, any case), then a search of names and emails.
 * A failing book is reported, never thrown: finding is a help, and its failure must not stop
 * the person from using an id.
 */
export async function findContact(
  book: Book,
  query: string,
  options: FindOptions,
): Promise<FindOutcome> {
  const idShaped = isIdShaped(query);
  try {
    const outcome = await withDeadline(
      lookUp(book, query, idShaped, options.limit),
      options.withinMs,
    );
    if (outcome === undefined) {
      options.logger.error(
        { withinMs: options.withinMs },
        'contact book too slow: finding is off for this request',
      );
      return { kind: 'unavailable', idShaped };
    }
    return outcome;
  } catch (error) {
    options.logger.error({ err: error }, 'contact book failed: finding is off for this request');
    return { kind: 'unavailable', idShaped };
  }
}

async function lookUp(
  book: Book,
  query: string,
  idShaped: boolean,
  limit: number,
): Promise<FindOutcome> {
  if (idShaped) {
    const entry = await book.get(query);
    if (entry) return { kind: 'one', entry, by: 'id' };
  }
  if (EMAIL_SHAPE.test(query)) {
    const entry = await book.findByEmail(query);
    return entry ? { kind: 'one', entry, by: 'email' } : { kind: 'none', idShaped: false };
  }
  const { matches, total } = await book.search(query, limit);
  const [first] = matches;
  if (total === 1 && first) return { kind: 'one', entry: first, by: 'name' };
  if (total === 0) return { kind: 'none', idShaped };
  return { kind: 'several', matches, total };
}
