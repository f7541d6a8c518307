import type { DriftDifference, DriftProposal } from '../../../src/book/book';
import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { ACTION_ID } from '../../../src/slack/ids';
import type { SlackMessage } from '../../../src/slack/messages/confirmation';
import {
  DIGEST_LIMIT,
  DRIFT_LIST_LIMIT,
  digestMessage,
  driftListMessage,
  driftProgressMessage,
  proposalMessage,
} from '../../../src/slack/messages/drift';

const MEMBER = 'U0PRIYA';
const ALICE = 'U0ALICE';
const CONTACT = 'ic_7Qm2xK9a';
const DECIDED_AT = new Date('2025-03-14T09:26:53.589Z');
const DATE_TOKEN = '<!date^1741944413^';

const TITLE: DriftDifference = {
  field: 'job_title',
  slack: 'VP, Customer Success',
  stuut: 'Customer Success Manager',
};
const PHONE: DriftDifference = { field: 'phone', slack: '+12125550147', stuut: '+14155550100' };
/** Every run of digits either phone could show as. */
const PHONE_DIGITS = ['2125550147', '212 555 0147', '4155550100', '415 555 0100', '0147', '0100'];

function proposal(more: Partial<DriftProposal> = {}): DriftProposal {
  return {
    id: 42,
    contactId: CONTACT,
    slackUserId: MEMBER,
    differences: [TITLE],
    fingerprint: '[["job_title","vp, customer success"]]',
    status: 'open',
    posted: 'message',
    channel: 'C0UPDATES',
    messageTs: '1741944413.000100',
    createdAt: DECIDED_AT,
    decidedBy: null,
    decidedAt: null,
    ...more,
  };
}

interface Text {
  type: string;
  text: string;
}
interface Element {
  type: string;
  text?: Text | string;
  action_id?: string;
  value?: string;
  style?: string;
}
interface Block {
  type: string;
  block_id?: string;
  text?: Text;
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

function hasBlock(message: SlackMessage, id: string): boolean {
  return blocksOf(message).some((b) => b.block_id === id);
}

function buttons(message: SlackMessage): Element[] {
  return blocksOf(message).flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
    ...(b.accessory ? [b.accessory] : []),
  ]);
}

/** Every mrkdwn text object, wherever it sits. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

/** Slack's checks, no crowd pinged, texts within limits, and never the member mentioned. */
function expectSound(message: SlackMessage): void {
  expect(validateMessage(message)).toEqual([]);
  expect(broadcastMentions(message)).toEqual([]);
  expect(message.text.trim()).not.toBe('');
  expect([...message.text].length).toBeLessThanOrEqual(40000);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const text of mrkdwnTexts(message.blocks)) {
    expect([...text].length).toBeGreaterThan(0);
    expect([...text].length).toBeLessThanOrEqual(3000);
  }
  for (const button of buttons(message)) {
    expect((button.value ?? '').length).toBeLessThanOrEqual(2000);
    expect([...((button.text as Text | undefined)?.text ?? '')].length).toBeLessThanOrEqual(75);
  }
  const all = JSON.stringify(message);
  expect(all).not.toContain(`<@${MEMBER}`);
}

/** The only markup left is the bot's own: the decider's mention and date tokens. */
function expectOnlyOwnMarkup(message: SlackMessage): void {
  const markup = JSON.stringify(message).match(/<[^>]*>/g) ?? [];
  for (const tag of markup) expect(tag).toMatch(/^<(@U0ALICE|!date\^\d+\^[^>]*)>$/);
}

const INJECTIONS = [
  '<!channel>',
  '<!here>',
  '<@U999>',
  `<@${MEMBER}>`,
  '<!subteam^S1>',
  '<https://x|y>',
  '<#C1>',
];

