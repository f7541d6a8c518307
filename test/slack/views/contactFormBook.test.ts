import type { ModalView } from '@slack/types';
import type { BookEntry } from '../../../src/book/book';
import {
  CLEARABLE_FIELDS,
  CONTACT_FIELDS,
  type ContactField,
  type ContactValues,
} from '../../../src/domain/contact';
import { type FormKey, validateForm } from '../../../src/domain/form';
import { validateView } from '../../../src/sandbox/slack';
import { ACTION_ID, INPUT_BLOCK_ID, PICKER_BLOCK_ID } from '../../../src/slack/ids';
import { decodeFormMetadata, type Origin } from '../../../src/slack/metadata';
import {
  contactFormView,
  formForBookEntry,
  formForUnknownId,
  inlineErrors,
  inputBlockId,
  pickerLabel,
  readContactForm,
  readPickedContact,
  type ViewStateValues,
} from '../../../src/slack/views/contactForm';
import { SAMPLE_ID, SAMPLE_VALUES } from '../../fixtures';

/**
 * Forms for contacts the book knows, the picker, and generations of input block ids: Slack
 * keeps what was typed in an input whose block id is unchanged, so a refilled form uses new ids.
 */

const ORIGIN: Origin = {
  channelId: 'C0UPD',
  responseUrl: 'https://hooks.slack.com/commands/T0ACME/1/abc',
};
const SEEN = new Date('2025-03-14T09:26:53.589Z');
const DATE_TOKEN = '<!date^1741944413^';
const FORM_KEYS = Object.keys(INPUT_BLOCK_ID) as FormKey[];

function entry(overrides: Partial<BookEntry> = {}): BookEntry {
  return {
    id: SAMPLE_ID,
    values: SAMPLE_VALUES,
    knownFrom: 'stuut',
    modifiedAt: SEEN.toISOString(),
    seenAt: SEEN,
    version: 3,
    ...overrides,
  };
}

interface Text {
  type: string;
  text: string;
}
interface Option {
  text: Text;
  value: string;
}
interface Element {
  type: string;
  action_id?: string;
  initial_value?: string;
  initial_option?: Option;
  initial_options?: Option[];
  options?: Option[];
  min_query_length?: number;
  placeholder?: Text;
}
interface Block {
  type: string;
  block_id?: string;
  dispatch_action?: boolean;
  optional?: boolean;
  label?: Text;
  element?: Element;
  text?: Text;
  elements?: Text[];
}

function blocksOf(view: ModalView): Block[] {
  return view.blocks as unknown as Block[];
}

function inputs(view: ModalView): Block[] {
  return blocksOf(view).filter((block) => block.type === 'input');
}

function inputAt(view: ModalView, key: FormKey, generation: number): Block | undefined {
  return inputs(view).find((block) => block.block_id === inputBlockId(key, generation));
}

function contextText(view: ModalView, blockId: string): string {
  return blocksOf(view).find((block) => block.block_id === blockId)?.elements?.[0]?.text ?? '';
}

function metadataOf(view: ModalView) {
  return decodeFormMetadata(view.private_metadata ?? '');
}

/** What Slack sends back for a view nobody touched: each input's initial value or options. */
function untouchedState(view: ModalView): ViewStateValues {
  const state: ViewStateValues = {};
  for (const block of inputs(view)) {
    const element = block.element;
    const id = block.block_id ?? '';
    if (!element) continue;
    if (element.type === 'checkboxes') {
      state[id] = { [ACTION_ID.input]: { selected_options: element.initial_options ?? [] } };
    } else if (element.type === 'external_select') {
      state[id] = {
        [element.action_id ?? '']: { selected_option: element.initial_option ?? null },
      };
    } else {
      state[id] = { [ACTION_ID.input]: { value: element.initial_value ?? null } };
    }
  }
  return state;
}

