import type { ContactField, ContactPatch, ContactValues } from './contact';
import type { FieldChange } from './diff';

/** What an undo needs to know of the change it would take back. */
export interface UndoableChange {
  at: Date;
  changes: readonly FieldChange[];
  undoneBy: number | null;
}

export type UndoRefusal =
  | { kind: 'undone' }
  | { kind: 'expired'; minutes: number }
  | { kind: 'before_unknown' }
  /** The book's current values are no longer the change's "after" values. */
  | { kind: 'changed_since'; fields: ContactField[] };

/**
 * Why this change cannot be undone now, or null when it can. `current` is the book's values
 * now (null when the book no longer knows the contact: nothing to compare, so no refusal).
 */
export function undoRefusal(
  change: UndoableChange,
  current: ContactValues | null,
  now: Date,
  windowMinutes: number,
): UndoRefusal | null {
  if (change.undoneBy !== null) return { kind: 'undone' };
  if (now.getTime() - change.at.getTime() > windowMinutes * 60_000) {
    return { kind: 'expired', minutes: windowMinutes };
  }
  if (change.changes.some((c) => c.before === undefined)) return { kind: 'before_unknown' };
  if (current) {
    const moved = change.changes
      .filter((c) => (current[c.field] ?? null) !== (c.after ?? null))
      .map((c) => c.field);
    if (moved.length > 0) return { kind: 'changed_since', fields: moved };
  }
  return null;
}

/** The PATCH that takes a change back: each changed field to its value before. */
export function undoPatch(changes: readonly FieldChange[]): ContactPatch {
  const patch: ContactPatch = {};
  for (const change of changes) patch[change.field] = change.before ?? null;
  return patch;
}

/** Whether a confirmation can offer Undo: every changed field's value before is known. */
export function canUndo(changes: readonly FieldChange[]): boolean {
  return changes.length > 0 && changes.every((c) => c.before !== undefined);
}
