import type { ContactField, ContactValues } from '../../src/domain/contact';
import {
  contactIdProblem,
  type FormContext,
  type FormInput,
  MAX_TEXT_LENGTH,
  normaliseField,
  validateForm,
} from '../../src/domain/form';
import { EMPTY_FORM_VALUES, SAMPLE_VALUES } from '../fixtures';

const ID = 'ic_7Qm2xK9a';

const EMPTY = EMPTY_FORM_VALUES;

const BASELINE: ContactValues = SAMPLE_VALUES;

function input(
  values: Partial<Record<ContactField, string | null>> = {},
  clear: string[] = [],
  typedContactId: string | null = null,
): FormInput {
  return { typedContactId, values: { ...EMPTY, ...values }, clear };
}

/** The form opened from a confirmation: inputs start with the baseline values. */
function fromBaseline(changes: Partial<Record<ContactField, string | null>> = {}): FormInput {
  return input({ ...BASELINE, ...changes });
}

const fixedId: FormContext = { fixedContactId: ID, baseline: null, defaultCountry: 'US' };
const editableId: FormContext = { fixedContactId: null, baseline: null, defaultCountry: 'US' };
const withBaseline: FormContext = { fixedContactId: ID, baseline: BASELINE, defaultCountry: 'US' };

function errorsOf(result: ReturnType<typeof validateForm>) {
  if (result.ok) throw new Error(`expected errors, got patch ${JSON.stringify(result.patch)}`);
  return result.errors;
}

function patchOf(result: ReturnType<typeof validateForm>) {
  if (!result.ok) throw new Error(`expected a patch, got errors ${JSON.stringify(result.errors)}`);
  return result.patch;
}

describe('validateForm without a baseline (empty means keep)', () => {
  test('only filled inputs are sent', () => {
    const result = validateForm(input({ job_title: 'VP, Customer Success' }), fixedId);
    expect(result).toEqual({
      ok: true,
      contactId: ID,
      patch: { job_title: 'VP, Customer Success' },
    });
  });

  test('values are trimmed and a phone is sent as E.164', () => {
    const patch = patchOf(
      validateForm(input({ given_name: '  Ada ', phone: ' (415) 555-0100 ' }), fixedId),
    );
    expect(patch).toEqual({ given_name: 'Ada', phone: '+14155550100' });
  });

  test('a whitespace-only input is empty, so it keeps the value', () => {
    const patch = patchOf(validateForm(input({ name: '   ', job_title: 'CSM' }), fixedId));
    expect(patch).toEqual({ job_title: 'CSM' });
  });

  test('the phone is read in the default country', () => {
    const patch = patchOf(
      validateForm(input({ phone: '020 7946 0958' }), { ...fixedId, defaultCountry: 'GB' }),
    );
    expect(patch).toEqual({ phone: '+442079460958' });
    expect(errorsOf(validateForm(input({ phone: '020 7946 0958' }), fixedId)).phone).toMatch(
      /valid number for US/,
    );
  });

  test('ticked fields are cleared (sent as null)', () => {
    const patch = patchOf(validateForm(input({}, ['phone', 'job_title']), fixedId));
    expect(patch).toEqual({ phone: null, job_title: null });
  });

  test('clearing and setting can be combined', () => {
    const patch = patchOf(validateForm(input({ given_name: 'Ada' }, ['name']), fixedId));
    expect(patch).toEqual({ given_name: 'Ada', name: null });
  });

  test('a field both filled and ticked is an error at that field', () => {
    const errors = errorsOf(
      validateForm(input({ job_title: 'CSM', given_name: 'Ada' }, ['job_title']), fixedId),
    );
    expect(Object.keys(errors)).toEqual(['job_title']);
    expect(errors.job_title).toMatch(/Job title.*ticked it to clear/);
  });

  test('ticking email to clear is an error at the clear group', () => {
    const errors = errorsOf(validateForm(input({ job_title: 'CSM' }, ['email']), fixedId));
    expect(errors).toEqual({ clear: expect.stringMatching(/Email cannot be cleared/) });
  });

  test('an unknown clear value is an error at the clear group', () => {
    const errors = errorsOf(validateForm(input({ job_title: 'CSM' }, ['salary']), fixedId));
    expect(errors.clear).toContain('"salary"');
  });

  test('nothing to save is an error at email when the id is fixed', () => {
    expect(errorsOf(validateForm(input(), fixedId))).toEqual({
      email: expect.stringMatching(/^Nothing to save/),
    });
  });

  test('nothing to save is an error at contact_id when the id is editable', () => {
    expect(errorsOf(validateForm(input({}, [], ID), editableId))).toEqual({
      contact_id: expect.stringMatching(/^Nothing to save/),
    });
  });

  test('with an editable id the typed id is trimmed and returned', () => {
    const result = validateForm(input({ job_title: 'CSM' }, [], `  ${ID} `), editableId);
    expect(result).toEqual({ ok: true, contactId: ID, patch: { job_title: 'CSM' } });
  });

  test('with a fixed id a stray typed id is ignored', () => {
    const result = validateForm(input({ job_title: 'CSM' }, [], 'something_else'), fixedId);
    expect(result).toEqual({ ok: true, contactId: ID, patch: { job_title: 'CSM' } });
  });

  test('an empty editable id is an error at contact_id', () => {
    const errors = errorsOf(validateForm(input({ job_title: 'CSM' }, [], '  '), editableId));
    expect(errors).toEqual({ contact_id: 'Enter the contact id.' });
  });

  test('every wrong input is reported at once, and no patch is returned', () => {
    const result = validateForm(
      input({ email: 'not-an-email', phone: '12', given_name: 'Ada\nLovelace', job_title: 'CSM' }),
      fixedId,
    );
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('patch');
    expect(Object.keys(errorsOf(result)).sort()).toEqual(['email', 'given_name', 'phone']);
  });
});

