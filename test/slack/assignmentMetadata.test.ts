import {
  type AddFormMetadata,
  type AssignFormMetadata,
  type ChangeRoleButtonValue,
  decodeAddFormMetadata,
  decodeAssignFormMetadata,
  decodeChangeRoleButton,
  decodeRoleFormMetadata,
  encodeAddFormMetadata,
  encodeAssignFormMetadata,
  encodeChangeRoleButton,
  encodeRoleFormMetadata,
  type RoleFormMetadata,
} from '../../src/slack/assignmentMetadata';
import { BUTTON_VALUE_MAX, type Origin, PRIVATE_METADATA_MAX } from '../../src/slack/metadata';

const ORIGIN: Origin = {
  channelId: 'C0UPD',
  responseUrl: 'https://hooks.slack.com/commands/T0123ABCD/1234567890123/AbCdEfGhIjKlMnOpQrSt',
};
const NO_ORIGIN: Origin = { channelId: null, responseUrl: null };
const LONGEST_ID = `a${'b'.repeat(127)}`;
const LONGEST_PARTNER = `ptn_${'z'.repeat(124)}`;

const ROLE_FORM: RoleFormMetadata = {
  origin: ORIGIN,
  assignmentId: 'ica_9xY',
  partnerId: 'ptn_abc123',
  contactId: 'ic_7Qm2xK9a',
  contactName: 'Priya "P" Raman <!channel> 😀',
  roleBefore: 'csm',
};

const BUTTON: ChangeRoleButtonValue = {
  assignmentId: 'ica_9xY',
  partnerId: 'ptn_abc123',
  contactId: 'ic_7Qm2xK9a',
  role: 'account_manager',
};

