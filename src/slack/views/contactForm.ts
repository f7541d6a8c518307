import type {
  ContextBlock,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextOption,
} from '@slack/types';
import type { BookEntry } from '../../book/book';
import {
  CLEARABLE_FIELDS,
  CONTACT_FIELDS,
  type ContactField,
  type ContactValues,
  FIELD_LABELS,
} from '../../domain/contact';
import type { ClearableField, FormErrors, FormInput, FormKey } from '../../domain/form';
import { MAX_TEXT_LENGTH } from '../../domain/form';
import { phoneForPeople } from '../../domain/phone';
import { ACTION_ID, CALLBACK_ID, INPUT_BLOCK_ID, noteBlockId, PICKER_BLOCK_ID } from '../ids';
import {
  type Baseline,
  encodeFormMetadata,
  type FormSource,
  type Origin,
  PRIVATE_METADATA_MAX,
} from '../metadata';
import { escapeMrkdwn, escapeToFit, fitMrkdwn, slackDate, truncate } from '../mrkdwn';

export interface ContactFormModel {
  /** The id shown read-only; null makes the form ask for it. */
  contactId: string | null;
  /** Initial value of the id input, when the form asks for the id. */
  typedContactId?: string | null;
  /** Initial values of the inputs: what was proposed, or what the person typed. */
  values: Partial<Record<ContactField, string | null>>;
  /** Fields initially ticked in "Clear these fields" (forms without a baseline). */
  clear: readonly ClearableField[];
  baseline: Baseline | null;
  origin: Origin;
  /** A message at the top, after a save that did not work. */
  notice?: string;
  /** Like `notice`, but already mrkdwn built from escaped parts (mentions and dates work). */
  noticeMrkdwn?: string;
  /** Messages under inputs, for errors that arrive after the acknowledgement. */
  notes?: FormErrors;
  /** How the contact was found ("Found by name: …"), shown at the top. */
  found?: string;
  /** The form has the type-ahead contact picker at the top. */
  picker?: boolean;
  /** Generation of the input block ids (see FormMetadata.generation); default 0. */
  generation?: number;
  /** How the form was opened, for the history; default 'form'. */
  source?: FormSource;
  /** The drift proposal this form applies (its Apply button opened it). */
  proposalId?: number | null;
}

/** The block id of an input in a form of this generation. */
export function inputBlockId(key: FormKey, generation: number): string {
  return generation === 0 ? INPUT_BLOCK_ID[key] : `${INPUT_BLOCK_ID[key]}~${generation}`;
}

/** The input a block id belongs to, whatever its generation. */
function inputKeyOf(blockId: string): string {
  const at = blockId.indexOf('~');
  return at === -1 ? blockId : blockId.slice(0, at);
}

const TITLE = 'Update contact';
const PLAIN_TEXT_INPUT_MAX = 3000;
const PLACEHOLDERS: Readonly<Record<ContactField, string>> = {
  email: 'name@company.com',
  given_name: 'Ada',
  family_name: 'Lovelace',
  name: 'Ada Lovelace',
  phone: '+1 415 555 0100',
  job_title: 'Customer Success Manager',
};

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}

function note(key: FormKey, message: string): ContextBlock {
  return {
    type: 'context',
    block_id: noteBlockId(key),
    elements: [{ type: 'mrkdwn', text: `:warning: ${escapeToFit(message, 2900)}` }],
  };
}

function fieldInput(field: ContactField, model: ContactFormModel): InputBlock {
  const generation = model.generation ?? 0;
  const initial = model.values[field] ?? undefined;
  const hint = model.baseline
    ? field === 'email'
      ? 'Required.'
      : 'Empty the box to clear this field.'
    : field === 'phone'
      ? 'Any format; numbers without a country code are read as local.'
      : undefined;
  // The API's limit, so the client stops longer input; raised for a longer stored value so
  // that an untouched field is never cut short and sent back changed.
  const limit = field === 'phone' ? 64 : MAX_TEXT_LENGTH;
  const maxLength = Math.min(PLAIN_TEXT_INPUT_MAX, Math.max(limit, initial?.length ?? 0));
  const element =
    field === 'email'
      ? {
          type: 'email_text_input' as const,
          action_id: ACTION_ID.input,
          placeholder: plain(PLACEHOLDERS.email),
          ...(initial ? { initial_value: initial } : {}),
        }
      : {
          type: 'plain_text_input' as const,
          action_id: ACTION_ID.input,
          placeholder: plain(PLACEHOLDERS[field]),
          max_length: maxLength,
          ...(initial ? { initial_value: truncate(initial, maxLength) } : {}),
        };
  return {
    type: 'input',
    block_id: inputBlockId(field, generation),
    // With known values the email box starts filled and must stay so: Slack then refuses an
    // emptied one itself, instead of a label saying "(optional)" over a hint saying "Required".
    optional: !(model.baseline && field === 'email'),
    label: plain(FIELD_LABELS[field]),
    ...(hint ? { hint: plain(hint) } : {}),
    element,
  };
}

