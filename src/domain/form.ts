import type { CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import {
  CONTACT_FIELDS,
  CONTACT_ID_RULE,
  type ContactField,
  type ContactPatch,
  type ContactValues,
  FIELD_LABELS,
  isValidContactId,
} from './contact';
import { normalisePhone } from './phone';

export type ClearableField = Exclude<ContactField, 'email'>;

/** Everything a person typed into the form, as Slack reports it (null = left empty). */
export interface FormInput {
  /** The typed id, when the form asked for one; null when the id was fixed by the command. */
  typedContactId: string | null;
  values: Record<ContactField, string | null>;
  /** Raw values of the "Clear these fields" checkboxes. */
  clear: readonly string[];
}

export interface FormContext {
  /** The id shown read-only in the form, when there is one. */
  fixedContactId: string | null;
  /** The contact's values as last seen, when the form was opened with them. */
  baseline: ContactValues | null;
  defaultCountry: CountryCode;
}

/** Keys that can carry an inline error: every input of the form. */
export type FormKey = ContactField | 'contact_id' | 'clear';
export type FormErrors = Partial<Record<FormKey, string>>;

export type FormResult =
  | { ok: true; contactId: string; patch: ContactPatch }
  | { ok: false; errors: FormErrors };

export const MAX_TEXT_LENGTH = 255;
// RFC 5321 caps a forward path at 256 octets, so an address longer than 254 cannot be delivered.
const MAX_EMAIL_LENGTH = 254;
const EmailSchema = z.email();
// Control characters, lone surrogates and line/paragraph separators break display and storage.
const FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u;

export type FieldResult = { ok: true; value: string } | { ok: false; reason: string };

/** Validates and normalises one non-empty field value. */
export function normaliseField(
  field: ContactField,
  raw: string,
  defaultCountry: CountryCode,
): FieldResult {
  const value = raw.trim();
  if (field === 'email') return normaliseEmail(value);
  if (field === 'phone') {
    const phone = normalisePhone(value, defaultCountry);
    return phone.ok ? { ok: true, value: phone.e164 } : phone;
  }
  if (FORBIDDEN_CHARACTERS.test(value)) {
    return { ok: false, reason: 'Remove the line breaks, tabs or other control characters.' };
  }
  const length = [...value].length;
  if (length > MAX_TEXT_LENGTH) {
    return {
      ok: false,
      reason: `${FIELD_LABELS[field]} can be at most ${MAX_TEXT_LENGTH} characters (this has ${length}).`,
    };
  }
  return { ok: true, value };
}

function normaliseEmail(value: string): FieldResult {
  if (value.length > MAX_EMAIL_LENGTH) {
    return { ok: false, reason: `An email address can be at most ${MAX_EMAIL_LENGTH} characters.` };
  }
  if (!EmailSchema.safeParse(value).success) {
    return {
      ok: false,
      reason:
        "Enter an email address like name@company.com, using only unaccented letters, digits and . _ ' + -",
    };
  }
  return { ok: true, value };
}

/** Reason a typed contact id cannot be used, or null when it can. */
export function contactIdProblem(raw: string): string | null {
  const id = raw.trim();
  if (id === '') return 'Enter the contact id.';
  if (id.includes('@')) {
    return 'That looks like an email address. The Stuut API cannot look contacts up by email: enter the contact id instead (see /contact help).';
  }
  return isValidContactId(id) ? null : `That is not a contact id. ${CONTACT_ID_RULE}`;
}

/**
 * Turns a form submission into the PATCH to send, or an error for each input that is wrong.
 * Without a baseline an empty input means "keep"; with one, the inputs started with the
 * baseline values, so an emptied input means "clear" and only real differences are sent.
 */
export function validateForm(input: FormInput, context: FormContext): FormResult {
  const errors: FormErrors = {};
  const patch: ContactPatch = {};

  const contactId = context.fixedContactId ?? (input.typedContactId ?? '').trim();
  if (context.fixedContactId === null) {
    const problem = contactIdProblem(contactId);
    if (problem) errors.contact_id = problem;
  }

  const clear = new Set(context.baseline ? [] : input.clear);
  if (clear.has('email')) errors.clear = 'Email cannot be cleared: every contact needs one.';
  for (const value of clear) {
    if (value !== 'email' && !(CONTACT_FIELDS as readonly string[]).includes(value)) {
      errors.clear = `"${value}" is not a field that can be cleared.`;
    }
  }

  for (const field of CONTACT_FIELDS) {
    const typed = (input.values[field] ?? '').trim();
    const before = context.baseline?.[field] ?? null;

    if (typed === '') {
      if (context.baseline && before !== null) {
        if (field === 'email') errors.email = 'Email cannot be emptied: every contact needs one.';
        else patch[field] = null;
      } else if (clear.has(field) && field !== 'email') {
        patch[field] = null;
      }
      continue;
    }

    // An untouched value from Stuut is no change, even one this bot would refuse as new input.
    if (before !== null && typed === before.trim()) continue;

    if (clear.has(field)) {
      errors[field] =
        `You filled in ${FIELD_LABELS[field]} and also ticked it to clear. Empty the box or untick it.`;
      continue;
    }
    const result = normaliseField(field, typed, context.defaultCountry);
    if (!result.ok) {
      errors[field] = result.reason;
      continue;
    }
    if (result.value !== normaliseBaseline(field, before, context.defaultCountry)) {
      patch[field] = result.value;
    }
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (Object.keys(patch).length === 0) {
    const first: FormKey = context.fixedContactId === null ? 'contact_id' : 'email';
    return {
      ok: false,
      errors: {
        [first]: context.baseline
          ? 'Nothing changed: every value is the same as before. Edit a field, or press Cancel.'
          : 'Nothing to save: fill in a field to change it, or tick a field to clear it.',
      },
    };
  }
  return { ok: true, contactId, patch };
}

/** A baseline phone may be stored in any format; compare it in E.164 when it parses. */
function normaliseBaseline(
  field: ContactField,
  value: string | null,
  defaultCountry: CountryCode,
): string | null {
  if (value === null) return null;
  const normalised = normaliseField(field, value, defaultCountry);
  return normalised.ok ? normalised.value : value.trim();
}

/** Whether two values of one field are the same once normalised (a phone in any format). */
export function sameFieldValue(
  field: ContactField,
  a: string | null | undefined,
  b: string | null | undefined,
  defaultCountry: CountryCode,
): boolean {
  const normal = (value: string | null | undefined) => {
    const typed = (value ?? '').trim();
    if (typed === '') return '';
    const result = normaliseField(field, typed, defaultCountry);
    return result.ok ? result.value : typed;
  };
  return normal(a) === normal(b);
}
