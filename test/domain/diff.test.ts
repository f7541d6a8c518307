import type { ContactValues } from '../../src/domain/contact';
import { changedElsewhere, changedFields } from '../../src/domain/diff';

const BEFORE: ContactValues = {
  email: 'priya.raman@example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  name: null,
  phone: '+14155550100',
  job_title: 'CSM',
};

const AFTER: ContactValues = {
  ...BEFORE,
  phone: null,
  job_title: 'VP, Customer Success',
  name: 'Priya Raman',
};

describe('changedFields', () => {
  test('lists the patched fields in form order, not patch order', () => {
    const changes = changedFields({ job_title: 'x', phone: null, email: 'a@b.co' }, AFTER, null);
    expect(changes.map((change) => change.field)).toEqual(['email', 'phone', 'job_title']);
  });

  test('with a baseline, before and after are both known', () => {
    expect(
      changedFields({ name: 'Priya Raman', phone: null, job_title: 'VP' }, AFTER, BEFORE),
    ).toEqual([
      { field: 'name', before: null, after: 'Priya Raman' },
      { field: 'phone', before: '+14155550100', after: null },
      { field: 'job_title', before: 'CSM', after: 'VP, Customer Success' },
    ]);
  });

  test('without a baseline, before is undefined (unknown), not null (empty)', () => {
    const changes = changedFields({ phone: null }, AFTER, null);
    expect(changes).toEqual([{ field: 'phone', before: undefined, after: null }]);
    expect(changes[0]).toHaveProperty('before', undefined);
  });

  test('after is what Stuut returned, not what was sent', () => {
    // Stuut stores phones as E.164 whatever was sent.
    const after = { ...BEFORE, phone: '+442079460958' };
    expect(changedFields({ phone: '+44 20 7946 0958' }, after, null)).toEqual([
      { field: 'phone', before: undefined, after: '+442079460958' },
    ]);
  });

  test('an empty patch changes nothing', () => {
    expect(changedFields({}, AFTER, BEFORE)).toEqual([]);
  });
});

describe('changedElsewhere', () => {
  test('a field the save did not touch whose value differs was changed elsewhere', () => {
    const after: ContactValues = { ...BEFORE, job_title: 'VP, Customer Success', name: 'P. R.' };
    expect(changedElsewhere({ job_title: 'VP, Customer Success' }, BEFORE, after)).toEqual([
      { field: 'name', before: null, after: 'P. R.' },
    ]);
  });

  test('fields the save changed are never reported, whatever their value', () => {
    const after: ContactValues = { ...BEFORE, phone: '+442079460958', email: 'p@x.io' };
    expect(changedElsewhere({ phone: '+44 20 7946 0958', email: 'p@x.io' }, BEFORE, after)).toEqual(
      [],
    );
  });

  test('a field cleared by the save is the save’s, not a change elsewhere', () => {
    expect(changedElsewhere({ phone: null }, BEFORE, { ...BEFORE, phone: null })).toEqual([]);
  });

  test('a field cleared elsewhere is reported, with the old value', () => {
    expect(
      changedElsewhere({ job_title: 'x' }, BEFORE, { ...BEFORE, job_title: 'x', phone: null }),
    ).toEqual([{ field: 'phone', before: '+14155550100', after: null }]);
  });

  test('nothing differs, nothing reported', () => {
    expect(changedElsewhere({ job_title: 'CSM' }, BEFORE, BEFORE)).toEqual([]);
    expect(changedElsewhere({}, BEFORE, BEFORE)).toEqual([]);
  });

  test('null and the empty string are the same, and surrounding spaces do not count', () => {
    const learned: ContactValues = { ...BEFORE, name: '', job_title: '  CSM ' };
    const after: ContactValues = { ...BEFORE, name: null, job_title: 'CSM' };
    expect(changedElsewhere({}, learned, after)).toEqual([]);
  });

  test('case is a change', () => {
    expect(changedElsewhere({}, BEFORE, { ...BEFORE, family_name: 'RAMAN' })).toEqual([
      { field: 'family_name', before: 'Raman', after: 'RAMAN' },
    ]);
  });

  test('lists fields in form order, and before is always known (never undefined)', () => {
    const after: ContactValues = {
      email: 'other@example.com',
      given_name: 'P',
      family_name: 'R',
      name: 'N',
      phone: null,
      job_title: 'J',
    };
    const changes = changedElsewhere({}, BEFORE, after);
    expect(changes.map((change) => change.field)).toEqual([
      'email',
      'given_name',
      'family_name',
      'name',
      'phone',
      'job_title',
    ]);
    for (const change of changes) expect(change.before).not.toBeUndefined();
  });
});
