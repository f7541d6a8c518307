import type { AssignmentEntry } from '../../../src/book/book';
import type { Assignment } from '../../../src/domain/assignment';
import { type ContactValues, valuesOf } from '../../../src/domain/contact';
import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { decodeChangeRoleButton } from '../../../src/slack/assignmentMetadata';
import { ACTION_ID } from '../../../src/slack/ids';
import {
  addedMessage,
  assignedMessage,
  assignmentFailedMessage,
  outcomeUnknownMessage,
  ROLES_LIMIT,
  roleChangedMessage,
  roleNoticeMessage,
  rolesMessage,
  roleUndoneMessage,
} from '../../../src/slack/messages/assignments';
import type { SlackMessage } from '../../../src/slack/messages/confirmation';
import { markUndone } from '../../../src/slack/messages/undo';
import { decodeEditButton, decodeUndoButton } from '../../../src/slack/metadata';
import { SAMPLE_ID, SAMPLE_SEEN_AT, SAMPLE_VALUES, sampleContact } from '../../fixtures';

const USER = 'U0ALICE';
const BOB = 'U0BOB';
const ASSIGNMENT_ID = 'asg_9fK2pQ';
const PARTNER = 'ptn_abc123';
const DATE_TOKEN = '<!date^1741944413^';

function assignment(
  more: Partial<Omit<Assignment, 'internal_contact'>> = {},
  values: Partial<ContactValues> = {},
): Assignment {
  return {
    id: ASSIGNMENT_ID,
    object: 'internal_contact_assignment',
    created_at: '2025-03-14T09:26:53Z',
    modified_at: null,
    partner_id: PARTNER,
    internal_role: 'csm',
    remote_id: null,
    internal_contact: sampleContact(values),
    ...more,
  };
}

const FLOATING = (values: Partial<ContactValues> = {}) =>
  assignment({ partner_id: null, internal_role: 'account_manager' }, values);

function entry(n: number, more: Partial<AssignmentEntry> = {}): AssignmentEntry {
  return {
    id: `asg_${n}`,
    contactId: SAMPLE_ID,
    partnerId: `ptn_partner${n}`,
    role: 'csm',
    remoteId: null,
    createdAt: '2025-03-14T09:26:53Z',
    modifiedAt: null,
    seenAt: new Date(SAMPLE_SEEN_AT),
    ...more,
  };
}

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

const blocksOf = (message: SlackMessage) => message.blocks as unknown as Block[];

function block(message: SlackMessage, id: string): Block {
  const found = blocksOf(message).find((b) => b.block_id === id);
  if (!found) throw new Error(`no block ${id}`);
  return found;
}

const has = (message: SlackMessage, id: string) => blocksOf(message).some((b) => b.block_id === id);

const textOf = (message: SlackMessage, id: string) => block(message, id).text?.text ?? '';

const contextOf = (message: SlackMessage, id: string) => {
  const element = block(message, id).elements?.[0];
  return typeof element?.text === 'string' ? element.text : '';
};

/** Every button in the message, accessories included. */
function buttons(message: SlackMessage): Element[] {
  return blocksOf(message).flatMap((b) => [
    ...(b.accessory?.type === 'button' ? [b.accessory] : []),
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
  ]);
}

function button(message: SlackMessage, actionId: string): Element {
  const found = buttons(message).find((b) => b.action_id === actionId);
  if (!found) throw new Error(`no button ${actionId}`);
  return found;
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

/** Every text a reader sees (button values are not shown). */
const rendered = (message: SlackMessage) =>
  JSON.stringify(message, (key, value) => (key === 'value' ? '[button value]' : value));

/** Slack accepts it, it has a fallback text, it notifies no crowd, and every & is an entity. */
function expectValid(message: SlackMessage): void {
  expect(message.text.trim()).not.toBe('');
  expect(validateMessage(message)).toEqual([]);
  expect(broadcastMentions(message)).toEqual([]);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const text of mrkdwn(message)) {
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect([...text].length).toBeLessThanOrEqual(3000);
  }
  for (const b of buttons(message)) {
    expect((b.value ?? '').length).toBeLessThanOrEqual(2000);
    expect([...((b.text as Text | undefined)?.text ?? '')].length).toBeLessThanOrEqual(75);
  }
}

