import type { BookEntry } from '../../../src/book/book';
import type { ContactValues } from '../../../src/domain/contact';
import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { ACTION_ID } from '../../../src/slack/ids';
import type { SlackMessage } from '../../../src/slack/messages/confirmation';
import {
  bookUnavailableMessage,
  findResultsMessage,
  LIST_LIMIT,
  noMatchMessage,
  type Proposals,
  severalMatchesMessage,
} from '../../../src/slack/messages/find';
import { decodeHistoryButton, decodeOpenContactButton } from '../../../src/slack/metadata';
import { SAMPLE_VALUES } from '../../fixtures';

const SEEN = new Date('2025-03-14T09:26:53.589Z');
const DATE_TOKEN = '<!date^1741944413^';

function entry(n: number, values: Partial<ContactValues> = {}, more: Partial<BookEntry> = {}) {
  const e: BookEntry = {
    id: `ic_contact${n}`,
    values: {
      ...SAMPLE_VALUES,
      email: `person${n}@example.com`,
      given_name: `Given${n}`,
      family_name: `Family${n}`,
      ...values,
    },
    knownFrom: 'stuut',
    modifiedAt: SEEN.toISOString(),
    seenAt: SEEN,
    version: 1,
    ...more,
  };
  return e;
}

const entries = (count: number) => Array.from({ length: count }, (_, i) => entry(i + 1));

interface Text {
  type: string;
  text: string;
}
interface Element {
  type: string;
  action_id?: string;
  value?: string;
  text?: Text | string;
}
interface Block {
  type: string;
  block_id?: string;
  text?: Text;
  fields?: Text[];
  accessory?: Element;
  elements?: Element[];
}

function blocksOf(message: SlackMessage): Block[] {
  return message.blocks as unknown as Block[];
}

function block(message: SlackMessage, id: string): Block {
  const found = blocksOf(message).find((b) => b.block_id === id);
  if (!found) throw new Error(`no block ${id}`);
  return found;
}

function has(message: SlackMessage, id: string): boolean {
  return blocksOf(message).some((b) => b.block_id === id);
}

/** Every button in the message, accessories included. */
function buttons(message: SlackMessage): Element[] {
  return blocksOf(message).flatMap((b) => [
    ...(b.accessory?.type === 'button' ? [b.accessory] : []),
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
  ]);
}

/** Every mrkdwn text and the fallback: what Slack renders. */
function mrkdwn(message: SlackMessage): string[] {
  const texts: string[] = [message.text];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
      Object.values(record).forEach(walk);
    }
  };
  walk(message.blocks);
  return texts;
}

