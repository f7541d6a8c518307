import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Book, BookEntry } from '../../../book/book';
import { type FindOutcome, findContact } from '../../../book/find';
import type { HistoryBook } from '../../../book/history';
import type { Config } from '../../../config';
import { decodeSlackText, type ParsedCommand, parseCommand } from '../../../domain/command';
import { displayName } from '../../../domain/contact';
import { normaliseField } from '../../../domain/form';
import { parseMemberMention } from '../../../domain/mention';
import { withDeadline } from '../../../inflight';
import type { Logger } from '../../../logger';
import { type EditorCheck, editorDeniedMessage } from '../../authorization';
import { slackErrorCode } from '../../delivery';
import { checkAllMembers, type DriftDeps } from '../../drift';
import type { MemberDirectory } from '../../members';
import type { SlackMessage } from '../../messages/confirmation';
import { driftProgressMessage } from '../../messages/drift';
import { memberLookupFailedMessage } from '../../messages/driftNotices';
import {
  bookUnavailableMessage,
  findResultsMessage,
  LIST_LIMIT,
  noMatchMessage,
  type Proposals,
  severalMatchesMessage,
} from '../../messages/find';
import { HISTORY_PAGE, historyMessage } from '../../messages/history';
import { linkingOffMessage, notLinkedMessage } from '../../messages/members';
import { commandProblemMessage, formUnavailableMessage, helpMessage } from '../../messages/notices';
import type { Origin } from '../../metadata';
import { addFormView, assignFormView } from '../../views/assignmentForms';
import {
  contactFormView,
  formForBookEntry,
  formForUnknownId,
  pickerLabel,
} from '../../views/contactForm';
import { rolesReply } from '../actions/assignments';

export interface ContactCommandDeps {
  config: Pick<Config, 'defaultPhoneCountry'>;
  /** Slack members linked to contacts: @mentions. */
  members: MemberDirectory;
  /** `/contact drift`. */
  drift: DriftDeps & { progressEveryMs: number };
  logger: Logger;
  editors: EditorCheck;
  book: Book;
  history: HistoryBook;
  /** How long a book lookup may take before finding counts as unavailable. */
  bookWithinMs: number;
}

/** What the command does after the checks: answer in the acknowledgement, or open a form. */
type Reply = { kind: 'message'; message: SlackMessage } | { kind: 'form'; view: ModalView };

/**
 * `/contact …`: help, a clear refusal, a list, or the form. Never a form for input known to be
 * wrong, nor for someone who may not edit. The editor check and the book lookup run together,
 * well inside the trigger's 3 seconds.
 */
export function makeContactCommand(deps: ContactCommandDeps) {
  const { config, logger, editors } = deps;
  return async ({
    command,
    ack,
    client,
    respond,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = parseCommand(command.text, config.defaultPhoneCountry);
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage() });
      return;
    }
    if (parsed.kind === 'invalid') {
      await ack({
        response_type: 'ephemeral',
        ...commandProblemMessage(parsed.problems, decodeSlackText(command.text)),
      });
      return;
    }
    const origin: Origin = { channelId: command.channel_id, responseUrl: command.response_url };
    if (parsed.kind === 'drift') {
      await driftCommand(deps, { command, ack, client });
      return;
    }
    const [decision, reply] = await Promise.all([
      editors.check({ userId: command.user_id, teamId: command.team_id }),
      // Resolving an @mention shares the book's budget, so the answer still beats Slack's 3 s.
      withDeadline(withMember(deps, client, parsed), deps.bookWithinMs).then((resolved) =>
        resolved === undefined
          ? { kind: 'message' as const, message: memberLookupFailedMessage() }
          : 'kind' in resolved && resolved.kind === 'message'
            ? resolved
            : replyTo(deps, resolved, origin),
      ),
    ]);
    if (!decision.allowed) {
      await ack({ response_type: 'ephemeral', ...editorDeniedMessage(decision, editors.editors) });
      return;
    }
    if (reply.kind === 'message') {
      await ack({ response_type: 'ephemeral', ...reply.message });
      return;
    }
    await ack();
    try {
      // The trigger id lives about 3 seconds: open before doing anything else.
      await client.views.open({ trigger_id: command.trigger_id, view: reply.view });
    } catch (error) {
      logger.warn({ slackError: slackErrorCode(error) }, 'views.open failed for /contact');
      await respond({ response_type: 'ephemeral', ...formUnavailableMessage() }).catch(() => {});
    }
  };
}

type Actionable = Exclude<ParsedCommand, { kind: 'help' | 'invalid' | 'drift' }>;

/**
 * An @mention as the query (Slack sends `<@U…|name>` when the command escapes its text): the
 * member's contact, through the link by email, stands in for it; or why there is none.
 */
