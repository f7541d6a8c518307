import type { ViewResponseAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Book, LearnResult } from '../book/book';
import type { ChangeRecord, HistoryBook, VersionClaim } from '../book/history';
import {
  CLEARABLE_FIELDS,
  CONTACT_FIELDS,
  type ContactField,
  type ContactPatch,
  type ContactValues,
  displayName,
  FIELD_LABELS,
  type InternalContact,
  valuesOf,
} from '../domain/contact';
import { changedElsewhere, changedFields } from '../domain/diff';
import {
  type ClearableField,
  type FormErrors,
  type FormInput,
  sameFieldValue,
} from '../domain/form';
import { mergeStaleForm } from '../domain/merge';
import { phoneForPeople } from '../domain/phone';
import { canUndo } from '../domain/undo';
import { BotFailureError } from '../errors';
import { withDeadline } from '../inflight';
import type { Logger } from '../logger';
import type { StuutClient } from '../stuut/client';
import {
  InvalidContactIdError,
  StuutError,
  StuutHttpError,
  surelyNotApplied,
} from '../stuut/errors';
import { type ChannelSharing, sharedWhileSaving } from './channels';
import {
  deliverConfirmation,
  type Person,
  slackErrorCode,
  tellPerson,
  tellSubject,
} from './delivery';
import { type DriftDeps, markApplied } from './drift';
import type { MemberDirectory } from './members';
import { confirmationMessage } from './messages/confirmation';
import { subjectNoticeMessage } from './messages/members';
import { saveFailedMessage } from './messages/notices';
import type { FormMetadata } from './metadata';
import { slackDate, userMention } from './mrkdwn';
import {
  contactFormView,
  formWithKnownValues,
  inlineErrors,
  inputBlockId,
} from './views/contactForm';
import { savedView, savingView } from './views/saveViews';

export interface SaveFlowDeps {
  stuut: StuutClient;
  logger: Logger;
  /** Where confirmations go; null means the channel the person started in. */
  contactUpdatesChannel: string | null;
  /** How long the acknowledgement may wait for Stuut before showing "Saving…". */
  ackWithinMs: number;
  /** Everything after Save, the confirmation included, ends within this. */
  saveBudgetMs: number;
  now: () => Date;
  /** Which channels are shared with another organisation (cached). */
  channels: ChannelSharing;
  /** Learns every contact Stuut answers with; its failure never fails the save. */
  book: Book;
  /** Records each save as a change, and holds the claims that stop silent overwrites. */
  history: HistoryBook;
  /** The contact's Slack member (a name for the confirmation; a DM with notifySubject). */
  members?: MemberDirectory;
  /** CONTACT_NOTIFY_SUBJECT: the linked member hears when someone else changes their contact. */
  notifySubject?: boolean;
  /** A save from a drift proposal's Apply marks it applied. */
  drift?: DriftDeps;
}

/** How long learning a saved contact may hold up the confirmation. */
export const BOOK_LEARN_MAX_MS = 2_000;

/** The longest the confirmation waits to learn whether its channel is shared (then: it is). */
export const CHANNEL_LOOKUP_MAX_MS = 5_000;

export interface SaveRequest {
  ack: (response?: ViewResponseAction) => Promise<void>;
  client: WebClient;
  viewId: string;
  person: Person;
  teamId: string | null;
  contactId: string;
  patch: ContactPatch;
  form: FormInput;
  metadata: FormMetadata;
  /** The book's version this save claimed (released if Stuut refuses); null: no claim. */
  claimedVersion: number | null;
}

/** Why a save failed: Stuut's answer (or its absence), or the bot's own bug. */
type SaveError = StuutError | BotFailureError;

type Outcome = { ok: true; contact: InternalContact } | { ok: false; error: SaveError };

/** Whether the person should look at the id: Stuut has no such contact, or it is no id at all. */
function idIsWrong(error: SaveError): boolean {
  return (
    (error instanceof StuutHttpError && error.status === 404) ||
    error instanceof InvalidContactIdError
  );
}

