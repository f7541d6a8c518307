import { PARTNER_ID_RULE, ROLES } from '../../src/domain/assignment';
import { CLEARABLE_FIELDS, type ContactField } from '../../src/domain/contact';
import { type FormErrors, normaliseField, validateForm } from '../../src/domain/form';
import {
  type AddFormInput,
  type AssignFormInput,
  validateAddForm,
  validateAssignForm,
} from '../../src/domain/newContact';
import { EMPTY_FORM_VALUES } from '../fixtures';

const EMAIL = 'priya.raman@example.com';
const CONTACT_ID = 'ic_7Qm2xK9a';
const PARTNER_ID = 'ptn_abc123';

function add(values: AddFormInput['values'], role: string | null = 'csm'): AddFormInput {
  return { values, role };
}

function assign(overrides: Partial<AssignFormInput> = {}): AssignFormInput {
  return {
    contactId: null,
    email: EMAIL,
    partnerId: PARTNER_ID,
    role: 'csm',
    values: {},
    ...overrides,
  };
}

/** What the update form says and sends for one typed field (no baseline, fixed id). */
function updateForm(field: ContactField, typed: string) {
  const result = validateForm(
    { typedContactId: null, values: { ...EMPTY_FORM_VALUES, [field]: typed }, clear: [] },
    { fixedContactId: CONTACT_ID, baseline: null, defaultCountry: 'US' },
  );
  return result.ok
    ? { sent: result.patch[field] }
    : { error: (result.errors as FormErrors)[field] ?? 'no error on the field' };
}

const PHONES = [
  '(415) 555-0100',
  ' +1 415 555 0100 ',
  '+44 20 7946 0958',
  '020 7946 0958',
  '555-0100',
  '12',
  'call me',
  '+1 415 555 0100 ext. 12',
  `+1 ${'4'.repeat(70)}`,
  '+33 1 23 45 67 89',
];

const TEXTS = ['Ada', '  Ada  ', 'Ada\nLovelace', 'tab\there', 'x'.repeat(255), 'x'.repeat(256)];

