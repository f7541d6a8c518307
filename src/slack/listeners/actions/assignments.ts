import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  PlainTextInputAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { AssignmentEntry, Book, BookEntry } from '../../../book/book';
import { isRole } from '../../../domain/assignment';
import { displayName } from '../../../domain/contact';
import { normaliseField } from '../../../domain/form';
import type { Logger } from '../../../logger';
import {
  type AssignFormMetadata,
  decodeAddFormMetadata,
  decodeAssignFormMetadata,
  decodeChangeRoleButton,
} from '../../assignmentMetadata';
import type { EditorCheck } from '../../authorization';
import { slackErrorCode, tellPerson } from '../../delivery';
import { rolesMessage } from '../../messages/assignments';
import { bookUnavailableMessage } from '../../messages/find';
import { formUnavailableMessage, staleButtonMessage } from '../../messages/notices';
import { escapeMrkdwn } from '../../mrkdwn';
import { assignFormView, readAssignForm, roleFormView } from '../../views/assignmentForms';
import { formForBookEntry, formForUnknownId, pickerLabel } from '../../views/contactForm';
import { allowedToAct, bookLookup, originOfAction } from '../common';
import { asStateValues } from '../views/contactSubmit';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
type InputArgs = SlackActionMiddlewareArgs<BlockAction<PlainTextInputAction>> & AllMiddlewareArgs;

export interface AssignmentActionDeps {
  book: Book;
  logger: Logger;
  editors: EditorCheck;
  bookWithinMs: number;
}

/** Opens a modal from a button's trigger; says so when Slack will not. */
async function openModal(deps: AssignmentActionDeps, args: ButtonArgs, view: ModalView) {
  try {
    await args.client.views.open({ trigger_id: args.body.trigger_id, view });
  } catch (error) {
    deps.logger.warn({ slackError: slackErrorCode(error) }, 'views.open failed for a button');
    await args
      .respond({ response_type: 'ephemeral', replace_original: false, ...formUnavailableMessage() })
      .catch(() => {});
  }
}

async function stale(deps: AssignmentActionDeps, args: ButtonArgs | InputArgs) {
  const person = { userId: args.body.user.id, origin: originOfAction(args.body) };
  await tellPerson(args.client, deps.logger, person, staleButtonMessage());
}

/** "Open the update form" in the add form, for an email the book already knows. */
export function makeOpenKnownContact(deps: AssignmentActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    const { body, action, client } = args;
    const metadata = decodeAddFormMetadata(body.view?.private_metadata ?? '');
    const contactId = action.value ?? '';
    if (!body.view || !metadata || contactId === '') {
      await stale(deps, args);
      return;
    }
    const entry = await bookLookup(deps, () => deps.book.get(contactId), 'known contact');
    const view = entry
      ? formForBookEntry(entry, { origin: metadata.origin })
      : formForUnknownId(contactId, { origin: metadata.origin });
    try {
      await client.views.update({ view_id: body.view.id, hash: body.view.hash, view });
    } catch (error) {
      deps.logger.info(
        { slackError: slackErrorCode(error) },
        'views.update to the update form failed',
      );
    }
  };
}

/** What the assign form says under its email, and whether it grows the new-person inputs. */
export async function emailCheck(
  deps: AssignmentActionDeps,
  typed: string,
): Promise<{ grown: boolean; note: string }> {
  // The country matters only to phones, never to an email.
  const checked = normaliseField('email', typed, 'US');
  if (!checked.ok) return { grown: false, note: `Not an email yet: ${checked.reason}` };
  const known = await bookLookup(deps, () => deps.book.findByEmail(checked.value), 'assign email');
  if (known) {
    return {
      grown: false,
      note: `Known in the contact book: *${escapeMrkdwn(displayName(known.values))}*. Stuut finds them by this email.`,
    };
  }
  return known === null
    ? {
        grown: true,
        note: 'Not in the contact book: Stuut finds them by this email, or creates them with the details below.',
      }
    : {
        grown: true,
        note: 'The contact book is unavailable: if Stuut does not know this email, it creates the contact with the details below.',
      };
}