function clearInput(model: ContactFormModel): InputBlock {
  const options: PlainTextOption[] = CLEARABLE_FIELDS.map((field) => ({
    text: plain(FIELD_LABELS[field]),
    value: field,
  }));
  const initial = options.filter((option) => model.clear.includes(option.value as ClearableField));
  return {
    type: 'input',
    block_id: inputBlockId('clear', model.generation ?? 0),
    optional: true,
    label: plain('Clear these fields'),
    hint: plain('Ticked fields are emptied in Stuut. Email cannot be cleared.'),
    element: {
      type: 'checkboxes',
      action_id: ACTION_ID.input,
      options,
      ...(initial.length > 0 ? { initial_options: initial } : {}),
    },
  };
}

/** The form to edit one contact: with known values it starts from them, otherwise empty means "keep". */
export function contactFormView(model: ContactFormModel): ModalView {
  const blocks: KnownBlock[] = [];
  const notes = model.notes ?? {};
  const withNote = (key: FormKey, block: KnownBlock) => {
    blocks.push(block);
    const message = notes[key];
    if (message) blocks.push(note(key, message));
  };

  if (model.notice) {
    blocks.push({
      type: 'section',
      block_id: 'notice',
      text: { type: 'mrkdwn', text: `:x: *${escapeToFit(model.notice, 2900)}*` },
    });
  }
  if (model.noticeMrkdwn) {
    blocks.push({
      type: 'section',
      block_id: 'notice',
      text: { type: 'mrkdwn', text: fitMrkdwn(`:warning: ${model.noticeMrkdwn}`, 3000) },
    });
  }

  if (model.picker) {
    blocks.push(contactPickerInput(model.contactId, model.baseline));
  }

  if (model.found) {
    blocks.push({
      type: 'context',
      block_id: 'found',
      elements: [{ type: 'mrkdwn', text: `:mag: ${escapeToFit(model.found, 2900)}` }],
    });
  }

  if (model.picker && model.contactId === null) {
    // Nothing to fill in until a contact is chosen.
  } else if (model.contactId !== null) {
    blocks.push({
      type: 'section',
      block_id: 'contact',
      text: { type: 'mrkdwn', text: `*Contact id*\n\`${escapeMrkdwn(model.contactId)}\`` },
    });
  } else {
    withNote('contact_id', {
      type: 'input',
      block_id: inputBlockId('contact_id', model.generation ?? 0),
      label: plain('Contact id'),
      hint: plain(
        'Stuut cannot look contacts up by email. Type /contact help to see where to find the id.',
      ),
      element: {
        type: 'plain_text_input',
        action_id: ACTION_ID.input,
        placeholder: plain('ic_7Qm2xK9a'),
        max_length: 128,
        ...(model.typedContactId ? { initial_value: truncate(model.typedContactId, 128) } : {}),
      },
    });
  }

  const waitingForPick = model.picker === true && model.contactId === null;
  blocks.push({
    type: 'context',
    block_id: 'explain',
    elements: [{ type: 'mrkdwn', text: explanation(model, waitingForPick) }],
  });

  if (!waitingForPick) {
    for (const field of CONTACT_FIELDS) withNote(field, fieldInput(field, model));
    if (!model.baseline) withNote('clear', clearInput(model));
  }

  return {
    type: 'modal',
    callback_id: CALLBACK_ID.contactForm,
    title: plain(TITLE),
    submit: plain('Save'),
    close: plain('Cancel'),
    private_metadata: encodeFormMetadata({
      contactId: model.contactId,
      origin: model.origin,
      baseline: model.baseline,
      generation: model.generation ?? 0,
      picker: model.picker === true,
      source: model.source ?? 'form',
      proposalId: model.proposalId ?? null,
    }),
    blocks,
  };
}

