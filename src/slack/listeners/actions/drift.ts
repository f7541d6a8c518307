import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { ContactField } from '../../../domain/contact';
import { phoneForPeople } from '../../../domain/phone';
import { withDeadline } from '../../../inflight';
import type { EditorCheck } from '../../authorization';
import { slackErrorCode, tellPerson } from '../../delivery';
import { type DriftDeps, openProposalsPage, showDecision } from '../../drift';
import { proposalDecidedMessage } from '../../messages/driftNotices';
import { bookUnavailableMessage } from '../../messages/find';
import { formUnavailableMessage, staleButtonMessage } from '../../messages/notices';
import { addFormView } from '../../views/assignmentForms';
import { formForBookEntry } from '../../views/contactForm';
import { allowedToAct, originOfAction } from '../common';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export interface DriftActionDeps extends DriftDeps {
  editors: EditorCheck;
  bookWithinMs: number;
}

function proposalIdOf(args: ButtonArgs): number | null {
  const id = Number(args.action.value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Apply: the update form with the Slack values, for a person to review and save. */
export function makeApplyDrift(deps: DriftActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    const { body, client } = args;
    const person = { userId: body.user.id, origin: originOfAction(body) };
    if (!(await allowedToAct(deps, args.body, args.client))) return;
    const id = proposalIdOf(args);
    const tell = (message: Parameters<typeof tellPerson>[3]) =>
      tellPerson(client, deps.logger, person, message);
    let found: Awaited<ReturnType<typeof lookup>> | undefined;
    try {
      found = id === null ? null : await withDeadline(lookup(deps, id), deps.bookWithinMs);
    } catch (error) {
      deps.logger.error({ err: error }, 'contact book failed: Apply is off for this request');
      found = undefined;
    }
    if (found === undefined) {
      await tell(bookUnavailableMessage(null));
      return;
    }
    if (found === null) {
      await tell(staleButtonMessage());
      return;
    }
    const { proposal, entry } = found;
    if (proposal.status !== 'open') {
      await tell(proposalDecidedMessage(proposal));
      return;
    }
    const prefill: Partial<Record<ContactField, string>> = {};
    for (const difference of proposal.differences) {
      prefill[difference.field] =
        difference.field === 'phone' ? phoneForPeople(difference.slack) : difference.slack;
    }
    const view = formForBookEntry(entry, {
      origin: person.origin,
      prefill,
      source: 'drift',
      proposalId: proposal.id,
    });
    try {
      await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      deps.logger.warn({ slackError: slackErrorCode(error) }, 'views.open failed for Apply');
      await tell(formUnavailableMessage());
    }
  };
}

async function lookup(deps: DriftActionDeps, id: number) {
  const proposal = await deps.book.getProposal(id);
  if (!proposal) return null;
  const entry = await deps.book.get(proposal.contactId);
  return entry ? { proposal, entry } : null;
}

/** Dismiss: once, by an editor; the proposal's message says who dismissed it. */
export function makeDismissDrift(deps: DriftActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    const { body, client } = args;
    const person = { userId: body.user.id, origin: originOfAction(body) };
    if (!(await allowedToAct(deps, args.body, args.client))) return;
    const id = proposalIdOf(args);
    if (id === null) {
      await tellPerson(client, deps.logger, person, staleButtonMessage());
      return;
    }
    const at = deps.now();
    let decided: boolean;
    try {
      decided = await deps.book.decideProposal(id, 'dismissed', body.user.id, at);
    } catch (error) {
      deps.logger.error({ err: error }, 'contact book failed: Dismiss is off for this request');
      await tellPerson(client, deps.logger, person, bookUnavailableMessage(null));
      return;
    }
    if (!decided) {
      const proposal = await deps.book.getProposal(id).catch(() => null);
      await tellPerson(
        client,
        deps.logger,
        person,
        proposal ? proposalDecidedMessage(proposal) : staleButtonMessage(),
      );
      return;
    }
    deps.logger.info(
      { audit: 'drift_dismissed', proposal: id, slackUser: body.user.id },
      'drift proposal dismissed',
    );
    await showDecision(deps, client, id, { status: 'dismissed', by: body.user.id, at });
  };
}

/** More under a page of `/contact drift`: the next page, in place. */
export function makeMoreDrift(deps: DriftActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    if (!(await allowedToAct(deps, args.body, args.client))) return;
    const afterId = Number(args.action.value);
    let message: Awaited<ReturnType<typeof openProposalsPage>>;
    try {
      message = await openProposalsPage(deps, Number.isSafeInteger(afterId) ? afterId : 0, null);
    } catch (error) {
      deps.logger.error({ err: error }, 'contact book failed: drift list is off for this request');
      message = bookUnavailableMessage(null);
    }
    await args
      .respond({ response_type: 'ephemeral', replace_original: true, ...message })
      .catch(() => {});
  };
}

/** "Add them to Stuut" for a member no contact is linked to: the add form from their profile. */
export function makeAddMember(deps: DriftActionDeps) {
  return async (args: ButtonArgs) => {
    await args.ack();
    const { body, client } = args;
    if (!(await allowedToAct(deps, args.body, args.client))) return;
    const userId = args.action.value ?? '';
    const profile = /^[UW][A-Z0-9]{2,}$/.test(userId)
      ? await deps.members.profileOf(client, userId)
      : null;
    const values: Partial<Record<ContactField, string>> = {};
    if (profile?.email) values.email = profile.email;
    if (profile?.firstName) values.given_name = profile.firstName;
    if (profile?.lastName) values.family_name = profile.lastName;
    if (profile?.realName && !profile.firstName && !profile.lastName)
      values.name = profile.realName;
    if (profile?.title) values.job_title = profile.title;
    if (profile?.phone) values.phone = profile.phone;
    const view = addFormView({
      metadata: { origin: originOfAction(body), knownContactId: null },
      values,
      role: null,
      known: null,
      ...(profile
        ? {}
        : { notice: "Slack did not share this member's profile, so the form starts empty." }),
    });
    try {
      await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      deps.logger.warn({ slackError: slackErrorCode(error) }, 'views.open failed for Add');
      await tellPerson(
        client,
        deps.logger,
        { userId: body.user.id, origin: originOfAction(body) },
        formUnavailableMessage(),
      );
    }
  };
}