/** Markup in a name or a reason: shown, never interpreted. */
const EVIL = '<!channel> *bold* _it_ `code` & <@U0EVE> <https://evil.example|bank>';
const EVIL_ESCAPED =
  '&lt;!channel&gt; *bold* _it_ `code` &amp; &lt;@U0EVE&gt; &lt;https://evil.example|bank&gt;';

/** The sample contact's email and phone, and the digits of the phone, in every form. */
function expectNoContactData(message: SlackMessage, values: ContactValues = SAMPLE_VALUES): void {
  const all = JSON.stringify(message);
  expect(all).not.toContain(values.email);
  if (values.phone) {
    const digits = values.phone.replace(/\D/g, '');
    expect(all).not.toContain(values.phone);
    expect(all.replace(/\D/g, ' ')).not.toContain(digits);
    expect(all).not.toContain(digits.slice(-7));
    expect(all).not.toMatch(/415\D?555\D?0100/);
  }
  // The only @ is in the mentions of people.
  expect(all.replace(/<@U0[A-Z]+>/g, '')).not.toContain('@');
}

describe('addedMessage', () => {
  const message = addedMessage({ assignment: FLOATING(), userId: USER, seenAt: SAMPLE_SEEN_AT });

  test('says who added whom to Stuut, with which role', () => {
    expect(textOf(message, 'summary')).toBe(
      `:bust_in_silhouette: <@${USER}> added *Priya Raman* to Stuut as Account manager`,
    );
    expect(message.text).toBe(`<@${USER}> added Priya Raman to Stuut as Account manager.`);
    expectValid(message);
  });

  test("shows the contact's values as Stuut returned them, its id and when", () => {
    expect(block(message, 'contact').fields?.map((f) => f.text)).toEqual([
      '*Email*\npriya.raman@example.com',
      '*Given name*\nPriya',
      '*Family name*\nRaman',
      '*Full name*\n_empty_',
      '*Phone*\n+1 415 555 0100',
      '*Job title*\nCustomer Success Manager',
    ]);
    const meta = contextOf(message, 'meta');
    expect(meta).toContain(`Contact id \`${SAMPLE_ID}\` · values as Stuut returned them `);
    expect(meta).toContain(DATE_TOKEN);
  });

  test('an Edit button, as on an update’s confirmation, carrying the values and the version', () => {
    const edit = button(message, ACTION_ID.editContact);
    expect(edit.text).toEqual({ type: 'plain_text', text: 'Edit', emoji: true });
    expect(decodeEditButton(edit.value ?? '')).toEqual({
      contactId: SAMPLE_ID,
      baseline: {
        values: valuesOf(sampleContact()),
        seenAt: SAMPLE_SEEN_AT,
        from: 'stuut',
        version: null,
      },
    });
    const versioned = addedMessage({
      assignment: FLOATING(),
      userId: USER,
      seenAt: SAMPLE_SEEN_AT,
      bookVersion: 3,
    });
    expect(
      decodeEditButton(button(versioned, ACTION_ID.editContact).value ?? '')?.baseline?.version,
    ).toBe(3);
    // An add cannot be undone: Stuut has no delete.
    expect(buttons(message).map((b) => b.action_id)).toEqual([ACTION_ID.editContact]);
  });

  test('a role Stuut added since is shown as Stuut spells it, escaped', () => {
    const odd = addedMessage({
      assignment: assignment({ partner_id: null, internal_role: 'vip_<!here>' }),
      userId: USER,
      seenAt: SAMPLE_SEEN_AT,
    });
    expect(textOf(odd, 'summary')).toContain('as vip_&lt;!here&gt;');
    expectValid(odd);
  });

  test('names, values and the user id are escaped', () => {
    const evil = addedMessage({
      assignment: FLOATING({ name: EVIL, job_title: EVIL }),
      userId: '<!channel>',
      seenAt: SAMPLE_SEEN_AT,
    });
    expectValid(evil);
    expect(textOf(evil, 'summary')).toContain(`*${EVIL_ESCAPED}*`);
    expect(evil.text).toContain(EVIL_ESCAPED);
    expect(rendered(evil)).not.toContain('<!channel>');
    expect(rendered(evil)).not.toContain('<@U0EVE>');
  });

  test('in a shared channel: the name and the role, no value, and Edit carries only the id', () => {
    const shared = addedMessage({
      assignment: FLOATING(),
      userId: USER,
      seenAt: SAMPLE_SEEN_AT,
      shared: true,
    });
    expectValid(shared);
    expectNoContactData(shared);
    expect(textOf(shared, 'summary')).toBe(
      `:bust_in_silhouette: <@${USER}> added *Priya Raman* to Stuut as Account manager`,
    );
    expect(has(shared, 'contact')).toBe(false);
    expect(JSON.stringify(shared)).not.toContain('Customer Success Manager');
    expect(contextOf(shared, 'shared')).toContain('shared with another organisation');
    expect(button(shared, ACTION_ID.editContact).value).toBe(
      JSON.stringify({ c: SAMPLE_ID, b: null }),
    );
  });

  test.each([
    ['no name at all', { name: null, given_name: null, family_name: null }],
    ['a name that is an email', { name: 'priya.raman@example.com' }],
    ['a name holding a phone number', { name: 'Priya (415) 555-0100' }],
  ])('in a shared channel, %s: the contact is named by its id', (_what, values) => {
    const shared = addedMessage({
      assignment: FLOATING(values),
      userId: USER,
      seenAt: SAMPLE_SEEN_AT,
      shared: true,
    });
    expect(shared.text).toBe(
      `<@${USER}> added contact \`${SAMPLE_ID}\` to Stuut as Account manager.`,
    );
    expectNoContactData(shared);
    expectValid(shared);
  });

  test('the longest values still fit Slack’s limits', () => {
    const long = '<&>'.repeat(85);
    for (const shared of [false, true]) {
      const worst = addedMessage({
        assignment: assignment(
          { partner_id: null, internal_role: '&'.repeat(255) },
          {
            name: long,
            given_name: long,
            family_name: long,
            job_title: long,
            email: `${'&'.repeat(64)}@example.com`,
          },
        ),
        userId: 'W0123456789',
        seenAt: SAMPLE_SEEN_AT,
        shared,
      });
      expectValid(worst);
    }
  });
});