/** The form again, with exactly what the person typed, and why it did not save. */
function formAfterFailure(request: SaveRequest, error: SaveError, inline: boolean): ModalView {
  const { form, metadata, contactId, patch } = request;
  const notFound = idIsWrong(error);
  const notes: FormErrors = {};
  if (notFound) {
    notes.contact_id =
      error instanceof InvalidContactIdError
        ? error.userMessage
        : `Stuut has no internal contact with id ${contactId}.`;
  }
  if (!inline && error instanceof StuutHttpError) Object.assign(notes, error.fieldErrors);
  // Known values belong to the id that was not found; for another id only the intent carries
  // over: what was typed, and what was emptied (which, without known values, is a tick to clear).
  const baseline = notFound ? null : metadata.baseline;
  const clear =
    notFound && metadata.baseline
      ? CLEARABLE_FIELDS.filter((field) => patch[field] === null)
      : form.clear.filter((v): v is ClearableField => v !== 'email');
  // After a wrong id, only the changes carry over (the other boxes held another contact's
  // values), in new block ids so that Slack does not keep them.
  const typed: Partial<Record<ContactField, string | null>> = notFound
    ? Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== null))
    : form.values;
  return contactFormView({
    contactId: notFound || metadata.contactId === null ? null : contactId,
    typedContactId: form.typedContactId ?? contactId,
    values: typed,
    clear,
    baseline,
    origin: metadata.origin,
    // A wrong id is corrected in the id input, which a picker form does not have.
    picker: metadata.picker && !notFound,
    generation: notFound && metadata.baseline ? metadata.generation + 1 : metadata.generation,
    notice: notFound
      ? `There is no internal contact with id ${contactId}. Check the id and press Save again; your values are kept.`
      : `${error.userMessage} Your values are kept below.`,
    notes,
  });
}

function toSaveError(error: unknown, logger: Logger): SaveError {
  if (error instanceof StuutError) return error;
  // A bug of the bot's own, not Stuut's answer: logged with its stack for whoever fixes it; the
  // person still gets a message that says so, and their values.
  logger.error({ err: error }, 'save failed: a bug in the bot');
  return new BotFailureError(error);
}

/**
 * Saves a validated form: PATCH, then an acknowledgement within Slack's 3 seconds (the
 * outcome if Stuut is quick, a "Saving…" view if not), then the confirmation.
 * The person sees the outcome in the modal, or as a message when the modal is gone.
 */
export async function saveContact(deps: SaveFlowDeps, request: SaveRequest): Promise<void> {
  const { logger } = deps;
  const { contactId, patch } = request;
  const startedAt = Date.now();
  const pending: Promise<Outcome> = deps.stuut.updateInternalContact(contactId, patch).then(
    (contact) => ({ ok: true as const, contact }),
    (error: unknown) => ({ ok: false as const, error: toSaveError(error, logger) }),
  );
  // Whether the confirmation's channel is shared is asked while Stuut works, so it costs the
  // confirmation no time. Bounded, never rejects, and "shared" when unknown.
  const target = confirmationTarget(deps, request);
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
    facts: { contactId },
    acknowledgement: (outcome) =>
      outcome
        ? acknowledgement(deps, request, outcome)
        : { response_action: 'update', view: savingView(contactId) },
    finish: async (outcome, early) => {
      // The modal first: the person is waiting on it; learning only feeds the confirmation.
      const shownInModal = early ? true : await showInModal(deps, request, outcome);
      const learned = outcome.ok ? await learn(deps, request, outcome.contact) : null;
      // Only a save Stuut surely did not apply frees its version at once; otherwise the lease
      // lapses by itself, so that nobody saves over a change that may have landed.
      if (!outcome.ok && surelyNotApplied(outcome.error)) await releaseClaim(deps, request);
      await afterSave(deps, request, outcome, shownInModal, shared, learned);
    },
  });
}

/**
 * The race every save runs: the acknowledgement within Slack's 3 s, with the outcome when Stuut
 * answered in `ackWithinMs` (else "Saving…"), then everything after it within what is left of
 * the save budget. A lost acknowledgement (a socket that dropped meanwhile) does not stop what
 * follows: the request is under way, and its outcome still reaches the person and the book. A
 * Slack call still hanging when the budget ends is abandoned, so that neither a save nor a
 * shutdown waits on it.
 */
export async function acknowledgeThenFinish<O>(p: {
  pending: Promise<O>;
  startedAt: number;
  ackWithinMs: number;
  saveBudgetMs: number;
  ack: (response?: ViewResponseAction) => Promise<void>;
  logger: Logger;
  facts: Record<string, unknown>;
  /** The outcome when it came in time; undefined: Stuut is still working. */
  acknowledgement: (outcome: O | undefined) => ViewResponseAction;
  /** `early`: the outcome was in the acknowledgement, so the modal already shows it. */
  finish: (outcome: O, early: boolean) => Promise<void>;
}): Promise<void> {
  const { logger } = p;
  const early = await withDeadline(p.pending, p.ackWithinMs);
  await p.ack(p.acknowledgement(early)).catch((error: unknown) => {
    logger.warn({ slackError: slackErrorCode(error) }, 'acknowledging Save failed');
  });
  const remaining = p.saveBudgetMs - (Date.now() - p.startedAt);
  const finished = await withDeadline(
    (async () => {
      await p.finish(early ?? (await p.pending), early !== undefined);
      return true;
    })(),
    remaining,
  );
  if (!finished) logger.warn(p.facts, 'save abandoned at the end of its budget');
}

