import { performance } from 'node:perf_hooks';
import { runInThisContext } from 'node:vm';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { parseCommand } from '../../src/domain/command';
import {
  CLEARABLE_FIELDS,
  CONTACT_FIELDS,
  type ContactValues,
  isContactField,
  isValidContactId,
} from '../../src/domain/contact';
import { normaliseField } from '../../src/domain/form';
import {
  escapeLikeSlack,
  interpretViewSubmissionAck,
  LIMITS,
  linkEmails,
  type StoredView,
  signSlackRequest,
  toSlackView,
  validateView,
} from '../../src/sandbox/slack';
import { seedContacts } from '../../src/sandbox/stuut';
import { ACTION_ID, PICKER_BLOCK_ID } from '../../src/slack/ids';
import {
  type Baseline,
  decodeFormMetadata,
  decodeOpenContactButton,
  encodeFormMetadata,
  type FormMetadata,
} from '../../src/slack/metadata';
import { contactFormView, inputBlockId } from '../../src/slack/views/contactForm';
import { type Harness, SECRETS, startHarness } from '../e2e/harness';
import { conciseReport, DANGEROUS_FRAGMENTS, hostileString, SEED } from '../property/arbitraries';

/**
 * Bad input at volume: seeded, repeatable random form submissions and command texts against
 * the real app over loopback. Each submission ends in a valid PATCH or in inline errors on
 * inputs of that form; nothing crashes, answers 500, rejects unhandled or acknowledges late.
 *
 * Forms come in every shape the bot opens: without known values (empty keeps, with "Clear
 * these fields"), with known values from the contact book (emptied clears), with the contact
 * picker, and refilled with a later generation of input block ids. The harness's book holds
 * the seeded contacts, as an import would.
 */

const SUBMISSIONS = Number(process.env.FUZZ_SUBMISSIONS ?? 8_500);
const COMMANDS = Number(process.env.FUZZ_COMMANDS ?? 1_500);
const ACK_LIMIT_MS = 3_000;
const USER = 'U0ALICE';
const CHANNEL = 'C0OPS';
const CONTACTS = seedContacts();
const CONTACT_IDS = CONTACTS.map((c) => c.id);
const REAL_FORMS = Number(process.env.FUZZ_REAL_FORMS ?? 400);
const SUGGESTIONS = Number(process.env.FUZZ_SUGGESTIONS ?? 1_000);
const HUNDRED_KB = 100 * 1024;

// ---------------------------------------------------------------------------------------------
// Inputs

/** Characters that break naive code: controls, NUL, direction marks, zero-width, emoji, RTL. */
const ODD_CHARACTERS = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b',
  '\u007f',
  '\t',
  '\n',
  '\r',
  '\u0085',
  '\u00a0',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧',
  '🏳️‍🌈',
  '🇳🇱',
  'é',
  'e\u0301',
  'ß',
  'İ',
  'ع',
  'עברית',
  '中文',
  'a',
  'Z',
  '0',
  ' ',
  '@',
  '.',
  '+',
  '-',
  '"',
  "'",
];

const oddString = fc.string({ unit: fc.constantFrom(...ODD_CHARACTERS), maxLength: 40 });

const numberAsString = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc.constantFrom('0', '-0', '1e999', 'NaN', 'Infinity', '0x1F', '4155550100', '+1', '00', '١٢٣'),
);

/** About 100 KB of one repeated piece: past every limit the bot or Stuut has. */
const hundredKb = fc
  .constantFrom('x', '😀', '<!channel>', '\u0000', '&lt;', 'a@b.co ', '+1 415 555 0100 ', 'é\u200f')
  .map((piece) => piece.repeat(Math.ceil(HUNDRED_KB / piece.length)));

const junk = fc.oneof(
  { weight: 50, arbitrary: hostileString },
  { weight: 30, arbitrary: oddString },
  { weight: 20, arbitrary: numberAsString },
  // Rare, because each costs a 100 KB+ request; still hundreds of them over the run.
  { weight: 2, arbitrary: hundredKb },
);

const VALID_PHONES = [
  '+14155550100',
  '(415) 555-0123',
  '415.555.0147',
  '+1 212 555 0147',
  '+44 20 7946 0958',
  '+442079460958',
  '+31 20 123 4567',
  '  +1 (415) 555-0100  ',
  '+1 415 555 0100 ext 12',
  '555-01',
  '020 7946 0958',
];

const emailLike = fc.oneof(
  fc.emailAddress(),
  fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z0-9._+-]{0,20}$/),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
      fc.constantFrom('example', 'co.uk', 'io', 'test'),
    )
    .map(([local, domain, tld]) => `${local}@${domain}.${tld}`),
);

/** Plausible values per field, so that a good share of submissions saves. */
const plausible: Record<(typeof CONTACT_FIELDS)[number], fc.Arbitrary<string>> = {
  email: emailLike,
  given_name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  family_name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
  phone: fc.constantFrom(...VALID_PHONES),
  job_title: fc
    .array(fc.constantFrom(...DANGEROUS_FRAGMENTS, 'VP', 'Customer Success', 'R&D', 'Lead'), {
      minLength: 1,
      maxLength: 8,
    })
    .map((parts) => parts.join(' ')),
};

/** Something a JSON payload can hold in place of a string. */
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** One entry of view.state.values[block_id]: what Slack sends, or what it never would. */
function textEntry(type: string, value: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 14, arbitrary: value.map((v) => ({ value: { type, value: v } })) },
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant({ value: { type, value: null } }) },
    { weight: 1, arbitrary: fc.constant({ value: { type } }) },
    { weight: 1, arbitrary: wrongType.map((v) => ({ value: { type, value: v } })) },
    { weight: 1, arbitrary: wrongType },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        'a@b.co',
        42,
        { value: null },
        { value: 'a@b.co' },
        { other_action: { type, value: 'a@b.co' } },
        { value: { type, value: 'a@b.co', selected_options: 'x' } },
      ),
    },
  );
}

