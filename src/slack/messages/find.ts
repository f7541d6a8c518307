import type { KnownBlock, SectionBlock } from '@slack/types';
import type { BookEntry } from '../../book/book';
import { type ContactField, displayName } from '../../domain/contact';
import { ACTION_ID } from '../ids';
import { encodeHistoryButton, encodeOpenContactButton } from '../metadata';
import { escapeMrkdwn, escapeToFit, slackDate, truncate } from '../mrkdwn';
import type { SlackMessage } from './confirmation';
import { contactFieldsSection, shown } from './contactText';

/** What was typed with the command, carried into the form that a button opens. */
export interface Proposals {
  prefill: Partial<Record<ContactField, string>>;
  clear: ContactField[];
}

const NO_PROPOSALS: Proposals = { prefill: {}, clear: [] };

/** The most a list shows; more asks for more words. */
export const LIST_LIMIT = 10;

function entryName(entry: BookEntry): string {
  return displayName(entry.values);
}

/**
 * What a result's button does: open the update form, show the history, open the assign form,
 * or list the roles.
 */
export type ResultAction = 'update' | 'history' | 'assign' | 'roles';

function resultButton(entry: BookEntry, proposals: Proposals, action: ResultAction = 'update') {
  switch (action) {
    case 'history':
      return {
        type: 'button' as const,
        action_id: ACTION_ID.showHistory,
        text: { type: 'plain_text' as const, text: 'History', emoji: true },
        value: encodeHistoryButton({ contactId: entry.id, beforeId: null }),
      };
    case 'assign':
      return {
        type: 'button' as const,
        action_id: ACTION_ID.assignContact,
        text: { type: 'plain_text' as const, text: 'Assign', emoji: true },
        value: entry.id,
      };
    case 'roles':
      return {
        type: 'button' as const,
        action_id: ACTION_ID.showRoles,
        text: { type: 'plain_text' as const, text: 'Roles', emoji: true },
        value: entry.id,
      };
    case 'update':
      return {
        type: 'button' as const,
        action_id: ACTION_ID.openContact,
        text: { type: 'plain_text' as const, text: 'Update', emoji: true },
        value: encodeOpenContactButton({ contactId: entry.id, ...proposals }),
      };
  }
}

/** The question under several matches, in the words of what the buttons do. */
const WHICH_ONE: Readonly<Record<ResultAction, string>> = {
  update: 'Which one?',
  history: 'Which one?',
  assign: 'Which one gets the role?',
  roles: 'Whose roles?',
};

function provenance(entry: BookEntry): string {
  return entry.knownFrom === 'import'
    ? `as imported ${slackDate(entry.seenAt.toISOString())}`
    : `as Stuut returned them ${slackDate(entry.seenAt.toISOString())}`;
}

/** One result line: name, email and job title, with its Update button. */
function resultRow(
  entry: BookEntry,
  index: number,
  proposals: Proposals,
  action: ResultAction,
): SectionBlock {
  const title = entry.values.job_title ? ` · ${shown(entry.values.job_title)}` : '';
  return {
    type: 'section',
    block_id: `result_${index}`,
    text: {
      type: 'mrkdwn',
      text: `*${escapeToFit(entryName(entry), 200)}*\n${shown(entry.values.email)}${title}`,
    },
    accessory: resultButton(entry, proposals, action),
  };
}

function moreLine(shownCount: number, total: number): KnownBlock[] {
  if (total <= shownCount) return [];
  return [
    {
      type: 'context',
      block_id: 'more',
      elements: [
        {
          type: 'mrkdwn',
          text: `Showing the best ${shownCount} of ${total} matches. Add more words (a family name, part of the email) to narrow it down.`,
        },
      ],
    },
  ];
}

/** `/contact update <query>` with several matches: pick one; the form opens with what was typed. */
export function severalMatchesMessage(
  query: string,
  matches: readonly BookEntry[],
  total: number,
  proposals: Proposals = NO_PROPOSALS,
  action: ResultAction = 'update',
): SlackMessage {
  const heading = `${total} contacts in the book match *${escapeToFit(query, 200)}*. ${WHICH_ONE[action]}`;
  return {
    text: `${total} contacts match ${escapeToFit(query, 200)}. Pick one.`,
    blocks: [
      { type: 'section', block_id: 'heading', text: { type: 'mrkdwn', text: heading } },
      ...matches
        .slice(0, LIST_LIMIT)
        .map((entry, index) => resultRow(entry, index, proposals, action)),
      ...moreLine(Math.min(matches.length, LIST_LIMIT), total),
    ],
  };
}

