import {
  type ContactPatch,
  type ContactValues,
  FIELD_LABELS,
  valuesOf,
} from '../../../src/domain/contact';
import { changedElsewhere, changedFields } from '../../../src/domain/diff';
import { broadcastMentions, validateMessage } from '../../../src/sandbox/slack';
import { ACTION_ID } from '../../../src/slack/ids';
import {
  type ConfirmationModel,
  confirmationMessage,
  type SlackMessage,
  slackNameNote,
} from '../../../src/slack/messages/confirmation';
import { decodeEditButton, decodeUndoButton } from '../../../src/slack/metadata';
import { SAMPLE_VALUES, sampleContact, worstCaseSave } from '../../fixtures';

const ID = 'ic_7Qm2xK9a';
const USER = 'U0ALICE';
const SEEN_AT = '2025-03-14T09:26:53.589Z';

const BEFORE: ContactValues = SAMPLE_VALUES;

const contactWith = sampleContact;

function confirm(
  patch: ContactPatch,
  after: Partial<ContactValues>,
  baseline: ContactValues | null,
  userId = USER,
): SlackMessage {
  const contact = contactWith(after);
  const model: ConfirmationModel = {
    contact,
    changes: changedFields(patch, valuesOf(contact), baseline),
    userId,
    seenAt: SEEN_AT,
  };
  return confirmationMessage(model);
}

interface Text {
  type: string;
  text: string;
}
interface Block {
  type: string;
  block_id?: string;
  text?: Text;
  fields?: Text[];
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

function editButton(message: SlackMessage) {
  const button = block(message, 'actions').elements?.find(
    (element) => element.action_id === ACTION_ID.editContact,
  );
  if (!button) throw new Error('no Edit button');
  return button;
}

/** Every text Slack renders: the fallback and all text objects (button values are not rendered). */
function rendered(message: SlackMessage): string {
  return JSON.stringify(message, (key, value) => (key === 'value' ? '[button value]' : value));
}

/** Every mrkdwn text object, wherever it sits. */
function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'mrkdwn' && typeof record.text === 'string' ? [record.text] : [];
  return [...own, ...Object.values(record).flatMap(mrkdwnTexts)];
}

const CHANGED: ContactPatch = { job_title: 'VP, Customer Success', phone: null };
const AFTER: Partial<ContactValues> = { job_title: 'VP, Customer Success', phone: null };