function acknowledgement(
  deps: SaveFlowDeps,
  request: SaveRequest,
  outcome: Outcome,
): ViewResponseAction {
  if (outcome.ok)
    return { response_action: 'update', view: savedResult(deps, request, outcome.contact) };
  const { error } = outcome;
  if (error instanceof StuutHttpError && error.status === 422) {
    const errors: FormErrors = { ...error.fieldErrors };
    if (error.otherErrors.length > 0 || Object.keys(errors).length === 0) {
      // Messages that name no field go to the first input, so none is lost.
      const first = request.metadata.contactId === null ? 'contact_id' : 'email';
      errors[first] = [errors[first], error.userMessage].filter(Boolean).join(' ');
    }
    return {
      response_action: 'errors',
      errors: inlineErrors(errors, request.metadata.generation),
    };
  }
  return { response_action: 'update', view: formAfterFailure(request, error, true) };
}

/**
 * Stores what Stuut answered and records the change, in one transaction. A book that fails or
 * is slow costs the history and the note, never the save.
 */
async function learn(
  deps: SaveFlowDeps,
  request: SaveRequest,
  contact: InternalContact,
): Promise<Learned | null> {
  try {
    const learned = await withDeadline(
      deps.history.learnChange(contact, deps.now(), {
        contactId: request.contactId,
        slackUser: request.person.userId,
        slackTeam: request.teamId,
        source: request.metadata.source,
        // Before as the form knew it, when its version was claimed; otherwise the book's own
        // values in the same transaction (the form's may be out of date).
        changes: changedFields(
          request.patch,
          valuesOf(contact),
          request.claimedVersion !== null ? (request.metadata.baseline?.values ?? null) : null,
        ),
        modifiedAt: contact.modified_at,
      }),
      BOOK_LEARN_MAX_MS,
    );
    if (learned) return learned;
    deps.logger.error(
      { withinMs: BOOK_LEARN_MAX_MS },
      'contact book too slow to learn a saved contact',
    );
  } catch (error) {
    deps.logger.error(
      { err: error },
      'contact book failed to learn a saved contact; the save stands',
    );
  }
  return null;
}

type Learned = LearnResult & { change: ChangeRecord };

/** Stuut did not take the change: the version this save claimed is free again at once. */
async function releaseClaim(deps: SaveFlowDeps, request: SaveRequest): Promise<void> {
  if (request.claimedVersion === null) return;
  await deps.history.releaseVersion(request.contactId, request.claimedVersion).catch((error) => {
    deps.logger.error({ err: error }, 'contact book failed to release a save claim');
  });
}

/** Before → after: from the form's known values, else from what the book knew until now. */
function changesOf(request: SaveRequest, contact: InternalContact, learned?: Learned | null) {
  // The recorded change holds the befores the book knew too.
  if (learned) return learned.change.changes;
  return changedFields(request.patch, valuesOf(contact), request.metadata.baseline?.values ?? null);
}

/** Only values learned from Stuut itself can show a change made elsewhere; imports cannot. */
function elsewhereOf(request: SaveRequest, contact: InternalContact, learned: Learned | null) {
  const previous = learned?.previous;
  if (previous?.knownFrom !== 'stuut') return null;
  const changes = changedElsewhere(request.patch, previous.values, valuesOf(contact));
  return changes.length > 0 ? { changes, since: previous.seenAt.toISOString() } : null;
}

function savedResult(
  deps: SaveFlowDeps,
  request: SaveRequest,
  contact: InternalContact,
): ModalView {
  return savedView({
    contact,
    changes: changesOf(request, contact),
    confirmationChannelId: confirmationTarget(deps, request),
  });
}

/** Replaces the "Saving…" view with the outcome; false when the person already closed it. */
async function showInModal(
  deps: SaveFlowDeps,
  request: SaveRequest,
  outcome: Outcome,
): Promise<boolean> {
  const view = outcome.ok
    ? savedResult(deps, request, outcome.contact)
    : formAfterFailure(request, outcome.error, false);
  try {
    await request.client.views.update({ view_id: request.viewId, view });
    return true;
  } catch (error) {
    deps.logger.info({ slackError: slackErrorCode(error) }, 'views.update after save failed');
    return false;
  }
}

