import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { AssignmentEntry } from '../../book/book';
import { type Assignment, roleLabel } from '../../domain/assignment';
import { displayName, type InternalContact, valuesOf } from '../../domain/contact';
import { decodeChangeRoleButton, encodeChangeRoleButton } from '../assignmentMetadata';
import { ACTION_ID } from '../ids';
import { BUTTON_VALUE_MAX, encodeUndoButton } from '../metadata';
import { escapeToFit, slackDate, truncate, userMention } from '../mrkdwn';
import { editButton, type SlackMessage, slackNameNote } from './confirmation';
import { contactFieldsSection, sharedDisplayName } from './contactText';

/**
 * The messages of `/contact add`, `/contact assign`, `/contact roles` and a role change. Roles are
 * shown in words (`roleLabel`); every name, role, id and reason from outside is escaped. In a
 * channel shared with another organisation no contact value (so no email or phone number) appears
 * in the text, the blocks or a button value. A linked member's Slack display name shows beside
 * the contact's name as plain text, never a mention (which would notify them).
 */

/** The most assignments `/contact roles` lists; more are counted in a line under them. */
export const ROLES_LIMIT = 40;

type ContactName = Pick<InternalContact, 'id' | 'email' | 'name' | 'given_name' | 'family_name'>;

/** The contact's name as mrkdwn; in a shared channel never an email or a number. */
function nameFor(contact: ContactName, shared: boolean): { plain: string; bold: string } {
  if (shared) return sharedDisplayName(contact);
  const escaped = escapeToFit(displayName(contact), 200);
  return { plain: escaped, bold: `*${escaped}*` };
}

/** A role in words, escaped: a role Stuut added since is shown as Stuut spells it. */
function role(value: string): string {
  return escapeToFit(roleLabel(value), 100);
}

/** "partner `ptn_abc123`", escaped and kept short. */
function partner(partnerId: string): string {
  return `partner \`${escapeToFit(partnerId, 200)}\``;
}

function code(id: string): string {
  return `\`${escapeToFit(id, 200)}\``;
}

function section(blockId: string, text: string): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: truncate(text, 3000) },
  };
}

function context(blockId: string, text: string): KnownBlock {
  return {
    type: 'context',
    block_id: blockId,
    elements: [{ type: 'mrkdwn', text: truncate(text, 3000) }],
  };
}

const SHARED_NOTE =
  ':lock: This channel is shared with another organisation, so the values are not shown here. *Edit* opens the contact for you alone.';

/** "Change role" on an assignment to a partner; a floating assignment has none (null). */
function changeRoleButton(assignment: {
  assignmentId: string;
  partnerId: string | null;
  contactId: string;
  role: string;
}): Button | null {
  if (assignment.partnerId === null) return null;
  const value = encodeChangeRoleButton({
    assignmentId: assignment.assignmentId,
    partnerId: assignment.partnerId,
    contactId: assignment.contactId,
    role: assignment.role,
  });
  // An id Stuut answered in another shape would make a button the bot cannot read back: none.
  if (value.length > BUTTON_VALUE_MAX || decodeChangeRoleButton(value) === null) return null;
  return {
    type: 'button',
    action_id: ACTION_ID.changeRole,
    text: { type: 'plain_text', text: 'Change role', emoji: true },
    value,
  };
}

function buttonOf(assignment: Assignment): Button | null {
  return changeRoleButton({
    assignmentId: assignment.id,
    partnerId: assignment.partner_id,
    contactId: assignment.internal_contact.id,
    role: assignment.internal_role,
  });
}

/** An actions block of the buttons there are; none when there are none (Slack wants one). */
function actions(buttons: readonly (Button | null)[]): ActionsBlock[] {
  const elements = buttons.filter((button): button is Button => button !== null);
  return elements.length > 0 ? [{ type: 'actions', block_id: 'actions', elements }] : [];
}