/** `/contact find`: each contact's known values, where they come from, and Update. */
export function findResultsMessage(
  query: string | null,
  matches: readonly BookEntry[],
  total: number,
): SlackMessage {
  const heading =
    query === null
      ? matches.length === 0
        ? 'The contact book is empty. It learns every contact saved through this bot, and can be filled with `npm run import` (see the README).'
        : `The ${matches.length} most recently changed contacts in the book:`
      : total === 0
        ? `No contact in the book matches *${escapeToFit(query, 200)}*.`
        : `${total === 1 ? 'One contact matches' : `${total} contacts match`} *${escapeToFit(query, 200)}*:`;
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'heading', text: { type: 'mrkdwn', text: heading } },
  ];
  matches.slice(0, LIST_LIMIT).forEach((entry, index) => {
    blocks.push(
      { type: 'divider', block_id: `divider_${index}` },
      {
        type: 'section',
        block_id: `name_${index}`,
        text: { type: 'mrkdwn', text: `*${escapeToFit(entryName(entry), 200)}*` },
        accessory: resultButton(entry, NO_PROPOSALS),
      },
      contactFieldsSection(entry.values, `values_${index}`),
      {
        type: 'context',
        block_id: `meta_${index}`,
        elements: [
          {
            type: 'mrkdwn',
            text: `Contact id \`${escapeMrkdwn(truncate(entry.id, 128))}\` · ${provenance(entry)}`,
          },
        ],
      },
    );
  });
  blocks.push(...moreLine(Math.min(matches.length, LIST_LIMIT), total));
  const text =
    query === null
      ? `The ${matches.length} most recently changed contacts.`
      : `${total === 1 ? 'One contact matches' : `${total} contacts match`} ${escapeToFit(query, 200)}.`;
  return { text, blocks };
}

/** What to try when nothing matched, for the verbs whose button is not the update form. */
const NO_MATCH_ADVICE: Readonly<Record<'assign' | 'roles', string>> = {
  assign:
    'Try part of the name or the email, or `/contact find` to see what the book holds. For someone the book does not know, run `/contact assign` on its own and type the email into the form: a person Stuut does not know yet is created with the role.',
  roles:
    'The book knows the roles of contacts added or assigned through this bot. Try part of the name or the email, or `/contact find` to see what the book holds.',
};

/**
 * Nothing in the book matches. A one-word query that could be an id gets a button for a
 * contact the book does not know; a name never turns into a blind form by accident. For
 * `/contact assign` and `/contact roles` an unknown id offers nothing: an assignment needs the
 * email, and the book knows no roles of a contact it does not know.
 */
export function noMatchMessage(
  query: string,
  idShaped: boolean,
  proposals: Proposals = NO_PROPOSALS,
  action: ResultAction = 'update',
): SlackMessage {
  if (action === 'assign' || action === 'roles') {
    const text = [
      `No contact in the book matches *${escapeToFit(query, 200)}*.`,
      NO_MATCH_ADVICE[action],
    ].join('\n');
    return {
      text,
      blocks: [{ type: 'section', block_id: 'none', text: { type: 'mrkdwn', text } }],
    };
  }
  const lines = [
    `No contact in the book matches *${escapeToFit(query, 200)}*.`,
    'The book knows only contacts saved through this bot or imported into it, so a contact nobody has saved here yet is not found by name.',
    idShaped
      ? `If \`${escapeMrkdwn(query)}\` is the contact's Stuut id, open the form for it. Otherwise try part of the name or the email, or \`/contact find\` to see what the book holds.`
      : 'Try part of the name or the email, `/contact find` to see what the book holds, or `/contact update &lt;Stuut id&gt;` for a contact the book does not know yet.',
  ];
  const text = lines.join('\n');
  const blocks: KnownBlock[] = [
    { type: 'section', block_id: 'none', text: { type: 'mrkdwn', text } },
  ];
  if (idShaped) {
    blocks.push({
      type: 'actions',
      block_id: 'open_by_id',
      elements: [
        {
          type: 'button',
          action_id: ACTION_ID.openContact,
          text: {
            type: 'plain_text',
            text: truncate(`Open the form for id ${query}`, 75),
            emoji: true,
          },
          value: encodeOpenContactButton({ contactId: query, ...proposals }),
        },
      ],
    });
  }
  return { text, blocks };
}

/** The book failed: finding by name is off for now, the id still works. */
export function bookUnavailableMessage(query: string | null): SlackMessage {
  const what = query === null ? 'list contacts' : `find *${escapeToFit(query, 200)}*`;
  const text = `:warning: The contact book is unavailable right now, so I can't ${what}. \`/contact update &lt;Stuut id&gt;\` still works: the form opens empty, and an empty box keeps the value Stuut has. Try the search again in a minute.`;
  return {
    text,
    blocks: [{ type: 'section', block_id: 'unavailable', text: { type: 'mrkdwn', text } }],
  };
}
