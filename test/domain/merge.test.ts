import type { ContactField, ContactValues } from '../../src/domain/contact';
import { sameFieldValue } from '../../src/domain/form';
import { mergeStaleForm } from '../../src/domain/merge';
import { SAMPLE_VALUES } from '../fixtures';

/**
 * A stale form: opened on `opened`, the book now holds `current` (someone saved in between),
 * and the inputs hold `typed`. Their change is taken where I did not change the field; where
 * both changed, mine is kept and theirs is named; fields nobody changed are left alone.
 */

const same = (field: ContactField, a: string | null, b: string | null) =>
  sameFieldValue(field, a, b, 'US');

/** What the form's inputs hold when nothing was touched: the opened values. */
function untouched(values: ContactValues): Record<ContactField, string | null> {
  return { ...values };
}

const OPENED: ContactValues = { ...SAMPLE_VALUES };

describe('mergeStaleForm', () => {
  test('their change is taken where I did not change the field', () => {
    const current = { ...OPENED, job_title: 'VP, Customer Success' };
    const typed = { ...untouched(OPENED), given_name: 'Priyanka' };
    const merged = mergeStaleForm(OPENED, current, typed, same);
    expect(merged.values).toEqual({
      ...OPENED,
      given_name: 'Priyanka',
      job_title: 'VP, Customer Success',
    });
    expect(merged.taken).toEqual(['job_title']);
    expect(merged.conflicts).toEqual([]);
  });

  test('both changed one field: my value is kept, theirs is reported as a conflict', () => {
    const current = { ...OPENED, phone: '+12125550147' };
    const typed = { ...untouched(OPENED), phone: '+1 646 555 0199' };
    const merged = mergeStaleForm(OPENED, current, typed, same);
    expect(merged.values.phone).toBe('+1 646 555 0199');
    expect(merged.taken).toEqual([]);
    expect(merged.conflicts).toEqual([{ field: 'phone', theirs: '+12125550147' }]);
  });

  test('both changed a field to the same value: no conflict, nothing to take', () => {
    const current = { ...OPENED, job_title: 'Head of Success' };
    const typed = { ...untouched(OPENED), job_title: 'Head of Success' };
    const merged = mergeStaleForm(OPENED, current, typed, same);
    expect(merged.values.job_title).toBe('Head of Success');
    expect(merged.taken).toEqual([]);
    expect(merged.conflicts).toEqual([]);
  });

  test('fields nobody changed are left exactly as typed', () => {
    const current = { ...OPENED, family_name: 'Iyer' };
    const typed = { ...untouched(OPENED), job_title: 'CSM' };
    const merged = mergeStaleForm(OPENED, current, typed, same);
    for (const field of ['email', 'given_name', 'name', 'phone'] as const) {
      expect(merged.values[field]).toBe(typed[field]);
    }
    expect(merged.values.job_title).toBe('CSM');
    expect(merged.values.family_name).toBe('Iyer');
    expect(merged.taken).toEqual(['family_name']);
  });

  test('a field I changed that they did not is mine, whatever else they changed', () => {
    const current = { ...OPENED, given_name: 'Pri', family_name: 'Iyer' };
    const typed = { ...untouched(OPENED), job_title: 'Renewals', phone: null };
    const merged = mergeStaleForm(OPENED, current, typed, same);
    expect(merged.values).toEqual({
      ...OPENED,
      given_name: 'Pri',
      family_name: 'Iyer',
      job_title: 'Renewals',
      phone: null,
    });
    expect(merged.taken).toEqual(['given_name', 'family_name']);
    expect(merged.conflicts).toEqual([]);
  });

  test('their clearing is taken where I did not touch the field; my clearing is kept', () => {
    const current = { ...OPENED, job_title: null, phone: '+12125550147' };
    const typed = { ...untouched(OPENED), phone: null };
    const merged = mergeStaleForm(OPENED, current, typed, same);
    expect(merged.values.job_title).toBeNull();
    expect(merged.taken).toEqual(['job_title']);
    // I emptied the phone, they changed it: a conflict, and my empty box stays.
    expect(merged.values.phone).toBeNull();
    expect(merged.conflicts).toEqual([{ field: 'phone', theirs: '+12125550147' }]);
  });

  describe('phones are compared normalised (sameFieldValue)', () => {
    test('a phone typed in another format than the opened value counts as unchanged', () => {
      // Opened with +14155550100; the input shows it for people, as "(415) 555-0100".
      const current = { ...OPENED, phone: '+12125550147' };
      const typed = { ...untouched(OPENED), phone: '(415) 555-0100' };
      const merged = mergeStaleForm(OPENED, current, typed, same);
      expect(merged.values.phone).toBe('+12125550147');
      expect(merged.taken).toEqual(['phone']);
      expect(merged.conflicts).toEqual([]);
    });

    test('their phone stored differently from the opened one is no change of theirs', () => {
      const current = { ...OPENED, phone: '+1 415 555 0100' };
      const typed = { ...untouched(OPENED), phone: '+1 646 555 0199' };
      const merged = mergeStaleForm(OPENED, current, typed, same);
      expect(merged.values.phone).toBe('+1 646 555 0199');
      expect(merged.taken).toEqual([]);
      expect(merged.conflicts).toEqual([]);
    });

    test('both typed the same number in different formats: no conflict', () => {
      const current = { ...OPENED, phone: '+12125550147' };
      const typed = { ...untouched(OPENED), phone: '212-555-0147' };
      const merged = mergeStaleForm(OPENED, current, typed, same);
      expect(merged.conflicts).toEqual([]);
      expect(merged.taken).toEqual([]);
    });

    test('surrounding spaces and an empty box read as the values they stand for', () => {
      const opened = { ...OPENED, name: null };
      const current = { ...opened, name: 'Priya R.' };
      const typed = { ...untouched(opened), name: '   ', job_title: ' Customer Success Manager ' };
      const merged = mergeStaleForm(opened, current, typed, same);
      expect(merged.values.name).toBe('Priya R.');
      expect(merged.taken).toEqual(['name']);
      expect(merged.conflicts).toEqual([]);
    });
  });

  test('the comparison is the one given: a strict one sees every difference', () => {
    const strict = (_f: ContactField, a: string | null, b: string | null) => a === b;
    const current = { ...OPENED, phone: '+12125550147' };
    const typed = { ...untouched(OPENED), phone: '(415) 555-0100' };
    const merged = mergeStaleForm(OPENED, current, typed, strict);
    expect(merged.conflicts).toEqual([{ field: 'phone', theirs: '+12125550147' }]);
  });

  test('the inputs given are not changed', () => {
    const current = { ...OPENED, job_title: 'New' };
    const typed = untouched(OPENED);
    const copy = { ...typed };
    mergeStaleForm(OPENED, current, typed, same);
    expect(typed).toEqual(copy);
  });
});

describe('sameFieldValue', () => {
  test.each<[ContactField, string | null | undefined, string | null | undefined, boolean]>([
    ['phone', '+14155550100', '(415) 555-0100', true],
    ['phone', '+14155550100', '+1 415 555 0100', true],
    ['phone', '+14155550100', '+14155550101', false],
    ['phone', null, '', true],
    ['phone', undefined, '  ', true],
    // Not a number: compared as typed (trimmed).
    ['phone', 'call reception', ' call reception ', true],
    ['job_title', 'CSM', ' CSM ', true],
    ['job_title', 'CSM', 'csm', false],
    ['email', 'a@b.co', 'a@b.co', true],
    ['email', null, 'a@b.co', false],
  ])('%s: %j and %j → %s', (field, a, b, expected) => {
    expect(sameFieldValue(field, a, b, 'US')).toBe(expected);
  });

  test('a national number is read in the default country', () => {
    expect(sameFieldValue('phone', '020 7946 0958', '+442079460958', 'GB')).toBe(true);
    expect(sameFieldValue('phone', '020 7946 0958', '+442079460958', 'US')).toBe(false);
  });
});
