import type { ContactValues } from '../../src/domain/contact';
import {
  compareRanked,
  contactWords,
  foldText,
  type Ranked,
  rankContact,
  rankWords,
  searchWords,
  sortName,
} from '../../src/domain/search';

function values(overrides: Partial<ContactValues>): ContactValues {
  return {
    email: 'someone@example.com',
    given_name: null,
    family_name: null,
    name: null,
    phone: null,
    job_title: null,
    ...overrides,
  };
}

describe('searchWords', () => {
  it('folds case and accents', () => {
    expect(searchWords('Siobhán ÓBRIEN')).toEqual(['siobhan', 'obrien']);
    expect(searchWords('Zoë Dvořák-Nguyễn')).toEqual(['zoe', 'dvorak', 'nguyen']);
  });

  it('folds compatibility forms and letters NFKD keeps whole', () => {
    expect(foldText('ＡＢＣ ﬁnn')).toBe('abc finn');
    expect(searchWords('Łukasz Søren Straße Æsa')).toEqual(['lukasz', 'soren', 'strasse', 'aesa']);
    expect(searchWords('İlkay')).toEqual(['ilkay']);
  });

  it('splits on anything that is not a letter or a digit', () => {
    expect(searchWords("  O'Neil,  Mary-Kate (3rd)\t")).toEqual([
      'o',
      'neil',
      'mary',
      'kate',
      '3rd',
    ]);
    expect(searchWords('')).toEqual([]);
    expect(searchWords(' -- ')).toEqual([]);
  });

  it('keeps letters of every script, beyond U+FFFF too', () => {
    expect(searchWords('田中 太郎')).toEqual(['田中', '太郎']);
    expect(searchWords('𠮷田')).toEqual(['𠮷田']);
    expect(searchWords('Дмитрий')).toEqual(['дмитрии']);
  });

  it('gives an email its local-part words, its domain words and the whole address', () => {
    expect(searchWords('Priya.Raman@Example.COM')).toEqual([
      'priya',
      'raman',
      'example',
      'com',
      'priya.raman@example.com',
    ]);
  });

  it('lists each word once', () => {
    expect(searchWords('anna Anna ANNA')).toEqual(['anna']);
  });
});

describe('contactWords', () => {
  it('covers names and email, not phone or job title', () => {
    const words = contactWords(
      values({
        email: 'p.raman@example.com',
        given_name: 'Priya',
        family_name: 'Raman',
        name: 'Priya R.',
        phone: '+14155550100',
        job_title: 'Customer Success Manager',
      }),
    );
    expect(words).toEqual(['priya', 'raman', 'r', 'p', 'example', 'com', 'p.raman@example.com']);
  });
});

describe('rankWords and rankContact', () => {
  const priya = values({ given_name: 'Priya', family_name: 'Raman', email: 'priya@example.com' });

  it('needs every query word to start some word of the contact', () => {
    expect(rankContact(['pri', 'ram'], { values: priya })).not.toBeNull();
    expect(rankContact(['pri', 'kum'], { values: priya })).toBeNull();
    expect(rankContact(['riya'], { values: priya })).toBeNull();
  });

  it('scores an exact word above a prefix', () => {
    const exact = rankWords(['ram'], ['ram', 'kumar']);
    const prefix = rankWords(['ram'], ['priya', 'raman']);
    expect(exact).not.toBeNull();
    expect(prefix).not.toBeNull();
    expect(exact!).toBeGreaterThan(prefix!);
    expect(rankWords(['priya', 'raman'], ['priya', 'raman'])!).toBeGreaterThan(
      rankWords(['priya', 'ram'], ['priya', 'raman'])!,
    );
  });

  it('matches accent-folded queries against accented names', () => {
    const siobhan = values({ given_name: 'Siobhán', family_name: 'Ó Briain' });
    expect(rankContact(searchWords('siobhan'), { values: siobhan })).not.toBeNull();
    expect(rankContact(searchWords('SIOBHÁN BRI'), { values: siobhan })).not.toBeNull();
  });
});

describe('ordering', () => {
  function ranked(id: string, score: number, v: ContactValues): Ranked<string> {
    return { item: id, score, name: sortName(v), id };
  }

  it('orders by score, then name (folded), then id', () => {
    const list = [
      ranked('c', 2, values({ given_name: 'Zed' })),
      ranked('b', 4, values({ given_name: 'Émile' })),
      ranked('a', 4, values({ given_name: 'anna' })),
      ranked('d', 4, values({ given_name: 'Anna' })),
    ];
    expect(list.sort(compareRanked).map((entry) => entry.item)).toEqual(['a', 'd', 'b', 'c']);
  });

  it('sorts by the name people see: full name, else given and family, else email', () => {
    expect(sortName(values({ name: 'Dr Who', given_name: 'John' }))).toBe('dr who');
    expect(sortName(values({ given_name: 'Ana', family_name: 'Lopes' }))).toBe('ana lopes');
    expect(sortName(values({ email: 'X@Example.com' }))).toBe('x@example.com');
  });
});
