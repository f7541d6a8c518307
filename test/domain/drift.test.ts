import type { DriftDifference } from '../../src/book/book';
import { driftFingerprint, normaliseForCompare, profileDifferences } from '../../src/domain/drift';
import { normaliseField } from '../../src/domain/form';

const BOOK = { job_title: 'Customer Success Manager', phone: '+14155550100' };

describe('normaliseForCompare', () => {
  test.each<[string | null | undefined, string]>([
    [null, ''],
    [undefined, ''],
    ['', ''],
    ['   ', ''],
    ['VP, Customer Success', 'vp, customer success'],
    ['  VP,  Customer\tSuccess \n', 'vp, customer success'],
    // No-break and other Unicode spaces are whitespace too.
    ['VP,\u00a0Customer\u2003Success', 'vp, customer success'],
    ['ÉQUIPE ÖSTERREICH', 'équipe österreich'],
    // Unicode-aware: a final capital sigma lower-cases to the final form.
    ['ΔΙΕΥΘΥΝΤΗΣ', 'διευθυντης'],
  ])('%j compares as %j', (text, normal) => {
    expect(normaliseForCompare(text)).toBe(normal);
  });

  test('composed and decomposed accents are the same', () => {
    const composed = 'Directrice Générale';
    const decomposed = 'Directrice Ge\u0301ne\u0301rale';
    expect(composed).not.toBe(decomposed);
    expect(normaliseForCompare(decomposed)).toBe(normaliseForCompare(composed));
    expect(normaliseForCompare(decomposed)).toBe(normaliseForCompare(composed).normalize('NFC'));
  });
});

describe('profileDifferences: job title', () => {
  test('a new title in Slack is proposed, with what the book has', () => {
    expect(profileDifferences({ title: 'VP, Customer Success' }, BOOK, 'US')).toEqual([
      { field: 'job_title', slack: 'VP, Customer Success', stuut: 'Customer Success Manager' },
    ]);
  });

  test.each([
    'Customer Success Manager',
    'customer success manager',
    '  Customer   Success Manager ',
    'CUSTOMER\u00a0SUCCESS\tMANAGER',
  ])('%j is the same title: nothing to propose', (title) => {
    expect(profileDifferences({ title }, BOOK, 'US')).toEqual([]);
  });

  test('the proposed title is trimmed with its spaces collapsed, its case kept', () => {
    expect(profileDifferences({ title: '  VP,   Customer\tSuccess ' }, BOOK, 'US')).toEqual([
      { field: 'job_title', slack: 'VP, Customer Success', stuut: 'Customer Success Manager' },
    ]);
  });

  test.each([null, undefined, '', '   ', '\t\n'])(
    'an empty Slack title (%j) is never proposed',
    (title) => {
      expect(profileDifferences({ title }, BOOK, 'US')).toEqual([]);
      expect(profileDifferences({ title }, { ...BOOK, job_title: null }, 'US')).toEqual([]);
    },
  );

  test('a title where the book has none is proposed, with null for Stuut', () => {
    for (const job_title of [null, '', '  ']) {
      expect(profileDifferences({ title: 'CSM' }, { ...BOOK, job_title }, 'US')).toEqual([
        { field: 'job_title', slack: 'CSM', stuut: null },
      ]);
    }
  });

  test('a title the form would refuse (too long, control characters) is not proposed', () => {
    expect(profileDifferences({ title: 'x'.repeat(256) }, BOOK, 'US')).toEqual([]);
    expect(profileDifferences({ title: 'VP\u0000' }, BOOK, 'US')).toEqual([]);
    expect(profileDifferences({ title: 'x'.repeat(255) }, BOOK, 'US')).toHaveLength(1);
  });

  test('hostile titles are proposed as they are (escaping is for the messages)', () => {
    expect(profileDifferences({ title: '<!channel> *x*' }, BOOK, 'US')).toEqual([
      { field: 'job_title', slack: '<!channel> *x*', stuut: 'Customer Success Manager' },
    ]);
  });
});

