import { decodeSlackText, type ParsedCommand, parseCommand } from '../../src/domain/command';
import { parseMemberMention } from '../../src/domain/mention';

const ID = 'ic_7Qm2xK9a';

function parse(text: string): ParsedCommand {
  return parseCommand(text, 'US');
}

function queryOf(parsed: ParsedCommand): string | null {
  if (!('query' in parsed)) throw new Error(`expected a query, got ${JSON.stringify(parsed)}`);
  return parsed.query;
}

describe('parseMemberMention', () => {
  test.each([
    ['<@U123ABC>', 'U123ABC'],
    ['<@U123ABC|priya>', 'U123ABC'],
    ['<@U0PRIYA|priya.raman>', 'U0PRIYA'],
    ['<@W0GRID1|priya>', 'W0GRID1'],
    ['<@W0GRID1>', 'W0GRID1'],
    ['  <@U123ABC|priya>  ', 'U123ABC'],
    ['\t<@U123ABC>\n', 'U123ABC'],
    // A label with a space (a display name) or an empty label is still one mention.
    ['<@U123ABC|priya raman>', 'U123ABC'],
    ['<@U123ABC|>', 'U123ABC'],
  ])('%j names %s', (query, id) => {
    expect(parseMemberMention(query)).toBe(id);
  });

  test.each([
    '',
    '   ',
    '@priya',
    'priya',
    'U123ABC',
    '@U123ABC',
    '<@U123ABC',
    '@U123ABC>',
    '<@u123abc>',
    '<@C123ABC>',
    '<@B123ABC>',
    '<@>',
    '<@U>',
    '<@U123 ABC>',
    '<@U123-ABC>',
    '<#C123|general>',
    '<#C123>',
    '<!here>',
    '<!channel>',
    '<!subteam^S123|team>',
    '<mailto:a@b.co|a@b.co>',
    '<https://x.y|x>',
    '<@U123ABC> <@U456DEF>',
    '<@U123ABC|priya> raman',
    'priya <@U123ABC>',
    '<@U123ABC|a|b>',
    '<@U123ABC|a<b>',
    '&lt;@U123ABC&gt;',
    '<<@U123ABC>>',
  ])('%j is not one member mention', (query) => {
    expect(parseMemberMention(query)).toBeNull();
  });
});

describe('a mention in a command (should_escape: true)', () => {
  test.each(['update', 'find', 'history', 'assign', 'roles'])(
    '/contact %s <@U0PRIYA|priya> keeps the mention as the query',
    (verb) => {
      const parsed = parse(`${verb} <@U0PRIYA|priya>`);
      expect(parsed.kind).toBe(verb);
      const query = queryOf(parsed);
      expect(query).toBe('<@U0PRIYA|priya>');
      expect(parseMemberMention(query ?? '')).toBe('U0PRIYA');
    },
  );

  test.each(['update', 'find', 'history', 'assign', 'roles'])(
    '/contact %s with an Enterprise Grid id and no label',
    (verb) => {
      const query = queryOf(parse(`${verb}   <@W0GRID1>  `));
      expect(parseMemberMention(query ?? '')).toBe('W0GRID1');
    },
  );

  test('a mention whose label holds a space is still one query', () => {
    const query = queryOf(parse('update <@U0PRIYA|priya raman>'));
    expect(parseMemberMention(query ?? '')).toBe('U0PRIYA');
  });

  test('the mention is the query, and field=value after it is proposed as usual', () => {
    const parsed = parse('update <@U0PRIYA|priya> job_title="VP, Customer Success"');
    expect(parsed).toEqual({
      kind: 'update',
      query: '<@U0PRIYA|priya>',
      prefill: { job_title: 'VP, Customer Success' },
      clear: [],
    });
  });

  test('decodeSlackText leaves a mention as it is', () => {
    expect(decodeSlackText('<@U0PRIYA|priya>')).toBe('<@U0PRIYA|priya>');
    expect(decodeSlackText('<@W0GRID1>')).toBe('<@W0GRID1>');
  });

  test('two mentions are no single member', () => {
    const query = queryOf(parse('find <@U0PRIYA|priya> <@U0BOB|bob>'));
    expect(parseMemberMention(query ?? '')).toBeNull();
  });

  test('/contact add does not take a mention as its email', () => {
    const parsed = parse('add <@U0PRIYA|priya>');
    expect(parsed.kind).toBe('invalid');
  });
});

describe('a mention typed as text (should_escape: false)', () => {
  test.each(['update', 'find', 'history', 'assign', 'roles'])(
    '/contact %s @priya searches for the text @priya',
    (verb) => {
      const query = queryOf(parse(`${verb} @priya`));
      expect(query).toBe('@priya');
      expect(parseMemberMention(query ?? '')).toBeNull();
    },
  );

  test('an escaped-looking mention typed by hand is text, not a mention', () => {
    // With should_escape false, a typed "<@U123>" arrives escaped: it stays what was typed.
    const query = queryOf(parse('find &lt;@U123ABC&gt;'));
    expect(query).toBe('<@U123ABC>');
    // Decoded, it reads as a mention; the lookup by member still goes through the link, which
    // only a real member id can have.
    expect(parseMemberMention(query ?? '')).toBe('U123ABC');
  });
});

describe('other escaped forms still parse as before', () => {
  test.each<[string, string]>([
    ['<mailto:a@b.co|a@b.co>', 'a@b.co'],
    ['<mailto:a@b.co>', 'a@b.co'],
    ['<https://x.y|x>', 'x'],
    ['<http://x.y>', 'http://x.y'],
    ['<#C123|general>', '<#C123|general>'],
    ['<!here>', '<!here>'],
    ['<!channel>', '<!channel>'],
  ])('in a query, %j is %j, and no member', (raw, query) => {
    for (const verb of ['update', 'find', 'history', 'assign', 'roles']) {
      const parsed = queryOf(parse(`${verb} ${raw}`));
      expect(parsed).toBe(query);
      expect(parseMemberMention(parsed ?? '')).toBeNull();
    }
  });

  test.each<[string, string, Record<string, string>]>([
    ['email', '<mailto:a@b.co|a@b.co>', { email: 'a@b.co' }],
    ['email', '"<mailto:a@b.co|a@b.co>"', { email: 'a@b.co' }],
    ['job_title', '<https://x.y|x>', { job_title: 'x' }],
    ['job_title', '<#C123|general>', { job_title: '<#C123|general>' }],
    ['job_title', '<!here>', { job_title: '<!here>' }],
    ['job_title', '&lt;!here&gt;', { job_title: '<!here>' }],
    ['job_title', '<@U0BOB|bob>', { job_title: '<@U0BOB|bob>' }],
    ['phone', '<tel:+14155550100|+14155550100>', { phone: '+14155550100' }],
    ['phone', '"<tel:+14155550100|+1 415 555 0100>"', { phone: '+1 415 555 0100' }],
  ])('in %s=%s the value is as before', (field, value, prefill) => {
    for (const query of [ID, '<@U0PRIYA|priya>']) {
      const parsed = parse(`update ${query} ${field}=${value}`);
      expect(parsed).toEqual({ kind: 'update', query, prefill, clear: [] });
    }
  });

  test('add still unwraps its email with a mention nowhere', () => {
    expect(parse('add <mailto:new.csm@northwind.example|new.csm@northwind.example>')).toEqual({
      kind: 'add',
      email: 'new.csm@northwind.example',
      prefill: {},
      role: null,
    });
  });
});
