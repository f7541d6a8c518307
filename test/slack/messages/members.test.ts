import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { ACTION_ID } from '../../../src/slack/ids';
import type { SlackMessage } from '../../../src/slack/messages/confirmation';
import {
  linkingOffMessage,
  notLinkedMessage,
  subjectNoticeMessage,
} from '../../../src/slack/messages/members';

const MEMBER = 'U0PRIYA';
const ALICE = 'U0ALICE';

interface Text {
  type: string;
  text: string;
}
interface Block {
  type: string;
  block_id?: string;
  text?: Text;
  elements?: { type: string; text?: Text | string; action_id?: string; value?: string }[];
}

function blocksOf(message: SlackMessage): Block[] {
  return message.blocks as unknown as Block[];
}

function block(message: SlackMessage, id: string): Block {
  const found = blocksOf(message).find((b) => b.block_id === id);
  if (!found) throw new Error(`no block ${id}`);
  return found;
}

function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

function expectSound(message: SlackMessage): void {
  expect(validateMessage(message)).toEqual([]);
  expect(broadcastMentions(message)).toEqual([]);
  expect(message.text.trim()).not.toBe('');
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const text of mrkdwnTexts(message.blocks)) {
    expect([...text].length).toBeGreaterThan(0);
    expect([...text].length).toBeLessThanOrEqual(3000);
  }
}

const INJECTIONS = ['<!channel>', '<!here>', '<@U999>', '<!subteam^S1>', '<https://x|y>', '*x*'];

