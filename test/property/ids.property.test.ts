import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModalView } from '@slack/types';
import fc from 'fast-check';
import type { Book } from '../../src/book/book';
import { openBook } from '../../src/book/open';
import { decodeSlackText, MAX_QUERY_LENGTH, parseCommand } from '../../src/domain/command';
import { CONTACT_FIELDS, isValidContactId } from '../../src/domain/contact';
import { contactIdProblem, normaliseField, validateForm } from '../../src/domain/form';
import { createLogger } from '../../src/logger';
import { StuutEmulator } from '../../src/sandbox/stuut';
import type { EditorCheck } from '../../src/slack/authorization';
import { openContactFromButton } from '../../src/slack/listeners/actions/openForm';
import { makeContactCommand } from '../../src/slack/listeners/commands/contact';
import {
  decodeFormMetadata,
  decodeOpenContactButton,
  encodeFormMetadata,
} from '../../src/slack/metadata';
import { createStuutClient, type StuutClient } from '../../src/stuut/client';
import { EMPTY_FORM_VALUES, failingBook } from '../fixtures';
import { memberDeps } from '../memberDeps';
import { conciseReport, fragmentString, hostileString, SEED } from './arbitraries';

const TOKEN = 'stuut-property-token';
const PREFIX = '/v2/internal-contacts/';
const SEEDED = 'ic_7Qm2xK9a';

/** Ids that try to leave their path segment, and ids that are merely unusual. */
const TRICKY_IDS = [
  '../x',
  '..',
  '.',
  '%2e%2e',
  '%2e%2e%2fx',
  '..%2fx',
  'a/b',
  'a\\b',
  '?q=1',
  'a?q=1',
  '#f',
  'a#f',
  'a b',
  ' ic_7Qm2xK9a',
  'ic_7Qm2xK9a ',
  'ic 7Qm2xK9a',
  '\tic_7Qm2xK9a',
  'ic_7Qm2xK9a\n',
  'ïc_7Qm2xK9a',
  'ic_😀',
  'ic_\u202e',
  'ic_\u200b',
  'ic_\u0000',
  '%00',
  'ic_7Qm2xK9a;x=1',
  'ic_7Qm2xK9a&x=1',
  'ic_7Qm2xK9a@northwind.example',
  'http://evil.example/',
  '//evil.example',
  '',
  '-leading-dash',
  '_leading_underscore',
  'x'.repeat(129),
  'x'.repeat(128),
  SEEDED,
  'ic_unknown-Id_0',
];

const validId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);

/** Any id: the tricky ones, arbitrary text, valid ids, and valid ids with one odd character. */
const anyId = fc.oneof(
  fc.constantFrom(...TRICKY_IDS),
  hostileString,
  validId,
  fc
    .tuple(
      validId,
      fc.constantFrom('/', '?', '#', '%', '.', ' ', '\u00e9', '\ud83d\ude00'),
      fc.nat(),
    )
    .map(([id, odd, at]) => {
      const i = at % (id.length + 1);
      return id.slice(0, i) + odd + id.slice(i);
    }),
);

