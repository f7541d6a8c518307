import type { ChangeRecord } from '../../../src/book/history';
import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { ACTION_ID } from '../../../src/slack/ids';
import type { SlackMessage } from '../../../src/slack/messages/confirmation';
import { HISTORY_PAGE, historyMessage } from '../../../src/slack/messages/history';
import { decodeHistoryButton } from '../../../src/slack/metadata';

const ID = 'ic_7Qm2xK9a';
const AT = new Date('2026-11-02T10:00:00.000Z');
const AT_TOKEN = `<!date^${AT.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-02 10:00 UTC>`;

function change(id: number, more: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id,
    contactId: ID,
    slackUser: 'U0ALICE',
    slackTeam: 'T0ACME',
    at: AT,
    source: 'form',
    changes: [{ field: 'phone', before: '+14155550100', after: '+12125550147' }],
    modifiedAt: AT.toISOString(),
    undoes: null,
    undoneBy: null,
    versionAfter: id + 1,
    assignment: null,
    ...more,
  };
}

interface Block {
  type: string;
  block_id?: string;
  text?: { type: string; text: string };
  elements?: { type: string; action_id?: string; value?: string; text?: { text: string } }[];
}

const blocksOf = (message: SlackMessage) => message.blocks as unknown as Block[];

function textOf(message: SlackMessage, blockId: string): string {
  const found = blocksOf(message).find((b) => b.block_id === blockId);
  if (!found?.text) throw new Error(`no text block ${blockId}`);
  return found.text.text;
}

function expectValid(message: SlackMessage): void {
  expect(validateMessage(message)).toEqual([]);
  expect(broadcastMentions(message)).toEqual([]);
  expect(message.text.trim()).not.toBe('');
}

const page = (changes: ChangeRecord[], more: { hasOlder?: boolean; older?: boolean } = {}) =>
  historyMessage({
    contactId: ID,
    name: 'Priya Raman',
    changes,
    hasOlder: more.hasOlder ?? false,
    older: more.older ?? false,
  });

