import { CONTACT_FIELDS, type InternalContact } from '../../../src/domain/contact';
import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { ACTION_ID } from '../../../src/slack/ids';
import { confirmationMessage, type SlackMessage } from '../../../src/slack/messages/confirmation';
import {
  commandProblemMessage,
  confirmationUndeliveredMessage,
  formUnavailableMessage,
  helpMessage,
  savedNoticeMessage,
  saveFailedMessage,
  staleButtonMessage,
} from '../../../src/slack/messages/notices';
import { decodeReopenButton, type ReopenButtonValue } from '../../../src/slack/metadata';

const ID = 'ic_7Qm2xK9a';

interface Text {
  type: string;
  text: string;
}
interface Element {
  type: string;
  action_id?: string;
  value?: string;
  style?: string;
  text?: Text;
}
interface Block {
  type: string;
  block_id?: string;
  text?: Text;
  elements?: Element[];
}

function blocksOf(message: SlackMessage): Block[] {
  return message.blocks as unknown as Block[];
}

function buttons(message: SlackMessage): Element[] {
  return blocksOf(message)
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? []);
}

function allText(message: SlackMessage): string {
  return [message.text, ...blocksOf(message).map((block) => block.text?.text ?? '')].join('\n');
}

/** The message as Slack renders it; button values are data, not shown. */
function rendered(message: SlackMessage): string {
  return JSON.stringify(message, (key, value) => (key === 'value' ? '[button value]' : value));
}

function expectMessageLimits(message: SlackMessage) {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocksOf(message)) {
    if (block.text) {
      expect([...block.text.text].length).toBeGreaterThan(0);
      expect([...block.text.text].length).toBeLessThanOrEqual(3000);
    }
  }
}

const CONTACT: InternalContact = {
  id: ID,
  object: 'internal_contact',
  created_at: '2024-01-02T03:04:05Z',
  modified_at: '2025-03-14T09:26:53.589Z',
  email: 'priya.raman@example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  name: null,
  phone: '+14155550100',
  job_title: 'VP, Customer Success',
};

const CONFIRMATION = confirmationMessage({
  contact: CONTACT,
  changes: [{ field: 'job_title', before: undefined, after: CONTACT.job_title }],
  userId: 'U0ALICE',
  seenAt: '2025-03-14T09:26:53.589Z',
});

