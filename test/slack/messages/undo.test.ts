import type { KnownBlock } from '@slack/types';
import type { ChangeRecord } from '../../../src/book/history';
import type { FieldChange } from '../../../src/domain/diff';
import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { ACTION_ID } from '../../../src/slack/ids';
import { confirmationMessage, type SlackMessage } from '../../../src/slack/messages/confirmation';
import {
  markUndone,
  undoConfirmationMessage,
  undoFailedMessage,
  undoneOriginalMessage,
  undoRefusedMessage,
} from '../../../src/slack/messages/undo';
import { decodeOpenContactButton, decodeUndoButton } from '../../../src/slack/metadata';
import { sampleContact } from '../../fixtures';

const ID = 'ic_7Qm2xK9a';
const AT = new Date('2026-11-02T10:00:00.000Z');
const AT_TOKEN = `<!date^${AT.getTime() / 1000}^{date_short_pretty} at {time}|2026-11-02 10:00 UTC>`;

/** An undo of a phone and a title change: from the change's "after" back to its "before". */
const REVERTED: FieldChange[] = [
  { field: 'phone', before: '+12125550147', after: '+14155550100' },
  { field: 'job_title', before: null, after: 'Customer Success Manager' },
];

const EVIL = '<!channel> & <@U0EVE> <https://evil.example|bank>';
const EVIL_ESCAPED = '&lt;!channel&gt; &amp; &lt;@U0EVE&gt; &lt;https://evil.example|bank&gt;';

interface Block {
  type: string;
  block_id?: string;
  text?: { type: string; text: string };
  elements?: { type: string; action_id?: string; value?: string; text?: { text: string } }[];
}

const blocksOf = (message: { blocks: unknown[] }) => message.blocks as Block[];

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

/** Every text a reader sees (button values are not shown). */
const rendered = (message: SlackMessage) =>
  JSON.stringify(message, (key, value) => (key === 'value' ? '[button value]' : value));

function later(id: number, more: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id,
    contactId: ID,
    slackUser: 'U0CAROL',
    slackTeam: 'T0ACME',
    at: AT,
    source: 'form',
    changes: [{ field: 'phone', before: '+12125550147', after: '+16465550199' }],
    modifiedAt: null,
    undoes: null,
    undoneBy: null,
    versionAfter: 4,
    assignment: null,
    ...more,
  };
}

/** A contact known by this name (the undo messages take the contact, not a string). */
function contactNamed(name: string) {
  return {
    id: 'ic_7Qm2xK9a',
    email: 'priya@northwind.example',
    name,
    given_name: null,
    family_name: null,
  };
}