describe('assignedMessage', () => {
  const message = assignedMessage({ assignment: assignment(), userId: USER });

  test('"Alice made Priya Raman CSM for partner ptn_abc123"', () => {
    expect(textOf(message, 'summary')).toBe(
      `:handshake: <@${USER}> made *Priya Raman* CSM for partner \`${PARTNER}\``,
    );
    expect(message.text).toBe(`<@${USER}> made Priya Raman CSM for partner \`${PARTNER}\`.`);
    expectValid(message);
  });

  test('a context with the contact id and the assignment id', () => {
    expect(contextOf(message, 'meta')).toBe(
      `Contact id \`${SAMPLE_ID}\` · assignment \`${ASSIGNMENT_ID}\``,
    );
  });

  test('"Change role" carries the assignment, the partner, the contact and the role', () => {
    const change = button(message, ACTION_ID.changeRole);
    expect(change.text).toEqual({ type: 'plain_text', text: 'Change role', emoji: true });
    expect(decodeChangeRoleButton(change.value ?? '')).toEqual({
      assignmentId: ASSIGNMENT_ID,
      partnerId: PARTNER,
      contactId: SAMPLE_ID,
      role: 'csm',
    });
    expect(buttons(message)).toHaveLength(1);
  });

  test('every role in words', () => {
    const words: [string, string][] = [
      ['account_manager', 'Account manager'],
      ['account_executive', 'Account executive'],
      ['csm', 'CSM'],
      ['lead', 'Lead'],
      ['co_lead', 'Co-lead'],
      ['practice_lead', 'Practice lead'],
    ];
    for (const [role, label] of words) {
      const m = assignedMessage({ assignment: assignment({ internal_role: role }), userId: USER });
      expect(textOf(m, 'summary')).toContain(`made *Priya Raman* ${label} for partner`);
    }
  });

  test('in a shared channel: no email or phone anywhere, button value included', () => {
    const shared = assignedMessage({ assignment: assignment(), userId: USER, shared: true });
    expectValid(shared);
    expectNoContactData(shared);
    expect(textOf(shared, 'summary')).toContain('made *Priya Raman* CSM');
    const byId = assignedMessage({
      assignment: assignment({}, { name: 'priya.raman@example.com', given_name: null }),
      userId: USER,
      shared: true,
    });
    expectNoContactData(byId);
    expect(textOf(byId, 'summary')).toContain(`made contact \`${SAMPLE_ID}\` CSM`);
  });

  test('without a shared channel a contact with no name is named by the email', () => {
    const m = assignedMessage({
      assignment: assignment({}, { name: null, given_name: null, family_name: null }),
      userId: USER,
    });
    expect(textOf(m, 'summary')).toContain('made *priya.raman@example.com* CSM');
  });

  test('names, partner ids and roles are escaped', () => {
    const evil = assignedMessage({
      assignment: assignment({ partner_id: '<!here>', internal_role: EVIL }, { name: EVIL }),
      userId: USER,
    });
    expectValid(evil);
    const all = rendered(evil);
    expect(all).not.toContain('<!here>');
    expect(all).not.toContain('<!channel>');
    expect(textOf(evil, 'summary')).toContain(`*${EVIL_ESCAPED}* ${EVIL_ESCAPED} for partner`);
    expect(textOf(evil, 'summary')).toContain('`&lt;!here&gt;`');
  });
});

