import type { ViewResponseAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { AssignmentLearnResult, Book } from '../book/book';
import type { ChangeSource } from '../book/history';
import type { Assignment } from '../domain/assignment';
import type { FieldChange } from '../domain/diff';
import { BotFailureError } from '../errors';
import { withDeadline } from '../inflight';
import type { Logger } from '../logger';
import { StuutError, StuutOutcomeUnknownError, surelyNotApplied } from '../stuut/errors';
import { type ChannelSharing, sharedWhileSaving } from './channels';
import {
  deliverConfirmation,
  type Person,
  slackErrorCode,
  tellPerson,
  tellSubject,
} from './delivery';
import type { MemberDirectory } from './members';
import {
  assignmentFailedMessage,
  maybeDoneMessage,
  outcomeUnknownMessage,
  roleNoticeMessage,
} from './messages/assignments';
import type { SlackMessage } from './messages/confirmation';
import {
  acknowledgeThenFinish,
  BOOK_LEARN_MAX_MS,
  CHANNEL_LOOKUP_MAX_MS,
  logFailure,
} from './saveFlow';
import { assignmentResultView, assignmentSavingView } from './views/assignmentForms';

/**
 * Add, assign and change role: the same steps as saving an update (an acknowledgement within
 * Slack's 3 seconds, "Saving…" when Stuut is slow, the book learning the answer, a
 * confirmation in the channel), around a different Stuut call. What differs per action comes
 * in the request as data and small functions.
 */

export interface AssignmentFlowDeps {
  logger: Logger;
  contactUpdatesChannel: string | null;
  ackWithinMs: number;
  saveBudgetMs: number;
  now: () => Date;
  channels: ChannelSharing;
  book: Book;
  /** The contact's Slack member (a name for the confirmation; a DM with notifySubject). */
  members?: MemberDirectory;
  /** CONTACT_NOTIFY_SUBJECT: the linked person hears, by DM, of a change to their own contact. */
  notifySubject?: boolean;
}

export type AssignmentAction = 'add' | 'assign' | 'role';

const AUDIT: Readonly<Record<AssignmentAction, string>> = {
  add: 'contact_added',
  assign: 'contact_assigned',
  role: 'role_changed',
};

const RESULT_TITLE = {
  add: 'Contact added',
  assign: 'Contact assigned',
  role: 'Role changed',
} as const;

/** A form's errors, keyed by the form's own field keys (`email`, `partner_id`, …). */
export type KeyedErrors<K extends string> = Partial<Record<K, string>>;

export interface AssignmentSaveRequest<K extends string> {
  action: AssignmentAction;
  ack: (response?: ViewResponseAction) => Promise<void>;
  client: WebClient;
  viewId: string;
  person: Person;
  teamId: string | null;
  /** The Stuut call; started at once. */
  call: () => Promise<Assignment>;
  /** What the "Saving…" view says Stuut is working on. */
  savingText: string;
  /** Errors for the form's inputs when Stuut's refusal names them (422, 409, 404); else null. */
  errorsFor: (error: StuutError) => KeyedErrors<K> | null;
  /** Block ids for those errors, for an inline acknowledgement. */
  inline: (errors: KeyedErrors<K>) => Record<string, string>;
  /** The form again with exactly what was typed, a notice on top and notes under inputs. */
  formAgain: (notice: string, notes: KeyedErrors<K>) => ModalView;
  /** What the history records besides the role. */
  change: {
    source: ChangeSource;
    changes: (assignment: Assignment) => FieldChange[];
    undoes?: number | null;
  };
  /** Frees what the request claimed, when Stuut surely did not apply it. */
  release?: () => Promise<void>;
  /**
   * The confirmation: in full, or without contact values for a channel shared outside.
   * `slackName` is the linked member's display name (plain text beside the Stuut name), or null.
   */
  confirmation: (
    assignment: Assignment,
    learned: AssignmentLearnResult | null,
    shared: boolean,
    slackName: string | null,
  ) => SlackMessage;
  /** For a role change: the role the form showed, for the linked person's notice. */
  roleBefore?: string | null;
  /** The modal's outcome line, mrkdwn, escaped. */
  summary: (assignment: Assignment) => string;
}

type Failure = StuutError | BotFailureError;
type Outcome = { ok: true; assignment: Assignment } | { ok: false; error: Failure };

/** Runs the Stuut call and everything after it; ends within the save budget. */
export async function saveAssignment<K extends string>(
  deps: AssignmentFlowDeps,
  request: AssignmentSaveRequest<K>,
): Promise<void> {
  const { logger } = deps;
  const startedAt = Date.now();
  const pending: Promise<Outcome> = request.call().then(
    (assignment) => ({ ok: true as const, assignment }),
    (error: unknown) => ({ ok: false as const, error: toFailure(error, logger) }),
  );
  const target = deps.contactUpdatesChannel ?? request.person.origin.channelId;
  const shared = sharedWhileSaving(
    deps.channels,
    request.client,
    target,
    deps.saveBudgetMs,
    CHANNEL_LOOKUP_MAX_MS,
  );

  await acknowledgeThenFinish({
    pending,
    startedAt,
    ackWithinMs: deps.ackWithinMs,
    saveBudgetMs: deps.saveBudgetMs,
    ack: request.ack,
    logger,
    facts: { action: request.action },
    acknowledgement: (outcome) =>
      outcome
        ? acknowledgement(request, outcome, target)
        : { response_action: 'update', view: assignmentSavingView(request.savingText) },
    finish: async (outcome, early) => {
      const shownInModal = early ? true : await showInModal(deps, request, outcome, target);
      const learned = outcome.ok ? await learn(deps, request, outcome.assignment) : null;
      if (!outcome.ok && surelyNotApplied(outcome.error)) {
        await request.release?.().catch((error: unknown) => {
          logger.error({ err: error }, 'contact book failed to release a role claim');
        });
      }
      await afterSave(deps, request, outcome, shownInModal, target, shared, learned);
    },
  });
}

function toFailure(error: unknown, logger: Logger): Failure {
  if (error instanceof StuutError) return error;
  logger.error({ err: error }, 'save failed: a bug in the bot');
  return new BotFailureError(error);
}

function notice(error: Failure): string {
  return `${error.userMessage} Your values are kept below.`;
}

function acknowledgement<K extends string>(
  request: AssignmentSaveRequest<K>,
  outcome: Outcome,
  target: string | null,
): ViewResponseAction {
  if (outcome.ok) return { response_action: 'update', view: resultView(request, outcome, target) };
  const errors = outcome.error instanceof StuutError ? request.errorsFor(outcome.error) : null;
  if (errors && Object.keys(errors).length > 0) {
    return { response_action: 'errors', errors: request.inline(errors) };
  }
  return { response_action: 'update', view: request.formAgain(notice(outcome.error), {}) };
}

function resultView<K extends string>(
  request: AssignmentSaveRequest<K>,
  outcome: { assignment: Assignment },
  target: string | null,
): ModalView {
  return assignmentResultView({
    title: RESULT_TITLE[request.action],
    summaryMrkdwn: request.summary(outcome.assignment),
    contactId: outcome.assignment.internal_contact.id,
    confirmationChannelId: target,
  });
}

/** Replaces "Saving…" with the outcome; false when the person already closed the modal. */
async function showInModal<K extends string>(
  deps: AssignmentFlowDeps,
  request: AssignmentSaveRequest<K>,
  outcome: Outcome,
  target: string | null,
): Promise<boolean> {
  let view: ModalView;
  if (outcome.ok) {
    view = resultView(request, outcome, target);
  } else {
    const errors = outcome.error instanceof StuutError ? request.errorsFor(outcome.error) : null;
    // Inline errors only go with an acknowledgement; now they are notes under the inputs.
    view = request.formAgain(
      errors && Object.keys(errors).length > 0
        ? 'Stuut refused some values; see the notes under the fields. Your values are kept below.'
        : notice(outcome.error),
      errors ?? {},
    );
  }
  try {
    await request.client.views.update({ view_id: request.viewId, view });
    return true;
  } catch (error) {
    deps.logger.info({ slackError: slackErrorCode(error) }, 'views.update after save failed');
    return false;
  }
}

/** The book learns the contact and its role; its failure costs the history, not the save. */
async function learn<K extends string>(
  deps: AssignmentFlowDeps,
  request: AssignmentSaveRequest<K>,
  assignment: Assignment,
): Promise<AssignmentLearnResult | null> {
  try {
    const learned = await withDeadline(
      deps.book.learnAssignment(assignment, deps.now(), {
        slackUser: request.person.userId,
        slackTeam: request.teamId,
        source: request.change.source,
        changes: request.change.changes(assignment),
        modifiedAt: assignment.modified_at,
        undoes: request.change.undoes ?? null,
      }),
      BOOK_LEARN_MAX_MS,
    );
    if (learned) return learned;
    deps.logger.error({ withinMs: BOOK_LEARN_MAX_MS }, 'contact book too slow to learn a role');
  } catch (error) {
    deps.logger.error({ err: error }, 'contact book failed to learn a role; the save stands');
  }
  return null;
}

async function afterSave<K extends string>(
  deps: AssignmentFlowDeps,
  request: AssignmentSaveRequest<K>,
  outcome: Outcome,
  shownInModal: boolean,
  target: string | null,
  sharedChannel: Promise<boolean>,
  learned: AssignmentLearnResult | null,
): Promise<void> {
  const { logger } = deps;
  const { person, client, action } = request;
  if (!outcome.ok) {
    const { error } = outcome;
    logFailure(logger, { action }, error, `${action} failed`);
    if (!shownInModal) {
      await tellPerson(
        client,
        logger,
        person,
        error instanceof StuutOutcomeUnknownError
          ? outcomeUnknownMessage(error.userMessage, error.action)
          : surelyNotApplied(error)
            ? assignmentFailedMessage(error.userMessage, action)
            : maybeDoneMessage(error.userMessage),
      );
    }
    return;
  }
  const { assignment } = outcome;
  const contact = assignment.internal_contact;
  // The member the contact is, if linked: bounded, and null whenever Slack or the book fails.
  const member = deps.members
    ? await deps.members.memberOf(client, { id: contact.id, values: { email: contact.email } })
    : null;
  const slackName = member?.displayName ?? null;
  logger.info(
    {
      audit: AUDIT[action],
      contactId: assignment.internal_contact.id,
      assignmentId: assignment.id,
      partnerId: assignment.partner_id,
      role: assignment.internal_role,
      slackUser: person.userId,
      slackTeam: request.teamId,
    },
    `internal contact ${action === 'add' ? 'added' : action === 'assign' ? 'assigned' : 'role changed'}`,
  );
  await deliverConfirmation({
    client,
    logger,
    person,
    target,
    sharedChannel,
    shownInModal,
    message: (shared) => request.confirmation(assignment, learned, shared, slackName),
  });
  // Someone gave another person's own contact a role: that person hears it, from the bot.
  await tellSubject({
    client,
    logger,
    enabled: deps.notifySubject,
    member,
    actorId: person.userId,
    message: () =>
      roleNoticeMessage({
        action,
        changerId: person.userId,
        assignment,
        roleBefore:
          action === 'role'
            ? (learned?.change.assignment?.roleBefore ?? request.roleBefore ?? null)
            : null,
      }),
  });
}
