import { CONTACT_FIELDS, type ContactField, type ContactValues } from './contact';

/**
 * A form opened on values that someone else has since changed (a stale form): what the form
 * should show next. The person's own edits are never dropped, and nothing they did not touch
 * silently reverts the other person's change.
 */
export interface StaleMerge {
  /** The inputs' next values. */
  values: Record<ContactField, string | null>;
  /** Fields the other person changed and this person did not: they now show the new value. */
  taken: ContactField[];
  /** Fields both changed: this person's value stays, the other value is shown under it. */
  conflicts: { field: ContactField; theirs: string | null }[];
}

/**
 * `opened`: the values the form started from; `current`: the book's values now; `typed`: what
 * the inputs hold at Save. `same` compares two values of one field after normalisation (so a
 * phone typed differently is still the same number).
 */
export function mergeStaleForm(
  opened: ContactValues,
  current: ContactValues,
  typed: Record<ContactField, string | null>,
  same: (field: ContactField, a: string | null, b: string | null) => boolean,
): StaleMerge {
  const values = { ...typed };
  const taken: ContactField[] = [];
  const conflicts: StaleMerge['conflicts'] = [];
  for (const field of CONTACT_FIELDS) {
    const theirs = current[field];
    if (same(field, opened[field], theirs)) continue;
    const mine = typed[field];
    if (same(field, opened[field], mine)) {
      values[field] = theirs;
      taken.push(field);
    } else if (!same(field, mine, theirs)) {
      conflicts.push({ field, theirs });
    }
  }
  return { values, taken, conflicts };
}
