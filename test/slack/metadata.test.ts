import type { ContactValues } from '../../src/domain/contact';
import {
  type Baseline,
  BUTTON_VALUE_MAX,
  decodeEditButton,
  decodeFormMetadata,
  decodeReopenButton,
  encodeEditButton,
  encodeFormMetadata,
  encodeReopenButton,
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

const BASELINE: Baseline = { values: VALUES, seenAt: '2025-03-14T09:26:53.589Z' };

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
      },
    ],
    [
      'an id to be typed, no origin, no baseline',
      { contactId: null, origin: { channelId: null, responseUrl: null }, baseline: null },
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
        },
      },
    ],
  ])('round-trips %s', (_what, metadata) => {
    const text = encodeFormMetadata(metadata);
    expect(typeof text).toBe('string');
    expect(decodeFormMetadata(text)).toEqual(metadata);
  });

  test('refuses an id that is not a contact id', () => {
    const text = encodeFormMetadata({
      contactId: '../admin',
      origin: { channelId: null, responseUrl: null },
      baseline: null,
    });
    expect(decodeFormMetadata(text)).toBeNull();
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
    };
  }

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
    const text = encodeFormMetadata({ contactId: longId, origin: longOrigin, baseline });
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
    const text = encodeFormMetadata({ contactId: longId, origin: longOrigin, baseline });
    expect(text.length).toBeLessThanOrEqual(PRIVATE_METADATA_MAX);
  });
});