/** The request target holds the id as exactly one percent-encoded path segment. */
function expectOneSegment(rawPath: string, id: string): void {
  expect(rawPath).toBe(PREFIX + encodeURIComponent(id));
  const segment = rawPath.slice(PREFIX.length);
  expect(segment).not.toMatch(/[/?#\\\s]/);
  expect(segment).not.toMatch(/^\.{1,2}$/);
  expect(decodeURIComponent(segment)).toBe(id);
  const url = new URL(rawPath, 'http://stuut.invalid');
  expect(url.pathname).toBe(rawPath);
  expect(url.search).toBe('');
  expect(url.hash).toBe('');
}
describe('contact ids reach Stuut only as one percent-encoded path segment', () => {
  let stuut: StuutEmulator;
  let client: StuutClient;

  beforeAll(async () => {
    stuut = await StuutEmulator.start({ token: TOKEN });
    client = createStuutClient({
      baseUrl: stuut.baseUrl,
      token: TOKEN,
      logger: createLogger('silent'),
    });
  });

  afterAll(async () => {
    await client.close();
    await stuut.close();
  });

  /** Sends one update and returns the raw request target the server saw, or null when refused first. */
  async function pathSeenFor(id: string): Promise<string | null> {
    const before = stuut.requests.length;
    const outcome = await client.updateInternalContact(id, { job_title: 'Property' }).then(
      () => 'saved' as const,
      () => 'failed' as const,
    );
    const sent = stuut.requests.slice(before);
    if (sent.length === 0) {
      expect(outcome).toBe('failed');
      return null;
    }
    // 404 and 200 are final answers: one request, never a retry.
    expect(sent).toHaveLength(1);
    return sent[0]?.rawPath ?? null;
  }

  test.each(
    TRICKY_IDS.map((id) => [
      JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id),
      isValidContactId(id)
        ? 'is sent as exactly one encoded segment'
        : 'is refused before any request',
      id,
    ]),
  )('%s %s', async (_label, _outcome, id) => {
    const path = await pathSeenFor(id);
    if (isValidContactId(id)) {
      expect(path).not.toBeNull();
      expectOneSegment(path ?? '', id);
    } else {
      expect(path).toBeNull();
    }
  });

  test('arbitrary ids: refused by the rule, or the exact encoded path', async () => {
    let sent = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(anyId, async (id) => {
        const path = await pathSeenFor(id);
        expect(path === null).toBe(!isValidContactId(id));
        if (path === null) {
          refused++;
          return;
        }
        sent++;
        expectOneSegment(path, id);
        expect(stuut.requests.at(-1)?.contactId).toBe(id);
      }),
      { seed: SEED, numRuns: 600, plugins: [conciseReport] },
    );
    // Both sides of the rule were exercised.
    expect(sent).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  test('the rule: only letters, digits, "_" and "-", so encoding never has to change an id', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        if (isValidContactId(id)) expect(encodeURIComponent(id)).toBe(id);
        // A typed id is trimmed first; what is left must pass the same rule.
        expect(contactIdProblem(id) === null).toBe(isValidContactId(id.trim()));
      }),
      { seed: SEED, numRuns: 2000, plugins: [conciseReport] },
    );
  });

  test('an id typed in the form is saved only when it passes the rule, and is sent trimmed', () => {
    fc.assert(
      fc.property(anyId, (typed) => {
        const result = validateForm(
          {
            typedContactId: typed,
            values: { ...EMPTY_FORM_VALUES, job_title: 'Property' },
            clear: [],
          },
          { fixedContactId: null, baseline: null, defaultCountry: 'US' },
        );
        if (result.ok) {
          expect(result.contactId).toBe(typed.trim());
          expect(isValidContactId(result.contactId)).toBe(true);
        } else {
          expect(isValidContactId(typed.trim())).toBe(false);
          expect(result.errors.contact_id).toEqual(expect.any(String));
        }
      }),
      { seed: SEED, numRuns: 2000, plugins: [conciseReport] },
    );
  });

  test('a form whose private_metadata names an invalid id is refused as out of date', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        const text = encodeFormMetadata({
          contactId: id,
          origin: { channelId: 'C0OPS', responseUrl: null },
          baseline: null,
          generation: 0,
          picker: false,
          source: 'form',
        });
        const decoded = decodeFormMetadata(text);
        if (isValidContactId(id)) expect(decoded?.contactId).toBe(id);
        else expect(decoded).toBeNull();
      }),
      { seed: SEED, numRuns: 2000, plugins: [conciseReport] },
    );
  });
});

