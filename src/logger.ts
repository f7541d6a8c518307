import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import pino, { type DestinationStream } from 'pino';

export type Logger = pino.Logger;

/**
 * Exact paths, because pino's redaction is case-sensitive and does not search.
 * Contact values are kept out by never logging them at all; these catch secrets
 * that reach a log through an error or a request object.
 */
export const REDACT_PATHS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  'req.headers.authorization',
  'config.headers.Authorization',
  'err.config.headers.Authorization',
  'response_url',
  'responseUrl',
  '*.token',
  '*.response_url',
  '*.responseUrl',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'contact-bot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

const BOLT_TO_PINO: Record<LogLevel, pino.Level> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/**
 * Bolt and its WebClient log with printf-style arguments; this keeps their lines in
 * the same JSON stream. Their info lines are demoted to debug: they describe Bolt, not the bot.
 */
export function toBoltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  const write =
    (level: pino.Level) =>
    (...messages: unknown[]) => {
      child[level](messages.map((m) => (typeof m === 'string' ? m : safeDescribe(m))).join(' '));
    };
  return {
    debug: write('debug'),
    info: write('debug'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (level: LogLevel) => {
      child.level = BOLT_TO_PINO[level];
    },
    getLevel: () => {
      const entry = Object.entries(BOLT_TO_PINO).find(([, pinoLevel]) => pinoLevel === child.level);
      return (entry?.[0] as LogLevel | undefined) ?? LogLevel.INFO;
    },
    setName: () => {},
  };
}

// Bolt passes errors and request objects; only their names and messages are worth a line.
function safeDescribe(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as Error & { code?: unknown }).code;
    return `${value.name}${typeof code === 'string' ? ` ${code}` : ''}: ${value.message}`;
  }
  return typeof value;
}