describe('validateForm with a baseline (inputs start with the known values)', () => {
  test('only the differences are sent', () => {
    const patch = patchOf(
      validateForm(fromBaseline({ job_title: 'VP, Customer Success' }), withBaseline),
    );
    expect(patch).toEqual({ job_title: 'VP, Customer Success' });
  });

  test('an emptied field is cleared', () => {
    const patch = patchOf(
      validateForm(fromBaseline({ phone: '', family_name: null }), withBaseline),
    );
    expect(patch).toEqual({ family_name: null, phone: null });
  });

  test('a field empty in the baseline and left empty is no change', () => {
    // name is null in the baseline; together with a real change only that change is sent.
    const patch = patchOf(
      validateForm(fromBaseline({ name: '', given_name: 'Pri' }), withBaseline),
    );
    expect(patch).toEqual({ given_name: 'Pri' });
  });

  test('a field empty in the baseline can be filled', () => {
    const patch = patchOf(validateForm(fromBaseline({ name: 'Priya Raman' }), withBaseline));
    expect(patch).toEqual({ name: 'Priya Raman' });
  });

  test('emptying the email is an error at email', () => {
    const errors = errorsOf(validateForm(fromBaseline({ email: '  ' }), withBaseline));
    expect(errors).toEqual({ email: expect.stringMatching(/Email cannot be emptied/) });
  });

  test('changing the email sends it', () => {
    const patch = patchOf(
      validateForm(fromBaseline({ email: 'p.raman@example.com' }), withBaseline),
    );
    expect(patch).toEqual({ email: 'p.raman@example.com' });
  });

  test('an unchanged form is a "nothing changed" error at the first input', () => {
    expect(errorsOf(validateForm(fromBaseline(), withBaseline))).toEqual({
      email: expect.stringMatching(/^Nothing changed/),
    });
    expect(
      errorsOf(
        validateForm(input({ ...BASELINE }, [], ID), { ...withBaseline, fixedContactId: null }),
      ),
    ).toEqual({ contact_id: expect.stringMatching(/^Nothing changed/) });
  });

  test('the baseline phone retyped in another format is no change', () => {
    const result = validateForm(fromBaseline({ phone: '(415) 555-0100' }), withBaseline);
    expect(errorsOf(result)).toEqual({ email: expect.stringMatching(/^Nothing changed/) });
  });

  test('a baseline phone stored in a national format compares as E.164', () => {
    const baseline = { ...BASELINE, phone: '(415) 555-0100' };
    const result = validateForm(input({ ...baseline, phone: '+1 415 555 0100' }), {
      ...withBaseline,
      baseline,
    });
    expect(errorsOf(result).email).toMatch(/^Nothing changed/);
  });

  test('a really different phone is sent as E.164', () => {
    const patch = patchOf(validateForm(fromBaseline({ phone: '+44 20 7946 0958' }), withBaseline));
    expect(patch).toEqual({ phone: '+442079460958' });
  });

  test('whitespace-only differences are no change', () => {
    const result = validateForm(
      fromBaseline({ given_name: '  Priya  ', job_title: 'Customer Success Manager\t' }),
      withBaseline,
    );
    expect(errorsOf(result).email).toMatch(/^Nothing changed/);
  });

  test('clear ticks are ignored: the form with a baseline has no clear group', () => {
    const result = validateForm(
      { ...fromBaseline({ given_name: 'Pri' }), clear: ['phone', 'email'] },
      withBaseline,
    );
    expect(patchOf(result)).toEqual({ given_name: 'Pri' });
  });

  test('an untouched baseline value is not validated again', () => {
    // Stuut may hold values this bot would refuse as new input (a number libphonenumber
    // considers unassigned, an email with %); an edit elsewhere must still be possible.
    const baseline: ContactValues = {
      ...BASELINE,
      email: 'priya%raman@example.com',
      phone: '+447700900123',
    };
    const result = validateForm(input({ ...baseline, job_title: 'Head of CS' }), {
      ...withBaseline,
      baseline,
    });
    expect(patchOf(result)).toEqual({ job_title: 'Head of CS' });
  });

  test('a changed value is validated', () => {
    const errors = errorsOf(validateForm(fromBaseline({ phone: '555-0100' }), withBaseline));
    expect(errors).toEqual({ phone: expect.stringMatching(/valid number/) });
  });
});