/** Validates a submission of `view` with the context its private_metadata gives. */
function submit(view: ModalView, state: ViewStateValues) {
  const metadata = metadataOf(view);
  if (!metadata) throw new Error('the view has no readable private_metadata');
  return validateForm(readContactForm(state), {
    fixedContactId: metadata.contactId,
    baseline: metadata.baseline?.values ?? null,
    defaultCountry: 'US',
  });
}

describe('inputBlockId', () => {
  test('generation 0 is the plain block id of every input', () => {
    for (const key of FORM_KEYS) expect(inputBlockId(key, 0)).toBe(INPUT_BLOCK_ID[key]);
  });

  test('a later generation is the plain id with ~<generation>', () => {
    expect(inputBlockId('email', 1)).toBe('email~1');
    expect(inputBlockId('clear', 12)).toBe('clear~12');
    expect(inputBlockId('contact_id', 1_000_000)).toBe('contact_id~1000000');
  });

  test('ids differ between generations and between inputs, and fit Slack’s 255 characters', () => {
    const ids = [0, 1, 2, 10, 1_000_000].flatMap((generation) =>
      FORM_KEYS.map((key) => inputBlockId(key, generation)),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(255);
    expect(ids).not.toContain(PICKER_BLOCK_ID);
  });
});

describe('readContactForm across generations', () => {
  function stateAt(generation: number, values: Partial<Record<FormKey, unknown>>): ViewStateValues {
    return Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        inputBlockId(key as FormKey, generation),
        { [ACTION_ID.input]: value },
      ]),
    ) as ViewStateValues;
  }

  const TYPED = {
    contact_id: { value: 'ic_typed' },
    email: { value: 'p@example.com' },
    given_name: { value: 'Priya' },
    family_name: { value: null },
    name: { value: 'P. Raman' },
    phone: { value: '+1 415 555 0100' },
    job_title: { value: 'CSM' },
    clear: { selected_options: [{ value: 'family_name' }] },
  };

  test.each([0, 1, 2, 37, 1_000_000])('reads generation %i exactly as generation 0', (g) => {
    expect(readContactForm(stateAt(g, TYPED))).toEqual(readContactForm(stateAt(0, TYPED)));
    expect(readContactForm(stateAt(g, TYPED))).toEqual({
      typedContactId: 'ic_typed',
      values: {
        email: 'p@example.com',
        given_name: 'Priya',
        family_name: null,
        name: 'P. Raman',
        phone: '+1 415 555 0100',
        job_title: 'CSM',
      },
      clear: ['family_name'],
    });
  });

  test('the picker block and blocks of other names are not read as inputs', () => {
    const form = readContactForm({
      [PICKER_BLOCK_ID]: { [ACTION_ID.pickContact]: { selected_option: { value: SAMPLE_ID } } },
      emails: { [ACTION_ID.input]: { value: 'x@y.io' } },
      'phone_x~1': { [ACTION_ID.input]: { value: '+14155550100' } },
    });
    expect(form.typedContactId).toBeNull();
    expect(Object.values(form.values)).toEqual(CONTACT_FIELDS.map(() => null));
  });

  test('reads back what a refilled view (generation 2) would send', () => {
    const view = formForUnknownId(SAMPLE_ID, { origin: ORIGIN, picker: true, generation: 2 });
    const submitted: ViewStateValues = {};
    for (const block of inputs(view)) {
      const id = block.block_id ?? '';
      if (id === PICKER_BLOCK_ID) continue;
      submitted[id] = id.startsWith(`${INPUT_BLOCK_ID.clear}~`)
        ? { [ACTION_ID.input]: { selected_options: [{ value: 'phone' }] } }
        : { [ACTION_ID.input]: { value: `v:${id}` } };
    }
    const form = readContactForm(submitted);
    for (const field of CONTACT_FIELDS) expect(form.values[field]).toBe(`v:${field}~2`);
    expect(form.clear).toEqual(['phone']);
  });
});