describe('roleChangedMessage', () => {
  const changed = (more: Partial<Parameters<typeof roleChangedMessage>[0]> = {}) =>
    roleChangedMessage({
      assignment: assignment({ internal_role: 'lead' }),
      roleBefore: 'csm',
      userId: USER,
      undoChangeId: 42,
      ...more,
    });

  test('the old role → the new one', () => {
    const message = changed();
    expect(textOf(message, 'summary')).toBe(
      `:arrows_counterclockwise: <@${USER}> changed *Priya Raman*'s role for partner \`${PARTNER}\`: CSM → Lead`,
    );
    expect(message.text).toBe(
      `<@${USER}> changed Priya Raman's role for partner \`${PARTNER}\`: CSM → Lead.`,
    );
    expect(contextOf(message, 'meta')).toContain(`assignment \`${ASSIGNMENT_ID}\``);
    expectValid(message);
  });

  test('a role the book did not know before: "is now Lead"', () => {
    const message = changed({ roleBefore: null });
    expect(textOf(message, 'summary')).toMatch(/for partner `ptn_abc123`: it is now Lead$/);
    expect(textOf(message, 'summary')).not.toContain('→');
  });

  test('Undo carries the change id, Change role the new role', () => {
    const message = changed();
    expect(buttons(message).map((b) => b.action_id)).toEqual([
      ACTION_ID.changeRole,
      ACTION_ID.undoChange,
    ]);
    const undo = button(message, ACTION_ID.undoChange);
    expect(undo.text).toEqual({ type: 'plain_text', text: 'Undo', emoji: true });
    expect(decodeUndoButton(undo.value ?? '')).toBe(42);
    expect(decodeChangeRoleButton(button(message, ACTION_ID.changeRole).value ?? '')).toEqual({
      assignmentId: ASSIGNMENT_ID,
      partnerId: PARTNER,
      contactId: SAMPLE_ID,
      role: 'lead',
    });
  });

  test('no Undo when no change was recorded', () => {
    const message = changed({ undoChangeId: null });
    expect(buttons(message).map((b) => b.action_id)).toEqual([ACTION_ID.changeRole]);
    expectValid(message);
  });

  test('once undone, markUndone drops Undo and keeps Change role', () => {
    const undone = markUndone(changed().blocks, BOB, new Date(SAMPLE_SEEN_AT));
    const message = { text: 'x', blocks: undone };
    expect(buttons(message).map((b) => b.action_id)).toEqual([ACTION_ID.changeRole]);
    expect(has(message, 'undone')).toBe(true);
    expectValid(message);
  });

  test('in a shared channel: no email or phone anywhere', () => {
    const message = changed({ shared: true });
    expectValid(message);
    expectNoContactData(message);
    const byId = changed({
      shared: true,
      assignment: assignment(
        { internal_role: 'lead' },
        { name: null, given_name: '+1 415 555 0100', family_name: null },
      ),
    });
    expectNoContactData(byId);
    expect(textOf(byId, 'summary')).toContain(`changed contact \`${SAMPLE_ID}\`'s role`);
  });

  test('names and roles are escaped', () => {
    const message = changed({
      assignment: assignment({ internal_role: '<!everyone>' }, { name: EVIL }),
      roleBefore: '&lt;',
      userId: '<!here>',
    });
    expectValid(message);
    const summary = textOf(message, 'summary');
    expect(summary).toContain(`*${EVIL_ESCAPED}*'s role`);
    expect(summary).toContain('&amp;lt; → &lt;!everyone&gt;');
    expect(summary).toContain('&lt;!here&gt; changed');
  });
});

