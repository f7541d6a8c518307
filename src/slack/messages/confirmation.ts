import type { ActionsBlock, KnownBlock } from '@slack/types';
import { displayName, FIELD_LABELS, type InternalContact, valuesOf } from '../../domain/contact';
import type { FieldChange } from '../../domain/diff';
import { ACTION_ID } from '../ids';
import { type EditButtonValue, encodeEditButton, encodeUndoButton } from '../metadata';
import { escapeMrkdwn, slackDate, truncate, userMention } from '../mrkdwn';
import { changesText, contactFieldsSection, sharedDisplayName } from './contactText';

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
  /**
   * The channel is shared with another organisation (Slack Connect): the message names the
   * contact and the changed fields only. No value, hence no email or phone number, appears
   * in the text, the blocks or the Edit button (which then carries only the id).
   */
  shared?: boolean;
  /** The book's version of the contact after this save, for the Edit button's form. */
  bookVersion?: number | null;
  /** The recorded change an Undo button takes back; null: no Undo (a before was unknown). */
  undoChangeId?: number | null;
  /** Fields Stuut's answer shows changed outside the bot since it last saw them (and when). */
  changedElsewhere?: { changes: readonly FieldChange[]; since: string } | null;
  /**
   * The linked member's Slack display name, shown beside the Stuut name as plain text: never a
   * mention, which would notify them. A display name is not contact data, so a shared channel
   * shows it too, unless it looks like an email or a phone number.
   */
  slackName?: string | null;
}

/** Text that could be an email address or a phone number (as contactText's shared-channel rule). */
const CONTACT_DATA_SHAPE = /@|\d(?:[\s().\-/]*\d){5,}/;

/**
 * " (Slack: priya)" after the contact's name: plain text, escaped, never a mention (which would
 * notify the member); empty when there is no Slack name, or in a shared channel when the name
 * looks like an email or a phone number.
 */
export function slackNameNote(slackName: string | null | undefined, shared: boolean): string {
  const name = (slackName ?? '').trim();
  if (name === '' || (shared && CONTACT_DATA_SHAPE.test(name))) return '';
  return ` (Slack: ${escapeMrkdwn(truncate(name, 100))})`;
}

/** The channel message after a save: who changed what, and the contact as Stuut now has it. */
export function confirmationMessage(model: ConfirmationModel): SlackMessage {
  if (model.shared) return sharedConfirmationMessage(model);
  const { contact, changes, userId, seenAt } = model;
  const name = escapeMrkdwn(truncate(displayName(contact), 200));
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
            `:memo: ${userMention(userId)} updated *${name}*${slackNameNote(model.slackName, false)} in Stuut\n${changesText(changes)}`,
            3000,
          ),
        },
      },
      contactFieldsSection(contact, 'contact'),
      ...elsewhereNote(model, false),
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
      editButton(
        {
          contactId: contact.id,
          baseline: {
            values: valuesOf(contact),
            seenAt,
            from: 'stuut',
            version: model.bookVersion ?? null,
          },
        },
        model.undoChangeId,
      ),
    ],
  };
}

/** The confirmation for a channel shared with another organisation: who changed which fields. */
function sharedConfirmationMessage(model: ConfirmationModel): SlackMessage {
  const { contact, changes, userId, seenAt } = model;
  const name = sharedDisplayName(contact);
  const fields = changes.map((change) => FIELD_LABELS[change.field].toLowerCase());
  const changedList = fields.length > 0 ? fields.join(', ') : 'no fields';
  return {
    text: `${userMention(userId)} updated ${name.plain} in Stuut: ${changedList}.`,
    blocks: [
      {
        type: 'section',
        block_id: 'summary',
        text: {
          type: 'mrkdwn',
          text: `:memo: ${userMention(userId)} updated ${name.bold}${slackNameNote(model.slackName, true)} in Stuut\nChanged: ${changedList}.`,
        },
      },
      {
        type: 'context',
        block_id: 'shared',
        elements: [
          {
            type: 'mrkdwn',
            text: ':lock: This channel is shared with another organisation, so the values are not shown here. *Edit* opens the contact for you alone.',
          },
        ],
      },
      ...elsewhereNote(model, true),
      {
        type: 'context',
        block_id: 'meta',
        elements: [
          {
            type: 'mrkdwn',
            text: `Contact id \`${escapeMrkdwn(contact.id)}\` · saved ${slackDate(seenAt)}`,
          },
        ],
      },
      // Only the id: the values would reach anyone in the channel who can read the payload.
      editButton({ contactId: contact.id, baseline: null }, model.undoChangeId),
    ],
  };
}

/**
 * The confirmation's buttons: Edit, which opens the form from what its value carries, and Undo
 * when the change can be taken back.
 */
export function editButton(value: EditButtonValue, undoChangeId?: number | null): ActionsBlock {
  return {
    type: 'actions',
    block_id: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ACTION_ID.editContact,
        text: { type: 'plain_text', text: 'Edit', emoji: true },
        value: encodeEditButton(value),
      },
      ...(undoChangeId
        ? [
            {
              type: 'button' as const,
              action_id: ACTION_ID.undoChange,
              text: { type: 'plain_text' as const, text: 'Undo', emoji: true },
              value: encodeUndoButton(undoChangeId),
            },
          ]
        : []),
    ],
  };
}

/**
 * Stuut's answer differs from what the bot last learned from Stuut on fields this save did not
 * touch: someone changed them elsewhere. Shown with the old value, or only the field's name
 * where values must not appear.
 */
function elsewhereNote(model: ConfirmationModel, valuesHidden: boolean): KnownBlock[] {
  const elsewhere = model.changedElsewhere;
  if (!elsewhere || elsewhere.changes.length === 0) return [];
  const text = valuesHidden
    ? `:information_source: Also changed outside this bot since it last saw this contact ${slackDate(elsewhere.since)}: ${elsewhere.changes.map((c) => FIELD_LABELS[c.field].toLowerCase()).join(', ')}.`
    : `:information_source: Changed outside this bot since it last saw this contact ${slackDate(elsewhere.since)}:\n${changesText(elsewhere.changes)}`;
  return [
    {
      type: 'context',
      block_id: 'elsewhere',
      elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }],
    },
  ];
}