describe('readPickedContact', () => {
  test('is the chosen option of the picker', () => {
    expect(
      readPickedContact({
        [PICKER_BLOCK_ID]: {
          [ACTION_ID.pickContact]: {
            selected_option: { value: SAMPLE_ID },
          },
        },
      }),
    ).toBe(SAMPLE_ID);
  });

  test.each<[string, ViewStateValues]>([
    ['no picker in the state', {}],
    [
      'nothing chosen',
      { [PICKER_BLOCK_ID]: { [ACTION_ID.pickContact]: { selected_option: null } } },
    ],
    ['no selected_option', { [PICKER_BLOCK_ID]: { [ACTION_ID.pickContact]: {} } }],
    [
      'another action id',
      { [PICKER_BLOCK_ID]: { [ACTION_ID.input]: { selected_option: { value: SAMPLE_ID } } } },
    ],
    [
      'a value that is not text',
      {
        [PICKER_BLOCK_ID]: {
          [ACTION_ID.pickContact]: { selected_option: { value: 7 } },
        },
      } as unknown as ViewStateValues,
    ],
    ['a block that is not an object', { [PICKER_BLOCK_ID]: 'x' } as unknown as ViewStateValues],
  ])('is null with %s', (_what, state) => {
    expect(readPickedContact(state)).toBeNull();
  });
});

describe('inlineErrors across generations', () => {
  test('keys carry the generation; generation 0 is the default', () => {
    const errors = { email: 'a', phone: 'b', clear: 'c' };
    expect(inlineErrors(errors, 3)).toEqual({ 'email~3': 'a', 'phone~3': 'b', 'clear~3': 'c' });
    expect(inlineErrors(errors)).toEqual(inlineErrors(errors, 0));
    expect(inlineErrors(errors, 0)).toEqual({ email: 'a', phone: 'b', clear: 'c' });
  });

  test.each([1, 4])(
    'every error of a refilled form (generation %i) lands on one of its inputs',
    (generation) => {
      const view = formForBookEntry(entry(), { origin: ORIGIN, picker: true, generation });
      const state = untouchedState(view);
      state[inputBlockId('email', generation)] = { [ACTION_ID.input]: { value: 'not-an-email' } };
      state[inputBlockId('phone', generation)] = { [ACTION_ID.input]: { value: '12' } };
      const result = submit(view, state);
      if (result.ok) throw new Error('expected errors');
      const keys = Object.keys(inlineErrors(result.errors, generation));
      expect(keys.sort()).toEqual([`email~${generation}`, `phone~${generation}`]);
      const ids = inputs(view).map((block) => block.block_id);
      for (const key of keys) expect(ids).toContain(key);
    },
  );
});

