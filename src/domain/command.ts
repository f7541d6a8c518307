import type { CountryCode } from 'libphonenumber-js/max';
import { CONTACT_FIELDS, type ContactField, FIELD_LABELS, isContactField } from './contact';
import { type ClearableField, contactIdProblem, normaliseField } from './form';

export type ParsedCommand =
  | { kind: 'help' }
  | {
      kind: 'update';
      contactId: string | null;
      /** Proposed new values, as typed. */
      prefill: Partial<Record<ContactField, string>>;
      /** Fields proposed for clearing with `field=`. */
      clear: ClearableField[];
    }
  | { kind: 'invalid'; problems: string[] };

const FIELD_LIST = CONTACT_FIELDS.join(', ');
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
  if (sub.key !== undefined || sub.text.toLowerCase() !== 'update') {
    const name = sub.key !== undefined ? `${sub.key}=${sub.text}` : sub.text;
    return {
      kind: 'invalid',
      problems: [
        `"${name}" is not a /contact command. The command is /contact update <contact-id>.`,
      ],
    };
  }

  const problems: string[] = [];
  let contactId: string | null = null;
  const prefill: Partial<Record<ContactField, string>> = {};
  const clear: ClearableField[] = [];
  const seen = new Set<string>();

  rest.forEach((token, index) => {
    if (token.key === undefined) {
      if (index === 0) {
        contactId = token.text;
        const problem = contactIdProblem(token.text);
        if (problem) problems.push(problem);
      } else {
        problems.push(
          `"${token.text}" is not a field=value pair. Put values with spaces in quotes, for example job_title="VP, Customer Success".`,
        );
      }
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
  return { kind: 'update', contactId, prefill, clear };
}
