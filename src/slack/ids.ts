import type { FormKey } from '../domain/form';

/** Every callback_id, block_id and action_id the bot sends to Slack and matches on. */
export const CALLBACK_ID = {
  contactForm: 'contact_update',
  saving: 'contact_update_saving',
  result: 'contact_update_result',
} as const;

export const ACTION_ID = {
  /** The single element of each input block. */
  input: 'value',
  editContact: 'contact_edit',
  reopenForm: 'contact_reopen',
  /** The form's type-ahead contact picker (external_select). */
  pickContact: 'contact_pick',
  /** Update on a search result, and "Open the form for id …". */
  openContact: 'contact_open',
  /** History on a search result of /contact history. */
  showHistory: 'contact_history',
  /** "Older" under a page of history. */
  olderHistory: 'contact_history_older',
  /** Undo on a confirmation. */
  undoChange: 'contact_undo',
} as const;

/** The picker's input block; it keeps its id when the form refills, so the choice stays. */
export const PICKER_BLOCK_ID = 'contact_picker';

/** The input blocks of the form, keyed like the form's errors, so an error lands on its input. */
export const INPUT_BLOCK_ID: Readonly<Record<FormKey, string>> = {
  contact_id: 'contact_id',
  email: 'email',
  given_name: 'given_name',
  family_name: 'family_name',
  name: 'name',
  phone: 'phone',
  job_title: 'job_title',
  clear: 'clear',
};

/** A context block under an input, for messages that arrive after the acknowledgement. */
export function noteBlockId(key: FormKey): string {
  return `${key}__note`;
}
