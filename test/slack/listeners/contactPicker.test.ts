import { Writable } from 'node:stream';
import type { PlainTextOption } from '@slack/types';
import type { Book, BookEntry, SearchResult } from '../../../src/book/book';
import type { ContactValues } from '../../../src/domain/contact';
import { createLogger } from '../../../src/logger';
import { validateView } from '../../../src/sandbox/slack';
import {
  MAX_OPTIONS,
  makeContactPickerOptions,
  pickerOptions,
} from '../../../src/slack/listeners/options/contactPicker';
import { pickerLabel } from '../../../src/slack/views/contactForm';
import { bookDouble, SAMPLE_VALUES } from '../../fixtures';

const SEEN = new Date('2025-03-14T09:26:53.589Z');

function entry(n: number, values: Partial<ContactValues> = {}, id = `ic_contact${n}`): BookEntry {
  return {
    id,
    values: {
      ...SAMPLE_VALUES,
      email: `person${n}@example.com`,
      given_name: `Given${n}`,
      family_name: `Family${n}`,
      ...values,
    },
    knownFrom: 'stuut',
    modifiedAt: null,
    seenAt: SEEN,
    version: 1,
  };
}

const entries = (count: number) => Array.from({ length: count }, (_, i) => entry(i + 1));

const labels = (options: PlainTextOption[]) => options.map((option) => option.text.text);
const values = (options: PlainTextOption[]) => options.map((option) => option.value);

/** Slack's own checks of options: in a select of a modal, as it would validate them. */
function expectSlackAccepts(options: PlainTextOption[]): void {
  expect(options.length).toBeLessThanOrEqual(100);
  if (options.length === 0) return;
  const view = {
    type: 'modal',
    title: { type: 'plain_text', text: 'Options' },
    submit: { type: 'plain_text', text: 'Save' },
    blocks: [
      {
        type: 'input',
        block_id: 'b',
        label: { type: 'plain_text', text: 'Contact' },
        element: { type: 'static_select', action_id: 'a', options },
      },
    ],
  };
  expect(validateView(view)).toEqual([]);
}

describe('pickerOptions', () => {
  test('one option per match, best first: the label names the contact, the value is its id', () => {
    // Two words: no id could be meant, so only the matches.
    const options = pickerOptions('given family', entries(3));
    expect(options).toEqual(
      entries(3).map((e) => ({
        text: { type: 'plain_text', text: pickerLabel(e.id, e.values), emoji: false },
        value: e.id,
      })),
    );
    expect(labels(options)[0]).toBe('Given1 Family1 · person1@example.com');
    expectSlackAccepts(options);
  });

  test(`at most ${MAX_OPTIONS} options`, () => {
    const options = pickerOptions('given family', entries(150));
    expect(MAX_OPTIONS).toBe(100);
    expect(options).toHaveLength(MAX_OPTIONS);
    expect(values(options)).toEqual(entries(MAX_OPTIONS).map((e) => e.id));
    expectSlackAccepts(options);
  });

  test('an id-shaped text the book does not list is offered as "Use id …", last', () => {
    const options = pickerOptions('ic_unknown1', entries(2));
    expect(values(options)).toEqual(['ic_contact1', 'ic_contact2', 'ic_unknown1']);
    expect(options.at(-1)).toEqual({
      text: { type: 'plain_text', text: 'Use id ic_unknown1', emoji: false },
      value: 'ic_unknown1',
    });
    expectSlackAccepts(options);
  });

  test('"Use id" alone when nothing matches; surrounding spaces are not part of the id', () => {
    expect(pickerOptions('  ic_unknown1 ', [])).toEqual([
      {
        text: { type: 'plain_text', text: 'Use id ic_unknown1', emoji: false },
        value: 'ic_unknown1',
      },
    ]);
  });

  test('a one-word name is id-shaped too: "priya" is offered as an id after the matches', () => {
    expect(values(pickerOptions('priya', [entry(1, { given_name: 'Priya' })]))).toEqual([
      'ic_contact1',
      'priya',
    ]);
  });

  test('no "Use id" when the book lists that id', () => {
    const listed = entry(9, {}, 'ic_known');
    expect(values(pickerOptions('ic_known', [entry(1), listed]))).toEqual([
      'ic_contact1',
      'ic_known',
    ]);
  });

  test.each([
    ['several words', 'priya raman'],
    ['an email', 'priya@example.com'],
    ['a path', '../x'],
    ['a leading dash', '-x'],
    ['an accent', 'ïd'],
    ['too long for an id', 'x'.repeat(129)],
    ['nothing', ''],
    ['only spaces', '   '],
  ])('no "Use id" for %s', (_what, typed) => {
    expect(values(pickerOptions(typed, entries(2)))).toEqual(['ic_contact1', 'ic_contact2']);
    expect(pickerOptions(typed, [])).toEqual([]);
  });

  test(`"Use id" is kept even with ${MAX_OPTIONS} matches: the last match gives way`, () => {
    const options = pickerOptions('ic_unknown1', entries(150));
    expect(options).toHaveLength(MAX_OPTIONS);
    expect(values(options).slice(0, -1)).toEqual(entries(MAX_OPTIONS - 1).map((e) => e.id));
    expect(options.at(-1)?.value).toBe('ic_unknown1');
    expectSlackAccepts(options);
  });

  test('with exactly 99 matches nothing gives way', () => {
    const options = pickerOptions('ic_unknown1', entries(MAX_OPTIONS - 1));
    expect(options).toHaveLength(MAX_OPTIONS);
    expect(values(options).slice(0, -1)).toEqual(entries(MAX_OPTIONS - 1).map((e) => e.id));
  });

  test('labels stay within Slack’s 75 characters; values are whole ids', () => {
    const longId = `ic_${'x'.repeat(125)}`;
    const options = pickerOptions(longId, [
      entry(1, { name: '😀'.repeat(255) }),
      entry(2, {
        name: null,
        given_name: null,
        family_name: null,
        email: `${'e'.repeat(240)}@x.io`,
      }),
      entry(3, { name: '<!channel>'.repeat(30) }),
    ]);
    for (const label of labels(options)) expect([...label].length).toBeLessThanOrEqual(75);
    expect(options.at(-1)?.value).toBe(longId);
    expect(labels(options).at(-1)).toMatch(/^Use id ic_x+…$/);
    expectSlackAccepts(options);
  });

  test('labels are plain text: markup in a name is shown as typed, never interpreted', () => {
    const [option] = pickerOptions('x', [entry(1, { name: '<!channel> & co' })]);
    expect(option?.text).toEqual({
      type: 'plain_text',
      text: '<!channel> & co · person1@example.com',
      emoji: false,
    });
  });
});

