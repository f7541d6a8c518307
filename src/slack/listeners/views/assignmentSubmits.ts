import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { CountryCode } from 'libphonenumber-js/max';
import type { BookEntry } from '../../../book/book';
import { type Assignment, isRole, type Role, roleLabel } from '../../../domain/assignment';
import { displayName, valuesOf } from '../../../domain/contact';
import type { FieldChange } from '../../../domain/diff';
import {
  type AddFormKey,
  type AssignFormKey,
  validateAddForm,
  validateAssignForm,
} from '../../../domain/newContact';
import type { StuutClient } from '../../../stuut/client';
import { InvalidPartnerIdError, type StuutError, StuutHttpError } from '../../../stuut/errors';
import { type AssignmentFlowDeps, type KeyedErrors, saveAssignment } from '../../assignmentFlow';
import {
  decodeAddFormMetadata,
  decodeAssignFormMetadata,
  decodeRoleFormMetadata,
  type RoleFormMetadata,
} from '../../assignmentMetadata';
import type { EditorCheck } from '../../authorization';
import { ADD_BLOCK_ID, ASSIGN_BLOCK_ID, ROLE_BLOCK_ID } from '../../ids';
import { addedMessage, assignedMessage, roleChangedMessage } from '../../messages/assignments';
import { escapeMrkdwn } from '../../mrkdwn';
import {
  addFormErrors,
  addFormView,
  assignFormErrors,
  assignFormView,
  readAddForm,
  readAssignForm,
  readRoleForm,
  roleFormView,
} from '../../views/assignmentForms';
import { pickerLabel } from '../../views/contactForm';
import { bookLookup } from '../common';
import { asStateValues } from './contactSubmit';

export interface AssignmentSubmitDeps extends AssignmentFlowDeps {
  stuut: StuutClient;
  editors: EditorCheck;
  defaultPhoneCountry: CountryCode;
  /** How long a book lookup may take while the person waits. */
  bookWithinMs: number;
}

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const OUT_OF_DATE = 'This form is out of date. Close it and run the command again.';

/** Who is saving, and whether they may: the same check as every other save. */
async function editorRefusal(deps: AssignmentSubmitDeps, body: ViewArgs['body']) {
  const decision = await deps.editors.check({
    userId: body.user.id,
    teamId: body.user.team_id ?? null,
  });
  return decision.allowed ? null : decision.reason;
}

function teamOf(body: ViewArgs['body']): string | null {
  return body.team?.id ?? body.user.team_id ?? null;
}

/** Stuut's refusals that name a field of a new contact: 422 per field, 409 on the email. */
function newContactErrors(
  error: StuutError,
  firstKey: 'email',
): Partial<Record<AddFormKey & AssignFormKey, string>> | null {
  if (!(error instanceof StuutHttpError)) return null;
  if (error.status === 409) {
    return {
      email:
        'A contact with this email already exists in Stuut. Find them with /contact update and this email.',
    };
  }
  if (error.status !== 422) return null;
  const errors: Partial<Record<AddFormKey & AssignFormKey, string>> = { ...error.fieldErrors };
  if (error.otherErrors.length > 0 || Object.keys(errors).length === 0) {
    errors[firstKey] = [errors[firstKey], error.userMessage].filter(Boolean).join(' ');
  }
  return errors;
}

/** Every field of a new contact, from nothing to what Stuut stored. */
function createdFields(assignment: Assignment): FieldChange[] {
  return Object.entries(valuesOf(assignment.internal_contact))
    .filter(([, value]) => value !== null && value !== '')
    .map(([field, value]) => ({ field, before: null, after: value }) as FieldChange);
}

