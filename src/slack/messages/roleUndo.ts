import { roleLabel } from '../../domain/assignment';
import { escapeMrkdwn, truncate } from '../mrkdwn';
import type { SlackMessage } from './confirmation';

/** Why Undo of a role change did nothing (the other refusals are the update's own). */
export function roleUndoRefusedMessage(model: {
  reason: 'changed_since' | 'no_partner';
  /** The role the book holds now (changed_since). */
  current?: string;
}): SlackMessage {
  const text =
    model.reason === 'changed_since'
      ? `The role has changed since, to ${escapeMrkdwn(roleLabel(model.current ?? ''))}, so undoing would overwrite that. Nothing was sent to Stuut. Use Change role to decide what it should be.`
      : 'This role has no partner, and Stuut changes roles only on a partner. Nothing was sent to Stuut.';
  return {
    text: truncate(text, 3000),
    blocks: [{ type: 'section', block_id: 'undo_refused', text: { type: 'mrkdwn', text } }],
  };
}
