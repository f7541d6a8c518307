import type { BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { ChangeRecord } from '../../../book/history';
import { type Assignment, isRole } from '../../../domain/assignment';
import { BotFailureError } from '../../../errors';
import { StuutError, surelyNotApplied } from '../../../stuut/errors';
import { slackErrorCode } from '../../delivery';
import { roleUndoneMessage } from '../../messages/assignments';
import type { SlackMessage } from '../../messages/confirmation';
import { bookUnavailableMessage } from '../../messages/find';
import { roleUndoRefusedMessage } from '../../messages/roleUndo';
import { markUndone, undoFailedMessage, undoRefusedMessage } from '../../messages/undo';
import type { UndoDeps } from './undo';

export interface RoleUndoRequest {
  body: BlockAction<ButtonAction>;
  client: WebClient;
  respond: RespondFn;
  userId: string;
  tell: (message: SlackMessage) => Promise<unknown>;
}

/**
 * Undo of a role change: the old role back, exactly once. Like an update's undo it claims the
 * change (a lease) and the assignment's role (compare-and-set on the role it set), so that a
 * role change saved meanwhile is never silently overwritten.
 */
export async function undoRoleChange(
  deps: UndoDeps,
  request: RoleUndoRequest,
  change: ChangeRecord & { assignment: NonNullable<ChangeRecord['assignment']> },
): Promise<void> {
  const { tell } = request;
  const { assignment } = change;
  const now = deps.now();
  if (change.undoneBy !== null) {
    await tell(undoRefusedMessage({ refusal: { kind: 'undone' }, contactId: change.contactId }));
    return;
  }
  if (now.getTime() - change.at.getTime() > deps.undoMinutes * 60_000) {
    await tell(
      undoRefusedMessage({
        refusal: { kind: 'expired', minutes: deps.undoMinutes },
        contactId: change.contactId,
      }),
    );
    return;
  }
  const { partnerId, roleBefore, roleAfter, assignmentId } = assignment;
  if (roleBefore === null || !isRole(roleBefore)) {
    await tell(
      undoRefusedMessage({ refusal: { kind: 'before_unknown' }, contactId: change.contactId }),
    );
    return;
  }
  if (partnerId === null) {
    await tell(roleUndoRefusedMessage({ reason: 'no_partner' }));
    return;
  }
  const until = new Date(now.getTime() + deps.saveBudgetMs);
  const claim = await deps.history.claimUndo(change.id, until, now).catch((error: unknown) => {
    deps.logger.error({ err: error }, 'contact book failed to claim an undo');
    return null;
  });
  if (claim?.kind !== 'claimed') {
    await tell(
      !claim
        ? bookUnavailableMessage(null)
        : claim.kind === 'missing'
          ? undoRefusedMessage({
              refusal: { kind: 'missing', historyDays: deps.historyDays },
              contactId: change.contactId,
            })
          : undoRefusedMessage({
              refusal: claim.kind === 'undone' ? { kind: 'undone' } : { kind: 'busy' },
              contactId: change.contactId,
            }),
    );
    return;
  }
  const roleClaim = await deps.book
    .claimAssignment(assignmentId, roleAfter, until, now, `undo:${change.id}`)
    .catch(() => null);
  if (roleClaim && roleClaim.kind !== 'claimed' && roleClaim.kind !== 'missing') {
    await deps.history.releaseUndo(change.id).catch(() => {});
    await tell(
      roleClaim.kind === 'busy'
        ? undoRefusedMessage({ refusal: { kind: 'saving' }, contactId: change.contactId })
        : roleUndoRefusedMessage({ reason: 'changed_since', current: roleClaim.current }),
    );
    return;
  }

  let restored: Assignment;
  try {
    restored = await deps.stuut.changeAssignmentRole(partnerId, assignmentId, roleBefore);
  } catch (error) {
    const definite = surelyNotApplied(error);
    if (definite) {
      await deps.history.releaseUndo(change.id).catch(() => {});
      await deps.book.releaseAssignment(assignmentId).catch(() => {});
    }
    if (error instanceof StuutError) {
      deps.logger.warn({ assignmentId, error: error.name }, 'role undo failed');
    } else deps.logger.error({ err: error }, 'role undo failed: a bug in the bot');
    const reason =
      error instanceof StuutError ? error.userMessage : new BotFailureError(error).userMessage;
    await tell(undoFailedMessage(reason, definite));
    return;
  }
  const slackTeam = request.body.team?.id ?? request.body.user.team_id ?? null;
  deps.logger.info(
    {
      audit: 'role_change_undone',
      contactId: change.contactId,
      assignmentId,
      partnerId,
      role: restored.internal_role,
      undoes: change.id,
      slackUser: request.userId,
      slackTeam,
    },
    'role change undone',
  );
  try {
    await deps.book.learnAssignment(restored, deps.now(), {
      slackUser: request.userId,
      slackTeam,
      source: 'undo',
      changes: [],
      modifiedAt: restored.modified_at,
      undoes: change.id,
    });
  } catch (error) {
    deps.logger.error({ err: error }, 'contact book failed to record an undo; Stuut has it');
  }
  await announceRoleUndo(deps, request, change, restored, roleAfter);
}

async function announceRoleUndo(
  deps: UndoDeps,
  request: RoleUndoRequest,
  change: ChangeRecord,
  restored: Assignment,
  undoneRole: string,
): Promise<void> {
  const { body, client } = request;
  const model = {
    assignment: restored,
    restoredRole: restored.internal_role,
    undoneRole,
    userId: request.userId,
    originalUserId: change.slackUser,
  };
  const message = roleUndoneMessage(model);
  const target = deps.contactUpdatesChannel ?? body.channel?.id ?? null;
  if (target) {
    // A channel shared with another organisation gets no contact values (a name may be an email).
    const shared = await deps.channels.isShared(client, target, 5_000);
    try {
      await client.chat.postMessage({
        channel: target,
        ...roleUndoneMessage({ ...model, shared }),
      });
    } catch (error) {
      deps.logger.warn({ slackError: slackErrorCode(error) }, 'undo confirmation post failed');
      await request.tell(message);
    }
  } else {
    await request.tell(message);
  }
  const original = body.message;
  if (!original || !body.channel?.id || body.container?.is_ephemeral) return;
  try {
    const blocks = markUndone((original.blocks ?? []) as KnownBlock[], request.userId, deps.now());
    const text = typeof original.text === 'string' ? original.text : 'A role change, since undone.';
    await client.chat.update({ channel: body.channel.id, ts: original.ts, text, blocks });
  } catch (error) {
    deps.logger.info({ slackError: slackErrorCode(error) }, 'marking the original undone failed');
  }
}