describe('undoConfirmationMessage', () => {
  const model = {
    undoerId: 'U0BOB',
    originalUserId: 'U0ALICE',
    contact: contactNamed('Priya Raman'),
    changes: REVERTED,
    shared: false,
  };

  test('names who undid whose change, and each field from its value back to the one before', () => {
    const message = undoConfirmationMessage(model);
    expectValid(message);
    expect(textOf(message, 'undo')).toBe(
      ":leftwards_arrow_with_hook: <@U0BOB> undid <@U0ALICE>'s change to *Priya Raman*:\n" +
        '• *Phone*: +1 212 555 0147 → +1 415 555 0100\n' +
        '• *Job title*: _empty_ → Customer Success Manager',
    );
    expect(message.text).toBe(
      "<@U0BOB> undid <@U0ALICE>'s change to Priya Raman: phone, job title.",
    );
  });

  test('undoing one’s own change says "their own"', () => {
    const message = undoConfirmationMessage({ ...model, undoerId: 'U0ALICE' });
    expect(message.text).toBe(
      '<@U0ALICE> undid their own change to Priya Raman: phone, job title.',
    );
  });

  test('a field cleared again reads as cleared', () => {
    const message = undoConfirmationMessage({
      ...model,
      changes: [{ field: 'name', before: 'P. Raman', after: null }],
    });
    expect(textOf(message, 'undo')).toContain('• *Full name*: P. Raman → _cleared_');
  });

  test('in a shared channel: the field names only, no value, and why', () => {
    const message = undoConfirmationMessage({ ...model, shared: true });
    expectValid(message);
    const all = rendered(message);
    expect(all).not.toMatch(/555/);
    expect(all).not.toContain('Customer Success Manager');
    expect(textOf(message, 'undo')).toBe(
      ":leftwards_arrow_with_hook: <@U0BOB> undid <@U0ALICE>'s change to *Priya Raman*: phone, job title.",
    );
    const context = blocksOf(message).find((b) => b.block_id === 'shared');
    expect(JSON.stringify(context)).toContain('shared with another organisation');
  });

  test('markup in the name and the values is shown, never interpreted', () => {
    const message = undoConfirmationMessage({
      ...model,
      contact: contactNamed(EVIL),
      changes: [{ field: 'job_title', before: EVIL, after: `${EVIL}!` }],
    });
    expectValid(message);
    expect(textOf(message, 'undo')).toContain(`*${EVIL_ESCAPED}*`);
    expect(textOf(message, 'undo')).toContain(`${EVIL_ESCAPED} → ${EVIL_ESCAPED}!`);
    expect(message.text).toContain(EVIL_ESCAPED);
    expect(message.text).not.toContain('<!channel>');
  });

  test('the longest name and values stay within Slack limits', () => {
    const long = '&<>'.repeat(85);
    const message = undoConfirmationMessage({
      ...model,
      contact: contactNamed(long.repeat(3)),
      changes: (['given_name', 'family_name', 'name', 'job_title'] as const).map((field) => ({
        field,
        before: long,
        after: `${long}x`,
      })),
    });
    expectValid(message);
  });
});

describe('markUndone', () => {
  const original = confirmationMessage({
    contact: sampleContact({ phone: '+12125550147' }),
    changes: [{ field: 'phone', before: '+14155550100', after: '+12125550147' }],
    userId: 'U0ALICE',
    seenAt: AT.toISOString(),
    bookVersion: 3,
    undoChangeId: 41,
  });

  test('the confirmation offers Undo, carrying only the change id', () => {
    const actions = blocksOf(original).find((b) => b.type === 'actions');
    const undo = actions?.elements?.find((e) => e.action_id === ACTION_ID.undoChange);
    expect(undo?.text?.text).toBe('Undo');
    expect(decodeUndoButton(undo?.value ?? '')).toBe(41);
  });

  test('keeps every block, drops the Undo button (Edit stays), and says who undid it when', () => {
    const marked = markUndone(original.blocks, 'U0BOB', AT);
    const blocks = blocksOf({ blocks: marked });
    expect(blocks.map((b) => b.block_id)).toEqual([
      ...blocksOf(original).map((b) => b.block_id),
      'undone',
    ]);
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.action_id)).toEqual([ACTION_ID.editContact]);
    expect(JSON.stringify(blocks.at(-1))).toContain(
      `:leftwards_arrow_with_hook: Undone by <@U0BOB> ${AT_TOKEN}`,
    );
    expect(validateMessage({ text: original.text, blocks: marked })).toEqual([]);
  });

  test('an actions block left empty goes; marking twice leaves one "Undone by" line', () => {
    const onlyUndo: KnownBlock[] = [
      { type: 'section', block_id: 'summary', text: { type: 'mrkdwn', text: 'x' } },
      {
        type: 'actions',
        block_id: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_ID.undoChange,
            text: { type: 'plain_text', text: 'Undo' },
            value: '{"u":1}',
          },
        ],
      },
    ];
    const once = markUndone(onlyUndo, 'U0BOB', AT);
    expect(once.map((b) => b.block_id)).toEqual(['summary', 'undone']);
    const twice = markUndone(once, 'U0CAROL', new Date(AT.getTime() + 60_000));
    expect(twice.map((b) => b.block_id)).toEqual(['summary', 'undone']);
    expect(JSON.stringify(twice)).toContain('<@U0CAROL>');
    expect(JSON.stringify(twice)).not.toContain('<@U0BOB>');
  });

  test('the blocks given are not changed', () => {
    const before = JSON.stringify(original.blocks);
    markUndone(original.blocks, 'U0BOB', AT);
    expect(JSON.stringify(original.blocks)).toBe(before);
  });
});

