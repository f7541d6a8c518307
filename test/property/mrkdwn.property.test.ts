import type { ModalView } from '@slack/types';
import fc from 'fast-check';
import type { Book, BookEntry } from '../../src/book/book';
import { decodeSlackText, parseCommand } from '../../src/domain/command';
import {
  CONTACT_FIELDS,
  type ContactField,
  type ContactPatch,
  type ContactValues,
  displayName as contactDisplayName,
  type InternalContact,
  isValidContactId,
  valuesOf,
} from '../../src/domain/contact';
import { changedElsewhere, type FieldChange } from '../../src/domain/diff';
import type { FormErrors, FormKey } from '../../src/domain/form';
import { phoneForPeople } from '../../src/domain/phone';
import { createLogger } from '../../src/logger';
import {
  broadcastMentions,
  escapeLikeSlack,
  linkEmails,
  validateMessage,
  validateView,
} from '../../src/sandbox/slack';
import { makeContactCommand } from '../../src/slack/listeners/commands/contact';
import { confirmationMessage, type SlackMessage } from '../../src/slack/messages/confirmation';
import {
  bookUnavailableMessage,
  findResultsMessage,
  noMatchMessage,
  severalMatchesMessage,
} from '../../src/slack/messages/find';
import { historyMessage } from '../../src/slack/messages/history';
import {
  commandProblemMessage,
  confirmationUndeliveredMessage,
  savedNoticeMessage,
  saveFailedMessage,
} from '../../src/slack/messages/notices';
import {
  undoConfirmationMessage,
  undoFailedMessage,
  undoneOriginalMessage,
  undoRefusedMessage,
} from '../../src/slack/messages/undo';
import { escapeMrkdwn, escapeToFit, fitMrkdwn, truncate } from '../../src/slack/mrkdwn';
import { contactFormView, formForBookEntry } from '../../src/slack/views/contactForm';
import { savedView } from '../../src/slack/views/saveViews';
import { bookDouble } from '../fixtures';
import { memberDeps } from '../memberDeps';
import {
  conciseReport,
  DANGEROUS_FRAGMENTS,
  decodeEntities,
  fragmentString,
  hostileString,
  nullableHostile,
  SEED,
} from './arbitraries';

/**
 * Whatever a person types or Stuut returns, the mrkdwn the bot renders holds no markup of
 * theirs (no mention, broadcast or disguised link) and still reads as they typed it.
 */

const USER = 'U0ALICE';
const CHANNEL = 'C0OPS';
const RUNS = { seed: SEED, numRuns: 400, plugins: [conciseReport] };

// The markup the bot itself writes: the person's mention, the channel's, and date tokens.
const DATE_TOKEN =
  /<!date\^\d+\^\{date_short_pretty\} at \{time\}\|\d{4,}-\d\d-\d\d \d\d:\d\d UTC>/g;

/** Every mrkdwn text object in a message or view, with where it is. */
function mrkdwnTexts(value: unknown, path = ''): { path: string; text: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => mrkdwnTexts(item, `${path}/${i}`));
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own =
    record.type === 'mrkdwn' && typeof record.text === 'string'
      ? [{ path, text: record.text }]
      : [];
  return [
    ...own,
    ...Object.entries(record).flatMap(([key, child]) => mrkdwnTexts(child, `${path}/${key}`)),
  ];
}

/** No `<…>` but the bot's own, and every `&` starts one of Slack's three entities. */
function expectSafe(text: string, where: string): void {
  const rest = text
    .replace(DATE_TOKEN, '')
    .replaceAll(`<@${USER}>`, '')
    .replaceAll(`<#${CHANNEL}>`, '');
  const markup = /[<>]/.exec(rest);
  if (markup) {
    throw new Error(
      `${where}: markup not written by the bot at ${markup.index}: ${JSON.stringify(rest.slice(Math.max(0, markup.index - 40), markup.index + 40))}`,
    );
  }
  const amp = /&(?!amp;|lt;|gt;)/.exec(rest);
  if (amp) {
    throw new Error(
      `${where}: "&" that is not an entity (broken or unescaped) at ${amp.index}: ${JSON.stringify(rest.slice(Math.max(0, amp.index - 40), amp.index + 40))}`,
    );
  }
}