describe('command parsing', () => {
  /** Text as Slack might send it, and text no client would. */
  const commandText = fc.oneof(
    hostileString,
    fragmentString,
    fc
      .tuple(
        fc.constantFrom(
          'update',
          'UPDATE',
          'find',
          'Find',
          'help',
          '-h',
          '?',
          '',
          'update ic_7Qm2xK9a',
          'update priya raman',
          'find priya',
          'history',
          'History',
          'history priya raman',
          'add',
          'add ada@northwind.example role=csm',
          'assign',
          'assign priya',
          'roles priya',
          'drift',
          'update <@U0PRIYA|priya>',
          'upd',
        ),
        fc.array(
          fc.oneof(
            anyId,
            fc
              .tuple(fc.constantFrom(...CONTACT_FIELDS, 'clear', 'Email', 'x', ''), hostileString)
              .map(([key, value]) => `${key}=${value}`),
            fc
              .tuple(
                fc.constantFrom(...CONTACT_FIELDS),
                fragmentString,
                fc.constantFrom('"', '\u201c'),
              )
              .map(([key, value, quote]) => `${key}=${quote}${value}"`),
          ),
          { maxLength: 6 },
        ),
      )
      .map(([head, words]) => [head, ...words].join(' ')),
  );

  test('never throws, and answers with one of its kinds', () => {
    const kinds = {
      drift: 0,
      help: 0,
      update: 0,
      find: 0,
      history: 0,
      add: 0,
      assign: 0,
      roles: 0,
      invalid: 0,
    };
    fc.assert(
      fc.property(commandText, (text) => {
        const parsed = parseCommand(text, 'US');
        expect(Object.keys(kinds)).toContain(parsed.kind);
        kinds[parsed.kind]++;
        if (parsed.kind === 'invalid') {
          expect(parsed.problems.length).toBeGreaterThan(0);
          for (const problem of parsed.problems) expect(problem).toEqual(expect.any(String));
        }
      }),
      { seed: SEED, numRuns: 5000, plugins: [conciseReport] },
    );
    for (const count of Object.values(kinds)) expect(count).toBeGreaterThan(0);
  });

  test('a query is the typed words before the first field=value: trimmed, never empty, at most 200 characters', () => {
    let queries = 0;
    fc.assert(
      fc.property(commandText, (text) => {
        const parsed = parseCommand(text, 'US');
        if (parsed.kind !== 'update' && parsed.kind !== 'find' && parsed.kind !== 'history') return;
        if (parsed.query === null) return;
        queries++;
        expect(parsed.query).not.toBe('');
        expect(parsed.query).toBe(parsed.query.trim());
        expect(parsed.query.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
        // No word of the query is a field=value: those start the proposals.
        expect(decodeSlackText(text)).toContain(parsed.query.split(' ')[0]);
      }),
      { seed: SEED, numRuns: 5000, plugins: [conciseReport] },
    );
    expect(queries).toBeGreaterThan(100);
  });

  test('an update proposes only values the form accepts, and find and history propose none', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const parsed = parseCommand(text, 'US');
        if (parsed.kind === 'find' || parsed.kind === 'history') {
          expect(Object.keys(parsed)).toEqual(['kind', 'query']);
          return;
        }
        if (parsed.kind !== 'update') return;
        for (const [field, value] of Object.entries(parsed.prefill)) {
          expect(CONTACT_FIELDS).toContain(field);
          const checked = normaliseField(field as (typeof CONTACT_FIELDS)[number], value, 'US');
          expect(checked.ok).toBe(true);
        }
        for (const field of parsed.clear) expect(field).not.toBe('email');
      }),
      { seed: SEED, numRuns: 5000, plugins: [conciseReport] },
    );
  });
});

/**
 * The query is no longer checked as an id by the parser: it may be a name. Whatever is typed,
 * the only ids that reach Stuut from `/contact update <query>` are valid ones, as one encoded
 * segment: through the form the command opens, the buttons of its answer, and the form such a
 * button opens. Run through the real command listener, with a real book and a failing one.
 */
