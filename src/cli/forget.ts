import { CONTACT_ID_RULE, isValidContactId } from '../domain/contact';
import {
  bookLocation,
  type CliIo,
  describeLocation,
  EXIT,
  type OpenBook,
  openBookOrSay,
  runAsProcess,
  writeLine,
} from './common';

export const FORGET_HELP = `Usage: npm run forget -- <contact id>

Removes one contact from the contact book: its values, its search words, its roles
on partners (assignments), its history of changes, its link to a Slack member and the
proposals made from that member's Slack profile. Stuut is not called and keeps the
contact; the bot learns it again the next time it saves it.

The book is the one the bot uses: DATABASE_URL when set, else CONTACT_BOOK_PATH
(default data/contact-book.sqlite).

Exit status: 0 the contact was removed; 1 the book had no such contact; 2 nothing could
be done (bad arguments, book unavailable).`;

export interface ForgetOptions {
  openBook?: OpenBook;
}

export async function runForget(
  args: readonly string[],
  io: CliIo,
  options: ForgetOptions = {},
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    writeLine(io.stdout, FORGET_HELP);
    return EXIT.ok;
  }
  const id = args[0]?.trim() ?? '';
  if (args.length !== 1 || !isValidContactId(id)) {
    writeLine(io.stderr, `Give one contact id. ${CONTACT_ID_RULE} See --help.`);
    return EXIT.failed;
  }
  const location = bookLocation(io);
  if (!location) return EXIT.failed;

  const book = await openBookOrSay(location, io, options.openBook);
  if (!book) return EXIT.failed;
  try {
    const removed = await book.forget(id);
    const where = describeLocation(location);
    if (removed) {
      writeLine(io.stdout, `Removed contact ${id} from the contact book (${where}).`);
      return EXIT.ok;
    }
    writeLine(io.stdout, `The contact book (${where}) has no contact ${id}; nothing removed.`);
    return EXIT.partly;
  } finally {
    await book.close();
  }
}

if (require.main === module) runAsProcess(runForget);