function fieldEntry(field: (typeof CONTACT_FIELDS)[number]): fc.Arbitrary<unknown> {
  const type = field === 'email' ? 'email_text_input' : 'plain_text_input';
  return textEntry(
    type,
    fc.oneof(
      { weight: 9, arbitrary: plausible[field] },
      { weight: 3, arbitrary: junk },
      { weight: 1, arbitrary: fc.constant('') },
    ),
  );
}

const typedContactId = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...CONTACT_IDS) },
  { weight: 1, arbitrary: fc.constantFrom(...CONTACT_IDS).map((id) => ` ${id}\t`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '../x',
      '%2e%2e',
      'a/b',
      '?q=1',
      '#f',
      'a b',
      'ïd',
      'priya.raman@northwind.example',
      'ic_unknown_404',
    ),
  },
  { weight: 2, arbitrary: junk },
);

const option = (value: unknown) => ({ text: { type: 'plain_text', text: String(value) }, value });

const clearEntry: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  {
    weight: 4,
    arbitrary: fc
      .subarray([...CLEARABLE_FIELDS])
      .map((values) => ({ value: { type: 'checkboxes', selected_options: values.map(option) } })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      { value: { type: 'checkboxes', selected_options: [option('email')] } },
      { value: { type: 'checkboxes', selected_options: [option('nope')] } },
      { value: { type: 'checkboxes', selected_options: 'email' } },
      { value: { type: 'checkboxes', selected_options: { value: 'phone' } } },
      { value: { type: 'checkboxes', selected_options: null } },
      { value: { type: 'checkboxes', selected_options: [1, null, 'phone', { value: 3 }, {}] } },
      { value: { type: 'checkboxes' } },
      { value: 'phone' },
      [],
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(junk.map(option), wrongType), { maxLength: 4 })
      .map((selected) => ({ value: { type: 'checkboxes', selected_options: selected } })),
  },
);

/**
 * fixed: an id without known values; typed: the id is typed in the form; baseline: known
 * values (a book entry or an Edit button); picker-waiting: the picker, no contact chosen yet;
 * picker-chosen: the picker with a contact chosen, refilled (known values or not).
 */
type Shape = 'fixed' | 'typed' | 'baseline' | 'picker-waiting' | 'picker-chosen';

const baselineValues: fc.Arbitrary<ContactValues> = fc.oneof(
  fc.constantFrom(...CONTACTS).map(
    (c): ContactValues => ({
      email: c.email,
      given_name: c.given_name,
      family_name: c.family_name,
      name: c.name,
      phone: c.phone,
      job_title: c.job_title,
    }),
  ),
  fc.record({
    email: plausible.email,
    given_name: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    family_name: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
    name: fc.option(
      hostileString.map((s) => s.slice(0, 100)),
      { nil: null },
    ),
    phone: fc.option(fc.constantFrom('+14155550100', '0207 946 0958', 'not a phone'), {
      nil: null,
    }),
    job_title: fc.option(fc.string({ maxLength: 40 }), { nil: null }),
  }),
);

const garbageMetadata = fc.oneof(
  hostileString,
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '',
    'null',
    '[]',
    '{}',
    '{"c":null}',
    '{"c":"../x","ch":null,"r":null,"b":null}',
    '{"c":"ic_7Qm2xK9a/../x","ch":"C0OPS","r":null,"b":null}',
    '{"c":1,"ch":2,"r":3,"b":4}',
    '{"c":"ic_7Qm2xK9a","ch":"C0OPS","r":null,"b":{"v":[1,2,3],"t":0}}',
    '{"__proto__":{"c":"ic_7Qm2xK9a"},"ch":null,"r":null,"b":null}',
    '{"c":"ic_7Qm2xK9a","ch":"C0OPS","r":null,"b":null',
  ),
);

const submissionArb = fc.record({
  shape: fc.constantFrom<Shape>(
    'fixed',
    'fixed',
    'fixed',
    'typed',
    'baseline',
    'baseline',
    'baseline',
    'picker-waiting',
    'picker-chosen',
    'picker-chosen',
  ),
  contactId: fc.constantFrom(...CONTACT_IDS),
  baseline: baselineValues,
  /** Where known values come from, and the book's version of them. */
  from: fc.constantFrom<Baseline['from']>('stuut', 'import'),
  /**
   * None; the book's version at the moment of Save (a form nobody saved over); or any other
   * (a form someone saved over since it opened, stopped as stale).
   */
  version: fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: fc.constant('book' as const) },
    { weight: 1, arbitrary: fc.nat() },
  ),
  /** A picker form's chosen contact has known values. */
  pickedKnown: fc.boolean(),
  /** 0 for a form as opened; later generations after the picker refilled it. */
  generation: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
  ),
  /** What the picker holds at Save: the form's contact, another, nothing, or junk. */
  picked: fc.constantFrom(
    ...Array<'same' | 'other' | 'none' | 'junk'>(6).fill('same'),
    'other',
    'none',
    'junk',
  ),
  /** Rarely, state keyed by generation-0 block ids in a later-generation form. */
  staleIds: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  fields: fc.record(
    Object.fromEntries(CONTACT_FIELDS.map((field) => [field, fieldEntry(field)])) as Record<
      (typeof CONTACT_FIELDS)[number],
      fc.Arbitrary<unknown>
    >,
  ),
  contactIdEntry: textEntry('plain_text_input', typedContactId),
  clear: clearEntry,
  extraBlocks: fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
      }),
    },
  ),
  /** What happens to state and private_metadata as a whole. */
  state: fc.constantFrom(
    ...Array<string>(24).fill('normal'),
    'no-state',
    'state-null',
    'values-null',
    'values-string',
    'values-array',
  ),
  /** null: the form's own private_metadata; otherwise garbage in its place. */
  metadata: fc.oneof(
    { weight: 12, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: garbageMetadata },
  ),
});

type Submission = typeof submissionArb extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// The run

