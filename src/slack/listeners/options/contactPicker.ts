import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { PlainTextOption } from '@slack/types';
import type { Book, BookEntry } from '../../../book/book';
import { isIdShaped } from '../../../book/find';
import { withDeadline } from '../../../inflight';
import type { Logger } from '../../../logger';
import { truncate } from '../../mrkdwn';
import { pickerLabel } from '../../views/contactForm';

/** Slack shows at most 100 options. */
export const MAX_OPTIONS = 100;

/**
 * The options for what a person has typed into the picker: the book's matches, best first,
 * and "Use id …" for an id-shaped text the book does not know, so such a contact stays
 * reachable. Pure: the listener does the I/O.
 */
export function pickerOptions(typed: string, matches: readonly BookEntry[]): PlainTextOption[] {
  const options: PlainTextOption[] = matches.slice(0, MAX_OPTIONS).map((entry) => ({
    text: { type: 'plain_text', text: pickerLabel(entry.id, entry.values), emoji: false },
    value: entry.id,
  }));
  const text = typed.trim();
  if (isIdShaped(text) && !matches.some((entry) => entry.id === text)) {
    const useId: PlainTextOption = {
      text: { type: 'plain_text', text: truncate(`Use id ${text}`, 75), emoji: false },
      value: text,
    };
    // It goes last, but must not be cut by the limit.
    if (options.length >= MAX_OPTIONS) options.pop();
    options.push(useId);
  }
  return options;
}

/** Answers the form's type-ahead (block_suggestion) from the book, within Slack's 3 seconds. */
export function makeContactPickerOptions(deps: {
  book: Book;
  logger: Logger;
  bookWithinMs: number;
}) {
  return async ({
    ack,
    options,
  }: SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs) => {
    const typed = options.value ?? '';
    let matches: BookEntry[] = [];
    if (typed.trim() !== '') {
      try {
        // The picker shows no total, so the search skips counting every match.
        const found = await withDeadline(
          deps.book.search(typed, MAX_OPTIONS, { countAll: false }),
          deps.bookWithinMs,
        );
        if (found) matches = found.matches;
        else
          deps.logger.error(
            { withinMs: deps.bookWithinMs },
            'contact book too slow for the picker',
          );
      } catch (error) {
        // Only the id stays usable while the book is down.
        deps.logger.error({ err: error }, 'contact book failed: the picker offers only ids');
      }
    }
    await ack({ options: pickerOptions(typed, matches) });
  };
}
