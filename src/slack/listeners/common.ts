import type { BlockAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { withDeadline } from '../../inflight';
import type { Logger } from '../../logger';
import { type EditorCheck, editorDeniedMessage } from '../authorization';
import { tellPerson } from '../delivery';
import type { Origin } from '../metadata';

/** Small steps several listeners take the same way. */

/** Where a button was pressed, so that an answer can reach the person there. */
export function originOfAction(body: BlockAction): Origin {
  return { channelId: body.channel?.id ?? null, responseUrl: body.response_url ?? null };
}

/**
 * A book lookup while someone waits: undefined when the book failed or was too slow (logged as
 * an error, for whoever runs the bot), so that the caller degrades one feature and goes on.
 */
export async function bookLookup<T>(
  deps: { logger: Logger; bookWithinMs: number },
  work: () => Promise<T>,
  what: string,
): Promise<T | undefined> {
  try {
    const found = await withDeadline(work(), deps.bookWithinMs);
    if (found === undefined)
      deps.logger.error({ withinMs: deps.bookWithinMs }, `contact book too slow: ${what}`);
    return found;
  } catch (error) {
    deps.logger.error({ err: error }, `contact book failed: ${what}`);
    return undefined;
  }
}

/** Buttons that change or open something are for editors only; anyone else is told why. */
export async function allowedToAct(
  deps: { logger: Logger; editors: EditorCheck },
  body: BlockAction,
  client: WebClient,
): Promise<boolean> {
  const decision = await deps.editors.check({ userId: body.user.id, teamId: body.user.team_id });
  if (decision.allowed) return true;
  const person = { userId: body.user.id, origin: originOfAction(body) };
  await tellPerson(
    client,
    deps.logger,
    person,
    editorDeniedMessage(decision, deps.editors.editors),
  );
  return false;
}