describe('roleUndoneMessage', () => {
  const undone = (more: Partial<Parameters<typeof roleUndoneMessage>[0]> = {}) =>
    roleUndoneMessage({
      assignment: assignment({ internal_role: 'csm' }),
      restoredRole: 'csm',
      undoneRole: 'lead',
      userId: BOB,
      originalUserId: USER,
      ...more,
    });

  test('who undid whose role change, the role again, and the one taken back', () => {
    const message = undone();
    expect(textOf(message, 'undo')).toBe(
      `:leftwards_arrow_with_hook: <@${BOB}> undid <@${USER}>'s role change: *Priya Raman* is CSM again for partner \`${PARTNER}\` (was Lead)`,
    );
    expect(message.text).toBe(
      `<@${BOB}> undid <@${USER}>'s role change: Priya Raman is CSM again for partner \`${PARTNER}\` (was Lead).`,
    );
    expectValid(message);
  });

  test('an undo of one’s own change says "their own"', () => {
    expect(undone({ userId: USER }).text).toContain(`<@${USER}> undid their own role change`);
  });

  test('Change role carries the role the assignment has again', () => {
    expect(decodeChangeRoleButton(button(undone(), ACTION_ID.changeRole).value ?? '')?.role).toBe(
      'csm',
    );
    expect(buttons(undone()).some((b) => b.action_id === ACTION_ID.undoChange)).toBe(false);
  });

  test('escapes names and roles; in a shared channel no email or phone', () => {
    const evil = undone({ assignment: assignment({}, { name: EVIL }), undoneRole: EVIL });
    expectValid(evil);
    expect(textOf(evil, 'undo')).toContain(`(was ${EVIL_ESCAPED})`);
    expect(rendered(evil)).not.toContain('<!channel>');
    const shared = undone({
      shared: true,
      assignment: assignment({}, { name: 'priya.raman@example.com' }),
    });
    expectNoContactData(shared);
    expectValid(shared);
  });
});