async function withMember(
  deps: ContactCommandDeps,
  client: WebClient,
  parsed: Actionable,
): Promise<Actionable | { kind: 'message'; message: SlackMessage }> {
  const query = 'query' in parsed ? parsed.query : null;
  const userId = query === null ? null : parseMemberMention(query);
  if (userId === null) return parsed;
  if (!(await deps.members.linking(client)))
    return { kind: 'message', message: linkingOffMessage() };
  const found = await deps.members.contactOfMember(client, userId);
  if (found === null) return { kind: 'message', message: memberLookupFailedMessage() };
  if ('none' in found) {
    return {
      kind: 'message',
      message: notLinkedMessage({
        userId,
        memberName: found.displayName,
        email: found.email,
        canAdd: true,
      }),
    };
  }
  return { ...parsed, query: found.entry.id } as Actionable;
}

/** `/contact drift`: acknowledged at once; the check runs on, reporting through response_url. */
async function driftCommand(
  deps: ContactCommandDeps,
  args: Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'command' | 'ack' | 'client'>,
): Promise<void> {
  const { command, ack, client } = args;
  const decision = await deps.editors.check({ userId: command.user_id, teamId: command.team_id });
  if (!decision.allowed) {
    await ack({
      response_type: 'ephemeral',
      ...editorDeniedMessage(decision, deps.editors.editors),
    });
    return;
  }
  const linking = await withDeadline(deps.members.linking(client), deps.bookWithinMs);
  if (linking === undefined) {
    await ack({ response_type: 'ephemeral', ...memberLookupFailedMessage() });
    return;
  }
  if (!linking) {
    await ack({ response_type: 'ephemeral', ...linkingOffMessage() });
    return;
  }
  await ack({
    response_type: 'ephemeral',
    ...driftProgressMessage({ checked: 0, total: null, differing: 0 }),
  });
  await checkAllMembers(deps.drift, client, command.response_url).catch((error: unknown) => {
    deps.logger.error({ err: error }, '/contact drift failed');
  });
}

function replyTo(deps: ContactCommandDeps, parsed: Actionable, origin: Origin): Promise<Reply> {
  switch (parsed.kind) {
    case 'find':
      return listContacts(deps, parsed.query);
    case 'history':
      return historyReply(deps, parsed.query);
    case 'update':
      return updateReply(
        deps,
        parsed.query,
        { prefill: parsed.prefill, clear: parsed.clear },
        origin,
      );
    case 'add':
      return addReply(deps, parsed, origin);
    case 'assign':
      return assignReply(deps, parsed.query, origin);
    case 'roles':
      return rolesCommandReply(deps, parsed.query);
  }
}

/** `/contact add [email] …`: the add form; an email the book knows is said at once. */
async function addReply(
  deps: ContactCommandDeps,
  parsed: Extract<ParsedCommand, { kind: 'add' }>,
  origin: Origin,
): Promise<Reply> {
  const { email } = parsed;
  let known: BookEntry | null | undefined = null;
  if (email !== null) {
    try {
      known = await withDeadline(deps.book.findByEmail(email), deps.bookWithinMs);
    } catch (error) {
      // Save checks again; Stuut itself refuses a duplicate email.
      deps.logger.error({ err: error }, 'contact book failed: add opens without the check');
    }
  }
  return {
    kind: 'form',
    view: addFormView({
      metadata: { origin, knownContactId: known ? known.id : null },
      values: { ...parsed.prefill, ...(email !== null ? { email } : {}) },
      role: parsed.role,
      known: known ? { contactId: known.id, name: displayName(known.values) } : null,
    }),
  };
}

/** `/contact assign [query]`: the assign form, with the contact chosen when the query finds one. */
async function assignReply(
  deps: ContactCommandDeps,
  query: string | null,
  origin: Origin,
): Promise<Reply> {
  const form = (
    contact: BookEntry | null,
    email: string | null = null,
    emailNote: string | null = null,
  ): Reply => ({
    kind: 'form',
    view: assignFormView({
      metadata: { origin, grown: email !== null },
      contact: contact ? { id: contact.id, label: pickerLabel(contact.id, contact.values) } : null,
      email,
      partnerId: null,
      role: null,
      emailNote,
    }),
  });
  if (query === null) return form(null);
  const found = await find(deps, query);
  const email = normaliseField('email', query, deps.config.defaultPhoneCountry);
  switch (found.kind) {
    case 'one':
      return form(found.entry);
    case 'several':
      return {
        kind: 'message',
        message: severalMatchesMessage(query, found.matches, found.total, undefined, 'assign'),
      };
    case 'none':
    case 'unavailable':
      // Someone new: the form takes their email and grows the inputs for their details.
      if (email.ok) {
        return form(
          null,
          email.value,
          found.kind === 'none'
            ? 'Not in the contact book: Stuut finds them by this email, or creates them with the details below.'
            : 'The contact book is unavailable: if Stuut does not know this email, it creates the contact with the details below.',
        );
      }
      return {
        kind: 'message',
        message:
          found.kind === 'none'
            ? noMatchMessage(query, false, undefined, 'assign')
            : bookUnavailableMessage(query),
      };
  }
}

