import type { WebClient } from '@slack/web-api';
import type { CountryCode } from 'libphonenumber-js/max';
import type { Book, DriftProposal, ProposalOpening } from '../book/book';
import { displayName } from '../domain/contact';
import { driftFingerprint, profileDifferences } from '../domain/drift';
import type { Logger } from '../logger';
import type { ChannelSharing } from './channels';
import { postToResponseUrl, slackErrorCode } from './delivery';
import {
  isPerson,
  type MemberDirectory,
  MemberListError,
  memberDisplayName,
  type SlackUser,
} from './members';
import type { SlackMessage } from './messages/confirmation';
import {
  DRIFT_LIST_LIMIT,
  type DriftDecision,
  digestMessage,
  driftListMessage,
  driftProgressMessage,
  proposalMessage,
} from './messages/drift';
import { bookUnavailableMessage } from './messages/find';

/**
 * Drift proposals: a linked member's Slack profile says another job title or phone than the
 * book has from Stuut. A person reviews each (Apply opens the form), so Slack never writes to
 * Stuut by itself. What must hold across instances (one open proposal per contact, 10 posts an
 * hour, one digest) is decided by conditional writes in the book.
 */

export interface DriftDeps {
  book: Book;
  logger: Logger;
  now: () => Date;
  channels: ChannelSharing;
  members: MemberDirectory;
  /** CONTACT_UPDATES_CHANNEL: where proposals go; null turns them off (an event has no channel). */
  driftChannel: string | null;
  defaultPhoneCountry: CountryCode;
}

/** Proposals posted as messages of their own per hour; the rest go into the hour's digest. */
export const PROPOSALS_PER_HOUR = 10;

const HOUR_MS = 60 * 60_000;

/** The longest a proposal waits to learn whether its channel is shared (then: it is). */
const CHANNEL_LOOKUP_MAX_MS = 5_000;