/** Save on `/contact add`: checks, the book's "already known", then the create. */
export function makeAddSubmit(deps: AssignmentSubmitDeps) {
  return async ({ ack, body, view, client }: ViewArgs) => {
    const metadata = decodeAddFormMetadata(view.private_metadata);
    if (!metadata) {
      await ack({ response_action: 'errors', errors: { [ADD_BLOCK_ID.email]: OUT_OF_DATE } });
      return;
    }
    const started = Date.now();
    const refused = await editorRefusal(deps, body);
    if (refused) {
      await ack({ response_action: 'errors', errors: { [ADD_BLOCK_ID.email]: refused } });
      return;
    }
    const input = readAddForm(asStateValues(view.state?.values));
    const result = validateAddForm(input, deps.defaultPhoneCountry);
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: addFormErrors(result.errors) });
      return;
    }
    const { body: newContact } = result;
    const role: Role = newContact.internal_role;
    const typed = input.values;
    // Stuut keeps one contact per email: a known one is offered, not created again.
    const known = await bookLookup(
      deps,
      () => deps.book.findByEmail(newContact.email),
      'add check',
    );
    if (known) {
      await ack({
        response_action: 'update',
        view: addFormView({
          metadata: { ...metadata, knownContactId: known.id },
          values: typed,
          role,
          known: { contactId: known.id, name: displayName(known.values) },
        }),
      });
      return;
    }
    await saveAssignment<AddFormKey>(
      { ...deps, ackWithinMs: Math.max(0, deps.ackWithinMs - (Date.now() - started)) },
      {
        action: 'add',
        ack,
        client,
        viewId: view.id,
        person: { userId: body.user.id, origin: metadata.origin },
        teamId: teamOf(body),
        call: () => deps.stuut.createInternalContact(newContact),
        savingText: `Stuut is taking a while to add ${newContact.email}.`,
        errorsFor: (error) => newContactErrors(error, 'email'),
        inline: addFormErrors,
        formAgain: (notice, notes) =>
          addFormView({ metadata, values: typed, role, known: null, notice, notes }),
        change: { source: 'add', changes: createdFields },
        confirmation: (assignment, learned, shared, slackName) =>
          addedMessage({
            assignment,
            userId: body.user.id,
            seenAt: assignment.internal_contact.modified_at ?? deps.now().toISOString(),
            shared,
            bookVersion: learned?.current.version ?? null,
            slackName,
          }),
        summary: (assignment) =>
          `:white_check_mark: *Added ${escapeMrkdwn(displayName(assignment.internal_contact))}* as ${escapeMrkdwn(roleLabel(assignment.internal_role))}.`,
      },
    );
  };
}

/** Save on `/contact assign`: the contact (chosen or by email), the partner, the role. */
export function makeAssignSubmit(deps: AssignmentSubmitDeps) {
  return async ({ ack, body, view, client }: ViewArgs) => {
    const metadata = decodeAssignFormMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [ASSIGN_BLOCK_ID.partner_id]: OUT_OF_DATE },
      });
      return;
    }
    const started = Date.now();
    const refused = await editorRefusal(deps, body);
    if (refused) {
      await ack({ response_action: 'errors', errors: { [ASSIGN_BLOCK_ID.partner_id]: refused } });
      return;
    }
    const input = readAssignForm(asStateValues(view.state?.values));
    const result = validateAssignForm(input, deps.defaultPhoneCountry);
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: assignFormErrors(result.errors) });
      return;
    }
    let email: string;
    let chosen: BookEntry | null = null;
    if (result.target.kind === 'contact') {
      const { contactId } = result.target;
      const entry = await bookLookup(deps, () => deps.book.get(contactId), 'assign contact');
      if (!entry) {
        await ack({
          response_action: 'errors',
          errors: assignFormErrors({
            contact:
              entry === null
                ? "The contact book does not know this contact's email, which Stuut needs: type the email instead."
                : "The contact book is unavailable, so the chosen contact's email cannot be read: type the email instead.",
          }),
        });
        return;
      }
      chosen = entry;
      email = entry.values.email;
    } else {
      email = result.target.email;
    }
    const { partnerId, role, fields } = result;
    const formAgain = (notice: string, notes: KeyedErrors<AssignFormKey>) =>
      assignFormView({
        metadata,
        contact: chosen ? { id: chosen.id, label: pickerLabel(chosen.id, chosen.values) } : null,
        email: result.target.kind === 'email' ? email : null,
        partnerId,
        role,
        values: input.values,
        notice,
        notes,
      });
    await saveAssignment<AssignFormKey>(
      { ...deps, ackWithinMs: Math.max(0, deps.ackWithinMs - (Date.now() - started)) },
      {
        action: 'assign',
        ack,
        client,
        viewId: view.id,
        person: { userId: body.user.id, origin: metadata.origin },
        teamId: teamOf(body),
        call: () =>
          deps.stuut.assignToPartner(partnerId, {
            email,
            internal_role: role,
            ...(result.target.kind === 'email' ? fields : {}),
          }),
        savingText: `Stuut is taking a while to assign ${email} to ${partnerId}.`,
        errorsFor: (error) => assignErrors(error, partnerId, result.target.kind),
        inline: assignFormErrors,
        formAgain,
        change: { source: 'assign', changes: () => [] },
        confirmation: (assignment, _learned, shared, slackName) =>
          assignedMessage({ assignment, userId: body.user.id, shared, slackName }),
        summary: (assignment) =>
          `:white_check_mark: *${escapeMrkdwn(displayName(assignment.internal_contact))}* is now ${escapeMrkdwn(roleLabel(assignment.internal_role))} for partner \`${escapeMrkdwn(assignment.partner_id ?? partnerId)}\`.`,
      },
    );
  };
}