describe('confirmationMessage', () => {
  test('has a text fallback naming who, whom and what', () => {
    const message = confirm(CHANGED, AFTER, BEFORE);
    expect(message.text).toBe(`<@${USER}> updated Priya Raman in Stuut: phone, job title.`);
  });

  test('the summary mentions the person who saved', () => {
    const summary = block(confirm(CHANGED, AFTER, BEFORE), 'summary').text?.text ?? '';
    expect(summary).toContain(`<@${USER}> updated *Priya Raman* in Stuut`);
  });

  test('a saver id that is not a user id is not turned into a mention', () => {
    const message = confirm(CHANGED, AFTER, BEFORE, '<!channel>');
    expect(rendered(message)).not.toContain('<!channel>');
    expect(message.text).toContain('&lt;!channel&gt;');
  });

  test('shows every field of the contact as Stuut returned it', () => {
    const message = confirm(CHANGED, AFTER, BEFORE);
    const fields = block(message, 'contact').fields?.map((field) => field.text) ?? [];
    expect(fields).toEqual([
      '*Email*\npriya.raman@example.com',
      '*Given name*\nPriya',
      '*Family name*\nRaman',
      '*Full name*\n_empty_',
      '*Phone*\n_empty_',
      '*Job title*\nVP, Customer Success',
    ]);
    for (const field of block(message, 'contact').fields ?? []) expect(field.type).toBe('mrkdwn');
  });

  test('changed fields show before → after when the form knew the values', () => {
    const summary = block(confirm(CHANGED, AFTER, BEFORE), 'summary').text?.text ?? '';
    // Phones are shown in international format; Stuut keeps E.164.
    expect(summary).toContain('• *Phone*: +1 415 555 0100 → _cleared_');
    expect(summary).toContain('• *Job title*: Customer Success Manager → VP, Customer Success');
    expect(summary).not.toContain('Given name');
  });

  test('a value that was empty before shows as empty', () => {
    const summary =
      block(confirm({ name: 'Priya Raman' }, { name: 'Priya Raman' }, BEFORE), 'summary').text
        ?.text ?? '';
    expect(summary).toContain('• *Full name*: _empty_ → Priya Raman');
  });

  test('changed fields show only the new value when the form did not know the old one', () => {
    const summary = block(confirm(CHANGED, AFTER, null), 'summary').text?.text ?? '';
    expect(summary).toContain('• *Phone*: _cleared_');
    expect(summary).toContain('• *Job title*: VP, Customer Success');
    expect(summary).not.toContain('→');
  });

  test('shows the contact id and when Stuut returned the values', () => {
    const meta = block(confirm(CHANGED, AFTER, BEFORE), 'meta').elements?.[0]?.text;
    expect(meta).toContain(`Contact id \`${ID}\``);
    expect(meta).toContain('<!date^1741944413^');
  });

  test('the display name falls back to given + family name, then to the email', () => {
    expect(confirm(CHANGED, { ...AFTER, name: 'Dr. P. Raman' }, null).text).toContain(
      'updated Dr. P. Raman in',
    );
    expect(
      confirm(CHANGED, { ...AFTER, given_name: null, family_name: null, name: null }, null).text,
    ).toContain('updated priya.raman@example.com in');
  });

  test('has an Edit button whose value decodes to the contact as Stuut returned it', () => {
    const button = editButton(confirm(CHANGED, AFTER, BEFORE));
    expect(button.type).toBe('button');
    expect(button.text).toMatchObject({ type: 'plain_text', text: 'Edit' });
    expect(decodeEditButton(button.value ?? '')).toEqual({
      contactId: ID,
      baseline: {
        values: { ...BEFORE, job_title: 'VP, Customer Success', phone: null },
        seenAt: SEEN_AT,
        from: 'stuut',
        version: null,
      },
    });
  });

  test('the Edit button carries the book’s version of the contact when there is one', () => {
    const contact = contactWith(AFTER);
    const message = confirmationMessage({
      contact,
      changes: changedFields(CHANGED, valuesOf(contact), BEFORE),
      userId: USER,
      seenAt: SEEN_AT,
      bookVersion: 12,
    });
    expect(decodeEditButton(editButton(message).value ?? '')?.baseline).toMatchObject({
      from: 'stuut',
      version: 12,
    });
  });

  test('shows phones in international format, in the changes and in the fields', () => {
    const message = confirm({ phone: '+442079460958' }, { phone: '+442079460958' }, BEFORE);
    expect(block(message, 'summary').text?.text).toContain(
      '• *Phone*: +1 415 555 0100 → +44 20 7946 0958',
    );
    expect(block(message, 'contact').fields?.[4]?.text).toBe('*Phone*\n+44 20 7946 0958');
  });

  test('passes Slack’s checks for a message, and mentions no crowd', () => {
    const message = confirm(CHANGED, AFTER, BEFORE);
    expect(validateMessage(message)).toEqual([]);
    expect(broadcastMentions(message)).toEqual([]);
  });
});