function idsLine(assignment: Assignment): string {
  return `Contact id ${code(assignment.internal_contact.id)} · assignment ${code(assignment.id)}`;
}

/**
 * The channel confirmation of `/contact add`: who added whom, with which role, the contact's
 * values as Stuut returned them, and an Edit button. In a shared channel: the name and the role.
 */
export function addedMessage(model: {
  assignment: Assignment;
  userId: string;
  /** When Stuut returned these values (its modified_at, else the time of the answer). */
  seenAt: string;
  shared?: boolean;
  /** The book's version of the contact after this add, for the Edit button's form. */
  bookVersion?: number | null;
  /** The linked member's Slack display name, shown as plain text (as the update's confirmation). */
  slackName?: string | null;
}): SlackMessage {
  const { assignment, userId, seenAt } = model;
  const contact = assignment.internal_contact;
  const shared = model.shared === true;
  const name = nameFor(contact, shared);
  const note = slackNameNote(model.slackName, shared);
  const where = assignment.partner_id === null ? '' : ` for ${partner(assignment.partner_id)}`;
  const as = `as ${role(assignment.internal_role)}${where}`;
  const head = `:bust_in_silhouette: ${userMention(userId)} added ${name.bold}${note} to Stuut ${as}`;
  const text = `${userMention(userId)} added ${name.plain} to Stuut ${as}.`;
  const idLine = `Contact id ${code(contact.id)}`;
  if (shared) {
    return {
      text,
      blocks: [
        section('summary', head),
        context('shared', SHARED_NOTE),
        context('meta', `${idLine} · saved ${slackDate(seenAt)}`),
        // Only the id: the values would reach anyone in the channel who can read the payload.
        editButton({ contactId: contact.id, baseline: null }),
      ],
    };
  }
  return {
    text,
    blocks: [
      section('summary', head),
      contactFieldsSection(contact, 'contact'),
      context('meta', `${idLine} · values as Stuut returned them ${slackDate(seenAt)}`),
      editButton({
        contactId: contact.id,
        baseline: {
          values: valuesOf(contact),
          seenAt,
          from: 'stuut',
          version: model.bookVersion ?? null,
        },
      }),
    ],
  };
}

/** The channel confirmation of `/contact assign`: "Alice made Priya Raman CSM for partner …". */
export function assignedMessage(model: {
  assignment: Assignment;
  userId: string;
  shared?: boolean;
  /** The linked member's Slack display name, shown as plain text (as the update's confirmation). */
  slackName?: string | null;
}): SlackMessage {
  const { assignment, userId } = model;
  const shared = model.shared === true;
  const name = nameFor(assignment.internal_contact, shared);
  const note = slackNameNote(model.slackName, shared);
  const where = assignment.partner_id === null ? '' : ` for ${partner(assignment.partner_id)}`;
  const what = `${role(assignment.internal_role)}${where}`;
  return {
    text: `${userMention(userId)} made ${name.plain} ${what}.`,
    blocks: [
      section('summary', `:handshake: ${userMention(userId)} made ${name.bold}${note} ${what}`),
      context('meta', idsLine(assignment)),
      ...actions([buttonOf(assignment)]),
    ],
  };
}

/**
 * The channel confirmation of a role change: the old role → the new one, with Undo (when the
 * change was recorded) and Change role.
 */
