import type { CountryCode } from 'libphonenumber-js/max';
import { ROLE_LABELS, ROLES, type Role } from './assignment';
import { CONTACT_FIELDS, type ContactField, FIELD_LABELS, isContactField } from './contact';
import { type ClearableField, normaliseField } from './form';

export type ParsedCommand =
  | { kind: 'help' }
  | {
      kind: 'update';
      /** Who to update: an id, an email or words of a name; null opens the picker. */
      query: string | null;
      /** Proposed new values, as typed. */
      prefill: Partial<Record<ContactField, string>>;
      /** Fields proposed for clearing with `field=`. */
      clear: ClearableField[];
    }
  | { kind: 'find' /** null lists the most recently changed contacts. */; query: string | null }
  | { kind: 'history'; query: string }
  | {
      kind: 'add';
      /** The new contact's email, from the first word or `email=`; null: the form asks. */
      email: string | null;
      /** Proposed values of the other fields, as typed. */
      prefill: Partial<Record<Exclude<ContactField, 'email'>, string>>;
      /** From `role=`, in words or as Stuut spells it. */
      role: Role | null;
    }
  /** null: the form opens with the picker empty. */
  | { kind: 'assign'; query: string | null }
  | { kind: 'roles'; query: string }
  /** Every linked member's Slack profile compared with Stuut now. */
  | { kind: 'drift' }
  | { kind: 'invalid'; problems: string[] };

/** Longer queries match nothing a person would look for, and only cost the search. */
export const MAX_QUERY_LENGTH = 200;

const FIELD_LIST = CONTACT_FIELDS.join(', ');
const VERBS = ['update', 'find', 'history', 'add', 'assign', 'roles', 'drift'] as const;
type Verb = (typeof VERBS)[number];
const COMMAND_LIST =
  'The commands are /contact update, find, history and roles, each followed by a name, an @member, an email or an id; /contact add <email>; /contact assign; and /contact drift.';

/** A role as people write it: `csm`, `CSM`, `co-lead`, `Account manager`. */
export function parseRole(text: string): Role | null {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return (
    ROLES.find(
      (role) => role === key || ROLE_LABELS[role].toLowerCase().replace(/[\s-]+/g, '_') === key,
    ) ?? null
  );
}
const QUOTES = new Set(['"', '\u201c', '\u201d']);

/**
 * Slack wraps what it recognises (emails, links, phone numbers) in `<target|label>` and
 * escapes the person's own `&`, `<` and `>`. So in raw text every `<` opens markup:
 * unwrap links to what the person typed first, then decode the three entities.
 */
export function decodeSlackText(raw: string): string {
  const unwrapped = raw.replace(
    /<((?:mailto:|tel:|https?:\/\/)[^<>|]*)(?:\|([^<>]*))?>/g,
    (_whole, target: string, label: string | undefined) =>
      label ?? target.replace(/^(?:mailto:|tel:)/, ''),
  );
  return unwrapped.replace(/&(amp|lt|gt);/g, (_whole, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

type Token = { text: string; quoted: boolean; key?: string };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (i >= text.length) break;
    let word = '';
    let key: string | undefined;
    let quoted = false;
    while (i < text.length && !/\s/.test(text.charAt(i))) {
      const ch = text.charAt(i);
      if (QUOTES.has(ch) && key !== undefined && word === '') {
        // Phones and chat clients mix straight and curly quotes: either kind closes.
        const ends = ['"', '\u201d'].map((q) => text.indexOf(q, i + 1)).filter((at) => at !== -1);
        const stop = ends.length > 0 ? Math.min(...ends) : -1;
        if (stop === -1) return `The quote after ${key}= is not closed.`;
        word = text.slice(i + 1, stop);
        quoted = true;
        i = stop + 1;
        continue;
      }
      if (ch === '=' && key === undefined && !quoted) {
        key = word;
        word = '';
        i++;
        continue;
      }
      word += ch;
      i++;
    }
    tokens.push(key === undefined ? { text: word, quoted } : { text: word, quoted, key });
  }
  return tokens;
}

/** Parses the text after `/contact`, as Slack sends it, and checks every proposed value. */
export function parseCommand(raw: string, defaultCountry: CountryCode): ParsedCommand {
  const tokenized = tokenize(decodeSlackText(raw));
  if (typeof tokenized === 'string') return { kind: 'invalid', problems: [tokenized] };
  const [sub, ...rest] = tokenized;
  if (!sub || (sub.key === undefined && /^(help|-h|--help|\?)$/i.test(sub.text))) {
    return { kind: 'help' };
  }
  const word = sub.key === undefined ? sub.text.toLowerCase() : null;
  const verb = VERBS.find((known) => known === word);
  if (verb === undefined) {
    const name = sub.key !== undefined ? `${sub.key}=${sub.text}` : sub.text;
    return {
      kind: 'invalid',
      problems: [`"${name}" is not a /contact command. ${COMMAND_LIST}`],
    };
  }

  // The query is every word before the first field=value.
  const firstPair = rest.findIndex((token) => token.key !== undefined);
  const words = (firstPair === -1 ? rest : rest.slice(0, firstPair)).map((token) => token.text);
  const pairs = firstPair === -1 ? [] : rest.slice(firstPair);
  const query = words.join(' ').trim() || null;
  const problems: string[] = [];
  if (query !== null && query.length > MAX_QUERY_LENGTH) {
    problems.push(
      `The search is ${query.length} characters long; ${MAX_QUERY_LENGTH} is the most. A few words of the name, an email or an id is enough.`,
    );
  }
  if (verb === 'add') return parseAdd(words, pairs, problems, defaultCountry);
  if (verb === 'drift') {
    return rest.length === 0
      ? { kind: 'drift' }
      : {
          kind: 'invalid',
          problems: [
            '/contact drift takes nothing after it: it checks every linked member at once.',
          ],
        };
  }
  if (verb !== 'update') {
    if (pairs.length > 0) problems.push(NO_PAIRS[verb]);
    if ((verb === 'history' || verb === 'roles') && query === null) {
      problems.push(
        `Say whose ${verb === 'history' ? 'history' : 'roles'}: /contact ${verb} followed by a name, an email or an id.`,
      );
    }
    if (problems.length > 0) return { kind: 'invalid', problems };
    switch (verb) {
      case 'find':
        return { kind: 'find', query };
      case 'assign':
        return { kind: 'assign', query };
      default:
        return { kind: verb, query: query ?? '' };
    }
  }

  const prefill: Partial<Record<ContactField, string>> = {};
  const clear: ClearableField[] = [];
  const seen = new Set<string>();

  pairs.forEach((token) => {
    if (token.key === undefined) {
      problems.push(
        `"${token.text}" is not a field=value pair. Put values with spaces in quotes, for example job_title="VP, Customer Success".`,
      );
      return;
    }
    const field = token.key.toLowerCase();
    if (!isContactField(field)) {
      problems.push(`"${token.key}" is not a contact field. The fields are: ${FIELD_LIST}.`);
      return;
    }
    if (seen.has(field)) {
      problems.push(`${field} is given twice. Give each field once.`);
      return;
    }
    seen.add(field);
    if (token.text.trim() === '') {
      if (field === 'email') problems.push('email cannot be cleared: every contact needs one.');
      else clear.push(field);
      return;
    }
    const checked = normaliseField(field, token.text, defaultCountry);
    if (checked.ok) prefill[field] = token.text.trim();
    else problems.push(`${FIELD_LABELS[field]} (${field}): ${checked.reason}`);
  });

  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'update', query, prefill, clear };
}

