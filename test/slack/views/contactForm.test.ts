import type { ModalView } from '@slack/types';
import {
  CLEARABLE_FIELDS,
  CONTACT_FIELDS,
  type ContactField,
  type ContactValues,
  FIELD_LABELS,
} from '../../../src/domain/contact';
import { type FormContext, type FormKey, validateForm } from '../../../src/domain/form';
import { validateView } from '../../../src/sandbox/slack';
import { ACTION_ID, CALLBACK_ID, INPUT_BLOCK_ID, noteBlockId } from '../../../src/slack/ids';
import { type Baseline, decodeFormMetadata, type Origin } from '../../../src/slack/metadata';
import {
  type ContactFormModel,
  contactFormView,
  inlineErrors,
  readContactForm,
  type ViewStateValues,
} from '../../../src/slack/views/contactForm';
import { EMPTY_FORM_VALUES, SAMPLE_VALUES } from '../../fixtures';

const ID = 'ic_7Qm2xK9a';
const ORIGIN: Origin = {
  channelId: 'C0UPD',
  responseUrl: 'https://hooks.slack.com/commands/T0ACME/1/abc',
};
const VALUES: ContactValues = SAMPLE_VALUES;
const BASELINE: Baseline = {
  values: VALUES,
  seenAt: '2025-03-14T09:26:53.589Z',
  from: 'stuut',
  version: 4,
};

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
  max_length?: number;
  placeholder?: Text;
  options?: Option[];
  initial_options?: Option[];
}
interface Block {
  type: string;
  block_id?: string;
  optional?: boolean;
  label?: Text;
  hint?: Text;
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

function input(view: ModalView, key: FormKey): Block | undefined {
  return inputs(view).find((block) => block.block_id === INPUT_BLOCK_ID[key]);
}

function inputIds(view: ModalView): string[] {
  return inputs(view).map((block) => block.block_id ?? '');
}

/** Every mrkdwn text in the view: the only place Slack reads markup. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

function model(overrides: Partial<ContactFormModel> = {}): ContactFormModel {
  return { contactId: ID, values: {}, clear: [], baseline: null, origin: ORIGIN, ...overrides };
}

const VIEWS: [string, ModalView][] = [
  ['fixed id, empty', contactFormView(model())],
  ['editable id, empty', contactFormView(model({ contactId: null }))],
  ['with a baseline', contactFormView(model({ values: VALUES, baseline: BASELINE }))],
  [
    'with a notice and notes on every input',
    contactFormView(
      model({
        contactId: null,
        notice: 'x'.repeat(5000),
        notes: Object.fromEntries(
          Object.keys(INPUT_BLOCK_ID).map((key) => [key, 'y'.repeat(5000)]),
        ),
      }),
    ),
  ],
];

describe('contactFormView: the modal', () => {
  test.each(VIEWS)('%s: title, Save and Cancel fit 24 characters', (_what, view) => {
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe(CALLBACK_ID.contactForm);
    expect(view.title.text).toBe('Update contact');
    expect(view.submit?.text).toBe('Save');
    expect(view.close?.text).toBe('Cancel');
    for (const text of [view.title.text, view.submit?.text ?? '', view.close?.text ?? '']) {
      expect([...text].length).toBeGreaterThan(0);
      expect([...text].length).toBeLessThanOrEqual(24);
    }
  });

  test.each(VIEWS)('%s: within Slack limits', (_what, view) => {
    const blocks = blocksOf(view);
    expect(blocks.length).toBeLessThanOrEqual(100);
    expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
    for (const text of mrkdwnTexts(view)) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(3000);
    }
    for (const block of blocks) {
      expect((block.block_id ?? '').length).toBeLessThanOrEqual(255);
      expect((block.label?.text ?? '').length).toBeLessThanOrEqual(2000);
      expect((block.hint?.text ?? '').length).toBeLessThanOrEqual(2000);
      expect((block.element?.placeholder?.text ?? '').length).toBeLessThanOrEqual(150);
    }
    // Block ids are unique within a view.
    const ids = blocks.map((block) => block.block_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test.each(VIEWS)('%s: every input block id maps from INPUT_BLOCK_ID', (_what, view) => {
    const known = Object.values(INPUT_BLOCK_ID);
    expect(inputIds(view).length).toBeGreaterThan(0);
    for (const block of inputs(view)) {
      expect(known).toContain(block.block_id);
      expect(block.element?.action_id).toBe(ACTION_ID.input);
    }
  });

  test('has an input for every contact field, in form order, labelled', () => {
    const view = contactFormView(model());
    const fieldInputs = inputs(view).filter((block) =>
      (CONTACT_FIELDS as readonly string[]).includes(block.block_id ?? ''),
    );
    expect(fieldInputs.map((block) => block.block_id)).toEqual(
      CONTACT_FIELDS.map((field) => INPUT_BLOCK_ID[field]),
    );
    for (const field of CONTACT_FIELDS) {
      const block = input(view, field);
      expect(block?.label?.text).toBe(FIELD_LABELS[field]);
      // Every field input is optional: empty means "keep" or "clear", never "missing".
      expect(block?.optional).toBe(true);
    }
    expect(input(view, 'email')?.element?.type).toBe('email_text_input');
    expect(input(view, 'phone')?.element?.type).toBe('plain_text_input');
  });

  test('text inputs are limited to 255 characters, phone to 64', () => {
    const view = contactFormView(model());
    for (const field of ['given_name', 'family_name', 'name', 'job_title'] as const) {
      expect(input(view, field)?.element?.max_length).toBe(255);
    }
    expect(input(view, 'phone')?.element?.max_length).toBe(64);
  });

  test.each(VIEWS)("%s: passes Slack's checks for a modal", (_what, view) => {
    expect(validateView(view)).toEqual([]);
  });

  test('private_metadata carries the id, the origin, the baseline, generation 0, no picker', () => {
    expect(
      decodeFormMetadata(contactFormView(model({ baseline: BASELINE })).private_metadata ?? ''),
    ).toEqual({
      contactId: ID,
      origin: ORIGIN,
      baseline: BASELINE,
      generation: 0,
      picker: false,
      source: 'form',
    });
    expect(
      decodeFormMetadata(contactFormView(model({ contactId: null })).private_metadata ?? ''),
    ).toEqual({
      contactId: null,
      origin: ORIGIN,
      baseline: null,
      generation: 0,
      picker: false,
      source: 'form',
    });
  });
});

describe('contactFormView: the contact id', () => {
  test('a known id is shown read-only, with no id input', () => {
    const view = contactFormView(model());
    expect(input(view, 'contact_id')).toBeUndefined();
    const section = blocksOf(view).find((block) => block.block_id === 'contact');
    expect(section?.type).toBe('section');
    expect(section?.text?.text).toContain(ID);
  });

  test('without an id the form has a required id input, first', () => {
    const view = contactFormView(model({ contactId: null }));
    const block = input(view, 'contact_id');
    expect(block).toBeDefined();
    expect(block?.optional).not.toBe(true);
    expect(block?.label?.text).toBe('Contact id');
    expect(block?.hint?.text).toMatch(/cannot look contacts up by email/);
    expect(inputIds(view)[0]).toBe(INPUT_BLOCK_ID.contact_id);
    expect(blocksOf(view).some((b) => b.block_id === 'contact')).toBe(false);
  });

  test('the id input starts with the typed id', () => {
    const view = contactFormView(model({ contactId: null, typedContactId: 'ic_wrong' }));
    expect(input(view, 'contact_id')?.element?.initial_value).toBe('ic_wrong');
    const empty = contactFormView(model({ contactId: null }));
    expect(input(empty, 'contact_id')?.element).not.toHaveProperty('initial_value');
  });
});

describe('contactFormView: with a baseline', () => {
  const view = contactFormView(model({ values: VALUES, baseline: BASELINE }));

  test('the inputs start with the baseline values', () => {
    for (const field of CONTACT_FIELDS) {
      const element = input(view, field)?.element;
      const value = VALUES[field];
      if (value === null) expect(element).not.toHaveProperty('initial_value');
      else expect(element?.initial_value).toBe(value);
    }
  });

  test('there is no clear group: emptying a box clears it', () => {
    expect(input(view, 'clear')).toBeUndefined();
    expect(input(view, 'phone')?.hint?.text).toMatch(/Empty the box to clear/);
  });

  test('says the values are those Stuut returned at that time, and how to clear', () => {
    const explain = blocksOf(view).find((block) => block.block_id === 'explain');
    const text = explain?.elements?.[0]?.text ?? '';
    expect(text).toContain('Filled in with the values as Stuut returned them <!date^1741944413^');
    expect(text).toMatch(/a change made since then outside this bot is not shown here/);
    expect(text).toContain('Empty a box to clear that field.');
    expect(text).not.toContain('imported');
  });

  test('says when the values were imported instead', () => {
    const imported = contactFormView(
      model({ values: VALUES, baseline: { ...BASELINE, from: 'import', version: null } }),
    );
    const explain = blocksOf(imported).find((block) => block.block_id === 'explain');
    const text = explain?.elements?.[0]?.text ?? '';
    expect(text).toContain('Filled in with the values as imported <!date^1741944413^');
    expect(text).not.toContain('Stuut returned');
  });
});

describe('contactFormView: without a baseline', () => {
  test('the clear group lists every field except email', () => {
    const view = contactFormView(model());
    const clear = input(view, 'clear');
    expect(clear?.optional).toBe(true);
    expect(clear?.element?.type).toBe('checkboxes');
    const options = clear?.element?.options ?? [];
    expect(options.map((option) => option.value)).toEqual([...CLEARABLE_FIELDS]);
    expect(options.map((option) => option.value)).not.toContain('email');
    expect(options.map((option) => option.text.text)).toEqual(
      CLEARABLE_FIELDS.map((field) => FIELD_LABELS[field]),
    );
    expect(clear?.element).not.toHaveProperty('initial_options');
  });

  test('says an empty box keeps the value', () => {
    const view = contactFormView(model());
    const explain = blocksOf(view).find((block) => block.block_id === 'explain');
    expect(explain?.elements?.[0]?.text).toMatch(/empty box keeps/);
  });

  test('prefilled values are initial values, and proposed clears are initial options', () => {
    const view = contactFormView(
      model({
        values: { job_title: 'VP, Customer Success', phone: null },
        clear: ['name', 'phone'],
      }),
    );
    expect(input(view, 'job_title')?.element?.initial_value).toBe('VP, Customer Success');
    expect(input(view, 'phone')?.element).not.toHaveProperty('initial_value');
    expect(input(view, 'email')?.element).not.toHaveProperty('initial_value');
    const clear = input(view, 'clear')?.element;
    expect(clear?.initial_options?.map((option) => option.value)).toEqual(['name', 'phone']);
    // Initial options must be exactly options of the element.
    for (const option of clear?.initial_options ?? [])
      expect(clear?.options).toContainEqual(option);
  });

  test('an initial value longer than the input allows is cut to fit', () => {
    const view = contactFormView(model({ values: { job_title: 'x'.repeat(300) } }));
    const element = input(view, 'job_title')?.element;
    expect([...(element?.initial_value ?? '')].length).toBeLessThanOrEqual(
      element?.max_length ?? 0,
    );
  });
});

describe('contactFormView: notices and notes', () => {
  test('a note appears right under its input, with the noteBlockId', () => {
    const view = contactFormView(
      model({
        contactId: null,
        notes: { phone: 'Stuut says: bad phone', contact_id: 'No such id' },
      }),
    );
    const ids = blocksOf(view).map((block) => block.block_id);
    for (const key of ['phone', 'contact_id'] as const) {
      const at = ids.indexOf(INPUT_BLOCK_ID[key]);
      expect(ids[at + 1]).toBe(noteBlockId(key));
    }
    const note = blocksOf(view).find((block) => block.block_id === noteBlockId('phone'));
    expect(note?.type).toBe('context');
    expect(note?.elements?.[0]?.text).toContain('Stuut says: bad phone');
    expect(ids.filter((id) => id?.endsWith('__note'))).toHaveLength(2);
  });

  test('without notes there are no note blocks', () => {
    const ids = blocksOf(contactFormView(model())).map((block) => block.block_id);
    expect(ids.some((id) => id?.endsWith('__note'))).toBe(false);
  });

  test('a notice is shown first', () => {
    const view = contactFormView(model({ notice: 'Stuut refused the token.' }));
    const first = blocksOf(view)[0];
    expect(first?.block_id).toBe('notice');
    expect(first?.text?.text).toContain('Stuut refused the token.');
  });

  test('user and API text in notices and notes is escaped', () => {
    const evil = '<!channel> <@U123> <https://evil.example|bank> & co';
    const view = contactFormView(
      model({ contactId: null, notice: evil, notes: { job_title: evil, contact_id: evil } }),
    );
    const texts = mrkdwnTexts(view).join('\n');
    expect(texts).toContain(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt; &amp; co',
    );
    for (const raw of ['<!channel>', '<@U123>', '<https://evil', '& co']) {
      expect(texts).not.toContain(raw);
    }
  });

  test('an unreadable baseline date is escaped too', () => {
    const view = contactFormView(
      model({ values: VALUES, baseline: { ...BASELINE, seenAt: '<!channel>' } }),
    );
    expect(mrkdwnTexts(view).join('\n')).not.toContain('<!channel>');
  });
});

describe('readContactForm', () => {
  function state(values: Partial<Record<FormKey, unknown>>): ViewStateValues {
    return Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        INPUT_BLOCK_ID[key as FormKey],
        { [ACTION_ID.input]: value },
      ]),
    ) as ViewStateValues;
  }

  test('reads every input as Slack reports it', () => {
    const form = readContactForm(
      state({
        contact_id: { type: 'plain_text_input', value: ID },
        email: { type: 'email_text_input', value: 'priya@example.com' },
        given_name: { type: 'plain_text_input', value: 'Priya' },
        family_name: { type: 'plain_text_input', value: null },
        name: { type: 'plain_text_input', value: null },
        phone: { type: 'plain_text_input', value: '(415) 555-0100' },
        job_title: { type: 'plain_text_input', value: 'CSM' },
        clear: {
          type: 'checkboxes',
          selected_options: [
            { text: { type: 'plain_text', text: 'Full name' }, value: 'name' },
            { text: { type: 'plain_text', text: 'Family name' }, value: 'family_name' },
          ],
        },
      }),
    );
    expect(form).toEqual({
      typedContactId: ID,
      values: {
        email: 'priya@example.com',
        given_name: 'Priya',
        family_name: null,
        name: null,
        phone: '(415) 555-0100',
        job_title: 'CSM',
      },
      clear: ['name', 'family_name'],
    });
  });

  test('keeps values untrimmed, as typed; validation trims them', () => {
    const form = readContactForm(
      state({ job_title: { value: '  VP  ' }, contact_id: { value: ` ${ID} ` } }),
    );
    expect(form.values.job_title).toBe('  VP  ');
    expect(form.typedContactId).toBe(` ${ID} `);
    expect(
      validateForm(form, { fixedContactId: null, baseline: null, defaultCountry: 'US' }),
    ).toEqual({ ok: true, contactId: ID, patch: { job_title: 'VP' } });
  });

  test('an empty state reads as an empty form', () => {
    expect(readContactForm({})).toEqual({
      typedContactId: null,
      values: EMPTY_FORM_VALUES,
      clear: [],
    });
  });

  test('an empty checkbox group reads as nothing to clear', () => {
    expect(
      readContactForm(state({ clear: { type: 'checkboxes', selected_options: [] } })).clear,
    ).toEqual([]);
  });

  test.each<[string, unknown]>([
    ['a number', 5],
    ['null', null],
    ['a string', 'name'],
    ['an array', ['x']],
    ['an object without value', { type: 'plain_text_input' }],
    ['a numeric value', { value: 42 }],
    ['an object value', { value: { text: 'x' } }],
  ])('survives %s where an input should be', (_what, garbage) => {
    const form = readContactForm(
      state({ contact_id: garbage, email: garbage, job_title: garbage, clear: garbage }),
    );
    expect(form.typedContactId).toBeNull();
    expect(form.values.email).toBeNull();
    expect(form.values.job_title).toBeNull();
    expect(form.clear).toEqual([]);
  });

  test.each<[string, unknown, string[]]>([
    ['a string', 'phone', []],
    ['an object', { value: 'phone' }, []],
    ['a number', 3, []],
    ['null', null, []],
    [
      'entries of the wrong shape',
      [null, 3, 'phone', {}, { value: 7 }, { value: 'phone' }],
      ['phone'],
    ],
  ])('survives selected_options that is %s', (_what, selected, expected) => {
    const form = readContactForm(state({ clear: { selected_options: selected } }));
    expect(form.clear).toEqual(expected);
  });

  test.each<[string, unknown]>([
    ['a number', 7],
    ['null', null],
    ['a string', 'email'],
    ['an array', []],
  ])('survives %s where a block should be', (_what, garbage) => {
    const values = Object.fromEntries(
      Object.values(INPUT_BLOCK_ID).map((id) => [id, garbage]),
    ) as unknown as ViewStateValues;
    const form = readContactForm(values);
    expect(form.typedContactId).toBeNull();
    expect(Object.values(form.values)).toEqual(CONTACT_FIELDS.map(() => null));
    expect(form.clear).toEqual([]);
  });

  test('survives a block whose action id is different', () => {
    const form = readContactForm({ [INPUT_BLOCK_ID.email]: { other: { value: 'a@b.co' } } });
    expect(form.values.email).toBeNull();
  });

  test('reads back what the view it belongs to would send', () => {
    // The view's inputs and readContactForm agree on block and action ids.
    const view = contactFormView(model({ contactId: null }));
    const submitted: ViewStateValues = {};
    for (const block of inputs(view)) {
      const id = block.block_id ?? '';
      submitted[id] =
        id === INPUT_BLOCK_ID.clear
          ? { [ACTION_ID.input]: { selected_options: [{ value: 'phone' }] } }
          : { [ACTION_ID.input]: { value: `v:${id}` } };
    }
    const form = readContactForm(submitted);
    expect(form.typedContactId).toBe(`v:${INPUT_BLOCK_ID.contact_id}`);
    for (const field of CONTACT_FIELDS)
      expect(form.values[field]).toBe(`v:${INPUT_BLOCK_ID[field]}`);
    expect(form.clear).toEqual(['phone']);
  });
});

describe('inlineErrors', () => {
  test('keys are the input block ids of the errors', () => {
    expect(
      inlineErrors({ contact_id: 'a', email: 'b', phone: 'c', job_title: 'd', clear: 'e' }),
    ).toEqual({
      [INPUT_BLOCK_ID.contact_id]: 'a',
      [INPUT_BLOCK_ID.email]: 'b',
      [INPUT_BLOCK_ID.phone]: 'c',
      [INPUT_BLOCK_ID.job_title]: 'd',
      [INPUT_BLOCK_ID.clear]: 'e',
    });
  });

  test('no errors, no keys', () => {
    expect(inlineErrors({})).toEqual({});
  });

  test('a long message is cut to 2000 characters', () => {
    const errors = inlineErrors({ phone: 'z'.repeat(2500) });
    expect([...(errors[INPUT_BLOCK_ID.phone] ?? '')]).toHaveLength(2000);
  });

  const SCENARIOS: [
    string,
    FormContext,
    Partial<Record<ContactField, string>>,
    string[],
    string | null,
  ][] = [
    [
      'nothing typed, id fixed',
      { fixedContactId: ID, baseline: null, defaultCountry: 'US' },
      {},
      [],
      null,
    ],
    [
      'nothing typed, id editable',
      { fixedContactId: null, baseline: null, defaultCountry: 'US' },
      {},
      [],
      ID,
    ],
    [
      'bad id and bad values',
      { fixedContactId: null, baseline: null, defaultCountry: 'US' },
      { phone: '1', email: 'x' },
      ['email'],
      'a/b',
    ],
    [
      'nothing changed',
      { fixedContactId: ID, baseline: VALUES, defaultCountry: 'US' },
      { ...VALUES } as Record<ContactField, string>,
      [],
      null,
    ],
    [
      'email emptied',
      { fixedContactId: ID, baseline: VALUES, defaultCountry: 'US' },
      { ...VALUES, email: '' } as Record<ContactField, string>,
      [],
      null,
    ],
  ];

  test.each(SCENARIOS)(
    '%s: every error lands on an input block of the same form',
    (_what, context, values, clear, typedContactId) => {
      const result = validateForm(
        {
          typedContactId,
          values: { ...EMPTY_FORM_VALUES, ...values },
          clear,
        },
        context,
      );
      if (result.ok) throw new Error('expected errors');
      const view = contactFormView(
        model({
          contactId: context.fixedContactId,
          baseline: context.baseline ? { ...BASELINE, values: context.baseline } : null,
        }),
      );
      const keys = Object.keys(inlineErrors(result.errors));
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(inputIds(view)).toContain(key);
    },
  );
});

describe('contactFormView: stored values longer than the input limit', () => {
  test('are shown whole, so an untouched field is not cut and sent back changed', () => {
    const long = 'A'.repeat(400);
    const view = contactFormView(
      model({
        values: { ...VALUES, job_title: long },
        baseline: { ...BASELINE, values: { ...VALUES, job_title: long } },
      }),
    );
    const element = input(view, 'job_title')?.element;
    expect(element?.initial_value).toBe(long);
    expect(element?.max_length).toBe(400);
  });

  test('typed input keeps the API limit', () => {
    expect(input(contactFormView(model()), 'job_title')?.element?.max_length).toBe(255);
  });
});
