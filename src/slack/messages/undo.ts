import type { KnownBlock } from '@slack/types';
import type { ChangeRecord } from '../../book/history';
import { displayName, FIELD_LABELS, type InternalContact } from '../../domain/contact';
import type { FieldChange } from '../../domain/diff';
import type { UndoRefusal } from '../../domain/undo';
import { ACTION_ID } from '../ids';
import { encodeOpenContactButton } from '../metadata';
import { escapeToFit, slackDate, truncate, userMention } from '../mrkdwn';
import type { SlackMessage } from './confirmation';
import { changesText, sharedDisplayName } from './contactText';

type ContactName = Pick<InternalContact, 'id' | 'email' | 'name' | 'given_name' | 'family_name'>;

/** The contact's name as mrkdwn; in a shared channel never an email or a number. */
function nameFor(contact: ContactName, shared: boolean): { plain: string; bold: string } {
  if (shared) return sharedDisplayName(contact);
  const escaped = escapeToFit(displayName(contact), 200);
  return { plain: escaped, bold: `*${escaped}*` };
}

function section(blockId: string, text: string): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: truncate(text, 3000) },
  };
}

const fieldNames = (changes: readonly FieldChange[]) =>
  changes.map((change) => FIELD_LABELS[change.field].toLowerCase()).join(', ');

/**
 * The undo's own confirmation: "Bob undid Alice's change to Priya Raman", then each field from
 * the value it had to the value it has again. In a channel shared with another organisation,
 * the field names only.
 */
export function undoConfirmationMessage(model: {
  undoerId: string;
  originalUserId: string;
  /** The contact, for its name (in a shared channel, never an email or a number). */
  contact: ContactName;
  /** From the change's "after" back to its "before". */
  changes: readonly FieldChange[];
  shared: boolean;
}): SlackMessage {
  const who = userMention(model.undoerId);
  const whose =
    model.undoerId === model.originalUserId
      ? 'their own'
      : `${userMention(model.originalUserId)}'s`;
  const name = nameFor(model.contact, model.shared);
  const head = `:leftwards_arrow_with_hook: ${who} undid ${whose} change to ${name.bold}`;
  const body = model.shared
    ? `${head}: ${fieldNames(model.changes)}.`
    : `${head}:\n${changesText(model.changes)}`;
  const blocks: KnownBlock[] = [section('undo', body)];
  if (model.shared) {
    blocks.push({
      type: 'context',
      block_id: 'shared',
      elements: [
        {
          type: 'mrkdwn',
          text: ':lock: This channel is shared with another organisation, so the values are not shown here.',
        },
      ],
    });
  }
  return {
    text: `${who} undid ${whose} change to ${name.plain}: ${fieldNames(model.changes)}.`,
    blocks,
  };
}

/**
 * The original confirmation once undone: the same message, without its Undo button, and a
 * line saying who undid it and when.
 */
export function markUndone(
  blocks: readonly KnownBlock[],
  undoerId: string,
  at: Date,
): KnownBlock[] {
  const kept: KnownBlock[] = [];
  for (const block of blocks) {
    if (block.block_id === 'undone') continue;
    if (block.type === 'actions') {
      const elements = block.elements.filter(
        (element) => !('action_id' in element && element.action_id === ACTION_ID.undoChange),
      );
      if (elements.length === 0) continue;
      kept.push({ ...block, elements });
      continue;
    }
    kept.push(block);
  }
  kept.push({
    type: 'context',
    block_id: 'undone',
    elements: [
      {
        type: 'mrkdwn',
        text: `:leftwards_arrow_with_hook: Undone by ${userMention(undoerId)} ${slackDate(at.toISOString())}`,
      },
    ],
  });
  return kept;
}

/** Why an Undo did nothing, and what to do instead. */
export function undoRefusedMessage(model: {
  refusal:
    | UndoRefusal
    | { kind: 'busy' }
    | { kind: 'saving' }
    | { kind: 'missing'; historyDays: number };
  contactId: string;
  /** For "changed since": the changes made after this one, oldest first. */
  since?: readonly ChangeRecord[];
}): SlackMessage {
  const { refusal } = model;
  let text: string;
  let offerForm = false;
  switch (refusal.kind) {
    case 'undone':
      text = 'This change was already undone. Nothing was sent to Stuut.';
      break;
    case 'busy':
      text =
        'Someone is undoing this change right now. Nothing more was sent to Stuut; the channel will show the outcome.';
      break;
    case 'saving':
      text =
        'Someone is saving a change to this contact right now, so undoing now could overwrite it. Nothing was sent to Stuut. Try Undo again in a moment.';
      break;
    case 'expired':
      text = `Undo works for ${refusal.minutes} minutes after a change, and that time has passed. Nothing was sent to Stuut: open the form to change the values back.`;
      offerForm = true;
      break;
    case 'before_unknown':
      text =
        "The bot did not know this contact's values before the change, so it cannot put them back. Open the form to change them.";
      offerForm = true;
      break;
    case 'missing':
      text = `This change is no longer in the history (kept ${refusal.historyDays} days). Nothing was sent to Stuut.`;
      break;
    case 'changed_since': {
      const later = (model.since ?? [])
        .map(
          (change) =>
            `${userMention(change.slackUser)} ${slackDate(change.at.toISOString())}:\n${changesText(change.changes)}`,
        )
        .join('\n');
      text = `The contact has changed since (${fieldNames(refusal.fields.map((field) => ({ field, before: null, after: null })))}), so undoing would overwrite that. Nothing was sent to Stuut.${later ? `\n${later}` : ''}\nOpen the form to decide what the values should be.`;
      offerForm = true;
      break;
    }
  }
  const blocks: KnownBlock[] = [section('undo_refused', text)];
  if (offerForm) {
    blocks.push({
      type: 'actions',
      block_id: 'undo_refused_form',
      elements: [
        {
          type: 'button',
          action_id: ACTION_ID.openContact,
          text: { type: 'plain_text', text: 'Open the form', emoji: true },
          value: encodeOpenContactButton({ contactId: model.contactId, prefill: {}, clear: [] }),
        },
      ],
    });
  }
  return { text: truncate(text, 3000), blocks };
}

/** Stuut did not take the undo back. `definite`: nothing was applied, and Undo still works. */
export function undoFailedMessage(reason: string, definite: boolean): SlackMessage {
  // The reason may quote Stuut's answer: escaped like every other text from outside.
  const why = escapeToFit(reason, 2500);
  const text = definite
    ? `:x: The undo did not go through: ${why} Nothing changed in Stuut, and the Undo button still works.`
    : `:warning: The undo may or may not have gone through: ${why} Check the contact in Stuut before trying again; the Undo button works again in half a minute.`;
  return { text: truncate(text, 3000), blocks: [section('undo_failed', text)] };
}

/**
 * A replacement for an original confirmation Slack did not send back with the click (an
 * ephemeral message): what the change was, marked undone, built from the change record.
 */
export function undoneOriginalMessage(model: {
  originalUserId: string;
  contact: ContactName;
  changes: readonly FieldChange[];
  undoerId: string;
  at: Date;
  /** No values where the original's channel is shared with another organisation. */
  shared: boolean;
}): SlackMessage {
  const head = `:memo: ${userMention(model.originalUserId)} updated ${nameFor(model.contact, model.shared).bold} in Stuut`;
  const body = model.shared
    ? `${head}\nChanged: ${fieldNames(model.changes)}.`
    : `${head}\n${changesText(model.changes)}`;
  return {
    text: `${head}, since undone.`,
    blocks: markUndone([section('summary', body)], model.undoerId, model.at),
  };
}
