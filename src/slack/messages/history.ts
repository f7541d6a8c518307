import type { KnownBlock } from '@slack/types';
import type { AssignmentChange, ChangeRecord, ChangeSource } from '../../book/history';
import { roleLabel } from '../../domain/assignment';
import { ACTION_ID } from '../ids';
import { encodeHistoryButton } from '../metadata';
import { escapeToFit, slackDate, truncate, userMention } from '../mrkdwn';
import type { SlackMessage } from './confirmation';
import { changesText } from './contactText';

/** How many changes one page of history shows. */
export const HISTORY_PAGE = 10;

const SOURCE_WORDS: Readonly<Record<ChangeSource, string>> = {
  form: 'with the form',
  edit: 'with Edit',
  undo: 'with Undo',
  add: 'by adding the contact',
  assign: 'by an assignment',
  role: 'by a role change',
  drift: 'from a Slack profile',
};

const forPartner = (partnerId: string | null) =>
  partnerId === null ? '' : ` for partner \`${escapeToFit(partnerId, 200)}\``;

const role = (value: string) => escapeToFit(roleLabel(value), 100);

/** What a create, an assignment or a role change (or its undo) did to the role, in words. */
function assignmentText(change: ChangeRecord, assignment: AssignmentChange): string {
  const where = forPartner(assignment.partnerId);
  const after = role(assignment.roleAfter);
  const before = assignment.roleBefore === null ? null : role(assignment.roleBefore);
  const was = before !== null && before !== after ? ` (was ${before})` : '';
  switch (change.source) {
    case 'add':
      return `added with the role *${after}*${where}`;
    case 'assign':
      return `made *${after}*${where}${was}`;
    case 'undo':
      return `role${where} back to ${after}${was}`;
    default:
      return before === null ? `role${where}: now ${after}` : `role${where}: ${before} → ${after}`;
  }
}

/** One change: who (a mention: ephemeral messages notify nobody), when, how, and what. */
function changeSection(change: ChangeRecord, index: number): KnownBlock {
  const fields = change.changes.length > 0 ? changesText(change.changes) : null;
  const roleLine = change.assignment ? assignmentText(change, change.assignment) : null;
  const what =
    [roleLine, fields].filter((line): line is string => line !== null).join('\n') ||
    '_no field changed_';
  const undone = change.undoneBy !== null ? ' · _undone_' : '';
  const undoes = change.undoes !== null ? ' (taking back an earlier change)' : '';
  const text = `${userMention(change.slackUser)} · ${slackDate(change.at.toISOString())} · ${SOURCE_WORDS[change.source]}${undoes}${undone}\n${what}`;
  return {
    type: 'section',
    block_id: `change_${index}`,
    text: { type: 'mrkdwn', text: truncate(text, 3000) },
  };
}

/**
 * `/contact history`: the latest changes of one contact, newest first, and "Older" while there
 * are more. `name` is the contact's display name, unescaped.
 */
export function historyMessage(model: {
  contactId: string;
  name: string;
  changes: readonly ChangeRecord[];
  hasOlder: boolean;
  /** True on pages after the first. */
  older: boolean;
}): SlackMessage {
  const name = escapeToFit(model.name, 200);
  if (model.changes.length === 0) {
    const text = model.older
      ? `No older changes of *${name}* are kept.`
      : `The book has no recorded changes of *${name}* yet. Changes are recorded from the moment they are saved through this bot.`;
    return {
      text,
      blocks: [{ type: 'section', block_id: 'empty', text: { type: 'mrkdwn', text } }],
    };
  }
  const heading = `${model.older ? 'Older changes' : 'Latest changes'} of *${name}*, newest first:`;
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'heading', text: { type: 'mrkdwn', text: heading } },
    ...model.changes.slice(0, HISTORY_PAGE).map(changeSection),
  ];
  const oldest = model.changes.at(-1);
  if (model.hasOlder && oldest) {
    blocks.push({
      type: 'actions',
      block_id: 'paging',
      elements: [
        {
          type: 'button',
          action_id: ACTION_ID.olderHistory,
          text: { type: 'plain_text', text: 'Older', emoji: true },
          value: encodeHistoryButton({ contactId: model.contactId, beforeId: oldest.id }),
        },
      ],
    });
  }
  return { text: `${model.changes.length} changes of ${name}.`, blocks };
}
