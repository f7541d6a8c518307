import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { Book } from '../../../book/book';
import type { HistoryBook } from '../../../book/history';
import { withDeadline } from '../../../inflight';
import type { Logger } from '../../../logger';
import { type EditorCheck, editorDeniedMessage } from '../../authorization';
import { tellPerson } from '../../delivery';
import { bookUnavailableMessage } from '../../messages/find';
import { staleButtonMessage } from '../../messages/notices';
import { decodeHistoryButton } from '../../metadata';
import { historyPage } from '../commands/contact';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export interface HistoryButtonDeps {
  book: Book;
  history: HistoryBook;
  logger: Logger;
  editors: EditorCheck;
  bookWithinMs: number;
}

/**
 * History on a search result, and Older under a page: the page replaces the ephemeral
 * message it was clicked in (through its response_url), so paging does not pile up messages.
 */
export function makeHistoryButton(deps: HistoryButtonDeps, replace: boolean) {
  return async ({ ack, body, action, client, respond }: ButtonArgs) => {
    await ack();
    const origin = { channelId: body.channel?.id ?? null, responseUrl: body.response_url ?? null };
    const person = { userId: body.user.id, origin };
    const decision = await deps.editors.check({ userId: body.user.id, teamId: body.user.team_id });
    if (!decision.allowed) {
      await tellPerson(
        client,
        deps.logger,
        person,
        editorDeniedMessage(decision, deps.editors.editors),
      );
      return;
    }
    const wanted = decodeHistoryButton(action.value ?? '');
    if (!wanted) {
      await tellPerson(client, deps.logger, person, staleButtonMessage());
      return;
    }
    let entry: Awaited<ReturnType<Book['get']>> | undefined;
    try {
      entry = await withDeadline(deps.book.get(wanted.contactId), deps.bookWithinMs);
    } catch (error) {
      deps.logger.error({ err: error }, 'contact book failed: history is off for this request');
    }
    const message = entry
      ? await historyPage(deps, entry, wanted.beforeId)
      : entry === null
        ? staleButtonMessage()
        : bookUnavailableMessage(null);
    await respond({
      response_type: 'ephemeral',
      replace_original: replace,
      ...message,
    }).catch(async () => {
      await tellPerson(client, deps.logger, person, message);
    });
  };
}