/** Enter in the assign form's email: the form says whether the book knows it, and grows. */
export function makeAssignEmailCheck(deps: AssignmentActionDeps) {
  return async (args: InputArgs) => {
    await args.ack();
    const { body, action, client } = args;
    const metadata = decodeAssignFormMetadata(body.view?.private_metadata ?? '');
    if (!body.view || !metadata) return;
    const state = readAssignForm(asStateValues(body.view.state?.values));
    const typed = action.value ?? state.email ?? '';
    const check = typed.trim() === '' ? null : await emailCheck(deps, typed);
    const grown = check ? check.grown || metadata.grown : metadata.grown;
    const next: AssignFormMetadata = { ...metadata, grown };
    const contact = state.contactId
      ? await bookLookup(deps, () => deps.book.get(state.contactId ?? ''), 'assign contact')
      : null;
    const view = assignFormView({
      metadata: next,
      contact:
        contact && state.contactId
          ? { id: contact.id, label: pickerLabel(contact.id, contact.values) }
          : null,
      email: typed,
      partnerId: state.partnerId,
      role: state.role && isRole(state.role) ? state.role : null,
      values: state.values,
      emailNote: check?.note ?? null,
    });
    try {
      await client.views.update({ view_id: body.view.id, hash: body.view.hash, view });
    } catch (error) {
      // A hash conflict means the form changed meanwhile (another Enter): that update wins.
      deps.logger.info(
        { slackError: slackErrorCode(error) },
        'views.update of the assign form failed',
      );
    }
  };
}

/** "Change role": the role form, on the role the book holds now (the button may be old). */
export function makeChangeRoleButton(deps: AssignmentActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    if (!(await allowedToAct(deps, args.body, args.client))) return;
    const value = decodeChangeRoleButton(args.action.value ?? '');
    if (!value) {
      await stale(deps, args);
      return;
    }
    const [assignment, contact] = await Promise.all([
      bookLookup<AssignmentEntry | null>(
        deps,
        () => deps.book.getAssignment(value.assignmentId),
        'role form',
      ),
      bookLookup<BookEntry | null>(deps, () => deps.book.get(value.contactId), 'role form'),
    ]);
    await openModal(
      deps,
      args,
      roleFormView({
        metadata: {
          origin: originOfAction(args.body),
          assignmentId: value.assignmentId,
          partnerId: value.partnerId,
          contactId: value.contactId,
          contactName: contact ? displayName(contact.values) : value.contactId,
          roleBefore: assignment?.role ?? value.role,
        },
      }),
    );
  };
}

/** "Assign" on a search result: the assign form with that contact chosen. */
export function makeAssignContactButton(deps: AssignmentActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    if (!(await allowedToAct(deps, args.body, args.client))) return;
    const contactId = args.action.value ?? '';
    const entry = await bookLookup(deps, () => deps.book.get(contactId), 'assign button');
    await openModal(
      deps,
      args,
      assignFormView({
        metadata: { origin: originOfAction(args.body), grown: false },
        contact: entry ? { id: entry.id, label: pickerLabel(entry.id, entry.values) } : null,
        email: null,
        partnerId: null,
        role: null,
      }),
    );
  };
}

/** "Roles" on a search result: that contact's roles, in place of the list. */
export function makeShowRolesButton(deps: AssignmentActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    if (!(await allowedToAct(deps, args.body, args.client))) return;
    const contactId = args.action.value ?? '';
    const entry = await bookLookup(deps, () => deps.book.get(contactId), 'roles button');
    const message = entry ? await rolesReply(deps, entry) : bookUnavailableMessage(null);
    await args
      .respond({ response_type: 'ephemeral', replace_original: true, ...message })
      .catch(async () => {
        const person = { userId: args.body.user.id, origin: originOfAction(args.body) };
        await tellPerson(args.client, deps.logger, person, message);
      });
  };
}

/** One contact's roles as the book knows them, or why they cannot be shown. */
export async function rolesReply(deps: AssignmentActionDeps, entry: BookEntry) {
  const assignments = await bookLookup(deps, () => deps.book.assignmentsOf(entry.id), 'roles');
  return assignments
    ? rolesMessage({ contactId: entry.id, name: displayName(entry.values), assignments })
    : bookUnavailableMessage(null);
}