/** Where the confirmation goes: CONTACT_UPDATES_CHANNEL, else where the person started. */
function confirmationTarget(deps: SaveFlowDeps, request: SaveRequest): string | null {
  return deps.contactUpdatesChannel ?? request.person.origin.channelId;
}

async function afterSave(
  deps: SaveFlowDeps,
  request: SaveRequest,
  outcome: Outcome,
  shownInModal: boolean,
  sharedChannel: Promise<boolean>,
  learned: Learned | null,
): Promise<void> {
  const { logger } = deps;
  const { person, contactId, client } = request;
  if (!outcome.ok) {
    const { error } = outcome;
    logFailure(logger, { contactId }, error, 'save failed');
    if (!shownInModal) {
      const idEditable = idIsWrong(error);
      await tellPerson(
        client,
        logger,
        person,
        saveFailedMessage(error.userMessage, { contactId, idEditable, patch: request.patch }),
      );
    }
    return;
  }

  const { contact } = outcome;
  const changes = changesOf(request, contact, learned);
  // The member the contact is, if linked: bounded, and null whenever Slack or the book fails.
  const member = deps.members
    ? await deps.members.memberOf(client, { id: contactId, values: { email: contact.email } })
    : null;
  logger.info(
    {
      audit: 'contact_updated',
      contactId,
      fields: changes.map((change) => change.field),
      slackUser: person.userId,
      slackTeam: request.teamId,
    },
    'internal contact updated',
  );

  const model = {
    contact,
    changes,
    userId: person.userId,
    seenAt: contact.modified_at ?? deps.now().toISOString(),
    bookVersion: learned?.current.version ?? null,
    // Undo needs every before value, and the recorded change to claim.
    undoChangeId: learned && canUndo(learned.change.changes) ? learned.change.id : null,
    changedElsewhere: elsewhereOf(request, contact, learned),
    slackName: member?.displayName ?? null,
  };
  // In full for the person who saved (the modal, ephemeral messages, their DM); the channel
  // gets it without values when it is shared with another organisation.
  await deliverConfirmation({
    client,
    logger,
    person,
    target: confirmationTarget(deps, request),
    sharedChannel,
    shownInModal,
    message: (shared) => confirmationMessage(shared ? { ...model, shared: true } : model),
  });
  const proposalId = request.metadata.proposalId;
  if (proposalId && deps.drift) await markApplied(deps.drift, client, proposalId, person.userId);
  // Someone changed another person's own contact: that person hears it, from the bot.
  await tellSubject({
    client,
    logger,
    enabled: deps.notifySubject,
    member,
    actorId: person.userId,
    message: () =>
      subjectNoticeMessage({
        changerId: person.userId,
        contactName: displayName(contact),
        changes,
      }),
  });
}

/**
 * A save, add, assign or role change that failed: a refused token is an error for whoever runs
 * the bot; Stuut's refusals are info, its failures a warning. The bot's own bugs were logged,
 * with their stack, where they were caught.
 */
export function logFailure(
  logger: Logger,
  facts: Record<string, unknown>,
  error: StuutError | BotFailureError,
  message: string,
): void {
  if (error instanceof BotFailureError) return;
  if (error instanceof StuutHttpError && (error.status === 401 || error.status === 403)) {
    logger.error(
      { ...facts, status: error.status },
      'Stuut refused STUUT_API_TOKEN: renew the token in the bot configuration',
    );
    return;
  }
  const level = error instanceof StuutHttpError && error.status < 500 ? 'info' : 'warn';
  logger[level]({ ...facts, error: error.name, detail: error.message }, message);
}

/** How long the version claim may take before Save goes ahead without it. */
export const BOOK_CLAIM_MAX_MS = 1_000;

export type SaveClaim =
  | { kind: 'go'; claimedVersion: number | null }
  /** The save stops here: the acknowledgement says why, and what the form shows now. */
  | { kind: 'stop'; ack: ViewResponseAction };

/**
 * No silent overwrite: a form opened on the book's version N saves only while the book still
 * holds N, claimed in the database (compare-and-set), so two saves of one version, on one
 * instance or several, cannot both go through. A stale form comes back merged, with a notice;
 * its next Save goes through. The book failing never blocks a save.
 */
