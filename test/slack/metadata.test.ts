import type { ContactField, ContactValues } from '../../src/domain/contact';
import {
  type Baseline,
  BUTTON_VALUE_MAX,
  decodeEditButton,
  decodeFormMetadata,
  decodeHistoryButton,
  decodeOpenContactButton,
  decodeReopenButton,
  decodeUndoButton,
  encodeEditButton,
  encodeFormMetadata,
  encodeHistoryButton,
  encodeOpenContactButton,
  encodeReopenButton,
  encodeUndoButton,
  type FormMetadata,
  PRIVATE_METADATA_MAX,
} from '../../src/slack/metadata';

const ID = 'ic_7Qm2xK9a';
const RESPONSE_URL =
  'https://hooks.slack.com/commands/T0123ABCD/1234567890123/AbCdEfGhIjKlMnOpQrSt';

const VALUES: ContactValues = {
  email: 'priya.raman@example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  name: null,
  phone: '+14155550100',
  job_title: 'VP, "Customer" Success <!channel> 😀',
};

const BASELINE: Baseline = {
  values: VALUES,
  seenAt: '2025-03-14T09:26:53.589Z',
  from: 'stuut',
  version: 7,
};

const GARBAGE = [
  '',
  ' ',
  'null',
  '42',
  '"text"',
  '[]',
  '{',
  '{}',
  'undefined',
  '{"c":1}',
  '{"c":"../x","b":null}',
  '{"c":"ic_1","b":{"v":["a"],"t":"x"}}',
];