function json(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

/** Slack counts characters; a JS length is never smaller. */
function fitsSlack(text: string, max: number): boolean {
  return text.length <= max && [...text].length <= max;
}

const NOT_JSON = ['', 'null', '[]', '{', 'undefined', '"text"', '42', 'true'];

describe('add form metadata', () => {
  const cases: AddFormMetadata[] = [
    { origin: ORIGIN, knownContactId: null },
    { origin: ORIGIN, knownContactId: 'ic_7Qm2xK9a' },
    { origin: NO_ORIGIN, knownContactId: LONGEST_ID },
  ];

  test.each(cases)('round-trips %j', (metadata) => {
    const text = encodeAddFormMetadata(metadata);
    expect(fitsSlack(text, PRIVATE_METADATA_MAX)).toBe(true);
    expect(decodeAddFormMetadata(text)).toEqual(metadata);
  });

  test('keys are compact', () => {
    expect(Object.keys(json(encodeAddFormMetadata(cases[1]!))).sort()).toEqual(['ch', 'k', 'r']);
  });

  test.each(NOT_JSON)('%j is not metadata', (text) => {
    expect(decodeAddFormMetadata(text)).toBeNull();
  });

  test('tampered values are refused', () => {
    const good = json(encodeAddFormMetadata(cases[1]!));
    for (const change of [
      { k: '../x' },
      { k: 'ic 7' },
      { k: 7 },
      { k: 'a'.repeat(129) },
      { ch: 12 },
      { ch: 'C'.repeat(65) },
      { r: 'x'.repeat(1001) },
      { r: false },
    ]) {
      expect(decodeAddFormMetadata(JSON.stringify({ ...good, ...change }))).toBeNull();
    }
    const { k: _k, ...withoutKey } = good;
    expect(decodeAddFormMetadata(JSON.stringify(withoutKey))).toBeNull();
  });

  test('metadata longer than Slack allows is refused', () => {
    const good = json(encodeAddFormMetadata(cases[0]!));
    const long = `${JSON.stringify(good)}${' '.repeat(PRIVATE_METADATA_MAX)}`;
    expect(decodeAddFormMetadata(long)).toBeNull();
  });

  test("an origin too long to be Slack's is dropped, so the rest still round-trips", () => {
    const origin = { channelId: 'C'.repeat(500), responseUrl: `https://x/${'"'.repeat(600)}` };
    const text = encodeAddFormMetadata({ origin, knownContactId: 'ic_1' });
    expect(decodeAddFormMetadata(text)).toEqual({ origin: NO_ORIGIN, knownContactId: 'ic_1' });
  });
});

describe('assign form metadata', () => {
  const cases: AssignFormMetadata[] = [
    { origin: ORIGIN, grown: false },
    { origin: ORIGIN, grown: true },
    { origin: NO_ORIGIN, grown: true },
  ];

  test.each(cases)('round-trips %j', (metadata) => {
    const text = encodeAssignFormMetadata(metadata);
    expect(fitsSlack(text, PRIVATE_METADATA_MAX)).toBe(true);
    expect(decodeAssignFormMetadata(text)).toEqual(metadata);
  });

  test('keys are compact', () => {
    expect(Object.keys(json(encodeAssignFormMetadata(cases[0]!))).sort()).toEqual(['ch', 'g', 'r']);
  });

  test.each(NOT_JSON)('%j is not metadata', (text) => {
    expect(decodeAssignFormMetadata(text)).toBeNull();
  });

  test('tampered values are refused', () => {
    const good = json(encodeAssignFormMetadata(cases[0]!));
    for (const change of [{ g: 'true' }, { g: 1 }, { g: null }, { ch: [] }, { r: {} }]) {
      expect(decodeAssignFormMetadata(JSON.stringify({ ...good, ...change }))).toBeNull();
    }
  });

  test('the metadata of another form is not this one', () => {
    expect(
      decodeAssignFormMetadata(encodeAddFormMetadata({ origin: ORIGIN, knownContactId: null })),
    ).toBeNull();
    expect(
      decodeAddFormMetadata(encodeAssignFormMetadata({ origin: ORIGIN, grown: true })),
    ).toBeNull();
  });
});

describe('role form metadata', () => {
  test('round-trips, with a name holding quotes, markup and emoji', () => {
    const text = encodeRoleFormMetadata(ROLE_FORM);
    expect(fitsSlack(text, PRIVATE_METADATA_MAX)).toBe(true);
    expect(decodeRoleFormMetadata(text)).toEqual(ROLE_FORM);
  });

  test('keeps a role Stuut added since as Stuut spells it', () => {
    const metadata = { ...ROLE_FORM, roleBefore: 'executive_sponsor' };
    expect(decodeRoleFormMetadata(encodeRoleFormMetadata(metadata))).toEqual(metadata);
  });

  test('round-trips the longest ids', () => {
    const metadata = {
      ...ROLE_FORM,
      assignmentId: LONGEST_ID,
      contactId: LONGEST_ID,
      partnerId: LONGEST_PARTNER,
    };
    expect(decodeRoleFormMetadata(encodeRoleFormMetadata(metadata))).toEqual(metadata);
  });

  test.each([
    ['plain letters', 'x'.repeat(10_000)],
    ['quotes (two characters each in JSON)', '"'.repeat(5_000)],
    ['control characters (six each in JSON)', '\u0001'.repeat(5_000)],
    ['emoji (two UTF-16 units each)', '😀'.repeat(5_000)],
    ['lone surrogates', '\ud800'.repeat(3_000)],
  ])('a name of %s is cut with a mark so the whole fits 3000', (_what, name) => {
    const metadata = {
      ...ROLE_FORM,
      assignmentId: LONGEST_ID,
      contactId: LONGEST_ID,
      partnerId: LONGEST_PARTNER,
      contactName: name,
    };
    const text = encodeRoleFormMetadata(metadata);
    expect(fitsSlack(text, PRIVATE_METADATA_MAX)).toBe(true);
    const decoded = decodeRoleFormMetadata(text);
    expect(decoded).not.toBeNull();
    expect(decoded?.contactName.endsWith('…')).toBe(true);
    expect(name.startsWith(decoded?.contactName.slice(0, -1) ?? 'nothing')).toBe(true);
    // As much of the name as fits is kept.
    expect([...(decoded?.contactName ?? '')].length).toBeGreaterThan(100);
    expect({ ...decoded, contactName: name }).toEqual(metadata);
  });

  test('a name that fits exactly is not cut', () => {
    const base = encodeRoleFormMetadata({ ...ROLE_FORM, contactName: '' }).length;
    const name = 'n'.repeat(PRIVATE_METADATA_MAX - base);
    const text = encodeRoleFormMetadata({ ...ROLE_FORM, contactName: name });
    expect(text.length).toBe(PRIVATE_METADATA_MAX);
    expect(decodeRoleFormMetadata(text)?.contactName).toBe(name);
  });

  test('an absurdly long role is cut so the metadata still decodes', () => {
    const text = encodeRoleFormMetadata({ ...ROLE_FORM, roleBefore: 'r'.repeat(5000) });
    expect(fitsSlack(text, PRIVATE_METADATA_MAX)).toBe(true);
    const decoded = decodeRoleFormMetadata(text);
    expect(decoded?.roleBefore.startsWith('rrr')).toBe(true);
    expect(decoded?.roleBefore.endsWith('…')).toBe(true);
  });

  test.each(NOT_JSON)('%j is not metadata', (text) => {
    expect(decodeRoleFormMetadata(text)).toBeNull();
  });

  test('tampered values are refused', () => {
    const good = json(encodeRoleFormMetadata(ROLE_FORM));
    expect(Object.keys(good).sort()).toEqual(['a', 'b', 'c', 'ch', 'n', 'p', 'r']);
    for (const change of [
      { p: 'abc123' },
      { p: 'ptn_abc/../x' },
      { p: `ptn_${'a'.repeat(125)}` },
      { p: null },
      { a: '../x' },
      { a: 5 },
      { c: '' },
      { c: 'ic 7' },
      { b: '' },
      { b: 7 },
      { n: null },
      { n: 12 },
    ]) {
      expect(decodeRoleFormMetadata(JSON.stringify({ ...good, ...change }))).toBeNull();
    }
  });
});

describe('the Change role button', () => {
  test('round-trips within 2000 characters', () => {
    const text = encodeChangeRoleButton(BUTTON);
    expect(fitsSlack(text, BUTTON_VALUE_MAX)).toBe(true);
    expect(decodeChangeRoleButton(text)).toEqual(BUTTON);
    expect(Object.keys(json(text)).sort()).toEqual(['a', 'c', 'p', 'r']);
  });

  test('the longest ids and an unknown role fit', () => {
    const value = {
      assignmentId: LONGEST_ID,
      contactId: LONGEST_ID,
      partnerId: LONGEST_PARTNER,
      role: 'some_future_role',
    };
    const text = encodeChangeRoleButton(value);
    expect(fitsSlack(text, BUTTON_VALUE_MAX)).toBe(true);
    expect(decodeChangeRoleButton(text)).toEqual(value);
  });

  test('an absurd role is cut so the value still fits and decodes', () => {
    for (const role of ['r'.repeat(5000), '\u0001'.repeat(5000), '"'.repeat(3000)]) {
      const text = encodeChangeRoleButton({ ...BUTTON, role });
      expect(fitsSlack(text, BUTTON_VALUE_MAX)).toBe(true);
      expect(decodeChangeRoleButton(text)).not.toBeNull();
    }
  });

  test.each(NOT_JSON)('%j is not a button value', (text) => {
    expect(decodeChangeRoleButton(text)).toBeNull();
  });

  test('tampered values are refused', () => {
    const good = json(encodeChangeRoleButton(BUTTON));
    for (const change of [
      { p: 'ptn_' },
      { p: 'PTN_abc' },
      { p: 'ptn_a b' },
      { a: '' },
      { a: '-x' },
      { c: null },
      { c: 'x'.repeat(129) },
      { r: '' },
      { r: ['csm'] },
    ]) {
      expect(decodeChangeRoleButton(JSON.stringify({ ...good, ...change }))).toBeNull();
    }
  });

  test('a value longer than a button holds is refused', () => {
    const padded = `${encodeChangeRoleButton(BUTTON)}${' '.repeat(BUTTON_VALUE_MAX)}`;
    expect(decodeChangeRoleButton(padded)).toBeNull();
  });
});
