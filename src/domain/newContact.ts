import type { CountryCode } from 'libphonenumber-js/max';
import {
  isRole,
  isValidPartnerId,
  type NewAssignmentBody,
  type NewContactFields,
  PARTNER_ID_RULE,
  type Role,
} from './assignment';
import { CLEARABLE_FIELDS, CONTACT_ID_RULE, type ContactField, isValidContactId } from './contact';
import { normaliseField } from './form';

/**
 * The add and assign forms, validated. Every contact field goes through `normaliseField`,
 * the update form's own per-field rule, so a value is accepted (and sent, a phone in E.164)
 * exactly as the update form would accept and send it.
 */

/** Inputs of the add form that can carry an inline error. */
export type AddFormKey =
  | 'email'
  | 'role'
  | 'given_name'
  | 'family_name'
  | 'name'
  | 'phone'
  | 'job_title';

/** Inputs of the assign form that can carry an inline error. */
export type AssignFormKey =
  | 'contact'
  | 'email'
  | 'partner_id'
  | 'role'
  | 'given_name'
  | 'family_name'
  | 'name'
  | 'phone'
  | 'job_title';

/** The add form as typed: empty or absent inputs are left out or ''. */
export interface AddFormInput {
  values: Partial<Record<ContactField, string>>;
  /** The chosen role's value, as Slack reports it; null when none was chosen. */
  role: string | null;
}

export type AddFormResult =
  | { ok: true; body: NewAssignmentBody }
  | { ok: false; errors: Partial<Record<AddFormKey, string>> };

export const EMAIL_REQUIRED = 'Every contact needs an email.';
export const ROLE_REQUIRED = 'Choose a role.';
export const TARGET_REQUIRED = 'Choose a contact, or type the email of someone new.';
export const TARGET_BOTH = 'Choose a contact or type an email, not both.';
export const PARTNER_ID_REQUIRED = `Enter the partner id. ${PARTNER_ID_RULE}`;
export const PARTNER_ID_INVALID = `That is not a partner id. ${PARTNER_ID_RULE}`;
export const DETAILS_NEED_EMAIL =
  'Details are only for someone new, typed as an email: empty this box, or type their email instead of choosing a contact.';

function typed(raw: string | null | undefined): string {
  return typeof raw === 'string' ? raw.trim() : '';
}

/** A role as the select reports it, or the error to show. */
function readRole(raw: string | null): { ok: true; role: Role } | { ok: false } {
  const role = typed(raw);
  return isRole(role) ? { ok: true, role } : { ok: false };
}

/**
 * The optional contact fields, validated one by one: empty ones are left out (a new contact
 * has nothing to clear), others normalised as the update form does.
 */
function optionalFields(
  values: Partial<Record<ContactField, string | null>>,
  defaultCountry: CountryCode,
  errors: Partial<Record<Exclude<ContactField, 'email'>, string>>,
): NewContactFields {
  const fields: NewContactFields = {};
  for (const field of CLEARABLE_FIELDS) {
    const value = typed(values[field]);
    if (value === '') continue;
    const result = normaliseField(field, value, defaultCountry);
    if (result.ok) fields[field] = result.value;
    else errors[field] = result.reason;
  }
  return fields;
}

/** `/contact add`: the body of `POST /v2/internal-contacts`, or an error for each wrong input. */
export function validateAddForm(input: AddFormInput, defaultCountry: CountryCode): AddFormResult {
  const errors: Partial<Record<AddFormKey, string>> = {};

  let email = '';
  const typedEmail = typed(input.values.email);
  if (typedEmail === '') {
    errors.email = EMAIL_REQUIRED;
  } else {
    const result = normaliseField('email', typedEmail, defaultCountry);
    if (result.ok) email = result.value;
    else errors.email = result.reason;
  }

  const role = readRole(input.role);
  if (!role.ok) errors.role = ROLE_REQUIRED;

  const fields = optionalFields(input.values, defaultCountry, errors);

  if (!role.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: { email, internal_role: role.role, ...fields } };
}

/** The assign form as typed. */
export interface AssignFormInput {
  /** The contact chosen in the type-ahead picker (its id), or null. */
  contactId: string | null;
  /** The email typed instead, or null. */
  email: string | null;
  partnerId: string | null;
  role: string | null;
  /** The new person's details, when the form shows them. */
  values: Partial<Record<Exclude<ContactField, 'email'>, string>>;
}

export type AssignTarget =
  | { kind: 'contact'; contactId: string }
  | { kind: 'email'; email: string };

export type AssignFormResult =
  | { ok: true; target: AssignTarget; partnerId: string; role: Role; fields: NewContactFields }
  | { ok: false; errors: Partial<Record<AssignFormKey, string>> };

/**
 * `/contact assign`: who (a known contact, or an email), which partner, which role, and the
 * details of someone new. `fields` is empty for a chosen contact: details apply to a new
 * person only, and typing them next to a chosen contact is an error rather than lost input.
 */
export function validateAssignForm(
  input: AssignFormInput,
  defaultCountry: CountryCode,
): AssignFormResult {
  const errors: Partial<Record<AssignFormKey, string>> = {};

  const contactId = typed(input.contactId);
  const typedEmail = typed(input.email);
  let target: AssignTarget | null = null;
  if (contactId === '' && typedEmail === '') {
    errors.contact = TARGET_REQUIRED;
  } else if (contactId !== '' && typedEmail !== '') {
    errors.email = TARGET_BOTH;
  } else if (contactId !== '') {
    if (isValidContactId(contactId)) target = { kind: 'contact', contactId };
    else errors.contact = `That is not a contact id. ${CONTACT_ID_RULE}`;
  } else {
    const result = normaliseField('email', typedEmail, defaultCountry);
    if (result.ok) target = { kind: 'email', email: result.value };
    else errors.email = result.reason;
  }

  const partnerId = typed(input.partnerId);
  if (partnerId === '') errors.partner_id = PARTNER_ID_REQUIRED;
  else if (!isValidPartnerId(partnerId)) errors.partner_id = PARTNER_ID_INVALID;

  const role = readRole(input.role);
  if (!role.ok) errors.role = ROLE_REQUIRED;

  const fields = optionalFields(input.values, defaultCountry, errors);
  if (contactId !== '' && typedEmail === '') {
    for (const field of CLEARABLE_FIELDS) {
      if (typed(input.values[field]) !== '') errors[field] = DETAILS_NEED_EMAIL;
    }
  }

  if (target === null || !role.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    target,
    partnerId,
    role: role.role,
    fields: target.kind === 'email' ? fields : {},
  };
}