function expectSafeMessage(message: SlackMessage, where: string): void {
  expect(message.text.trim()).not.toBe('');
  expectSafe(message.text, `${where} text`);
  for (const { path, text } of mrkdwnTexts(message.blocks)) expectSafe(text, `${where}${path}`);
  expect(broadcastMentions(message)).toEqual([]);
  expect(validateMessage(message)).toEqual([]);
}

function expectSafeView(view: unknown, where: string): void {
  for (const { path, text } of mrkdwnTexts(view)) expectSafe(text, `${where}${path}`);
  expect(validateView(view)).toEqual([]);
}

/**
 * The documented cut of user text: at most `max` characters, the last one "…", and never
 * half of an entity (so a value that itself holds `&amp;` may lose that part at the cut).
 */
function visible(value: string, max: number): string[] {
  const chars = [...value];
  if (chars.length <= max) return [value];
  const cut = chars.slice(0, max - 1).join('');
  return [`${cut}…`, `${cut.replace(/&[a-z]{0,4}$/, '')}…`];
}

/**
 * `value` reads as typed in `mrkdwn` once Slack decodes its entities, cut to `max` characters.
 * When the whole text was cut to its own limit (`textLimit`), the value may fall after the cut.
 */
function expectShows(mrkdwn: string, value: string, max: number, textLimit?: number): void {
  if (value === '') return;
  const shown = decodeEntities(mrkdwn);
  const forms = visible(value, max);
  if (forms.some((form) => shown.includes(form))) return;
  const wasCut =
    textLimit !== undefined && mrkdwn.endsWith('…') && [...mrkdwn].length >= textLimit - 5;
  if (!wasCut) {
    throw new Error(
      `${JSON.stringify(forms[0]?.slice(0, 80))} does not read as typed in ${JSON.stringify(shown.slice(0, 200))}`,
    );
  }
}

/** `inner` is exactly `value` escaped, or a prefix of it cut with "…" near `limit`. */
function expectEscapedOrCut(inner: string, value: string, limit: number): void {
  const decoded = decodeEntities(inner);
  if (decoded === value) return;
  expect(inner.endsWith('…')).toBe(true);
  expect([...inner].length).toBeGreaterThanOrEqual(limit - 5);
  expect(value.startsWith(decoded.slice(0, -1))).toBe(true);
}

function sectionText(blocks: readonly unknown[], blockId: string): string {
  const block = blocks.find(
    (b): b is { block_id: string; text: { text: string } } =>
      typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === blockId,
  );
  if (!block) throw new Error(`no block ${blockId}`);
  return block.text.text;
}

function fieldTexts(blocks: readonly unknown[], blockId = 'contact'): string[] {
  const block = blocks.find(
    (b) =>
      typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === blockId,
  ) as { fields: { text: string }[] };
  return block.fields.map((field) => field.text);
}

function contextText(blocks: readonly unknown[], blockId: string): string {
  const block = blocks.find(
    (b) =>
      typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === blockId,
  ) as { elements: { text: string }[] } | undefined;
  if (!block) throw new Error(`no block ${blockId}`);
  return block.elements[0]?.text ?? '';
}

const validId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
const isoDate = fc
  .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
  .map((date) => date.toISOString());
const seenAt = fc.oneof({ weight: 4, arbitrary: isoDate }, { weight: 1, arbitrary: hostileString });

const contactArb: fc.Arbitrary<InternalContact> = fc.record({
  id: validId,
  object: fc.constant('internal_contact'),
  created_at: isoDate,
  modified_at: fc.option(isoDate, { nil: null }),
  email: hostileString,
  given_name: nullableHostile,
  family_name: nullableHostile,
  name: nullableHostile,
  phone: nullableHostile,
  job_title: nullableHostile,
});

const valuesArb: fc.Arbitrary<ContactValues> = fc.record({
  email: hostileString,
  given_name: nullableHostile,
  family_name: nullableHostile,
  name: nullableHostile,
  phone: nullableHostile,
  job_title: nullableHostile,
});