describe('the form with a contact picker', () => {
  const waiting = contactFormView({
    contactId: null,
    values: {},
    clear: [],
    baseline: null,
    origin: ORIGIN,
    picker: true,
  });

  test('while no contact is chosen it holds only the picker: no id and no field inputs', () => {
    expect(inputs(waiting).map((block) => block.block_id)).toEqual([PICKER_BLOCK_ID]);
    expect(blocksOf(waiting).some((block) => block.block_id === 'contact')).toBe(false);
    expect(contextText(waiting, 'explain')).toMatch(/^Type a few letters of a name or an email/);
    expect(contextText(waiting, 'explain')).toMatch(/chosen by its Stuut id/);
  });

  test('the picker is a type-ahead answered by the bot, that reports a choice at once', () => {
    const picker = inputs(waiting)[0];
    expect(picker?.dispatch_action).toBe(true);
    expect(picker?.element).toMatchObject({
      type: 'external_select',
      action_id: ACTION_ID.pickContact,
      min_query_length: 1,
    });
    expect(picker?.element).not.toHaveProperty('initial_option');
    expect(picker?.optional).not.toBe(true);
  });

  test('its private_metadata says it has a picker and no contact yet', () => {
    expect(metadataOf(waiting)).toEqual({
      contactId: null,
      origin: ORIGIN,
      baseline: null,
      generation: 0,
      picker: true,
      source: 'form',
    });
  });

  test('refilled for a contact the book knows: picker kept, values in new-generation inputs', () => {
    const view = formForBookEntry(entry(), { origin: ORIGIN, picker: true, generation: 1 });
    const ids = inputs(view).map((block) => block.block_id);
    expect(ids[0]).toBe(PICKER_BLOCK_ID);
    expect(ids.slice(1)).toEqual(CONTACT_FIELDS.map((field) => `${field}~1`));
    expect(inputs(view)[0]?.element?.initial_option).toEqual({
      text: { type: 'plain_text', text: 'Priya Raman · priya.raman@example.com', emoji: true },
      value: SAMPLE_ID,
    });
    expect(inputAt(view, 'job_title', 1)?.element?.initial_value).toBe('Customer Success Manager');
    expect(metadataOf(view)).toMatchObject({ contactId: SAMPLE_ID, generation: 1, picker: true });
  });

  test('refilled for an id the book does not know: "Use id", and a blank form with clear boxes', () => {
    const view = formForUnknownId('ic_unknown1', { origin: ORIGIN, picker: true, generation: 2 });
    expect(inputs(view)[0]?.element?.initial_option).toEqual({
      text: { type: 'plain_text', text: 'Use id ic_unknown1', emoji: true },
      value: 'ic_unknown1',
    });
    expect(inputAt(view, 'clear', 2)?.element?.type).toBe('checkboxes');
    for (const field of CONTACT_FIELDS) {
      expect(inputAt(view, field, 2)?.element).not.toHaveProperty('initial_value');
    }
    expect(metadataOf(view)).toMatchObject({ contactId: 'ic_unknown1', baseline: null });
  });

  test('a long id chosen in the picker keeps its option label within 75 characters', () => {
    const id = `ic_${'x'.repeat(125)}`;
    const view = formForUnknownId(id, { origin: ORIGIN, picker: true, generation: 1 });
    const label = inputs(view)[0]?.element?.initial_option?.text.text ?? '';
    expect([...label].length).toBeLessThanOrEqual(75);
    expect(label.startsWith('Use id ic_xxx')).toBe(true);
    expect(validateView(view)).toEqual([]);
  });

  test.each<[string, ModalView]>([
    ['waiting for a pick', waiting],
    [
      'refilled from the book',
      formForBookEntry(entry(), { origin: ORIGIN, picker: true, generation: 5 }),
    ],
    [
      'refilled for an unknown id',
      formForUnknownId(SAMPLE_ID, { origin: ORIGIN, picker: true, generation: 5 }),
    ],
  ])('%s: passes Slack’s checks for a modal', (_what, view) => {
    expect(validateView(view)).toEqual([]);
  });
});

describe('the line saying how the contact was found', () => {
  test('is a context block before the contact, escaped', () => {
    const view = formForBookEntry(entry(), {
      origin: ORIGIN,
      found: 'The only contact in the book that matches "<!channel> & co".',
    });
    const ids = blocksOf(view).map((block) => block.block_id);
    expect(ids.indexOf('found')).toBeLessThan(ids.indexOf('contact'));
    expect(contextText(view, 'found')).toBe(
      ':mag: The only contact in the book that matches "&lt;!channel&gt; &amp; co".',
    );
  });

  test('a very long line is cut to fit Slack', () => {
    const view = formForBookEntry(entry(), { origin: ORIGIN, found: '<'.repeat(5000) });
    const text = contextText(view, 'found');
    expect([...text].length).toBeLessThanOrEqual(3000);
    expect(text.endsWith('…')).toBe(true);
    expect(validateView(view)).toEqual([]);
  });

  test('without it there is no such block', () => {
    const view = formForBookEntry(entry(), { origin: ORIGIN });
    expect(blocksOf(view).some((block) => block.block_id === 'found')).toBe(false);
  });
});