function explanation(model: ContactFormModel, waitingForPick: boolean): string {
  if (waitingForPick) {
    return 'Type a few letters of a name or an email; the form fills in with the values the contact book knows. A contact the book does not know can be chosen by its Stuut id.';
  }
  const { baseline } = model;
  if (!baseline) return 'Fill in only what should change: an empty box keeps the value Stuut has.';
  const when = slackDate(baseline.seenAt);
  const source =
    baseline.from === 'import'
      ? `Filled in with the values as imported ${when}.`
      : `Filled in with the values as Stuut returned them ${when}.`;
  return `${source} Stuut cannot be asked for a contact's current values, so a change made since then outside this bot is not shown here. Empty a box to clear that field.`;
}

/** The type-ahead contact picker: an external_select answered from the contact book. */
function contactPickerInput(contactId: string | null, baseline: Baseline | null): InputBlock {
  const chosen =
    contactId !== null
      ? {
          initial_option: {
            text: plain(
              baseline
                ? pickerLabel(contactId, baseline.values)
                : truncate(`Use id ${contactId}`, 75),
            ),
            value: contactId,
          },
        }
      : {};
  return {
    type: 'input',
    block_id: PICKER_BLOCK_ID,
    // Choosing a contact sends block_actions at once, so the form can refill itself.
    dispatch_action: true,
    label: plain('Contact'),
    element: {
      type: 'external_select',
      action_id: ACTION_ID.pickContact,
      placeholder: plain('Name, email or id'),
      min_query_length: 1,
      ...chosen,
    },
  };
}

/** An option's text: name and email within Slack's 75 characters. */
export function pickerLabel(contactId: string, values: ContactValues): string {
  const name =
    values.name || [values.given_name, values.family_name].filter(Boolean).join(' ') || '';
  const label = name ? `${name} · ${values.email}` : values.email || contactId;
  return truncate(label, 75);
}

/** Slack's view state as it arrives in a view_submission. */
export type ViewStateValues = Record<
  string,
  Record<
    string,
    | {
        value?: string | null;
        selected_options?: { value: string }[];
        selected_option?: { value: string } | null;
      }
    | undefined
  >
>;

/** Reads the inputs the form holds; an input the form does not have reads as empty. */
export function readContactForm(values: ViewStateValues): FormInput {
  // Inputs are found by what they are, whatever generation of block ids the form used.
  const byKey = new Map<string, ViewStateValues[string]>();
  for (const [blockId, actions] of Object.entries(values)) byKey.set(inputKeyOf(blockId), actions);
  const text = (key: string): string | null => {
    const raw = byKey.get(key)?.[ACTION_ID.input]?.value;
    return typeof raw === 'string' ? raw : null;
  };
  const form: FormInput = {
    typedContactId: text(INPUT_BLOCK_ID.contact_id),
    values: {
      email: text(INPUT_BLOCK_ID.email),
      given_name: text(INPUT_BLOCK_ID.given_name),
      family_name: text(INPUT_BLOCK_ID.family_name),
      name: text(INPUT_BLOCK_ID.name),
      phone: text(INPUT_BLOCK_ID.phone),
      job_title: text(INPUT_BLOCK_ID.job_title),
    },
    clear: selectedValues(byKey.get(INPUT_BLOCK_ID.clear)?.[ACTION_ID.input]?.selected_options),
  };
  return form;
}

/** The contact chosen in the picker, when the form has one. */
export function readPickedContact(values: ViewStateValues): string | null {
  const picked = values[PICKER_BLOCK_ID]?.[ACTION_ID.pickContact]?.selected_option?.value;
  return typeof picked === 'string' ? picked : null;
}

function selectedValues(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return options
    .map((option: unknown) =>
      option && typeof option === 'object' ? (option as { value?: unknown }).value : undefined,
    )
    .filter((value): value is string => typeof value === 'string');
}

/** Maps form errors to the acknowledgement's `errors`, keyed by the form's input block ids. */
export function inlineErrors(errors: FormErrors, generation = 0): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors) as [FormKey, string][]) {
    result[inputBlockId(key, generation)] = truncate(message, 2000);
  }
  return result;
}