const saveArb = fc
  .record({
    contact: contactArb,
    fields: fc.subarray([...CONTACT_FIELDS], { minLength: 1 }),
    before: fc.option(
      fc.record(Object.fromEntries(CONTACT_FIELDS.map((f) => [f, nullableHostile]))),
      {
        nil: null,
      },
    ),
    seenAt,
  })
  .map(({ contact, fields, before, seenAt }) => ({
    contact,
    seenAt,
    changes: fields.map(
      (field): FieldChange => ({
        field,
        before: before ? (before[field] as string | null) : undefined,
        after: contact[field],
      }),
    ),
  }));

/** How a value is shown to people: phones in international format, everything else as it is. */
function forPeople(field: ContactField, value: string): string {
  return field === 'phone' ? phoneForPeople(value) : value;
}

function expectChangesShown(mrkdwn: string, changes: readonly FieldChange[], limit: number): void {
  for (const { field, before, after } of changes) {
    if (typeof before === 'string') expectShows(mrkdwn, forPeople(field, before), 300, limit);
    if (after !== null) expectShows(mrkdwn, forPeople(field, after), 300, limit);
  }
}

function expectFieldsShown(
  blocks: readonly unknown[],
  contact: Pick<InternalContact, ContactField>,
  blockId = 'contact',
): void {
  const texts = fieldTexts(blocks, blockId);
  CONTACT_FIELDS.forEach((field, i) => {
    const value = contact[field];
    const text = texts[i] ?? '';
    if (value === null || value === '') expect(text).toMatch(/\n_empty_$/);
    else
      expect(visible(forPeople(field, value), 300)).toContain(
        decodeEntities(text.slice(text.indexOf('\n') + 1)),
      );
  });
}

describe('escaping and cutting', () => {
  test.each([
    [
      'truncate(escapeMrkdwn(text))',
      (text: string, max: number) => truncate(escapeMrkdwn(text), max),
    ],
    [
      'fitMrkdwn(escapeMrkdwn(text))',
      (text: string, max: number) => fitMrkdwn(escapeMrkdwn(text), max),
    ],
    ['escapeToFit(text)', escapeToFit],
  ])(
    '%s: within the limit, no markup, no half entity, and a prefix of the text',
    (_name, render) => {
      fc.assert(
        fc.property(hostileString, fc.integer({ min: 2, max: 400 }), (text, max) => {
          const escaped = escapeMrkdwn(text);
          const out = render(text, max);
          expect([...out].length).toBeLessThanOrEqual(Math.max(max, 1));
          expect(out).not.toMatch(/[<>]/);
          expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/);
          const wasCut = out !== escaped;
          if (wasCut) expect(out.endsWith('…')).toBe(true);
          expect(text.startsWith(decodeEntities(wasCut ? out.slice(0, -1) : out))).toBe(true);
        }),
        { ...RUNS, numRuns: 2000 },
      );
    },
  );
});