describe('a typed query reaches Stuut only as a valid id, percent-encoded', () => {
  let stuut: StuutEmulator;
  let client: StuutClient;
  let dir: string;
  let realBook: Book;
  const logger = createLogger('silent');
  const downBook = failingBook('the book is down', 'sqlite');
  const allowAll: EditorCheck = { check: async () => ({ allowed: true }), editors: null };

  beforeAll(async () => {
    stuut = await StuutEmulator.start({ token: TOKEN });
    client = createStuutClient({
      baseUrl: stuut.baseUrl,
      token: TOKEN,
      logger: createLogger('silent'),
    });
    dir = await mkdtemp(join(tmpdir(), 'ids-property-book-'));
    realBook = await openBook({ engine: 'sqlite', path: join(dir, 'book.sqlite') });
    // The seeded contacts, and two more with unusual but valid ids.
    const rows = stuut
      .contacts()
      .map(({ id, email, given_name, family_name, name, phone, job_title }) => ({
        id,
        values: { email, given_name, family_name, name, phone, job_title },
      }));
    const [first] = rows;
    if (!first) throw new Error('the emulator has no seeded contacts');
    rows.push(
      { id: '0-_', values: { ...first.values, email: 'odd.one@example.com' } },
      { id: 'x'.repeat(128), values: { ...first.values, email: 'long.one@example.com' } },
    );
    await realBook.importRows(rows, new Date());
  });

  afterAll(async () => {
    await realBook?.close();
    await rm(dir, { recursive: true, force: true });
    await client.close();
    await stuut.close();
  });

  /** Runs `/contact <text>` through the real listener; returns what it opened and answered. */
  async function runCommand(book: Book, text: string) {
    const listener = makeContactCommand({
      config: { defaultPhoneCountry: 'US' },
      logger,
      editors: allowAll,
      book,
      history: book,
      bookWithinMs: 1_000,
      ...memberDeps(book, logger),
    });
    const views: ModalView[] = [];
    const answers: unknown[] = [];
    await listener({
      command: {
        text,
        channel_id: 'C0OPS',
        response_url: 'https://hooks.slack.com/commands/T0/1/x',
        trigger_id: '1.2.3',
        user_id: 'U0ALICE',
        team_id: 'T0ACME',
      },
      ack: async (answer?: unknown) => {
        answers.push(answer);
      },
      respond: async () => undefined,
      client: {
        views: {
          open: async ({ view }: { view: ModalView }) => {
            views.push(view);
            return { ok: true };
          },
        },
      },
    } as unknown as Parameters<typeof listener>[0]);
    return { views, answers };
  }

  function buttonValues(answer: unknown): string[] {
    const values: string[] = [];
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (record.action_id === 'contact_open' && typeof record.value === 'string') {
          values.push(record.value);
        }
        Object.values(record).forEach(walk);
      }
    };
    walk(answer);
    return values;
  }

  /** Every contact id a person could now save to: forms opened, and forms the buttons open. */
  async function reachableIds(book: Book, text: string): Promise<string[]> {
    const { views, answers } = await runCommand(book, text);
    expect(answers).toHaveLength(1);
    const forms = [...views];
    const open = openContactFromButton(book, 1_000, logger);
    for (const value of answers.flatMap(buttonValues)) {
      const decoded = decodeOpenContactButton(value);
      if (!decoded) throw new Error(`a button value the bot cannot read: ${value.slice(0, 100)}`);
      const form = await open(value, { channelId: 'C0OPS', responseUrl: null });
      if (!form) throw new Error('a button that opens no form');
      expect(decodeFormMetadata(form.private_metadata ?? '')?.contactId).toBe(decoded.contactId);
      forms.push(form);
    }
    return forms
      .map((form) => {
        const metadata = decodeFormMetadata(form.private_metadata ?? '');
        // A form whose metadata cannot be read is refused at Save as out of date.
        if (!metadata) throw new Error('a form with unreadable private_metadata');
        return metadata.contactId;
      })
      .filter((id): id is string => id !== null);
  }

  /** Queries: ids of every kind, names and emails of the book, and arbitrary text. */
  const query = fc.oneof(
    { weight: 4, arbitrary: anyId },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'priya',
        'Priya Raman',
        'priya.raman@northwind.example',
        'odd',
        'long.one@example.com',
        '0-_',
        'x'.repeat(128),
      ),
    },
    { weight: 2, arbitrary: hostileString },
  );
  const updateText = fc
    .tuple(query, fc.constantFrom('', ' job_title=Property', ' phone= name="A B"'))
    .map(([q, pairs]) => `update ${q}${pairs}`);

  test.each([
    ['the real book', () => realBook],
    ['a failing book', () => downBook],
  ])(
    'with %s: every reachable id is valid and sent as one encoded segment',
    async (_what, bookOf) => {
      let reached = 0;
      let none = 0;
      await fc.assert(
        fc.asyncProperty(updateText, async (text) => {
          const book = bookOf();
          const parsed = parseCommand(text, 'US');
          const ids = await reachableIds(book, text);
          if (ids.length === 0) none++;
          for (const id of ids) {
            reached++;
            expect(isValidContactId(id)).toBe(true);
            const path = await pathSeenFor(id);
            expect(path).not.toBeNull();
            expectOneSegment(path ?? '', id);
          }
          // A query that could not be an id never becomes a form for an id the book lacks:
          // without the book, it opens nothing at all.
          if (
            parsed.kind === 'update' &&
            parsed.query !== null &&
            !isValidContactId(parsed.query)
          ) {
            if (book === downBook) expect(ids).toEqual([]);
            for (const id of ids) expect(await realBook.get(id)).not.toBeNull();
          }
        }),
        { seed: SEED, numRuns: 500, plugins: [conciseReport] },
      );
      expect(reached).toBeGreaterThan(50);
      expect(none).toBeGreaterThan(50);
    },
  );

  /** Sends one update and returns the raw request target the server saw, or null when refused first. */
  async function pathSeenFor(id: string): Promise<string | null> {
    const before = stuut.requests.length;
    await client.updateInternalContact(id, { job_title: 'Property' }).catch(() => undefined);
    const sent = stuut.requests.slice(before);
    expect(sent.length).toBeLessThanOrEqual(1);
    return sent[0]?.rawPath ?? null;
  }
});