describe('validateAddForm', () => {
  test('email and role make a body; the role is kept as its key', () => {
    expect(validateAddForm(add({ email: EMAIL }), 'US')).toEqual({
      ok: true,
      body: { email: EMAIL, internal_role: 'csm' },
    });
  });

  test('every role of the issue is accepted', () => {
    for (const role of ROLES) {
      const result = validateAddForm(add({ email: EMAIL }, role), 'US');
      expect(result).toEqual({ ok: true, body: { email: EMAIL, internal_role: role } });
    }
  });

  test('the email is required', () => {
    for (const email of [undefined, '', '   ']) {
      const values = email === undefined ? {} : { email };
      expect(validateAddForm(add(values), 'US')).toEqual({
        ok: false,
        errors: { email: 'Every contact needs an email.' },
      });
    }
  });

  test('a role is required, and must be one of the six', () => {
    for (const role of [null, '', 'boss', 'CSM', 'Account manager', ' csm x']) {
      expect(validateAddForm(add({ email: EMAIL }, role), 'US')).toEqual({
        ok: false,
        errors: { role: 'Choose a role.' },
      });
    }
  });

  test('a role with spaces around it, as a tampered value might be, is read trimmed', () => {
    expect(validateAddForm(add({ email: EMAIL }, ' lead '), 'US')).toEqual({
      ok: true,
      body: { email: EMAIL, internal_role: 'lead' },
    });
  });

  test('the email is validated (and trimmed) as the update form does', () => {
    for (const email of ['not-an-email', 'a@b', `${'a'.repeat(250)}@example.com`, ' x@y.com ']) {
      const result = validateAddForm(add({ email }), 'US');
      const update = updateForm('email', email);
      if ('sent' in update)
        expect(result).toEqual({ ok: true, body: expect.objectContaining({ email: update.sent }) });
      else expect(result).toEqual({ ok: false, errors: { email: update.error } });
    }
  });

  test.each(PHONES)('phone %j: the same answer and the same value as the update form', (phone) => {
    const result = validateAddForm(add({ email: EMAIL, phone }), 'US');
    const update = updateForm('phone', phone);
    if ('sent' in update) {
      expect(result).toEqual({
        ok: true,
        body: { email: EMAIL, internal_role: 'csm', phone: update.sent },
      });
    } else {
      expect(result).toEqual({ ok: false, errors: { phone: update.error } });
    }
  });

  test('a phone is sent in E.164, read in the default country', () => {
    expect(validateAddForm(add({ email: EMAIL, phone: '020 7946 0958' }), 'GB')).toEqual({
      ok: true,
      body: { email: EMAIL, internal_role: 'csm', phone: '+442079460958' },
    });
  });

  test.each(
    CLEARABLE_FIELDS.filter((field) => field !== 'phone').flatMap((field) =>
      TEXTS.map((text) => [field, text] as const),
    ),
  )('%s %j: the same answer and the same value as the update form', (field, text) => {
    const result = validateAddForm(add({ email: EMAIL, [field]: text }), 'US');
    const update = updateForm(field, text);
    if ('sent' in update) {
      expect(result).toEqual({
        ok: true,
        body: { email: EMAIL, internal_role: 'csm', [field]: update.sent },
      });
    } else {
      expect(result).toEqual({ ok: false, errors: { [field]: update.error } });
    }
  });

  test('empty optional fields are left out of the body, never null', () => {
    const result = validateAddForm(
      add({ email: EMAIL, given_name: '', family_name: '   ', name: 'Priya Raman', phone: '' }),
      'US',
    );
    expect(result).toEqual({
      ok: true,
      body: { email: EMAIL, internal_role: 'csm', name: 'Priya Raman' },
    });
    if (result.ok) expect(Object.values(result.body)).not.toContain(null);
  });

  test('every field filled: every field sent, trimmed and normalised', () => {
    expect(
      validateAddForm(
        add(
          {
            email: ` ${EMAIL} `,
            given_name: ' Priya ',
            family_name: 'Raman',
            name: 'Priya Raman',
            phone: '(415) 555-0100',
            job_title: 'CSM',
          },
          'account_manager',
        ),
        'US',
      ),
    ).toEqual({
      ok: true,
      body: {
        email: EMAIL,
        internal_role: 'account_manager',
        given_name: 'Priya',
        family_name: 'Raman',
        name: 'Priya Raman',
        phone: '+14155550100',
        job_title: 'CSM',
      },
    });
  });

  test('every wrong input has its own error, all at once', () => {
    const result = validateAddForm(
      add({ email: 'nope', given_name: 'a\nb', phone: '12', job_title: 'x'.repeat(300) }, null),
      'US',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.errors).sort()).toEqual([
        'email',
        'given_name',
        'job_title',
        'phone',
        'role',
      ]);
    }
  });
});