describe('historyMessage', () => {
  test('one section per change in the order given (newest first): who, when, how, what', () => {
    const message = page([
      change(3, { slackUser: 'U0BOB', source: 'edit' }),
      change(2, {
        changes: [{ field: 'job_title', before: 'CSM', after: null }],
      }),
      change(1, { changes: [{ field: 'name', before: undefined, after: 'Priya R.' }] }),
    ]);
    expectValid(message);
    expect(textOf(message, 'heading')).toBe('Latest changes of *Priya Raman*, newest first:');
    expect(textOf(message, 'change_0')).toBe(
      `<@U0BOB> · ${AT_TOKEN} · with Edit\n• *Phone*: +1 415 555 0100 → +1 212 555 0147`,
    );
    expect(textOf(message, 'change_1')).toBe(
      `<@U0ALICE> · ${AT_TOKEN} · with the form\n• *Job title*: CSM → _cleared_`,
    );
    // A before the bot never knew: only the new value.
    expect(textOf(message, 'change_2')).toBe(
      `<@U0ALICE> · ${AT_TOKEN} · with the form\n• *Full name*: Priya R.`,
    );
    expect(message.text).toBe('3 changes of Priya Raman.');
    expect(blocksOf(message).some((b) => b.type === 'actions')).toBe(false);
  });

  test('an undo says what it took back, and an undone change says so', () => {
    const message = page([
      change(5, {
        source: 'undo',
        undoes: 4,
        slackUser: 'U0BOB',
        changes: [{ field: 'phone', before: '+12125550147', after: '+14155550100' }],
      }),
      change(4, { undoneBy: 5 }),
    ]);
    expectValid(message);
    expect(textOf(message, 'change_0')).toContain('with Undo (taking back an earlier change)');
    expect(textOf(message, 'change_0')).toContain('+1 212 555 0147 → +1 415 555 0100');
    expect(textOf(message, 'change_1')).toContain('with the form · _undone_');
  });

  test.each([
    ['add', 'by adding the contact'],
    ['assign', 'by an assignment'],
    ['role', 'by a role change'],
    ['drift', 'from a Slack profile'],
  ] as const)('source %s reads "%s"', (source, words) => {
    expect(textOf(page([change(1, { source })]), 'change_0')).toContain(words);
  });

  describe('a change of a role says what happened to it, in words', () => {
    const role = (
      source: ChangeRecord['source'],
      assignment: NonNullable<ChangeRecord['assignment']>,
      changes: ChangeRecord['changes'] = [],
    ) => textOf(page([change(1, { source, assignment, changes })]), 'change_0');
    const ON_PARTNER = { assignmentId: 'asg_1', partnerId: 'ptn_abc123' };

    test('add: the role it was added with; the new values are still listed', () => {
      expect(
        role(
          'add',
          {
            assignmentId: 'asg_1',
            partnerId: null,
            roleBefore: null,
            roleAfter: 'account_manager',
          },
          [{ field: 'email', before: undefined, after: 'priya.raman@example.com' }],
        ),
      ).toBe(
        `<@U0ALICE> · ${AT_TOKEN} · by adding the contact\nadded with the role *Account manager*\n• *Email*: priya.raman@example.com`,
      );
    });

    test('assign: the role on the partner', () => {
      expect(role('assign', { ...ON_PARTNER, roleBefore: null, roleAfter: 'csm' })).toBe(
        `<@U0ALICE> · ${AT_TOKEN} · by an assignment\nmade *CSM* for partner \`ptn_abc123\``,
      );
    });

    test('role: the old role → the new one; no "no field changed"', () => {
      const text = role('role', { ...ON_PARTNER, roleBefore: 'csm', roleAfter: 'lead' });
      expect(text).toBe(
        `<@U0ALICE> · ${AT_TOKEN} · by a role change\nrole for partner \`ptn_abc123\`: CSM → Lead`,
      );
      expect(text).not.toContain('_no field changed_');
    });

    test('undo of a role change: back to the old role, and the one taken back', () => {
      const text = textOf(
        page([
          change(2, {
            source: 'undo',
            undoes: 1,
            changes: [],
            assignment: { ...ON_PARTNER, roleBefore: 'lead', roleAfter: 'csm' },
          }),
        ]),
        'change_0',
      );
      expect(text).toBe(
        `<@U0ALICE> · ${AT_TOKEN} · with Undo (taking back an earlier change)\nrole for partner \`ptn_abc123\` back to CSM (was Lead)`,
      );
    });

    test('a role Stuut added since, and a partner id with markup, are escaped', () => {
      const message = page([
        change(1, {
          source: 'role',
          changes: [],
          assignment: {
            assignmentId: 'asg_1',
            partnerId: '<!channel>',
            roleBefore: '<@U0EVE>',
            roleAfter: 'r&d',
          },
        }),
      ]);
      expectValid(message);
      expect(textOf(message, 'change_0')).toContain(
        'role for partner `&lt;!channel&gt;`: &lt;@U0EVE&gt; → r&amp;d',
      );
    });

    test('an old record (no assignment) is shown as before', () => {
      expect(textOf(page([change(1, { assignment: null })]), 'change_0')).toBe(
        `<@U0ALICE> · ${AT_TOKEN} · with the form\n• *Phone*: +1 415 555 0100 → +1 212 555 0147`,
      );
    });
  });

  test('a change of no field says so', () => {
    expect(textOf(page([change(1, { changes: [] })]), 'change_0')).toContain('_no field changed_');
  });

  test('"Older" carries the contact and the oldest change shown, when there are older ones', () => {
    const changes = Array.from({ length: HISTORY_PAGE }, (_, i) => change(40 - i));
    const message = page(changes, { hasOlder: true });
    expectValid(message);
    const paging = blocksOf(message).find((b) => b.block_id === 'paging');
    const button = paging?.elements?.[0];
    expect(button?.action_id).toBe(ACTION_ID.olderHistory);
    expect(button?.text?.text).toBe('Older');
    expect(decodeHistoryButton(button?.value ?? '')).toEqual({ contactId: ID, beforeId: 31 });
    expect(page(changes, { hasOlder: false }).blocks.some((b) => b.block_id === 'paging')).toBe(
      false,
    );
  });

  test('a later page is headed "Older changes"', () => {
    expect(textOf(page([change(1)], { older: true }), 'heading')).toBe(
      'Older changes of *Priya Raman*, newest first:',
    );
  });

  test('no recorded change: says so, and when history starts; no older ones on a later page', () => {
    const none = page([]);
    expectValid(none);
    expect(none.text).toContain('no recorded changes of *Priya Raman* yet');
    expect(none.text).toContain('from the moment they are saved through this bot');
    const noOlder = page([], { older: true, hasOlder: true });
    expectValid(noOlder);
    expect(noOlder.text).toBe('No older changes of *Priya Raman* are kept.');
    expect(noOlder.blocks.some((b) => b.block_id === 'paging')).toBe(false);
  });

  test('more changes than a page shows only a page', () => {
    const changes = Array.from({ length: HISTORY_PAGE + 3 }, (_, i) => change(100 - i));
    const sections = blocksOf(page(changes)).filter((b) => b.block_id?.startsWith('change_'));
    expect(sections).toHaveLength(HISTORY_PAGE);
  });

  describe('markup in names and values is shown, never interpreted', () => {
    const evil = '<!channel> & <@U0EVE> <https://evil.example|bank>';
    const escaped = '&lt;!channel&gt; &amp; &lt;@U0EVE&gt; &lt;https://evil.example|bank&gt;';

    test('in the contact name (heading and fallback)', () => {
      const message = historyMessage({
        contactId: ID,
        name: evil,
        changes: [change(1)],
        hasOlder: false,
        older: false,
      });
      expectValid(message);
      expect(textOf(message, 'heading')).toContain(`*${escaped}*`);
      expect(message.text).toBe(`1 changes of ${escaped}.`);
      const empty = historyMessage({
        contactId: ID,
        name: evil,
        changes: [],
        hasOlder: false,
        older: false,
      });
      expectValid(empty);
      expect(empty.text).toContain(escaped);
    });

    test('in the values before and after', () => {
      const message = page([
        change(1, { changes: [{ field: 'job_title', before: evil, after: `${evil}!` }] }),
      ]);
      expectValid(message);
      expect(textOf(message, 'change_0')).toContain(`${escaped} → ${escaped}!`);
    });

    test('a stored user id that is not one is shown as text, not as a mention', () => {
      const message = page([change(1, { slackUser: '<!here>' })]);
      expectValid(message);
      expect(textOf(message, 'change_0')).toMatch(/^&lt;!here&gt; · /);
    });
  });

  test('the longest values on a full page stay within Slack limits', () => {
    const long = '&<>'.repeat(85);
    const changes = Array.from({ length: HISTORY_PAGE }, (_, i) =>
      change(50 - i, {
        changes: (['given_name', 'family_name', 'name', 'job_title'] as const).map((field) => ({
          field,
          before: long,
          after: `${long}x`,
        })),
      }),
    );
    const message = historyMessage({
      contactId: 'x'.repeat(128),
      name: long,
      changes,
      hasOlder: true,
      older: true,
    });
    expectValid(message);
  });
});
