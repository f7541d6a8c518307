import type { ModalView } from '@slack/types';
import { ROLE_LABELS, ROLES } from '../../../src/domain/assignment';
import { CLEARABLE_FIELDS, type ContactField, FIELD_LABELS } from '../../../src/domain/contact';
import { validateAddForm, validateAssignForm } from '../../../src/domain/newContact';
import {
  broadcastMentions,
  clientSideErrors,
  computeState,
  validateView,
} from '../../../src/sandbox/slack';
import {
  type AddFormMetadata,
  type AssignFormMetadata,
  decodeAddFormMetadata,
  decodeAssignFormMetadata,
  decodeRoleFormMetadata,
  type RoleFormMetadata,
} from '../../../src/slack/assignmentMetadata';
import {
  ACTION_ID,
  ADD_BLOCK_ID,
  ASSIGN_BLOCK_ID,
  CALLBACK_ID,
  INPUT_BLOCK_ID,
  ROLE_BLOCK_ID,
} from '../../../src/slack/ids';
import type { Origin } from '../../../src/slack/metadata';
import {
  type AddFormModel,
  type AssignFormModel,
  addFormErrors,
  addFormView,
  assignFormErrors,
  assignFormView,
  assignmentResultView,
  assignmentSavingView,
  readAddForm,
  readAssignForm,
  readRoleForm,
  roleFormErrors,
  roleFormView,
} from '../../../src/slack/views/assignmentForms';
import { contactFormView, type ViewStateValues } from '../../../src/slack/views/contactForm';

const ORIGIN: Origin = {
  channelId: 'C0UPD',
  responseUrl: 'https://hooks.slack.com/commands/T0ACME/1/abc',
};
const CONTACT_ID = 'ic_7Qm2xK9a';
const PARTNER_ID = 'ptn_abc123';
const NASTY = 'Priya <!channel> & <@U123> <https://evil.example|click> *bold* `tick`';
const LONGEST_ID = `a${'b'.repeat(127)}`;

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
  min_query_length?: number;
  placeholder?: Text;
  options?: Option[];
  initial_option?: Option;
  dispatch_action_config?: { trigger_actions_on: string[] };
  text?: Text;
  value?: string;
}
interface Block {
  type: string;
  block_id?: string;
  optional?: boolean;
  dispatch_action?: boolean;
  label?: Text;
  hint?: Text;
  element?: Element;
  accessory?: Element;
  text?: Text;
  elements?: Text[];
}

function blocksOf(view: ModalView): Block[] {
  return view.blocks as unknown as Block[];
}

function inputs(view: ModalView): Block[] {
  return blocksOf(view).filter((block) => block.type === 'input');
}

function block(view: ModalView, blockId: string): Block | undefined {
  return blocksOf(view).find((b) => b.block_id === blockId);
}

function blockIds(view: ModalView): string[] {
  return blocksOf(view).map((b) => b.block_id ?? '');
}

function textOf(view: ModalView, blockId: string): string {
  const b = block(view, blockId);
  return b?.text?.text ?? b?.elements?.map((e) => e.text).join('\n') ?? '';
}

/** Every mrkdwn text in the view: the only place Slack reads markup. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

/** The state Slack would report for the view untouched, or after `typed` on top. */
function stateOf(view: ModalView, previous?: ViewStateValues): ViewStateValues {
  const state = computeState(
    view.blocks,
    previous ? ({ values: previous } as unknown as Parameters<typeof computeState>[1]) : undefined,
  );
  return state.values as unknown as ViewStateValues;
}

function typeInto(
  state: ViewStateValues,
  blockId: string,
  actionId: string,
  value: { value?: string | null; selected_option?: { value: string } | null },
): ViewStateValues {
  const kept = state[blockId]?.[actionId] ?? {};
  return { ...state, [blockId]: { [actionId]: { ...kept, ...value } } };
}

function addModel(overrides: Partial<AddFormModel> = {}): AddFormModel {
  const metadata: AddFormMetadata = { origin: ORIGIN, knownContactId: null };
  return { metadata, values: {}, role: null, known: null, ...overrides };
}

function assignModel(overrides: Partial<AssignFormModel> = {}): AssignFormModel {
  const metadata: AssignFormMetadata = { origin: ORIGIN, grown: false };
  return { metadata, contact: null, email: null, partnerId: null, role: null, ...overrides };
}

