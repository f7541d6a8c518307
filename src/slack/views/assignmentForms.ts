import type {
  ContextBlock,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';
import { isRole, ROLE_LABELS, ROLES, type Role, roleLabel } from '../../domain/assignment';
import { CLEARABLE_FIELDS, type ContactField, FIELD_LABELS } from '../../domain/contact';
import { MAX_TEXT_LENGTH } from '../../domain/form';
import type {
  AddFormInput,
  AddFormKey,
  AssignFormInput,
  AssignFormKey,
} from '../../domain/newContact';
import {
  type AddFormMetadata,
  type AssignFormMetadata,
  encodeAddFormMetadata,
  encodeAssignFormMetadata,
  encodeRoleFormMetadata,
  type RoleFormMetadata,
} from '../assignmentMetadata';
import { ACTION_ID, ADD_BLOCK_ID, ASSIGN_BLOCK_ID, CALLBACK_ID, ROLE_BLOCK_ID } from '../ids';
import { channelMention, escapeToFit, fitMrkdwn, truncate } from '../mrkdwn';
import type { ViewStateValues } from './contactForm';

/**
 * The forms of `/contact add`, `/contact assign` and "Change role", and the modal each turns
 * into while Stuut works and after. Pure builders, in the update form's style: fixed block ids
 * (Slack keeps what was typed by block id across a views.update), inputs with one element whose
 * action_id is ACTION_ID.input, errors keyed by block id.
 */

const PLAIN_TEXT_INPUT_MAX = 3000;
const OPTION_TEXT_MAX = 75;
const ERROR_MAX = 2000;
const PHONE_MAX = 64;
const EMAIL_MAX = 254;
/** A valid partner id has 128 characters at most; room for the spaces pasted around it. */
const PARTNER_ID_INPUT_MAX = 160;

const PLACEHOLDERS: Readonly<Record<ContactField, string>> = {
  email: 'name@company.com',
  given_name: 'Ada',
  family_name: 'Lovelace',
  name: 'Ada Lovelace',
  phone: '+1 415 555 0100',
  job_title: 'Customer Success Manager',
};

const PHONE_HINT = 'Any format; numbers without a country code are read as local.';
export const PARTNER_ID_HINT =
  "On the customer's page in the Stuut app: the id that starts with ptn_ (for example ptn_abc123).";
export const ASSIGN_EMAIL_HINT =
  'Or the email of someone the book does not know. Press Enter to check it.';
export const NEW_PERSON_TEXT =
  'Not in the contact book yet: Stuut creates them with these details.';

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}

/** The block id of the context block under an input, for a message about it. */
export function assignmentNoteBlockId(blockId: string): string {
  return `${blockId}__note`;
}

function note(blockId: string, message: string): ContextBlock {
  return {
    type: 'context',
    block_id: assignmentNoteBlockId(blockId),
    elements: [{ type: 'mrkdwn', text: `:warning: ${escapeToFit(message, 2900)}` }],
  };
}

/** A message at the top, after a try that did not work: plain words, escaped here. */
function noticeSection(notice: string): SectionBlock {
  return {
    type: 'section',
    block_id: 'notice',
    text: { type: 'mrkdwn', text: `:x: *${escapeToFit(notice, 2900)}*` },
  };
}

/** Blocks, each input followed by its note when there is one. */
class Blocks {
  readonly list: KnownBlock[] = [];
  constructor(private readonly notes: Partial<Record<string, string>>) {}

  push(block: KnownBlock): void {
    this.list.push(block);
  }

  /** An input block, then the note for its key. */
  input(key: string, block: InputBlock): void {
    this.list.push(block);
    const message = this.notes[key];
    if (message) this.list.push(note(block.block_id ?? key, message));
  }
}

/** The text input of one contact field: the update form's placeholders, hints and lengths. */
function fieldInput(
  field: Exclude<ContactField, 'email'>,
  blockId: string,
  initial: string | undefined,
): InputBlock {
  // The API's limit, raised for a longer prefilled value so that it shows whole (and is refused
  // with a reason, rather than cut without one).
  const limit = field === 'phone' ? PHONE_MAX : MAX_TEXT_LENGTH;
  const maxLength = Math.min(PLAIN_TEXT_INPUT_MAX, Math.max(limit, [...(initial ?? '')].length));
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(FIELD_LABELS[field]),
    ...(field === 'phone' ? { hint: plain(PHONE_HINT) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: ACTION_ID.input,
      placeholder: plain(PLACEHOLDERS[field]),
      max_length: maxLength,
      ...(initial ? { initial_value: truncate(initial, maxLength) } : {}),
    },
  };
}

