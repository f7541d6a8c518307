import type { KnownBlock } from '@slack/types';
import { FIELD_LABELS, type InternalContact, valuesOf } from '../../domain/contact';
import type { FieldChange } from '../../domain/diff';
import { ACTION_ID } from '../ids';
import { encodeEditButton } from '../metadata';
import { escapeMrkdwn, slackDate, truncate, userMention } from '../mrkdwn';
import { changesText, contactDisplayName, contactFieldsSection } from './contactText';

export interface SlackMessage {
  /** The fallback for notifications and screen readers; always present. */
  text: string;
  blocks: KnownBlock[];
}

export interface ConfirmationModel {
  contact: InternalContact;
  changes: readonly FieldChange[];
  userId: string;
  /** When Stuut returned these values (its modified_at, else the time of the answer). */
  seenAt: string;
}

/** The channel message after a save: who changed what, and the contact as Stuut now has it. */
export function confirmationMessage(model: ConfirmationModel): SlackMessage {
  const { contact, changes, userId, seenAt } = model;
  const name = escapeMrkdwn(truncate(contactDisplayName(contact), 200));
  const changedList = changes.map((change) => FIELD_LABELS[change.field].toLowerCase()).join(', ');
  return {
    text: `${userMention(userId)} updated ${name} in Stuut: ${changedList}.`,
    blocks: [
      {
        type: 'section',
        block_id: 'summary',
        text: {
          type: 'mrkdwn',
          // Escaping can make the change list outgrow a text object's 3000 characters.
          text: truncate(
            `:memo: ${userMention(userId)} updated *${name}* in Stuut\n${changesText(changes)}`,
            3000,
          ),
        },
      },
      contactFieldsSection(contact, 'contact'),
      {
        type: 'context',
        block_id: 'meta',
        elements: [
          {
            type: 'mrkdwn',
            text: `Contact id \`${escapeMrkdwn(contact.id)}\` · values as Stuut returned them ${slackDate(seenAt)}`,
          },
        ],
      },
      {
        type: 'actions',
        block_id: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION_ID.editContact,
            text: { type: 'plain_text', text: 'Edit', emoji: true },
            value: encodeEditButton({
              contactId: contact.id,
              baseline: { values: valuesOf(contact), seenAt },
            }),
          },
        ],
      },
    ],
  };
}
