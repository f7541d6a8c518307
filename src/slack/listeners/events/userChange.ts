import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { slackErrorCode } from '../../delivery';
import { type DriftDeps, proposeFromProfile } from '../../drift';
import { asSlackUser } from '../../members';

/**
 * `user_change`: a member's profile changed. Bolt acknowledges the event at once; a drift
 * proposal follows when the member is linked and their title or phone now differs from Stuut.
 * A failure costs that proposal only, and is logged.
 */
export function makeUserChange(deps: DriftDeps) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'user_change'> & AllMiddlewareArgs) => {
    const user = asSlackUser(event.user);
    if (!user) return;
    try {
      const outcome = await proposeFromProfile(deps, client, user);
      deps.logger.debug({ slackUser: user.id, outcome }, 'user_change handled');
    } catch (error) {
      deps.logger.warn(
        { err: error, slackUser: user.id, slackError: slackErrorCode(error) },
        'drift proposal failed for a user_change',
      );
    }
  };
}