/** The options of a role select: the six roles, in words, in Stuut's order. */
export function roleOptions(): PlainTextOption[] {
  return ROLES.map((role) => roleOption(role));
}

function roleOption(role: Role): PlainTextOption {
  return { text: plain(ROLE_LABELS[role]), value: role };
}

function roleInput(blockId: string, role: string | null, hint?: string): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain('Role'),
    ...(hint ? { hint: plain(hint) } : {}),
    element: {
      type: 'static_select',
      action_id: ACTION_ID.input,
      placeholder: plain('Choose a role'),
      options: roleOptions(),
      ...(role !== null && isRole(role) ? { initial_option: roleOption(role) } : {}),
    },
  };
}

type StateEntry = NonNullable<ViewStateValues[string][string]>;

function entry(state: ViewStateValues, blockId: string, actionId: string): StateEntry | undefined {
  return state[blockId]?.[actionId];
}

function textOf(state: ViewStateValues, blockId: string, actionId: string = ACTION_ID.input) {
  const raw = entry(state, blockId, actionId)?.value;
  return typeof raw === 'string' ? raw : null;
}

function selectedOf(state: ViewStateValues, blockId: string, actionId: string = ACTION_ID.input) {
  const raw = entry(state, blockId, actionId)?.selected_option?.value;
  return typeof raw === 'string' ? raw : null;
}