/** `/contact roles <query>`: the roles the book knows for one contact. */
async function rolesCommandReply(deps: ContactCommandDeps, query: string): Promise<Reply> {
  const found = await find(deps, query);
  switch (found.kind) {
    case 'one':
      return { kind: 'message', message: await rolesReply(deps, found.entry) };
    case 'several':
      return {
        kind: 'message',
        message: severalMatchesMessage(query, found.matches, found.total, undefined, 'roles'),
      };
    case 'none':
      return { kind: 'message', message: noMatchMessage(query, false, undefined, 'roles') };
    case 'unavailable':
      return { kind: 'message', message: bookUnavailableMessage(query) };
  }
}

/** `/contact find [query]`: the matches with their values, or the most recently changed. */
async function listContacts(deps: ContactCommandDeps, query: string | null): Promise<Reply> {
  if (query === null) {
    try {
      const recent = await withDeadline(deps.book.recent(LIST_LIMIT), deps.bookWithinMs);
      if (!recent) throw new Error(`no answer within ${deps.bookWithinMs} ms`);
      return { kind: 'message', message: findResultsMessage(null, recent, recent.length) };
    } catch (error) {
      deps.logger.error({ err: error }, 'contact book failed: listing is off for this request');
      return { kind: 'message', message: bookUnavailableMessage(null) };
    }
  }
  const found = await find(deps, query);
  switch (found.kind) {
    case 'one':
      return { kind: 'message', message: findResultsMessage(query, [found.entry], 1) };
    case 'several':
      return { kind: 'message', message: findResultsMessage(query, found.matches, found.total) };
    case 'none':
      return { kind: 'message', message: noMatchMessage(query, found.idShaped) };
    case 'unavailable':
      return { kind: 'message', message: bookUnavailableMessage(query) };
  }
}

/** `/contact update [query] [field=value …]`: the form, a list to choose from, or why not. */
async function updateReply(
  deps: ContactCommandDeps,
  query: string | null,
  proposals: Proposals,
  origin: Origin,
): Promise<Reply> {
  if (query === null) {
    return {
      kind: 'form',
      view: contactFormView({
        contactId: null,
        values: proposals.prefill,
        clear: [],
        baseline: null,
        origin,
        picker: true,
      }),
    };
  }
  const found = await find(deps, query);
  switch (found.kind) {
    case 'one':
      return {
        kind: 'form',
        view: formForBookEntry(found.entry, {
          origin,
          ...proposals,
          found: foundLine(found, query),
        }),
      };
    case 'several':
      return {
        kind: 'message',
        message: severalMatchesMessage(query, found.matches, found.total, proposals),
      };
    case 'none':
      return { kind: 'message', message: noMatchMessage(query, found.idShaped, proposals) };
    case 'unavailable':
      // Without the book an id still works: the form opens empty, as it did before the book.
      return found.idShaped
        ? {
            kind: 'form',
            view: formForUnknownId(query, {
              origin,
              ...proposals,
              notice:
                'The contact book is unavailable, so the form starts empty: an empty box keeps the value Stuut has.',
            }),
          }
        : { kind: 'message', message: bookUnavailableMessage(query) };
  }
}

/** `/contact history <query>`: found as update finds; one contact's latest changes. */
async function historyReply(deps: ContactCommandDeps, query: string): Promise<Reply> {
  const found = await find(deps, query);
  switch (found.kind) {
    case 'one':
      return { kind: 'message', message: await historyPage(deps, found.entry, null) };
    case 'several':
      return {
        kind: 'message',
        message: severalMatchesMessage(query, found.matches, found.total, undefined, 'history'),
      };
    case 'none':
      return { kind: 'message', message: noMatchMessage(query, false) };
    case 'unavailable':
      return { kind: 'message', message: bookUnavailableMessage(query) };
  }
}

/** One page of a contact's history; the book failing says so instead. */
export async function historyPage(
  deps: { history: HistoryBook; logger: Logger; bookWithinMs: number },
  entry: BookEntry,
  beforeId: number | null,
): Promise<SlackMessage> {
  try {
    const page = await withDeadline(
      deps.history.history(entry.id, { beforeId, limit: HISTORY_PAGE }),
      deps.bookWithinMs,
    );
    if (!page) throw new Error(`no answer within ${deps.bookWithinMs} ms`);
    return historyMessage({
      contactId: entry.id,
      name: displayName(entry.values),
      changes: page.changes,
      hasOlder: page.hasOlder,
      older: beforeId !== null,
    });
  } catch (error) {
    deps.logger.error({ err: error }, 'contact book failed: history is off for this request');
    return bookUnavailableMessage(null);
  }
}

function find(deps: ContactCommandDeps, query: string): Promise<FindOutcome> {
  return findContact(deps.book, query, {
    limit: LIST_LIMIT,
    withinMs: deps.bookWithinMs,
    logger: deps.logger,
  });
}

function foundLine(found: Extract<FindOutcome, { kind: 'one' }>, query: string): string {
  switch (found.by) {
    case 'id':
      return `Found by id ${found.entry.id} in the contact book.`;
    case 'email':
      return `Found by email ${found.entry.values.email} in the contact book.`;
    case 'name':
      return `The only contact in the book that matches "${query}".`;
  }
}
