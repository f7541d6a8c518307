import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

// Longer than any real number with formatting; stops pathological input before parsing.
const MAX_PHONE_INPUT = 64;

/** Turns what a person typed into E.164, or says why it cannot. */
export function normalisePhone(input: string, defaultCountry: CountryCode): PhoneResult {
  const typed = input.trim();
  if (typed.length > MAX_PHONE_INPUT) {
    return {
      ok: false,
      reason: `That is too long for a phone number (${MAX_PHONE_INPUT} characters at most).`,
    };
  }
  if (!/\d/.test(typed)) {
    return { ok: false, reason: 'Enter a phone number, for example +1 415 555 0100.' };
  }
  const parsed = parsePhoneNumberFromString(typed, { defaultCountry, extract: false });
  if (!parsed) {
    return {
      ok: false,
      reason: `That doesn't read as a phone number. Include the country code, for example +44 20 7946 0958.`,
    };
  }
  if (parsed.ext) {
    return {
      ok: false,
      reason:
        'Stuut stores one number without an extension. Remove the extension (the part after "ext" or "x").',
    };
  }
  if (!parsed.isValid()) {
    const country = parsed.country ?? parsed.countryCallingCode;
    return {
      ok: false,
      reason: `That isn't a valid number for ${country === defaultCountry ? defaultCountry : `+${parsed.countryCallingCode}`}. Check the digits, or add the country code.`,
    };
  }
  return { ok: true, e164: parsed.number };
}

export function isPhoneCountry(code: string): code is CountryCode {
  return isSupportedCountry(code);
}

/**
 * How people read a stored (E.164) number: international format, `+1 415 555 0100`. Anything
 * that does not parse is shown as it is.
 */
export function phoneForPeople(stored: string): string {
  // Only a value that is exactly an E.164 number is reformatted: anything else (an extension,
  // surrounding text) is shown as stored, so people see what Stuut holds, and an untouched
  // form input still equals the stored value.
  const parsed = parsePhoneNumberFromString(stored, { extract: false });
  return parsed?.isValid() && parsed.number === stored ? parsed.formatInternational() : stored;
}