describe('formForBookEntry', () => {
  const view = formForBookEntry(entry(), { origin: ORIGIN });

  test('the inputs start with the known values, the phone in international format', () => {
    expect(inputAt(view, 'email', 0)?.element?.initial_value).toBe(SAMPLE_VALUES.email);
    expect(inputAt(view, 'given_name', 0)?.element?.initial_value).toBe('Priya');
    expect(inputAt(view, 'family_name', 0)?.element?.initial_value).toBe('Raman');
    expect(inputAt(view, 'name', 0)?.element).not.toHaveProperty('initial_value');
    expect(inputAt(view, 'phone', 0)?.element?.initial_value).toBe('+1 415 555 0100');
    expect(inputAt(view, 'job_title', 0)?.element?.initial_value).toBe('Customer Success Manager');
  });

  test('the baseline in private_metadata keeps the stored values (E.164), source and version', () => {
    expect(metadataOf(view)).toEqual({
      contactId: SAMPLE_ID,
      origin: ORIGIN,
      baseline: {
        values: SAMPLE_VALUES,
        seenAt: SEEN.toISOString(),
        from: 'stuut',
        version: 3,
      },
      generation: 0,
      picker: false,
      source: 'form',
    });
  });

  test('saved untouched, it changes nothing (the international phone is the stored one)', () => {
    const result = submit(view, untouchedState(view));
    expect(result).toEqual({
      ok: false,
      errors: { email: expect.stringMatching(/^Nothing changed/) },
    });
  });

  test.each<[string, string]>([
    ['US', '+14155550100'],
    ['UK', '+442079460958'],
    ['Germany', '+4915123456789'],
    ['Japan', '+819012345678'],
  ])('an untouched %s phone is no change either', (_where, phone) => {
    const known = formForBookEntry(entry({ values: { ...SAMPLE_VALUES, phone } }), {
      origin: ORIGIN,
    });
    expect(inputAt(known, 'phone', 0)?.element?.initial_value).not.toBe(phone);
    const state = untouchedState(known);
    state[INPUT_BLOCK_ID.job_title] = { [ACTION_ID.input]: { value: 'VP' } };
    expect(submit(known, state)).toEqual({
      ok: true,
      contactId: SAMPLE_ID,
      patch: { job_title: 'VP' },
    });
  });

  test('emptying an input clears that field; there is no clear group', () => {
    expect(inputs(view).some((block) => block.block_id === INPUT_BLOCK_ID.clear)).toBe(false);
    const state = untouchedState(view);
    state[INPUT_BLOCK_ID.phone] = { [ACTION_ID.input]: { value: null } };
    expect(submit(view, state)).toEqual({ ok: true, contactId: SAMPLE_ID, patch: { phone: null } });
  });

  test('typed proposals replace the known values', () => {
    const proposed = formForBookEntry(entry(), {
      origin: ORIGIN,
      prefill: { job_title: 'VP, Customer Success', phone: '(212) 555-0147' },
    });
    expect(inputAt(proposed, 'job_title', 0)?.element?.initial_value).toBe('VP, Customer Success');
    expect(inputAt(proposed, 'phone', 0)?.element?.initial_value).toBe('(212) 555-0147');
    expect(inputAt(proposed, 'given_name', 0)?.element?.initial_value).toBe('Priya');
    // The baseline stays what the book knows, so Save sends exactly the proposals.
    expect(metadataOf(proposed)?.baseline?.values).toEqual(SAMPLE_VALUES);
    expect(submit(proposed, untouchedState(proposed))).toEqual({
      ok: true,
      contactId: SAMPLE_ID,
      patch: { phone: '+12125550147', job_title: 'VP, Customer Success' },
    });
  });

  test('fields proposed for clearing start empty, and Save clears them', () => {
    const cleared = formForBookEntry(entry(), {
      origin: ORIGIN,
      clear: ['phone', 'given_name'],
    });
    expect(inputAt(cleared, 'phone', 0)?.element).not.toHaveProperty('initial_value');
    expect(inputAt(cleared, 'given_name', 0)?.element).not.toHaveProperty('initial_value');
    expect(submit(cleared, untouchedState(cleared))).toEqual({
      ok: true,
      contactId: SAMPLE_ID,
      patch: { given_name: null, phone: null },
    });
  });

  test('email is never emptied by a proposal to clear it', () => {
    const view = formForBookEntry(entry(), { origin: ORIGIN, clear: ['email', 'job_title'] });
    expect(inputAt(view, 'email', 0)?.element?.initial_value).toBe(SAMPLE_VALUES.email);
    expect(inputAt(view, 'job_title', 0)?.element).not.toHaveProperty('initial_value');
  });

  test('says the values are as Stuut returned them, or as imported, with the date', () => {
    expect(contextText(view, 'explain')).toContain(
      `Filled in with the values as Stuut returned them ${DATE_TOKEN}`,
    );
    const imported = formForBookEntry(entry({ knownFrom: 'import', modifiedAt: null }), {
      origin: ORIGIN,
    });
    expect(contextText(imported, 'explain')).toContain(
      `Filled in with the values as imported ${DATE_TOKEN}`,
    );
    expect(metadataOf(imported)?.baseline).toMatchObject({ from: 'import', version: 3 });
  });

  test('values from the book are text to Slack: markup is kept as a value, never rendered', () => {
    const evil = entry({
      values: { ...SAMPLE_VALUES, name: '<!channel>', job_title: '<@U123> & <https://x|y>' },
    });
    const form = formForBookEntry(evil, { origin: ORIGIN, found: 'Found by id.' });
    expect(inputAt(form, 'name', 0)?.element?.initial_value).toBe('<!channel>');
    const mrkdwn = JSON.stringify(blocksOf(form).filter((block) => block.type !== 'input'));
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<@U123>');
  });

  test.each<[string, (n: number) => string]>([
    ['plain', (n) => 'x'.repeat(n)],
    ['emoji', (n) => '😀'.repeat(n)],
    ['markup', (n) => '<!channel>&'.repeat(n).slice(0, n)],
  ])('with every value at its longest (%s) it passes Slack’s checks', (_what, fill) => {
    const values: ContactValues = {
      email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`,
      given_name: fill(255),
      family_name: fill(255),
      name: fill(255),
      phone: '+5511912345678',
      job_title: fill(255),
    };
    const form = formForBookEntry(entry({ values }), {
      origin: ORIGIN,
      found: 'x'.repeat(200),
      picker: true,
      generation: 999_999,
    });
    expect(validateView(form)).toEqual([]);
    expect(metadataOf(form)?.baseline?.values).toEqual(values);
  });
});

describe('formForUnknownId', () => {
  test('a blank form for the id: empty boxes keep Stuut’s values, with a clear group', () => {
    const view = formForUnknownId('ic_unknown1', { origin: ORIGIN });
    expect(blocksOf(view).find((block) => block.block_id === 'contact')?.text?.text).toContain(
      'ic_unknown1',
    );
    for (const field of CONTACT_FIELDS) {
      expect(inputAt(view, field, 0)?.element).not.toHaveProperty('initial_value');
    }
    expect(inputAt(view, 'clear', 0)?.element?.options?.map((o) => o.value)).toEqual([
      ...CLEARABLE_FIELDS,
    ]);
    expect(contextText(view, 'explain')).toMatch(/empty box keeps the value Stuut has/);
    expect(metadataOf(view)).toEqual({
      contactId: 'ic_unknown1',
      origin: ORIGIN,
      baseline: null,
      generation: 0,
      picker: false,
      source: 'form',
    });
    expect(validateView(view)).toEqual([]);
  });

  test('typed proposals are initial values, and fields to clear are ticked (never email)', () => {
    const view = formForUnknownId('ic_unknown1', {
      origin: ORIGIN,
      prefill: { job_title: 'VP' },
      clear: ['email', 'phone', 'name'] as ContactField[],
    });
    expect(inputAt(view, 'job_title', 0)?.element?.initial_value).toBe('VP');
    expect(inputAt(view, 'clear', 0)?.element?.initial_options?.map((o) => o.value)).toEqual([
      'name',
      'phone',
    ]);
    expect(submit(view, untouchedState(view))).toEqual({
      ok: true,
      contactId: 'ic_unknown1',
      patch: { name: null, phone: null, job_title: 'VP' },
    });
    expect(validateView(view)).toEqual([]);
  });

  test('a notice is shown as the line at the top, escaped', () => {
    const view = formForUnknownId('ic_unknown1', {
      origin: ORIGIN,
      notice: 'The contact book is unavailable <!here>',
    });
    expect(contextText(view, 'found')).toBe(':mag: The contact book is unavailable &lt;!here&gt;');
  });
});

describe('pickerLabel', () => {
  const values = (overrides: Partial<ContactValues>): ContactValues => ({
    ...SAMPLE_VALUES,
    ...overrides,
  });

  test.each<[string, Partial<ContactValues>, string]>([
    [
      'the full name and the email',
      { name: 'Dr. Priya Raman' },
      'Dr. Priya Raman · priya.raman@example.com',
    ],
    ['given and family name without a full name', {}, 'Priya Raman · priya.raman@example.com'],
    ['a given name alone', { family_name: null }, 'Priya · priya.raman@example.com'],
    [
      'the email without any name',
      { given_name: null, family_name: null },
      'priya.raman@example.com',
    ],
    ['the id without name or email', { given_name: null, family_name: null, email: '' }, SAMPLE_ID],
  ])('is %s', (_what, overrides, label) => {
    expect(pickerLabel(SAMPLE_ID, values(overrides))).toBe(label);
  });

  test.each<[string, string]>([
    ['a long name', 'N'.repeat(255)],
    ['an emoji name', '😀'.repeat(255)],
    ['a name with markup', '<!channel>'.repeat(25)],
  ])('%s is cut to Slack’s 75 characters, ending in …', (_what, name) => {
    const label = pickerLabel(SAMPLE_ID, values({ name }));
    expect([...label]).toHaveLength(75);
    expect(label.endsWith('…')).toBe(true);
    expect(name.startsWith(label.slice(0, -1))).toBe(true);
  });

  test('a long email alone is cut too', () => {
    const email = `${'a'.repeat(200)}@example.com`;
    const label = pickerLabel(SAMPLE_ID, values({ email, given_name: null, family_name: null }));
    expect([...label]).toHaveLength(75);
  });
});

describe('stored values the form must not alter or outgrow', () => {
  const submitUntouched = (view: ModalView, change: Partial<Record<string, string>>) => {
    const state: ViewStateValues = {};
    for (const block of view.blocks) {
      if (block.type !== 'input' || !block.block_id) continue;
      const element = (block as { element?: { initial_value?: string } }).element ?? {};
      state[block.block_id] = { value: { value: element.initial_value ?? null } };
    }
    for (const [blockId, value] of Object.entries(change)) state[blockId] = { value: { value } };
    const metadata = decodeFormMetadata(view.private_metadata ?? '');
    return validateForm(readContactForm(state), {
      fixedContactId: metadata?.contactId ?? null,
      baseline: metadata?.baseline?.values ?? null,
      defaultCountry: 'US',
    });
  };

  test.each([
    ['with an extension', '+14155550100 x12'],
    ['inside other text', 'Tel: +1 415 555 0100'],
  ])('a phone stored %s is shown as stored, and an untouched one is not sent', (_label, phone) => {
    const view = formForBookEntry(entry({ values: { ...SAMPLE_VALUES, phone } }), {
      origin: ORIGIN,
    });
    const result = submitUntouched(view, { job_title: 'Head of Billing' });
    expect(result).toEqual({
      ok: true,
      contactId: SAMPLE_ID,
      patch: { job_title: 'Head of Billing' },
    });
  });

  test('values too long for private_metadata open the form without them, and say so', () => {
    const long = entry({ values: { ...SAMPLE_VALUES, job_title: 'x'.repeat(2_900) } });
    const view = formForBookEntry(long, { origin: ORIGIN });
    expect(validateView(view)).toEqual([]);
    expect(decodeFormMetadata(view.private_metadata ?? '')?.baseline).toBeNull();
    expect(JSON.stringify(view.blocks)).toContain('too long to carry in a Slack form');
  });
});
