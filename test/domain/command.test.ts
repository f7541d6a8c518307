import {
  decodeSlackText,
  MAX_QUERY_LENGTH,
  type ParsedCommand,
  parseCommand,
} from '../../src/domain/command';

const ID = 'ic_7Qm2xK9a';

function parse(text: string): ParsedCommand {
  return parseCommand(text, 'US');
}

function problemsOf(text: string): string[] {
  const parsed = parse(text);
  if (parsed.kind !== 'invalid')
    throw new Error(`expected problems, got ${JSON.stringify(parsed)}`);
  return parsed.problems;
}

function updateOf(text: string) {
  const parsed = parse(text);
  if (parsed.kind !== 'update')
    throw new Error(`expected an update, got ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('decodeSlackText', () => {
  test.each([
    ['&amp;', '&'],
    ['&lt;', '<'],
    ['&gt;', '>'],
    ['R&amp;D &lt;Lead&gt;', 'R&D <Lead>'],
    // One pass only: an escaped entity stays the entity the person typed.
    ['&amp;lt;', '&lt;'],
    ['&amp;amp;', '&amp;'],
    // Only the three entities Slack uses.
    ['&quot;&#39;&nbsp;', '&quot;&#39;&nbsp;'],
    ['R&D <Lead>', 'R&D <Lead>'],
  ])('%j decodes to %j', (raw, decoded) => {
    expect(decodeSlackText(raw)).toBe(decoded);
  });

  test.each([
    ['<mailto:a@b.co|a@b.co>', 'a@b.co'],
    ['<mailto:a@b.co>', 'a@b.co'],
    ['<tel:+14155550100|+1 415 555 0100>', '+1 415 555 0100'],
    ['<tel:+14155550100>', '+14155550100'],
    ['<https://example.com|example.com>', 'example.com'],
    ['<http://example.com>', 'http://example.com'],
    ['<https://example.com/?a=1&amp;b=2>', 'https://example.com/?a=1&b=2'],
    ['email=<mailto:a@b.co|a@b.co> x', 'email=a@b.co x'],
  ])('Slack markup %j is unwrapped to %j', (raw, decoded) => {
    expect(decodeSlackText(raw)).toBe(decoded);
  });

  test.each(['<!channel>', '<!here>', '<@U123>', '<#C123|general>', '<!subteam^S1>'])(
    'other markup %j is left as it is',
    (raw) => {
      expect(decodeSlackText(raw)).toBe(raw);
    },
  );

  test('an escaped link is decoded, not unwrapped', () => {
    expect(decodeSlackText('&lt;https://evil|bank&gt;')).toBe('<https://evil|bank>');
  });
});

describe('parseCommand: help', () => {
  test.each(['', '   ', 'help', 'HELP', ' help ', '--help', '-h', '?'])('%j is help', (text) => {
    expect(parse(text)).toEqual({ kind: 'help' });
  });
});

describe('parseCommand: update', () => {
  test('with an id only, the id is the query', () => {
    expect(parse(`update ${ID}`)).toEqual({
      kind: 'update',
      query: ID,
      prefill: {},
      clear: [],
    });
  });

  test('the subcommand is case-insensitive and extra spaces do not matter', () => {
    expect(parse(`  Update   ${ID}  `)).toEqual({
      kind: 'update',
      query: ID,
      prefill: {},
      clear: [],
    });
  });

  test('without a query the form opens with the picker (query null)', () => {
    expect(parse('update')).toEqual({ kind: 'update', query: null, prefill: {}, clear: [] });
    expect(parse('update   ')).toEqual({ kind: 'update', query: null, prefill: {}, clear: [] });
  });

  test('without a query but with values, the values are kept', () => {
    expect(parse('update job_title=CSM')).toEqual({
      kind: 'update',
      query: null,
      prefill: { job_title: 'CSM' },
      clear: [],
    });
  });

  test('field=value pairs prefill every field', () => {
    const parsed = updateOf(
      `update ${ID} email=priya@example.com given_name=Priya family_name=Raman name=Priya_R phone=+14155550100 job_title=CSM`,
    );
    expect(parsed.prefill).toEqual({
      email: 'priya@example.com',
      given_name: 'Priya',
      family_name: 'Raman',
      name: 'Priya_R',
      phone: '+14155550100',
      job_title: 'CSM',
    });
    expect(parsed.clear).toEqual([]);
  });

  test('field names are case-insensitive', () => {
    expect(updateOf(`update ${ID} Job_Title=CSM`).prefill).toEqual({ job_title: 'CSM' });
  });

  test('a phone prefill is kept as typed (the form shows it; the save normalises it)', () => {
    expect(updateOf(`update ${ID} phone="(415) 555-0100"`).prefill).toEqual({
      phone: '(415) 555-0100',
    });
  });

  test.each([
    ['straight quotes', 'job_title="VP, Customer Success"'],
    ['curly quotes', 'job_title=\u201cVP, Customer Success\u201d'],
    ['two closing curly quotes', 'job_title=\u201dVP, Customer Success\u201d'],
    ['curly opening, straight closing', 'job_title=\u201cVP, Customer Success"'],
  ])('a value in %s keeps its spaces', (_what, pair) => {
    const parsed = updateOf(`update ${ID} ${pair} given_name=Priya`);
    expect(parsed.prefill).toEqual({ job_title: 'VP, Customer Success', given_name: 'Priya' });
  });

  test('a quoted value is trimmed', () => {
    expect(updateOf(`update ${ID} job_title="  CSM  "`).prefill).toEqual({ job_title: 'CSM' });
  });

  test('an = inside a value is part of it', () => {
    expect(updateOf(`update ${ID} job_title=a=b`).prefill).toEqual({ job_title: 'a=b' });
  });

  test.each(['phone=', 'phone=""', 'phone=\u201c\u201d'])(
    '%j proposes clearing the field',
    (pair) => {
      const parsed = updateOf(`update ${ID} ${pair} job_title=CSM`);
      expect(parsed.clear).toEqual(['phone']);
      expect(parsed.prefill).toEqual({ job_title: 'CSM' });
    },
  );

  test('several fields can be proposed for clearing', () => {
    expect(updateOf(`update ${ID} name= job_title= given_name=`).clear).toEqual([
      'name',
      'job_title',
      'given_name',
    ]);
  });
});

describe('parseCommand: the query', () => {
  test('is every word before the first field=value, joined by one space', () => {
    expect(parse('update  Priya   Raman  job_title=CSM phone=')).toEqual({
      kind: 'update',
      query: 'Priya Raman',
      prefill: { job_title: 'CSM' },
      clear: ['phone'],
    });
  });

  test('keeps its case and accents (the search ignores them, not the parser)', () => {
    expect(updateOf('update Siobhán ÓBrien').query).toBe('Siobhán ÓBrien');
  });

  test.each([
    ['raw', 'update priya@example.com', 'priya@example.com'],
    [
      'wrapped by Slack',
      'update <mailto:priya@example.com|priya@example.com>',
      'priya@example.com',
    ],
    ['wrapped without a label', 'update <mailto:priya@example.com>', 'priya@example.com'],
  ])('an email (%s) is a query, unwrapped to the address', (_form, text, query) => {
    expect(updateOf(text).query).toBe(query);
  });

  test('entities Slack escaped are decoded in the query', () => {
    expect(updateOf('update R&amp;D &lt;Lead&gt;').query).toBe('R&D <Lead>');
  });

  test.each(['../x', 'a/b', '?q', '#f', 'ïd', '%2e%2e', 'priya raman', '<!channel>'])(
    'is not checked as an id (%j): it may be a name; the book and the client guard ids',
    (query) => {
      expect(updateOf(`update ${query}`).query).toBe(query);
    },
  );

  test('an id with a query string reads as an unknown field "?q", not as a query', () => {
    expect(problemsOf('update ?q=1')).toEqual([expect.stringContaining('"?q"')]);
  });

  test(`up to ${MAX_QUERY_LENGTH} characters is a query; one more is a problem`, () => {
    const longest = 'x'.repeat(MAX_QUERY_LENGTH);
    expect(updateOf(`update ${longest}`).query).toBe(longest);
    expect(problemsOf(`update ${longest}y`)).toEqual([
      expect.stringContaining(
        `${MAX_QUERY_LENGTH + 1} characters long; ${MAX_QUERY_LENGTH} is the most`,
      ),
    ]);
  });

  test('the length counts the words as joined, not the spaces typed between them', () => {
    const words = `${'a'.repeat(99)}          ${'b'.repeat(100)}`;
    expect(updateOf(`update ${words}`).query).toHaveLength(MAX_QUERY_LENGTH);
  });
});

describe('parseCommand: find', () => {
  test('with nothing after it lists the most recently changed (query null)', () => {
    expect(parse('find')).toEqual({ kind: 'find', query: null });
    expect(parse('  FIND  ')).toEqual({ kind: 'find', query: null });
  });

  test('the query is every word after find', () => {
    expect(parse('find pri  ram')).toEqual({ kind: 'find', query: 'pri ram' });
    expect(parse('Find <mailto:a@b.co|a@b.co>')).toEqual({ kind: 'find', query: 'a@b.co' });
    expect(parse(`find ${ID}`)).toEqual({ kind: 'find', query: ID });
  });

  test.each([
    'find priya job_title=CSM',
    'find job_title=CSM',
    'find priya phone=',
    'find priya salary=1',
  ])('field=value in %j is a problem: find only searches', (text) => {
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^\/contact find only searches: leave out field=value/),
    ]);
  });

  test('a query that is too long is a problem for find too, with field=value as another', () => {
    const problems = problemsOf(`find ${'x'.repeat(MAX_QUERY_LENGTH + 1)} phone=1`);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/is the most/);
    expect(problems[1]).toMatch(/only searches/);
  });

  test('an unclosed quote is a problem before anything else', () => {
    expect(problemsOf('find x job_title="VP')).toEqual([
      'The quote after job_title= is not closed.',
    ]);
  });
});

describe('parseCommand: entity-escaped and raw text', () => {
  test.each([
    ['escaped', `update ${ID} job_title="R&amp;D &lt;Lead&gt;"`],
    ['raw', `update ${ID} job_title="R&D <Lead>"`],
  ])('%s & < > reach the value decoded', (_form, text) => {
    expect(updateOf(text).prefill).toEqual({ job_title: 'R&D <Lead>' });
  });

  test.each([
    ['escaped', `update ${ID} job_title=&lt;!channel&gt;`],
    ['raw', `update ${ID} job_title=<!channel>`],
  ])('a %s <!channel> is a value like any other', (_form, text) => {
    expect(updateOf(text).prefill).toEqual({ job_title: '<!channel>' });
  });

  test.each([
    ['wrapped', `update ${ID} email=<mailto:priya@example.com|priya@example.com>`],
    ['wrapped without a label', `update ${ID} email=<mailto:priya@example.com>`],
    ['quoted and wrapped', `update ${ID} email="<mailto:priya@example.com|priya@example.com>"`],
    ['raw', `update ${ID} email=priya@example.com`],
  ])('an email %s in email= is the address', (_form, text) => {
    expect(updateOf(text).prefill).toEqual({ email: 'priya@example.com' });
  });

  test('a quoted phone Slack linked is the number as typed', () => {
    expect(updateOf(`update ${ID} phone="<tel:+14155550100|+1 415 555 0100>"`).prefill).toEqual({
      phone: '+1 415 555 0100',
    });
  });
});

describe('parseCommand: history', () => {
  test('the query is every word after history, found as update finds', () => {
    expect(parse('history priya  raman')).toEqual({ kind: 'history', query: 'priya raman' });
    expect(parse('  HISTORY  Priya ')).toEqual({ kind: 'history', query: 'Priya' });
    expect(parse(`History ${ID}`)).toEqual({ kind: 'history', query: ID });
    expect(parse('history <mailto:a@b.co|a@b.co>')).toEqual({ kind: 'history', query: 'a@b.co' });
    expect(parse('history R&amp;D &lt;lead&gt;')).toEqual({
      kind: 'history',
      query: 'R&D <lead>',
    });
  });

  test('with nothing after it asks whose history', () => {
    for (const text of ['history', ' History   ']) {
      expect(problemsOf(text)).toEqual([
        'Say whose history: /contact history followed by a name, an email or an id.',
      ]);
    }
  });

  test.each(['history priya job_title=CSM', 'history priya phone=', 'history priya salary=1'])(
    'field=value in %j is a problem: history only shows what changed',
    (text) => {
      expect(problemsOf(text)).toEqual([
        '/contact history only shows what changed: leave out field=value, or use /contact update to change values.',
      ]);
    },
  );

  test('field=value without a query: both problems at once', () => {
    const problems = problemsOf('history job_title=CSM');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/only shows what changed/);
    expect(problems[1]).toMatch(/Say whose history/);
  });

  test('a query that is too long is a problem for history too', () => {
    expect(problemsOf(`history ${'x'.repeat(MAX_QUERY_LENGTH + 1)}`)).toEqual([
      expect.stringMatching(/is the most/),
    ]);
    expect(parse(`history ${'x'.repeat(MAX_QUERY_LENGTH)}`)).toEqual({
      kind: 'history',
      query: 'x'.repeat(MAX_QUERY_LENGTH),
    });
  });
});

describe('parseCommand: problems', () => {
  test('email= is a problem: email cannot be cleared', () => {
    expect(problemsOf(`update ${ID} email=`)).toEqual([
      expect.stringMatching(/email cannot be cleared/),
    ]);
  });

  test.each(['delete', 'remove', 'updat', 'show', 'search', 'finds', 'histories', 'log'])(
    'the unknown subcommand %j is named, with every command',
    (sub) => {
      const problems = problemsOf(`${sub} ${ID}`);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`"${sub}"`);
      for (const verb of ['update', 'find', 'history', 'roles', 'add <email>', 'assign']) {
        expect(problems[0]).toMatch(new RegExp(`/contact ${verb}|, ${verb}| and ${verb}`));
      }
    },
  );

  test('a field=value where the subcommand belongs is named', () => {
    expect(problemsOf('job_title=CSM')).toEqual([expect.stringContaining('"job_title=CSM"')]);
  });

  test('an unknown field is named, with the list of fields', () => {
    const problems = problemsOf(`update ${ID} salary=100 job_title=CSM`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"salary"');
    expect(problems[0]).toContain('email, given_name, family_name, name, phone, job_title');
  });

  test('a field given twice is a problem', () => {
    const problems = problemsOf(`update ${ID} job_title=CSM job_title=VP`);
    expect(problems).toEqual([expect.stringMatching(/job_title is given twice/)]);
  });

  test('a field given twice in different case is a problem', () => {
    expect(problemsOf(`update ${ID} phone= PHONE=+14155550100`)).toEqual([
      expect.stringMatching(/phone is given twice/),
    ]);
  });

  test.each([
    `update ${ID} job_title="VP, Customer Success`,
    `update ${ID} job_title=\u201cVP, Customer Success`,
  ])('an unclosed quote is a problem: %j', (text) => {
    expect(problemsOf(text)).toEqual(['The quote after job_title= is not closed.']);
  });

  test('a bare word after a field=value is not a field=value pair', () => {
    const problems = problemsOf(`update ${ID} job_title=CSM VP`);
    expect(problems).toEqual([expect.stringContaining('"VP" is not a field=value pair')]);
  });

  test('an unquoted value with spaces is caught', () => {
    const problems = problemsOf(`update ${ID} job_title=VP, Customer Success`);
    expect(problems).toEqual([
      expect.stringContaining('"Customer" is not a field=value pair'),
      expect.stringContaining('"Success" is not a field=value pair'),
    ]);
  });

  test.each([
    ['phone', 'phone=12', /^Phone \(phone\): .*valid number/],
    ['phone', 'phone="+1 415 555 0100 ext 12"', /^Phone \(phone\): .*extension/],
    ['phone', 'phone=abc', /^Phone \(phone\): /],
    ['email', 'email=not-an-email', /^Email \(email\): /],
    ['job_title', `job_title=${'x'.repeat(256)}`, /^Job title \(job_title\): .*255/],
    ['given_name', 'given_name="Ada\tL"', /^Given name \(given_name\): .*control/],
  ])('an invalid %s prefill is reported, so no form opens', (_field, pair, expected) => {
    const parsed = parse(`update ${ID} ${pair}`);
    expect(parsed).toEqual({ kind: 'invalid', problems: [expect.stringMatching(expected)] });
  });

  test('the phone prefill is checked in the default country', () => {
    expect(parseCommand(`update ${ID} phone="020 7946 0958"`, 'GB')).toEqual({
      kind: 'update',
      query: ID,
      prefill: { phone: '020 7946 0958' },
      clear: [],
    });
    expect(parseCommand(`update ${ID} phone="020 7946 0958"`, 'US').kind).toBe('invalid');
  });

  test('every problem is reported at once', () => {
    const problems = problemsOf(
      `update ${'a'.repeat(MAX_QUERY_LENGTH + 1)} phone=12 salary=1 email= stray`,
    );
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/is the most/);
    expect(problems[1]).toMatch(/^Phone/);
    expect(problems[2]).toMatch(/"salary"/);
    expect(problems[3]).toMatch(/email cannot be cleared/);
    expect(problems[4]).toMatch(/"stray" is not a field=value pair/);
  });
});

