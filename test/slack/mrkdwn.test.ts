import {
  channelMention,
  escapeMrkdwn,
  escapeToFit,
  fitMrkdwn,
  slackDate,
  truncate,
  userMention,
} from '../../src/slack/mrkdwn';

describe('escapeMrkdwn', () => {
  test.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here>', '&lt;!here&gt;'],
    ['<!subteam^S123>', '&lt;!subteam^S123&gt;'],
    ['<@U1>', '&lt;@U1&gt;'],
    ['<#C1>', '&lt;#C1&gt;'],
    ['<https://evil|bank>', '&lt;https://evil|bank&gt;'],
    ['&', '&amp;'],
    ['&lt;', '&amp;lt;'],
    ['R&D <Lead> & co', 'R&amp;D &lt;Lead&gt; &amp; co'],
  ])('%j becomes %j', (raw, escaped) => {
    expect(escapeMrkdwn(raw)).toBe(escaped);
  });

  test.each(['*bold*', '_it_', '~s~', '`code`', '"q" \'a\'', 'Zoë 😀', ''])(
    'everything else (%j) is left alone',
    (text) => {
      expect(escapeMrkdwn(text)).toBe(text);
    },
  );

  test('escaped text holds no < or >, and every & starts an entity', () => {
    const escaped = escapeMrkdwn('<<&>>&amp;<!channel|x>');
    expect(escaped).not.toMatch(/[<>]/);
    expect(escaped).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });
});

describe('slackDate', () => {
  test('a date token with the epoch seconds and a UTC fallback', () => {
    expect(slackDate('2025-03-14T09:26:53.589Z')).toBe(
      '<!date^1741944413^{date_short_pretty} at {time}|2025-03-14 09:26 UTC>',
    );
  });

  test('an offset time is converted to UTC', () => {
    expect(slackDate('2025-03-14T10:26:53+01:00')).toBe(
      '<!date^1741944413^{date_short_pretty} at {time}|2025-03-14 09:26 UTC>',
    );
  });

  test('a time without fractional seconds', () => {
    expect(slackDate('2024-01-01T00:00:00Z')).toBe(
      '<!date^1704067200^{date_short_pretty} at {time}|2024-01-01 00:00 UTC>',
    );
  });

  test.each(['not a date', '<!channel>', ''])('an unreadable date %j is shown escaped', (text) => {
    expect(slackDate(text)).toBe(escapeMrkdwn(text));
    expect(slackDate(text)).not.toContain('<');
  });
});

describe('userMention', () => {
  test.each(['U123ABC', 'W0123', 'U1'])('a real user id %j is a mention', (id) => {
    expect(userMention(id)).toBe(`<@${id}>`);
  });

  test.each([
    ['a channel keyword', '!channel', '!channel'],
    ['markup', '<!channel>', '&lt;!channel&gt;'],
    ['a closing bracket', 'U123>', 'U123&gt;'],
    ['a label', 'U123|boss', 'U123|boss'],
    ['lower case', 'u123', 'u123'],
    ['a channel id', 'C123', 'C123'],
    ['empty', '', ''],
    ['only the prefix', 'U', 'U'],
  ])('%s (%j) is not a mention', (_what, id, shown) => {
    expect(userMention(id)).toBe(shown);
    expect(userMention(id)).not.toContain('<');
  });
});

describe('channelMention', () => {
  test.each(['C123', 'G0ABC'])('a channel id %j is a channel link', (id) => {
    expect(channelMention(id)).toBe(`<#${id}>`);
  });

  test.each(['D123', 'U123', '<!channel>', 'c123', ''])('%j is "this conversation"', (id) => {
    expect(channelMention(id)).toBe('this conversation');
  });
});

describe('truncate', () => {
  test('text within the limit is unchanged', () => {
    expect(truncate('abc', 3)).toBe('abc');
  });

  test('longer text is cut to the limit with a visible mark', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect([...truncate('x'.repeat(3001), 3000)]).toHaveLength(3000);
  });

  test('counts code points and never splits a surrogate pair', () => {
    expect(truncate('😀😀😀', 3)).toBe('😀😀😀');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });
});

describe('escapeToFit and fitMrkdwn', () => {
  test('escape first, then cut: the result stays within the limit', () => {
    const fitted = escapeToFit('<'.repeat(2000), 2900);
    expect([...fitted].length).toBeLessThanOrEqual(2900);
    expect(fitted).not.toContain('<');
  });

  test('never leaves half an entity at the cut', () => {
    const fitted = fitMrkdwn(`${'a'.repeat(8)}&amp;&amp;`, 11);
    expect(fitted).toBe(`${'a'.repeat(8)}…`);
  });

  test('short text is unchanged', () => {
    expect(escapeToFit('R&D', 100)).toBe('R&amp;D');
  });
});