describe('undoRefusedMessage', () => {
  function formButton(message: SlackMessage) {
    return blocksOf(message)
      .find((b) => b.block_id === 'undo_refused_form')
      ?.elements?.find((e) => e.action_id === ACTION_ID.openContact);
  }

  test('already undone: says so, nothing sent, no form', () => {
    const message = undoRefusedMessage({ refusal: { kind: 'undone' }, contactId: ID });
    expectValid(message);
    expect(message.text).toBe('This change was already undone. Nothing was sent to Stuut.');
    expect(formButton(message)).toBeUndefined();
  });

  test('busy: someone is undoing it now', () => {
    const message = undoRefusedMessage({ refusal: { kind: 'busy' }, contactId: ID });
    expectValid(message);
    expect(message.text).toMatch(/^Someone is undoing this change right now\. Nothing more/);
    expect(formButton(message)).toBeUndefined();
  });

  test('after the window: how long Undo works, and the form to change values back', () => {
    const message = undoRefusedMessage({
      refusal: { kind: 'expired', minutes: 60 },
      contactId: ID,
    });
    expectValid(message);
    expect(message.text).toContain('Undo works for 60 minutes after a change');
    expect(message.text).toContain('Nothing was sent to Stuut');
    expect(decodeOpenContactButton(formButton(message)?.value ?? '')).toEqual({
      contactId: ID,
      prefill: {},
      clear: [],
    });
  });

  test('before unknown: cannot put it back, offers the form', () => {
    const message = undoRefusedMessage({ refusal: { kind: 'before_unknown' }, contactId: ID });
    expectValid(message);
    expect(message.text).toContain('did not know this contact');
    expect(formButton(message)).toBeDefined();
  });

  test('no longer in the history: how long history is kept', () => {
    const message = undoRefusedMessage({
      refusal: { kind: 'missing', historyDays: 30 },
      contactId: '',
    });
    expectValid(message);
    expect(message.text).toContain('no longer in the history (kept 30 days)');
    expect(formButton(message)).toBeUndefined();
  });

  test('changed since: names the fields, who changed what, and offers the form', () => {
    const message = undoRefusedMessage({
      refusal: { kind: 'changed_since', fields: ['phone', 'job_title'] },
      contactId: ID,
      since: [
        later(8),
        later(9, {
          slackUser: 'U0DAN',
          changes: [{ field: 'job_title', before: 'CSM', after: 'Head of CS' }],
        }),
      ],
    });
    expectValid(message);
    const text = textOf(message, 'undo_refused');
    expect(text).toContain('The contact has changed since (phone, job title)');
    expect(text).toContain('Nothing was sent to Stuut');
    expect(text).toContain(`<@U0CAROL> ${AT_TOKEN}:\n• *Phone*: +1 212 555 0147 → +1 646 555 0199`);
    expect(text).toContain(`<@U0DAN> ${AT_TOKEN}:\n• *Job title*: CSM → Head of CS`);
    expect(text.indexOf('U0CAROL')).toBeLessThan(text.indexOf('U0DAN'));
    expect(text).toMatch(/Open the form to decide what the values should be\.$/);
    expect(decodeOpenContactButton(formButton(message)?.value ?? '')?.contactId).toBe(ID);
  });

  test('changed since, with markup in the later values: shown, not interpreted', () => {
    const message = undoRefusedMessage({
      refusal: { kind: 'changed_since', fields: ['job_title'] },
      contactId: ID,
      since: [later(8, { changes: [{ field: 'job_title', before: 'CSM', after: EVIL }] })],
    });
    expectValid(message);
    expect(textOf(message, 'undo_refused')).toContain(EVIL_ESCAPED);
  });

  test('changed since, with many long later changes: cut to fit Slack', () => {
    const long = '&<>'.repeat(85);
    const since = Array.from({ length: 20 }, (_, i) =>
      later(10 + i, {
        changes: (['given_name', 'family_name', 'name', 'job_title'] as const).map((field) => ({
          field,
          before: long,
          after: long,
        })),
      }),
    );
    const message = undoRefusedMessage({
      refusal: { kind: 'changed_since', fields: ['job_title'] },
      contactId: 'x'.repeat(128),
      since,
    });
    expectValid(message);
    expect(formButton(message)).toBeDefined();
  });
});