interface Counts {
  submissions: number;
  patches: number;
  saved: number;
  answeredWithError: number;
  inlineErrors: number;
  outOfDate: number;
  /** Submissions of forms with the picker, and of refilled forms (generation > 0). */
  pickerForms: number;
  laterGeneration: number;
  patchesLaterGeneration: number;
  patchesWithPicker: number;
  /** Picker forms refused at Save: no contact chosen, or another one than the form's. */
  pickerRefused: number;
  /** Forms opened on an older version of the contact than the book's: stopped and merged. */
  staleForms: number;
  commands: number;
  commandForms: number;
  commandLists: number;
  commandHelp: number;
  commandProblems: number;
  realForms: number;
  realFormsKnown: number;
  realFormsBlank: number;
  realFormsPicked: number;
  realPatches: number;
  suggestions: number;
  maxAckMs: number;
  /** The slowest acknowledgement of each kind of request. */
  slowest: Record<string, number>;
  /** Submissions whose request carried 100 KB or more. */
  large: number;
}

const E164 = /^\+[1-9]\d{6,14}$/;
// Control characters, lone surrogates and line/paragraph separators, as the bot refuses them.
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u;

/** A cheap assertion for the hot loop: jest's expect builds a stack trace per call. */
function check(ok: boolean, problem: () => string): asserts ok {
  if (!ok) throw new Error(problem());
}