describe('confirmationMessage: injection', () => {
  const INJECTIONS = [
    '<!channel>',
    '<!here>',
    '<!everyone>',
    '<@U123>',
    '<!subteam^S123>',
    '<https://x|y>',
    '<#C123>',
  ];

  test.each(INJECTIONS)('a job title of %j never appears unescaped', (evil) => {
    const message = confirm(
      { job_title: evil, name: `${evil} Raman`, given_name: evil },
      { job_title: evil, name: `${evil} Raman`, given_name: evil },
      { ...BEFORE, family_name: evil },
    );
    const text = rendered(message);
    expect(text).not.toContain(evil);
    expect(text).toContain(evil.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    // The only markup left is the bot's own: the saver's mention and the date token.
    const markup = text.match(/<[^>]*>/g) ?? [];
    for (const tag of markup) expect(tag).toMatch(/^<(@U0ALICE|!date\^\d+\^[^>]*)>$/);
  });

  test('the Edit button value keeps the raw value, so the form starts with what Stuut holds', () => {
    const message = confirm({ job_title: '<!channel>' }, { job_title: '<!channel>' }, null);
    expect(decodeEditButton(editButton(message).value ?? '')?.baseline?.values.job_title).toBe(
      '<!channel>',
    );
  });

  test('an & is escaped, including one that looks like an entity', () => {
    const message = confirm({ job_title: 'R&D &lt;b&gt;' }, { job_title: 'R&D &lt;b&gt;' }, null);
    expect(rendered(message)).toContain('R&amp;D &amp;lt;b&amp;gt;');
  });
});

describe('confirmationMessage: Slack limits', () => {
  const long = (ch: string) => ch.repeat(255);
  const WORST: [string, (ch: string) => string][] = [
    ['255 plain characters', long],
    ['255 characters that escape', () => long('<')],
    ['255 ampersands', () => long('&')],
    ['255 emoji', () => long('😀')],
  ];

  test.each(WORST)('every field changed to %s stays within the limits', (_what, fill) => {
    const { before, after, patch } = worstCaseSave(fill);
    const message = confirm(patch, after, before, 'W0123456789');

    expect(message.text.length).toBeGreaterThan(0);
    expect(message.text.length).toBeLessThanOrEqual(40000);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    const fields = block(message, 'contact').fields ?? [];
    expect(fields.length).toBeLessThanOrEqual(10);
    for (const field of fields) expect([...field.text].length).toBeLessThanOrEqual(2000);
    for (const text of mrkdwnTexts(message.blocks)) {
      expect([...text].length).toBeGreaterThan(0);
      expect([...text].length).toBeLessThanOrEqual(3000);
    }
    expect((editButton(message).value ?? '').length).toBeLessThanOrEqual(2000);
    expect(decodeEditButton(editButton(message).value ?? '')?.contactId).toBe(ID);
    expect(validateMessage(message)).toEqual([]);
  });

  test('with plain 255-character values every change is listed in full', () => {
    const value = 'v'.repeat(255);
    const message = confirm({ job_title: value }, { job_title: value }, BEFORE);
    const summary = block(message, 'summary').text?.text ?? '';
    expect(summary).toContain(`• *Job title*: Customer Success Manager → ${value}`);
    expect(block(message, 'contact').fields?.[5]?.text).toBe(
      `*${FIELD_LABELS.job_title}*\n${value}`,
    );
  });
});

describe('confirmationMessage: a channel shared with another organisation', () => {
  const EMAIL_AFTER = 'priya.r@northwind.example';
  const PHONE_AFTER = '+442079460958';
  const AFTER_ALL: Partial<ContactValues> = {
    email: EMAIL_AFTER,
    phone: PHONE_AFTER,
    job_title: 'VP, Customer Success',
  };
  const PATCH: ContactPatch = { ...AFTER_ALL };

  function shared(
    patch: ContactPatch,
    after: Partial<ContactValues>,
    baseline: ContactValues | null,
  ): SlackMessage {
    const contact = contactWith(after);
    return confirmationMessage({
      contact,
      changes: changedFields(patch, valuesOf(contact), baseline),
      userId: USER,
      seenAt: SEEN_AT,
      shared: true,
    });
  }

  /** Everything Slack receives, button values included. */
  const everything = (message: SlackMessage) => JSON.stringify(message);
  const digitsOf = (phone: string) => phone.replace(/\D/g, '');

  test('no email and no phone number anywhere: text, blocks or button value', () => {
    const message = shared(PATCH, AFTER_ALL, BEFORE);
    const all = everything(message);
    for (const email of [EMAIL_AFTER, BEFORE.email]) expect(all).not.toContain(email);
    for (const phone of [PHONE_AFTER, BEFORE.phone ?? '']) {
      expect(all).not.toContain(digitsOf(phone));
      expect(all).not.toContain(digitsOf(phone).slice(-7));
    }
    // The only @ is the saver's mention.
    expect(all.replaceAll(`<@${USER}>`, '')).not.toContain('@');
  });

  test('no value at all: not even the job title, before or after', () => {
    const all = everything(shared(PATCH, AFTER_ALL, BEFORE));
    expect(all).not.toContain('VP, Customer Success');
    expect(all).not.toContain('Customer Success Manager');
    expect(all).not.toContain('→');
  });

  test('names the contact, the person who saved, and the changed fields', () => {
    const message = shared(PATCH, AFTER_ALL, BEFORE);
    expect(message.text).toBe(`<@${USER}> updated Priya Raman in Stuut: email, phone, job title.`);
    const summary = block(message, 'summary').text?.text ?? '';
    expect(summary).toBe(
      `:memo: <@${USER}> updated *Priya Raman* in Stuut\nChanged: email, phone, job title.`,
    );
    expect(JSON.stringify(block(message, 'shared'))).toContain('shared with another organisation');
    expect(blocksOf(message).some((b) => b.block_id === 'contact')).toBe(false);
  });

  test('keeps the contact id and the date', () => {
    const meta = block(shared(PATCH, AFTER_ALL, BEFORE), 'meta').elements?.[0]?.text;
    expect(meta).toContain(`Contact id \`${ID}\``);
    expect(meta).toContain('<!date^1741944413^');
  });

  test('the Edit button carries only the id', () => {
    const button = editButton(shared(PATCH, AFTER_ALL, BEFORE));
    expect(decodeEditButton(button.value ?? '')).toEqual({ contactId: ID, baseline: null });
    expect(button.value).toBe(JSON.stringify({ c: ID, b: null }));
  });

  test.each([
    ['no name at all', { name: null, given_name: null, family_name: null }],
    ['a name that is an email', { name: 'priya.raman@example.com' }],
    ['a name holding a phone number', { name: 'Priya (415) 555-0100' }],
    [
      'a given name holding digits',
      { name: null, given_name: '+1 415 555 0100', family_name: null },
    ],
  ])('%s: the contact is named by its id', (_what, values) => {
    const message = shared({ job_title: 'CSM' }, { job_title: 'CSM', ...values }, null);
    expect(message.text).toBe(`<@${USER}> updated contact \`${ID}\` in Stuut: job title.`);
    const all = everything(message);
    expect(all).not.toContain('priya.raman@example.com');
    expect(all).not.toContain('4155550100');
    expect(all).not.toMatch(/415\D?555\D?0100/);
  });

  test.each(['<!channel>', '<#C123>', '<https://x|y>'])('a name of %j is escaped', (evil) => {
    const message = shared({ job_title: 'x' }, { job_title: 'x', name: evil }, null);
    expect(rendered(message)).not.toContain(evil);
    expect(message.text).toContain(evil.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  });

  test('a 255-emoji name still fits Slack’s limits', () => {
    const name = '😀'.repeat(255);
    const message = shared({ name }, { name }, null);
    for (const text of mrkdwnTexts(message.blocks)) {
      expect([...text].length).toBeLessThanOrEqual(3000);
    }
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  test('shared: false is the ordinary confirmation', () => {
    const contact = contactWith(AFTER_ALL);
    const model: ConfirmationModel = {
      contact,
      changes: changedFields(PATCH, valuesOf(contact), BEFORE),
      userId: USER,
      seenAt: SEEN_AT,
    };
    expect(confirmationMessage({ ...model, shared: false })).toEqual(confirmationMessage(model));
    expect(everything(confirmationMessage(model))).toContain(EMAIL_AFTER);
  });
});

describe('confirmationMessage: values changed outside the bot', () => {
  const SINCE = '2025-02-01T08:00:00.000Z';
  const SINCE_TOKEN = '<!date^1738396800^';
  /** The book had learned BEFORE from Stuut; Stuut's answer now differs on name and phone. */
  const after: Partial<ContactValues> = {
    job_title: 'VP',
    name: 'P. Raman',
    phone: '+442079460958',
  };
  const patch: ContactPatch = { job_title: 'VP' };

  function withElsewhere(shared: boolean, overrides: Partial<ConfirmationModel> = {}) {
    const contact = contactWith(after);
    return confirmationMessage({
      contact,
      changes: changedFields(patch, valuesOf(contact), BEFORE),
      userId: USER,
      seenAt: SEEN_AT,
      shared,
      changedElsewhere: {
        changes: changedElsewhere(patch, BEFORE, valuesOf(contact)),
        since: SINCE,
      },
      ...overrides,
    });
  }

  test('a note lists each field changed elsewhere, old → new, with when the bot last saw it', () => {
    const message = withElsewhere(false);
    const note = block(message, 'elsewhere');
    expect(note.type).toBe('context');
    const text = (note.elements?.[0]?.text ?? '') as string;
    expect(text).toBe(
      `:information_source: Changed outside this bot since it last saw this contact ${SINCE_TOKEN}{date_short_pretty} at {time}|2025-02-01 08:00 UTC>:\n` +
        '• *Full name*: _empty_ → P. Raman\n• *Phone*: +1 415 555 0100 → +44 20 7946 0958',
    );
    // The person's own change is in the summary, not in the note.
    expect(text).not.toContain('Job title');
  });

  test('the note sits after the contact’s values and before the meta line', () => {
    const ids = blocksOf(withElsewhere(false)).map((b) => b.block_id);
    expect(ids.indexOf('elsewhere')).toBe(ids.indexOf('contact') + 1);
    expect(ids.indexOf('meta')).toBe(ids.indexOf('elsewhere') + 1);
  });

  test.each<[string, Partial<ConfirmationModel>]>([
    ['no such note (null)', { changedElsewhere: null }],
    ['no such note (absent)', { changedElsewhere: undefined }],
    ['no changes', { changedElsewhere: { changes: [], since: SINCE } }],
  ])('%s: no note', (_what, overrides) => {
    for (const shared of [false, true]) {
      const message = withElsewhere(shared, overrides);
      expect(blocksOf(message).some((b) => b.block_id === 'elsewhere')).toBe(false);
    }
  });

  test('values in the note are escaped', () => {
    const message = withElsewhere(false, {
      changedElsewhere: {
        changes: [{ field: 'job_title', before: '<!channel>', after: 'R&D <@U123>' }],
        since: SINCE,
      },
    });
    const text = (block(message, 'elsewhere').elements?.[0]?.text ?? '') as string;
    expect(text).toContain('&lt;!channel&gt; → R&amp;D &lt;@U123&gt;');
    expect(broadcastMentions(message)).toEqual([]);
    expect(validateMessage(message)).toEqual([]);
  });

  test('in a shared channel the note names the fields only: no value, email or phone', () => {
    const message = withElsewhere(true);
    const text = (block(message, 'elsewhere').elements?.[0]?.text ?? '') as string;
    expect(text).toBe(
      `:information_source: Also changed outside this bot since it last saw this contact ${SINCE_TOKEN}{date_short_pretty} at {time}|2025-02-01 08:00 UTC>: full name, phone.`,
    );
    // The contact is named (as in every shared confirmation), but no value changed elsewhere is.
    expect(text).not.toContain('P. Raman');
    const all = JSON.stringify(message);
    for (const value of ['4155550100', '2079460958', '7946', BEFORE.email, '→']) {
      expect(all).not.toContain(value);
    }
    expect(validateMessage(message)).toEqual([]);
  });

  test('an email changed elsewhere is not shown in a shared channel either', () => {
    const message = withElsewhere(true, {
      changedElsewhere: {
        changes: [{ field: 'email', before: BEFORE.email, after: 'priya@elsewhere.example' }],
        since: SINCE,
      },
    });
    const all = JSON.stringify(message);
    expect(all).not.toContain(BEFORE.email);
    expect(all).not.toContain('priya@elsewhere.example');
    expect(block(message, 'elsewhere').elements?.[0]?.text).toMatch(/: email\.$/);
  });

  test.each([
    ['255 characters that escape', '<'.repeat(255)],
    ['255 ampersands', '&'.repeat(255)],
    ['255 emoji', '😀'.repeat(255)],
  ])('every field changed elsewhere to %s stays within Slack’s limits', (_what, fill) => {
    const { before, after: worst } = worstCaseSave(() => fill);
    for (const shared of [false, true]) {
      const message = withElsewhere(shared, {
        changedElsewhere: { changes: changedElsewhere({}, before, worst), since: SINCE },
      });
      expect(validateMessage(message)).toEqual([]);
      const text = (block(message, 'elsewhere').elements?.[0]?.text ?? '') as string;
      expect([...text].length).toBeLessThanOrEqual(3000);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  test('an unreadable date is shown as escaped text', () => {
    const message = withElsewhere(false, {
      changedElsewhere: {
        changes: [{ field: 'name', before: null, after: 'X' }],
        since: '<!here>',
      },
    });
    expect(broadcastMentions(message)).toEqual([]);
    expect(block(message, 'elsewhere').elements?.[0]?.text).toContain('&lt;!here&gt;');
  });
});

describe('confirmationMessage: Undo', () => {
  const model = (more: Partial<ConfirmationModel> = {}): ConfirmationModel => ({
    contact: contactWith({ phone: '+12125550147' }),
    changes: [{ field: 'phone', before: BEFORE.phone, after: '+12125550147' }],
    userId: USER,
    seenAt: SEEN_AT,
    ...more,
  });
  const actionIds = (message: SlackMessage) =>
    block(message, 'actions').elements?.map((element) => element.action_id);

  test('an Undo button after Edit when the change can be taken back; its value is the id', () => {
    const message = confirmationMessage(model({ undoChangeId: 12 }));
    expect(actionIds(message)).toEqual([ACTION_ID.editContact, ACTION_ID.undoChange]);
    const undo = block(message, 'actions').elements?.[1];
    expect(undo?.text).toEqual({ type: 'plain_text', text: 'Undo', emoji: true });
    expect(decodeUndoButton(undo?.value ?? '')).toBe(12);
    expect(validateMessage(message)).toEqual([]);
  });

  test('no Undo when a before was unknown (no change id), or none was recorded', () => {
    expect(actionIds(confirmationMessage(model({ undoChangeId: null })))).toEqual([
      ACTION_ID.editContact,
    ]);
    expect(actionIds(confirmationMessage(model()))).toEqual([ACTION_ID.editContact]);
  });

  test('in a shared channel Undo is offered too, and carries no value', () => {
    const message = confirmationMessage(model({ undoChangeId: 12, shared: true }));
    expect(actionIds(message)).toEqual([ACTION_ID.editContact, ACTION_ID.undoChange]);
    expect(JSON.stringify(message)).not.toMatch(/555/);
  });
});

describe('confirmationMessage: the linked member’s Slack name', () => {
  const MEMBER = 'U0PRIYA';
  const model = (more: Partial<ConfirmationModel> = {}): ConfirmationModel => {
    const contact = contactWith(AFTER);
    return {
      contact,
      changes: changedFields(CHANGED, valuesOf(contact), BEFORE),
      userId: USER,
      seenAt: SEEN_AT,
      ...more,
    };
  };

  test('shown beside the Stuut name, in plain text', () => {
    const message = confirmationMessage(model({ slackName: 'priya' }));
    expect(block(message, 'summary').text?.text).toContain(
      `<@${USER}> updated *Priya Raman* (Slack: priya) in Stuut`,
    );
    expect(validateMessage(message)).toEqual([]);
  });

  test('in a shared channel too: a display name is not contact data', () => {
    const message = confirmationMessage(model({ slackName: 'priya', shared: true }));
    expect(block(message, 'summary').text?.text).toBe(
      `:memo: <@${USER}> updated *Priya Raman* (Slack: priya) in Stuut\nChanged: phone, job title.`,
    );
    expect(validateMessage(message)).toEqual([]);
  });

  test('in a shared channel, a Slack name that looks like an email or a number is left out', () => {
    for (const slackName of ['priya@example.com', '+1 415 555 0100']) {
      const message = confirmationMessage(model({ slackName, shared: true }));
      const all = JSON.stringify(message);
      expect(all).not.toContain('(Slack:');
      expect(all).not.toContain('priya@example.com');
      expect(all).not.toMatch(/415\D?555\D?0100/);
    }
  });

  test('absent, null or blank: the confirmation is as it always was', () => {
    for (const shared of [false, true]) {
      const plain = confirmationMessage(model({ shared }));
      expect(JSON.stringify(plain)).not.toContain('(Slack:');
      for (const slackName of [null, undefined, '', '   ']) {
        expect(confirmationMessage(model({ shared, slackName }))).toEqual(plain);
      }
    }
  });

  test('the fallback text is unchanged', () => {
    expect(confirmationMessage(model({ slackName: 'priya' })).text).toBe(
      confirmationMessage(model()).text,
    );
  });

  test.each(['<!channel>', '<!here>', '<@U999>', `<@${MEMBER}>`, '<https://x|y>', '*x*'])(
    'a Slack name of %j is escaped, never a mention',
    (evil) => {
      for (const shared of [false, true]) {
        const message = confirmationMessage(model({ slackName: evil, shared }));
        const all = rendered(message);
        if (evil.includes('<')) expect(all).not.toContain(evil);
        const summary = block(message, 'summary').text?.text ?? '';
        if (shared && evil.includes('@')) {
          // Shared: a name with an @ could be an email, so it is left out.
          expect(summary).not.toContain('(Slack:');
        } else {
          expect(summary).toContain(`(Slack: ${evil.replace(/</g, '&lt;').replace(/>/g, '&gt;')})`);
        }
        expect(JSON.stringify(message)).not.toContain(`<@${MEMBER}`);
        expect(broadcastMentions(message)).toEqual([]);
        expect(validateMessage(message)).toEqual([]);
      }
    },
  );

  test('a very long Slack name stays within Slack’s limits', () => {
    for (const shared of [false, true]) {
      const message = confirmationMessage(model({ slackName: '<'.repeat(5000), shared }));
      for (const text of mrkdwnTexts(message.blocks)) {
        expect([...text].length).toBeLessThanOrEqual(3000);
      }
      expect(validateMessage(message)).toEqual([]);
    }
  });
});

describe('slackNameNote', () => {
  test('" (Slack: name)", trimmed and escaped; empty without a name', () => {
    expect(slackNameNote('  priya ', false)).toBe(' (Slack: priya)');
    expect(slackNameNote('<!here> & *x*', false)).toBe(' (Slack: &lt;!here&gt; &amp; *x*)');
    expect(slackNameNote('<@U0PRIYA>', false)).toBe(' (Slack: &lt;@U0PRIYA&gt;)');
    for (const none of [null, undefined, '', '  ']) {
      expect(slackNameNote(none, false)).toBe('');
      expect(slackNameNote(none, true)).toBe('');
    }
  });

  test('shared: shown, unless it looks like an email or a phone number', () => {
    expect(slackNameNote('priya', true)).toBe(' (Slack: priya)');
    for (const data of ['priya@example.com', '+1 415 555 0100', '(415) 555-0100']) {
      expect(slackNameNote(data, true)).toBe('');
      expect(slackNameNote(data, false)).not.toBe('');
    }
  });

  test('a long name is cut', () => {
    expect([...slackNameNote('x'.repeat(5000), false)].length).toBeLessThanOrEqual(120);
  });
});