describe('emails', () => {
  const email254 = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;

  test('the long example addresses have the lengths the tests rely on', () => {
    expect(email254).toHaveLength(254);
  });

  test.each([
    'a@b.co',
    'ada.lovelace+crm@example.co.uk',
    "o'brien@example.com",
    'first_last@sub.example.com',
    'first-last@example.io',
    'ADA@EXAMPLE.COM',
    email254,
  ])('%j is accepted as is', (email) => {
    expect(normaliseField('email', email, 'US')).toEqual({ ok: true, value: email });
  });

  test('surrounding whitespace is trimmed', () => {
    expect(normaliseField('email', '  a@b.co \n', 'US')).toEqual({ ok: true, value: 'a@b.co' });
  });

  test.each([
    ['no domain dot', 'ada@localhost'],
    ['two @', 'ada@@example.com'],
    ['no top-level domain', 'ada@example'],
    ['one-letter top-level domain', 'ada@example.c'],
    ['a space', 'ada lovelace@example.com'],
    ['a leading dot', '.ada@example.com'],
    ['a trailing dot in the local part', 'ada.@example.com'],
    ['two dots', 'ada..l@example.com'],
    ['a domain starting with -', 'ada@-example.com'],
    ['an underscore in the domain', 'ada@exa_mple.com'],
    ['angle brackets', '<ada@example.com>'],
    ['a Slack mailto link', '<mailto:ada@example.com|ada@example.com>'],
    ['a quoted local part', '"ada"@example.com'],
    ['an IP literal', 'ada@[192.168.0.1]'],
    ['a name only', 'Ada Lovelace'],
    // Internationalised addresses (RFC 6531) are currently refused.
    ['an accented local part', 'josé@example.com'],
    ['an internationalised domain', 'ada@exämple.com'],
    ['a fully internationalised address', '用户@例子.广告'],
  ])('%s (%j) is refused', (_what, email) => {
    const result = normaliseField('email', email, 'US');
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^Enter an email address like name@company.com/),
    });
  });

  test('an address longer than 254 characters is refused for its length', () => {
    const email255 = `a${email254}`;
    expect(email255).toHaveLength(255);
    expect(normaliseField('email', email255, 'US')).toEqual({
      ok: false,
      reason: 'An email address can be at most 254 characters.',
    });
  });

  test('every character the refusal names as allowed is accepted', () => {
    const result = normaliseField('email', 'josé@example.com', 'US');
    if (result.ok) throw new Error('expected a refusal');
    const allowed = /digits and (.+)$/.exec(result.reason)?.[1]?.split(' ') ?? [];
    expect(allowed.length).toBeGreaterThan(0);
    for (const ch of allowed) {
      expect([ch, normaliseField('email', `ada${ch}l@example.com`, 'US').ok]).toEqual([ch, true]);
    }
  });

  test('an invalid email in the form is an error at email', () => {
    const errors = errorsOf(validateForm(input({ email: 'ada@localhost' }), fixedId));
    expect(Object.keys(errors)).toEqual(['email']);
  });
});