/** A form for a contact the book knows: its values, as the baseline, with typed proposals on top. */
export function formForBookEntry(entry: BookEntry, options: KnownFormOptions): ModalView {
  return formWithKnownValues(
    entry.id,
    {
      values: entry.values,
      seenAt: entry.seenAt.toISOString(),
      from: entry.knownFrom,
      version: entry.version,
    },
    options,
  );
}

export interface KnownFormOptions {
  origin: Origin;
  prefill?: Partial<Record<ContactField, string>>;
  clear?: readonly ContactField[];
  found?: string;
  picker?: boolean;
  generation?: number;
  source?: FormSource;
  proposalId?: number | null;
  /** A message at the top (a stale form: who changed what meanwhile), as safe mrkdwn. */
  noticeMrkdwn?: string;
  /** Messages under inputs. */
  notes?: FormErrors;
}

/**
 * A form that starts from known values (the book's, or a confirmation's Edit button's): an
 * emptied input clears its field, and only differences are sent.
 */
export function formWithKnownValues(
  contactId: string,
  baseline: Baseline,
  options: KnownFormOptions,
): ModalView {
  const values: Partial<Record<ContactField, string | null>> = {};
  for (const field of CONTACT_FIELDS) {
    const known = baseline.values[field];
    // People read and type phones in international format; the form compares in E.164.
    values[field] = field === 'phone' && known ? phoneForPeople(known) : known;
  }
  Object.assign(values, options.prefill);
  // With known values an emptied input clears the field: a proposed `field=` empties it.
  for (const field of options.clear ?? []) if (field !== 'email') values[field] = null;
  const view = contactFormView({
    contactId,
    values,
    clear: [],
    baseline,
    origin: options.origin,
    ...(options.found ? { found: options.found } : {}),
    ...(options.picker ? { picker: true } : {}),
    ...(options.generation ? { generation: options.generation } : {}),
    ...(options.source ? { source: options.source } : {}),
    ...(options.proposalId ? { proposalId: options.proposalId } : {}),
    ...(options.noticeMrkdwn ? { noticeMrkdwn: options.noticeMrkdwn } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
  });
  if ((view.private_metadata?.length ?? 0) <= PRIVATE_METADATA_MAX) return view;
  // Known values travel in private_metadata (3000 characters). Values too long for it open
  // the form without them, which says so: an empty box then keeps Stuut's value.
  return formForUnknownId(contactId, {
    origin: options.origin,
    ...(options.prefill ? { prefill: options.prefill } : {}),
    ...(options.clear ? { clear: options.clear } : {}),
    ...(options.picker ? { picker: true } : {}),
    ...(options.generation ? { generation: options.generation } : {}),
    ...(options.source ? { source: options.source } : {}),
    ...(options.proposalId ? { proposalId: options.proposalId } : {}),
    // A stale form's notice and notes must survive the fallback, or the warning is lost.
    ...(options.noticeMrkdwn ? { noticeMrkdwn: options.noticeMrkdwn } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
    notice:
      "This contact's known values are too long to carry in a Slack form, so the form starts empty: an empty box keeps the value Stuut has.",
  });
}

/** A form for an id the book does not know: empty boxes keep Stuut's values. */
export function formForUnknownId(
  contactId: string,
  options: {
    origin: Origin;
    prefill?: Partial<Record<ContactField, string>>;
    clear?: readonly ContactField[];
    notice?: string;
    noticeMrkdwn?: string;
    notes?: FormErrors;
    source?: FormSource;
    proposalId?: number | null;
    picker?: boolean;
    generation?: number;
  },
): ModalView {
  return contactFormView({
    contactId,
    values: options.prefill ?? {},
    clear: (options.clear ?? []).filter((field): field is ClearableField => field !== 'email'),
    baseline: null,
    origin: options.origin,
    ...(options.notice ? { found: options.notice } : {}),
    ...(options.noticeMrkdwn ? { noticeMrkdwn: options.noticeMrkdwn } : {}),
    ...(options.notes ? { notes: options.notes } : {}),
    ...(options.source ? { source: options.source } : {}),
    ...(options.proposalId ? { proposalId: options.proposalId } : {}),
    ...(options.picker ? { picker: true } : {}),
    ...(options.generation ? { generation: options.generation } : {}),
  });
}