describe('helpMessage', () => {
  const message = helpMessage();

  test('explains update and find by name, email or id, the picker, and field=value', () => {
    const text = allText(message);
    expect(text).toContain('/contact update &lt;name, @member, email or id&gt;');
    expect(text).toContain('/contact find &lt;name, email or id&gt;');
    expect(text).toContain('`/contact update` on its own opens the form with a search box');
    expect(text).toMatch(/`\/contact find` alone lists the most recently changed/);
    expect(text).toMatch(/Several matches give a list to choose from/);
    expect(text).toContain('job_title="VP, Customer Success"');
    expect(text).toMatch(/`field=` with nothing after it proposes clearing/);
    for (const field of CONTACT_FIELDS) expect(text).toContain(`\`${field}\``);
  });

  test('documents add, assign and roles, one line each, and the roles in words', () => {
    const lines = message.text.split('\n');
    const lineOf = (prefix: string) => lines.filter((line) => line.startsWith(prefix));
    expect(lineOf('`/contact add [email] [field=value …]`')).toHaveLength(1);
    expect(lineOf('`/contact assign [name, email or id]`')).toHaveLength(1);
    expect(lineOf('`/contact roles &lt;name, email or id&gt;`')).toHaveLength(1);
    expect(lineOf('`/contact assign')[0]).toContain('`ptn_…`');
    expect(lineOf('`/contact roles')[0]).toContain('*Change role*');
    expect(allText(message)).toContain(
      'Roles: Account manager, Account executive, CSM, Lead, Co-lead, Practice lead.',
    );
  });

  test('says what the contact book knows, and where to find an id it does not', () => {
    const text = allText(message);
    expect(text).toContain('What does the bot know?');
    expect(text).toMatch(/cannot list or search contacts/);
    expect(text).toMatch(/contact book of every contact it has saved, and of those imported/);
    expect(text).toMatch(/found only by its Stuut id/);
    expect(text).toMatch(/on the internal contact in the Stuut app/);
  });

  test("passes Slack's checks for a message", () => {
    expect(validateMessage(message)).toEqual([]);
    expect(broadcastMentions(message)).toEqual([]);
  });

  test('has a text fallback and fits Slack limits', () => {
    expectMessageLimits(message);
    expect(message.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
  });
});

describe('commandProblemMessage', () => {
  test('names each problem and echoes the typed command', () => {
    const message = commandProblemMessage(
      ['"delete" is not a /contact command.', '"salary" is not a contact field.'],
      'delete ic_1 salary=1',
    );
    const text = allText(message);
    expect(text).toContain("I couldn't act on that command:");
    expect(text).toContain('• "delete" is not a /contact command.');
    expect(text).toContain('• "salary" is not a contact field.');
    expect(text).toContain('You typed: `/contact delete ic_1 salary=1`');
    expect(text).toContain('/contact help');
    expectMessageLimits(message);
  });

  test('escapes the typed command and the problems', () => {
    const message = commandProblemMessage(
      ['"<@U123>" is not a contact field.'],
      'update ic_1 job_title=<!channel> <https://evil|bank> & co',
    );
    const text = rendered(message);
    for (const raw of ['<!channel>', '<@U123>', '<https://evil|bank>', '& co']) {
      expect(text).not.toContain(raw);
    }
    expect(text).toContain('job_title=&lt;!channel&gt; &lt;https://evil|bank&gt; &amp; co');
    expect(text).toContain('&lt;@U123&gt;');
  });

  test('a very long command is cut, and the message still fits', () => {
    const message = commandProblemMessage(
      ['too long'],
      `update ic_1 job_title="${'x'.repeat(5000)}"`,
    );
    expect(message.text).toContain('…`');
    expectMessageLimits(message);
  });
});

describe('saveFailedMessage', () => {
  const reopen: ReopenButtonValue = {
    contactId: ID,
    idEditable: false,
    patch: { job_title: 'VP, Customer Success', phone: null },
  };

  test('says it was not saved, why, and for which contact', () => {
    const message = saveFailedMessage('Stuut did not answer in time.', reopen);
    expect(message.text).toContain(`Your change to contact \`${ID}\` was not saved.`);
    expect(message.text).toContain('Stuut did not answer in time.');
    expectMessageLimits(message);
  });

  test('has a button that reopens the form, whose value decodes back to the patch', () => {
    const message = saveFailedMessage('Stuut did not answer in time.', reopen);
    const [button, ...others] = buttons(message);
    expect(others).toEqual([]);
    expect(button?.action_id).toBe(ACTION_ID.reopenForm);
    expect(button?.text?.text).toBe('Open the form again');
    expect(decodeReopenButton(button?.value ?? '')).toEqual(reopen);
  });

  test('keeps whether the id must be corrected', () => {
    const notFound = { ...reopen, idEditable: true };
    const [button] = buttons(saveFailedMessage('No such contact.', notFound));
    expect(decodeReopenButton(button?.value ?? '')).toEqual(notFound);
  });

  test('escapes the reason', () => {
    const message = saveFailedMessage('Stuut said: <!channel> & <@U123>', reopen);
    expect(rendered(message)).not.toContain('<!channel>');
    expect(rendered(message)).not.toContain('<@U123>');
    expect(message.text).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  test('when the values do not fit a button, they are listed as text instead, escaped', () => {
    const long = `<!channel>${'x'.repeat(490)}`;
    const big: ReopenButtonValue = {
      contactId: ID,
      idEditable: false,
      patch: { given_name: long, family_name: long, name: long, job_title: long, phone: null },
    };
    const message = saveFailedMessage('Stuut is down.', big);
    expect(buttons(message)).toEqual([]);
    const values = blocksOf(message).find((block) => block.block_id === 'values')?.text?.text ?? '';
    expect(values).toContain('What you entered:');
    expect(values).toContain(`• \`job_title\`: &lt;!channel&gt;${'x'.repeat(490)}`);
    expect(values).toContain('• `phone`: _clear_');
    expect(rendered(message)).not.toContain('<!channel>');
    expectMessageLimits(message);
  });
});

describe('confirmationUndeliveredMessage', () => {
  test.each(['not_in_channel', 'channel_not_found'])(
    '%s: says the contact was saved and suggests inviting the bot',
    (error) => {
      const message = confirmationUndeliveredMessage(CONFIRMATION, 'C0UPD', error);
      expect(message.text).toMatch(/^:white_check_mark: The contact was saved in Stuut\./);
      expect(message.text).toContain("I'm not a member of <#C0UPD>");
      expect(message.text).toMatch(/Invite me there with `\/invite @/);
      expect(message.text).toContain('CONTACT_UPDATES_CHANNEL');
      expectMessageLimits(message);
    },
  );

  test('is_archived: says the channel is archived', () => {
    const message = confirmationUndeliveredMessage(CONFIRMATION, 'C0UPD', 'is_archived');
    expect(message.text).toContain('The contact was saved in Stuut.');
    expect(message.text).toContain('<#C0UPD> is archived');
  });

  test('another error is named, escaped, and says nothing needs redoing', () => {
    const message = confirmationUndeliveredMessage(CONFIRMATION, 'C0UPD', '<!channel>');
    expect(message.text).toContain('The contact was saved in Stuut.');
    expect(message.text).toContain('(&lt;!channel&gt;)');
    expect(message.text).toContain('Nothing needs redoing');
    expect(rendered(message)).not.toContain('<!channel>');
  });

  test('without a channel id it speaks of the updates channel', () => {
    const message = confirmationUndeliveredMessage(CONFIRMATION, null, 'not_in_channel');
    expect(message.text).toContain('the updates channel');
  });

  test('a DM id is not rendered as a channel link', () => {
    const message = confirmationUndeliveredMessage(CONFIRMATION, 'D0DM', 'channel_not_found');
    expect(message.text).not.toContain('<#D0DM>');
  });

  test('the confirmation itself follows, so the person sees what was saved', () => {
    const message = confirmationUndeliveredMessage(CONFIRMATION, 'C0UPD', 'not_in_channel');
    expect(blocksOf(message)[0]?.block_id).toBe('undelivered');
    expect(message.blocks.slice(1)).toEqual(CONFIRMATION.blocks);
  });
});

describe('other notices', () => {
  test('savedNoticeMessage says it saved and carries the confirmation', () => {
    const message = savedNoticeMessage(CONFIRMATION);
    expect(message.text).toBe(`:white_check_mark: Saved. ${CONFIRMATION.text}`);
    expect(message.blocks).toEqual(CONFIRMATION.blocks);
  });

  test('formUnavailableMessage asks to run the command again and says nothing changed', () => {
    const message = formUnavailableMessage();
    expect(message.text).toMatch(/run the command again/);
    expect(message.text).toMatch(/nothing was changed/);
    expectMessageLimits(message);
  });

  test('staleButtonMessage points to the command', () => {
    const message = staleButtonMessage();
    expect(message.text).toContain('/contact update &lt;name, email or id&gt;');
    expectMessageLimits(message);
    expect(validateMessage(message)).toEqual([]);
  });
});