const NO_PAIRS: Readonly<Record<Exclude<Verb, 'update' | 'add' | 'drift'>, string>> = {
  find: '/contact find only searches: leave out field=value, or use /contact update to change values.',
  history:
    '/contact history only shows what changed: leave out field=value, or use /contact update to change values.',
  roles:
    '/contact roles only lists roles: leave out field=value; each role has a Change role button.',
  assign:
    '/contact assign takes a name, an email or an id; the partner and the role go in the form.',
};

/**
 * `/contact add [email] [field=value …]`: the email may be the first word or `email=`; `role=`
 * chooses the role. Values are checked as the update's are; nothing is cleared (all is new).
 */
function parseAdd(
  words: readonly string[],
  pairs: readonly Token[],
  problems: string[],
  defaultCountry: CountryCode,
): ParsedCommand {
  const prefill: Partial<Record<Exclude<ContactField, 'email'>, string>> = {};
  let email: string | null = null;
  let role: Role | null = null;
  if (words.length > 1) {
    problems.push(
      `/contact add takes the new contact's email, then field=value: for example /contact add priya@example.com given_name=Priya role=csm. Put values with spaces in quotes.`,
    );
  } else if (words.length === 1 && words[0]) {
    email = words[0];
  }
  const seen = new Set<string>();
  for (const token of pairs) {
    if (token.key === undefined) {
      problems.push(
        `"${token.text}" is not a field=value pair. Put values with spaces in quotes, for example job_title="VP, Customer Success".`,
      );
      continue;
    }
    const key = token.key.toLowerCase();
    if (seen.has(key) || (key === 'email' && email !== null)) {
      problems.push(`${key} is given twice. Give each field once.`);
      continue;
    }
    seen.add(key);
    if (key === 'role') {
      role = parseRole(token.text);
      if (role === null) {
        problems.push(
          `"${token.text}" is not a role. The roles are: ${ROLES.map((r) => `${r} (${ROLE_LABELS[r]})`).join(', ')}.`,
        );
      }
      continue;
    }
    if (!isContactField(key)) {
      problems.push(`"${token.key}" is not a contact field. The fields are: ${FIELD_LIST}, role.`);
      continue;
    }
    if (token.text.trim() === '') continue; // nothing to clear on a new contact
    if (key === 'email') email = token.text;
    else prefill[key] = token.text.trim();
  }
  if (email !== null) {
    const checked = normaliseField('email', email, defaultCountry);
    if (checked.ok) email = checked.value;
    else problems.push(`Email: ${checked.reason}`);
  }
  for (const [field, value] of Object.entries(prefill) as [ContactField, string][]) {
    const checked = normaliseField(field, value, defaultCountry);
    if (!checked.ok) problems.push(`${FIELD_LABELS[field]} (${field}): ${checked.reason}`);
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'add', email, prefill, role };
}
