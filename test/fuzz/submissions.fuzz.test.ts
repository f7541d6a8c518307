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
  linkEmails,
  signSlackRequest,
  validateView,
} from '../../src/sandbox/slack';
import { seedContacts } from '../../src/sandbox/stuut';
import { type Baseline, decodeFormMetadata, encodeFormMetadata } from '../../src/slack/metadata';
import { contactFormView } from '../../src/slack/views/contactForm';
import { type Harness, SECRETS, startHarness } from '../e2e/harness';
import { conciseReport, DANGEROUS_FRAGMENTS, hostileString, SEED } from '../property/arbitraries';

/**
 * Bad input at volume: seeded, repeatable random form submissions and command texts against
 * the real app over loopback. Each submission ends in a valid PATCH or in inline errors on
 * inputs of that form; nothing crashes, answers 500, rejects unhandled or acknowledges late.
 */

const SUBMISSIONS = Number(process.env.FUZZ_SUBMISSIONS ?? 8_500);
const COMMANDS = Number(process.env.FUZZ_COMMANDS ?? 1_500);
const ACK_LIMIT_MS = 3_000;
const USER = 'U0ALICE';
const CHANNEL = 'C0OPS';
const CONTACTS = seedContacts();
const CONTACT_IDS = CONTACTS.map((c) => c.id);
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

