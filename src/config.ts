import type { CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';
import { isPhoneCountry } from './domain/phone';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// An empty variable (common in .env files and platform dashboards) means "not set".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '';
      } catch {
        return false;
      }
    }, `must be an http(s) URL (${what})`);

/** A whole number in [min, max], as environment text. */
function wholeNumber(what: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be ${what} (a whole number)`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be ${what} from ${min} to ${max}`);
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const USER_GROUP_ID = /^S[A-Z0-9]{2,}$/;

/** Who may update contacts: Slack user ids and user-group ids. */
export interface ContactEditors {
  users: string[];
  groups: string[];
}

// Ids are not secrets, so a bad entry is named; long ones are cut to keep the line readable.
const contactEditors = z.string().transform((value, ctx): ContactEditors => {
  const entries = [...new Set(value.split(/[\s,]+/).filter(Boolean))];
  const users: string[] = [];
  const groups: string[] = [];
  if (entries.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'lists no one; leave it unset to let every full member of the workspace edit',
    });
  }
  for (const entry of entries) {
    if (USER_ID.test(entry)) users.push(entry);
    else if (USER_GROUP_ID.test(entry)) groups.push(entry);
    else {
      const shown = entry.length > 40 ? `${entry.slice(0, 40)}…` : entry;
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(shown)} is not a Slack user id (U…, W…) or user-group id (S…); copy the id from the profile, not the name`,
      });
    }
  }
  return { users, groups };
});

/** Where the contact book lives: a SQLite file by default, PostgreSQL when DATABASE_URL is set. */
export type BookLocation =
  | { engine: 'sqlite'; path: string }
  | {
      engine: 'postgres';
      url: string /** DATABASE_URL without its password, for messages. */;
      shown: string;
    };

export const DEFAULT_BOOK_PATH = 'data/contact-book.sqlite';

const BookEnvShape = {
  CONTACT_BOOK_PATH: optional(z.string().trim().min(1)),
  DATABASE_URL: optional(
    z
      .string()
      .trim()
      .refine((value) => {
        try {
          const url = new URL(value);
          return (
            (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.host !== ''
          );
        } catch {
          return false;
        }
      }, 'must be a postgres:// or postgresql:// URL with a host'),
  ),
};

const BookEnvSchema = z.object(BookEnvShape);

function bookLocationOf(vars: z.infer<typeof BookEnvSchema>): BookLocation {
  if (vars.DATABASE_URL) {
    return {
      engine: 'postgres',
      url: vars.DATABASE_URL,
      shown: withoutPassword(vars.DATABASE_URL),
    };
  }
  return { engine: 'sqlite', path: vars.CONTACT_BOOK_PATH ?? DEFAULT_BOOK_PATH };
}

/** The book's location alone, for the command-line tools (import, forget) that need no Slack. */
export function loadBookLocation(env: NodeJS.ProcessEnv): BookLocation {
  const parsed = BookEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${describe(issue)}`),
    );
  }
  return bookLocationOf(parsed.data);
}

/** A URL fit to print: the password (and nothing else) replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const EnvSchema = z.object({
  SLACK_BOT_TOKEN: optional(z.string().trim().startsWith('xoxb-', 'must be a bot token (xoxb-…)')),
  SLACK_SIGNING_SECRET: optional(z.string().trim().min(1)),
  SLACK_APP_TOKEN: optional(
    z.string().trim().startsWith('xapp-', 'must be an app-level token (xapp-…)'),
  ),
  SLACK_API_URL: optional(httpUrl('the Slack Web API base, e.g. https://slack.com/api/')),
  STUUT_API_URL: optional(
    httpUrl('the API base without /v2, e.g. https://api.stuut.example'),
  ).refine(
    (value) => value === undefined || !/\/v2\/?$/.test(value),
    'must not end in /v2: the bot adds the version itself',
  ),
  STUUT_API_TOKEN: optional(z.string().trim().min(1)),
  CONTACT_UPDATES_CHANNEL: optional(
    z
      .string()
      .trim()
      .regex(/^[CG][A-Z0-9]{2,}$/, 'must be a channel id such as C0123ABCD, not a channel name'),
  ),
  DEFAULT_PHONE_COUNTRY: optional(
    z
      .string()
      .trim()
      .toUpperCase()
      .refine(isPhoneCountry, 'must be a two-letter country code such as US or GB'),
  ),
  PORT: optional(
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a port number')
      .transform(Number)
      .refine((port) => port <= 65535, 'must be a port number'),
  ),
  CONTACT_EDITORS: optional(contactEditors),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`)),
  CONTACT_HISTORY_DAYS: optional(wholeNumber('a number of days', 1, 36_500)),
  CONTACT_UNDO_MINUTES: optional(wholeNumber('a number of minutes', 1, 525_600)),
  CONTACT_NOTIFY_SUBJECT: optional(
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false'], 'must be true or false')),
  ),
  ...BookEnvShape,
});

interface CommonConfig {
  botToken: string;
  slackApiUrl: string;
  stuutApiUrl: string;
  stuutApiToken: string;
  contactUpdatesChannel: string | null;
  /** Who may update contacts; null: every full member of the installing workspace. */
  contactEditors: Readonly<ContactEditors> | null;
  defaultPhoneCountry: CountryCode;
  logLevel: (typeof LOG_LEVELS)[number];
  book: BookLocation;
  /** How long the book keeps the history of changes. */
  historyDays: number;
  /** How long after a change its Undo button works; shorter than the history kept. */
  undoMinutes: number;
  /** Tell a linked member by direct message when someone else changes their own contact. */
  notifySubject: boolean;
  /** Set on a platform dyno (DYNO), whose disk is lost at every restart. */
  ephemeralDisk: boolean;
}

