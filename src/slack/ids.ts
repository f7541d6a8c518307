import type { FormKey } from '../domain/form';

/** Every callback_id, block_id and action_id the bot sends to Slack and matches on. */
export const CALLBACK_ID = {
  contactForm: 'contact_update',
  saving: 'contact_update_saving',
  result: 'contact_update_result',
  /** `/contact add`: a new contact with a role. */
  addForm: 'contact_add',
  /** `/contact assign`: a role on a partner. */
  assignForm: 'contact_assign',
  /** "Change role" on an assignment. */
  roleForm: 'contact_role',
  /** The modal while Stuut works on an add, an assign or a role change, then its outcome. */
  assignmentSaving: 'contact_assignment_saving',
  assignmentResult: 'contact_assignment_result',
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
  /** In the add form: "Open her update form" when the email is already known. */
  openKnownContact: 'contact_add_known',
  /** The assign form's type-ahead contact picker (external_select). */
  assignPick: 'assign_pick',
  /** The assign form's email input; pressing Enter asks the book whether it knows the email. */
  assignEmail: 'assign_email',
  /** "Change role" on an assignment (roles list, confirmations). */
  changeRole: 'role_change',
  /** "Assign" on a search result of /contact assign. */
  assignContact: 'contact_assign_open',
  /** "Roles" on a search result of /contact roles. */
  showRoles: 'contact_roles',
  /** Apply on a drift proposal: opens the update form with the Slack profile's values. */
  applyDrift: 'drift_apply',
  /** Dismiss on a drift proposal. */
  dismissDrift: 'drift_dismiss',
  /** "More" under a page of `/contact drift`. */
  moreDrift: 'drift_more',
  /** "Add them to Stuut" on the answer about a member linked to no contact. */
  addMember: 'member_add',
} as const;

/** The input blocks of the add form (fixed ids: its values are never refilled for another contact). */
export const ADD_BLOCK_ID = {
  email: 'add_email',
  role: 'add_role',
  given_name: 'add_given_name',
  family_name: 'add_family_name',
  name: 'add_name',
  phone: 'add_phone',
  job_title: 'add_job_title',
} as const;

/** The input blocks of the assign form. */
export const ASSIGN_BLOCK_ID = {
  contact: 'assign_contact',
  email: 'assign_email',
  partner_id: 'assign_partner',
  role: 'assign_role',
  given_name: 'assign_given_name',
  family_name: 'assign_family_name',
  name: 'assign_name',
  phone: 'assign_phone',
  job_title: 'assign_job_title',
} as const;

/** The role form's one input. */
export const ROLE_BLOCK_ID = { role: 'role_select' } as const;

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
