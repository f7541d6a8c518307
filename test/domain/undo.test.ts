import type { ContactValues } from '../../src/domain/contact';
import type { FieldChange } from '../../src/domain/diff';
import { canUndo, type UndoableChange, undoPatch, undoRefusal } from '../../src/domain/undo';
import { SAMPLE_VALUES } from '../fixtures';

const AT = new Date('2026-11-02T10:00:00.000Z');
const minutesLater = (minutes: number) => new Date(AT.getTime() + minutes * 60_000);

const PHONE: FieldChange = { field: 'phone', before: '+14155550100', after: '+12125550147' };
const TITLE: FieldChange = { field: 'job_title', before: 'CSM', after: null };

/** The book now: the change's "after" values. */
const AFTER: ContactValues = { ...SAMPLE_VALUES, phone: '+12125550147', job_title: null };

function change(more: Partial<UndoableChange> = {}): UndoableChange {
  return { at: AT, changes: [PHONE, TITLE], undoneBy: null, ...more };
}

describe('undoRefusal', () => {
  test('null within the window, with the book still holding the change', () => {
    expect(undoRefusal(change(), AFTER, minutesLater(10), 60)).toBeNull();
  });

  test('the window is inclusive of its last moment and refuses a millisecond after', () => {
    expect(undoRefusal(change(), AFTER, minutesLater(60), 60)).toBeNull();
    const late = new Date(minutesLater(60).getTime() + 1);
    expect(undoRefusal(change(), AFTER, late, 60)).toEqual({ kind: 'expired', minutes: 60 });
  });

  test('a change already undone is refused as undone, before anything else', () => {
    expect(undoRefusal(change({ undoneBy: 7 }), AFTER, minutesLater(500), 60)).toEqual({
      kind: 'undone',
    });
  });

  test('expired is reported before an unknown before or a later change', () => {
    const unknown = change({ changes: [{ field: 'phone', before: undefined, after: '+1' }] });
    const moved = { ...AFTER, phone: '+19995550000' };
    expect(undoRefusal(unknown, moved, minutesLater(61), 60)).toEqual({
      kind: 'expired',
      minutes: 60,
    });
  });

  test('a change whose before was not known cannot be undone', () => {
    const unknown = change({
      changes: [PHONE, { field: 'name', before: undefined, after: 'P. Raman' }],
    });
    expect(undoRefusal(unknown, { ...AFTER, name: 'P. Raman' }, minutesLater(1), 60)).toEqual({
      kind: 'before_unknown',
    });
  });

  test('names the fields that changed since, and only those', () => {
    const moved = { ...AFTER, phone: '+19995550000' };
    expect(undoRefusal(change(), moved, minutesLater(1), 60)).toEqual({
      kind: 'changed_since',
      fields: ['phone'],
    });
    const both = { ...AFTER, phone: '+19995550000', job_title: 'Someone typed this' };
    expect(undoRefusal(change(), both, minutesLater(1), 60)).toEqual({
      kind: 'changed_since',
      fields: ['phone', 'job_title'],
    });
  });

  test('a field not in the change may have changed since: no refusal', () => {
    const other = { ...AFTER, given_name: 'Pri', email: 'p@example.com' };
    expect(undoRefusal(change(), other, minutesLater(1), 60)).toBeNull();
  });

  test('a book that no longer knows the contact has nothing to compare: no refusal', () => {
    expect(undoRefusal(change(), null, minutesLater(1), 60)).toBeNull();
  });

  test('a before of null (the field was empty) is known, and can be undone', () => {
    const fromEmpty = change({ changes: [{ field: 'name', before: null, after: 'Priya R.' }] });
    expect(undoRefusal(fromEmpty, { ...AFTER, name: 'Priya R.' }, minutesLater(1), 5)).toBeNull();
  });
});

describe('undoPatch', () => {
  test('exactly the changed fields, each back to its value before', () => {
    expect(undoPatch([PHONE, TITLE])).toEqual({ phone: '+14155550100', job_title: 'CSM' });
  });

  test('a field that was empty before is cleared (null)', () => {
    expect(undoPatch([{ field: 'name', before: null, after: 'Priya R.' }])).toEqual({
      name: null,
    });
  });

  test('no change, no field', () => {
    expect(undoPatch([])).toEqual({});
  });
});

describe('canUndo', () => {
  test('every before known (null counts as known)', () => {
    expect(canUndo([PHONE, TITLE])).toBe(true);
    expect(canUndo([{ field: 'name', before: null, after: 'x' }])).toBe(true);
  });

  test('one unknown before is enough to offer no Undo', () => {
    expect(canUndo([PHONE, { field: 'name', before: undefined, after: 'x' }])).toBe(false);
  });

  test('a change of nothing has nothing to undo', () => {
    expect(canUndo([])).toBe(false);
  });
});