describe('undoFailedMessage', () => {
  test('definite: nothing changed in Stuut, and Undo still works', () => {
    const message = undoFailedMessage('Stuut refused the values.', true);
    expectValid(message);
    expect(message.text).toBe(
      ':x: The undo did not go through: Stuut refused the values. Nothing changed in Stuut, and the Undo button still works.',
    );
  });

  test('ambiguous: it may or may not have gone through; check before trying again', () => {
    const message = undoFailedMessage('Stuut did not answer in time.', false);
    expectValid(message);
    expect(message.text).toContain('may or may not have gone through');
    expect(message.text).toContain('Check the contact in Stuut before trying again');
    expect(message.text).not.toContain('Nothing changed');
  });

  test('the reason quotes Stuut’s answer: its markup is shown, not interpreted', () => {
    // StuutHttpError.userMessage carries Stuut's `detail` (409, and 422s that name no field).
    const message = undoFailedMessage(`Stuut refused the change: ${EVIL}.`, true);
    expectValid(message);
    expect(message.text).toContain(EVIL_ESCAPED);
    expect(textOf(message, 'undo_failed')).toContain(EVIL_ESCAPED);
  });

  test('a very long reason is cut to fit', () => {
    expectValid(undoFailedMessage('x'.repeat(5000), true));
  });
});

describe('undoneOriginalMessage (an ephemeral original, rebuilt from the change)', () => {
  /** The change as recorded: before → after. */
  const CHANGES: FieldChange[] = [
    { field: 'phone', before: '+14155550100', after: '+12125550147' },
    { field: 'job_title', before: 'Customer Success Manager', after: null },
  ];
  const model = {
    originalUserId: 'U0ALICE',
    contact: contactNamed('Priya Raman'),
    changes: CHANGES,
    undoerId: 'U0BOB',
    at: AT,
    shared: false,
  };

  test('who changed what, marked undone by whom and when, with no button left', () => {
    const message = undoneOriginalMessage(model);
    expectValid(message);
    expect(textOf(message, 'summary')).toBe(
      ':memo: <@U0ALICE> updated *Priya Raman* in Stuut\n' +
        '• *Phone*: +1 415 555 0100 → +1 212 555 0147\n' +
        '• *Job title*: Customer Success Manager → _cleared_',
    );
    expect(JSON.stringify(message.blocks.at(-1))).toContain(`Undone by <@U0BOB> ${AT_TOKEN}`);
    expect(blocksOf(message).some((b) => b.type === 'actions')).toBe(false);
    expect(message.text).toContain('since undone');
  });

  test('shared: the field names only, no value', () => {
    const message = undoneOriginalMessage({ ...model, shared: true });
    expectValid(message);
    expect(rendered(message)).not.toMatch(/555/);
    expect(rendered(message)).not.toContain('Customer Success Manager');
    expect(textOf(message, 'summary')).toContain('Changed: phone, job title.');
  });

  test('markup in the name and values is shown, never interpreted', () => {
    const message = undoneOriginalMessage({
      ...model,
      contact: contactNamed(EVIL),
      changes: [{ field: 'job_title', before: EVIL, after: 'x' }],
    });
    expectValid(message);
    expect(textOf(message, 'summary')).toContain(`*${EVIL_ESCAPED}*`);
    expect(textOf(message, 'summary')).toContain(`${EVIL_ESCAPED} → x`);
    expect(message.text).not.toContain('<!channel>');
  });
});