export function roleChangedMessage(model: {
  assignment: Assignment;
  /** The role the book knew before; null when it knew none. */
  roleBefore: string | null;
  userId: string;
  /** The recorded change an Undo button takes back; null: no Undo. */
  undoChangeId: number | null;
  shared?: boolean;
  /** The linked member's Slack display name, shown as plain text (as the update's confirmation). */
  slackName?: string | null;
}): SlackMessage {
  const { assignment, userId } = model;
  const shared = model.shared === true;
  const name = nameFor(assignment.internal_contact, shared);
  const note = slackNameNote(model.slackName, shared);
  const where = assignment.partner_id === null ? '' : ` for ${partner(assignment.partner_id)}`;
  const after = role(assignment.internal_role);
  const change =
    model.roleBefore === null ? `it is now ${after}` : `${role(model.roleBefore)} → ${after}`;
  // "Priya Raman (Slack: priya)'s role" would read badly: with a Slack name, "the role of".
  const what =
    note === ''
      ? `${name.bold}'s role${where}: ${change}`
      : `the role of ${name.bold}${note}${where}: ${change}`;
  const undo: Button | null =
    typeof model.undoChangeId === 'number' && model.undoChangeId > 0
      ? {
          type: 'button',
          action_id: ACTION_ID.undoChange,
          text: { type: 'plain_text', text: 'Undo', emoji: true },
          value: encodeUndoButton(model.undoChangeId),
        }
      : null;
  return {
    text: `${userMention(userId)} changed ${name.plain}'s role${where}: ${change}.`,
    blocks: [
      section('summary', `:arrows_counterclockwise: ${userMention(userId)} changed ${what}`),
      context('meta', idsLine(assignment)),
      ...actions([buttonOf(assignment), undo]),
    ],
  };
}

/** The undo of a role change: the role the assignment has again, and the one taken back. */
export function roleUndoneMessage(model: {
  /** The assignment as Stuut returned it after the undo. */
  assignment: Assignment;
  restoredRole: string;
  undoneRole: string;
  userId: string;
  originalUserId: string;
  shared?: boolean;
  /** The linked member's Slack display name, shown as plain text (as the update's confirmation). */
  slackName?: string | null;
}): SlackMessage {
  const { assignment } = model;
  const shared = model.shared === true;
  const name = nameFor(assignment.internal_contact, shared);
  const note = slackNameNote(model.slackName, shared);
  const who = userMention(model.userId);
  const whose =
    model.userId === model.originalUserId ? 'their own' : `${userMention(model.originalUserId)}'s`;
  const where = assignment.partner_id === null ? '' : ` for ${partner(assignment.partner_id)}`;
  const state = `is ${role(model.restoredRole)} again${where} (was ${role(model.undoneRole)})`;
  return {
    text: `${who} undid ${whose} role change: ${name.plain} ${state}.`,
    blocks: [
      section(
        'undo',
        `:leftwards_arrow_with_hook: ${who} undid ${whose} role change: ${name.bold}${note} ${state}`,
      ),
      context('meta', idsLine(assignment)),
      ...actions([buttonOf(assignment)]),
    ],
  };
}

/**
 * The direct message to the person whose own contact was added, assigned or given another role
 * (`CONTACT_NOTIFY_SUBJECT`): who did what. It goes to them alone, so their name shows as is
 * (escaped); the only mention is of the person who made the change.
 */
export function roleNoticeMessage(model: {
  action: 'add' | 'assign' | 'role';
  changerId: string;
  assignment: Assignment;
  /** For a role change: the role before, when known. */
  roleBefore?: string | null;
}): SlackMessage {
  const { assignment } = model;
  const changer = userMention(model.changerId);
  const what = role(assignment.internal_role);
  const where = assignment.partner_id === null ? '' : ` for ${partner(assignment.partner_id)}`;
  const before =
    model.action === 'role' && model.roleBefore && model.roleBefore !== assignment.internal_role
      ? ` (was ${role(model.roleBefore)})`
      : '';
  const head =
    model.action === 'add'
      ? `${changer} added you to Stuut as ${what}${where}`
      : `${changer} made you ${what}${where}${before}`;
  const name = escapeToFit(displayName(assignment.internal_contact).trim() || 'your contact', 200);
  return {
    text: truncate(`${head}.`, 3000),
    blocks: [
      section('notice', `${model.action === 'add' ? ':wave:' : ':handshake:'} ${head}.`),
      context(
        'about',
        `You get this because *${name}* in Stuut is linked to your Slack account by email.`,
      ),
    ],
  };
}