export type Config = Readonly<
  | (CommonConfig & {
      mode: 'http';
      signingSecret: string;
      /** Slack's Request URL and /healthz; PORT, default 3000. */
      port: number;
    })
  | (CommonConfig & {
      mode: 'socket';
      appToken: string;
      /** Only when PORT is set: a /healthz server for platforms that probe; else no port. */
      healthPort: number | null;
    })
>;

export type HttpConfig = Extract<Config, { mode: 'http' }>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.join('\n')}`);
  }
}

/** Reads and checks the whole environment once; every problem is a line that names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(env);
  // Only the variable name and the rule: a message never repeats a value, which may be a secret.
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${describe(issue)}`);
  const vars = parsed.success ? parsed.data : undefined;
  const missing = (name: string, why: string) => {
    if (!problems.some((line) => line.startsWith(`${name}:`)))
      problems.push(`${name}: required ${why}`);
  };

  const has = (name: keyof z.infer<typeof EnvSchema>) =>
    vars ? vars[name] !== undefined : env[name] !== undefined && env[name] !== '';
  const socketMode = has('SLACK_APP_TOKEN');
  if (!has('SLACK_BOT_TOKEN')) missing('SLACK_BOT_TOKEN', '(the bot token, xoxb-…)');
  if (!socketMode && !has('SLACK_SIGNING_SECRET')) {
    missing('SLACK_SIGNING_SECRET', 'in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!has('STUUT_API_URL')) missing('STUUT_API_URL', '(the Stuut API base URL)');
  if (!has('STUUT_API_TOKEN')) missing('STUUT_API_TOKEN', '(the Stuut API token)');
  const historyDays = vars?.CONTACT_HISTORY_DAYS ?? 365;
  const undoMinutes = vars?.CONTACT_UNDO_MINUTES ?? 60;
  if (vars && undoMinutes >= historyDays * 24 * 60) {
    problems.push(
      `CONTACT_UNDO_MINUTES: must be shorter than the history kept (CONTACT_HISTORY_DAYS is ${historyDays} days): an undo needs the change's history`,
    );
  }

  if (problems.length > 0 || !vars) throw new ConfigError(problems);

  const common: CommonConfig = {
    botToken: vars.SLACK_BOT_TOKEN!,
    slackApiUrl: withTrailingSlash(vars.SLACK_API_URL ?? 'https://slack.com/api/'),
    stuutApiUrl: vars.STUUT_API_URL!.replace(/\/+$/, ''),
    stuutApiToken: vars.STUUT_API_TOKEN!,
    contactUpdatesChannel: vars.CONTACT_UPDATES_CHANNEL ?? null,
    contactEditors: vars.CONTACT_EDITORS ? frozenEditors(vars.CONTACT_EDITORS) : null,
    defaultPhoneCountry: (vars.DEFAULT_PHONE_COUNTRY ?? 'US') as CountryCode,
    logLevel: vars.LOG_LEVEL ?? 'info',
    book: bookLocationOf(vars),
    historyDays,
    undoMinutes,
    notifySubject: vars.CONTACT_NOTIFY_SUBJECT === 'true',
    ephemeralDisk: typeof env.DYNO === 'string' && env.DYNO !== '',
  };
  const config: Config = socketMode
    ? { ...common, mode: 'socket', appToken: vars.SLACK_APP_TOKEN!, healthPort: vars.PORT ?? null }
    : {
        ...common,
        mode: 'http',
        signingSecret: vars.SLACK_SIGNING_SECRET!,
        port: vars.PORT ?? 3000,
      };
  return Object.freeze(config);
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return 'must be text';
  return issue.message;
}

function frozenEditors(editors: ContactEditors): Readonly<ContactEditors> {
  return Object.freeze({
    users: Object.freeze([...editors.users]) as string[],
    groups: Object.freeze([...editors.groups]) as string[],
  });
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