type Shape = 'fixed' | 'typed' | 'baseline';

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
  shape: fc.constantFrom<Shape>('fixed', 'fixed', 'typed', 'baseline'),
  contactId: fc.constantFrom(...CONTACT_IDS),
  baseline: baselineValues,
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
  commands: number;
  commandForms: number;
  commandHelp: number;
  commandProblems: number;
  maxAckMs: number;
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
    commands: 0,
    commandForms: 0,
    commandHelp: 0,
    commandProblems: 0,
    maxAckMs: 0,
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
        `${counts.commands} slash commands → ${counts.commandForms} forms opened, ${counts.commandHelp} help, ${counts.commandProblems} refused with problems`,
        `slowest acknowledgement ${Math.round(counts.maxAckMs)} ms`,
      ].join('\n  '),
    );
  });

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

  /** The form the bot would have opened for this case, and the payload Slack would send for it. */
  function buildCase(s: Submission, n: number) {
    const baseline: Baseline | null =
      s.shape === 'baseline' ? { values: s.baseline, seenAt: '2026-11-01T10:00:00.000Z' } : null;
    const validMetadata = encodeFormMetadata({
      contactId: s.shape === 'typed' ? null : s.contactId,
      origin: { channelId: CHANNEL, responseUrl: null },
      baseline,
    });
    const metadata = s.metadata ?? validMetadata;
    // The form matches its metadata: Slack returns both as the bot sent them.
    const decoded = decodeFormMetadata(metadata);
    const view = contactFormView({
      contactId: decoded ? decoded.contactId : s.shape === 'typed' ? null : s.contactId,
      values: {},
      clear: [],
      baseline: decoded ? decoded.baseline : baseline,
      origin: { channelId: CHANNEL, responseUrl: null },
    });
    const inputIds = view.blocks.flatMap((b) =>
      b.type === 'input' && typeof b.block_id === 'string' ? [b.block_id] : [],
    );

    const values: Record<string, unknown> = { ...(s.extraBlocks ?? {}) };
    for (const field of CONTACT_FIELDS) values[field] = s.fields[field];
    values.contact_id = s.contactIdEntry;
    values.clear = s.clear;
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
    const viewId = `VFUZZ${n.toString(36).toUpperCase()}`;
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
    return {
      body: new URLSearchParams([['payload', JSON.stringify(payload)]]).toString(),
      inputIds,
      outOfDate: decoded === null,
    };
  }

  test(`${SUBMISSIONS} random form submissions: a valid PATCH or inline errors, within 3 s`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(submissionArb, async (s) => {
        n++;
        const { body, inputIds, outOfDate } = buildCase(s, n);
        const before = h.stuut.requests.length;
        const ack = await post(body);
        if (body.length >= HUNDRED_KB) counts.large++;
        counts.maxAckMs = Math.max(counts.maxAckMs, ack.ms);
        check(ack.status === 200, () => `HTTP ${ack.status}: ${ack.text.slice(0, 300)}`);
        check(ack.ms < ACK_LIMIT_MS, () => `acknowledged after ${Math.round(ack.ms)} ms`);

        const sent = h.stuut.requests.slice(before);
        const outcome = interpretViewSubmissionAck(
          { status: ack.status, ms: ack.ms, text: ack.text, timedOut: false },
          inputIds,
        );
        check(outcome.action !== 'refused', () => `Slack refuses the answer: ${short(outcome)}`);
        counts.submissions++;

        if (sent.length === 0) {
          // No request: the answer must be errors on inputs this form has.
          check(
            outcome.action === 'errors',
            () => `no PATCH and no inline errors: ${ack.text.slice(0, 300)}`,
          );
          counts.inlineErrors++;
          if (outOfDate) {
            counts.outOfDate++;
            const keys = Object.keys(outcome.errors).join();
            check(keys === 'email', () => `out-of-date form answered with errors on ${keys}`);
          }
          return;
        }

        check(!outOfDate, () => 'a form with unreadable private_metadata was saved');
        check(sent.length === 1, () => `${sent.length} requests for one submission`);
        const patch = sent[0];
        check(patch?.method === 'PATCH', () => `${patch?.method} instead of PATCH`);
        checkPatch(patch.body, patch.rawPath);
        counts.patches++;
        if (outcome.action === 'update') {
          const problems = validateView(outcome.view);
          check(problems.length === 0, () => `Slack refuses the view: ${problems.join('; ')}`);
          const callback = (outcome.view as { callback_id?: unknown }).callback_id;
          if (callback === 'contact_update_result') counts.saved++;
          else counts.answeredWithError++;
        } else {
          check(
            outcome.action === 'errors',
            () => `answer after a PATCH: ${ack.text.slice(0, 300)}`,
          );
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
  }, 180_000);

  const commandText = fc.oneof(
    { weight: 3, arbitrary: junk },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom('update', 'update', 'UPDATE', 'help', '', 'update ic_7Qm2xK9a', 'udpate'),
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

  test(`${COMMANDS} random /contact texts: acknowledged within 3 s, a form only for an update`, async () => {
    const openBefore = h.slack.callsTo('views.open').length;
    const updateTriggers = new Set<string>();
    await fc.assert(
      fc.asyncProperty(commandText, fc.boolean(), async (text, wantLinks) => {
        // The sandbox's email linker backtracks quadratically on long words: short texts only.
        const links = wantLinks && text.length < 2_000;
        const ack = await h.driver.slashCommand({ text, linkEmails: links, channelId: CHANNEL });
        counts.maxAckMs = Math.max(counts.maxAckMs, ack.ms);
        check(!ack.timedOut && ack.status === 200, () => `HTTP ${ack.status}, ${short(ack.text)}`);
        check(ack.ms < ACK_LIMIT_MS, () => `acknowledged after ${Math.round(ack.ms)} ms`);
        counts.commands++;
        // What arrives: UTF-8 on the wire turns lone surrogates into U+FFFD.
        const wire = Buffer.from(text, 'utf8').toString('utf8');
        const sentText = links ? linkEmails(escapeLikeSlack(wire)) : escapeLikeSlack(wire);
        const parsed = parseCommand(sentText, 'US');
        const shown = ack.json as { text?: unknown } | undefined;
        if (parsed.kind === 'update') {
          counts.commandForms++;
          updateTriggers.add(ack.triggerId);
          check(ack.text === '', () => `an update was answered with ${short(ack.text)}`);
        } else if (parsed.kind === 'help') {
          counts.commandHelp++;
          check(String(shown?.text).includes('Update an internal contact'), () => short(shown));
        } else {
          counts.commandProblems++;
          check(String(shown?.text).startsWith("I couldn't open the form:"), () => short(shown));
        }
      }),
      { seed: SEED, numRuns: COMMANDS, plugins: [conciseReport] },
    );
    await h.settle();
    // views.open runs after the acknowledgement; give the last ones a moment.
    const deadline = Date.now() + 5_000;
    while (
      h.slack.callsTo('views.open').length - openBefore < updateTriggers.size &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const opens = h.slack.callsTo('views.open').slice(openBefore);
    // A form opened exactly for the commands that parse as an update, and Slack took each one.
    expect(new Set(opens.map((call) => call.args.trigger_id))).toEqual(updateTriggers);
    expect(opens.filter((call) => !call.ok)).toEqual([]);
    expect(counts.commandForms).toBeGreaterThan(0);
    expect(counts.commandProblems).toBeGreaterThan(0);
  }, 90_000);

  test('afterwards: nothing went wrong out of sight, and the app still saves', async () => {
    await h.settle();
    expect(unhandled).toEqual([]);
    // Every message and view the app sent Slack was accepted, and none would notify a crowd.
    expect(h.slack.warnings).toEqual([]);
    const failed = h.slack.calls.filter((call) => !call.ok && call.method !== 'auth.test');
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
