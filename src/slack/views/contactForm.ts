import type {
  ContextBlock,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextOption,
} from '@slack/types';
import {
  CLEARABLE_FIELDS,
  CONTACT_FIELDS,
  type ContactField,
  FIELD_LABELS,
} from '../../domain/contact';
import type { ClearableField, FormErrors, FormInput, FormKey } from '../../domain/form';
import { MAX_TEXT_LENGTH } from '../../domain/form';
import { ACTION_ID, CALLBACK_ID, INPUT_BLOCK_ID, noteBlockId } from '../ids';
import { type Baseline, encodeFormMetadata, type Origin } from '../metadata';
import { escapeMrkdwn, escapeToFit, slackDate, truncate } from '../mrkdwn';

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
  /** Messages under inputs, for errors that arrive after the acknowledgement. */
  notes?: FormErrors;
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
    block_id: INPUT_BLOCK_ID[field],
    optional: true,
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
    block_id: INPUT_BLOCK_ID.clear,
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

  if (model.contactId !== null) {
    blocks.push({
      type: 'section',
      block_id: 'contact',
      text: { type: 'mrkdwn', text: `*Contact id*\n\`${escapeMrkdwn(model.contactId)}\`` },
    });
  } else {
    withNote('contact_id', {
      type: 'input',
      block_id: INPUT_BLOCK_ID.contact_id,
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

  blocks.push({
    type: 'context',
    block_id: 'explain',
    elements: [
      {
        type: 'mrkdwn',
        text: model.baseline
          ? `Filled in with the values Stuut returned ${slackDate(model.baseline.seenAt)}. Stuut cannot be asked for a contact's current values, so a change made since then elsewhere is not shown here.`
          : 'Fill in only what should change: an empty box keeps the value Stuut has.',
      },
    ],
  });

  for (const field of CONTACT_FIELDS) withNote(field, fieldInput(field, model));
  if (!model.baseline) withNote('clear', clearInput(model));

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
    }),
    blocks,
  };
}

/** Slack's view state as it arrives in a view_submission. */
export type ViewStateValues = Record<
  string,
  Record<string, { value?: string | null; selected_options?: { value: string }[] } | undefined>
>;

/** Reads the inputs the form holds; an input the form does not have reads as empty. */
export function readContactForm(values: ViewStateValues): FormInput {
  const text = (blockId: string): string | null => {
    const raw = values[blockId]?.[ACTION_ID.input]?.value;
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
    clear: selectedValues(values[INPUT_BLOCK_ID.clear]?.[ACTION_ID.input]?.selected_options),
  };
  return form;
}

function selectedValues(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return options
    .map((option: unknown) =>
      option && typeof option === 'object' ? (option as { value?: unknown }).value : undefined,
    )
    .filter((value): value is string => typeof value === 'string');
}

/** Maps form errors to the acknowledgement's `errors`, keyed by input block_id. */
export function inlineErrors(errors: FormErrors): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors) as [FormKey, string][]) {
    result[INPUT_BLOCK_ID[key]] = truncate(message, 2000);
  }
  return result;
}
