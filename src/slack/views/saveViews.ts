import type { KnownBlock, ModalView } from '@slack/types';
import { displayName, type InternalContact } from '../../domain/contact';
import type { FieldChange } from '../../domain/diff';
import { CALLBACK_ID } from '../ids';
import { changesText, contactFieldsSection } from '../messages/contactText';
import { channelMention, escapeMrkdwn, truncate } from '../mrkdwn';

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}

/** Shown when Stuut is slow, so the acknowledgement still comes within Slack's 3 seconds. */
export function savingView(contactId: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.saving,
    title: plain('Update contact'),
    close: plain('Close'),
    blocks: [
      {
        type: 'section',
        block_id: 'saving',
        text: {
          type: 'mrkdwn',
          text: `:hourglass_flowing_sand: *Saving…*\nStuut is taking a while to answer for \`${escapeMrkdwn(contactId)}\`. This updates when it does; if you close it, the outcome comes to you as a message.`,
        },
      },
    ],
  };
}

export interface SavedViewModel {
  contact: InternalContact;
  changes: readonly FieldChange[];
  /** Where the confirmation is being posted; null when it goes only to the person. */
  confirmationChannelId: string | null;
}

/** The outcome of a save that worked, shown in the modal. */
export function savedView(model: SavedViewModel): ModalView {
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'saved',
      text: {
        type: 'mrkdwn',
        // Escaping can make the change list outgrow a text object's 3000 characters.
        text: truncate(
          `:white_check_mark: *Saved ${escapeMrkdwn(displayName(model.contact))}*\n${changesText(model.changes)}`,
          3000,
        ),
      },
    },
    contactFieldsSection(model.contact, 'contact'),
    {
      type: 'context',
      block_id: 'where',
      elements: [
        {
          type: 'mrkdwn',
          text: `Contact id \`${escapeMrkdwn(model.contact.id)}\`. ${
            model.confirmationChannelId
              ? `A confirmation goes to ${channelMention(model.confirmationChannelId)}.`
              : 'A confirmation comes to you as a message.'
          }`,
        },
      ],
    },
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.result,
    title: plain('Contact updated'),
    close: plain('Done'),
    blocks,
  };
}