function assignErrors(
  error: StuutError,
  partnerId: string,
  target: 'contact' | 'email',
): KeyedErrors<AssignFormKey> | null {
  if (error instanceof InvalidPartnerIdError) return { partner_id: error.userMessage };
  if (error instanceof StuutHttpError && error.status === 404) {
    return {
      partner_id: `Stuut has no partner with id ${partnerId}. Copy the id from the customer's page in the Stuut app.`,
    };
  }
  const errors = newContactErrors(error, 'email');
  if (!errors || target === 'email') return errors;
  // The chosen contact has no email input: its errors go on the picker.
  const { email, ...rest } = errors;
  return email ? { ...rest, contact: email } : rest;
}

/** Save on "Change role": a claim on the role the form showed, then the PATCH. */
export function makeRoleSubmit(deps: AssignmentSubmitDeps) {
  return async ({ ack, body, view, client }: ViewArgs) => {
    const metadata = decodeRoleFormMetadata(view.private_metadata);
    const fail = (message: string) =>
      ack({ response_action: 'errors', errors: { [ROLE_BLOCK_ID.role]: message } });
    if (!metadata) {
      await fail(OUT_OF_DATE);
      return;
    }
    const started = Date.now();
    const refused = await editorRefusal(deps, body);
    if (refused) {
      await fail(refused);
      return;
    }
    const chosen = readRoleForm(asStateValues(view.state?.values));
    if (chosen === null || !isRole(chosen)) {
      await fail('Choose a role.');
      return;
    }
    if (chosen === metadata.roleBefore) {
      await fail(`${roleLabel(chosen)} is the role now. Choose another, or close the form.`);
      return;
    }
    const owner = `user:${body.user.id}`;
    const now = deps.now();
    const claim = await bookLookup(
      deps,
      () =>
        deps.book.claimAssignment(
          metadata.assignmentId,
          metadata.roleBefore,
          new Date(now.getTime() + deps.saveBudgetMs),
          now,
          owner,
        ),
      'role claim',
    );
    if (claim?.kind === 'busy') {
      await fail(
        'Someone else is changing this role at this very moment. Wait a few seconds and press Change again.',
      );
      return;
    }
    if (claim?.kind === 'stale') {
      const fresh: RoleFormMetadata = { ...metadata, roleBefore: claim.current };
      await ack({
        response_action: 'update',
        view: roleFormView({
          metadata: fresh,
          notice: `Not changed: since you opened this form, the role became ${roleLabel(claim.current)}. Choose again and press Change.`,
        }),
      });
      return;
    }
    // Claimed, or the book could not say ('missing', failed): the change goes ahead without.
    const claimed = claim?.kind === 'claimed';
    await saveAssignment<'role'>(
      { ...deps, ackWithinMs: Math.max(0, deps.ackWithinMs - (Date.now() - started)) },
      {
        action: 'role',
        ack,
        client,
        viewId: view.id,
        person: { userId: body.user.id, origin: metadata.origin },
        teamId: teamOf(body),
        call: () =>
          deps.stuut.changeAssignmentRole(metadata.partnerId, metadata.assignmentId, chosen),
        savingText: `Stuut is taking a while to change the role of ${metadata.contactName}.`,
        errorsFor: (error) =>
          error instanceof StuutHttpError && error.status === 422
            ? { role: error.userMessage }
            : null,
        inline: (errors): Record<string, string> =>
          errors.role ? { [ROLE_BLOCK_ID.role]: errors.role } : {},
        formAgain: (notice, notes) => roleFormView({ metadata, notice, note: notes.role ?? null }),
        change: { source: 'role', changes: () => [] },
        release: claimed ? () => deps.book.releaseAssignment(metadata.assignmentId) : undefined,
        roleBefore: metadata.roleBefore,
        confirmation: (assignment, learned, shared, slackName) =>
          roleChangedMessage({
            assignment,
            roleBefore: learned?.change.assignment?.roleBefore ?? metadata.roleBefore,
            userId: body.user.id,
            // Undo needs the recorded change and its role before.
            undoChangeId: learned?.change.assignment?.roleBefore ? learned.change.id : null,
            shared,
            slackName,
          }),
        summary: (assignment) =>
          `:white_check_mark: *${escapeMrkdwn(metadata.contactName)}*: ${escapeMrkdwn(roleLabel(metadata.roleBefore))} → ${escapeMrkdwn(roleLabel(assignment.internal_role))} for partner \`${escapeMrkdwn(metadata.partnerId)}\`.`,
      },
    );
  };
}
