import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  RespondFn,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Book, BookEntry } from '../../../book/book';
import type { ChangeRecord, HistoryBook } from '../../../book/history';
import { type InternalContact, valuesOf } from '../../../domain/contact';
import { undoPatch, undoRefusal } from '../../../domain/undo';
import { BotFailureError } from '../../../errors';
import { withDeadline } from '../../../inflight';
import type { Logger } from '../../../logger';
import type { StuutClient } from '../../../stuut/client';
import { StuutError, surelyNotApplied } from '../../../stuut/errors';
import { type EditorCheck, editorDeniedMessage } from '../../authorization';
import type { ChannelSharing } from '../../channels';
import { type Person, slackErrorCode, tellPerson } from '../../delivery';
import type { SlackMessage } from '../../messages/confirmation';
import { bookUnavailableMessage } from '../../messages/find';
import { staleButtonMessage } from '../../messages/notices';
import {
  markUndone,
  undoConfirmationMessage,
  undoFailedMessage,
  undoneOriginalMessage,
  undoRefusedMessage,
} from '../../messages/undo';
import { decodeUndoButton } from '../../metadata';
import { undoRoleChange } from './roleUndo';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export interface UndoDeps {
  stuut: StuutClient;
  book: Book;
  history: HistoryBook;
  logger: Logger;
  editors: EditorCheck;
  channels: ChannelSharing;
  contactUpdatesChannel: string | null;
  undoMinutes: number;
  historyDays: number;
  saveBudgetMs: number;
  bookWithinMs: number;
  now: () => Date;
}

/**
 * Undo on a confirmation: exactly once, whoever clicks and on whichever instance. The claim is
 * a lease in the book (a conditional write) as long as the save budget; a definite refusal
 * from Stuut releases it at once, an ambiguous failure lets it lapse.
 */
export function makeUndoButton(deps: UndoDeps) {
  return async ({ ack, body, action, client, respond }: ButtonArgs) => {
    await ack();
    const origin = { channelId: body.channel?.id ?? null, responseUrl: body.response_url ?? null };
    const person: Person = { userId: body.user.id, origin };
    const tell = (message: SlackMessage) => tellPerson(client, deps.logger, person, message);
    const done = await withDeadline(
      undo(deps, { body, action, client, respond, person, tell }),
      deps.saveBudgetMs,
    );
    if (done === undefined) deps.logger.warn('undo abandoned at the end of its budget');
  };
}

interface UndoRequest {
  body: BlockAction<ButtonAction>;
  action: ButtonAction;
  client: WebClient;
  respond: RespondFn;
  person: Person;
  tell: (message: SlackMessage) => Promise<unknown>;
}

async function undo(deps: UndoDeps, request: UndoRequest): Promise<void> {
  const { body, action, person, tell } = request;
  const decision = await deps.editors.check({ userId: body.user.id, teamId: body.user.team_id });
  if (!decision.allowed) {
    await tell(editorDeniedMessage(decision, deps.editors.editors));
    return;
  }
  const changeId = decodeUndoButton(action.value ?? '');
  if (changeId === null) {
    await tell(staleButtonMessage());
    return;
  }

  let change: ChangeRecord | null;
  let current: BookEntry | null;
  try {
    change = await deps.history.getChange(changeId);
    current = change ? await deps.book.get(change.contactId) : null;
  } catch (error) {
    deps.logger.error({ err: error }, 'contact book failed: undo is off for this request');
    await tell(bookUnavailableMessage(null));
    return;
  }
  if (!change) {
    await tell(
      undoRefusedMessage({
        refusal: { kind: 'missing', historyDays: deps.historyDays },
        contactId: '',
      }),
    );
    return;
  }
  if (change.assignment !== null && change.source === 'role') {
    const { client, respond } = request;
    await undoRoleChange(
      deps,
      { body, client, respond, userId: person.userId, tell },
      { ...change, assignment: change.assignment },
    );
    return;
  }
  const now = deps.now();
  const refusal = undoRefusal(change, current?.values ?? null, now, deps.undoMinutes);
  if (refusal) {
    const since =
      refusal.kind === 'changed_since'
        ? await deps.history.changesSince(change.contactId, change.versionAfter).catch(() => [])
        : [];
    await tell(undoRefusedMessage({ refusal, contactId: change.contactId, since }));
    return;
  }

  // The lease outlasts the whole undo, so that a second click cannot start another meanwhile.
  const claim = await deps.history
    .claimUndo(change.id, new Date(now.getTime() + deps.saveBudgetMs), now)
    .catch((error: unknown) => {
      deps.logger.error({ err: error }, 'contact book failed to claim an undo');
      return null;
    });
  if (!claim) {
    await tell(bookUnavailableMessage(null));
    return;
  }
  if (claim.kind !== 'claimed') {
    const shown = claim.kind === 'undone' ? { kind: 'undone' as const } : { kind: 'busy' as const };
    if (claim.kind === 'missing') {
      await tell(
        undoRefusedMessage({
          refusal: { kind: 'missing', historyDays: deps.historyDays },
          contactId: change.contactId,
        }),
      );
      return;
    }
    await tell(undoRefusedMessage({ refusal: shown, contactId: change.contactId }));
    return;
  }

  // The contact's version too: a form saved on it at this moment and this undo cannot both
  // go through (the other is told the contact changed).
  let claimedVersion: number | null = null;
  if (current) {
    const version = await deps.history
      .claimVersion(
        change.contactId,
        current.version,
        new Date(now.getTime() + deps.saveBudgetMs),
        now,
      )
      .catch(() => null);
    if (version && version.kind !== 'claimed') {
      await deps.history.releaseUndo(change.id).catch(() => {});
      await tell(
        undoRefusedMessage({
          refusal:
            version.kind === 'busy'
              ? { kind: 'saving' }
              : { kind: 'changed_since', fields: change.changes.map((c) => c.field) },
          contactId: change.contactId,
          since: await deps.history
            .changesSince(change.contactId, change.versionAfter)
            .catch(() => []),
        }),
      );
      return;
    }
    if (version) claimedVersion = current.version;
  }

  let contact: InternalContact;
  try {
    contact = await deps.stuut.updateInternalContact(change.contactId, undoPatch(change.changes));
  } catch (error) {
    await undoFailed(deps, change, claimedVersion, error, tell);
    return;
  }

  const reverted = change.changes.map((c) => ({
    field: c.field,
    before: c.after,
    after: valuesOf(contact)[c.field],
  }));
  deps.logger.info(
    {
      audit: 'contact_undone',
      contactId: change.contactId,
      undoes: change.id,
      fields: reverted.map((c) => c.field),
      slackUser: person.userId,
      slackTeam: body.team?.id ?? body.user.team_id ?? null,
    },
    'internal contact change undone',
  );
  try {
    await deps.history.learnChange(contact, deps.now(), {
      contactId: change.contactId,
      slackUser: person.userId,
      slackTeam: body.team?.id ?? body.user.team_id ?? null,
      source: 'undo',
      changes: reverted,
      modifiedAt: contact.modified_at,
      undoes: change.id,
    });
  } catch (error) {
    // Stuut has the old values again; only the record is missing. The lease lapses by itself.
    deps.logger.error({ err: error }, 'contact book failed to record an undo; Stuut has it');
  }
  await announce(deps, request, change, contact, reverted);
}