function errorsByBlock(
  errors: Partial<Record<string, string>>,
  blockIds: Readonly<Record<string, string>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const blockId = blockIds[key];
    if (blockId && message) result[blockId] = truncate(message, ERROR_MAX);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// /contact add

export interface AddFormModel {
  metadata: AddFormMetadata;
  /** Initial values: what was typed with the command, or in the form before. */
  values: Partial<Record<ContactField, string>>;
  role: Role | null;
  /** The contact the typed email already belongs to: the form says so and sends nothing. */
  known: { contactId: string; name: string } | null;
  /** A message at the top, in plain words. */
  notice?: string | null;
  /** Messages under inputs, for errors that arrive after the acknowledgement. */
  notes?: Partial<Record<AddFormKey, string>>;
}

/** The form of `/contact add`: a new contact, with a role. */
export function addFormView(model: AddFormModel): ModalView {
  const blocks = new Blocks(model.notes ?? {});
  if (model.notice) blocks.push(noticeSection(model.notice));
  if (model.known) blocks.push(knownSection(model.known));

  const email = model.values.email;
  blocks.input('email', {
    type: 'input',
    block_id: ADD_BLOCK_ID.email,
    label: plain(FIELD_LABELS.email),
    element: {
      type: 'email_text_input',
      action_id: ACTION_ID.input,
      placeholder: plain(PLACEHOLDERS.email),
      ...(email ? { initial_value: truncate(email, PLAIN_TEXT_INPUT_MAX) } : {}),
    },
  });
  blocks.input('role', roleInput(ADD_BLOCK_ID.role, model.role));
  for (const field of CLEARABLE_FIELDS) {
    blocks.input(field, fieldInput(field, ADD_BLOCK_ID[field], model.values[field]));
  }

  return {
    type: 'modal',
    callback_id: CALLBACK_ID.addForm,
    title: plain('Add contact'),
    submit: plain('Add'),
    close: plain('Cancel'),
    private_metadata: encodeAddFormMetadata(model.metadata),
    blocks: blocks.list,
  };
}

function knownSection(known: { contactId: string; name: string }): SectionBlock {
  const id = escapeToFit(known.contactId, 200);
  return {
    type: 'section',
    block_id: 'known',
    text: {
      type: 'mrkdwn',
      text: `This email is already known as *${escapeToFit(known.name, 2500)}* (\`${id}\`): nothing was sent to Stuut.`,
    },
    accessory: {
      type: 'button',
      action_id: ACTION_ID.openKnownContact,
      text: plain('Open the update form'),
      value: truncate(known.contactId, 2000),
    },
  };
}

/** Reads the add form's inputs; an empty or absent input is left out. */
export function readAddForm(state: ViewStateValues): AddFormInput {
  const values: Partial<Record<ContactField, string>> = {};
  const email = textOf(state, ADD_BLOCK_ID.email);
  if (email !== null) values.email = email;
  for (const field of CLEARABLE_FIELDS) {
    const value = textOf(state, ADD_BLOCK_ID[field]);
    if (value !== null) values[field] = value;
  }
  return { values, role: selectedOf(state, ADD_BLOCK_ID.role) };
}

/** The acknowledgement's `errors`, keyed by the add form's block ids. */
export function addFormErrors(errors: Partial<Record<AddFormKey, string>>): Record<string, string> {
  return errorsByBlock(errors, ADD_BLOCK_ID);
}

// ---------------------------------------------------------------------------------------------
// /contact assign

export interface AssignFormModel {
  metadata: AssignFormMetadata;
  /** The contact chosen in the picker: its id, and the option's text. */
  contact: { id: string; label: string } | null;
  email: string | null;
  partnerId: string | null;
  role: Role | null;
  /** Initial values of the new-person inputs (shown when metadata.grown). */
  values?: Partial<Record<Exclude<ContactField, 'email'>, string>>;
  /** What the book said about the typed email, under the email input (plain words). */
  emailNote?: string | null;
  /** A message at the top, in plain words. */
  notice?: string | null;
  /** Messages under inputs, for errors that arrive after the acknowledgement. */
  notes?: Partial<Record<AssignFormKey, string>>;
}

/** The block id of the context under the assign form's email: what the book said about it. */
export const ASSIGN_EMAIL_CHECK_BLOCK_ID = `${ASSIGN_BLOCK_ID.email}__check`;
const NEW_PERSON_BLOCK_ID = 'assign_new_person';

/**
 * The form of `/contact assign`. Its block ids never change: when the form grows (or shrinks)
 * the new-person inputs with a views.update, Slack keeps everything already typed.
 */
export function assignFormView(model: AssignFormModel): ModalView {
  const blocks = new Blocks(model.notes ?? {});
  if (model.notice) blocks.push(noticeSection(model.notice));

  blocks.input('contact', {
    type: 'input',
    block_id: ASSIGN_BLOCK_ID.contact,
    optional: true,
    label: plain('Contact'),
    element: {
      type: 'external_select',
      action_id: ACTION_ID.assignPick,
      placeholder: plain('Type part of a name or an email'),
      min_query_length: 1,
      ...(model.contact
        ? {
            initial_option: {
              text: plain(truncate(model.contact.label || model.contact.id, OPTION_TEXT_MAX)),
              value: model.contact.id,
            },
          }
        : {}),
    },
  });

  const email = model.email ?? '';
  const emailMax = Math.min(PLAIN_TEXT_INPUT_MAX, Math.max(EMAIL_MAX, [...email].length));
  blocks.push({
    type: 'input',
    block_id: ASSIGN_BLOCK_ID.email,
    optional: true,
    // Enter sends block_actions, so the form can say whether the book knows the email.
    dispatch_action: true,
    label: plain(FIELD_LABELS.email),
    hint: plain(ASSIGN_EMAIL_HINT),
    element: {
      type: 'plain_text_input',
      action_id: ACTION_ID.assignEmail,
      placeholder: plain(PLACEHOLDERS.email),
      max_length: emailMax,
      dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
      ...(email ? { initial_value: truncate(email, emailMax) } : {}),
    },
  });
  if (model.emailNote) {
    blocks.push({
      type: 'context',
      block_id: ASSIGN_EMAIL_CHECK_BLOCK_ID,
      elements: [{ type: 'mrkdwn', text: escapeToFit(model.emailNote, 2900) }],
    });
  }
  const emailError = model.notes?.email;
  if (emailError) blocks.push(note(ASSIGN_BLOCK_ID.email, emailError));

  if (model.metadata.grown) {
    blocks.push({
      type: 'context',
      block_id: NEW_PERSON_BLOCK_ID,
      elements: [{ type: 'mrkdwn', text: `*${NEW_PERSON_TEXT}*` }],
    });
    for (const field of CLEARABLE_FIELDS) {
      blocks.input(field, fieldInput(field, ASSIGN_BLOCK_ID[field], model.values?.[field]));
    }
  }

  const partnerId = model.partnerId ?? '';
  const partnerMax = Math.min(
    PLAIN_TEXT_INPUT_MAX,
    Math.max(PARTNER_ID_INPUT_MAX, [...partnerId].length),
  );
  blocks.input('partner_id', {
    type: 'input',
    block_id: ASSIGN_BLOCK_ID.partner_id,
    label: plain('Partner id'),
    hint: plain(PARTNER_ID_HINT),
    element: {
      type: 'plain_text_input',
      action_id: ACTION_ID.input,
      placeholder: plain('ptn_abc123'),
      max_length: partnerMax,
      ...(partnerId ? { initial_value: truncate(partnerId, partnerMax) } : {}),
    },
  });
  blocks.input('role', roleInput(ASSIGN_BLOCK_ID.role, model.role));

  return {
    type: 'modal',
    callback_id: CALLBACK_ID.assignForm,
    title: plain('Assign contact'),
    submit: plain('Assign'),
    close: plain('Cancel'),
    private_metadata: encodeAssignFormMetadata(model.metadata),
    blocks: blocks.list,
  };
}

/** Reads the assign form's inputs; an empty or absent input reads as null or is left out. */
export function readAssignForm(state: ViewStateValues): AssignFormInput {
  const values: AssignFormInput['values'] = {};
  for (const field of CLEARABLE_FIELDS) {
    const value = textOf(state, ASSIGN_BLOCK_ID[field]);
    if (value !== null) values[field] = value;
  }
  return {
    contactId: selectedOf(state, ASSIGN_BLOCK_ID.contact, ACTION_ID.assignPick),
    email: textOf(state, ASSIGN_BLOCK_ID.email, ACTION_ID.assignEmail),
    partnerId: textOf(state, ASSIGN_BLOCK_ID.partner_id),
    role: selectedOf(state, ASSIGN_BLOCK_ID.role),
    values,
  };
}

/** The acknowledgement's `errors`, keyed by the assign form's block ids. */
export function assignFormErrors(
  errors: Partial<Record<AssignFormKey, string>>,
): Record<string, string> {
  return errorsByBlock(errors, ASSIGN_BLOCK_ID);
}

// ---------------------------------------------------------------------------------------------
// Change role

export interface RoleFormModel {
  metadata: RoleFormMetadata;
  /** A message at the top, in plain words. */
  notice?: string | null;
  /** A message under the role select. */
  note?: string | null;
}

/** "Change role" on an assignment: the role select, starting at the current role. */
export function roleFormView(model: RoleFormModel): ModalView {
  const { metadata } = model;
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push(noticeSection(model.notice));
  blocks.push({
    type: 'section',
    block_id: 'assignment',
    text: {
      type: 'mrkdwn',
      text: `*${escapeToFit(metadata.contactName, 2000)}* on partner \`${escapeToFit(metadata.partnerId, 300)}\`, now *${escapeToFit(roleLabel(metadata.roleBefore), 300)}*`,
    },
  });
  blocks.push(roleInput(ROLE_BLOCK_ID.role, metadata.roleBefore));
  if (model.note) blocks.push(note(ROLE_BLOCK_ID.role, model.note));
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.roleForm,
    title: plain('Change role'),
    submit: plain('Change'),
    close: plain('Cancel'),
    private_metadata: encodeRoleFormMetadata(metadata),
    blocks,
  };
}

