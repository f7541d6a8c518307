import { type ContactValues, displayName } from './contact';

/**
 * Finding contacts by name or email, the pure part: how text becomes search words and how a
 * contact ranks against a query. The book stores each contact's words and finds candidates by
 * word prefix; it ranks them with these functions so both engines order results the same way.
 */

const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD_CHARACTERS = /[^\p{L}\p{N}]+/u;
const WHITESPACE = /\s+/u;
// Loose on purpose: this decides only whether the whole address is also a word, not validity.
const EMAIL_SHAPE = /^[^@]+@[^@]+$/u;

// Letters that NFKD leaves whole but people type without their stroke or as two letters.
const UNDECOMPOSED: Readonly<Record<string, string>> = {
  æ: 'ae',
  đ: 'd',
  ð: 'd',
  ı: 'i',
  ł: 'l',
  ø: 'o',
  œ: 'oe',
  ß: 'ss',
  þ: 'th',
};
const UNDECOMPOSED_LETTERS = new RegExp(`[${Object.keys(UNDECOMPOSED).join('')}]`, 'gu');

/** Points an exact word match is worth; a prefix match is worth 1. */
const EXACT = 2;
const PREFIX = 1;

/** Case and accents folded away: "Siobhán" and "SIOBHAN" both become "siobhan". */
export function foldText(text: string): string {
  // NFKD first so that lower-casing sees base letters ("İ" → "I" + mark → "i" + mark), then
  // the marks go; compatibility forms such as "ﬁ" or full-width letters become plain letters.
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(COMBINING_MARKS, '')
    .replace(UNDECOMPOSED_LETTERS, (letter) => UNDECOMPOSED[letter] ?? letter);
}

/**
 * The words of a text, folded, each once, in order of first appearance. Words are runs of
 * letters and digits. An email address contributes the words of its local part and domain
 * and also the whole (folded) address, so a full address typed as a query matches exactly.
 */
export function searchWords(text: string): string[] {
  const words = new Set<string>();
  for (const token of text.split(WHITESPACE)) {
    if (token === '') continue;
    const folded = foldText(token);
    for (const word of folded.split(NOT_WORD_CHARACTERS)) {
      if (word !== '') words.add(word);
    }
    if (EMAIL_SHAPE.test(folded)) words.add(folded);
  }
  return [...words];
}

/** Everything a contact can be found by: its names and its email (not phone or job title). */
export function contactWords(values: ContactValues): string[] {
  const text = [values.given_name, values.family_name, values.name, values.email]
    .filter((value): value is string => value !== null)
    .join(' ');
  return searchWords(text);
}

/**
 * How well a contact's words answer the query: null when some query word is not a prefix of
 * any of them; otherwise higher is better, an exact word match counting above a prefix match.
 */
export function rankWords(queryWords: readonly string[], words: readonly string[]): number | null {
  let score = 0;
  for (const query of queryWords) {
    let best = 0;
    for (const word of words) {
      if (word === query) {
        best = EXACT;
        break;
      }
      if (best === 0 && word.startsWith(query)) best = PREFIX;
    }
    if (best === 0) return null;
    score += best;
  }
  return score;
}

export function rankContact(
  queryWords: readonly string[],
  entry: { values: ContactValues },
): number | null {
  return rankWords(queryWords, contactWords(entry.values));
}

/** The name a contact is sorted by among equal scores: as people see it, folded. */
export function sortName(values: ContactValues): string {
  return foldText(displayName(values));
}

export interface Ranked<T> {
  item: T;
  score: number;
  /** From `sortName`. */
  name: string;
  /** Last tie-breaker, so the order never depends on the order candidates arrived in. */
  id: string;
}

/** Best first: higher score, then name, then id. */
export function compareRanked<T>(a: Ranked<T>, b: Ranked<T>): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
