import fc from 'fast-check';
import { decodeSlackText, parseCommand } from '../../src/domain/command';
import { CONTACT_FIELDS, type ContactPatch, type InternalContact } from '../../src/domain/contact';
import type { FieldChange } from '../../src/domain/diff';
import type { FormErrors, FormKey } from '../../src/domain/form';
import {
  broadcastMentions,
  escapeLikeSlack,
  linkEmails,
  validateMessage,
  validateView,
} from '../../src/sandbox/slack';
import { confirmationMessage, type SlackMessage } from '../../src/slack/messages/confirmation';
import { contactDisplayName } from '../../src/slack/messages/contactText';
import {
  commandProblemMessage,
  confirmationUndeliveredMessage,
  savedNoticeMessage,
  saveFailedMessage,
} from '../../src/slack/messages/notices';
import { escapeMrkdwn, escapeToFit, fitMrkdwn, truncate } from '../../src/slack/mrkdwn';
import { contactFormView } from '../../src/slack/views/contactForm';
import { savedView } from '../../src/slack/views/saveViews';
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

function fieldTexts(blocks: readonly unknown[]): string[] {
  const block = blocks.find(
    (b) =>
      typeof b === 'object' && b !== null && (b as { block_id?: unknown }).block_id === 'contact',
  ) as { fields: { text: string }[] };
  return block.fields.map((field) => field.text);
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

function expectChangesShown(mrkdwn: string, changes: readonly FieldChange[], limit: number): void {
  for (const { before, after } of changes) {
    if (typeof before === 'string') expectShows(mrkdwn, before, 300, limit);
    if (after !== null) expectShows(mrkdwn, after, 300, limit);
  }
}

function expectFieldsShown(blocks: readonly unknown[], contact: InternalContact): void {
  const texts = fieldTexts(blocks);
  CONTACT_FIELDS.forEach((field, i) => {
    const value = contact[field];
    const text = texts[i] ?? '';
    if (value === null || value === '') expect(text).toMatch(/\n_empty_$/);
    else expect(visible(value, 300)).toContain(decodeEntities(text.slice(text.indexOf('\n') + 1)));
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
        fc.option(fc.record({ values: baselineValues, seenAt: isoDate }), { nil: null }),
        (contactId, notice, notes, baseline) => {
          const view = contactFormView({
            contactId,
            typedContactId: contactId,
            values: {},
            clear: [],
            baseline,
            origin: { channelId: CHANNEL, responseUrl: null },
            notice,
            notes,
          });
          expectSafeView(view, 'contactFormView');
          if (notice === '') {
            expect(view.blocks.some((b) => b.block_id === 'notice')).toBe(false);
            return;
          }
          const top = sectionText(view.blocks, 'notice');
          expect(top.startsWith(':x: *') && top.endsWith('*')).toBe(true);
          expectEscapedOrCut(top.slice(':x: *'.length, -1), notice, 2900);
          for (const [key, message] of Object.entries(notes)) {
            if (!message || (key === 'clear' && baseline) || (key === 'contact_id' && contactId)) {
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

  test('a refused command echoes what was typed, and the form opens only for an update', () => {
    fc.assert(
      fc.property(commandText, (raw) => {
        const parsed = parseCommand(raw, 'US');
        if (parsed.kind === 'update') {
          const view = contactFormView({
            contactId: parsed.contactId,
            values: parsed.prefill,
            clear: parsed.clear,
            baseline: null,
            origin: { channelId: CHANNEL, responseUrl: 'https://hooks.slack.com/x' },
          });
          expectSafeView(view, 'command form');
          return;
        }
        if (parsed.kind === 'help') return;
        const typed = decodeSlackText(raw);
        const message = commandProblemMessage(parsed.problems, typed);
        expectSafeMessage(message, 'commandProblem');
        const start =
          message.text.indexOf('You typed: `/contact ') + 'You typed: `/contact '.length;
        const end = message.text.lastIndexOf('`\nType `/contact help`');
        expectEscapedOrCut(message.text.slice(start, end), typed, 500);
        const head = "I couldn't open the form:\n";
        expect(message.text.startsWith(head)).toBe(true);
        const list = message.text.slice(head.length, message.text.lastIndexOf('\nYou typed: `'));
        for (const problem of parsed.problems) expectShows(list, problem, Infinity, 2000);
      }),
      { ...RUNS, numRuns: 1000 },
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