describe('rolesMessage', () => {
  const roles = (assignments: AssignmentEntry[], name = 'Priya Raman') =>
    rolesMessage({ contactId: SAMPLE_ID, name, assignments });

  test('one section per assignment: partner ones with Change role, floating ones without', () => {
    const message = roles([
      entry(1),
      entry(2, { role: 'lead' }),
      entry(3, { partnerId: null, role: 'account_manager' }),
    ]);
    expectValid(message);
    expect(textOf(message, 'heading')).toBe('Roles of *Priya Raman* the contact book knows:');
    expect(textOf(message, 'role_0')).toBe('*CSM* for partner `ptn_partner1`');
    expect(textOf(message, 'role_1')).toBe('*Lead* for partner `ptn_partner2`');
    expect(textOf(message, 'role_2')).toBe(
      "*Account manager* (no partner: Stuut's role change needs one)",
    );
    expect(block(message, 'role_2').accessory).toBeUndefined();
    const accessory = block(message, 'role_1').accessory;
    expect(accessory?.action_id).toBe(ACTION_ID.changeRole);
    expect(accessory?.text).toEqual({ type: 'plain_text', text: 'Change role', emoji: true });
    expect(decodeChangeRoleButton(accessory?.value ?? '')).toEqual({
      assignmentId: 'asg_2',
      partnerId: 'ptn_partner2',
      contactId: SAMPLE_ID,
      role: 'lead',
    });
    expect(contextOf(message, 'about')).toBe(
      'The book knows the roles given or changed through this bot. To give a role: `/contact assign`.',
    );
    expect(blocksOf(message).at(-1)?.block_id).toBe('about');
    expect(message.text).toBe('3 roles of Priya Raman.');
    expect(has(message, 'more')).toBe(false);
  });

  test('no assignment: says so, and where roles come from', () => {
    const message = roles([]);
    expectValid(message);
    expect(message.text).toBe(
      'The contact book knows no roles of *Priya Raman* yet. Roles given with `/contact add` or `/contact assign` appear here.',
    );
    expect(buttons(message)).toEqual([]);
  });

  test(`200 assignments: ${ROLES_LIMIT} shown, "and N more", within 50 blocks`, () => {
    const many = Array.from({ length: 200 }, (_, i) => entry(i + 1));
    const message = roles(many);
    expectValid(message);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(blocksOf(message).filter((b) => b.block_id?.startsWith('role_'))).toHaveLength(
      ROLES_LIMIT,
    );
    expect(contextOf(message, 'more')).toMatch(/^and 160 more/);
    expect(message.text).toBe('200 roles of Priya Raman.');
  });

  test('an assignment whose ids the Change role form could not read gets no button', () => {
    const message = roles([entry(1, { partnerId: 'not a partner' }), entry(2, { id: '<bad>' })]);
    expectValid(message);
    expect(buttons(message)).toEqual([]);
    expect(textOf(message, 'role_0')).toBe('*CSM* for partner `not a partner`');
  });

  test('names, roles and partner ids are escaped, and the longest fit', () => {
    const message = roles(
      [
        entry(1, { role: EVIL }),
        entry(2, { partnerId: `<!here>${'&'.repeat(300)}` }),
        entry(3, { partnerId: null, role: '<'.repeat(255) }),
      ],
      `${EVIL}${'<'.repeat(300)}`,
    );
    expectValid(message);
    const all = rendered(message);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<!here>');
    expect(textOf(message, 'heading')).toContain(EVIL_ESCAPED);
    expect(textOf(message, 'role_0')).toBe(`*${EVIL_ESCAPED}* for partner \`ptn_partner1\``);
    const empty = roles([], EVIL);
    expectValid(empty);
    expect(empty.text).toContain(`*${EVIL_ESCAPED}*`);
  });
});

describe('outcomeUnknownMessage', () => {
  const REASON = 'Stuut did not answer in time, so the contact may or may not have been created.';

  test.each(['create', 'assign'] as const)('%s: the reason, and to check Stuut first', (what) => {
    const message = outcomeUnknownMessage(REASON, what);
    expectValid(message);
    expect(textOf(message, 'unknown')).toBe(`:warning: ${REASON}`);
    expect(contextOf(message, 'check')).toContain(
      'Check the Stuut app before trying again: trying again may create a duplicate.',
    );
    expect(message.text).toContain(REASON);
    expect(message.text).toContain('may create a duplicate');
    expect(buttons(message)).toEqual([]);
  });

  test('the reason is escaped and cut', () => {
    const message = outcomeUnknownMessage(`${EVIL}${'&'.repeat(3000)}`, 'create');
    expectValid(message);
    expect(textOf(message, 'unknown')).toContain(EVIL_ESCAPED);
    expect(rendered(message)).not.toContain('<!channel>');
  });
});

describe('assignmentFailedMessage', () => {
  test.each([
    ['add', '/contact add'],
    ['assign', '/contact assign'],
    ['role', '/contact roles'],
  ] as const)('%s: not done, why, and to run %s again', (action, command) => {
    const message = assignmentFailedMessage('A contact with this email already exists.', action);
    expectValid(message);
    expect(message.text).toBe(
      `:x: Not done: A contact with this email already exists. Nothing changed in Stuut. Run \`${command}\` again to retry.`,
    );
    expect(textOf(message, 'failed')).toBe(message.text);
  });

  test('the reason is escaped and cut', () => {
    const message = assignmentFailedMessage(`${EVIL}${'<'.repeat(3000)}`, 'assign');
    expectValid(message);
    expect(message.text).toContain(EVIL_ESCAPED);
    expect(rendered(message)).not.toContain('<@U0EVE>');
  });
});

