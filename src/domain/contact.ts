import { z } from 'zod';

/** The writable fields of a Stuut internal contact, in the order the form shows them. */
export const CONTACT_FIELDS = [
  'email',
  'given_name',
  'family_name',
  'name',
  'phone',
  'job_title',
] as const;

export type ContactField = (typeof CONTACT_FIELDS)[number];

/** Fields that may be cleared (sent as null); Stuut refuses a contact without an email. */
export const CLEARABLE_FIELDS = CONTACT_FIELDS.filter(
  (field): field is Exclude<ContactField, 'email'> => field !== 'email',
);

export const FIELD_LABELS: Readonly<Record<ContactField, string>> = {
  email: 'Email',
  given_name: 'Given name',
  family_name: 'Family name',
  name: 'Full name',
  phone: 'Phone',
  job_title: 'Job title',
};

export function isContactField(value: string): value is ContactField {
  return (CONTACT_FIELDS as readonly string[]).includes(value);
}

/** The contact as the PATCH endpoint returns it. Unknown keys are tolerated, documented keys are not optional. */
export const InternalContactSchema = z.looseObject({
  id: z.string().min(1),
  object: z.string(),
  created_at: z.string(),
  modified_at: z.string().nullable(),
  email: z.string(),
  given_name: z.string().nullable(),
  family_name: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  job_title: z.string().nullable(),
});

export type InternalContact = z.infer<typeof InternalContactSchema>;

/** Values of every writable field; null means the field is empty in Stuut. */
export type ContactValues = { email: string } & Record<
  Exclude<ContactField, 'email'>,
  string | null
>;

/** A PATCH body: a key present is changed, null clears it, a key absent is left alone. */
export type ContactPatch = Partial<Record<ContactField, string | null>>;

export function valuesOf(contact: InternalContact): ContactValues {
  return {
    email: contact.email,
    given_name: contact.given_name,
    family_name: contact.family_name,
    name: contact.name,
    phone: contact.phone,
    job_title: contact.job_title,
  };
}

/**
 * Stuut ids are opaque, so this allows only characters that are safe and
 * meaningful in one URL path segment; anything else is refused before a request.
 */
const CONTACT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function isValidContactId(id: string): boolean {
  return CONTACT_ID_PATTERN.test(id);
}

export const CONTACT_ID_RULE =
  'A contact id is 1–128 letters, digits, "_" or "-", starting with a letter or digit.';

/** The name people know a contact by, falling back to the email every contact has. */
export function displayName(
  values: Pick<ContactValues, 'email' | 'name' | 'given_name' | 'family_name'>,
): string {
  const parts = [values.given_name, values.family_name].filter(Boolean).join(' ');
  return values.name || parts || values.email;
}