describe('names and job title', () => {
  const textFields = ['given_name', 'family_name', 'name', 'job_title'] as const;

  test.each(textFields)('%s: 255 characters are accepted', (field) => {
    const value = 'x'.repeat(MAX_TEXT_LENGTH);
    expect(MAX_TEXT_LENGTH).toBe(255);
    expect(normaliseField(field, value, 'US')).toEqual({ ok: true, value });
  });

  test.each(textFields)('%s: 256 characters are refused, with the count', (field) => {
    const result = normaliseField(field, 'x'.repeat(256), 'US');
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/at most 255 characters \(this has 256\)/),
    });
  });

  test('length counts code points: 255 emoji are accepted, 256 are not', () => {
    const emoji255 = '😀'.repeat(255);
    expect(emoji255.length).toBe(510);
    expect(normaliseField('job_title', emoji255, 'US')).toEqual({ ok: true, value: emoji255 });
    expect(normaliseField('job_title', '😀'.repeat(256), 'US')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('this has 256'),
    });
  });

  test('the limit applies after trimming', () => {
    const value = 'x'.repeat(255);
    expect(normaliseField('name', `  ${value}  `, 'US')).toEqual({ ok: true, value });
  });

  test('the refusal names the field', () => {
    const result = normaliseField('family_name', 'x'.repeat(300), 'US');
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^Family name /) });
  });

  test.each([
    ['a newline', 'Ada\nLovelace'],
    ['a carriage return', 'Ada\rLovelace'],
    ['a tab', 'Ada\tLovelace'],
    ['NUL', 'Ada\u0000Lovelace'],
    ['NUL at the end', 'Ada\u0000'],
    ['DEL', 'Ada\u007fLovelace'],
    ['a C1 control', 'Ada\u0085Lovelace'],
    ['a line separator', 'Ada\u2028Lovelace'],
    ['a paragraph separator', 'Ada\u2029Lovelace'],
    ['a lone surrogate', 'Ada\ud800Lovelace'],
  ])('%s is refused', (_what, value) => {
    for (const field of textFields) {
      expect(normaliseField(field, value, 'US')).toEqual({
        ok: false,
        reason: expect.stringMatching(/control characters/),
      });
    }
  });

  test('a control character in the form is an error at that field', () => {
    const errors = errorsOf(validateForm(input({ job_title: 'VP\u0000CS' }), fixedId));
    expect(Object.keys(errors)).toEqual(['job_title']);
  });

  test.each([
    '<!channel>',
    '<!here>',
    '<!subteam^S123>',
    '<@U123>',
    '<https://evil.example|bank>',
    'R&D &amp; Ops',
    '*bold* _it_ ~strike~ `code`',
    "Robert'); DROP TABLE contacts;--",
    'Zoë Ñúñez-Ø’Brien',
    '李小龙',
  ])('%j is accepted as a value (escaped on output, not refused)', (value) => {
    expect(normaliseField('job_title', value, 'US')).toEqual({ ok: true, value });
    expect(patchOf(validateForm(input({ job_title: value }), fixedId))).toEqual({
      job_title: value,
    });
  });
});

describe('contact ids', () => {
  test.each(['ic_7Qm2xK9a', 'abc', '0', 'A-b_C', 'x'.repeat(128)])('%j is accepted', (id) => {
    expect(contactIdProblem(id)).toBeNull();
    expect(contactIdProblem(` ${id} `)).toBeNull();
  });

  test.each([
    ['path traversal', '../x'],
    ['a slash', 'a/b'],
    ['a query', '?q=1'],
    ['a fragment', '#f'],
    ['a space inside', 'ic 123'],
    ['unicode', 'ïc_123'],
    ['an emoji', 'ic_😀'],
    ['a leading dash', '-abc'],
    ['a leading underscore', '_abc'],
    ['a dot', 'ic.123'],
    ['a percent escape', 'ic%2F1'],
    ['129 characters', 'x'.repeat(129)],
  ])('%s (%j) is refused with the id rule', (_what, id) => {
    expect(contactIdProblem(id)).toMatch(/^That is not a contact id\. A contact id is 1–128/);
  });

  test('an empty id asks for one', () => {
    expect(contactIdProblem('')).toBe('Enter the contact id.');
    expect(contactIdProblem('   ')).toBe('Enter the contact id.');
  });

  test.each(['priya@example.com', 'a@b', '@'])(
    'an email (%j) gets the email-specific message',
    (id) => {
      const problem = contactIdProblem(id);
      expect(problem).toMatch(/looks like an email address/);
      expect(problem).toMatch(/cannot look contacts up by email/);
      expect(problem).toMatch(/contact id/);
    },
  );

  test('a bad id in the form is an error at contact_id, alongside other errors', () => {
    const errors = errorsOf(validateForm(input({ phone: '12' }, [], '../x'), editableId));
    expect(errors.contact_id).toMatch(/not a contact id/);
    expect(errors.phone).toBeDefined();
  });

  test('an email typed as the id is an error at contact_id', () => {
    const errors = errorsOf(
      validateForm(input({ job_title: 'CSM' }, [], 'priya@example.com'), editableId),
    );
    expect(errors).toEqual({ contact_id: expect.stringMatching(/looks like an email/) });
  });
});