describe('the linked member’s Slack name on add, assign and role confirmations', () => {
  const MEMBER = 'U0PRIYA';
  type Build = (slackName: string | null | undefined, shared: boolean) => SlackMessage;
  const BUILDERS: [string, string, Build][] = [
    [
      'addedMessage',
      'summary',
      (slackName, shared) =>
        addedMessage({
          assignment: FLOATING(),
          userId: USER,
          seenAt: SAMPLE_SEEN_AT,
          shared,
          slackName,
        }),
    ],
    [
      'assignedMessage',
      'summary',
      (slackName, shared) =>
        assignedMessage({ assignment: assignment(), userId: USER, shared, slackName }),
    ],
    [
      'roleChangedMessage',
      'summary',
      (slackName, shared) =>
        roleChangedMessage({
          assignment: assignment({ internal_role: 'lead' }),
          roleBefore: 'csm',
          userId: USER,
          undoChangeId: 42,
          shared,
          slackName,
        }),
    ],
    [
      'roleUndoneMessage',
      'undo',
      (slackName, shared) =>
        roleUndoneMessage({
          assignment: assignment({ internal_role: 'csm' }),
          restoredRole: 'csm',
          undoneRole: 'lead',
          userId: BOB,
          originalUserId: USER,
          shared,
          slackName,
        }),
    ],
  ];

  const [added, assigned, changed, undone] = BUILDERS.map(([, , build]) => build) as [
    Build,
    Build,
    Build,
    Build,
  ];

  test('shown beside the Stuut name, in plain text', () => {
    expect(textOf(added('priya', false), 'summary')).toBe(
      `:bust_in_silhouette: <@${USER}> added *Priya Raman* (Slack: priya) to Stuut as Account manager`,
    );
    expect(textOf(assigned('priya', false), 'summary')).toBe(
      `:handshake: <@${USER}> made *Priya Raman* (Slack: priya) CSM for partner \`${PARTNER}\``,
    );
    expect(textOf(changed('priya', false), 'summary')).toBe(
      `:arrows_counterclockwise: <@${USER}> changed the role of *Priya Raman* (Slack: priya) for partner \`${PARTNER}\`: CSM → Lead`,
    );
    expect(textOf(undone('priya', false), 'undo')).toBe(
      `:leftwards_arrow_with_hook: <@${BOB}> undid <@${USER}>'s role change: *Priya Raman* (Slack: priya) is CSM again for partner \`${PARTNER}\` (was Lead)`,
    );
  });

  test.each(BUILDERS)('%s: in a shared channel too, as the update confirmation', (_, id, build) => {
    const message = build('priya', true);
    expect(textOf(message, id)).toContain('*Priya Raman* (Slack: priya)');
    expectNoContactData(message);
    expectValid(message);
  });

  test.each(BUILDERS)(
    '%s: in a shared channel a Slack name like an email or a number is left out',
    (_, id, build) => {
      for (const slackName of ['priya@example.com', '+1 415 555 0100']) {
        const message = build(slackName, true);
        expect(textOf(message, id)).not.toContain('(Slack:');
        expect(JSON.stringify(message)).not.toContain('priya@example.com');
        expectNoContactData(message);
      }
      // Not shared: the person's own organisation may see it.
      expect(textOf(build('priya@example.com', false), id)).toContain('(Slack: priya@example.com)');
    },
  );

  test.each(BUILDERS)('%s: absent, null or blank: as it always was', (_, _id, build) => {
    for (const shared of [false, true]) {
      const plain = build(undefined, shared);
      expect(JSON.stringify(plain)).not.toContain('(Slack:');
      for (const slackName of [null, '', '   ']) expect(build(slackName, shared)).toEqual(plain);
      // The fallback text never carries it, as on the update's confirmation.
      expect(build('priya', shared).text).toBe(plain.text);
    }
  });

  test.each(BUILDERS)(
    '%s: a Slack name with markup is escaped, never a mention',
    (_, id, build) => {
      for (const evil of [EVIL, `<@${MEMBER}>`, '<!here>']) {
        for (const shared of [false, true]) {
          const message = build(evil, shared);
          expect(rendered(message)).not.toContain(evil);
          expect(JSON.stringify(message)).not.toContain(`<@${MEMBER}`);
          expect(JSON.stringify(message)).not.toContain('<@U0EVE');
          const summary = textOf(message, id);
          // Shared: a name with an @ could be an email, so it is left out.
          if (shared && evil.includes('@')) expect(summary).not.toContain('(Slack:');
          else
            expect(summary).toContain(
              `(Slack: ${evil.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')})`,
            );
          expectValid(message);
        }
      }
      // No @ in it: shown escaped in a shared channel as well.
      expect(textOf(build('<b> & *x*', true), id)).toContain('(Slack: &lt;b&gt; &amp; *x*)');
    },
  );

  test.each(BUILDERS)('%s: a very long Slack name stays within Slack’s limits', (_, _id, build) => {
    for (const shared of [false, true]) expectValid(build('<'.repeat(5000), shared));
  });
});