describe('proposalMessage: open', () => {
  const open = (more: Partial<Parameters<typeof proposalMessage>[0]> = {}) =>
    proposalMessage({
      proposal: proposal(),
      contactName: 'Priya Raman',
      memberName: 'priya',
      shared: false,
      ...more,
    });

  test('says what Slack has and what Stuut has, in the issue’s words', () => {
    const message = open();
    expect(block(message, 'proposal').text?.text).toBe(
      ":arrows_counterclockwise: Priya Raman's Slack profile says *VP, Customer Success*; Stuut has *Customer Success Manager*.",
    );
    expect(message.text).toBe(
      "Priya Raman's Slack profile says *VP, Customer Success*; Stuut has *Customer Success Manager*.",
    );
    expectSound(message);
  });

  test('one line per difference; the phone in international format', () => {
    const message = open({ proposal: proposal({ differences: [TITLE, PHONE] }) });
    const lines = (block(message, 'proposal').text?.text ?? '').split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      "Priya Raman's Slack profile says *+1 212 555 0147*; Stuut has *+1 415 555 0100*.",
    );
    expect(block(message, 'meta').elements?.[0]?.text).toContain('job title and phone');
    expectSound(message);
  });

  test('an empty Stuut value says Stuut has none', () => {
    const message = open({
      proposal: proposal({
        differences: [
          { ...TITLE, stuut: null },
          { ...PHONE, stuut: null },
        ],
      }),
    });
    const text = block(message, 'proposal').text?.text ?? '';
    expect(text).toContain('says *VP, Customer Success*; Stuut has none.');
    expect(text).toContain('says *+1 212 555 0147*; Stuut has none.');
  });

  test('Apply (primary) and Dismiss, each carrying the proposal id', () => {
    const message = open();
    const actions = block(message, 'actions').elements ?? [];
    expect(actions.map((b) => [b.action_id, b.value, b.style])).toEqual([
      [ACTION_ID.applyDrift, '42', 'primary'],
      [ACTION_ID.dismissDrift, '42', undefined],
    ]);
    expect(actions.map((b) => (b.text as Text).text)).toEqual(['Apply', 'Dismiss']);
    expect(hasBlock(message, 'decided')).toBe(false);
  });

  test('names the member in plain text, never as a mention', () => {
    const message = open();
    const meta = block(message, 'meta').elements?.[0]?.text as string;
    expect(meta).toContain('From the Slack profile of priya');
    expect(meta).toContain(`\`${CONTACT}\``);
    expect(JSON.stringify(message)).not.toContain('<@');
  });

  test('a contact without a name is named by its id', () => {
    const message = open({ contactName: '  ' });
    expect(message.text).toContain(`contact \`${CONTACT}\`'s Slack profile says`);
  });

  test.each(INJECTIONS)('a name, member name or title of %j is escaped', (evil) => {
    const message = open({
      contactName: `${evil} Raman`,
      memberName: evil,
      proposal: proposal({
        differences: [{ field: 'job_title', slack: `*x* ${evil}`, stuut: evil }],
      }),
    });
    const all = JSON.stringify(message);
    expect(all).not.toContain(evil);
    expect(all).toContain(evil.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expectOnlyOwnMarkup(message);
    expectSound(message);
  });

  test('an & is escaped, including one that looks like an entity', () => {
    const message = open({
      proposal: proposal({ differences: [{ ...TITLE, slack: 'R&D &lt;b&gt;' }] }),
    });
    expect(message.text).toContain('R&amp;D &amp;lt;b&amp;gt;');
  });

  test.each([
    ['255 characters that escape', '<'.repeat(255)],
    ['255 ampersands', '&'.repeat(255)],
    ['255 emoji', '😀'.repeat(255)],
  ])('names and values of %s stay within Slack’s limits', (_what, fill) => {
    const message = open({
      contactName: fill,
      memberName: fill,
      proposal: proposal({
        contactId: 'ic_'.padEnd(255, 'x'),
        differences: [
          { field: 'job_title', slack: fill, stuut: fill },
          { field: 'phone', slack: fill, stuut: fill },
        ],
      }),
    });
    expectSound(message);
    for (const text of mrkdwnTexts(message.blocks)) expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });
});