/** A book whose search the test controls; everything else is unused here. */
function bookSearching(search: (query: string, limit: number) => Promise<SearchResult>): Book {
  return bookDouble(
    { search },
    {
      otherwise: () => () => {
        throw new Error('not used by the picker');
      },
    },
  );
}

class Lines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

describe('the picker listener (block_suggestion)', () => {
  async function suggest(book: Book, typed: string, bookWithinMs = 1_000) {
    const logs = new Lines();
    const listener = makeContactPickerOptions({
      book,
      logger: createLogger('info', logs),
      bookWithinMs,
    });
    const acks: unknown[] = [];
    const started = performance.now();
    await listener({
      ack: async (answer: unknown) => {
        acks.push(answer);
      },
      options: { value: typed },
    } as unknown as Parameters<typeof listener>[0]);
    return { acks, logs: logs.lines, ms: performance.now() - started };
  }

  test('answers once with the book’s matches for what was typed', async () => {
    const asked: [string, number][] = [];
    const book = bookSearching(async (query, limit) => {
      asked.push([query, limit]);
      return { matches: entries(2), total: 2 };
    });
    const { acks, logs } = await suggest(book, 'giv');
    expect(asked).toEqual([['giv', MAX_OPTIONS]]);
    expect(acks).toEqual([{ options: pickerOptions('giv', entries(2)) }]);
    expect(logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  test('blank text does not ask the book', async () => {
    const book = bookSearching(async () => {
      throw new Error('should not be asked');
    });
    const { acks } = await suggest(book, '   ');
    expect(acks).toEqual([{ options: [] }]);
  });

  test('a failing book still answers, with only the id, and logs an error', async () => {
    const book = bookSearching(async () => {
      throw new Error('database is locked');
    });
    const { acks, logs } = await suggest(book, 'ic_abc');
    expect(acks).toEqual([{ options: pickerOptions('ic_abc', []) }]);
    expect(logs.filter((line) => line.level === 'error').map((line) => line.msg)).toEqual([
      'contact book failed: the picker offers only ids',
    ]);
  });

  test('a book slower than its deadline still answers in time, and logs an error', async () => {
    const book = bookSearching(() => new Promise<SearchResult>(() => undefined));
    const { acks, logs, ms } = await suggest(book, 'ic_abc', 50);
    expect(acks).toEqual([{ options: pickerOptions('ic_abc', []) }]);
    expect(ms).toBeLessThan(2_000);
    expect(logs.filter((line) => line.level === 'error').map((line) => line.msg)).toEqual([
      'contact book too slow for the picker',
    ]);
  });
});
