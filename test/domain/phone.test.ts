import type { CountryCode } from 'libphonenumber-js/max';
import { isPhoneCountry, normalisePhone, phoneForPeople } from '../../src/domain/phone';

function e164(input: string, country: CountryCode): string {
  const result = normalisePhone(input, country);
  if (!result.ok) throw new Error(`expected ${input} (${country}) to be valid: ${result.reason}`);
  return result.e164;
}

function reason(input: string, country: CountryCode): string {
  const result = normalisePhone(input, country);
  if (result.ok)
    throw new Error(`expected ${input} (${country}) to be refused, got ${result.e164}`);
  return result.reason;
}

describe('normalisePhone: real formats to E.164', () => {
  test.each<[string, CountryCode, string]>([
    // United States
    ['(415) 555-0100', 'US', '+14155550100'],
    ['415.555.0100', 'US', '+14155550100'],
    ['415-555-0100', 'US', '+14155550100'],
    ['1 (415) 555-0100', 'US', '+14155550100'],
    ['+1 415 555 0100', 'US', '+14155550100'],
    ['+1-415-555-0100', 'US', '+14155550100'],
    ['+1 212 555 0123', 'GB', '+12125550123'],
    ['  (415) 555-0100  ', 'US', '+14155550100'],
    // United Kingdom
    ['+44 20 7946 0958', 'US', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['0044 20 7946 0958', 'GB', '+442079460958'],
    ['011 44 20 7946 0958', 'US', '+442079460958'],
    // Germany
    ['+49 30 901820', 'US', '+4930901820'],
    ['030 901820', 'DE', '+4930901820'],
    ['+49 1512 3456789', 'US', '+4915123456789'],
    ['01512 3456789', 'DE', '+4915123456789'],
    // France
    ['+33 1 23 45 67 89', 'US', '+33123456789'],
    ['01 23 45 67 89', 'FR', '+33123456789'],
    ['+33 6 12 34 56 78', 'US', '+33612345678'],
    // India
    ['+91 98765 43210', 'US', '+919876543210'],
    ['098765 43210', 'IN', '+919876543210'],
    ['+91 22 2345 6789', 'US', '+912223456789'],
    // Australia
    ['+61 2 9876 5432', 'US', '+61298765432'],
    ['(02) 9876 5432', 'AU', '+61298765432'],
    ['0412 345 678', 'AU', '+61412345678'],
    // Japan
    ['+81 3-1234-5678', 'US', '+81312345678'],
    ['03-1234-5678', 'JP', '+81312345678'],
    ['+81 90-1234-5678', 'US', '+819012345678'],
    // Brazil
    ['+55 11 91234-5678', 'US', '+5511912345678'],
    ['(11) 91234-5678', 'BR', '+5511912345678'],
    ['+55 21 2345-6789', 'US', '+552123456789'],
  ])('%j with default %s is %s', (input, country, expected) => {
    expect(normalisePhone(input, country)).toEqual({ ok: true, e164: expected });
  });
});

describe('normalisePhone: default country', () => {
  test('a national number is read in the default country', () => {
    expect(e164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(e164('(415) 555-0100', 'US')).toBe('+14155550100');
  });

  test('a UK national number is not valid when the default is US', () => {
    expect(reason('020 7946 0958', 'US')).toMatch(/valid number for US/);
  });

  test('a US national number is not valid when the default is GB', () => {
    expect(reason('(415) 555-0100', 'GB')).toMatch(/valid number for GB/);
  });

  test('an explicit country code wins over the default', () => {
    expect(e164('+1 415 555 0100', 'GB')).toBe('+14155550100');
    expect(e164('+44 20 7946 0958', 'JP')).toBe('+442079460958');
  });
});

describe('normalisePhone: refused numbers', () => {
  test.each<[string, string, RegExp]>([
    ['too short', '555-0100', /valid number for US/],
    ['two digits', '12', /valid number for US/],
    ['all zeros', '+1 000 000 0000', /valid number for \+1/],
    ['not a real area code', '123 456 7890', /valid number for US/],
    ['foreign number cut short', '+44 20 7946', /valid number for \+44/],
    ['unknown country code', '+999 123 456', /doesn't read as a phone number/],
    ['letters only', 'abc', /Enter a phone number/],
    ['letters among digits', '415 555 01OO', /doesn't read as a phone number/],
    ['vanity letters', '1-800-FLOWERS', /doesn't read as a phone number/],
    ['empty', '', /Enter a phone number/],
    ['only punctuation', '+() -', /Enter a phone number/],
    ['far too long', '1'.repeat(65), /too long for a phone number \(64 characters at most\)/],
  ])('%s: %j', (_what, input, expected) => {
    const result = normalisePhone(input, 'US');
    expect(result.ok).toBe(false);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(expected) });
  });

  test.each([
    '+1 415 555 0100 ext 12',
    '+1 415 555 0100 ext. 12',
    '+1 415 555 0100 extension 12',
    '+1 415 555 0100 x12',
    '415 555 0100 x12',
    '(415) 555-0100 ext. 12',
    '+1 415 555 0100;ext=12',
    '+44 20 7946 0958 ext. 3',
  ])('a number with an extension, %j, is refused with a reason naming the extension', (input) => {
    const text = reason(input, 'US');
    expect(text).toMatch(/extension/i);
    expect(text).toContain('"ext"');
    expect(text).toContain('"x"');
  });
});

describe('isPhoneCountry', () => {
  test.each(['US', 'GB', 'DE', 'FR', 'IN', 'AU', 'JP', 'BR'])('%s is a phone country', (code) => {
    expect(isPhoneCountry(code)).toBe(true);
  });

  test.each(['', 'us', 'UK', 'XX', 'USA', 'EU'])('%j is not', (code) => {
    expect(isPhoneCountry(code)).toBe(false);
  });
});

describe('phoneForPeople: stored E.164 shown in international format', () => {
  test.each<[string, string]>([
    ['+14155550100', '+1 415 555 0100'],
    ['+12125550123', '+1 212 555 0123'],
    ['+442079460958', '+44 20 7946 0958'],
    ['+4930901820', '+49 30 901820'],
    ['+4915123456789', '+49 1512 3456789'],
    ['+33123456789', '+33 1 23 45 67 89'],
    ['+919876543210', '+91 98765 43210'],
    ['+61298765432', '+61 2 9876 5432'],
    ['+81312345678', '+81 3 1234 5678'],
    ['+5511912345678', '+55 11 91234 5678'],
    ['+31201234567', '+31 20 123 4567'],
  ])('%s is shown as %s', (stored, shown) => {
    expect(phoneForPeople(stored)).toBe(shown);
  });

  test.each<CountryCode>(['US', 'GB', 'DE', 'JP'])(
    'what it shows reads back to the same E.164 in any default country (%s), so an untouched phone is no change',
    (country) => {
      for (const stored of [
        '+14155550100',
        '+442079460958',
        '+4915123456789',
        '+33612345678',
        '+919876543210',
        '+61412345678',
        '+819012345678',
        '+552123456789',
      ]) {
        expect(e164(phoneForPeople(stored), country)).toBe(stored);
      }
    },
  );

  test.each([
    ['text that is no number', 'not a phone'],
    ['the empty string', ''],
    ['a national number without its country', '(415) 555-0100'],
    ['an invalid number', '+1 000 000 0000'],
    ['an unknown country code', '+999123456'],
    ['too few digits', '+44207946'],
  ])('%s is shown as it is', (_what, stored) => {
    expect(phoneForPeople(stored)).toBe(stored);
  });

  test('never throws on arbitrary text', () => {
    for (const odd of [
      '\u0000',
      '\ud800',
      '+'.repeat(5000),
      '1'.repeat(5000),
      '<!channel>',
      '😀',
    ]) {
      expect(typeof phoneForPeople(odd)).toBe('string');
    }
  });
});