const ROLE_METADATA: RoleFormMetadata = {
  origin: ORIGIN,
  assignmentId: 'ica_9xY',
  partnerId: PARTNER_ID,
  contactId: CONTACT_ID,
  contactName: 'Priya Raman',
  roleBefore: 'csm',
};

const FULL_VALUES = {
  email: 'priya.raman@example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  name: 'Priya Raman',
  phone: '+1 415 555 0100',
  job_title: 'Customer Success Manager',
} satisfies Record<ContactField, string>;

const LONG = 'x'.repeat(5000);
const LONG_VALUES = Object.fromEntries(
  Object.keys(FULL_VALUES).map((field) => [field, `${field} ${'é😀'.repeat(2000)}`]),
) as Record<ContactField, string>;
const ALL_ADD_NOTES = Object.fromEntries(Object.keys(ADD_BLOCK_ID).map((k) => [k, LONG]));
const ALL_ASSIGN_NOTES = Object.fromEntries(Object.keys(ASSIGN_BLOCK_ID).map((k) => [k, LONG]));

const VIEWS: [string, ModalView][] = [
  ['add, empty', addFormView(addModel())],
  ['add, filled', addFormView(addModel({ values: FULL_VALUES, role: 'co_lead' }))],
  [
    'add, worst case',
    addFormView(
      addModel({
        metadata: { origin: ORIGIN, knownContactId: LONGEST_ID },
        values: LONG_VALUES,
        role: 'practice_lead',
        known: { contactId: LONGEST_ID, name: '<&>'.repeat(3000) },
        notice: '<&>'.repeat(3000),
        notes: ALL_ADD_NOTES,
      }),
    ),
  ],
  ['assign, empty', assignFormView(assignModel())],
  [
    'assign, grown and filled',
    assignFormView(
      assignModel({
        metadata: { origin: ORIGIN, grown: true },
        email: FULL_VALUES.email,
        partnerId: PARTNER_ID,
        role: 'lead',
        values: FULL_VALUES,
        emailNote: 'Not in the contact book.',
      }),
    ),
  ],
  [
    'assign, worst case',
    assignFormView(
      assignModel({
        metadata: { origin: ORIGIN, grown: true },
        contact: { id: LONGEST_ID, label: '😀'.repeat(500) },
        email: LONG,
        partnerId: LONG,
        role: 'account_executive',
        values: LONG_VALUES,
        emailNote: '<&>'.repeat(3000),
        notice: '<&>'.repeat(3000),
        notes: ALL_ASSIGN_NOTES,
      }),
    ),
  ],
  ['role, plain', roleFormView({ metadata: ROLE_METADATA })],
  [
    'role, worst case',
    roleFormView({
      metadata: {
        ...ROLE_METADATA,
        assignmentId: LONGEST_ID,
        contactId: LONGEST_ID,
        partnerId: `ptn_${'p'.repeat(124)}`,
        contactName: '<&>'.repeat(3000),
        roleBefore: '<&>'.repeat(100),
      },
      notice: '<&>'.repeat(3000),
      note: '<&>'.repeat(3000),
    }),
  ],
  ['saving', assignmentSavingView('Stuut is taking a while.')],
  ['saving, worst case', assignmentSavingView('<&>'.repeat(3000))],
  [
    'result',
    assignmentResultView({
      title: 'Contact added',
      summaryMrkdwn: '*Priya Raman* is now *CSM*',
      contactId: CONTACT_ID,
      confirmationChannelId: 'C0UPD',
    }),
  ],
  [
    'result, worst case',
    assignmentResultView({
      title: 'Contact assigned',
      summaryMrkdwn: '&amp;'.repeat(2000),
      contactId: '<&>'.repeat(100),
      confirmationChannelId: null,
    }),
  ],
];