describe('roleNoticeMessage', () => {
  test('an assignment: "<@changer> made you CSM for partner ptn_…"', () => {
    const message = roleNoticeMessage({
      action: 'assign',
      changerId: USER,
      assignment: assignment(),
    });
    expect(message.text).toBe(`<@${USER}> made you CSM for partner \`${PARTNER}\`.`);
    expect(textOf(message, 'notice')).toBe(
      `:handshake: <@${USER}> made you CSM for partner \`${PARTNER}\`.`,
    );
    expect(contextOf(message, 'about')).toBe(
      'You get this because *Priya Raman* in Stuut is linked to your Slack account by email.',
    );
    expectValid(message);
  });

  test('an add: "<@changer> added you to Stuut as CSM"', () => {
    const message = roleNoticeMessage({
      action: 'add',
      changerId: USER,
      assignment: FLOATING(),
    });
    expect(message.text).toBe(`<@${USER}> added you to Stuut as Account manager.`);
    expect(textOf(message, 'notice')).toBe(
      `:wave: <@${USER}> added you to Stuut as Account manager.`,
    );
    expectValid(message);
  });

  test('a role change says the role before, when known', () => {
    const changed = assignment({ internal_role: 'lead' });
    expect(
      roleNoticeMessage({ action: 'role', changerId: USER, assignment: changed, roleBefore: 'csm' })
        .text,
    ).toBe(`<@${USER}> made you Lead for partner \`${PARTNER}\` (was CSM).`);
    for (const roleBefore of [null, undefined, 'lead']) {
      expect(
        roleNoticeMessage({ action: 'role', changerId: USER, assignment: changed, roleBefore })
          .text,
      ).toBe(`<@${USER}> made you Lead for partner \`${PARTNER}\`.`);
    }
    // An assignment has no "before", whatever is passed.
    expect(
      roleNoticeMessage({
        action: 'assign',
        changerId: USER,
        assignment: changed,
        roleBefore: 'csm',
      }).text,
    ).not.toContain('was');
  });

  test('names, roles and partner ids are escaped; only the changer is mentioned', () => {
    const message = roleNoticeMessage({
      action: 'role',
      changerId: USER,
      assignment: assignment({ internal_role: EVIL, partner_id: '<!here>' }, { name: EVIL }),
      roleBefore: '<@U0PRIYA>',
    });
    expectValid(message);
    expect(rendered(message)).not.toContain('<!channel>');
    expect(rendered(message)).not.toContain('<!here>');
    expect(rendered(message)).not.toContain('<@U0PRIYA');
    expect(rendered(message)).not.toContain('<@U0EVE');
    expect(contextOf(message, 'about')).toContain(`*${EVIL_ESCAPED}*`);
    expect(new Set(JSON.stringify(message).match(/<@[^>]*>/g))).toEqual(new Set([`<@${USER}>`]));
    // A changer id that is not one is shown escaped, not as a mention.
    expect(
      roleNoticeMessage({ action: 'add', changerId: '<!here>', assignment: FLOATING() }).text,
    ).toContain('&lt;!here&gt; added you');
  });

  test('a contact without a name is named by the email; long values fit', () => {
    const unnamed = roleNoticeMessage({
      action: 'assign',
      changerId: USER,
      assignment: assignment({}, { name: null, given_name: null, family_name: null }),
    });
    expect(contextOf(unnamed, 'about')).toContain(`*${SAMPLE_VALUES.email}*`);
    const fill = '<'.repeat(5000);
    expectValid(
      roleNoticeMessage({
        action: 'role',
        changerId: USER,
        assignment: assignment({ internal_role: fill, partner_id: fill }, { name: fill }),
        roleBefore: fill,
      }),
    );
  });
});