describe('form private_metadata', () => {
  test.each<[string, FormMetadata]>([
    [
      'a fixed id with a baseline',
      {
        contactId: ID,
        origin: { channelId: 'C0123', responseUrl: RESPONSE_URL },
        baseline: BASELINE,
        generation: 0,
        picker: false,
        source: 'form',
      },
    ],
    [
      'an id to be typed, no origin, no baseline',
      {
        contactId: null,
        origin: { channelId: null, responseUrl: null },
        baseline: null,
        generation: 0,
        picker: false,
        source: 'form',
      },
    ],
    [
      'a picker form waiting for a contact',
      {
        contactId: null,
        origin: { channelId: 'C0123', responseUrl: RESPONSE_URL },
        baseline: null,
        generation: 0,
        picker: true,
        source: 'form',
      },
    ],
    [
      'a picker form refilled three times with imported values',
      {
        contactId: ID,
        origin: { channelId: 'C0123', responseUrl: RESPONSE_URL },
        baseline: { ...BASELINE, from: 'import', version: null },
        generation: 3,
        picker: true,
        source: 'form',
      },
    ],
    [
      'the highest generation and version',
      {
        contactId: ID,
        origin: { channelId: 'C0123', responseUrl: null },
        baseline: { ...BASELINE, version: Number.MAX_SAFE_INTEGER },
        generation: 1_000_000,
        picker: true,
        source: 'edit',
      },
    ],
    [
      'a baseline with every optional value empty',
      {
        contactId: ID,
        origin: { channelId: 'D0123', responseUrl: null },
        baseline: {
          values: {
            email: 'a@b.co',
            given_name: null,
            family_name: null,
            name: null,
            phone: null,
            job_title: null,
          },
          seenAt: 'not even a date',
          from: 'stuut',
          version: 0,
        },
        generation: 0,
        picker: false,
        source: 'form',
      },
    ],
  ])('round-trips %s', (_what, metadata) => {
    const text = encodeFormMetadata(metadata);
    expect(typeof text).toBe('string');
    expect(decodeFormMetadata(text)).toEqual(metadata);
  });

  test('a form opened before the source was recorded reads as opened from a command', () => {
    const text = encodeFormMetadata({
      contactId: ID,
      origin: { channelId: 'C0123', responseUrl: null },
      baseline: null,
      generation: 2,
      picker: false,
      source: 'edit',
    });
    const older = JSON.parse(text) as Record<string, unknown>;
    delete older.s;
    expect(decodeFormMetadata(JSON.stringify(older))?.source).toBe('form');
    expect(decodeFormMetadata(JSON.stringify({ ...older, s: 'undo' }))).toBeNull();
  });

  test('refuses an id that is not a contact id', () => {
    const text = encodeFormMetadata({
      contactId: '../admin',
      origin: { channelId: null, responseUrl: null },
      baseline: null,
      generation: 0,
      picker: false,
      source: 'form',
    });
    expect(decodeFormMetadata(text)).toBeNull();
  });

  test('a form opened before the contact book decodes with the defaults', () => {
    // What the previous version of the bot wrote: no generation, picker, source or version.
    const old = JSON.stringify({
      c: ID,
      ch: 'C0123',
      r: RESPONSE_URL,
      b: { v: [VALUES.email, 'Priya', 'Raman', null, VALUES.phone, 'CSM'], t: BASELINE.seenAt },
    });
    expect(decodeFormMetadata(old)).toEqual({
      contactId: ID,
      origin: { channelId: 'C0123', responseUrl: RESPONSE_URL },
      baseline: {
        values: { ...VALUES, job_title: 'CSM' },
        seenAt: BASELINE.seenAt,
        from: 'stuut',
        version: null,
      },
      generation: 0,
      picker: false,
      source: 'form',
    });
    expect(decodeFormMetadata(JSON.stringify({ c: null, ch: null, r: null, b: null }))).toEqual({
      contactId: null,
      origin: { channelId: null, responseUrl: null },
      baseline: null,
      generation: 0,
      picker: false,
      source: 'form',
    });
  });

  const VALID = { c: ID, ch: null, r: null, b: null, g: 0, p: false };
  const VALID_B = { v: [VALUES.email, null, null, null, null, null], t: BASELINE.seenAt };

  test.each<[string, Record<string, unknown>]>([
    ['a negative generation', { ...VALID, g: -1 }],
    ['a fractional generation', { ...VALID, g: 1.5 }],
    ['a generation past 1,000,000', { ...VALID, g: 1_000_001 }],
    ['a generation as text', { ...VALID, g: '1' }],
    ['a picker flag that is not a boolean', { ...VALID, p: 'true' }],
    ['an unknown source', { ...VALID, b: { ...VALID_B, f: 'slack' } }],
    ['a negative version', { ...VALID, b: { ...VALID_B, n: -1 } }],
    ['a fractional version', { ...VALID, b: { ...VALID_B, n: 0.5 } }],
    ['a version as text', { ...VALID, b: { ...VALID_B, n: '3' } }],
  ])('refuses %s', (_what, payload) => {
    expect(decodeFormMetadata(JSON.stringify(payload))).toBeNull();
    // The same payload with the field fixed decodes: the test names what is refused.
    expect(decodeFormMetadata(JSON.stringify(VALID))).not.toBeNull();
  });

  test.each(GARBAGE)('decoding garbage %j gives null', (text) => {
    expect(decodeFormMetadata(text)).toBeNull();
  });
});

