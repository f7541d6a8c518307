import { ConfigError, loadConfig } from '../src/config';

// Distinctive secret values: none of them may ever appear in a problem line.
const BOT_TOKEN = 'xoxb-1111-SECRETBOT-a9f8e7';
const SIGNING_SECRET = 'SECRETSIGN-5c1d0e9b8a7f';
const APP_TOKEN = 'xapp-1-SECRETAPP-b2c3d4';
const STUUT_TOKEN = 'SECRETSTUUT-sk_live_77aa';
const SECRETS = [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, STUUT_TOKEN];

const HTTP_ENV: NodeJS.ProcessEnv = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  STUUT_API_URL: 'https://api.stuut.example',
  STUUT_API_TOKEN: STUUT_TOKEN,
};

const SOCKET_ENV: NodeJS.ProcessEnv = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_APP_TOKEN: APP_TOKEN,
  STUUT_API_URL: 'https://api.stuut.example',
  STUUT_API_TOKEN: STUUT_TOKEN,
};

function env(base: NodeJS.ProcessEnv, changes: Record<string, string | undefined>) {
  const result: NodeJS.ProcessEnv = { ...base };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** The problem lines of a configuration that must fail; also checks no secret is printed. */
function problemsOf(environment: NodeJS.ProcessEnv, extraSecrets: string[] = []): string[] {
  let caught: unknown;
  try {
    loadConfig(environment);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  const error = caught as ConfigError;
  for (const line of error.problems) expect(line).not.toContain('\n');
  for (const secret of [...SECRETS, ...extraSecrets]) {
    for (const text of [...error.problems, error.message, String(error)]) {
      expect(text).not.toContain(secret);
    }
  }
  return [...error.problems];
}

function expectOneLineNaming(lines: string[], name: string): void {
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${name}: \\S`));
}

describe('valid configurations', () => {
  test('HTTP mode with the defaults', () => {
    expect(loadConfig(HTTP_ENV)).toEqual({
      mode: 'http',
      botToken: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      slackApiUrl: 'https://slack.com/api/',
      stuutApiUrl: 'https://api.stuut.example',
      stuutApiToken: STUUT_TOKEN,
      contactUpdatesChannel: null,
      contactEditors: null,
      defaultPhoneCountry: 'US',
      port: 3000,
      logLevel: 'info',
      book: { engine: 'sqlite', path: 'data/contact-book.sqlite' },
      historyDays: 365,
      notifySubject: false,
      undoMinutes: 60,
      ephemeralDisk: false,
    });
  });

  test('Socket Mode is selected by SLACK_APP_TOKEN; no signing secret needed', () => {
    const config = loadConfig(SOCKET_ENV);
    expect(config.mode).toBe('socket');
    expect(config).toMatchObject({ appToken: APP_TOKEN, botToken: BOT_TOKEN });
    expect(config).not.toHaveProperty('signingSecret');
  });

  test('Socket Mode binds no port unless PORT is set, and then only for /healthz', () => {
    expect(loadConfig(SOCKET_ENV)).toMatchObject({ mode: 'socket', healthPort: null });
    expect(loadConfig(SOCKET_ENV)).not.toHaveProperty('port');
    expect(loadConfig({ ...SOCKET_ENV, PORT: '8080' })).toMatchObject({ healthPort: 8080 });
  });

  test('DATABASE_URL chooses PostgreSQL; the password never reaches what is shown', () => {
    const config = loadConfig({
      ...HTTP_ENV,
      DATABASE_URL: 'postgres://bot:S3CRET-pw@db.example:5432/contacts?sslmode=no-verify',
      CONTACT_BOOK_PATH: '/var/lib/bot/book.sqlite',
    });
    expect(config.book).toEqual({
      engine: 'postgres',
      url: 'postgres://bot:S3CRET-pw@db.example:5432/contacts?sslmode=no-verify',
      shown: 'postgres://bot:***@db.example:5432/contacts?sslmode=no-verify',
    });
  });

  test('CONTACT_BOOK_PATH moves the SQLite file; DYNO marks the disk as ephemeral', () => {
    expect(
      loadConfig({ ...HTTP_ENV, CONTACT_BOOK_PATH: '/var/lib/bot/book.sqlite', DYNO: 'web.1' }),
    ).toMatchObject({
      book: { engine: 'sqlite', path: '/var/lib/bot/book.sqlite' },
      ephemeralDisk: true,
    });
  });

  test.each([
    'mysql://bot:S3CRET-pw@db.example/contacts',
    'postgres://bot:S3CRET-pw@',
    'not a url S3CRET-pw',
  ])('DATABASE_URL %s is refused with one line naming it, never its value', (url) => {
    const lines = problemsOf({ ...HTTP_ENV, DATABASE_URL: url });
    expectOneLineNaming(lines, 'DATABASE_URL');
    expect(lines[0]).not.toContain('S3CRET-pw');
  });

  test('SLACK_APP_TOKEN wins over a signing secret', () => {
    const config = loadConfig({ ...SOCKET_ENV, SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect(config.mode).toBe('socket');
  });

  test('every optional variable is read', () => {
    const config = loadConfig({
      ...HTTP_ENV,
      CONTACT_UPDATES_CHANNEL: 'C0123ABCD',
      DEFAULT_PHONE_COUNTRY: 'gb',
      PORT: '8080',
      LOG_LEVEL: 'debug',
      SLACK_API_URL: 'http://127.0.0.1:4000/api/',
    });
    expect(config).toMatchObject({
      contactUpdatesChannel: 'C0123ABCD',
      defaultPhoneCountry: 'GB',
      port: 8080,
      logLevel: 'debug',
      slackApiUrl: 'http://127.0.0.1:4000/api/',
    });
  });

  test('a private channel id (G…) is accepted', () => {
    expect(
      loadConfig({ ...HTTP_ENV, CONTACT_UPDATES_CHANNEL: 'G0ABC123' }).contactUpdatesChannel,
    ).toBe('G0ABC123');
  });

  test.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])(
    'LOG_LEVEL %s is accepted',
    (level) => {
      expect(loadConfig({ ...HTTP_ENV, LOG_LEVEL: level }).logLevel).toBe(level);
    },
  );

  test.each([
    ['https://api.stuut.example/', 'https://api.stuut.example'],
    ['https://api.stuut.example//', 'https://api.stuut.example'],
    ['https://gw.example/stuut/', 'https://gw.example/stuut'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
  ])('STUUT_API_URL %s becomes %s', (value, expected) => {
    expect(loadConfig({ ...HTTP_ENV, STUUT_API_URL: value }).stuutApiUrl).toBe(expected);
  });

  test.each([
    ['http://127.0.0.1:4000/api', 'http://127.0.0.1:4000/api/'],
    ['http://127.0.0.1:4000/api/', 'http://127.0.0.1:4000/api/'],
    ['https://slack.com/api', 'https://slack.com/api/'],
  ])('SLACK_API_URL %s becomes %s', (value, expected) => {
    expect(loadConfig({ ...HTTP_ENV, SLACK_API_URL: value }).slackApiUrl).toBe(expected);
  });

  test('surrounding spaces are trimmed', () => {
    const config = loadConfig({
      ...HTTP_ENV,
      SLACK_BOT_TOKEN: ` ${BOT_TOKEN} `,
      STUUT_API_URL: ' https://api.stuut.example/ ',
    });
    expect(config.botToken).toBe(BOT_TOKEN);
    expect(config.stuutApiUrl).toBe('https://api.stuut.example');
  });

  test('an empty string is treated as unset', () => {
    const config = loadConfig({
      ...HTTP_ENV,
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: '',
      CONTACT_UPDATES_CHANNEL: '',
      DEFAULT_PHONE_COUNTRY: '',
      PORT: '',
      LOG_LEVEL: '',
    });
    expect(config).toMatchObject({
      mode: 'http',
      slackApiUrl: 'https://slack.com/api/',
      contactUpdatesChannel: null,
      defaultPhoneCountry: 'US',
      port: 3000,
      logLevel: 'info',
    });
  });

  test('an empty required variable is reported as missing', () => {
    const lines = problemsOf({ ...HTTP_ENV, STUUT_API_TOKEN: '' });
    expectOneLineNaming(lines, 'STUUT_API_TOKEN');
    expect(lines[0]).toMatch(/required/);
  });

  test('an empty SLACK_APP_TOKEN does not select Socket Mode', () => {
    const lines = problemsOf(env(SOCKET_ENV, { SLACK_APP_TOKEN: '' }));
    expectOneLineNaming(lines, 'SLACK_SIGNING_SECRET');
  });

  test('the result is frozen', () => {
    const config = loadConfig(HTTP_ENV);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  test('other environment variables are ignored', () => {
    expect(() => loadConfig({ ...HTTP_ENV, PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
  });
});

describe('one line per problem, naming the variable', () => {
  test.each<[string, NodeJS.ProcessEnv]>([
    ['SLACK_BOT_TOKEN', env(HTTP_ENV, { SLACK_BOT_TOKEN: undefined })],
    ['SLACK_BOT_TOKEN', env(HTTP_ENV, { SLACK_BOT_TOKEN: 'xoxp-user-SECRETUSER-1' })],
    ['SLACK_BOT_TOKEN', env(HTTP_ENV, { SLACK_BOT_TOKEN: 'SECRETNOPREFIX-2' })],
    ['SLACK_BOT_TOKEN', env(HTTP_ENV, { SLACK_BOT_TOKEN: '   ' })],
    ['SLACK_SIGNING_SECRET', env(HTTP_ENV, { SLACK_SIGNING_SECRET: undefined })],
    ['SLACK_APP_TOKEN', env(SOCKET_ENV, { SLACK_APP_TOKEN: 'xoxb-SECRETWRONG-3' })],
    ['STUUT_API_URL', env(HTTP_ENV, { STUUT_API_URL: undefined })],
    ['STUUT_API_URL', env(HTTP_ENV, { STUUT_API_URL: 'not a url' })],
    ['STUUT_API_URL', env(HTTP_ENV, { STUUT_API_URL: 'api.stuut.example' })],
    ['STUUT_API_URL', env(HTTP_ENV, { STUUT_API_URL: 'ftp://api.stuut.example' })],
    ['STUUT_API_URL', env(HTTP_ENV, { STUUT_API_URL: 'https://api.stuut.example/v2' })],
    ['STUUT_API_URL', env(HTTP_ENV, { STUUT_API_URL: 'https://api.stuut.example/v2/' })],
    ['STUUT_API_URL', env(HTTP_ENV, { STUUT_API_URL: 'https://api.stuut.example/?k=v' })],
    ['STUUT_API_TOKEN', env(HTTP_ENV, { STUUT_API_TOKEN: undefined })],
    ['CONTACT_UPDATES_CHANNEL', env(HTTP_ENV, { CONTACT_UPDATES_CHANNEL: '#ops' })],
    ['CONTACT_UPDATES_CHANNEL', env(HTTP_ENV, { CONTACT_UPDATES_CHANNEL: 'ops' })],
    ['CONTACT_UPDATES_CHANNEL', env(HTTP_ENV, { CONTACT_UPDATES_CHANNEL: 'U0123ABCD' })],
    ['DEFAULT_PHONE_COUNTRY', env(HTTP_ENV, { DEFAULT_PHONE_COUNTRY: 'XX' })],
    ['DEFAULT_PHONE_COUNTRY', env(HTTP_ENV, { DEFAULT_PHONE_COUNTRY: 'USA' })],
    ['PORT', env(HTTP_ENV, { PORT: 'abc' })],
    ['PORT', env(HTTP_ENV, { PORT: '70000' })],
    ['PORT', env(HTTP_ENV, { PORT: '-1' })],
    ['PORT', env(HTTP_ENV, { PORT: '80.5' })],
    ['LOG_LEVEL', env(HTTP_ENV, { LOG_LEVEL: 'loud' })],
    ['SLACK_API_URL', env(HTTP_ENV, { SLACK_API_URL: 'slack' })],
  ])('%s: %j', (name, environment) => {
    expectOneLineNaming(problemsOf(environment), name);
  });

  test('several problems give several lines', () => {
    const lines = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-SECRETUSER-9',
      STUUT_API_URL: 'https://api.stuut.example/v2',
      CONTACT_UPDATES_CHANNEL: '#ops',
      DEFAULT_PHONE_COUNTRY: 'XX',
      PORT: '70000',
      LOG_LEVEL: 'loud',
    });
    const names = lines.map((line) => line.split(':', 1)[0]).sort();
    expect(names).toEqual(
      [
        'CONTACT_UPDATES_CHANNEL',
        'DEFAULT_PHONE_COUNTRY',
        'LOG_LEVEL',
        'PORT',
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'STUUT_API_TOKEN',
        'STUUT_API_URL',
      ].sort(),
    );
  });

  test('an empty environment names every required variable', () => {
    const names = problemsOf({}).map((line) => line.split(':', 1)[0]);
    expect(names.sort()).toEqual(
      ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'STUUT_API_TOKEN', 'STUUT_API_URL'].sort(),
    );
  });

  test('the error message holds every problem line', () => {
    let caught: unknown;
    try {
      loadConfig({ ...HTTP_ENV, PORT: 'abc', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    const error = caught as ConfigError;
    expect(error.problems).toHaveLength(2);
    for (const line of error.problems) expect(error.message).toContain(line);
  });
});

describe('secrets stay out of the problem lines', () => {
  test.each<[string, Record<string, string | undefined>]>([
    ['a user token as bot token', { SLACK_BOT_TOKEN: 'xoxp-LEAKBOT-123456' }],
    ['a bot token as app token', { SLACK_APP_TOKEN: 'xoxb-LEAKAPP-654321' }],
    ['a blank signing secret', { SLACK_SIGNING_SECRET: '   ' }],
    ['a blank Stuut token', { STUUT_API_TOKEN: '  \t ' }],
    ['credentials in a bad URL', { STUUT_API_URL: 'https://user:LEAKPASS@api.stuut.example/v2' }],
    ['a token pasted as the channel', { CONTACT_UPDATES_CHANNEL: 'xoxb-LEAKCHAN-1' }],
    ['a token pasted as the port', { PORT: 'LEAKPORT-xoxb' }],
    ['a token pasted as the log level', { LOG_LEVEL: 'LEAKLEVEL-xoxb' }],
  ])('%s', (_what, changes) => {
    const values = Object.values(changes).filter(
      (value): value is string => value !== undefined && value.trim() !== '',
    );
    const lines = problemsOf(env(HTTP_ENV, changes), values);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/LEAK/);
  });
});

describe('CONTACT_EDITORS', () => {
  const editors = (value: string | undefined) =>
    loadConfig(env(HTTP_ENV, { CONTACT_EDITORS: value })).contactEditors;

  test('unset or empty: null, every full member may edit', () => {
    expect(editors(undefined)).toBeNull();
    expect(editors('')).toBeNull();
  });

  test('user ids (U…, W…) and user-group ids (S…), split into users and groups', () => {
    expect(editors('U0123ABCD,W0456EFGH,S0789IJKL')).toEqual({
      users: ['U0123ABCD', 'W0456EFGH'],
      groups: ['S0789IJKL'],
    });
  });

  test('whitespace, line breaks, repeats and stray commas are tolerated', () => {
    expect(editors(' U0ALICE , S0EDITORS,\n U0BOB,, U0ALICE ,')).toEqual({
      users: ['U0ALICE', 'U0BOB'],
      groups: ['S0EDITORS'],
    });
  });

  test('the lists are frozen with the rest of the configuration', () => {
    const list = editors('U0ALICE,S0EDITORS');
    expect(Object.isFrozen(list)).toBe(true);
    expect(Object.isFrozen(list?.users)).toBe(true);
    expect(Object.isFrozen(list?.groups)).toBe(true);
  });

  test.each([
    ['alice'],
    ['@alice'],
    ['<@U0ALICE>'],
    ['u0alice'],
    ['C0OPS'],
    ['#ops'],
    ['alice@example.com'],
  ])('%s is refused, named in one line', (entry) => {
    const lines = problemsOf(env(HTTP_ENV, { CONTACT_EDITORS: `U0ALICE, ${entry}` }));
    expectOneLineNaming(lines, 'CONTACT_EDITORS');
    expect(lines[0]).toContain(JSON.stringify(entry));
    expect(lines[0]).toMatch(/user id \(U…, W…\) or user-group id \(S…\)/);
  });

  test('each bad entry is its own line', () => {
    const lines = problemsOf(env(HTTP_ENV, { CONTACT_EDITORS: 'bob,U0ALICE,carol' }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^CONTACT_EDITORS: "bob" /);
    expect(lines[1]).toMatch(/^CONTACT_EDITORS: "carol" /);
  });

  test('a very long entry is cut in the problem line', () => {
    const lines = problemsOf(env(HTTP_ENV, { CONTACT_EDITORS: 'x'.repeat(500) }));
    expectOneLineNaming(lines, 'CONTACT_EDITORS');
    expect(lines[0]!.length).toBeLessThan(200);
  });

  test('a value that lists no one is a mistake, not "nobody may edit"', () => {
    const lines = problemsOf(env(HTTP_ENV, { CONTACT_EDITORS: ' , ,' }));
    expectOneLineNaming(lines, 'CONTACT_EDITORS');
    expect(lines[0]).toContain('leave it unset');
  });

  test('reported together with other problems', () => {
    const lines = problemsOf(env(HTTP_ENV, { CONTACT_EDITORS: 'bob', STUUT_API_TOKEN: undefined }));
    expect(lines.map((line) => line.split(':', 1)[0]).sort()).toEqual([
      'CONTACT_EDITORS',
      'STUUT_API_TOKEN',
    ]);
  });
});

describe('CONTACT_HISTORY_DAYS and CONTACT_UNDO_MINUTES', () => {
  test('unset or empty: history kept 365 days, Undo usable for 60 minutes', () => {
    expect(loadConfig(HTTP_ENV)).toMatchObject({ historyDays: 365, undoMinutes: 60 });
    expect(
      loadConfig(env(HTTP_ENV, { CONTACT_HISTORY_DAYS: '', CONTACT_UNDO_MINUTES: '' })),
    ).toMatchObject({ historyDays: 365, undoMinutes: 60 });
  });

  test('whole numbers are read, surrounding spaces trimmed', () => {
    expect(
      loadConfig(env(HTTP_ENV, { CONTACT_HISTORY_DAYS: ' 30 ', CONTACT_UNDO_MINUTES: '15\n' })),
    ).toMatchObject({ historyDays: 30, undoMinutes: 15 });
    expect(
      loadConfig(env(SOCKET_ENV, { CONTACT_HISTORY_DAYS: '36500', CONTACT_UNDO_MINUTES: '1' })),
    ).toMatchObject({ historyDays: 36_500, undoMinutes: 1 });
  });

  test.each([
    ['CONTACT_HISTORY_DAYS', 'abc'],
    ['CONTACT_HISTORY_DAYS', '0'],
    ['CONTACT_HISTORY_DAYS', '-1'],
    ['CONTACT_HISTORY_DAYS', '1.5'],
    ['CONTACT_HISTORY_DAYS', '1e3'],
    ['CONTACT_HISTORY_DAYS', '36501'],
    ['CONTACT_UNDO_MINUTES', 'ten'],
    ['CONTACT_UNDO_MINUTES', '0'],
    ['CONTACT_UNDO_MINUTES', '-5'],
    ['CONTACT_UNDO_MINUTES', '2.5'],
    ['CONTACT_UNDO_MINUTES', '525601'],
  ])('%s=%j is one line naming the variable', (name, value) => {
    const lines = problemsOf(env(HTTP_ENV, { [name]: value }));
    expectOneLineNaming(lines, name);
    expect(lines[0]).toMatch(/whole number|from \d+ to \d+/);
  });

  test('Undo must be shorter than the history kept: an undo needs the change it takes back', () => {
    // One day of history: 1439 minutes is shorter, 1440 is not.
    expect(
      loadConfig(env(HTTP_ENV, { CONTACT_HISTORY_DAYS: '1', CONTACT_UNDO_MINUTES: '1439' })),
    ).toMatchObject({ historyDays: 1, undoMinutes: 1439 });
    const lines = problemsOf(
      env(HTTP_ENV, { CONTACT_HISTORY_DAYS: '1', CONTACT_UNDO_MINUTES: '1440' }),
    );
    expectOneLineNaming(lines, 'CONTACT_UNDO_MINUTES');
    expect(lines[0]).toContain('shorter than the history kept');
    expect(lines[0]).toContain('CONTACT_HISTORY_DAYS is 1 days');
  });

  test('the rule holds against the default history too (365 days = 525600 minutes)', () => {
    expect(loadConfig(env(HTTP_ENV, { CONTACT_UNDO_MINUTES: '525599' })).undoMinutes).toBe(525_599);
    expectOneLineNaming(
      problemsOf(env(HTTP_ENV, { CONTACT_UNDO_MINUTES: '525600' })),
      'CONTACT_UNDO_MINUTES',
    );
    // A shorter history makes the default window too long.
    expect(loadConfig(env(HTTP_ENV, { CONTACT_HISTORY_DAYS: '1' })).undoMinutes).toBe(60);
  });

  test('reported together with other problems; a bad number is not also called too long', () => {
    const lines = problemsOf(
      env(HTTP_ENV, { CONTACT_HISTORY_DAYS: 'soon', CONTACT_UNDO_MINUTES: '100000', PORT: 'x' }),
    );
    expect(lines.map((line) => line.split(':', 1)[0]).sort()).toEqual([
      'CONTACT_HISTORY_DAYS',
      'PORT',
    ]);
  });
});

describe('CONTACT_NOTIFY_SUBJECT', () => {
  test('is off by default and when empty', () => {
    expect(loadConfig(env(HTTP_ENV, {})).notifySubject).toBe(false);
    expect(loadConfig(env(HTTP_ENV, { CONTACT_NOTIFY_SUBJECT: '' })).notifySubject).toBe(false);
  });

  test.each([
    ['true', true],
    [' TRUE ', true],
    ['false', false],
  ])('%j is %s', (value, expected) => {
    expect(loadConfig(env(HTTP_ENV, { CONTACT_NOTIFY_SUBJECT: value })).notifySubject).toBe(
      expected,
    );
  });

  test('anything else is a problem naming the variable', () => {
    expect(() => loadConfig(env(HTTP_ENV, { CONTACT_NOTIFY_SUBJECT: 'yes' }))).toThrow(
      /CONTACT_NOTIFY_SUBJECT: must be true or false/,
    );
  });
});