describe('proposalMessage: decided', () => {
  test.each<['applied' | 'dismissed', string]>([
    ['applied', `:white_check_mark: Applied by <@${ALICE}> ${DATE_TOKEN}`],
    ['dismissed', `:no_entry_sign: Dismissed by <@${ALICE}> ${DATE_TOKEN}`],
  ])('%s: no buttons, and who decided when', (status, start) => {
    const message = proposalMessage({
      proposal: proposal({ status }),
      contactName: 'Priya Raman',
      memberName: 'priya',
      shared: false,
      decided: { status, by: ALICE, at: DECIDED_AT },
    });
    expect(buttons(message)).toEqual([]);
    expect(hasBlock(message, 'actions')).toBe(false);
    expect(block(message, 'decided').elements?.[0]?.text).toMatch(
      new RegExp(`^${start.replace(/[\^$*+?.()|[\]{}\\]/g, '\\$&')}`),
    );
    // The differences stay, so the channel sees what was decided.
    expect(block(message, 'proposal').text?.text).toContain('*VP, Customer Success*');
    expectSound(message);
    expectOnlyOwnMarkup(message);
  });

  test('without `decided`, the proposal’s own decision is used', () => {
    const message = proposalMessage({
      proposal: proposal({ status: 'dismissed', decidedBy: ALICE, decidedAt: DECIDED_AT }),
      contactName: 'Priya Raman',
      memberName: 'priya',
      shared: false,
    });
    expect(block(message, 'decided').elements?.[0]?.text).toContain(`Dismissed by <@${ALICE}>`);
    expect(buttons(message)).toEqual([]);
  });

  test('a decided proposal with no decider recorded still shows no buttons', () => {
    const message = proposalMessage({
      proposal: proposal({ status: 'applied' }),
      contactName: 'Priya Raman',
      memberName: 'priya',
      shared: false,
      decided: null,
    });
    expect(buttons(message)).toEqual([]);
    expect(block(message, 'decided').elements?.[0]?.text).toBe(':white_check_mark: Applied');
    expectSound(message);
  });

  test('a decider id that is not a user id is not turned into a mention', () => {
    const message = proposalMessage({
      proposal: proposal({ status: 'applied' }),
      contactName: 'Priya Raman',
      memberName: 'priya',
      shared: false,
      decided: { status: 'applied', by: '<!channel>', at: DECIDED_AT },
    });
    expect(broadcastMentions(message)).toEqual([]);
    expect(JSON.stringify(message)).toContain('&lt;!channel&gt;');
  });
});

describe('proposalMessage: a channel shared with another organisation', () => {
  const shared = (more: Partial<Parameters<typeof proposalMessage>[0]> = {}) =>
    proposalMessage({
      proposal: proposal({ differences: [TITLE, PHONE] }),
      contactName: 'Priya Raman',
      memberName: 'priya',
      shared: true,
      ...more,
    });

  test('no phone number anywhere: text, blocks or button values', () => {
    for (const decided of [null, { status: 'applied' as const, by: ALICE, at: DECIDED_AT }]) {
      const message = shared({ decided });
      const all = JSON.stringify(message);
      for (const digits of PHONE_DIGITS) expect(all).not.toContain(digits);
      expect(all).not.toMatch(/\+1/);
      expectSound(message);
    }
  });

  test('says the phone differs, and shows the title', () => {
    const lines = (block(shared(), 'proposal').text?.text ?? '').split('\n');
    expect(lines).toEqual([
      ":arrows_counterclockwise: Priya Raman's Slack profile says *VP, Customer Success*; Stuut has *Customer Success Manager*.",
      "Priya Raman's Slack profile has a different phone number than Stuut.",
    ]);
  });

  test('a phone-only proposal shows no number either, and still has its buttons', () => {
    const message = shared({ proposal: proposal({ differences: [PHONE] }) });
    expect(message.text).toBe(
      "Priya Raman's Slack profile has a different phone number than Stuut.",
    );
    expect(buttons(message).map((b) => b.value)).toEqual(['42', '42']);
  });

  test('a name or member name that is a phone number or an email is not shown', () => {
    const message = shared({
      contactName: 'Priya +1 212 555 0147',
      memberName: 'priya@example.com',
    });
    const all = JSON.stringify(message);
    for (const digits of PHONE_DIGITS) expect(all).not.toContain(digits);
    expect(all).not.toContain('priya@example.com');
    expect(message.text).toContain(`contact \`${CONTACT}\``);
    expect(block(message, 'meta').elements?.[0]?.text).toMatch(/^From their Slack profile/);
  });
});