async function undoFailed(
  deps: UndoDeps,
  change: ChangeRecord,
  claimedVersion: number | null,
  error: unknown,
  tell: (message: SlackMessage) => Promise<unknown>,
): Promise<void> {
  // Only an answer, or a refusal before any request, says for sure that nothing happened.
  const definite = surelyNotApplied(error);
  if (definite) {
    await deps.history.releaseUndo(change.id).catch((releaseError: unknown) => {
      deps.logger.error({ err: releaseError }, 'contact book failed to release an undo claim');
    });
    if (claimedVersion !== null) {
      await deps.history.releaseVersion(change.contactId, claimedVersion).catch(() => {});
    }
  }
  if (!(error instanceof StuutError))
    deps.logger.error({ err: error }, 'undo failed: a bug in the bot');
  else deps.logger.warn({ contactId: change.contactId, error: error.name }, 'undo failed');
  const reason =
    error instanceof StuutError ? error.userMessage : new BotFailureError(error).userMessage;
  await tell(undoFailedMessage(reason, definite));
}

/** The undo's own confirmation, and the original one marked "Undone by …". */
async function announce(
  deps: UndoDeps,
  request: UndoRequest,
  change: ChangeRecord,
  contact: InternalContact,
  reverted: ChangeRecord['changes'],
): Promise<void> {
  const { body, client, respond, person } = request;
  const target = deps.contactUpdatesChannel ?? body.channel?.id ?? null;
  const model = {
    undoerId: person.userId,
    originalUserId: change.slackUser,
    contact,
    changes: reverted,
  };
  if (target) {
    const shared = await deps.channels.isShared(client, target, 5_000);
    try {
      await client.chat.postMessage({
        channel: target,
        ...undoConfirmationMessage({ ...model, shared }),
      });
    } catch (error) {
      deps.logger.warn({ slackError: slackErrorCode(error) }, 'undo confirmation post failed');
      await request.tell(undoConfirmationMessage({ ...model, shared }));
    }
  } else {
    await request.tell(undoConfirmationMessage({ ...model, shared: false }));
  }

  const at = deps.now();
  const original = body.message;
  try {
    if (original && body.channel?.id && !body.container?.is_ephemeral) {
      const blocks = markUndone((original.blocks ?? []) as KnownBlock[], person.userId, at);
      const text =
        typeof original.text === 'string' ? original.text : 'A contact update, since undone.';
      await client.chat.update({ channel: body.channel.id, ts: original.ts, text, blocks });
    } else if (body.response_url) {
      // A confirmation that reached the person through the response_url fallback: Slack sends
      // no copy of an ephemeral message with the click, so it is rebuilt from the change and
      // replaced through that response_url (Slack allows a few posts to one).
      const shared = target ? await deps.channels.isShared(client, target, 5_000) : false;
      await respond({
        replace_original: true,
        ...undoneOriginalMessage({
          originalUserId: change.slackUser,
          contact,
          changes: change.changes,
          undoerId: person.userId,
          at,
          shared,
        }),
      });
    }
  } catch (error) {
    // The undo's own confirmation says what it undid; the original just keeps its button.
    deps.logger.info({ slackError: slackErrorCode(error) }, 'marking the original undone failed');
  }
}