describe('mrkdwn from arbitrary field values and command text', () => {
  test('the channel confirmation', () => {
    fc.assert(
      fc.property(saveArb, ({ contact, changes, seenAt }) => {
        const message = confirmationMessage({ contact, changes, userId: USER, seenAt });
        expectSafeMessage(message, 'confirmation');
        const name = contactDisplayName(contact);
        expectShows(message.text, name, 200);
        const summary = sectionText(message.blocks, 'summary');
        expectShows(summary, name, 200, 3000);
        expectChangesShown(summary, changes, 3000);
        expectFieldsShown(message.blocks, contact);
        expect(savedNoticeMessage(message).text).toContain(message.text);
      }),
      RUNS,
    );
  });

  /** Values the book had learned from Stuut before this save; Stuut now answers otherwise. */
  const elsewhereArb = fc.record({ learned: valuesArb, since: seenAt });

  test('the confirmation that notes values changed outside the bot', () => {
    let noted = 0;
    fc.assert(
      fc.property(saveArb, elsewhereArb, ({ contact, changes, seenAt }, { learned, since }) => {
        const patch = Object.fromEntries(changes.map((c) => [c.field, c.after])) as ContactPatch;
        const elsewhere = changedElsewhere(patch, learned, valuesOf(contact));
        const message = confirmationMessage({
          contact,
          changes,
          userId: USER,
          seenAt,
          changedElsewhere: { changes: elsewhere, since },
        });
        expectSafeMessage(message, 'confirmation with elsewhere');
        if (elsewhere.length === 0) return;
        noted++;
        const note = contextText(message.blocks, 'elsewhere');
        expectChangesShown(note, elsewhere, 3000);
        const shared = confirmationMessage({
          contact,
          changes,
          userId: USER,
          seenAt,
          shared: true,
          changedElsewhere: { changes: elsewhere, since },
        });
        expectSafeMessage(shared, 'shared confirmation with elsewhere');
        // Field names only: not one value that changed elsewhere.
        expect(contextText(shared.blocks, 'elsewhere')).toMatch(
          /: (email|given name|family name|full name|phone|job title)(, (email|given name|family name|full name|phone|job title))*\.$/,
        );
      }),
      RUNS,
    );
    expect(noted).toBeGreaterThan(RUNS.numRuns / 2);
  });

  test('the confirmation for a channel shared with another organisation', () => {
    fc.assert(
      fc.property(saveArb, ({ contact, changes, seenAt }) => {
        const message = confirmationMessage({
          contact,
          changes,
          userId: USER,
          seenAt,
          shared: true,
        });
        expectSafeMessage(message, 'shared confirmation');
      }),
      RUNS,
    );
  });

  test('the confirmation with a user id or date that is not what Slack and Stuut send', () => {
    fc.assert(
      fc.property(saveArb, hostileString, hostileString, ({ contact, changes }, userId, when) => {
        const message = confirmationMessage({ contact, changes, userId, seenAt: when });
        // Only an id of Slack's shape becomes a mention; anything else is shown as text.
        const mention = /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : null;
        for (const text of [message.text, ...mrkdwnTexts(message.blocks).map((m) => m.text)]) {
          const rest = (mention ? text.replaceAll(mention, '') : text).replace(DATE_TOKEN, '');
          expect(rest).not.toMatch(/[<>]/);
          expect(rest).not.toMatch(/&(?!amp;|lt;|gt;)/);
        }
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  test('the saved view in the modal', () => {
    fc.assert(
      fc.property(
        saveArb,
        fc.constantFrom(CHANNEL, null, 'D0DM', '<!channel>'),
        ({ contact, changes }, channel) => {
          const view = savedView({ contact, changes, confirmationChannelId: channel });
          expectSafeView(view, 'savedView');
          const summary = sectionText(view.blocks, 'saved');
          expectShows(summary, contactDisplayName(contact), Infinity, 3000);
          expectChangesShown(summary, changes, 3000);
          expectFieldsShown(view.blocks, contact);
        },
      ),
      RUNS,
    );
  });

  const formKeys: FormKey[] = ['contact_id', ...CONTACT_FIELDS, 'clear'];
  const notesArb: fc.Arbitrary<FormErrors> = fc.dictionary(
    fc.constantFrom(...formKeys),
    hostileString,
  ) as fc.Arbitrary<FormErrors>;
  const baselineValues = fc.record({
    email: fc.string({ maxLength: 254 }),
    given_name: fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: null }),
    family_name: fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: null }),
    name: fc.option(fragmentString, { nil: null }),
    phone: fc.option(fc.constant('+14155550100'), { nil: null }),
    job_title: fc.option(fragmentString, { nil: null }),
  });

  test('the form, with a notice at the top and notes under the inputs', () => {
    fc.assert(
      fc.property(
        fc.option(validId, { nil: null }),
        hostileString,
        notesArb,
        fc.option(
          fc.record({
            values: baselineValues,
            seenAt: isoDate,
            from: fc.constantFrom('stuut' as const, 'import' as const),
            version: fc.option(fc.nat(), { nil: null }),
          }),
          { nil: null },
        ),
        fc.option(hostileString, { nil: undefined }),
        fc.record({ picker: fc.boolean(), generation: fc.nat({ max: 1_000_000 }) }),
        (contactId, notice, notes, baseline, found, { picker, generation }) => {
          const view = contactFormView({
            contactId,
            typedContactId: contactId,
            values: {},
            clear: [],
            baseline,
            origin: { channelId: CHANNEL, responseUrl: null },
            notice,
            notes,
            picker,
            generation,
            ...(found === undefined ? {} : { found }),
          });
          expectSafeView(view, 'contactFormView');
          if (found) {
            const line = contextText(view.blocks, 'found');
            expect(line.startsWith(':mag: ')).toBe(true);
            expectEscapedOrCut(line.slice(':mag: '.length), found, 2900);
          }
          if (notice === '') {
            expect(view.blocks.some((b) => b.block_id === 'notice')).toBe(false);
            return;
          }
          const top = sectionText(view.blocks, 'notice');
          expect(top.startsWith(':x: *') && top.endsWith('*')).toBe(true);
          expectEscapedOrCut(top.slice(':x: *'.length, -1), notice, 2900);
          const waiting = picker && contactId === null;
          for (const [key, message] of Object.entries(notes)) {
            if (
              !message ||
              (key === 'clear' && baseline) ||
              (key === 'contact_id' && (contactId || picker)) ||
              (waiting && key !== 'contact_id')
            ) {
              expect(view.blocks.some((b) => b.block_id === `${key}__note`)).toBe(false);
              continue;
            }
            const block = view.blocks.find((b) => b.block_id === `${key}__note`) as {
              elements: { text: string }[];
            };
            const text = block.elements[0]?.text ?? '';
            expect(text.startsWith(':warning: ')).toBe(true);
            expectEscapedOrCut(text.slice(':warning: '.length), message, 2900);
          }
        },
      ),
      RUNS,
    );
  });

  /** Command text as Slack sends it: escaped, sometimes with its own links around emails. */
  const commandText = fc.oneof(
    hostileString,
    hostileString.map(escapeLikeSlack),
    hostileString.map((text) => linkEmails(escapeLikeSlack(text))),
    fc
      .tuple(fc.constantFrom('update ', 'update ic_7Qm2xK9a ', 'Update x ', ''), fragmentString)
      .map(([head, tail]) => escapeLikeSlack(head + tail)),
  );

  test('a refused command echoes what was typed', () => {
    let refused = 0;
    fc.assert(
      fc.property(commandText, (raw) => {
        const parsed = parseCommand(raw, 'US');
        if (parsed.kind !== 'invalid') return;
        refused++;
        const typed = decodeSlackText(raw);
        const message = commandProblemMessage(parsed.problems, typed);
        expectSafeMessage(message, 'commandProblem');
        const start =
          message.text.indexOf('You typed: `/contact ') + 'You typed: `/contact '.length;
        const end = message.text.lastIndexOf('`\nType `/contact help`');
        expectEscapedOrCut(message.text.slice(start, end), typed, 500);
        const head = "I couldn't act on that command:\n";
        expect(message.text.startsWith(head)).toBe(true);
        const list = message.text.slice(head.length, message.text.lastIndexOf('\nYou typed: `'));
        for (const problem of parsed.problems) expectShows(list, problem, Infinity, 2000);
      }),
      { ...RUNS, numRuns: 1000 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  /**
   * `/contact update|find <query>` through the real command listener, with a book that finds
   * one, several or no contacts with arbitrary values, or fails: every answer and every form
   * is safe, and an answer about the query shows it as typed.
   */
  const queryCommand = fc
    .tuple(
      fc.constantFrom('update ', 'find ', 'Update ', 'FIND '),
      fc.oneof(hostileString, fragmentString, validId, fc.constant('')),
      fc.constantFrom('', ' job_title="VP <!channel>"', ' phone= name=x'),
    )
    .map(([verb, query, pairs]) => escapeLikeSlack(`${verb}${query}${pairs}`));

  /** Text within Stuut's limits (255 characters, 254 for an email): what the book can learn. */
  const upTo = (max: number) => hostileString.map((text) => [...text].slice(0, max).join(''));
  const bookValuesArb: fc.Arbitrary<ContactValues> = fc.record({
    email: upTo(254),
    given_name: fc.option(upTo(255), { nil: null, freq: 5 }),
    family_name: fc.option(upTo(255), { nil: null, freq: 5 }),
    name: fc.option(upTo(255), { nil: null, freq: 5 }),
    phone: fc.option(fc.oneof(upTo(64), fc.constantFrom('+14155550100', '+442079460958')), {
      nil: null,
      freq: 5,
    }),
    job_title: fc.option(upTo(255), { nil: null, freq: 5 }),
  });

  const entryArb: fc.Arbitrary<BookEntry> = fc.record({
    id: validId,
    values: bookValuesArb,
    knownFrom: fc.constantFrom('stuut' as const, 'import' as const),
    modifiedAt: fc.constant(null),
    seenAt: fc.date({
      min: new Date('2000-01-01'),
      max: new Date('2100-01-01'),
      noInvalidDate: true,
    }),
    version: fc.nat(),
  });

  type BookMode = 'one' | 'several' | 'none' | 'fail';

  function fakeBook(mode: BookMode, found: BookEntry[]): Book {
    const fail = () => async (): Promise<never> => {
      throw new Error('the book is down');
    };
    if (mode === 'fail') return bookDouble({}, { otherwise: fail });
    const first = found[0] ?? null;
    return bookDouble(
      {
        get: async () => (mode === 'one' ? first : null),
        findByEmail: async () => (mode === 'one' ? first : null),
        search: async (_query: string, limit: number) =>
          mode === 'none'
            ? { matches: [], total: 0 }
            : mode === 'one'
              ? { matches: found.slice(0, 1), total: 1 }
              : { matches: found.slice(0, limit), total: found.length + 7 },
        recent: async (limit: number) => (mode === 'none' ? [] : found.slice(0, limit)),
      },
      { otherwise: fail },
    );
  }

  test('answers to update and find: the lists, no match, book unavailable, and the form', async () => {
    const listener = (book: Book) =>
      makeContactCommand({
        config: { defaultPhoneCountry: 'US' },
        logger: createLogger('silent'),
        editors: { check: async () => ({ allowed: true }), editors: null },
        book,
        history: book,
        bookWithinMs: 1_000,
        ...memberDeps(book, createLogger('silent')),
      });
    const seen = { forms: 0, messages: 0, foundLines: 0 };
    await fc.assert(
      fc.asyncProperty(
        queryCommand,
        fc.constantFrom<BookMode>('one', 'several', 'none', 'fail'),
        fc.array(entryArb, { minLength: 2, maxLength: 12 }),
        async (raw, mode, found) => {
          const parsed = parseCommand(raw, 'US');
          if (parsed.kind !== 'update' && parsed.kind !== 'find') return;
          const acks: unknown[] = [];
          const views: ModalView[] = [];
          const run = listener(fakeBook(mode, found));
          await run({
            command: {
              text: raw,
              channel_id: CHANNEL,
              response_url: 'https://hooks.slack.com/commands/T0/1/x',
              trigger_id: '1.2.3',
              user_id: USER,
              team_id: 'T0ACME',
            },
            ack: async (answer?: unknown) => {
              acks.push(answer);
            },
            respond: async () => undefined,
            client: {
              views: {
                open: async ({ view }: { view: ModalView }) => {
                  views.push(view);
                  return { ok: true };
                },
              },
            },
          } as unknown as Parameters<ReturnType<typeof listener>>[0]);
          expect(acks).toHaveLength(1);
          for (const view of views) {
            seen.forms++;
            expectSafeView(view, `form (${mode})`);
            if (view.blocks.some((b) => b.block_id === 'found')) seen.foundLines++;
          }
          const answer = acks[0] as SlackMessage | undefined;
          if (!answer?.blocks) {
            expect(views).toHaveLength(1);
            return;
          }
          seen.messages++;
          expect(views).toHaveLength(0);
          expectSafeMessage(answer, `answer (${mode})`);
          if (parsed.query !== null) {
            const first = answer.blocks.find((b) => b.type === 'section') as {
              text: { text: string };
            };
            expectShows(first.text.text, parsed.query, 200, 3000);
          }
        },
      ),
      { ...RUNS, numRuns: 600 },
    );
    expect(seen.forms).toBeGreaterThan(50);
    expect(seen.foundLines).toBeGreaterThan(20);
    expect(seen.messages).toBeGreaterThan(100);
  });

  test('the find messages with arbitrary contacts and queries, called directly', () => {
    fc.assert(
      fc.property(
        hostileString,
        fc.array(entryArb, { maxLength: 12 }),
        fc.nat({ max: 10_000 }),
        fc.boolean(),
        (query, entries, extra, idShaped) => {
          const total = entries.length + extra;
          const proposals = { prefill: { job_title: query.slice(0, 255) }, clear: [] };
          for (const message of [
            severalMatchesMessage(query, entries, total, proposals),
            findResultsMessage(query, entries, total),
            findResultsMessage(null, entries, entries.length),
            noMatchMessage(query, idShaped && isValidContactId(query), proposals),
            bookUnavailableMessage(query),
            bookUnavailableMessage(null),
          ]) {
            expectSafeMessage(message, 'find message');
          }
          const listed = findResultsMessage(query, entries, total);
          entries.slice(0, 10).forEach((entry, i) => {
            expectFieldsShown(listed.blocks, entry.values, `values_${i}`);
          });
        },
      ),
      RUNS,
    );
  });

  test('the form for a contact the book knows, with a line saying how it was found', () => {
    fc.assert(
      fc.property(
        entryArb,
        hostileString,
        fc.boolean(),
        fc.nat({ max: 1_000_000 }),
        (entry, found, picker, generation) => {
          const view = formForBookEntry(entry, {
            origin: { channelId: CHANNEL, responseUrl: null },
            found,
            picker,
            generation,
          });
          expectSafeView(view, 'formForBookEntry');
          if (found === '') return;
          const line = contextText(view.blocks, 'found');
          expectEscapedOrCut(line.slice(':mag: '.length), found, 2900);
        },
      ),
      RUNS,
    );
  });

  test('a refused command with arbitrary problems and typed text', () => {
    fc.assert(
      fc.property(
        fc.array(hostileString, { minLength: 1, maxLength: 5 }),
        hostileString,
        (problems, typed) => {
          const message = commandProblemMessage(problems, typed);
          expectSafeMessage(message, 'commandProblem');
          const start =
            message.text.indexOf('You typed: `/contact ') + 'You typed: `/contact '.length;
          const end = message.text.lastIndexOf('`\nType `/contact help`');
          expectEscapedOrCut(message.text.slice(start, end), typed, 500);
        },
      ),
      RUNS,
    );
  });

  const patchArb: fc.Arbitrary<ContactPatch> = fc.dictionary(
    fc.constantFrom(...CONTACT_FIELDS),
    fc.option(hostileString, { nil: null, freq: 5 }),
    { minKeys: 1 },
  ) as fc.Arbitrary<ContactPatch>;

  test('a failed save told as a message, with or without the values in its button', () => {
    fc.assert(
      fc.property(
        hostileString,
        validId,
        fc.boolean(),
        patchArb,
        (reason, contactId, idEditable, patch) => {
          const message = saveFailedMessage(reason, { contactId, idEditable, patch });
          expectSafeMessage(message, 'saveFailed');
          const prefix = `:x: Your change to contact \`${contactId}\` was not saved. `;
          expect(message.text.startsWith(prefix)).toBe(true);
          expectEscapedOrCut(message.text.slice(prefix.length), reason, 2500);
          const values = message.blocks.find((b) => b.block_id === 'values');
          if (values) {
            const text = sectionText(message.blocks, 'values');
            for (const value of Object.values(patch)) {
              if (value !== null) expectShows(text, value, Infinity, 3000);
            }
          }
        },
      ),
      RUNS,
    );
  });

  test('a confirmation that could not be posted, told to the person', () => {
    const slackError = fc.oneof(
      fc.constantFrom('not_in_channel', 'channel_not_found', 'is_archived', 'ratelimited'),
      fragmentString,
      fc.constantFrom(...DANGEROUS_FRAGMENTS),
    );
    fc.assert(
      fc.property(
        saveArb,
        fc.constantFrom(CHANNEL, null, '<!here>', 'C0OPS|x'),
        slackError,
        ({ contact, changes, seenAt }, channel, error) => {
          const confirmation = confirmationMessage({ contact, changes, userId: USER, seenAt });
          const message = confirmationUndeliveredMessage(confirmation, channel, error);
          expectSafeMessage(message, 'confirmationUndelivered');
          if (!['not_in_channel', 'channel_not_found', 'is_archived'].includes(error)) {
            expectShows(message.text, error, Infinity);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('mrkdwn of history and undo from arbitrary names and values', () => {
  const AT = new Date('2026-11-02T10:00:00.000Z');
  const changeRecord = (id: number, changes: FieldChange[], undoneBy: number | null = null) => ({
    id,
    contactId: 'ic_7Qm2xK9a',
    slackUser: USER,
    slackTeam: null,
    at: AT,
    source: 'form' as const,
    changes,
    modifiedAt: null,
    undoes: null,
    undoneBy,
    versionAfter: id,
    assignment: null,
  });

  test('a page of history: names and values shown as typed, never as markup', () => {
    fc.assert(
      fc.property(
        hostileString,
        fc.array(saveArb, { minLength: 0, maxLength: 12 }),
        fc.boolean(),
        (name, saves, hasOlder) => {
          const changes = saves.map((save, i) =>
            changeRecord(100 - i, save.changes, i % 3 ? null : 1),
          );
          const message = historyMessage({
            contactId: 'ic_7Qm2xK9a',
            name,
            changes,
            hasOlder,
            older: !hasOlder,
          });
          expectSafeMessage(message, 'history');
          const heading = message.blocks[0] as { text: { text: string } };
          const shown = /of \*(.*)\*/s.exec(heading.text.text)?.[1];
          expect(shown).toBeDefined();
          expectEscapedOrCut(shown ?? '', name, 200);
        },
      ),
      RUNS,
    );
  });

  test('the undo messages: its confirmation (shared or not), the original marked, the refusal', () => {
    fc.assert(
      fc.property(hostileString, saveArb, fc.boolean(), (name, { changes }, shared) => {
        const contact = {
          id: 'ic_prop1',
          email: 'p@example.com',
          name,
          given_name: null,
          family_name: null,
        };
        const confirmation = undoConfirmationMessage({
          undoerId: USER,
          originalUserId: USER,
          contact,
          changes,
          shared,
        });
        expectSafeMessage(confirmation, 'undo confirmation');
        const section = confirmation.blocks[0] as { text: { text: string } };
        const shownName = escapeToFit(name, 200);
        expectEscapedOrCut(shownName, name, 200);
        // Named as typed where values may be shown (a shared channel may show the id instead).
        if (!shared && name !== '') {
          expect(
            section.text.text.startsWith(
              `:leftwards_arrow_with_hook: <@${USER}> undid their own change to *${shownName}*:`,
            ),
          ).toBe(true);
        }
        const original = undoneOriginalMessage({
          originalUserId: USER,
          contact,
          changes,
          undoerId: USER,
          at: AT,
          shared,
        });
        expectSafeMessage(original, 'undone original');
        const refused = undoRefusedMessage({
          refusal: { kind: 'changed_since', fields: changes.map((c) => c.field) },
          contactId: 'ic_7Qm2xK9a',
          since: [changeRecord(7, changes)],
        });
        expectSafeMessage(refused, 'undo refused');
      }),
      RUNS,
    );
  });

  test('an undo Stuut refused: its reason (which quotes Stuut’s answer) shown, never as markup', () => {
    fc.assert(
      fc.property(hostileString, fc.boolean(), (detail, definite) => {
        // What StuutHttpError.userMessage makes of a 409 or a 422 that names no field.
        const failed = undoFailedMessage(`Stuut refused the change: ${detail}.`, definite);
        expectSafeMessage(failed, 'undo failed');
      }),
      RUNS,
    );
  });
});
