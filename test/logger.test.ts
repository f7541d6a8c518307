import { LogLevel } from '@slack/bolt';
import { createLogger, toBoltLogger } from '../src/logger';

const SECRET = 'xoxb-REDACTME-0b1c2d3e';

function memory() {
  const lines: string[] = [];
  return {
    lines,
    stream: { write: (line: string) => void lines.push(line) },
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  test('writes one JSON line per record, with level label, time and service', () => {
    const out = memory();
    createLogger('info', out.stream).info({ contactId: 'ic_1' }, 'saved');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]?.endsWith('\n')).toBe(true);
    const [record] = out.records();
    expect(record).toMatchObject({
      level: 'info',
      service: 'contact-bot',
      contactId: 'ic_1',
      msg: 'saved',
    });
    expect(Number.isNaN(Date.parse(String(record?.time)))).toBe(false);
  });

  test('honours the level', () => {
    const out = memory();
    const logger = createLogger('warn', out.stream);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(out.records().map((r) => r.msg)).toEqual(['w', 'e']);
  });

  test('redacts token, authorization, headers.authorization and response_url', () => {
    const out = memory();
    createLogger('info', out.stream).info(
      {
        token: SECRET,
        authorization: `Bearer ${SECRET}`,
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        response_url: `https://hooks.slack.com/commands/T1/2/${SECRET}`,
        contactId: 'ic_1',
      },
      'request',
    );
    expect(out.lines.join('')).not.toContain(SECRET);
    expect(out.records()[0]).toMatchObject({
      token: '[redacted]',
      authorization: '[redacted]',
      headers: { authorization: '[redacted]', 'content-type': 'application/json' },
      response_url: '[redacted]',
      contactId: 'ic_1',
      msg: 'request',
    });
  });

  test('redacts the other listed secret paths', () => {
    const out = memory();
    createLogger('info', out.stream).info(
      {
        botToken: SECRET,
        appToken: SECRET,
        signingSecret: SECRET,
        Authorization: SECRET,
        headers: { Authorization: SECRET },
        req: { headers: { authorization: SECRET } },
        err: { config: { headers: { Authorization: SECRET } } },
        slack: { token: SECRET, response_url: SECRET, responseUrl: SECRET },
        responseUrl: SECRET,
      },
      'everything',
    );
    expect(out.lines.join('')).not.toContain(SECRET);
    expect(out.records()[0]).toMatchObject({
      botToken: '[redacted]',
      appToken: '[redacted]',
      signingSecret: '[redacted]',
      Authorization: '[redacted]',
      headers: { Authorization: '[redacted]' },
      req: { headers: { authorization: '[redacted]' } },
      err: { config: { headers: { Authorization: '[redacted]' } } },
      slack: { token: '[redacted]', response_url: '[redacted]', responseUrl: '[redacted]' },
      responseUrl: '[redacted]',
    });
  });

  test('redaction applies to child loggers and their bindings', () => {
    const out = memory();
    const child = createLogger('info', out.stream).child({ token: SECRET });
    child.info({ authorization: SECRET }, 'child');
    expect(out.lines.join('')).not.toContain(SECRET);
  });
});

describe('toBoltLogger', () => {
  test('maps Bolt levels and writes JSON lines tagged as bolt', () => {
    const out = memory();
    const bolt = toBoltLogger(createLogger('debug', out.stream));
    bolt.debug('a debug line');
    bolt.info('an info line');
    bolt.warn('a warning');
    bolt.error('an error');
    expect(out.records().map((r) => [r.level, r.msg, r.component])).toEqual([
      ['debug', 'a debug line', 'bolt'],
      // Bolt's own info lines describe Bolt, not the bot: they are demoted.
      ['debug', 'an info line', 'bolt'],
      ['warn', 'a warning', 'bolt'],
      ['error', 'an error', 'bolt'],
    ]);
    for (const record of out.records()) expect(record.service).toBe('contact-bot');
  });

  test('joins printf-style arguments and describes errors by name, code and message', () => {
    const out = memory();
    const bolt = toBoltLogger(createLogger('debug', out.stream));
    const error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    bolt.error('request failed', error, 42);
    expect(out.records()[0]?.msg).toBe('request failed Error ECONNRESET: socket hang up number');
  });

  test('objects are not dumped, so tokens inside them stay out', () => {
    const out = memory();
    const bolt = toBoltLogger(createLogger('debug', out.stream));
    bolt.warn('call', { token: SECRET, headers: { Authorization: `Bearer ${SECRET}` } });
    expect(out.lines.join('')).not.toContain(SECRET);
    expect(out.records()[0]?.msg).toBe('call object');
  });

  test('info lines are dropped at the default info level', () => {
    const out = memory();
    const bolt = toBoltLogger(createLogger('info', out.stream));
    bolt.debug('d');
    bolt.info('i');
    bolt.warn('w');
    expect(out.records().map((r) => r.msg)).toEqual(['w']);
  });

  test('setLevel and getLevel round-trip', () => {
    const out = memory();
    const logger = createLogger('info', out.stream);
    const bolt = toBoltLogger(logger);
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
    for (const level of [LogLevel.DEBUG, LogLevel.WARN, LogLevel.ERROR, LogLevel.INFO]) {
      bolt.setLevel(level);
      expect(bolt.getLevel()).toBe(level);
    }
    bolt.setLevel(LogLevel.ERROR);
    bolt.warn('hidden');
    bolt.error('shown');
    expect(out.records().map((r) => r.msg)).toEqual(['shown']);
    // Only Bolt's child changes level, not the app's logger.
    expect(logger.level).toBe('info');
    bolt.setName('ignored');
  });
});

describe('errors in logs', () => {
  test('an unexpected error is logged with its message and stack (pino err serializer)', () => {
    const out = memory();
    const error = new TypeError('cannot read properties of undefined');
    createLogger('info', out.stream).error({ err: error }, 'save failed: a bug in the bot');
    const [record] = out.records();
    const err = record?.err as { type: string; message: string; stack: string };
    expect(err.type).toBe('TypeError');
    expect(err.message).toBe('cannot read properties of undefined');
    expect(err.stack).toContain('logger.test.ts');
  });

  test('redaction still holds inside a logged error', () => {
    const out = memory();
    const error = Object.assign(new Error('request failed'), {
      config: { headers: { Authorization: `Bearer ${SECRET}` } },
    });
    createLogger('info', out.stream).error({ err: error }, 'request failed');
    expect(out.lines.join('\n')).not.toContain(SECRET);
    expect(out.records()[0]?.err).toMatchObject({ message: 'request failed' });
  });
});