describe('every view', () => {
  test.each(VIEWS)("%s: passes Slack's checks for a modal", (_what, view) => {
    expect(validateView(view)).toEqual([]);
  });

  test.each(VIEWS)('%s: within Slack limits', (_what, view) => {
    expect(blocksOf(view).length).toBeLessThanOrEqual(100);
    expect([...(view.private_metadata ?? '')].length).toBeLessThanOrEqual(3000);
    for (const text of [view.title.text, view.submit?.text ?? 'x', view.close?.text ?? 'x']) {
      expect([...text].length).toBeGreaterThan(0);
      expect([...text].length).toBeLessThanOrEqual(24);
    }
    for (const id of blockIds(view)) expect(id.length).toBeLessThanOrEqual(255);
    expect(new Set(blockIds(view)).size).toBe(blockIds(view).length);
  });

  test.each(VIEWS)('%s: no mention, link or broadcast slips through', (_what, view) => {
    expect(broadcastMentions({ blocks: view.blocks })).toEqual([]);
    for (const text of mrkdwnTexts(view)) {
      // The bot's own channel mention is the only markup, in the result view.
      expect(text).not.toMatch(/<[@!]|<https?:|<#(?!C0UPD>)/);
      // Every & is one of Slack's three entities.
      expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
  });

  test.each(VIEWS)('%s: every input element has a fixed action_id', (_what, view) => {
    for (const input of inputs(view)) expect(input.element?.action_id).toBeTruthy();
  });
});

describe('addFormView', () => {
  const view = addFormView(addModel({ values: FULL_VALUES, role: 'csm' }));

  test('callback, title and buttons', () => {
    expect(view.callback_id).toBe(CALLBACK_ID.addForm);
    expect(view.title.text).toBe('Add contact');
    expect(view.submit?.text).toBe('Add');
    expect(view.close?.text).toBe('Cancel');
  });

  test('the inputs, in order: email, role, then the optional fields', () => {
    expect(inputs(view).map((b) => b.block_id)).toEqual([
      ADD_BLOCK_ID.email,
      ADD_BLOCK_ID.role,
      ...CLEARABLE_FIELDS.map((field) => ADD_BLOCK_ID[field]),
    ]);
    for (const input of inputs(view)) expect(input.element?.action_id).toBe(ACTION_ID.input);
  });

  test('email and role are required, the rest optional', () => {
    expect(block(view, ADD_BLOCK_ID.email)?.optional).not.toBe(true);
    expect(block(view, ADD_BLOCK_ID.role)?.optional).not.toBe(true);
    for (const field of CLEARABLE_FIELDS) {
      expect(block(view, ADD_BLOCK_ID[field])?.optional).toBe(true);
    }
    const errors = clientSideErrors(addFormView(addModel()).blocks, { values: {} });
    expect(Object.keys(errors).sort()).toEqual([ADD_BLOCK_ID.email, ADD_BLOCK_ID.role].sort());
  });

  test('the role select lists the six roles in words, in the issue order', () => {
    const element = block(view, ADD_BLOCK_ID.role)?.element;
    expect(element?.type).toBe('static_select');
    expect(block(view, ADD_BLOCK_ID.role)?.label?.text).toBe('Role');
    expect(element?.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['account_manager', 'Account manager'],
      ['account_executive', 'Account executive'],
      ['csm', 'CSM'],
      ['lead', 'Lead'],
      ['co_lead', 'Co-lead'],
      ['practice_lead', 'Practice lead'],
    ]);
    expect(element?.initial_option).toEqual({
      text: expect.objectContaining({ text: 'CSM' }),
      value: 'csm',
    });
    expect(
      block(addFormView(addModel()), ADD_BLOCK_ID.role)?.element?.initial_option,
    ).toBeUndefined();
  });

  test('labels, placeholders, hints and lengths are those of the update form', () => {
    const update = contactFormView({
      contactId: CONTACT_ID,
      values: FULL_VALUES,
      clear: [],
      baseline: null,
      origin: ORIGIN,
    });
    for (const field of Object.keys(FULL_VALUES) as ContactField[]) {
      const mine = block(view, ADD_BLOCK_ID[field]);
      const theirs = block(update, INPUT_BLOCK_ID[field]);
      expect(mine?.label).toEqual(theirs?.label);
      expect(mine?.hint).toEqual(theirs?.hint);
      expect(mine?.element?.type).toBe(theirs?.element?.type);
      expect(mine?.element?.placeholder).toEqual(theirs?.element?.placeholder);
      expect(mine?.element?.max_length).toBe(theirs?.element?.max_length);
      expect(mine?.element?.initial_value).toBe(FULL_VALUES[field]);
    }
    expect(block(view, ADD_BLOCK_ID.phone)?.element?.max_length).toBe(64);
    expect(block(view, ADD_BLOCK_ID.job_title)?.element?.max_length).toBe(255);
  });

  test('a prefilled value longer than the limit shows whole, for a reason to be given', () => {
    const long = 'x'.repeat(300);
    const element = block(
      addFormView(addModel({ values: { job_title: long } })),
      ADD_BLOCK_ID.job_title,
    )?.element;
    expect(element?.initial_value).toBe(long);
    expect(element?.max_length).toBe(300);
  });

  test('metadata round-trips', () => {
    const metadata = { origin: ORIGIN, knownContactId: CONTACT_ID };
    const known = addFormView(addModel({ metadata, known: { contactId: CONTACT_ID, name: 'P' } }));
    expect(decodeAddFormMetadata(known.private_metadata ?? '')).toEqual(metadata);
  });

  test('a known email: says who, sends nothing, offers the update form', () => {
    const known = addFormView(
      addModel({
        values: { email: FULL_VALUES.email },
        known: { contactId: CONTACT_ID, name: 'Priya Raman' },
      }),
    );
    const section = block(known, 'known');
    expect(blockIds(known)[0]).toBe('known');
    expect(section?.text?.text).toBe(
      `This email is already known as *Priya Raman* (\`${CONTACT_ID}\`): nothing was sent to Stuut.`,
    );
    expect(section?.accessory).toEqual({
      type: 'button',
      action_id: ACTION_ID.openKnownContact,
      text: expect.objectContaining({ text: 'Open the update form' }),
      value: CONTACT_ID,
    });
    expect(JSON.stringify(known.blocks)).not.toMatch(/\b(her|his|him|she|he)\b/i);
    expect(block(addFormView(addModel()), 'known')).toBeUndefined();
  });

  test('a known name is escaped', () => {
    const known = addFormView(addModel({ known: { contactId: CONTACT_ID, name: NASTY } }));
    const text = textOf(known, 'known');
    expect(text).toContain('Priya &lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(text).not.toContain('<!channel>');
  });

  test('a notice shows at the top, escaped', () => {
    const noticed = addFormView(
      addModel({ notice: NASTY, known: { contactId: CONTACT_ID, name: 'P' } }),
    );
    expect(blockIds(noticed).slice(0, 2)).toEqual(['notice', 'known']);
    expect(textOf(noticed, 'notice')).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
    expect(block(addFormView(addModel({ notice: null })), 'notice')).toBeUndefined();
  });

  test('notes sit right under their input, escaped', () => {
    const noted = addFormView(addModel({ notes: { email: NASTY, phone: 'Stuut says no' } }));
    const ids = blockIds(noted);
    expect(ids[ids.indexOf(ADD_BLOCK_ID.email) + 1]).toBe(`${ADD_BLOCK_ID.email}__note`);
    expect(ids[ids.indexOf(ADD_BLOCK_ID.phone) + 1]).toBe(`${ADD_BLOCK_ID.phone}__note`);
    expect(textOf(noted, `${ADD_BLOCK_ID.email}__note`)).toContain('&lt;!channel&gt;');
    expect(textOf(noted, `${ADD_BLOCK_ID.phone}__note`)).toContain('Stuut says no');
    expect(ids.filter((id) => id.endsWith('__note'))).toHaveLength(2);
  });

  test('readAddForm reads back what the form was filled with', () => {
    expect(readAddForm(stateOf(view))).toEqual({ values: FULL_VALUES, role: 'csm' });
    expect(readAddForm(stateOf(addFormView(addModel())))).toEqual({ values: {}, role: null });
  });

  test('readAddForm reads what was typed and chosen', () => {
    let state = stateOf(addFormView(addModel()));
    state = typeInto(state, ADD_BLOCK_ID.email, ACTION_ID.input, { value: 'a@b.co' });
    state = typeInto(state, ADD_BLOCK_ID.phone, ACTION_ID.input, { value: ' 415 555 0100' });
    state = typeInto(state, ADD_BLOCK_ID.role, ACTION_ID.input, {
      selected_option: { value: 'lead' },
    });
    expect(readAddForm(state)).toEqual({
      values: { email: 'a@b.co', phone: ' 415 555 0100' },
      role: 'lead',
    });
    expect(readAddForm({})).toEqual({ values: {}, role: null });
  });

  test("validation's errors land on the form's inputs", () => {
    const errors = validateAddForm(
      {
        values: {
          email: 'nope',
          given_name: 'a\nb',
          family_name: 'a\tb',
          name: 'x'.repeat(300),
          phone: '12',
          job_title: '\u0000',
        },
        role: null,
      },
      'US',
    );
    expect(errors.ok).toBe(false);
    if (errors.ok) return;
    const mapped = addFormErrors(errors.errors);
    expect(Object.keys(mapped).sort()).toEqual(Object.values(ADD_BLOCK_ID).sort());
    const inputIds = inputs(view).map((b) => b.block_id);
    for (const id of Object.keys(mapped)) expect(inputIds).toContain(id);
    expect(mapped[ADD_BLOCK_ID.role]).toBe('Choose a role.');
  });

  test('an error message longer than Slack shows is cut', () => {
    expect(addFormErrors({ email: LONG })[ADD_BLOCK_ID.email]?.length).toBeLessThanOrEqual(2000);
  });

  test('a form filled and read back validates to the body', () => {
    const result = validateAddForm(readAddForm(stateOf(view)), 'US');
    expect(result).toEqual({
      ok: true,
      body: { ...FULL_VALUES, phone: '+14155550100', internal_role: 'csm' },
    });
  });
});

describe('assignFormView', () => {
  const short = assignFormView(assignModel({ email: 'new@example.com', partnerId: PARTNER_ID }));
  const grown = assignFormView(
    assignModel({
      metadata: { origin: ORIGIN, grown: true },
      email: 'new@example.com',
      partnerId: PARTNER_ID,
      role: 'csm',
      values: { given_name: 'Nia', phone: '+1 415 555 0100' },
    }),
  );

  test('callback, title and buttons', () => {
    expect(short.callback_id).toBe(CALLBACK_ID.assignForm);
    expect(short.title.text).toBe('Assign contact');
    expect(short.submit?.text).toBe('Assign');
  });

  test('the inputs of the short form: contact, email, partner, role', () => {
    expect(inputs(short).map((b) => b.block_id)).toEqual([
      ASSIGN_BLOCK_ID.contact,
      ASSIGN_BLOCK_ID.email,
      ASSIGN_BLOCK_ID.partner_id,
      ASSIGN_BLOCK_ID.role,
    ]);
    const errors = clientSideErrors(assignFormView(assignModel()).blocks, { values: {} });
    expect(Object.keys(errors).sort()).toEqual(
      [ASSIGN_BLOCK_ID.partner_id, ASSIGN_BLOCK_ID.role].sort(),
    );
  });

  test('the contact picker: optional, type-ahead from one letter', () => {
    const picker = block(short, ASSIGN_BLOCK_ID.contact);
    expect(picker?.optional).toBe(true);
    expect(picker?.element).toEqual({
      type: 'external_select',
      action_id: ACTION_ID.assignPick,
      placeholder: expect.objectContaining({ text: 'Type part of a name or an email' }),
      min_query_length: 1,
    });
  });

  test("the chosen contact is the picker's initial option, its label cut to 75", () => {
    const chosen = assignFormView(
      assignModel({ contact: { id: CONTACT_ID, label: 'L'.repeat(200) } }),
    );
    const option = block(chosen, ASSIGN_BLOCK_ID.contact)?.element?.initial_option;
    expect(option?.value).toBe(CONTACT_ID);
    expect([...(option?.text.text ?? '')].length).toBe(75);
    expect(option?.text.type).toBe('plain_text');
  });

  test('the email: optional, sends an action on Enter, says what it is for', () => {
    const email = block(short, ASSIGN_BLOCK_ID.email);
    expect(email?.optional).toBe(true);
    expect(email?.dispatch_action).toBe(true);
    expect(email?.hint?.text).toBe(
      'Or the email of someone the book does not know. Press Enter to check it.',
    );
    expect(email?.element?.type).toBe('plain_text_input');
    expect(email?.element?.action_id).toBe(ACTION_ID.assignEmail);
    expect(email?.element?.dispatch_action_config).toEqual({
      trigger_actions_on: ['on_enter_pressed'],
    });
    expect(email?.element?.initial_value).toBe('new@example.com');
  });

  test('the email note sits right under the email, escaped', () => {
    const noted = assignFormView(assignModel({ emailNote: NASTY, notes: { email: 'bad' } }));
    const ids = blockIds(noted);
    const at = ids.indexOf(ASSIGN_BLOCK_ID.email);
    expect(block(noted, ids[at + 1] ?? '')?.type).toBe('context');
    expect(textOf(noted, ids[at + 1] ?? '')).toContain('Priya &lt;!channel&gt;');
    expect(ids[at + 2]).toBe(`${ASSIGN_BLOCK_ID.email}__note`);
    expect(ids.filter((id) => id.startsWith(ASSIGN_BLOCK_ID.email))).toHaveLength(3);
  });

  test('the partner id: required, says where to find it', () => {
    const partner = block(short, ASSIGN_BLOCK_ID.partner_id);
    expect(partner?.optional).not.toBe(true);
    expect(partner?.hint?.text).toBe(
      "On the customer's page in the Stuut app: the id that starts with ptn_ (for example ptn_abc123).",
    );
    expect(partner?.element?.type).toBe('plain_text_input');
    expect(partner?.element?.action_id).toBe(ACTION_ID.input);
    expect(partner?.element?.initial_value).toBe(PARTNER_ID);
  });

  test('the role: required, the six roles in words', () => {
    const role = block(grown, ASSIGN_BLOCK_ID.role);
    expect(role?.optional).not.toBe(true);
    expect(role?.element?.action_id).toBe(ACTION_ID.input);
    expect(role?.element?.options?.map((o) => o.value)).toEqual([...ROLES]);
    expect(role?.element?.options?.map((o) => o.text.text)).toEqual(
      ROLES.map((r) => ROLE_LABELS[r]),
    );
    expect(role?.element?.initial_option?.value).toBe('csm');
  });

  test('grown: the five optional inputs under a line saying Stuut creates the person', () => {
    expect(inputs(grown).map((b) => b.block_id)).toEqual([
      ASSIGN_BLOCK_ID.contact,
      ASSIGN_BLOCK_ID.email,
      ...CLEARABLE_FIELDS.map((field) => ASSIGN_BLOCK_ID[field]),
      ASSIGN_BLOCK_ID.partner_id,
      ASSIGN_BLOCK_ID.role,
    ]);
    expect(mrkdwnTexts(grown).join('\n')).toContain(
      'Not in the contact book yet: Stuut creates them with these details.',
    );
    expect(mrkdwnTexts(short).join('\n')).not.toContain('Not in the contact book yet');
    for (const field of CLEARABLE_FIELDS) {
      const input = block(grown, ASSIGN_BLOCK_ID[field]);
      expect(input?.optional).toBe(true);
      expect(input?.label?.text).toBe(FIELD_LABELS[field]);
      expect(input?.element?.action_id).toBe(ACTION_ID.input);
    }
    expect(block(grown, ASSIGN_BLOCK_ID.given_name)?.element?.initial_value).toBe('Nia');
    expect(block(grown, ASSIGN_BLOCK_ID.phone)?.element?.max_length).toBe(64);
    expect(block(grown, ASSIGN_BLOCK_ID.phone)?.hint?.text).toMatch(/country code/);
    expect(block(grown, ASSIGN_BLOCK_ID.name)?.element?.initial_value).toBeUndefined();
  });

  test('growing keeps every block id, so Slack keeps what was typed', () => {
    const shortIds = blockIds(short).filter((id) => !id.includes('__'));
    for (const id of shortIds) expect(blockIds(grown)).toContain(id);
    // Typed into the short form, then the form grows with a views.update.
    let typed = stateOf(assignFormView(assignModel()));
    typed = typeInto(typed, ASSIGN_BLOCK_ID.email, ACTION_ID.assignEmail, { value: 'n@x.co' });
    typed = typeInto(typed, ASSIGN_BLOCK_ID.partner_id, ACTION_ID.input, { value: PARTNER_ID });
    typed = typeInto(typed, ASSIGN_BLOCK_ID.role, ACTION_ID.input, {
      selected_option: { value: 'lead' },
    });
    const after = stateOf(
      assignFormView(assignModel({ metadata: { origin: ORIGIN, grown: true } })),
      typed,
    );
    expect(readAssignForm(after)).toEqual({
      contactId: null,
      email: 'n@x.co',
      partnerId: PARTNER_ID,
      role: 'lead',
      values: {},
    });
  });

  test('metadata round-trips', () => {
    expect(decodeAssignFormMetadata(grown.private_metadata ?? '')).toEqual({
      origin: ORIGIN,
      grown: true,
    });
    expect(decodeAssignFormMetadata(short.private_metadata ?? '')).toEqual({
      origin: ORIGIN,
      grown: false,
    });
  });

  test('readAssignForm reads back what the form was filled with', () => {
    expect(readAssignForm(stateOf(grown))).toEqual({
      contactId: null,
      email: 'new@example.com',
      partnerId: PARTNER_ID,
      role: 'csm',
      values: { given_name: 'Nia', phone: '+1 415 555 0100' },
    });
    const chosen = assignFormView(
      assignModel({ contact: { id: CONTACT_ID, label: 'Priya' }, role: 'lead' }),
    );
    expect(readAssignForm(stateOf(chosen))).toEqual({
      contactId: CONTACT_ID,
      email: null,
      partnerId: null,
      role: 'lead',
      values: {},
    });
    expect(readAssignForm({})).toEqual({
      contactId: null,
      email: null,
      partnerId: null,
      role: null,
      values: {},
    });
  });

  test('a filled form validates to its target, partner, role and details', () => {
    expect(validateAssignForm(readAssignForm(stateOf(grown)), 'US')).toEqual({
      ok: true,
      target: { kind: 'email', email: 'new@example.com' },
      partnerId: PARTNER_ID,
      role: 'csm',
      fields: { given_name: 'Nia', phone: '+14155550100' },
    });
  });

  test("validation's errors land on the form's inputs", () => {
    const result = validateAssignForm(
      {
        contactId: null,
        email: 'nope',
        partnerId: 'abc',
        role: null,
        values: {
          given_name: 'a\nb',
          family_name: 'a\tb',
          name: 'x'.repeat(300),
          phone: '1',
          job_title: '\u0001',
        },
      },
      'US',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const mapped = assignFormErrors(result.errors);
    const inputIds = inputs(grown).map((b) => b.block_id);
    expect(Object.keys(mapped).length).toBe(8);
    for (const id of Object.keys(mapped)) expect(inputIds).toContain(id);
    const neither = validateAssignForm(
      { ...readAssignForm({}), partnerId: PARTNER_ID, role: 'csm' },
      'US',
    );
    expect(neither.ok ? {} : assignFormErrors(neither.errors)).toEqual({
      [ASSIGN_BLOCK_ID.contact]: 'Choose a contact, or type the email of someone new.',
    });
  });

  test('a short form validates without errors on inputs it does not have', () => {
    const result = validateAssignForm(readAssignForm(stateOf(assignFormView(assignModel()))), 'US');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const inputIds = inputs(short).map((b) => b.block_id);
    for (const id of Object.keys(assignFormErrors(result.errors))) expect(inputIds).toContain(id);
  });

  test('notes sit under their inputs, escaped; a notice at the top', () => {
    const noted = assignFormView(
      assignModel({ notice: NASTY, notes: { partner_id: NASTY, role: 'Stuut says no' } }),
    );
    const ids = blockIds(noted);
    expect(ids[0]).toBe('notice');
    expect(textOf(noted, 'notice')).toContain('&lt;!channel&gt;');
    expect(ids[ids.indexOf(ASSIGN_BLOCK_ID.partner_id) + 1]).toBe(
      `${ASSIGN_BLOCK_ID.partner_id}__note`,
    );
    expect(ids[ids.indexOf(ASSIGN_BLOCK_ID.role) + 1]).toBe(`${ASSIGN_BLOCK_ID.role}__note`);
    expect(textOf(noted, `${ASSIGN_BLOCK_ID.partner_id}__note`)).toContain('&lt;@U123&gt;');
  });
});

describe('roleFormView', () => {
  const view = roleFormView({ metadata: ROLE_METADATA });

  test('callback, title and buttons', () => {
    expect(view.callback_id).toBe(CALLBACK_ID.roleForm);
    expect(view.title.text).toBe('Change role');
    expect(view.submit?.text).toBe('Change');
  });

  test('says whose role on which partner, and what it is now', () => {
    expect(textOf(view, 'assignment')).toBe(
      `*Priya Raman* on partner \`${PARTNER_ID}\`, now *CSM*`,
    );
  });

  test('escapes the name and an unknown role', () => {
    const nasty = roleFormView({
      metadata: { ...ROLE_METADATA, contactName: NASTY, roleBefore: '<!here>' },
    });
    const text = textOf(nasty, 'assignment');
    expect(text).toContain('Priya &lt;!channel&gt; &amp;');
    expect(text).toContain('now *&lt;!here&gt;*');
  });

  test('the role select starts at the current role', () => {
    const select = block(view, ROLE_BLOCK_ID.role);
    expect(select?.type).toBe('input');
    expect(select?.element?.type).toBe('static_select');
    expect(select?.element?.action_id).toBe(ACTION_ID.input);
    expect(select?.element?.options?.map((o) => o.text.text)).toEqual(
      ROLES.map((r) => ROLE_LABELS[r]),
    );
    expect(select?.element?.initial_option?.value).toBe('csm');
    const unknown = roleFormView({ metadata: { ...ROLE_METADATA, roleBefore: 'sponsor' } });
    expect(block(unknown, ROLE_BLOCK_ID.role)?.element?.initial_option).toBeUndefined();
    expect(textOf(unknown, 'assignment')).toContain('now *sponsor*');
  });

  test('metadata round-trips', () => {
    expect(decodeRoleFormMetadata(view.private_metadata ?? '')).toEqual(ROLE_METADATA);
  });

  test('readRoleForm reads the chosen role', () => {
    expect(readRoleForm(stateOf(view))).toBe('csm');
    const chosen = typeInto(stateOf(view), ROLE_BLOCK_ID.role, ACTION_ID.input, {
      selected_option: { value: 'lead' },
    });
    expect(readRoleForm(chosen)).toBe('lead');
    expect(readRoleForm({})).toBeNull();
  });

  test('a notice and a note, escaped; the error lands on the select', () => {
    const noted = roleFormView({ metadata: ROLE_METADATA, notice: NASTY, note: NASTY });
    const ids = blockIds(noted);
    expect(ids[0]).toBe('notice');
    expect(ids[ids.indexOf(ROLE_BLOCK_ID.role) + 1]).toBe(`${ROLE_BLOCK_ID.role}__note`);
    expect(Object.keys(roleFormErrors('Choose a role.'))).toEqual([ROLE_BLOCK_ID.role]);
  });
});

describe('assignmentSavingView and assignmentResultView', () => {
  test('saving: an hourglass, the escaped text, a Close button', () => {
    const view = assignmentSavingView(NASTY);
    expect(view.callback_id).toBe(CALLBACK_ID.assignmentSaving);
    expect(view.title.text).toBe('Saving');
    expect(view.close?.text).toBe('Close');
    expect(view.submit).toBeUndefined();
    const text = textOf(view, 'saving');
    expect(text.startsWith(':hourglass_flowing_sand: *Saving…*')).toBe(true);
    expect(text).toContain('&lt;!channel&gt;');
  });

  test.each(['Contact added', 'Contact assigned', 'Role changed'] as const)(
    'result %s: the summary, the id, where the confirmation goes',
    (title) => {
      const view = assignmentResultView({
        title,
        summaryMrkdwn: '<@U1> made *Priya* CSM',
        contactId: CONTACT_ID,
        confirmationChannelId: 'C0UPD',
      });
      expect(view.callback_id).toBe(CALLBACK_ID.assignmentResult);
      expect(view.title.text).toBe(title);
      expect(view.close?.text).toBe('Done');
      expect(view.submit).toBeUndefined();
      expect(mrkdwnTexts(view).join('\n')).toContain('<@U1> made *Priya* CSM');
      expect(mrkdwnTexts(view).join('\n')).toContain(`\`${CONTACT_ID}\``);
      expect(mrkdwnTexts(view).join('\n')).toContain('A confirmation goes to <#C0UPD>.');
    },
  );

  test('result without a channel: the confirmation comes as a message', () => {
    const view = assignmentResultView({
      title: 'Role changed',
      summaryMrkdwn: 'CSM → Lead',
      contactId: CONTACT_ID,
      confirmationChannelId: null,
    });
    expect(mrkdwnTexts(view).join('\n')).toContain('A confirmation comes to you as a message.');
  });
});