/** One assignment of `/contact roles`: its role, its partner, and Change role when it has one. */
function roleRow(contactId: string, entry: AssignmentEntry, index: number): KnownBlock {
  const label = `*${role(entry.role)}*`;
  const button = changeRoleButton({
    assignmentId: entry.id,
    partnerId: entry.partnerId,
    contactId,
    role: entry.role,
  });
  const text =
    entry.partnerId === null
      ? `${label} (no partner: Stuut's role change needs one)`
      : `${label} for ${partner(entry.partnerId)}`;
  return {
    type: 'section',
    block_id: `role_${index}`,
    text: { type: 'mrkdwn', text: truncate(text, 3000) },
    ...(button ? { accessory: button } : {}),
  };
}

/** `/contact roles`: the assignments the book knows for one contact. `name` is unescaped. */
export function rolesMessage(model: {
  contactId: string;
  name: string;
  assignments: readonly AssignmentEntry[];
}): SlackMessage {
  const name = escapeToFit(model.name, 200);
  const count = model.assignments.length;
  if (count === 0) {
    const text = `The contact book knows no roles of *${name}* yet. Roles given with \`/contact add\` or \`/contact assign\` appear here.`;
    return { text, blocks: [section('empty', text)] };
  }
  const shown = model.assignments.slice(0, ROLES_LIMIT);
  const blocks: KnownBlock[] = [
    section('heading', `Roles of *${name}* the contact book knows:`),
    ...shown.map((entry, index) => roleRow(model.contactId, entry, index)),
  ];
  if (count > shown.length) {
    blocks.push(
      context(
        'more',
        `and ${count - shown.length} more, not shown here (Slack shows at most ${ROLES_LIMIT} in one message).`,
      ),
    );
  }
  blocks.push(
    context(
      'about',
      'The book knows the roles given or changed through this bot. To give a role: `/contact assign`.',
    ),
  );
  return { text: `${count === 1 ? 'One role' : `${count} roles`} of ${name}.`, blocks };
}

/**
 * A create or an assign that may or may not have been done (a reset, a timeout, a 5xx), told to
 * the person when the form is gone. `reason` is written for people.
 */
export function outcomeUnknownMessage(reason: string, what: 'create' | 'assign'): SlackMessage {
  const text = `:warning: ${escapeToFit(reason, 2500)}`;
  const look =
    what === 'create'
      ? 'Look for the email among the internal contacts.'
      : "Look at the customer's internal contacts.";
  const check = `Check the Stuut app before trying again: trying again may create a duplicate. ${look}`;
  return {
    text: truncate(`${text}\n${check}`, 3000),
    blocks: [section('unknown', text), context('check', check)],
  };
}

/**
 * A role change, or an add or assign Stuut answered in a way the bot cannot read, that may or
 * may not have been done, told to the person when the form is gone.
 */
export function maybeDoneMessage(reason: string): SlackMessage {
  const text = `:warning: ${escapeToFit(reason, 2500)}`;
  const check =
    'Check the contact in the Stuut app before trying again: it may already show the change.';
  return {
    text: truncate(`${text}\n${check}`, 3000),
    blocks: [section('maybe', text), context('check', check)],
  };
}

const RETRY_COMMAND: Readonly<Record<'add' | 'assign' | 'role', string>> = {
  add: '/contact add',
  assign: '/contact assign',
  role: '/contact roles',
};

/** A refusal that surely changed nothing (a 422, a 404, a 409…), when the form is gone. */
export function assignmentFailedMessage(
  reason: string,
  action: 'add' | 'assign' | 'role',
): SlackMessage {
  const why = escapeToFit(reason.trim().replace(/[.\s]+$/, '') || 'Stuut refused it', 2500);
  const text = `:x: Not done: ${why}. Nothing changed in Stuut. Run \`${RETRY_COMMAND[action]}\` again to retry.`;
  return { text: truncate(text, 3000), blocks: [section('failed', text)] };
}