describe('parseCommand: mixed quotes', () => {
  test.each([
    ['straight then curly', 'job_title="VP, Sales”'],
    ['curly then straight', 'job_title=“VP, Sales"'],
  ])('%s close the value', (_label, pair) => {
    expect(parse(`update ${ID} ${pair}`)).toMatchObject({
      kind: 'update',
      prefill: { job_title: 'VP, Sales' },
    });
  });
});

describe('parseCommand: add, assign and roles', () => {
  test('add with nothing opens an empty form', () => {
    expect(parse('add')).toEqual({ kind: 'add', email: null, prefill: {}, role: null });
  });

  test('add takes the email as the first word, values and a role', () => {
    expect(
      parse(
        'add <mailto:new.csm@northwind.example|new.csm@northwind.example> given_name=Ada job_title="Senior CSM" role=csm',
      ),
    ).toEqual({
      kind: 'add',
      email: 'new.csm@northwind.example',
      prefill: { given_name: 'Ada', job_title: 'Senior CSM' },
      role: 'csm',
    });
  });

  test('add takes email= instead of the first word', () => {
    expect(parse('add email=ada@northwind.example')).toMatchObject({
      kind: 'add',
      email: 'ada@northwind.example',
    });
  });

  test.each([
    ['csm', 'csm'],
    ['CSM', 'csm'],
    ['co-lead', 'co_lead'],
    ['"Account manager"', 'account_manager'],
    ['practice_lead', 'practice_lead'],
  ])('add role=%s is the role %s', (typed, role) => {
    expect(parse(`add a@b.co role=${typed}`)).toMatchObject({ kind: 'add', role });
  });

  test('add refuses an unknown role and lists the roles in words', () => {
    const [problem] = problemsOf('add a@b.co role=boss');
    expect(problem).toContain('"boss" is not a role');
    expect(problem).toContain('co_lead (Co-lead)');
  });

  test('add refuses a bad email, a bad phone, two emails and a name where the email goes', () => {
    expect(problemsOf('add not-an-email')[0]).toMatch(/^Email: /);
    expect(problemsOf('add a@b.co phone=12')[0]).toMatch(/^Phone \(phone\): /);
    expect(problemsOf('add a@b.co email=c@d.co')[0]).toBe(
      'email is given twice. Give each field once.',
    );
    expect(problemsOf('add Priya Raman')[0]).toContain("takes the new contact's email");
  });

  test('assign takes an optional query and no pairs', () => {
    expect(parse('assign')).toEqual({ kind: 'assign', query: null });
    expect(parse('assign priya raman')).toEqual({ kind: 'assign', query: 'priya raman' });
    expect(problemsOf('assign priya role=csm')[0]).toContain(
      'the partner and the role go in the form',
    );
  });

  test('roles needs a query and takes no pairs', () => {
    expect(parse('roles priya')).toEqual({ kind: 'roles', query: 'priya' });
    expect(problemsOf('roles')[0]).toContain('Say whose roles');
    expect(problemsOf('roles priya role=csm')[0]).toContain('/contact roles only lists roles');
  });
});

describe('parseCommand: drift', () => {
  test('drift takes nothing after it', () => {
    expect(parse('drift')).toEqual({ kind: 'drift' });
    expect(parse('DRIFT')).toEqual({ kind: 'drift' });
    expect(problemsOf('drift priya')[0]).toContain('/contact drift takes nothing after it');
  });
});