export async function claimForSave(
  deps: SaveFlowDeps & { defaultPhoneCountry: CountryCode },
  request: Pick<SaveRequest, 'contactId' | 'metadata' | 'form'> & { userId: string },
): Promise<SaveClaim> {
  const { contactId, metadata, form, userId } = request;
  const baseline = metadata.baseline;
  if (!baseline || baseline.version === null || metadata.contactId === null) {
    return { kind: 'go', claimedVersion: null };
  }
  const now = deps.now();
  const until = new Date(now.getTime() + deps.saveBudgetMs);
  let claim: VersionClaim | undefined;
  try {
    claim = await withDeadline(
      // The person saving owns the claim: after a failure that may have landed they were told
      // so, and their own retry is let through; anyone else waits for the lease to lapse.
      deps.history.claimVersion(contactId, baseline.version, until, now, `user:${userId}`),
      BOOK_CLAIM_MAX_MS,
    );
    if (claim === undefined)
      deps.logger.error('contact book too slow to claim a save; saving without');
  } catch (error) {
    deps.logger.error({ err: error }, 'contact book failed to claim a save; saving without');
  }
  if (!claim) return { kind: 'go', claimedVersion: null };
  if (claim.kind === 'claimed') return { kind: 'go', claimedVersion: baseline.version };
  const first = inputBlockId('email', metadata.generation);
  if (claim.kind === 'busy') {
    return {
      kind: 'stop',
      ack: {
        response_action: 'errors',
        errors: {
          [first]:
            'Someone else is saving this contact at this very moment. Wait a few seconds and press Save again: your values are kept, and you will see what they changed.',
        },
      },
    };
  }
  const stale = await staleForm(deps, contactId, metadata, form, baseline.values, baseline.version);
  return stale
    ? { kind: 'stop', ack: { response_action: 'update', view: stale } }
    : { kind: 'go', claimedVersion: null };
}

/** The form again on the book's newer values, merged with what this person typed. */
async function staleForm(
  deps: SaveFlowDeps & { defaultPhoneCountry: CountryCode },
  contactId: string,
  metadata: FormMetadata,
  form: FormInput,
  opened: ContactValues,
  openedVersion: number,
): Promise<ModalView | null> {
  let current: Awaited<ReturnType<Book['get']>>;
  let since: ChangeRecord[];
  try {
    [current, since] = await Promise.all([
      deps.book.get(contactId),
      deps.history.changesSince(contactId, openedVersion),
    ]);
  } catch (error) {
    deps.logger.error({ err: error }, 'contact book failed while showing a stale form');
    return null;
  }
  if (!current) return null;
  const same = (field: ContactField, a: string | null, b: string | null) =>
    sameFieldValue(field, a, b, deps.defaultPhoneCountry);
  const merged = mergeStaleForm(opened, current.values, form.values, same);
  const notes: FormErrors = {};
  for (const { field, theirs } of merged.conflicts) {
    notes[field] =
      `This was changed meanwhile to "${theirs ?? '(empty)'}". Your value is kept: replace it if theirs is right.`;
  }
  const prefill: Partial<Record<ContactField, string>> = {};
  const clear: ContactField[] = [];
  for (const field of CONTACT_FIELDS) {
    const value = merged.values[field];
    if (value === null || value.trim() === '') clear.push(field);
    // A phone taken from the book is E.164: shown as people read it, like every form does.
    else prefill[field] = field === 'phone' ? phoneForPeople(value) : value;
  }
  return formWithKnownValues(
    contactId,
    {
      values: current.values,
      seenAt: current.seenAt.toISOString(),
      from: current.knownFrom,
      version: current.version,
    },
    {
      origin: metadata.origin,
      prefill,
      clear,
      // New block ids: Slack would otherwise keep the old typed values and ignore the merge.
      generation: metadata.generation + 1,
      picker: metadata.picker,
      source: metadata.source,
      noticeMrkdwn: staleNotice(since, merged.taken.length > 0, merged.conflicts.length > 0),
      notes,
    },
  );
}

function staleNotice(since: readonly ChangeRecord[], taken: boolean, conflicts: boolean): string {
  const who =
    since.length > 0
      ? since
          .map(
            (change) =>
              `${userMention(change.slackUser)} changed ${change.changes.map((c) => FIELD_LABELS[c.field].toLowerCase()).join(', ') || 'nothing'} ${slackDate(change.at.toISOString())}`,
          )
          .join('; ')
      : 'the contact changed in the contact book';
  const what = [
    taken ? 'Fields you had not changed now show the new values.' : '',
    conflicts ? 'Where you both changed a field, yours is kept and theirs is shown under it.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return `*Not saved: since you opened this form, ${who}.* ${what} Check the form, then press Save again.`;
}