describe('profileDifferences: phone', () => {
  test('a different Slack phone is proposed in E.164', () => {
    expect(profileDifferences({ phone: '(212) 555-0147' }, BOOK, 'US')).toEqual([
      { field: 'phone', slack: '+12125550147', stuut: '+14155550100' },
    ]);
  });

  test('the Slack phone is normalised as the form normalises a typed one', () => {
    const typed = '+44 20 7946 0958';
    const form = normaliseField('phone', typed, 'US');
    expect(form.ok && form.value).toBe('+442079460958');
    expect(profileDifferences({ phone: typed }, BOOK, 'US')[0]?.slack).toBe('+442079460958');
  });

  test('the default country applies to a number without a country code', () => {
    expect(profileDifferences({ phone: '020 7946 0958' }, BOOK, 'GB')).toEqual([
      { field: 'phone', slack: '+442079460958', stuut: '+14155550100' },
    ]);
  });

  test.each(['+1 415 555 0100', '(415) 555-0100', '415.555.0100', '+14155550100', ' 4155550100 '])(
    '%j is the same number: nothing to propose',
    (phone) => {
      expect(profileDifferences({ phone }, BOOK, 'US')).toEqual([]);
    },
  );

  test('the book’s phone in another format is compared in E.164', () => {
    expect(
      profileDifferences({ phone: '+1 415 555 0100' }, { ...BOOK, phone: '(415) 555-0100' }, 'US'),
    ).toEqual([]);
  });

  test.each(['call me', '123', '+1 415 555 0100 ext 12', '555', '+99 1234', 'x'.repeat(100)])(
    'a Slack phone that is not a valid number (%j) is never proposed',
    (phone) => {
      expect(profileDifferences({ phone }, BOOK, 'US')).toEqual([]);
    },
  );

  test.each([null, undefined, '', '   '])(
    'an empty Slack phone (%j) is never proposed',
    (phone) => {
      expect(profileDifferences({ phone }, BOOK, 'US')).toEqual([]);
      expect(profileDifferences({ phone }, { ...BOOK, phone: null }, 'US')).toEqual([]);
    },
  );

  test('a phone where the book has none is proposed, with null for Stuut', () => {
    expect(
      profileDifferences({ phone: '+1 212 555 0147' }, { ...BOOK, phone: null }, 'US'),
    ).toEqual([{ field: 'phone', slack: '+12125550147', stuut: null }]);
  });

  test('a book phone that does not parse differs from any valid Slack number', () => {
    expect(
      profileDifferences({ phone: '+1 415 555 0100' }, { ...BOOK, phone: 'ask reception' }, 'US'),
    ).toEqual([{ field: 'phone', slack: '+14155550100', stuut: 'ask reception' }]);
  });
});

describe('profileDifferences: both, and what is not compared', () => {
  test('job title first, then phone', () => {
    expect(
      profileDifferences({ phone: '+1 212 555 0147', title: 'VP, Customer Success' }, BOOK, 'US'),
    ).toEqual([
      { field: 'job_title', slack: 'VP, Customer Success', stuut: 'Customer Success Manager' },
      { field: 'phone', slack: '+12125550147', stuut: '+14155550100' },
    ]);
  });

  test('names are not compared', () => {
    const profile = {
      title: BOOK.job_title,
      phone: BOOK.phone,
      real_name: 'Pri Raman',
      display_name: 'priya',
    };
    expect(profileDifferences(profile, BOOK, 'US')).toEqual([]);
  });

  test('an empty profile proposes nothing', () => {
    expect(profileDifferences({}, BOOK, 'US')).toEqual([]);
    expect(profileDifferences({}, { job_title: null, phone: null }, 'US')).toEqual([]);
  });
});

describe('driftFingerprint', () => {
  const title = (slack: string, stuut: string | null = 'CSM'): DriftDifference => ({
    field: 'job_title',
    slack,
    stuut,
  });
  const phone = (slack: string, stuut: string | null = null): DriftDifference => ({
    field: 'phone',
    slack,
    stuut,
  });

  test('spacing and case of the Slack value make no new fingerprint', () => {
    expect(driftFingerprint([title('VP,  Customer Success')])).toBe(
      driftFingerprint([title('vp, customer success')]),
    );
    expect(driftFingerprint([title(' VP, Customer\u00a0Success ')])).toBe(
      driftFingerprint([title('VP, CUSTOMER SUCCESS')]),
    );
  });

  test('the same fingerprint whatever order the differences come in', () => {
    expect(driftFingerprint([title('VP'), phone('+12125550147')])).toBe(
      driftFingerprint([phone('+12125550147'), title('VP')]),
    );
  });

  test('is stable: the same input gives the same string', () => {
    const differences = [title('VP'), phone('+12125550147')];
    expect(driftFingerprint(differences)).toBe(driftFingerprint(structuredClone(differences)));
    expect(driftFingerprint(differences)).toBe('[["job_title","vp"],["phone","+12125550147"]]');
  });

  test('includes the field names', () => {
    const fingerprint = driftFingerprint([title('x'), phone('+12125550147')]);
    expect(fingerprint).toContain('job_title');
    expect(fingerprint).toContain('phone');
    // The same text proposed for another field is another proposal.
    expect(driftFingerprint([{ field: 'job_title', slack: '+12125550147', stuut: null }])).not.toBe(
      driftFingerprint([phone('+12125550147')]),
    );
  });

  test('a different proposed value, or one more field, is another fingerprint', () => {
    const base = driftFingerprint([title('VP')]);
    expect(driftFingerprint([title('SVP')])).not.toBe(base);
    expect(driftFingerprint([title('VP'), phone('+12125550147')])).not.toBe(base);
    expect(driftFingerprint([])).not.toBe(base);
  });

  test('the book’s side is not part of it: the proposal is the Slack value', () => {
    expect(driftFingerprint([title('VP', 'CSM')])).toBe(driftFingerprint([title('VP', null)]));
  });

  test('values holding separators cannot collide', () => {
    expect(driftFingerprint([title('a","phone'), phone('+1')])).not.toBe(
      driftFingerprint([title('a'), phone('phone","+1')]),
    );
  });

  test('matches profileDifferences run twice over the same drift in another spelling', () => {
    const first = profileDifferences({ title: 'VP,  Customer Success' }, BOOK, 'US');
    const second = profileDifferences({ title: 'vp, customer success' }, BOOK, 'US');
    expect(driftFingerprint(first)).toBe(driftFingerprint(second));
  });
});
