import type { App } from '@slack/bolt';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Book } from '../../book/book';
import type { HistoryBook } from '../../book/history';
import type { InflightTracker } from '../../inflight';
import type { Logger } from '../../logger';
import type { StuutClient } from '../../stuut/client';
import type { EditorCheck } from '../authorization';
import type { ChannelSharing } from '../channels';
import type { DriftDeps } from '../drift';
import { ACTION_ID, CALLBACK_ID } from '../ids';
import type { MemberDirectory } from '../members';
import {
  makeAssignContactButton,
  makeAssignEmailCheck,
  makeChangeRoleButton,
  makeOpenKnownContact,
  makeShowRolesButton,
} from './actions/assignments';
import { makeAddMember, makeApplyDrift, makeDismissDrift, makeMoreDrift } from './actions/drift';
import { makeHistoryButton } from './actions/history';
import {
  editFormFromButton,
  makeOpenFormButton,
  openContactFromButton,
  reopenFormFromButton,
} from './actions/openForm';
import { makePickContact } from './actions/pickContact';
import { makeUndoButton } from './actions/undo';
import { makeContactCommand } from './commands/contact';
import { makeUserChange } from './events/userChange';
import { makeContactPickerOptions } from './options/contactPicker';
import { makeAddSubmit, makeAssignSubmit, makeRoleSubmit } from './views/assignmentSubmits';
import { makeContactSubmit } from './views/contactSubmit';

export interface ListenerDeps {
  stuut: StuutClient;
  logger: Logger;
  inflight: InflightTracker;
  defaultPhoneCountry: CountryCode;
  contactUpdatesChannel: string | null;
  channels: ChannelSharing;
  ackWithinMs: number;
  saveBudgetMs: number;
  now: () => Date;
  /** Who may edit: asked before any form opens and before any save. */
  editors: EditorCheck;
  /** The contact book: finds contacts, learns every contact Stuut returns. */
  book: Book;
  /** History, undo claims and save claims (the same database as the book). */
  history: HistoryBook;
  /** How long a book lookup may take while a person waits, before it counts as unavailable. */
  bookWithinMs: number;
  /** How long after a change Undo works. */
  undoMinutes: number;
  /** How long history is kept. */
  historyDays: number;
  /** Slack members linked to contacts by email. */
  members: MemberDirectory;
  /** Drift proposals (off when CONTACT_UPDATES_CHANNEL is unset) and `/contact drift`. */
  drift: DriftDeps & { progressEveryMs: number };
  /** CONTACT_NOTIFY_SUBJECT: a linked member hears when someone changes their contact. */
  notifySubject: boolean;
}

/** Every listener the bot has, in one place: a command, a form, its picker, the buttons. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  // Listeners go on working after they acknowledge (a save, a views.open, a message), which
  // Bolt does not wait for; tracking each whole run lets a shutdown finish them.
  const tracked =
    <Args>(listener: (args: Args) => Promise<void>) =>
    (args: Args) =>
      deps.inflight.track(listener(args));
  app.command('/contact', tracked(makeContactCommand({ ...deps, config: deps })));
  app.view(CALLBACK_ID.contactForm, tracked(makeContactSubmit(deps)));
  app.action(ACTION_ID.editContact, tracked(makeOpenFormButton(deps, editFormFromButton)));
  app.action(ACTION_ID.reopenForm, tracked(makeOpenFormButton(deps, reopenFormFromButton)));
  app.action(
    ACTION_ID.openContact,
    tracked(
      makeOpenFormButton(deps, openContactFromButton(deps.book, deps.bookWithinMs, deps.logger)),
    ),
  );
  app.action(ACTION_ID.pickContact, tracked(makePickContact(deps)));
  app.action(ACTION_ID.showHistory, tracked(makeHistoryButton(deps, false)));
  app.action(ACTION_ID.olderHistory, tracked(makeHistoryButton(deps, true)));
  app.action(ACTION_ID.undoChange, tracked(makeUndoButton(deps)));
  app.options(ACTION_ID.pickContact, tracked(makeContactPickerOptions(deps)));
  // Add, assign and change role.
  app.view(CALLBACK_ID.addForm, tracked(makeAddSubmit(deps)));
  app.view(CALLBACK_ID.assignForm, tracked(makeAssignSubmit(deps)));
  app.view(CALLBACK_ID.roleForm, tracked(makeRoleSubmit(deps)));
  app.action(ACTION_ID.openKnownContact, tracked(makeOpenKnownContact(deps)));
  app.action(ACTION_ID.assignEmail, tracked(makeAssignEmailCheck(deps)));
  app.action(ACTION_ID.changeRole, tracked(makeChangeRoleButton(deps)));
  app.action(ACTION_ID.assignContact, tracked(makeAssignContactButton(deps)));
  app.action(ACTION_ID.showRoles, tracked(makeShowRolesButton(deps)));
  app.options(ACTION_ID.assignPick, tracked(makeContactPickerOptions(deps)));
  // Slack members: profile changes, drift proposals, people to add.
  const driftDeps = { ...deps.drift, editors: deps.editors, bookWithinMs: deps.bookWithinMs };
  app.event('user_change', tracked(makeUserChange(deps.drift)));
  app.action(ACTION_ID.applyDrift, tracked(makeApplyDrift(driftDeps)));
  app.action(ACTION_ID.dismissDrift, tracked(makeDismissDrift(driftDeps)));
  app.action(ACTION_ID.moreDrift, tracked(makeMoreDrift(driftDeps)));
  app.action(ACTION_ID.addMember, tracked(makeAddMember(driftDeps)));
}
