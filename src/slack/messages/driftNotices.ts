import type { DriftProposal } from '../../book/book';
import { slackDate, userMention } from '../mrkdwn';
import type { SlackMessage } from './confirmation';

/** Apply or Dismiss on a proposal someone already decided: who, when, and that nothing happened. */
export function proposalDecidedMessage(proposal: DriftProposal): SlackMessage {
  const how = proposal.status === 'applied' ? 'applied' : 'dismissed';
  const who = proposal.decidedBy ? ` by ${userMention(proposal.decidedBy)}` : '';
  const when = proposal.decidedAt ? ` ${slackDate(proposal.decidedAt.toISOString())}` : '';
  const text =
    proposal.status === 'open'
      ? 'This proposal is still open.'
      : `This proposal was already ${how}${who}${when}. Nothing more was done.`;
  return {
    text,
    blocks: [{ type: 'section', block_id: 'decided', text: { type: 'mrkdwn', text } }],
  };
}

/** An @mention Slack could not resolve just now (a timeout, an error). */
export function memberLookupFailedMessage(): SlackMessage {
  const text =
    'Slack did not say who that member is just now. Try again in a moment, or use their name or email.';
  return {
    text,
    blocks: [{ type: 'section', block_id: 'member_lookup', text: { type: 'mrkdwn', text } }],
  };
}