/** Slack accepts it, it has a fallback text, and it notifies no crowd. */
function expectValid(message: SlackMessage): void {
  expect(message.text.trim()).not.toBe('');
  expect(validateMessage(message)).toEqual([]);
  expect(broadcastMentions(message)).toEqual([]);
  for (const text of mrkdwn(message)) {
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
}

const PROPOSALS: Proposals = {
  prefill: { job_title: 'VP', phone: '+1 415 555 0100' },
  clear: ['name'],
};

/** A name, email and title that escape, at their longest. */
const EVIL = (n: number) =>
  entry(n, {
    name: '<!channel>'.repeat(26).slice(0, 255),
    email: `${'&'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`,
    job_title: '<@U123>&'.repeat(32).slice(0, 255),
    given_name: '<'.repeat(255),
    family_name: '>'.repeat(255),
  });

describe('severalMatchesMessage', () => {
  const matches = entries(3);
  const message = severalMatchesMessage('given', matches, 3, PROPOSALS);

  test('asks which one, naming the query and how many matched', () => {
    expect(block(message, 'heading').text?.text).toBe(
      '3 contacts in the book match *given*. Which one?',
    );
    expect(message.text).toBe('3 contacts match given. Pick one.');
  });

  test('lists the matches in the order given (best first), with name, email and job title', () => {
    const rows = blocksOf(message).filter((b) => b.block_id?.startsWith('result_'));
    expect(rows.map((b) => b.text?.text)).toEqual([
      '*Given1 Family1*\nperson1@example.com · Customer Success Manager',
      '*Given2 Family2*\nperson2@example.com · Customer Success Manager',
      '*Given3 Family3*\nperson3@example.com · Customer Success Manager',
    ]);
  });

  test('each Update button opens that contact’s form with the proposals that were typed', () => {
    const found = buttons(message);
    expect(found).toHaveLength(3);
    found.forEach((button, i) => {
      expect(button.action_id).toBe(ACTION_ID.openContact);
      expect(button.text).toMatchObject({ type: 'plain_text', text: 'Update' });
      expect(decodeOpenContactButton(button.value ?? '')).toEqual({
        contactId: `ic_contact${i + 1}`,
        ...PROPOSALS,
      });
    });
  });

  test('for /contact history each button shows that contact’s history from the newest', () => {
    const list = severalMatchesMessage('given', matches, 3, undefined, 'history');
    const found = buttons(list);
    expect(found).toHaveLength(3);
    found.forEach((button, i) => {
      expect(button.action_id).toBe(ACTION_ID.showHistory);
      expect(button.text).toMatchObject({ type: 'plain_text', text: 'History' });
      expect(decodeHistoryButton(button.value ?? '')).toEqual({
        contactId: `ic_contact${i + 1}`,
        beforeId: null,
      });
    });
    expect(validateMessage(list)).toEqual([]);
  });

  test.each([
    ['assign', ACTION_ID.assignContact, 'Assign', 'Which one gets the role?'],
    ['roles', ACTION_ID.showRoles, 'Roles', 'Whose roles?'],
  ] as const)(
    'for /contact %s each button carries the contact id',
    (action, actionId, label, ask) => {
      const list = severalMatchesMessage('given', matches, 3, undefined, action);
      expect(block(list, 'heading').text?.text).toBe(
        `3 contacts in the book match *given*. ${ask}`,
      );
      const found = buttons(list);
      expect(found).toHaveLength(3);
      found.forEach((button, i) => {
        expect(button.action_id).toBe(actionId);
        expect(button.text).toMatchObject({ type: 'plain_text', text: label });
        expect(button.value).toBe(`ic_contact${i + 1}`);
      });
      expectValid(list);
    },
  );

  test('for /contact assign and roles the worst case fits too', () => {
    for (const action of ['assign', 'roles'] as const) {
      const worst = severalMatchesMessage(
        '<!here> & <https://evil|bank>',
        Array.from({ length: LIST_LIMIT }, (_, i) => EVIL(i)),
        99,
        undefined,
        action,
      );
      expectValid(worst);
      expect(mrkdwn(worst).join('\n')).not.toContain('<!here>');
    }
  });

  test('without proposals the buttons carry none', () => {
    const plain = severalMatchesMessage('given', matches, 3);
    expect(decodeOpenContactButton(buttons(plain)[0]?.value ?? '')).toEqual({
      contactId: 'ic_contact1',
      prefill: {},
      clear: [],
    });
  });

  test('the name falls back to given + family name, then to the email; no title, no dot', () => {
    const rows = severalMatchesMessage(
      'x',
      [
        entry(1, { name: 'Dr. One' }),
        entry(2, { family_name: null }),
        entry(3, { given_name: null, family_name: null, job_title: null }),
      ],
      3,
    );
    expect(block(rows, 'result_0').text?.text).toMatch(/^\*Dr\. One\*\n/);
    expect(block(rows, 'result_1').text?.text).toMatch(/^\*Given2\*\n/);
    expect(block(rows, 'result_2').text?.text).toBe('*person3@example.com*\nperson3@example.com');
  });

  test(`shows at most ${LIST_LIMIT}, and says how many more matched`, () => {
    const many = severalMatchesMessage('given', entries(25), 37);
    expect(blocksOf(many).filter((b) => b.block_id?.startsWith('result_'))).toHaveLength(
      LIST_LIMIT,
    );
    expect(block(many, 'more').elements?.[0]?.text).toBe(
      `Showing the best ${LIST_LIMIT} of 37 matches. Add more words (a family name, part of the email) to narrow it down.`,
    );
    expectValid(many);
  });

  test('no "more" line when every match is shown', () => {
    expect(has(message, 'more')).toBe(false);
    expect(has(severalMatchesMessage('g', entries(LIST_LIMIT), LIST_LIMIT), 'more')).toBe(false);
  });

  test('passes Slack’s checks', () => {
    expectValid(message);
  });

  test('names, emails, titles and the query are escaped, and the worst case fits', () => {
    const worst = severalMatchesMessage(
      '<!here> & <https://evil|bank>',
      Array.from({ length: LIST_LIMIT }, (_, i) => EVIL(i)),
      99,
      {
        prefill: { job_title: '"'.repeat(255), name: '"'.repeat(255), given_name: '"'.repeat(255) },
        clear: [],
      },
    );
    expectValid(worst);
    const all = mrkdwn(worst).join('\n');
    for (const raw of ['<!here>', '<!channel>', '<@U123>', '<https://evil']) {
      expect(all).not.toContain(raw);
    }
    expect(block(worst, 'heading').text?.text).toContain(
      '&lt;!here&gt; &amp; &lt;https://evil|bank&gt;',
    );
    for (const button of buttons(worst)) {
      expect((button.value ?? '').length).toBeLessThanOrEqual(2000);
      expect(decodeOpenContactButton(button.value ?? '')?.contactId).toMatch(/^ic_contact\d$/);
    }
  });
});

describe('findResultsMessage', () => {
  test('with no query, an empty book says how it fills', () => {
    const message = findResultsMessage(null, [], 0);
    expect(block(message, 'heading').text?.text).toMatch(/^The contact book is empty\./);
    expect(block(message, 'heading').text?.text).toContain('`npm run import`');
    expect(buttons(message)).toEqual([]);
    expectValid(message);
  });

  test('with no query, the most recently changed contacts', () => {
    const message = findResultsMessage(null, entries(4), 4);
    expect(block(message, 'heading').text?.text).toBe(
      'The 4 most recently changed contacts in the book:',
    );
    expect(message.text).toBe('The 4 most recently changed contacts.');
    expect(buttons(message)).toHaveLength(4);
    expectValid(message);
  });

  test('no match names the query', () => {
    const message = findResultsMessage('nobody', [], 0);
    expect(block(message, 'heading').text?.text).toBe('No contact in the book matches *nobody*.');
    expect(buttons(message)).toEqual([]);
    expectValid(message);
  });

  test('one match: its values, where they come from, and an Update button', () => {
    const message = findResultsMessage('priya', [entry(1)], 1);
    expect(block(message, 'heading').text?.text).toBe('One contact matches *priya*:');
    expect(block(message, 'name_0').text?.text).toBe('*Given1 Family1*');
    expect(block(message, 'values_0').fields?.map((f) => f.text)).toEqual([
      '*Email*\nperson1@example.com',
      '*Given name*\nGiven1',
      '*Family name*\nFamily1',
      '*Full name*\n_empty_',
      '*Phone*\n+1 415 555 0100',
      '*Job title*\nCustomer Success Manager',
    ]);
    expect(block(message, 'meta_0').elements?.[0]?.text).toBe(
      `Contact id \`ic_contact1\` · as Stuut returned them ${DATE_TOKEN}{date_short_pretty} at {time}|2025-03-14 09:26 UTC>`,
    );
    const [button] = buttons(message);
    expect(button?.action_id).toBe(ACTION_ID.openContact);
    expect(decodeOpenContactButton(button?.value ?? '')).toEqual({
      contactId: 'ic_contact1',
      prefill: {},
      clear: [],
    });
    expectValid(message);
  });

  test('imported values say so', () => {
    const message = findResultsMessage('x', [entry(1, {}, { knownFrom: 'import' })], 1);
    expect(block(message, 'meta_0').elements?.[0]?.text).toContain(`· as imported ${DATE_TOKEN}`);
  });

  test(`several matches: at most ${LIST_LIMIT}, separated, with how many more`, () => {
    const message = findResultsMessage('given', entries(LIST_LIMIT), 240);
    expect(block(message, 'heading').text?.text).toBe('240 contacts match *given*:');
    expect(blocksOf(message).filter((b) => b.type === 'divider')).toHaveLength(LIST_LIMIT);
    expect(buttons(message)).toHaveLength(LIST_LIMIT);
    expect(block(message, 'more').elements?.[0]?.text).toContain(
      `Showing the best ${LIST_LIMIT} of 240 matches.`,
    );
    expectValid(message);
  });

  test('more matches than the limit are cut to the limit', () => {
    const message = findResultsMessage('given', entries(LIST_LIMIT + 5), LIST_LIMIT + 5);
    expect(buttons(message)).toHaveLength(LIST_LIMIT);
    expect(has(message, 'more')).toBe(true);
    expectValid(message);
  });

  test('the worst case (every value escaping, at its longest) passes Slack’s checks', () => {
    const message = findResultsMessage(
      '<!channel> '.repeat(18).trim(),
      Array.from({ length: LIST_LIMIT }, (_, i) => EVIL(i)),
      500,
    );
    expectValid(message);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const all = mrkdwn(message).join('\n');
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U123>');
  });

  test('a long id is cut in the meta line; the button keeps it whole', () => {
    const id = `ic_${'x'.repeat(125)}`;
    const message = findResultsMessage('x', [entry(1, {}, { id })], 1);
    expect(decodeOpenContactButton(buttons(message)[0]?.value ?? '')?.contactId).toBe(id);
    expectValid(message);
  });
});

describe('noMatchMessage', () => {
  test('for an id-shaped query: says the book does not know it, with "Open the form for id"', () => {
    const message = noMatchMessage('ic_unknown1', true, PROPOSALS);
    const text = block(message, 'none').text?.text ?? '';
    expect(text).toContain('No contact in the book matches *ic_unknown1*.');
    expect(text).toContain('The book knows only contacts saved through this bot or imported');
    expect(text).toContain("If `ic_unknown1` is the contact's Stuut id, open the form for it.");
    const [button] = buttons(message);
    expect(button?.action_id).toBe(ACTION_ID.openContact);
    expect(button?.text).toMatchObject({ text: 'Open the form for id ic_unknown1' });
    expect(decodeOpenContactButton(button?.value ?? '')).toEqual({
      contactId: 'ic_unknown1',
      ...PROPOSALS,
    });
    expectValid(message);
  });

  test('for anything else: no form, no button, and what to do instead', () => {
    const message = noMatchMessage('Priya Raman', false, PROPOSALS);
    expect(buttons(message)).toEqual([]);
    expect(has(message, 'open_by_id')).toBe(false);
    const text = block(message, 'none').text?.text ?? '';
    expect(text).toContain('No contact in the book matches *Priya Raman*.');
    expect(text).toContain('`/contact find`');
    expect(text).toContain('`/contact update &lt;Stuut id&gt;`');
    expectValid(message);
  });

  test('the button text fits Slack’s 75 characters for the longest id', () => {
    const id = `ic_${'x'.repeat(125)}`;
    const message = noMatchMessage(id, true);
    const text = buttons(message)[0]?.text as Text;
    expect([...text.text].length).toBeLessThanOrEqual(75);
    expect(decodeOpenContactButton(buttons(message)[0]?.value ?? '')?.contactId).toBe(id);
    expectValid(message);
  });

  test.each(['assign', 'roles'] as const)(
    'for /contact %s: no form by id, and what to do instead',
    (action) => {
      for (const idShaped of [true, false]) {
        const message = noMatchMessage('ic_unknown1', idShaped, undefined, action);
        expect(buttons(message)).toEqual([]);
        const text = block(message, 'none').text?.text ?? '';
        expect(text).toContain('No contact in the book matches *ic_unknown1*.');
        expect(text).toContain('`/contact find`');
        expect(text).not.toContain('/contact update');
        expectValid(message);
      }
    },
  );

  test('for /contact assign: someone the book does not know is assigned by email', () => {
    const text = noMatchMessage('priya@new.example', false, undefined, 'assign').text;
    expect(text).toContain('run `/contact assign` on its own and type the email into the form');
  });

  test('for /contact roles: the book knows the roles of contacts handled through this bot', () => {
    const text = noMatchMessage('Priya', false, undefined, 'roles').text;
    expect(text).toContain(
      'The book knows the roles of contacts added or assigned through this bot.',
    );
  });

  test('for /contact assign and roles a query with markup is escaped', () => {
    for (const action of ['assign', 'roles'] as const) {
      const message = noMatchMessage(
        `<!channel> & <@U1>${'<'.repeat(500)}`,
        false,
        undefined,
        action,
      );
      expect(mrkdwn(message).join('\n')).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
      expectValid(message);
    }
  });

  test('a query with markup is escaped', () => {
    const message = noMatchMessage('<!channel> & <@U1>', false);
    expect(mrkdwn(message).join('\n')).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expectValid(message);
  });

  test('proposals that do not fit the button are dropped, the id kept', () => {
    const long = '"'.repeat(255);
    const message = noMatchMessage('ic_unknown1', true, {
      prefill: { given_name: long, family_name: long, name: long, job_title: long },
      clear: [],
    });
    expect(decodeOpenContactButton(buttons(message)[0]?.value ?? '')).toEqual({
      contactId: 'ic_unknown1',
      prefill: {},
      clear: [],
    });
    expectValid(message);
  });
});

describe('bookUnavailableMessage', () => {
  test('for a search: says finding is off, and that the id still works', () => {
    const message = bookUnavailableMessage('priya');
    expect(message.text).toContain(
      "The contact book is unavailable right now, so I can't find *priya*.",
    );
    expect(message.text).toContain('`/contact update &lt;Stuut id&gt;` still works');
    expect(message.text).toContain('an empty box keeps the value Stuut has');
    expectValid(message);
  });

  test('for a listing', () => {
    const message = bookUnavailableMessage(null);
    expect(message.text).toContain("so I can't list contacts.");
    expectValid(message);
  });

  test('the query is escaped and cut', () => {
    const message = bookUnavailableMessage('<!everyone>'.repeat(100));
    expect(mrkdwn(message).join('\n')).not.toContain('<!everyone>');
    expectValid(message);
  });
});
