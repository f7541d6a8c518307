import {
  CONTACT_FIELDS,
  type ContactField,
  type ContactPatch,
  type ContactValues,
} from './contact';

export interface FieldChange {
  field: ContactField;
  /** The value before the save; undefined when the bot never saw it. */
  before: string | null | undefined;
  /** The value as Stuut returned it after the save. */
  after: string | null;
}

/** Which fields a save changed, in form order, with before/after where they are known. */
export function changedFields(
  patch: ContactPatch,
  after: ContactValues,
  baseline: ContactValues | null,
): FieldChange[] {
  return CONTACT_FIELDS.filter((field) => field in patch).map((field) => ({
    field,
    before: baseline ? baseline[field] : undefined,
    after: after[field],
  }));
}

/**
 * Fields the person did not change whose value in Stuut's answer differs from what the bot had
 * learned from Stuut before: someone changed them elsewhere since the bot last saw the contact.
 */
export function changedElsewhere(
  patch: ContactPatch,
  learnedBefore: ContactValues,
  after: ContactValues,
): FieldChange[] {
  const same = (a: string | null, b: string | null) => (a ?? '').trim() === (b ?? '').trim();
  return CONTACT_FIELDS.filter(
    (field) => !(field in patch) && !same(learnedBefore[field], after[field]),
  ).map((field) => ({ field, before: learnedBefore[field], after: after[field] }));
}
