import fc from 'fast-check';
import { parseCommand } from '../../src/domain/command';
import { CONTACT_FIELDS, isValidContactId } from '../../src/domain/contact';
import { contactIdProblem, normaliseField, validateForm } from '../../src/domain/form';
import { createLogger } from '../../src/logger';
import { StuutEmulator } from '../../src/sandbox/stuut';
import { decodeFormMetadata, encodeFormMetadata } from '../../src/slack/metadata';
import { createStuutClient, type StuutClient } from '../../src/stuut/client';
import { EMPTY_FORM_VALUES } from '../fixtures';
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
        fc.constantFrom('update', 'UPDATE', 'help', '-h', '?', '', 'update ic_7Qm2xK9a', 'upd'),
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

  test('never throws, and answers with one of its three kinds', () => {
    const kinds = { help: 0, update: 0, invalid: 0 };
    fc.assert(
      fc.property(commandText, (text) => {
        const parsed = parseCommand(text, 'US');
        expect(['help', 'update', 'invalid']).toContain(parsed.kind);
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

  test('an update names a valid id or none, and proposes only values the form accepts', () => {
    fc.assert(
      fc.property(commandText, (text) => {
        const parsed = parseCommand(text, 'US');
        if (parsed.kind !== 'update') return;
        if (parsed.contactId !== null) expect(isValidContactId(parsed.contactId)).toBe(true);
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