function entries(count: number, more: (i: number) => Partial<DriftProposal> = () => ({})) {
  return Array.from({ length: count }, (_, i) => ({
    proposal: proposal({ id: i + 1, differences: [TITLE, PHONE], ...more(i) }),
    contactName: `Person ${String.fromCharCode(65 + (i % 26))}`,
  }));
}

describe('digestMessage', () => {
  test('heads the list with the count and the hourly limit', () => {
    const message = digestMessage({ entries: entries(3), shared: false, max: 10 });
    expect(block(message, 'heading').text?.text).toBe(
      ':arrows_counterclockwise: More Slack profiles differ from Stuut this hour (3). Only 10 proposals are posted an hour; these are listed here instead.',
    );
    expect(message.text).toBe('More Slack profiles differ from Stuut this hour (3).');
    expectSound(message);
  });

  test('one compact section per entry, with Apply and Dismiss under each open one', () => {
    const message = digestMessage({ entries: entries(2), shared: false, max: 10 });
    const entry = block(message, 'entry_0');
    expect(entry.text?.text).toBe(
      '*Person A*: job title *VP, Customer Success* in Slack, *Customer Success Manager* in Stuut; phone *+1 212 555 0147* in Slack, *+1 415 555 0100* in Stuut',
    );
    expect(entry.accessory).toBeUndefined();
    expect(blocksOf(message).map((b) => b.block_id)).toEqual([
      'heading',
      'how',
      'entry_0',
      'actions_0',
      'entry_1',
      'actions_1',
    ]);
    expect(block(message, 'actions_0')).toMatchObject({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_ID.applyDrift,
          value: '1',
          style: 'primary',
          text: { type: 'plain_text', text: 'Apply' },
        },
        {
          type: 'button',
          action_id: ACTION_ID.dismissDrift,
          value: '1',
          text: { type: 'plain_text', text: 'Dismiss' },
        },
      ],
    });
    expect(block(message, 'actions_1').elements?.map((e) => [e.action_id, e.value])).toEqual([
      [ACTION_ID.applyDrift, '2'],
      [ACTION_ID.dismissDrift, '2'],
    ]);
    expect(block(message, 'how').elements?.[0]?.text).toContain('*Apply* opens the update form');
    expectSound(message);
  });

  test('every button decodes to its proposal id', () => {
    const list = entries(30);
    const message = digestMessage({ entries: list, shared: false, max: 10 });
    const ids = new Set(list.map((e) => e.proposal.id));
    const all = buttons(message);
    expect(all.length).toBe(2 * DIGEST_LIMIT);
    for (const b of all) {
      expect([ACTION_ID.applyDrift, ACTION_ID.dismissDrift]).toContain(b.action_id);
      expect(b.value).toMatch(/^[1-9][0-9]*$/);
      expect(ids.has(Number(b.value))).toBe(true);
    }
    for (const actionId of [ACTION_ID.applyDrift, ACTION_ID.dismissDrift]) {
      expect(all.filter((b) => b.action_id === actionId).map((b) => Number(b.value))).toEqual(
        list.slice(0, DIGEST_LIMIT).map((e) => e.proposal.id),
      );
    }
  });

  test('decided entries are marked, without a button', () => {
    const list = entries(3, (i) =>
      i === 0
        ? { status: 'applied', decidedBy: ALICE, decidedAt: DECIDED_AT }
        : i === 1
          ? { status: 'dismissed', decidedBy: ALICE, decidedAt: DECIDED_AT }
          : {},
    );
    const message = digestMessage({ entries: list, shared: false, max: 10 });
    expect(block(message, 'entry_0').accessory).toBeUndefined();
    expect(hasBlock(message, 'actions_0')).toBe(false);
    expect(block(message, 'entry_0').text?.text).toContain(
      `:white_check_mark: Applied by <@${ALICE}>`,
    );
    expect(block(message, 'entry_1').accessory).toBeUndefined();
    expect(hasBlock(message, 'actions_1')).toBe(false);
    expect(block(message, 'entry_1').text?.text).toContain(
      `:no_entry_sign: Dismissed by <@${ALICE}>`,
    );
    expect(block(message, 'actions_2').elements?.map((e) => e.action_id)).toEqual([
      ACTION_ID.applyDrift,
      ACTION_ID.dismissDrift,
    ]);
    expect(buttons(message).every((b) => b.value === '3')).toBe(true);
    // Decided without a recorded decider: marked, still without buttons.
    const unknown = digestMessage({
      entries: entries(2, (i) => ({ status: i === 0 ? 'applied' : 'dismissed' })),
      shared: false,
      max: 10,
    });
    expect(buttons(unknown)).toEqual([]);
    expect(block(unknown, 'entry_0').text?.text).toContain(':white_check_mark: Applied');
    expect(block(unknown, 'entry_1').text?.text).toContain(':no_entry_sign: Dismissed');
    expectSound(message);
    expectSound(unknown);
  });

  test('a shared channel sees no phone numbers', () => {
    const message = digestMessage({ entries: entries(5), shared: true, max: 10 });
    const all = JSON.stringify(message);
    for (const digits of PHONE_DIGITS) expect(all).not.toContain(digits);
    expect(buttons(message)).toHaveLength(10);
    expect(block(message, 'entry_0').text?.text).toBe(
      '*Person A*: job title *VP, Customer Success* in Slack, *Customer Success Manager* in Stuut; a different phone number in Slack',
    );
    expectSound(message);
  });

  test.each([false, true])(
    '200 entries fit in 50 blocks (shared: %s), the rest counted',
    (shared) => {
      const message = digestMessage({ entries: entries(200), shared, max: 10 });
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      const listed = blocksOf(message).filter((b) => b.block_id?.startsWith('entry_'));
      expect(listed).toHaveLength(DIGEST_LIMIT);
      expect(blocksOf(message).filter((b) => b.type === 'actions')).toHaveLength(DIGEST_LIMIT);
      if (shared) {
        const all = JSON.stringify(message);
        for (const digits of PHONE_DIGITS) expect(all).not.toContain(digits);
      }
      expect(block(message, 'more').elements?.[0]?.text).toBe(
        `and ${200 - DIGEST_LIMIT} more: run \`/contact drift\``,
      );
      expect(block(message, 'heading').text?.text).toContain('(200)');
      expectSound(message);
    },
  );

  test('lists them all up to one past the limit; beyond, the limit and a count of the rest', () => {
    for (const count of [1, DIGEST_LIMIT, DIGEST_LIMIT + 1, DIGEST_LIMIT + 2, 49, 50, 200]) {
      const message = digestMessage({ entries: entries(count), shared: false, max: 10 });
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      const listed = blocksOf(message).filter((b) => b.block_id?.startsWith('entry_')).length;
      if (count <= DIGEST_LIMIT + 1) {
        // Never "and 1 more": the line would take the block the entry needs.
        expect(listed).toBe(count);
        expect(hasBlock(message, 'more')).toBe(false);
      } else {
        expect(listed).toBe(DIGEST_LIMIT);
        expect(block(message, 'more').elements?.[0]?.text).toContain(`and ${count - listed} more`);
      }
      expectSound(message);
    }
  });

  test.each(INJECTIONS)('names and titles of %j are escaped', (evil) => {
    const list = entries(2).map((entry) => ({
      contactName: evil,
      proposal: { ...entry.proposal, differences: [{ ...TITLE, slack: evil, stuut: `*${evil}*` }] },
    }));
    for (const shared of [false, true]) {
      const message = digestMessage({ entries: list, shared, max: 10 });
      expect(JSON.stringify(message)).not.toContain(evil);
      expectOnlyOwnMarkup(message);
      expectSound(message);
    }
  });

  test('the worst case, every listed entry open, is exactly within 50 blocks', () => {
    // One past the limit is listed rather than counted: 2 + 2 × (DIGEST_LIMIT + 1) blocks.
    const message = digestMessage({ entries: entries(DIGEST_LIMIT + 1), shared: false, max: 10 });
    expect(message.blocks.length).toBe(2 + 2 * (DIGEST_LIMIT + 1));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const counted = digestMessage({ entries: entries(DIGEST_LIMIT + 2), shared: false, max: 10 });
    expect(counted.blocks.length).toBe(2 + 2 * DIGEST_LIMIT + 1);
  });

  test('worst-case values stay within Slack’s limits', () => {
    const fill = '<'.repeat(255);
    const list = entries(200).map((entry) => ({
      contactName: fill,
      proposal: {
        ...entry.proposal,
        differences: [
          { field: 'job_title' as const, slack: fill, stuut: fill },
          { field: 'phone' as const, slack: fill, stuut: fill },
        ],
      },
    }));
    expectSound(digestMessage({ entries: list, shared: false, max: 10 }));
    expectSound(digestMessage({ entries: list, shared: true, max: 10 }));
  });
});