describe('validateAssignForm', () => {
  test('an email, a partner and a role', () => {
    expect(validateAssignForm(assign(), 'US')).toEqual({
      ok: true,
      target: { kind: 'email', email: EMAIL },
      partnerId: PARTNER_ID,
      role: 'csm',
      fields: {},
    });
  });

  test('a chosen contact instead of an email', () => {
    expect(validateAssignForm(assign({ contactId: CONTACT_ID, email: null }), 'US')).toEqual({
      ok: true,
      target: { kind: 'contact', contactId: CONTACT_ID },
      partnerId: PARTNER_ID,
      role: 'csm',
      fields: {},
    });
  });

  test('neither a contact nor an email: the error is on the contact', () => {
    for (const email of [null, '', '  ']) {
      expect(validateAssignForm(assign({ contactId: null, email }), 'US')).toEqual({
        ok: false,
        errors: { contact: 'Choose a contact, or type the email of someone new.' },
      });
    }
  });

  test('both a contact and an email: the error is on the email', () => {
    expect(validateAssignForm(assign({ contactId: CONTACT_ID }), 'US')).toEqual({
      ok: false,
      errors: { email: 'Choose a contact or type an email, not both.' },
    });
  });

  test('a tampered contact id is refused on the contact', () => {
    const result = validateAssignForm(assign({ contactId: '../x', email: null }), 'US');
    expect(result).toEqual({
      ok: false,
      errors: { contact: expect.stringMatching(/not a contact id/) },
    });
  });

  test('the email is validated and trimmed as the update form does', () => {
    for (const email of ['not-an-email', `${'a'.repeat(250)}@example.com`, ` ${EMAIL} `]) {
      const result = validateAssignForm(assign({ email }), 'US');
      const update = updateForm('email', email);
      if ('sent' in update) {
        expect(result).toEqual(
          expect.objectContaining({ ok: true, target: { kind: 'email', email: update.sent } }),
        );
      } else {
        expect(result).toEqual({ ok: false, errors: { email: update.error } });
      }
    }
  });

  test('the partner id is required', () => {
    for (const partnerId of [null, '', '   ']) {
      const result = validateAssignForm(assign({ partnerId }), 'US');
      expect(result).toEqual({ ok: false, errors: { partner_id: expect.any(String) } });
      if (!result.ok) expect(result.errors.partner_id).toContain(PARTNER_ID_RULE);
    }
  });

  test('a partner id pasted with spaces around it is trimmed', () => {
    const result = validateAssignForm(assign({ partnerId: `  ${PARTNER_ID}\t\n` }), 'US');
    expect(result).toEqual(expect.objectContaining({ ok: true, partnerId: PARTNER_ID }));
  });

  test.each([
    'abc123',
    'ptn_',
    'ptn abc',
    'ptn_abc/../x',
    'ptn_abc?x=1',
    'ptn_é',
    'PTN_abc',
    `ptn_${'a'.repeat(125)}`,
    'ic_7Qm2xK9a',
    'ptn_abc%2F',
  ])('partner id %j is refused with the rule', (partnerId) => {
    const result = validateAssignForm(assign({ partnerId }), 'US');
    expect(result).toEqual({
      ok: false,
      errors: { partner_id: `That is not a partner id. ${PARTNER_ID_RULE}` },
    });
  });

  test('the longest partner id is accepted', () => {
    const partnerId = `ptn_${'a'.repeat(124)}`;
    expect(validateAssignForm(assign({ partnerId }), 'US')).toEqual(
      expect.objectContaining({ ok: true, partnerId }),
    );
  });

  test('a role is required and must be one of the six', () => {
    for (const role of [null, '', 'owner']) {
      expect(validateAssignForm(assign({ role }), 'US')).toEqual({
        ok: false,
        errors: { role: 'Choose a role.' },
      });
    }
    for (const role of ROLES) {
      expect(validateAssignForm(assign({ role }), 'US')).toEqual(
        expect.objectContaining({ ok: true, role }),
      );
    }
  });

  test("a new person's details are validated and sent, empty ones left out", () => {
    expect(
      validateAssignForm(
        assign({
          values: {
            given_name: ' Priya ',
            family_name: '',
            name: 'Priya Raman',
            phone: '(415) 555-0100',
            job_title: '  ',
          },
        }),
        'US',
      ),
    ).toEqual({
      ok: true,
      target: { kind: 'email', email: EMAIL },
      partnerId: PARTNER_ID,
      role: 'csm',
      fields: { given_name: 'Priya', name: 'Priya Raman', phone: '+14155550100' },
    });
  });

  test.each(PHONES)("a new person's phone %j: as the update form", (phone) => {
    const result = validateAssignForm(assign({ values: { phone } }), 'US');
    const update = updateForm('phone', phone);
    if ('sent' in update) {
      expect(result).toEqual(expect.objectContaining({ ok: true, fields: { phone: update.sent } }));
    } else {
      expect(result).toEqual({ ok: false, errors: { phone: update.error } });
    }
  });

  test('details next to a chosen contact are an error, not silently dropped', () => {
    const result = validateAssignForm(
      assign({ contactId: CONTACT_ID, email: null, values: { job_title: 'CSM', name: '' } }),
      'US',
    );
    expect(result).toEqual({
      ok: false,
      errors: { job_title: expect.stringMatching(/someone new/) },
    });
  });

  test('empty details next to a chosen contact are fine', () => {
    const result = validateAssignForm(
      assign({ contactId: CONTACT_ID, email: null, values: { job_title: '', phone: ' ' } }),
      'US',
    );
    expect(result).toEqual(expect.objectContaining({ ok: true, fields: {} }));
  });

  test('every wrong input has its own error, all at once', () => {
    const result = validateAssignForm(
      {
        contactId: null,
        email: 'nope',
        partnerId: 'abc',
        role: null,
        values: { phone: '12', name: 'a\u0000b' },
      },
      'US',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.errors).sort()).toEqual([
        'email',
        'name',
        'partner_id',
        'phone',
        'role',
      ]);
    }
  });

  test('sanity: the shared rule is the update form rule', () => {
    expect(normaliseField('phone', '(415) 555-0100', 'US')).toEqual({
      ok: true,
      value: '+14155550100',
    });
  });
});
