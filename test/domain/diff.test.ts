import type { ContactValues } from '../../src/domain/contact';
import { changedFields } from '../../src/domain/diff';

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