describe('Edit button value', () => {
  test('round-trips the contact id and the values Stuut returned', () => {
    const text = encodeEditButton({ contactId: ID, baseline: BASELINE });
    expect(text.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(decodeEditButton(text)).toEqual({ contactId: ID, baseline: BASELINE });
  });

  test('round-trips values imported into the book, without a version', () => {
    const baseline: Baseline = { ...BASELINE, from: 'import', version: null };
    expect(decodeEditButton(encodeEditButton({ contactId: ID, baseline }))).toEqual({
      contactId: ID,
      baseline,
    });
  });

  test('a button posted before the contact book decodes with the defaults', () => {
    const old = JSON.stringify({
      c: ID,
      b: { v: [VALUES.email, null, null, null, null, null], t: BASELINE.seenAt },
    });
    expect(decodeEditButton(old)?.baseline).toEqual({
      values: {
        email: VALUES.email,
        given_name: null,
        family_name: null,
        name: null,
        phone: null,
        job_title: null,
      },
      seenAt: BASELINE.seenAt,
      from: 'stuut',
      version: null,
    });
  });

  test('round-trips without a baseline', () => {
    expect(decodeEditButton(encodeEditButton({ contactId: ID, baseline: null }))).toEqual({
      contactId: ID,
      baseline: null,
    });
  });

  test('falls back to the id only when the values do not fit in 2000 characters', () => {
    // 255 double quotes become 510 characters of JSON.
    const quotes = '"'.repeat(255);
    const big: Baseline = {
      values: {
        email: VALUES.email,
        given_name: quotes,
        family_name: quotes,
        name: quotes,
        phone: VALUES.phone,
        job_title: quotes,
      },
      seenAt: BASELINE.seenAt,
      from: 'stuut',
      version: 1,
    };
    const text = encodeEditButton({ contactId: ID, baseline: big });
    expect(text.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(decodeEditButton(text)).toEqual({ contactId: ID, baseline: null });
  });

  test('keeps the values when they fit exactly', () => {
    const at = (n: number) =>
      encodeEditButton({
        contactId: ID,
        baseline: { ...BASELINE, values: { ...VALUES, job_title: 'x'.repeat(n) } },
      });
    const short = at(0).length;
    const fits = BUTTON_VALUE_MAX - short;
    expect(at(fits)).toHaveLength(BUTTON_VALUE_MAX);
    expect(decodeEditButton(at(fits))?.baseline?.values.job_title).toBe('x'.repeat(fits));
    expect(decodeEditButton(at(fits + 1))?.baseline).toBeNull();
  });

  test.each(GARBAGE)('decoding garbage %j gives null', (text) => {
    expect(decodeEditButton(text)).toBeNull();
  });
});

describe('Reopen button value', () => {
  test('round-trips the id, whether it is editable, and the patch with cleared fields', () => {
    const value = {
      contactId: ID,
      idEditable: true,
      patch: { job_title: 'VP, "Customer" Success', phone: null, email: 'a@b.co' },
    };
    const text = encodeReopenButton(value);
    expect(text).not.toBeNull();
    expect(decodeReopenButton(text ?? '')).toEqual(value);
  });

  test('round-trips an empty patch with a fixed id', () => {
    const value = { contactId: ID, idEditable: false, patch: {} };
    expect(decodeReopenButton(encodeReopenButton(value) ?? '')).toEqual(value);
  });

  test('gives null when the patch does not fit in a button', () => {
    const long = 'x'.repeat(400);
    const value = {
      contactId: ID,
      idEditable: false,
      patch: { given_name: long, family_name: long, name: long, job_title: long, email: long },
    };
    expect(JSON.stringify(value).length).toBeGreaterThan(BUTTON_VALUE_MAX);
    expect(encodeReopenButton(value)).toBeNull();
  });

  test('refuses a patch with a key that is not a field', () => {
    expect(decodeReopenButton(JSON.stringify({ c: ID, e: false, p: { salary: '1' } }))).toBeNull();
  });

  test('refuses an id that is not a contact id', () => {
    expect(decodeReopenButton(JSON.stringify({ c: 'a/b', e: false, p: {} }))).toBeNull();
  });

  test.each(GARBAGE)('decoding garbage %j gives null', (text) => {
    expect(decodeReopenButton(text)).toBeNull();
  });
});

describe('private_metadata size', () => {
  const longOrigin = {
    channelId: 'C0123456789ABCDEF',
    // Longer than any response_url Slack sends.
    responseUrl: `https://hooks.slack.com/commands/T0123456789/${'1'.repeat(20)}/${'a'.repeat(150)}`,
  };
  const longId = 'i'.repeat(128);

  function maximal(fill: (n: number) => string): Baseline {
    return {
      values: {
        email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`,
        given_name: fill(255),
        family_name: fill(255),
        name: fill(255),
        phone: '+5511912345678',
        job_title: fill(255),
      },
      seenAt: '2025-03-14T09:26:53.589+00:00',
      from: 'import',
      version: Number.MAX_SAFE_INTEGER,
    };
  }

  /** Everything else a form's private_metadata holds, at its longest. */
  const longest = {
    origin: longOrigin,
    generation: 1_000_000,
    picker: true,
    source: 'edit' as const,
  };

  /** A form only ever gets a baseline through an Edit button, so it is what the button keeps. */
  function viaEditButton(baseline: Baseline): Baseline | null {
    return decodeEditButton(encodeEditButton({ contactId: longId, baseline }))?.baseline ?? null;
  }

  test.each<[string, (n: number) => string]>([
    ['ASCII at every limit', (n) => 'x'.repeat(n)],
    ['emoji at every limit', (n) => '😀'.repeat(n)],
    ['characters JSON escapes', (n) => '"\\'.repeat(n).slice(0, n)],
    ['mrkdwn markup', (n) => '<!channel>&'.repeat(n).slice(0, n)],
  ])('a form with a maximal baseline (%s) stays within 3000 characters', (_what, fill) => {
    const baseline = viaEditButton(maximal(fill));
    const text = encodeFormMetadata({ contactId: longId, baseline, ...longest });
    expect(text.length).toBeLessThanOrEqual(PRIVATE_METADATA_MAX);
    expect(decodeFormMetadata(text)?.baseline).toEqual(baseline);
  });

  test('the ASCII maximal baseline itself is kept by the Edit button', () => {
    const baseline = maximal((n) => 'x'.repeat(n));
    expect(viaEditButton(baseline)).toEqual(baseline);
  });

  test('a baseline filling the whole button still fits the form', () => {
    const base = maximal((n) => 'x'.repeat(n));
    const room = BUTTON_VALUE_MAX - encodeEditButton({ contactId: longId, baseline: base }).length;
    // Each double quote takes two characters of JSON: spread the room over the four text fields.
    const share = (i: number) => Math.floor(room / 4) + (i < room % 4 ? 1 : 0);
    const filled = (i: number) => `${'x'.repeat(255 - share(i))}${'"'.repeat(share(i))}`;
    const baseline: Baseline = {
      ...base,
      values: {
        ...base.values,
        given_name: filled(0),
        family_name: filled(1),
        name: filled(2),
        job_title: filled(3),
      },
    };
    expect(encodeEditButton({ contactId: longId, baseline })).toHaveLength(BUTTON_VALUE_MAX);
    expect(viaEditButton(baseline)).toEqual(baseline);
    const text = encodeFormMetadata({ contactId: longId, baseline, ...longest });
    expect(text.length).toBeLessThanOrEqual(PRIVATE_METADATA_MAX);
  });
});

describe('Open contact button value (Update in a list, "Open the form for id")', () => {
  test('round-trips the id and the typed proposals', () => {
    const value = {
      contactId: ID,
      prefill: { job_title: 'VP, "Customer" Success <!channel>', phone: '+1 415 555 0100' },
      clear: ['name', 'family_name'] as ContactField[],
    };
    const text = encodeOpenContactButton(value);
    expect(text.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(decodeOpenContactButton(text)).toEqual(value);
  });

  test('round-trips no proposals', () => {
    const value = { contactId: ID, prefill: {}, clear: [] };
    expect(decodeOpenContactButton(encodeOpenContactButton(value))).toEqual(value);
  });

  test('an id alone decodes with no proposals', () => {
    expect(decodeOpenContactButton(JSON.stringify({ c: ID }))).toEqual({
      contactId: ID,
      prefill: {},
      clear: [],
    });
  });

  test('falls back to the id alone when the proposals do not fit in 2000 characters', () => {
    const long = '"'.repeat(255);
    const value = {
      contactId: ID,
      prefill: { given_name: long, family_name: long, name: long, job_title: long },
      clear: [],
    };
    const text = encodeOpenContactButton(value);
    expect(text.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    expect(decodeOpenContactButton(text)).toEqual({ contactId: ID, prefill: {}, clear: [] });
  });

  test('keeps the proposals when they fit exactly', () => {
    const at = (n: number) =>
      encodeOpenContactButton({ contactId: ID, prefill: { job_title: 'x'.repeat(n) }, clear: [] });
    const fits = BUTTON_VALUE_MAX - at(0).length;
    expect(at(fits)).toHaveLength(BUTTON_VALUE_MAX);
    expect(decodeOpenContactButton(at(fits))?.prefill.job_title).toBe('x'.repeat(fits));
    expect(decodeOpenContactButton(at(fits + 1))?.prefill).toEqual({});
  });

  test.each<[string, unknown]>([
    ['an id that is not a contact id', { c: '../x' }],
    ['a proposal for a field that does not exist', { c: ID, p: { salary: '1' } }],
    ['a proposal that is not text', { c: ID, p: { job_title: 1 } }],
    ['a cleared field that does not exist', { c: ID, x: ['salary'] }],
    ['cleared fields that are not a list', { c: ID, x: 'phone' }],
  ])('refuses %s', (_what, payload) => {
    expect(decodeOpenContactButton(JSON.stringify(payload))).toBeNull();
  });

  // The Edit button's old shape names a valid id: for this button it is an id alone.
  test.each(GARBAGE.filter((text) => !text.includes('"ic_1"')))(
    'decoding garbage %j gives null',
    (text) => {
      expect(decodeOpenContactButton(text)).toBeNull();
    },
  );
});

describe('History and Older button value', () => {
  test('round-trips the contact and the oldest change shown (none for the first page)', () => {
    for (const value of [
      { contactId: ID, beforeId: null },
      { contactId: ID, beforeId: 1 },
      { contactId: 'x'.repeat(128), beforeId: Number.MAX_SAFE_INTEGER },
    ]) {
      const text = encodeHistoryButton(value);
      expect(text.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
      expect(decodeHistoryButton(text)).toEqual(value);
    }
  });

  test.each([
    ...GARBAGE,
    '{"c":"ic_1","b":0}',
    '{"c":"ic_1","b":-3}',
    '{"c":"ic_1","b":1.5}',
    '{"c":"ic_1","b":"7"}',
    '{"c":"../x","b":null}',
  ])('refuses %j', (text) => {
    expect(decodeHistoryButton(text)).toBeNull();
  });

  test('a value without b reads as the first page', () => {
    expect(decodeHistoryButton(JSON.stringify({ c: ID }))).toEqual({
      contactId: ID,
      beforeId: null,
    });
  });
});

describe('Undo button value', () => {
  test('carries only the change id', () => {
    expect(encodeUndoButton(42)).toBe('{"u":42}');
    expect(decodeUndoButton(encodeUndoButton(42))).toBe(42);
  });

  test.each([...GARBAGE, '{"u":0}', '{"u":-1}', '{"u":1.5}', '{"u":"42"}', '{"c":"ic_1"}'])(
    'refuses %j',
    (text) => {
      expect(decodeUndoButton(text)).toBeNull();
    },
  );
});

describe('a form that applies a drift proposal', () => {
  const metadata = {
    contactId: ID,
    origin: { channelId: 'C0UPD', responseUrl: null },
    baseline: BASELINE,
    generation: 0,
    picker: false,
    source: 'drift' as const,
    proposalId: 42,
  };

  test('carries the proposal id and its source', () => {
    expect(decodeFormMetadata(encodeFormMetadata(metadata))).toEqual(metadata);
  });

  test.each([0, -1, 1.5, '42', 'x'])('refuses the proposal id %j', (bad) => {
    const tampered = JSON.parse(encodeFormMetadata(metadata)) as Record<string, unknown>;
    tampered.d = bad;
    expect(decodeFormMetadata(JSON.stringify(tampered))).toBeNull();
  });
});