describe('driftListMessage', () => {
  test('heading counts what was checked, linked and differing; phones show', () => {
    const message = driftListMessage({
      entries: entries(3),
      checked: 120,
      linked: 40,
      hasMore: false,
      lastId: 3,
    });
    expect(block(message, 'heading').text?.text).toBe(
      'Checked 120 members, 40 linked to contacts: 3 differ from Stuut.',
    );
    expect(message.text).toBe('Checked 120 members, 40 linked to contacts: 3 differ from Stuut.');
    expect(block(message, 'entry_0').text?.text).toContain('*+1 212 555 0147*');
    expect(block(message, 'entry_0').accessory).toMatchObject({
      action_id: ACTION_ID.applyDrift,
      value: '1',
    });
    expect(buttons(message).some((b) => b.action_id === ACTION_ID.moreDrift)).toBe(false);
    expectSound(message);
  });

  test('singulars read right', () => {
    const message = driftListMessage({
      entries: entries(1),
      checked: 1,
      linked: 1,
      hasMore: false,
      lastId: 1,
    });
    expect(message.text).toBe('Checked 1 member, 1 linked to a contact: 1 differs from Stuut.');
  });

  test('More, carrying the last id, when there are more', () => {
    const message = driftListMessage({
      entries: entries(10),
      checked: 5000,
      linked: 900,
      hasMore: true,
      lastId: 10,
    });
    const more = block(message, 'more').elements ?? [];
    expect(more.map((b) => [b.action_id, b.value, (b.text as Text).text])).toEqual([
      [ACTION_ID.moreDrift, '10', 'More'],
    ]);
    expect(message.text).toBe(
      'Checked 5000 members, 900 linked to contacts: more than 10 differ from Stuut. Here are 10.',
    );
    expectSound(message);
  });

  test('200 entries fit in 50 blocks; More continues after the last one listed', () => {
    const message = driftListMessage({
      entries: entries(200),
      checked: 10000,
      linked: 3000,
      hasMore: false,
      lastId: 200,
    });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const listed = blocksOf(message).filter((b) => b.block_id?.startsWith('entry_'));
    expect(listed).toHaveLength(DRIFT_LIST_LIMIT);
    expect(block(message, 'more').elements?.[0]?.value).toBe(String(DRIFT_LIST_LIMIT));
    expectSound(message);
  });

  test('200 entries with more to come still fit', () => {
    const message = driftListMessage({
      entries: entries(200),
      checked: 10000,
      linked: 3000,
      hasMore: true,
      lastId: 200,
    });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(block(message, 'more').elements?.[0]?.value).toBe(String(DRIFT_LIST_LIMIT));
    expectSound(message);
  });

  test('decided entries are marked without Apply', () => {
    const message = driftListMessage({
      entries: entries(2, (i) =>
        i === 0 ? { status: 'applied', decidedBy: ALICE, decidedAt: DECIDED_AT } : {},
      ),
      checked: 2,
      linked: 2,
      hasMore: false,
      lastId: 2,
    });
    expect(block(message, 'entry_0').accessory).toBeUndefined();
    expect(block(message, 'entry_0').text?.text).toContain('Applied by');
    expect(block(message, 'entry_1').accessory?.action_id).toBe(ACTION_ID.applyDrift);
  });

  test('nothing differs: says every linked profile matches', () => {
    const message = driftListMessage({
      entries: [],
      checked: 120,
      linked: 40,
      hasMore: false,
      lastId: null,
    });
    expect(message.text).toBe(
      "Checked 120 members, 40 linked to contacts. Every linked member's Slack profile matches Stuut.",
    );
    expect(buttons(message)).toEqual([]);
    expectSound(message);
  });

  test('nobody linked: says so rather than that all match', () => {
    const message = driftListMessage({
      entries: [],
      checked: 12,
      linked: 0,
      hasMore: false,
      lastId: null,
    });
    expect(message.text).toContain('Checked 12 members, 0 linked to contacts.');
    expect(message.text).toContain('none is yet');
    expectSound(message);
  });

  test.each(INJECTIONS)('names and titles of %j are escaped', (evil) => {
    const list = entries(2).map((entry) => ({
      contactName: evil,
      proposal: { ...entry.proposal, differences: [{ ...TITLE, slack: evil, stuut: evil }] },
    }));
    const message = driftListMessage({
      entries: list,
      checked: 2,
      linked: 2,
      hasMore: false,
      lastId: 2,
    });
    expect(JSON.stringify(message)).not.toContain(evil);
    expectOnlyOwnMarkup(message);
    expectSound(message);
  });
});

