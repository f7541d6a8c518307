import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from '@slack/bolt';
import type { Book, BookEntry } from '../../../book/book';
import { isIdShaped } from '../../../book/find';
import { withDeadline } from '../../../inflight';
import type { Logger } from '../../../logger';
import { slackErrorCode } from '../../delivery';
import { decodeFormMetadata } from '../../metadata';
import { formForBookEntry, formForUnknownId } from '../../views/contactForm';

type PickArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/**
 * A contact chosen in the form's picker: the form refills with that contact's known values.
 * Its inputs take a new generation of block ids, or Slack would keep what was typed before
 * and ignore the new values.
 */
export function makePickContact(deps: { book: Book; logger: Logger; bookWithinMs: number }) {
  return async ({ ack, body, action, client }: PickArgs) => {
    await ack();
    const view = body.view;
    const contactId = action.selected_option?.value;
    const metadata = view ? decodeFormMetadata(view.private_metadata) : null;
    if (!view || !metadata || !contactId || !isIdShaped(contactId)) return;
    let entry: BookEntry | null | undefined = null;
    try {
      entry = await withDeadline(deps.book.get(contactId), deps.bookWithinMs);
      if (entry === undefined) {
        deps.logger.error(
          { withinMs: deps.bookWithinMs },
          'contact book too slow: the form refills empty',
        );
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'contact book failed: the form refills empty');
    }
    const options = { origin: metadata.origin, picker: true, generation: metadata.generation + 1 };
    const refilled = entry
      ? formForBookEntry(entry, options)
      : formForUnknownId(contactId, options);
    try {
      // The hash makes Slack refuse this update if the view changed meanwhile (a later pick).
      await client.views.update({ view_id: view.id, hash: view.hash, view: refilled });
    } catch (error) {
      deps.logger.info({ slackError: slackErrorCode(error) }, 'views.update after a pick failed');
    }
  };
}
