import type { KnownBlock } from '@slack/types';
import { ROLES, roleLabel } from '../../domain/assignment';
import { CONTACT_FIELDS } from '../../domain/contact';
import { ACTION_ID } from '../ids';
import { encodeReopenButton, type ReopenButtonValue } from '../metadata';
import { channelMention, escapeMrkdwn, escapeToFit, fitMrkdwn } from '../mrkdwn';
import type { SlackMessage } from './confirmation';

/** `/contact help`: what the commands do, and what the contact book knows. */
export function helpMessage(): SlackMessage {
  const text = [
    '*Keep internal contacts in Stuut current*',
    "`/contact update &lt;name, @member, email or id&gt;` opens the form for that contact, filled in with the values the bot knows. Several matches give a list to choose from. An @mention finds the contact whose email is that member's Slack email.",
    '`/contact update priya job_title="VP, Customer Success" phone=+14155550100` opens it with those new values filled in; `field=` with nothing after it proposes clearing the field.',
    '`/contact update` on its own opens the form with a search box: type part of a name or an email.',
    '`/contact find &lt;name, email or id&gt;` lists matching contacts with their values; `/contact find` alone lists the most recently changed.',
    "`/contact history &lt;name, email or id&gt;` shows who changed the contact, when, and from what. A confirmation's *Undo* button takes its change back for a while after it was made.",
    '`/contact add [email] [field=value …]` opens a form to add a new contact to Stuut with a role; what you type after it fills the form in.',
    '`/contact assign [name, email or id]` gives a contact a role on a customer (its Stuut partner id, `ptn_…`); an email Stuut does not know yet creates the person.',
    '`/contact roles &lt;name, email or id&gt;` lists the roles the book knows for the contact, each on a customer with a *Change role* button.',
    '`/contact drift` compares every linked Slack profile (job title, phone) with Stuut now and lists the differences, each with *Apply*.',
    `Fields: ${CONTACT_FIELDS.map((f) => `\`${f}\``).join(', ')}. Roles: ${ROLES.map(roleLabel).join(', ')}.`,
    "*What does the bot know?* Stuut's API cannot list or search contacts, so the bot keeps a contact book of every contact it has saved, and of those imported into it. A contact nobody has saved here yet is found only by its Stuut id: find the id on the internal contact in the Stuut app, or ask whoever administers your Stuut account.",
  ].join('\n');
  return { text, blocks: [{ type: 'section', block_id: 'help', text: { type: 'mrkdwn', text } }] };
}

/** A command the bot could not act on; the typed command is echoed so nothing has to be retyped from memory. */
export function commandProblemMessage(problems: readonly string[], typed: string): SlackMessage {
  const list = fitMrkdwn(problems.map((problem) => `• ${escapeMrkdwn(problem)}`).join('\n'), 2000);
  const text = `I couldn't act on that command:\n${list}\nYou typed: \`/contact ${escapeToFit(typed, 500)}\`\nType \`/contact help\` for how to use it.`;
  return {
    text,
    blocks: [{ type: 'section', block_id: 'problem', text: { type: 'mrkdwn', text } }],
  };
}

/** When the form could not be opened at all (Slack refused views.open). */
export function formUnavailableMessage(): SlackMessage {
  const text =
    "Slack didn't let me open the form in time. Please run the command again; nothing was changed.";
  return {
    text,
    blocks: [{ type: 'section', block_id: 'problem', text: { type: 'mrkdwn', text } }],
  };
}

/**
 * A failed save whose form is gone: the reason, and a button that brings the form back
 * with the person's values.
 */
export function saveFailedMessage(reason: string, reopen: ReopenButtonValue): SlackMessage {
  const value = encodeReopenButton(reopen);
  const text = `:x: Your change to contact \`${escapeMrkdwn(reopen.contactId)}\` was not saved. ${escapeToFit(reason, 2500)}`;
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'failed', text: { type: 'mrkdwn', text } },
  ];
  if (value) {
    blocks.push({
      type: 'actions',
      block_id: 'reopen',
      elements: [
        {
          type: 'button',
          action_id: ACTION_ID.reopenForm,
          style: 'primary',
          text: { type: 'plain_text', text: 'Open the form again', emoji: true },
          value,
        },
      ],
    });
  } else {
    const lines = Object.entries(reopen.patch).map(
      ([field, v]) => `• \`${field}\`: ${v === null ? '_clear_' : escapeMrkdwn(v)}`,
    );
    blocks.push({
      type: 'section',
      block_id: 'values',
      text: { type: 'mrkdwn', text: fitMrkdwn(`What you entered:\n${lines.join('\n')}`, 3000) },
    });
  }
  return { text, blocks };
}

/** The confirmation could not go to the channel; the person still learns the save worked. */
export function confirmationUndeliveredMessage(
  confirmation: SlackMessage,
  channelId: string | null,
  slackError: string,
): SlackMessage {
  const where = channelId ? channelMention(channelId) : 'the updates channel';
  const advice =
    slackError === 'not_in_channel' || slackError === 'channel_not_found'
      ? `I'm not a member of ${where}, so I couldn't post the confirmation there. Invite me there with \`/invite @Stuut contacts\`, or ask whoever runs this bot to choose another channel (CONTACT_UPDATES_CHANNEL).`
      : slackError === 'is_archived'
        ? `${where} is archived, so the confirmation couldn't be posted there. Ask whoever runs this bot to choose an open channel (CONTACT_UPDATES_CHANNEL).`
        : `Slack refused the confirmation post in ${where} (${escapeMrkdwn(slackError)}). Nothing needs redoing; share this message if the channel should know.`;
  const text = `:white_check_mark: The contact was saved in Stuut. ${advice}`;
  return {
    text,
    blocks: [
      { type: 'section', block_id: 'undelivered', text: { type: 'mrkdwn', text } },
      ...confirmation.blocks,
    ],
  };
}

/** A save that worked, told to a person whose form closed before the answer came. */
export function savedNoticeMessage(confirmation: SlackMessage): SlackMessage {
  return {
    text: `:white_check_mark: Saved. ${confirmation.text}`,
    blocks: confirmation.blocks,
  };
}

/** A button whose payload the bot cannot read (for example from an older version of the bot). */
export function staleButtonMessage(): SlackMessage {
  const text =
    'This button no longer works. Use `/contact update &lt;name, email or id&gt;` to open the form.';
  return { text, blocks: [{ type: 'section', block_id: 'stale', text: { type: 'mrkdwn', text } }] };
}