describe('driftProgressMessage', () => {
  test('says how far the check has got', () => {
    const message = driftProgressMessage({ checked: 1200, total: null, differing: 7 });
    expect(message.text).toBe(
      ':hourglass_flowing_sand: Checking Slack profiles… 1200 members so far, 7 differing from Stuut…',
    );
    expect(block(message, 'progress').text?.text).toBe(message.text);
    expectSound(message);
  });

  test('with a total, and in the singular', () => {
    expect(driftProgressMessage({ checked: 1, total: 10000, differing: 0 }).text).toBe(
      ':hourglass_flowing_sand: Checking Slack profiles… 1 member so far (of 10000), 0 differing from Stuut…',
    );
  });
});

describe('driftListMessage: a page after More', () => {
  test('lists the next proposals without the check counts, with More while there are more', () => {
    const message = driftListMessage({
      entries: entries(3),
      checked: null,
      linked: null,
      hasMore: true,
      lastId: 99,
    });
    expectSound(message);
    expect(message.text).toContain('More Slack profiles that differ from Stuut (3');
    expect(message.text).not.toContain('Checked');
    const more = buttons(message).find((b) => b.action_id === ACTION_ID.moreDrift);
    expect(more?.value).toBe('99');
  });

  test('says when nothing is left', () => {
    const message = driftListMessage({
      entries: [],
      checked: null,
      linked: null,
      hasMore: false,
      lastId: null,
    });
    expectSound(message);
    expect(message.text).toBe('No more Slack profiles differ from Stuut.');
    expect(buttons(message)).toEqual([]);
  });
});