/** The chosen role's value, or null when none was chosen. */
export function readRoleForm(state: ViewStateValues): string | null {
  return selectedOf(state, ROLE_BLOCK_ID.role);
}

/** The acknowledgement's `errors` for the role form's one input. */
export function roleFormErrors(message: string): Record<string, string> {
  return { [ROLE_BLOCK_ID.role]: truncate(message, ERROR_MAX) };
}

// ---------------------------------------------------------------------------------------------
// While Stuut works, and after

/** Shown while Stuut works on an add, an assign or a role change; `text` is plain words. */
export function assignmentSavingView(text: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.assignmentSaving,
    title: plain('Saving'),
    close: plain('Close'),
    blocks: [
      {
        type: 'section',
        block_id: 'saving',
        text: {
          type: 'mrkdwn',
          text: `:hourglass_flowing_sand: *Saving…*\n${escapeToFit(text, 2900)}`,
        },
      },
    ],
  };
}

export interface AssignmentResultModel {
  title: 'Contact added' | 'Contact assigned' | 'Role changed';
  /** What was done, as mrkdwn already built from escaped parts. */
  summaryMrkdwn: string;
  contactId: string;
  /** Where the confirmation is being posted; null when it goes only to the person. */
  confirmationChannelId: string | null;
}

/** The outcome of an add, an assign or a role change that worked, shown in the modal. */
export function assignmentResultView(model: AssignmentResultModel): ModalView {
  const where = model.confirmationChannelId
    ? `A confirmation goes to ${channelMention(model.confirmationChannelId)}.`
    : 'A confirmation comes to you as a message.';
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.assignmentResult,
    title: plain(model.title),
    close: plain('Done'),
    blocks: [
      {
        type: 'section',
        block_id: 'result',
        text: {
          type: 'mrkdwn',
          text: fitMrkdwn(`:white_check_mark: ${model.summaryMrkdwn || model.title}`, 3000),
        },
      },
      {
        type: 'context',
        block_id: 'where',
        elements: [
          {
            type: 'mrkdwn',
            text: `Contact id \`${escapeToFit(model.contactId, 200)}\`. ${where}`,
          },
        ],
      },
    ],
  };
}