const short = (value: unknown) => String(JSON.stringify(value)).slice(0, 300);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A PATCH body the API should get from this bot: known keys, checked values, E.164 phones. */
function checkPatch(body: unknown, rawPath: string): void {
  const id = decodeURIComponent(rawPath.replace(/^\/v2\/internal-contacts\//, ''));
  check(
    rawPath === `/v2/internal-contacts/${encodeURIComponent(id)}` && isValidContactId(id),
    () => `PATCH to ${short(rawPath)}`,
  );
  check(isRecord(body) && Object.keys(body).length > 0, () => `PATCH body ${short(body)}`);
  for (const [key, value] of Object.entries(body)) {
    check(isContactField(key), () => `PATCH body has key ${short(key)}`);
    if (value === null) {
      check(key !== 'email', () => 'PATCH clears the email');
      continue;
    }
    check(typeof value === 'string', () => `${key} is ${short(value)}, not a string or null`);
    check(value !== '' && value === value.trim(), () => `${key} ${short(value)} is not trimmed`);
    if (key === 'phone') {
      check(E164.test(value), () => `phone ${short(value)} is not E.164`);
      const again = normaliseField('phone', value, 'US');
      check(again.ok && again.value === value, () => `phone ${short(value)} is not valid`);
    } else if (key === 'email') {
      const again = normaliseField('email', value, 'US');
      check(again.ok && again.value === value, () => `email ${short(value)} is not valid`);
    } else {
      check(!FORBIDDEN.test(value), () => `${key} ${short(value)} has control characters`);
      check([...value].length <= 255, () => `${key} is longer than 255 characters`);
    }
  }
}

describe('fuzz: form submissions and command texts against the real app', () => {
  let h: Harness;
  let agent: Agent;
  let realProcess: NodeJS.Process;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => {
    unhandled.push(reason);
  };
  const counts: Counts = {
    submissions: 0,
    patches: 0,
    saved: 0,
    answeredWithError: 0,
    inlineErrors: 0,
    outOfDate: 0,
    pickerForms: 0,
    laterGeneration: 0,
    patchesLaterGeneration: 0,
    patchesWithPicker: 0,
    pickerRefused: 0,
    staleForms: 0,
    commands: 0,
    commandForms: 0,
    commandLists: 0,
    commandHelp: 0,
    commandProblems: 0,
    realForms: 0,
    realFormsKnown: 0,
    realFormsBlank: 0,
    realFormsPicked: 0,
    realPatches: 0,
    suggestions: 0,
    maxAckMs: 0,
    slowest: {},
    large: 0,
  };

  beforeAll(async () => {
    // Jest gives each test file its own `process` object; the app's promises reject on the real one.
    realProcess = runInThisContext('process') as NodeJS.Process;
    realProcess.on('unhandledRejection', onUnhandled);
    process.on('unhandledRejection', onUnhandled);
    h = await startHarness();
    agent = new Agent({ connections: 4, keepAliveTimeout: 30_000 });
  });

  afterAll(async () => {
    await agent?.close();
    await h?.close();
    realProcess?.off('unhandledRejection', onUnhandled);
    process.off('unhandledRejection', onUnhandled);
    console.log(
      [
        'fuzz summary:',
        `${counts.submissions + counts.commands} cases`,
        `${counts.submissions} form submissions → ${counts.patches} PATCHes (${counts.saved} saved, ${counts.answeredWithError} answered by Stuut with an error), ${counts.inlineErrors} inline-error answers (${counts.outOfDate} out-of-date forms); ${counts.large} requests of 100 KB or more`,
        `  of them ${counts.pickerForms} with the picker (${counts.patchesWithPicker} PATCHes, ${counts.pickerRefused} refused for the choice) and ${counts.laterGeneration} refilled (${counts.patchesLaterGeneration} PATCHes)`,
        `${counts.commands} slash commands → ${counts.commandForms} forms opened, ${counts.commandLists} answered with a list or no match, ${counts.commandHelp} help, ${counts.commandProblems} refused with problems`,
        `${counts.realForms} forms the app opened (${counts.realFormsKnown} with known values, ${counts.realFormsBlank} blank via "Open the form for id", ${counts.realFormsPicked} refilled by the picker) → ${counts.realPatches} PATCHes`,
        `${counts.suggestions} picker suggestions`,
        `slowest acknowledgement ${Math.round(counts.maxAckMs)} ms (${Object.entries(counts.slowest)
          .map(([kind, ms]) => `${kind} ${Math.round(ms)} ms`)
          .join(', ')})`,
      ].join('\n  '),
    );
  });

  /** Keeps the slowest acknowledgement, overall and by kind of request. */
  function timed(kind: string, ms: number): void {
    counts.maxAckMs = Math.max(counts.maxAckMs, ms);
    counts.slowest[kind] = Math.max(counts.slowest[kind] ?? 0, ms);
  }

  /** Signs and posts a body the way Slack does, over a keep-alive connection. */
  async function post(body: string): Promise<{ status: number; text: string; ms: number }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const response = await request(`${h.baseUrl}/slack/events`, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(SECRETS.signingSecret, timestamp, body),
      },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await response.body.text();
    return { status: response.statusCode, text, ms: performance.now() - started };
  }

  /** A view_submission body for this view, with this state, as Slack would post it. */
  function submissionBody(
    view: {
      callback_id?: string;
      title: unknown;
      submit?: unknown;
      close?: unknown;
      blocks: unknown[];
    },
    metadata: string,
    state: unknown,
    n: number,
    viewId = `VFUZZ${n.toString(36).toUpperCase()}`,
  ): string {
    const payload = {
      type: 'view_submission',
      team: { id: h.slack.teamId, domain: h.slack.teamDomain },
      user: { id: USER, username: 'alice', name: 'alice', team_id: h.slack.teamId },
      api_app_id: h.slack.appId,
      token: 'legacy-verification-token',
      trigger_id: `${Math.floor(Date.now() / 1000)}.${n}.fuzz`,
      view: {
        id: viewId,
        team_id: h.slack.teamId,
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: metadata,
        external_id: '',
        title: view.title,
        submit: view.submit,
        close: view.close,
        blocks: view.blocks,
        ...(state === undefined ? {} : { state }),
        hash: `1700000000.${n}`,
        root_view_id: viewId,
        previous_view_id: null,
        app_id: h.slack.appId,
        bot_id: h.slack.botId,
        app_installed_team_id: h.slack.teamId,
        clear_on_close: false,
        notify_on_close: false,
        submit_disabled: false,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    return new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
  }

  /** The picker's state: the form's contact, another one, nothing chosen, or junk. */
  function pickerEntry(
    picked: Submission['picked'],
    contactId: string | null,
  ): {
    entry: unknown;
    value: string | null;
  } {
    const other = CONTACT_IDS.find((id) => id !== contactId) ?? 'ic_other';
    const value = picked === 'same' ? contactId : picked === 'other' ? other : null;
    if (picked === 'junk') return { entry: { [ACTION_ID.pickContact]: 42 }, value: null };
    return {
      entry: {
        [ACTION_ID.pickContact]: {
          type: 'external_select',
          selected_option: value === null ? null : option(value),
        },
      },
      value,
    };
  }

  /** The form the bot would have opened for this case, and the payload Slack would send for it. */
  function buildCase(s: Submission, n: number, bookVersion: number | null) {
    const picker = s.shape === 'picker-waiting' || s.shape === 'picker-chosen';
    const contactId = s.shape === 'typed' || s.shape === 'picker-waiting' ? null : s.contactId;
    const known = s.shape === 'baseline' || (s.shape === 'picker-chosen' && s.pickedKnown);
    const baseline: Baseline | null = known
      ? {
          values: s.baseline,
          seenAt: '2026-11-01T10:00:00.000Z',
          from: s.from,
          version: s.version === 'book' ? bookVersion : s.version,
        }
      : null;
    const intended: FormMetadata = {
      contactId,
      origin: { channelId: CHANNEL, responseUrl: null },
      baseline,
      // A form waiting for a pick was never refilled.
      generation: s.shape === 'picker-waiting' ? 0 : s.generation,
      picker,
      source: 'form',
    };
    const metadata = s.metadata ?? encodeFormMetadata(intended);
    // The form matches its metadata: Slack returns both as the bot sent them.
    const decoded = decodeFormMetadata(metadata);
    const shown = decoded ?? { ...intended, generation: 0, picker: false };
    const view = contactFormView({
      contactId: shown.contactId,
      values: {},
      clear: [],
      baseline: shown.baseline,
      origin: { channelId: CHANNEL, responseUrl: null },
      picker: shown.picker,
      generation: shown.generation,
    });
    const inputIds = view.blocks.flatMap((b) =>
      b.type === 'input' && typeof b.block_id === 'string' ? [b.block_id] : [],
    );

    const g = s.staleIds ? 0 : shown.generation;
    const values: Record<string, unknown> = { ...(s.extraBlocks ?? {}) };
    for (const field of CONTACT_FIELDS) values[inputBlockId(field, g)] = s.fields[field];
    values[inputBlockId('contact_id', g)] = s.contactIdEntry;
    values[inputBlockId('clear', g)] = s.clear;
    const pick = pickerEntry(s.picked, shown.contactId);
    if (shown.picker) values[PICKER_BLOCK_ID] = pick.entry;
    const state =
      s.state === 'no-state'
        ? undefined
        : s.state === 'state-null'
          ? null
          : s.state === 'values-null'
            ? { values: null }
            : s.state === 'values-string'
              ? { values: 'email=a@b.co' }
              : s.state === 'values-array'
                ? { values: [values] }
                : { values };
    // Without readable state, nothing is picked.
    const picked = s.state === 'normal' && shown.picker ? pick.value : null;
    return {
      body: submissionBody(view, metadata, state, n),
      inputIds,
      outOfDate: decoded === null,
      metadata: decoded,
      picked,
    };
  }

  /** The contact form again, with the notice that someone saved since it was opened. */
  function isStaleForm(outcome: ReturnType<typeof interpretViewSubmissionAck>): boolean {
    if (outcome.action !== 'update') return false;
    const view = outcome.view as { callback_id?: unknown; blocks?: unknown };
    return (
      view.callback_id === 'contact_update' &&
      JSON.stringify(view.blocks ?? []).includes('Not saved: since you opened this form')
    );
  }

  /**
   * Checks one answer to a submission: 200 in time, then a single valid PATCH for the form's
   * contact, or inline errors on inputs this form has. Returns the contact id PATCHed, if any.
   */
  function checkSubmission(
    ack: { status: number; text: string; ms: number },
    sent: typeof h.stuut.requests,
    inputIds: string[],
    formContactId: string | null,
  ): { patched: string | null; outcome: ReturnType<typeof interpretViewSubmissionAck> } {
    timed('view_submission', ack.ms);
    check(ack.status === 200, () => `HTTP ${ack.status}: ${ack.text.slice(0, 300)}`);
    check(ack.ms < ACK_LIMIT_MS, () => `acknowledged after ${Math.round(ack.ms)} ms`);
    const outcome = interpretViewSubmissionAck(
      { status: ack.status, ms: ack.ms, text: ack.text, timedOut: false },
      inputIds,
    );
    check(outcome.action !== 'refused', () => `Slack refuses the answer: ${short(outcome)}`);
    if (sent.length === 0) {
      // No request: the answer must be errors on inputs this form has, or the form again,
      // merged, for a form opened on an older version of the contact than the book's.
      check(
        outcome.action === 'errors' || isStaleForm(outcome),
        () => `no PATCH, no inline errors and no stale-form notice: ${ack.text.slice(0, 300)}`,
      );
      if (outcome.action === 'update') {
        const problems = validateView(outcome.view);
        check(problems.length === 0, () => `Slack refuses the view: ${problems.join('; ')}`);
      }
      return { patched: null, outcome };
    }
    check(sent.length === 1, () => `${sent.length} requests for one submission`);
    const patch = sent[0];
    check(patch?.method === 'PATCH', () => `${patch?.method} instead of PATCH`);
    checkPatch(patch.body, patch.rawPath);
    const patched = decodeURIComponent(patch.rawPath.replace(/^\/v2\/internal-contacts\//, ''));
    if (formContactId !== null) {
      check(
        patched === formContactId,
        () => `PATCH to ${patched}, the form is for ${formContactId}`,
      );
    }
    if (outcome.action === 'update') {
      const problems = validateView(outcome.view);
      check(problems.length === 0, () => `Slack refuses the view: ${problems.join('; ')}`);
    } else {
      check(outcome.action === 'errors', () => `answer after a PATCH: ${ack.text.slice(0, 300)}`);
    }
    return { patched, outcome };
  }

  test(`${SUBMISSIONS} random form submissions: a valid PATCH, inline errors or the stale form merged, within 3 s`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(submissionArb, async (s) => {
        n++;
        const bookVersion = (await h.book.get(s.contactId))?.version ?? null;
        const { body, inputIds, outOfDate, metadata, picked } = buildCase(s, n, bookVersion);
        const before = h.stuut.requests.length;
        const ack = await post(body);
        if (body.length >= HUNDRED_KB) counts.large++;
        const sent = h.stuut.requests.slice(before);
        const { patched, outcome } = checkSubmission(
          ack,
          sent,
          inputIds,
          metadata?.contactId ?? null,
        );
        counts.submissions++;
        if (metadata?.picker) counts.pickerForms++;
        if (metadata && metadata.generation > 0) counts.laterGeneration++;

        if (patched === null && outcome.action === 'update') {
          // Stopped as stale: only a form that opened on a version of a contact the book
          // holds, and the form comes back on the book's version, so its next Save can go.
          counts.staleForms++;
          const version = metadata?.baseline?.version;
          check(
            typeof version === 'number' && metadata?.contactId != null,
            () => `a form without a version was stopped as stale: ${short(metadata)}`,
          );
          const entry = await h.book.get(metadata?.contactId ?? '');
          check(
            entry !== null && entry.version !== version,
            () => `stopped as stale on the book's own version ${version}`,
          );
          const next = decodeFormMetadata(
            String((outcome.view as { private_metadata?: unknown }).private_metadata),
          );
          check(
            next?.baseline?.version === entry?.version,
            () =>
              `the merged form is on version ${next?.baseline?.version}, the book's is ${entry?.version}`,
          );
          return;
        }
        if (patched === null) {
          counts.inlineErrors++;
          const keys = outcome.action === 'errors' ? Object.keys(outcome.errors).join() : '';
          if (outOfDate) {
            counts.outOfDate++;
            check(keys === 'email', () => `out-of-date form answered with errors on ${keys}`);
          } else if (metadata?.picker && metadata.contactId === null) {
            // Nothing chosen yet: the error is on the picker, the only input there is.
            check(keys === PICKER_BLOCK_ID, () => `a form waiting for a pick: errors on ${keys}`);
            counts.pickerRefused++;
          } else if (metadata?.picker && picked !== null && picked !== metadata.contactId) {
            check(keys === PICKER_BLOCK_ID, () => `another contact picked: errors on ${keys}`);
            counts.pickerRefused++;
          }
          return;
        }

        check(!outOfDate, () => 'a form with unreadable private_metadata was saved');
        counts.patches++;
        if (metadata?.picker) {
          // Saved only for the contact the form was refilled for.
          check(
            metadata.contactId !== null && (picked === null || picked === metadata.contactId),
            () => `a picker form saved with ${short(picked)} picked, for ${metadata.contactId}`,
          );
          counts.patchesWithPicker++;
        }
        if (metadata && metadata.generation > 0) counts.patchesLaterGeneration++;
        if (outcome.action === 'update') {
          const callback = (outcome.view as { callback_id?: unknown }).callback_id;
          if (callback === 'contact_update_result') counts.saved++;
          else counts.answeredWithError++;
        } else {
          counts.answeredWithError++;
        }
      }),
      { seed: SEED, numRuns: SUBMISSIONS, plugins: [conciseReport] },
    );
    await h.settle();

    expect(counts.submissions).toBe(SUBMISSIONS);
    expect(counts.patches).toBeGreaterThan(SUBMISSIONS / 10);
    expect(counts.inlineErrors).toBeGreaterThan(SUBMISSIONS / 10);
    expect(counts.outOfDate).toBeGreaterThan(0);
    // Every shape was saved, and refused, many times.
    expect(counts.patchesWithPicker).toBeGreaterThan(SUBMISSIONS / 100);
    expect(counts.patchesLaterGeneration).toBeGreaterThan(SUBMISSIONS / 100);
    expect(counts.pickerRefused).toBeGreaterThan(SUBMISSIONS / 100);
    expect(counts.staleForms).toBeGreaterThan(10);
  }, 180_000);

  const commandText = fc.oneof(
    { weight: 3, arbitrary: junk },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'update',
            'update',
            'UPDATE',
            'find',
            'FIND',
            'help',
            '',
            'update ic_7Qm2xK9a',
            'update priya',
            'update Priya Raman',
            'update siobhan',
            'find priya',
            'udpate',
          ),
          fc.array(
            fc.oneof(
              typedContactId,
              fc
                .tuple(
                  fc.constantFrom(...CONTACT_FIELDS, 'clear', 'x'),
                  fc.oneof(junk, plausible.phone, plausible.email, plausible.job_title),
                )
                .map(([key, value]) => `${key}=${value}`),
              fc
                .tuple(fc.constantFrom(...CONTACT_FIELDS), plausible.job_title)
                .map(([key, value]) => `${key}="${value}"`),
            ),
            { maxLength: 5 },
          ),
        )
        .map(([head, words]) => [head, ...words].join(' ')),
    },
  );

  /** The values of the Update and "Open the form for id" buttons in an answer. */
  function openButtonValues(answer: unknown): string[] {
    if (Array.isArray(answer)) return answer.flatMap(openButtonValues);
    if (!isRecord(answer)) return [];
    const own =
      answer.action_id === ACTION_ID.openContact && typeof answer.value === 'string'
        ? [answer.value]
        : [];
    return [...own, ...Object.values(answer).flatMap(openButtonValues)];
  }

  /** The form a views.open call opened, by its trigger. */
  function viewsOpenedBy(trigger: string): { private_metadata?: string }[] {
    return h.slack
      .callsTo('views.open')
      .filter((call) => call.args.trigger_id === trigger)
      .map((call) => call.args.view as { private_metadata?: string });
  }

  test(`${COMMANDS} random /contact texts: acknowledged within 3 s, a form only when one contact is meant`, async () => {
    const openBefore = h.slack.callsTo('views.open').length;
    const formTriggers = new Set<string>();
    const checks: { trigger: string; text: string; query: string | null; kind: string }[] = [];
    let openButtons = 0;
    await fc.assert(
      fc.asyncProperty(commandText, fc.boolean(), async (text, wantLinks) => {
        // The sandbox's email linker backtracks quadratically on long words: short texts only.
        const links = wantLinks && text.length < 2_000;
        const ack = await h.driver.slashCommand({ text, linkEmails: links, channelId: CHANNEL });
        timed('slash command', ack.ms);
        check(!ack.timedOut && ack.status === 200, () => `HTTP ${ack.status}, ${short(ack.text)}`);
        check(ack.ms < ACK_LIMIT_MS, () => `acknowledged after ${Math.round(ack.ms)} ms`);
        counts.commands++;
        // What arrives: UTF-8 on the wire turns lone surrogates into U+FFFD.
        const wire = Buffer.from(text, 'utf8').toString('utf8');
        const sentText = links ? linkEmails(escapeLikeSlack(wire)) : escapeLikeSlack(wire);
        const parsed = parseCommand(sentText, 'US');
        const shown = ack.json as { text?: unknown; blocks?: unknown } | undefined;
        if (parsed.kind === 'help') {
          counts.commandHelp++;
          check(String(shown?.text).includes('Keep internal contacts in Stuut current'), () =>
            short(shown),
          );
          return;
        }
        if (parsed.kind === 'invalid') {
          counts.commandProblems++;
          check(String(shown?.text).startsWith("I couldn't act on that command:"), () =>
            short(shown),
          );
          return;
        }
        if (ack.text === '') {
          // A form opens after the acknowledgement: only for an update.
          check(parsed.kind === 'update', () => `a form for ${short(sentText)}`);
          counts.commandForms++;
          formTriggers.add(ack.triggerId);
          checks.push({
            trigger: ack.triggerId,
            text: sentText,
            query: parsed.query,
            kind: 'form',
          });
          return;
        }
        // A list, no match, or the book unavailable: an ephemeral answer, never a form.
        counts.commandLists++;
        check(Array.isArray(shown?.blocks), () => `an answer without blocks: ${short(shown)}`);
        // The picker, and an id the book holds, always open a form.
        check(
          parsed.kind === 'find' ||
            ('query' in parsed && parsed.query !== null && !CONTACT_IDS.includes(parsed.query)),
          () => `no form for ${short(sentText)}: ${short(shown)}`,
        );
        // Its buttons open a form for a valid id, with proposals the form accepts.
        for (const raw of openButtonValues(shown)) {
          const decoded = decodeOpenContactButton(raw);
          check(
            decoded !== null && isValidContactId(decoded.contactId),
            () => `button ${short(raw)}`,
          );
          for (const [field, value] of Object.entries(decoded.prefill)) {
            const checked = normaliseField(field as (typeof CONTACT_FIELDS)[number], value, 'US');
            check(checked.ok, () => `button proposes ${field}=${short(value)}`);
          }
          check(!decoded.clear.includes('email'), () => `button clears the email: ${short(raw)}`);
          openButtons++;
        }
      }),
      { seed: SEED, numRuns: COMMANDS, plugins: [conciseReport] },
    );
    await h.settle();
    const opens = h.slack.callsTo('views.open').slice(openBefore);
    // A form opened exactly for the commands answered without a message, and Slack took each.
    expect(new Set(opens.map((call) => call.args.trigger_id))).toEqual(formTriggers);
    expect(opens.filter((call) => !call.ok)).toEqual([]);
    for (const { trigger, text, query } of checks) {
      const [view] = viewsOpenedBy(trigger);
      const metadata = decodeFormMetadata(view?.private_metadata ?? '');
      check(metadata !== null, () => `unreadable form for ${short(text)}`);
      if (query === null) {
        // `/contact update` alone: the picker, no contact yet.
        check(metadata.picker && metadata.contactId === null, () => `${short(metadata)}`);
        continue;
      }
      // Found in the book: its known values, for a contact the book holds.
      check(
        metadata.contactId !== null && metadata.baseline !== null && !metadata.picker,
        () => `form for ${short(text)}: ${short(metadata)}`,
      );
      check((await h.book.get(metadata.contactId)) !== null, () => `${metadata.contactId} unknown`);
      if (CONTACT_IDS.includes(query)) {
        check(metadata.contactId === query, () => `${short(query)} opened ${metadata.contactId}`);
      }
    }
    expect(counts.commandForms).toBeGreaterThan(0);
    expect(checks.filter((c) => c.query !== null).length).toBeGreaterThan(0);
    expect(counts.commandLists).toBeGreaterThan(0);
    expect(openButtons).toBeGreaterThan(0);
    expect(counts.commandProblems).toBeGreaterThan(0);
  }, 90_000);

  /** One of the forms the app itself opens, as the person gets there. */
  type RealForm =
    | { kind: 'known'; id: string; proposals: string }
    | { kind: 'blank'; id: string; proposals: string }
    | { kind: 'picked'; id: string; known: boolean };

  const realFormArb = fc.record({
    form: fc.oneof(
      fc
        .tuple(
          fc.constantFrom(...CONTACT_IDS),
          fc.constantFrom('', ' job_title="VP, Fuzz"', ' phone= name='),
        )
        .map(([id, proposals]): RealForm => ({ kind: 'known', id, proposals })),
      fc
        .tuple(
          // Ids Stuut and the book lack, that no name or email the fuzz saves starts with.
          fc.constantFrom('zq9FuzzBlankA', 'zq9-fuzz-blank-b', `zq9${'x'.repeat(125)}`),
          fc.constantFrom('', ' job_title="VP, Fuzz"', ' phone= name='),
        )
        .map(([id, proposals]): RealForm => ({ kind: 'blank', id, proposals })),
      fc
        .oneof(
          fc.constantFrom(...CONTACT_IDS).map((id) => ({ id, known: true })),
          fc.constant({ id: 'ic_unknown_404', known: false }),
        )
        .map((pick): RealForm => ({ kind: 'picked', ...pick })),
    ),
    fields: submissionArb.map((s) => s.fields),
    clear: clearEntry,
    emptyOne: fc.option(fc.constantFrom(...CONTACT_FIELDS), { nil: null }),
  });

  /** Opens the form the way a person does, and returns it as Slack holds it. */
  async function openRealForm(form: RealForm): Promise<StoredView> {
    h.slack.clearViews(USER);
    if (form.kind === 'picked') {
      await h.driver.slashCommand({ text: 'update', channelId: CHANNEL });
      await h.settle();
      const waiting = h.slack.topView(USER);
      if (!waiting) throw new Error('no picker form opened');
      const label = form.known ? form.id : `Use id ${form.id}`;
      const ack = await h.driver.selectOption({
        viewId: waiting.id,
        actionId: ACTION_ID.pickContact,
        option: { text: { type: 'plain_text', text: label }, value: form.id },
      });
      check(ack !== undefined && ack.status === 200, () => `pick answered ${short(ack)}`);
      timed('block_actions (pick)', ack?.ms ?? 0);
      check((ack?.ms ?? 0) < ACK_LIMIT_MS, () => `pick acknowledged after ${ack?.ms} ms`);
      await h.settle();
    } else {
      const command = await h.driver.slashCommand({
        text: `update ${form.id}${form.proposals}`,
        channelId: CHANNEL,
      });
      timed('slash command', command.ms);
      check(command.status === 200 && command.ms < ACK_LIMIT_MS, () => short(command));
      if (form.kind === 'blank') {
        check(
          JSON.stringify(command.json).includes(ACTION_ID.openContact),
          () => `no "Open the form for id" for ${form.id}: ${short(command.json)}`,
        );
        const click = await h.driver.clickButton({
          actionId: ACTION_ID.openContact,
          blockId: 'open_by_id',
        });
        timed('block_actions (button)', click.ms);
        check(click.status === 200 && click.ms < ACK_LIMIT_MS, () => short(click));
      }
      await h.settle();
    }
    const view = h.slack.topView(USER);
    if (!view) throw new Error(`no form opened for ${short(form)}`);
    return view;
  }

  test(`${REAL_FORMS} submissions of forms the app opened: known values, blank, picker-refilled`, async () => {
    let n = 100_000;
    await fc.assert(
      fc.asyncProperty(realFormArb, async ({ form, fields, clear, emptyOne }) => {
        n++;
        const view = await openRealForm(form);
        const metadata = decodeFormMetadata(view.private_metadata);
        check(metadata?.contactId === form.id, () => `form for ${short(metadata)}, not ${form.id}`);
        const inputs = view.blocks.filter(
          (b): b is typeof b & { block_id: string } =>
            b.type === 'input' && typeof b.block_id === 'string',
        );
        const inputIds = inputs.map((b) => b.block_id);
        const known = metadata.baseline !== null;
        // Known values: no clear boxes; without them: clear boxes. The picker form is refilled.
        check(inputIds.some((id) => id.startsWith('clear')) === !known, () => inputIds.join());
        if (form.kind === 'picked') {
          check(metadata.generation === 1 && metadata.picker, () => short(metadata));
          check(known === form.known, () => `known values: ${known} for ${form.id}`);
          counts.realFormsPicked++;
        } else if (form.kind === 'known') {
          check(known && metadata.generation === 0, () => short(metadata));
          counts.realFormsKnown++;
        } else {
          check(!known, () => short(metadata));
          counts.realFormsBlank++;
        }
        // What the person changed: the view's own state (initial values), with fuzzed inputs.
        const values = structuredClone(toSlackView(view).state.values) as Record<
          string,
          Record<string, unknown>
        >;
        for (const id of inputIds) {
          const key = id.split('~')[0] ?? id;
          // Entries are whole blocks of state, keyed by action id; undefined leaves one untouched.
          const entry =
            key === 'clear'
              ? clear
              : (CONTACT_FIELDS as readonly string[]).includes(key)
                ? fields[key as (typeof CONTACT_FIELDS)[number]]
                : undefined;
          if (entry !== undefined) values[id] = entry as Record<string, unknown>;
        }
        if (emptyOne) {
          const id = inputIds.find((i) => i.split('~')[0] === emptyOne);
          if (id) values[id] = { [ACTION_ID.input]: { type: 'plain_text_input', value: null } };
        }
        const before = h.stuut.requests.length;
        const ack = await post(submissionBody(view, view.private_metadata, { values }, n, view.id));
        const sent = h.stuut.requests.slice(before);
        const { patched } = checkSubmission(ack, sent, inputIds, metadata.contactId);
        counts.realForms++;
        if (patched !== null) counts.realPatches++;
      }),
      { seed: SEED, numRuns: REAL_FORMS, plugins: [conciseReport] },
    );
    await h.settle();
    expect(counts.realFormsKnown).toBeGreaterThan(REAL_FORMS / 10);
    expect(counts.realFormsBlank).toBeGreaterThan(REAL_FORMS / 10);
    expect(counts.realFormsPicked).toBeGreaterThan(REAL_FORMS / 10);
    expect(counts.realPatches).toBeGreaterThan(REAL_FORMS / 10);
  }, 180_000);

  test(`${SUGGESTIONS} random texts typed into the picker: options Slack accepts, within 3 s`, async () => {
    h.slack.clearViews(USER);
    await h.driver.slashCommand({ text: 'update', channelId: CHANNEL });
    await h.settle();
    const picker = h.slack.topView(USER);
    if (!picker) throw new Error('no picker form opened');
    const typedArb = fc.oneof(
      { weight: 4, arbitrary: junk },
      { weight: 2, arbitrary: typedContactId },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'p',
          'pri',
          'priya ram',
          'SIOBHAN',
          'o’c',
          'northwind',
          'ic_',
          'a@',
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(typedArb, async (typed) => {
        const payload = {
          type: 'block_suggestion',
          user: { id: USER, username: 'alice', name: 'alice', team_id: h.slack.teamId },
          container: { type: 'view', view_id: picker.id },
          api_app_id: h.slack.appId,
          token: 'legacy-verification-token',
          action_id: ACTION_ID.pickContact,
          block_id: PICKER_BLOCK_ID,
          value: typed,
          team: { id: h.slack.teamId, domain: h.slack.teamDomain },
          enterprise: null,
          is_enterprise_install: false,
          view: toSlackView(picker),
        };
        const ack = await post(
          new URLSearchParams([['payload', JSON.stringify(payload)]]).toString(),
        );
        timed('block_suggestion', ack.ms);
        check(ack.status === 200, () => `HTTP ${ack.status}: ${ack.text.slice(0, 300)}`);
        check(ack.ms < ACK_LIMIT_MS, () => `acknowledged after ${Math.round(ack.ms)} ms`);
        const body = JSON.parse(ack.text) as {
          options?: { text: { text: string }; value: string }[];
        };
        const options = body.options;
        check(Array.isArray(options), () => `no options: ${ack.text.slice(0, 300)}`);
        check(options.length <= LIMITS.selectOptions, () => `${options.length} options`);
        for (const o of options) {
          check([...o.text.text].length <= LIMITS.optionText, () => `label ${short(o.text.text)}`);
          check(isValidContactId(o.value), () => `option value ${short(o.value)}`);
        }
        counts.suggestions++;
      }),
      { seed: SEED, numRuns: SUGGESTIONS, plugins: [conciseReport] },
    );
    expect(counts.suggestions).toBe(SUGGESTIONS);
  }, 90_000);

  test('afterwards: nothing went wrong out of sight, and the app still saves', async () => {
    await h.settle();
    expect(unhandled).toEqual([]);
    // Every message and view the app sent Slack was accepted, and none would notify a crowd.
    expect(h.slack.warnings).toEqual([]);
    // users_not_found is Slack's normal answer for an email no member has (the fuzz's made-up
    // contacts): the link is remembered as "no member", not a failure.
    const failed = h.slack.calls.filter(
      (call) =>
        !call.ok &&
        call.method !== 'auth.test' &&
        !(call.method === 'users.lookupByEmail' && call.error === 'users_not_found'),
    );
    expect(failed.map((call) => `${call.method}: ${call.error}`)).toEqual([]);
    const errors = h.logs.entries().filter((entry) => entry.level === 'error');
    expect(errors).toEqual([]);

    const health = await request(`${h.baseUrl}/healthz`, { dispatcher: agent });
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    const { body } = buildCase(
      {
        shape: 'fixed',
        contactId: CONTACT_IDS[0] ?? '',
        from: 'stuut',
        version: null,
        pickedKnown: false,
        generation: 0,
        picked: 'same',
        staleIds: false,
        baseline: {
          email: 'x@y.io',
          given_name: null,
          family_name: null,
          name: null,
          phone: null,
          job_title: null,
        },
        fields: {
          email: undefined,
          given_name: undefined,
          family_name: undefined,
          name: undefined,
          phone: { value: { type: 'plain_text_input', value: '+1 415 555 0100' } },
          job_title: { value: { type: 'plain_text_input', value: 'After the fuzz' } },
        },
        contactIdEntry: undefined,
        clear: undefined,
        extraBlocks: null,
        state: 'normal',
        metadata: null,
      },
      0,
      null,
    );
    const ack = await post(body);
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.text)).toMatchObject({
      response_action: 'update',
      view: { callback_id: 'contact_update_result' },
    });
    expect(h.stuut.contact(CONTACT_IDS[0] ?? '')?.job_title).toBe('After the fuzz');
  });
});