describe('notLinkedMessage', () => {
  const model = {
    userId: MEMBER,
    memberName: 'priya',
    email: 'priya.raman@example.com',
    canAdd: true,
  };

  test('says the member is linked to no contact, with their Slack email', () => {
    const message = notLinkedMessage(model);
    expect(message.text).toBe(
      `<@${MEMBER}> (priya) is not linked to any contact: no contact in the book has their Slack email, priya.raman@example.com.`,
    );
    expect(block(message, 'not_linked').text?.text).toBe(message.text);
    expectSound(message);
  });

  test('Add them to Stuut, carrying the member’s id', () => {
    const elements = block(notLinkedMessage(model), 'actions').elements ?? [];
    expect(elements).toEqual([
      {
        type: 'button',
        action_id: ACTION_ID.addMember,
        text: { type: 'plain_text', text: 'Add them to Stuut', emoji: true },
        value: MEMBER,
      },
    ]);
  });

  test('no Add for someone who may not add', () => {
    const message = notLinkedMessage({ ...model, canAdd: false });
    expect(blocksOf(message).some((b) => b.type === 'actions')).toBe(false);
    expectSound(message);
  });

  test('an id that is not a member id gets no button and no mention', () => {
    const message = notLinkedMessage({ ...model, userId: '<!channel>' });
    expect(blocksOf(message).some((b) => b.type === 'actions')).toBe(false);
    expect(message.text).toContain('&lt;!channel&gt;');
    expectSound(message);
  });

  test('an Enterprise Grid id works as any other', () => {
    const message = notLinkedMessage({ ...model, userId: 'W0GRID1' });
    expect(message.text).toMatch(/^<@W0GRID1> \(priya\)/);
    expect(block(message, 'actions').elements?.[0]?.value).toBe('W0GRID1');
  });

  test.each([null, '', '  '])('no email from Slack (%j): says so', (email) => {
    const message = notLinkedMessage({ ...model, email });
    expect(message.text).toBe(
      `<@${MEMBER}> (priya) is not linked to any contact: Slack did not share their email.`,
    );
    expectSound(message);
  });

  test('no member name: no empty parentheses', () => {
    expect(notLinkedMessage({ ...model, memberName: ' ' }).text).toMatch(
      new RegExp(`^<@${MEMBER}> is not linked`),
    );
  });

  test.each(INJECTIONS)('a member name or email of %j is escaped', (evil) => {
    const message = notLinkedMessage({ ...model, memberName: evil, email: `${evil}@example.com` });
    const all = JSON.stringify(message);
    if (evil.includes('<')) expect(all).not.toContain(evil);
    expect(message.text).toContain(evil.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    const markup = all.match(/<[^>]*>/g) ?? [];
    for (const tag of markup) expect(tag).toBe(`<@${MEMBER}>`);
    expectSound(message);
  });

  test('long names and emails stay within Slack’s limits', () => {
    const message = notLinkedMessage({
      ...model,
      memberName: '<'.repeat(5000),
      email: `${'&'.repeat(5000)}@example.com`,
    });
    expectSound(message);
    expect([...message.text].length).toBeLessThanOrEqual(3000);
  });
});

describe('linkingOffMessage', () => {
  test('explains the missing scope and what to do meanwhile', () => {
    const message = linkingOffMessage();
    expect(message.text).toBe(
      'Finding people by @mention needs the users:read.email scope, which this app does not have. Ask whoever runs the bot to reinstall it from manifest.yml; meanwhile use their name or email.',
    );
    expect(block(message, 'linking_off').text?.text).toBe(message.text);
    expectSound(message);
  });
});

describe('subjectNoticeMessage', () => {
  const model = {
    changerId: ALICE,
    contactName: 'Priya Raman',
    changes: [
      {
        field: 'job_title' as const,
        before: 'Customer Success Manager',
        after: 'VP, Customer Success',
      },
      { field: 'phone' as const, before: '+14155550100', after: '+12125550147' },
    ],
  };

  test('says who changed what, values included (it goes to the subject alone)', () => {
    const message = subjectNoticeMessage(model);
    expect(block(message, 'notice').text?.text).toBe(
      `:pencil2: <@${ALICE}> changed your contact in Stuut:\n` +
        '• *Job title*: Customer Success Manager → VP, Customer Success\n' +
        '• *Phone*: +1 415 555 0100 → +1 212 555 0147',
    );
    expect(message.text).toBe(`<@${ALICE}> changed your contact in Stuut (Priya Raman).`);
    expect(block(message, 'about').elements?.[0]?.text).toContain('*Priya Raman*');
    expectSound(message);
  });

  test('a change with an unknown before and a cleared field', () => {
    const message = subjectNoticeMessage({
      ...model,
      changes: [
        { field: 'job_title', before: undefined, after: 'VP' },
        { field: 'phone', before: '+14155550100', after: null },
      ],
    });
    expect(block(message, 'notice').text?.text).toContain('• *Job title*: VP');
    expect(block(message, 'notice').text?.text).toContain('→ _cleared_');
  });

  test('no changes listed: one sentence', () => {
    const message = subjectNoticeMessage({ ...model, changes: [] });
    expect(block(message, 'notice').text?.text).toBe(
      `:pencil2: <@${ALICE}> changed your contact in Stuut.`,
    );
    expectSound(message);
  });

  test.each(INJECTIONS)('a name or value of %j is escaped', (evil) => {
    const message = subjectNoticeMessage({
      changerId: ALICE,
      contactName: evil,
      changes: [{ field: 'job_title', before: evil, after: `R&D ${evil}` }],
    });
    const all = JSON.stringify(message);
    if (evil.includes('<')) expect(all).not.toContain(evil);
    const markup = all.match(/<[^>]*>/g) ?? [];
    for (const tag of markup) expect(tag).toBe(`<@${ALICE}>`);
    expectSound(message);
  });

  test('a changer id that is not a user id is not a mention', () => {
    const message = subjectNoticeMessage({ ...model, changerId: '<!here>' });
    expect(broadcastMentions(message)).toEqual([]);
    expect(message.text).toContain('&lt;!here&gt;');
  });

  test('worst-case values stay within Slack’s limits', () => {
    const fill = '<'.repeat(255);
    const message = subjectNoticeMessage({
      changerId: ALICE,
      contactName: fill,
      changes: (['email', 'given_name', 'family_name', 'name', 'phone', 'job_title'] as const).map(
        (field) => ({ field, before: fill, after: fill }),
      ),
    });
    expectSound(message);
  });
});
