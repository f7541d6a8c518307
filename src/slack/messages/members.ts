import type { KnownBlock } from '@slack/types';
import type { FieldChange } from '../../domain/diff';
import { ACTION_ID } from '../ids';
import { BUTTON_VALUE_MAX } from '../metadata';
import { escapeToFit, fitMrkdwn, userMention } from '../mrkdwn';
import type { SlackMessage } from './confirmation';
import { changesText } from './contactText';

/**
 * The messages about Slack members and their contacts. None of them is posted to a channel: the
 * member's mention and email go only to the person who asked, and the notice of a change goes to
 * the changed person alone. Every name and value is escaped.
 */

const USER_ID = /^[UW][A-Z0-9]+$/;

function section(blockId: string, text: string): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: fitMrkdwn(text, 3000) },
  };
}

/**
 * An @mention of a member no contact is linked to, answered to the asker only: the member's
 * email (so the asker can check the book), and Add, which opens `/contact add` filled in from the
 * member's profile, for those who may add.
 */
export function notLinkedMessage(model: {
  userId: string;
  memberName: string;
  email: string | null;
  canAdd: boolean;
}): SlackMessage {
  const name = model.memberName.trim();
  const who = `${userMention(model.userId)}${name === '' ? '' : ` (${escapeToFit(name, 200)})`}`;
  const why =
    model.email === null || model.email.trim() === ''
      ? 'Slack did not share their email'
      : `no contact in the book has their Slack email, ${escapeToFit(model.email.trim(), 300)}`;
  const text = fitMrkdwn(`${who} is not linked to any contact: ${why}.`, 3000);
  const blocks: KnownBlock[] = [section('not_linked', text)];
  if (model.canAdd && USER_ID.test(model.userId) && model.userId.length <= BUTTON_VALUE_MAX) {
    blocks.push({
      type: 'actions',
      block_id: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_ID.addMember,
          text: { type: 'plain_text', text: 'Add them to Stuut', emoji: true },
          value: model.userId,
        },
      ],
    });
  }
  return { text, blocks };
}

/** An @mention while linking is off: the token lacks `users:read.email`. */
export function linkingOffMessage(): SlackMessage {
  const text =
    'Finding people by @mention needs the users:read.email scope, which this app does not have. Ask whoever runs the bot to reinstall it from manifest.yml; meanwhile use their name or email.';
  return { text, blocks: [section('linking_off', text)] };
}

/**
 * The direct message to the person whose own contact was changed (`CONTACT_NOTIFY_SUBJECT`): who
 * changed what. It goes to them alone, so the values show.
 */
export function subjectNoticeMessage(model: {
  changerId: string;
  contactName: string;
  changes: readonly FieldChange[];
}): SlackMessage {
  const changer = userMention(model.changerId);
  const name = escapeToFit(model.contactName.trim() || 'your contact', 200);
  const list = changesText(model.changes);
  const head = `${changer} changed your contact in Stuut`;
  const blocks: KnownBlock[] = [
    section('notice', list === '' ? `:pencil2: ${head}.` : `:pencil2: ${head}:\n${list}`),
    {
      type: 'context',
      block_id: 'about',
      elements: [
        {
          type: 'mrkdwn',
          text: `You get this because *${name}* in Stuut is linked to your Slack account by email.`,
        },
      ],
    },
  ];
  return { text: `${head} (${name}).`, blocks };
}