export function hourStart(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

export type DriftOutcome =
  | 'off'
  | 'unlinked'
  | 'no_difference'
  | 'same'
  | 'posted'
  | 'digest'
  | 'updated';

/** A `user_change` event: propose what the member's profile says differently from Stuut. */
export async function proposeFromProfile(
  deps: DriftDeps,
  client: WebClient,
  user: SlackUser,
): Promise<DriftOutcome> {
  if (deps.driftChannel === null || !isPerson(user)) return 'off';
  if (!(await deps.members.linking(client))) return 'off';
  const entry = await deps.members.relinkMember(user);
  if (!entry) return 'unlinked';
  const differences = profileDifferences(user.profile, entry.values, deps.defaultPhoneCountry);
  if (differences.length === 0) return 'no_difference';
  const opening = await deps.book.openProposal({
    contactId: entry.id,
    slackUserId: user.id,
    differences,
    fingerprint: driftFingerprint(differences),
    at: deps.now(),
  });
  return show(deps, client, opening, displayName(entry.values), memberDisplayName(user));
}

async function show(
  deps: DriftDeps,
  client: WebClient,
  opening: ProposalOpening,
  contactName: string,
  memberName: string,
): Promise<DriftOutcome> {
  const channel = deps.driftChannel;
  if (channel === null) return 'off';
  const { proposal } = opening;
  // Shown nowhere yet (found by /contact drift, or an earlier post failed): it is posted now.
  const unshown = proposal.status === 'open' && proposal.posted === 'none';
  if (opening.kind === 'same' && !unshown) return 'same';
  if (opening.kind === 'replaced' && proposal.posted === 'message') {
    // No ts yet: another event is posting it right now, and updates it once posted.
    if (proposal.messageTs)
      await updateProposalMessage(deps, client, proposal, contactName, memberName);
    return 'updated';
  }
  if (opening.kind === 'replaced' && proposal.posted === 'digest') {
    await refreshDigest(deps, client, proposal.digestWindow ?? hourStart(deps.now()));
    return 'updated';
  }
  // One poster, decided in the book: two events at the same moment do not both post.
  if (!(await deps.book.claimProposalPost(proposal.id, channel))) return 'same';
  const window = hourStart(deps.now());
  if (!(await deps.book.takeProposalSlot(window, PROPOSALS_PER_HOUR))) {
    await deps.book.setProposalPost(proposal.id, 'digest', channel, null, window);
    await refreshDigest(deps, client, window);
    return 'digest';
  }
  let ts: string | undefined;
  try {
    const shared = await deps.channels.isShared(client, channel, CHANNEL_LOOKUP_MAX_MS);
    const posted = await client.chat.postMessage({
      channel,
      ...proposalMessage({ proposal, contactName, memberName, shared }),
    });
    ts = posted.ts;
  } finally {
    // A failed post leaves it unshown, so that the next profile change posts it.
    await deps.book.setProposalPost(
      proposal.id,
      ts ? 'message' : 'none',
      ts ? channel : null,
      ts ?? null,
    );
  }
  deps.logger.info(
    { proposal: proposal.id, contactId: proposal.contactId },
    'drift proposal posted',
  );
  // A newer difference that arrived while posting replaced it in the book: show that one.
  const now = await deps.book.getProposal(proposal.id);
  if (now && now.fingerprint !== proposal.fingerprint && now.messageTs) {
    await updateProposalMessage(deps, client, now, contactName, memberName);
  }
  return 'posted';
}

async function updateProposalMessage(
  deps: DriftDeps,
  client: WebClient,
  proposal: DriftProposal,
  contactName: string,
  memberName: string,
): Promise<void> {
  const channel = proposal.channel ?? deps.driftChannel;
  if (!channel || !proposal.messageTs) return;
  const shared = await deps.channels.isShared(client, channel, CHANNEL_LOOKUP_MAX_MS);
  await client.chat.update({
    channel,
    ts: proposal.messageTs,
    ...proposalMessage({ proposal, contactName, memberName, shared }),
  });
}

/** Names for proposals: the book's contact names (the id when it no longer knows one). */
async function named(
  deps: DriftDeps,
  proposals: readonly DriftProposal[],
): Promise<{ proposal: DriftProposal; contactName: string }[]> {
  return Promise.all(
    proposals.map(async (proposal) => {
      const entry = await deps.book.get(proposal.contactId).catch(() => null);
      return { proposal, contactName: entry ? displayName(entry.values) : proposal.contactId };
    }),
  );
}

/** The hour's digest: posted by the first instance that needs it, then updated as it grows. */
export async function refreshDigest(
  deps: DriftDeps,
  client: WebClient,
  window: Date,
): Promise<void> {
  const channel = deps.driftChannel;
  if (channel === null) return;
  const claim = await deps.book.claimDigest(window);
  const entries = await named(deps, await deps.book.digestProposals(window));
  const target = claim.channel ?? channel;
  const shared = await deps.channels.isShared(client, target, CHANNEL_LOOKUP_MAX_MS);
  const message = digestMessage({ entries, shared, max: PROPOSALS_PER_HOUR });
  if (claim.claimed) {
    let ts: string | undefined;
    try {
      ts = (await client.chat.postMessage({ channel, ...message })).ts;
    } finally {
      // Posted: where it is. Not posted: the claim goes, so the next proposal posts it.
      if (ts) await deps.book.saveDigest(window, channel, ts);
      else await deps.book.releaseDigest(window);
    }
  } else if (claim.messageTs) {
    await client.chat.update({ channel: target, ts: claim.messageTs, ...message });
  }
  // Otherwise the claimer is posting it at this moment, from what the book holds then.
}

/** After Apply's save or Dismiss: the proposal's message (or the digest) shows the decision. */
export async function showDecision(
  deps: DriftDeps,
  client: WebClient,
  proposalId: number,
  decided: DriftDecision,
): Promise<void> {
  try {
    const proposal = await deps.book.getProposal(proposalId);
    if (!proposal || proposal.channel === null) return;
    if (proposal.posted === 'digest') {
      await refreshDigest(deps, client, proposal.digestWindow ?? hourStart(proposal.createdAt));
      return;
    }
    if (proposal.posted !== 'message' || !proposal.messageTs) return;
    const [entry, link] = await Promise.all([
      deps.book.get(proposal.contactId),
      deps.book.linkOf(proposal.contactId),
    ]);
    const shared = await deps.channels.isShared(client, proposal.channel, CHANNEL_LOOKUP_MAX_MS);
    await client.chat.update({
      channel: proposal.channel,
      ts: proposal.messageTs,
      ...proposalMessage({
        proposal,
        contactName: entry ? displayName(entry.values) : proposal.contactId,
        memberName: link?.displayName ?? '',
        shared,
        decided,
      }),
    });
  } catch (error) {
    deps.logger.warn(
      { proposal: proposalId, slackError: slackErrorCode(error) },
      'drift proposal message not updated',
    );
  }
}

/** A save from Apply went through: the proposal is applied, once, and says so. */
export async function markApplied(
  deps: DriftDeps,
  client: WebClient,
  proposalId: number,
  slackUser: string,
): Promise<void> {
  const at = deps.now();
  const decided = await deps.book
    .decideProposal(proposalId, 'applied', slackUser, at)
    .catch((error: unknown) => {
      deps.logger.error({ err: error }, 'contact book failed to mark a drift proposal applied');
      return false;
    });
  if (decided)
    await showDecision(deps, client, proposalId, { status: 'applied', by: slackUser, at });
}

/** How `/contact drift` reports progress: at most this many updates of its one answer. */
export const MAX_PROGRESS_UPDATES = 4;

/**
 * `/contact drift`: every member now, page by page within Slack's rate limits, each linked
 * one compared; progress through the command's response_url (Slack takes 5 posts there: at
 * most 4 progress updates, then the list), the list of open proposals at the end.
 */
export async function checkAllMembers(
  deps: DriftDeps & { progressEveryMs: number },
  client: WebClient,
  responseUrl: string,
): Promise<void> {
  let checked = 0;
  let linked = 0;
  let differing = 0;
  let updates = 0;
  let lastUpdate = Date.now();
  let failed = 0;
  let stopped: MemberListError | null = null;
  const replace = (message: SlackMessage) =>
    postToResponseUrl(responseUrl, message, { replace: true });
  try {
    await deps.members.listMembers(client, async (page) => {
      for (const user of page) {
        checked++;
        const entry = await deps.members.relinkMember(user);
        if (!entry) continue;
        linked++;
        const differences = profileDifferences(
          user.profile,
          entry.values,
          deps.defaultPhoneCountry,
        );
        if (differences.length === 0) continue;
        differing++;
        // A book failure costs this member's proposal, not the whole check. Found this way, a
        // difference is listed to this person only; the channel gets it on a profile change.
        await deps.book
          .openProposal({
            contactId: entry.id,
            slackUserId: user.id,
            differences,
            fingerprint: driftFingerprint(differences),
            at: deps.now(),
          })
          .catch((error: unknown) => {
            failed++;
            deps.logger.error({ err: error }, '/contact drift: a proposal could not be stored');
          });
      }
      if (updates < MAX_PROGRESS_UPDATES && Date.now() - lastUpdate >= deps.progressEveryMs) {
        updates++;
        lastUpdate = Date.now();
        await replace(driftProgressMessage({ checked, total: null, differing })).catch(() => {});
      }
    });
  } catch (error) {
    // Whatever stopped the check, the person still gets what was found so far.
    stopped =
      error instanceof MemberListError
        ? error
        : new MemberListError('the check failed', {
            slackError: slackErrorCode(error),
            pages: 0,
            members: checked,
            waitedMs: 0,
          });
    deps.logger.warn(
      { err: error, slackError: stopped.slackError, pages: stopped.pages },
      '/contact drift stopped early',
    );
  }
  let list: SlackMessage;
  try {
    list = await openProposalsPage(deps, 0, { checked, linked });
  } catch (error) {
    deps.logger.error({ err: error }, '/contact drift: the contact book failed at the end');
    list = bookUnavailableMessage(null);
  }
  if (failed > 0) {
    list.blocks.push({
      type: 'context',
      block_id: 'failed',
      elements: [
        {
          type: 'mrkdwn',
          text: `:warning: ${failed} difference${failed === 1 ? '' : 's'} could not be kept in the contact book, so ${failed === 1 ? 'it is' : 'they are'} not listed. Run /contact drift again later.`,
        },
      ],
    });
  }
  if (stopped) {
    list.blocks.push({
      type: 'context',
      block_id: 'stopped',
      elements: [
        {
          type: 'mrkdwn',
          text: `:warning: Stopped after ${checked} members: Slack ${stopped.slackError === 'ratelimited' ? 'kept asking the bot to slow down' : `answered ${stopped.slackError}`}. Run /contact drift again later to check the rest.`,
        },
      ],
    });
  }
  await replace(list).catch((error: unknown) => {
    deps.logger.info(
      { reason: slackErrorCode(error) },
      '/contact drift: the answer could not be delivered',
    );
  });
}

/** One page of open proposals, after `afterId`. */
export async function openProposalsPage(
  deps: DriftDeps,
  afterId: number,
  /** The check's counts on its own answer; null on pages after More. */
  counts: { checked: number; linked: number } | null,
): Promise<SlackMessage> {
  const page = await deps.book.openProposals({ afterId, limit: DRIFT_LIST_LIMIT + 1 });
  const listed = page.slice(0, DRIFT_LIST_LIMIT);
  return driftListMessage({
    entries: await named(deps, listed),
    checked: counts?.checked ?? null,
    linked: counts?.linked ?? null,
    hasMore: page.length > DRIFT_LIST_LIMIT,
    lastId: listed.at(-1)?.id ?? null,
  });
}
