import type { Book } from '../src/book/book';
import type { Logger } from '../src/logger';
import { createChannelSharing } from '../src/slack/channels';
import { createMemberDirectory } from '../src/slack/members';

/**
 * The real member directory and drift wiring for listener tests that do not exercise them:
 * the listener gets the real parts, so an @mention in generated text takes the real path
 * (with the test's client, usually "linking off").
 */
export function memberDeps(book: Book, logger: Logger) {
  const now = () => new Date();
  const members = createMemberDirectory({ book, logger, now, withinMs: 1_000 });
  return {
    members,
    drift: {
      book,
      logger,
      now,
      channels: createChannelSharing({ logger }),
      members,
      driftChannel: null,
      defaultPhoneCountry: 'US' as const,
      progressEveryMs: 0,
    },
  };
}
