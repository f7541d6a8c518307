import type { Button, KnownBlock } from '@slack/types';
import type { DriftDifference, DriftProposal } from '../../book/book';
import { phoneForPeople } from '../../domain/phone';
import { ACTION_ID } from '../ids';
import { escapeToFit, fitMrkdwn, slackDate, userMention } from '../mrkdwn';
import type { SlackMessage } from './confirmation';
import { sharedDisplayName } from './contactText';

/**
 * The messages of drift proposals: a linked member's Slack profile differs from what Stuut has.
 * The contact and the member are named in plain text, never mentioned: a `<@U…>` in a channel
 * post would notify the member. Only the person who applied or dismissed is mentioned. In a
 * channel shared with another organisation no phone number appears (job titles may), and a name
 * that looks like an email or a number is left out. Every name and value is escaped.
 */

/**
 * The proposals the hour's digest lists by name; more are counted in a line under them. Each open
 * one takes two blocks (its section and its buttons): with the heading, the note on the buttons
 * and one entry past the limit listed instead of "and 1 more", that is 2 + 2 × 24 = 50 blocks.
 */
export const DIGEST_LIMIT = 23;

/** The proposals one page of `/contact drift` lists; the rest are behind More. */
export const DRIFT_LIST_LIMIT = 40;

/** A proposal's decision, for its message. */
export interface DriftDecision {
  status: 'applied' | 'dismissed';
  by: string;
  at: Date;
}

/** Text that could be an email address or a phone number (as contactText's shared-channel rule). */
const CONTACT_DATA_SHAPE = /@|\d(?:[\s().\-/]*\d){5,}/;

/** The contact's name as mrkdwn: plain, escaped; in a shared channel never an email or number. */
function contactNameOf(proposal: DriftProposal, contactName: string, shared: boolean): string {
  if (shared) {
    return sharedDisplayName({
      id: proposal.contactId,
      name: contactName,
      given_name: null,
      family_name: null,
    }).plain;
  }
  const name = contactName.trim();
  return name === ''
    ? `contact \`${escapeToFit(proposal.contactId, 200)}\``
    : escapeToFit(name, 200);
}

/** A value of a difference, bold, as people read it (a phone in international format). */
function boldValue(difference: DriftDifference, side: 'slack' | 'stuut'): string | null {
  const value = difference[side]?.trim() ?? '';
  if (value === '') return null;
  const readable = difference.field === 'phone' ? phoneForPeople(value) : value;
  return `*${escapeToFit(readable, 300)}*`;
}

/** "Priya Raman's Slack profile says *VP*; Stuut has *CSM*." — no phone number when shared. */
function differenceLine(difference: DriftDifference, name: string, shared: boolean): string {
  if (difference.field === 'phone' && shared) {
    return `${name}'s Slack profile has a different phone number than Stuut.`;
  }
  const stuut = boldValue(difference, 'stuut');
  return `${name}'s Slack profile says ${boldValue(difference, 'slack') ?? 'nothing'}; Stuut has ${stuut ?? 'none'}.`;
}

function differenceLines(proposal: DriftProposal, name: string, shared: boolean): string[] {
  if (proposal.differences.length === 0) return [`${name}'s Slack profile matches Stuut now.`];
  return proposal.differences.map((difference) => differenceLine(difference, name, shared));
}

/** The fields in words: "job title and phone". */
function fieldsInWords(proposal: DriftProposal): string {
  const words = proposal.differences.map((d) => (d.field === 'phone' ? 'phone' : 'job title'));
  return words.length === 0 ? 'nothing' : words.join(' and ');
}

/** A member's display name for the meta line; none when shared and it looks like contact data. */
function memberNameOf(memberName: string, shared: boolean): string | null {
  const name = memberName.trim();
  if (name === '' || (shared && CONTACT_DATA_SHAPE.test(name))) return null;
  return escapeToFit(name, 200);
}

function section(blockId: string, text: string, accessory?: Button): KnownBlock {
  return {
    type: 'section',
    block_id: blockId,
    text: { type: 'mrkdwn', text: fitMrkdwn(text, 3000) },
    ...(accessory ? { accessory } : {}),
  };
}

function context(blockId: string, text: string): KnownBlock {
  return {
    type: 'context',
    block_id: blockId,
    elements: [{ type: 'mrkdwn', text: fitMrkdwn(text, 3000) }],
  };
}

function applyButton(proposal: DriftProposal): Button {
  return {
    type: 'button',
    action_id: ACTION_ID.applyDrift,
    text: { type: 'plain_text', text: 'Apply', emoji: true },
    style: 'primary',
    value: String(proposal.id),
  };
}

function dismissButton(proposal: DriftProposal): Button {
  return {
    type: 'button',
    action_id: ACTION_ID.dismissDrift,
    text: { type: 'plain_text', text: 'Dismiss', emoji: true },
    value: String(proposal.id),
  };
}

/** ":white_check_mark: Applied by <@U…> <date>", from the model or the proposal itself. */
function decisionText(decision: DriftDecision): string {
  const when = slackDate(decision.at.toISOString());
  return decision.status === 'applied'
    ? `:white_check_mark: Applied by ${userMention(decision.by)} ${when}`
    : `:no_entry_sign: Dismissed by ${userMention(decision.by)} ${when}`;
}

/** The proposal's own decision, when it has one recorded. */
function decisionOf(proposal: DriftProposal): DriftDecision | null {
  if (proposal.status === 'open') return null;
  if (proposal.decidedBy === null || proposal.decidedAt === null) return null;
  return { status: proposal.status, by: proposal.decidedBy, at: proposal.decidedAt };
}

/** An open proposal gets Apply; a decided one says so (with who, when known). */
function entryState(proposal: DriftProposal): { note: string; button?: Button } {
  if (proposal.status === 'open') return { note: '', button: applyButton(proposal) };
  const decision = decisionOf(proposal);
  if (decision) return { note: `\n${decisionText(decision)}` };
  return {
    note:
      proposal.status === 'applied'
        ? '\n:white_check_mark: Applied'
        : '\n:no_entry_sign: Dismissed',
  };
}

/**
 * A proposal, posted to the updates channel: one line per difference, Apply (which opens the
 * update form with the Slack values, for a person to review and save) and Dismiss. Once decided:
 * no buttons, and who decided when.
 */
export function proposalMessage(model: {
  proposal: DriftProposal;
  contactName: string;
  memberName: string;
  shared: boolean;
  decided?: DriftDecision | null;
}): SlackMessage {
  const { proposal, shared } = model;
  const name = contactNameOf(proposal, model.contactName, shared);
  const lines = differenceLines(proposal, name, shared);
  const member = memberNameOf(model.memberName, shared);
  const source =
    member === null ? 'From their Slack profile' : `From the Slack profile of ${member}`;
  const blocks: KnownBlock[] = [
    section('proposal', `:arrows_counterclockwise: ${lines.join('\n')}`),
    context(
      'meta',
      `${source} · ${fieldsInWords(proposal)} · contact id \`${escapeToFit(proposal.contactId, 200)}\``,
    ),
  ];
  const decided = model.decided ?? decisionOf(proposal);
  if (decided) {
    blocks.push(context('decided', decisionText(decided)));
  } else if (proposal.status !== 'open') {
    // Decided, though by whom is not known: no buttons either way.
    blocks.push(context('decided', entryState(proposal).note.trim()));
  } else {
    blocks.push(
      context(
        'how',
        '*Apply* opens the update form with the Slack values, to review and save. Only editors can apply or dismiss.',
      ),
      {
        type: 'actions',
        block_id: 'actions',
        elements: [applyButton(proposal), dismissButton(proposal)],
      },
    );
  }
  return { text: fitMrkdwn(lines.join(' '), 3000), blocks };
}

/** A compact line of a proposal, for the digest and the list: "*Priya Raman*: job title …". */
function compactText(
  entry: { proposal: DriftProposal; contactName: string },
  shared: boolean,
): string {
  const { proposal } = entry;
  const name = contactNameOf(proposal, entry.contactName, shared);
  const parts = proposal.differences.map((difference) => {
    if (difference.field === 'phone' && shared) return 'a different phone number in Slack';
    const label = difference.field === 'phone' ? 'phone' : 'job title';
    const stuut = boldValue(difference, 'stuut');
    return `${label} ${boldValue(difference, 'slack') ?? 'empty'} in Slack, ${stuut === null ? 'none' : stuut} in Stuut`;
  });
  const what = parts.length === 0 ? 'matches Stuut now' : parts.join('; ');
  return `*${name}*: ${what}`;
}

/** One entry of the digest or the list: its differences, Apply when open, else its decision. */
function entrySection(
  blockId: string,
  entry: { proposal: DriftProposal; contactName: string },
  shared: boolean,
): KnownBlock {
  const state = entryState(entry.proposal);
  return section(blockId, `${compactText(entry, shared)}${state.note}`, state.button);
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * One entry of the digest: its compact section, and for an open proposal an actions block with
 * Apply and Dismiss (a section holds one accessory only); a decided one says who decided.
 */
function digestEntry(
  index: number,
  entry: { proposal: DriftProposal; contactName: string },
  shared: boolean,
): KnownBlock[] {
  const { proposal } = entry;
  const state = entryState(proposal);
  const text = section(`entry_${index}`, `${compactText(entry, shared)}${state.note}`);
  if (proposal.status !== 'open') return [text];
  return [
    text,
    {
      type: 'actions',
      block_id: `actions_${index}`,
      elements: [applyButton(proposal), dismissButton(proposal)],
    },
  ];
}

/**
 * The hour's digest: the proposals beyond the hourly limit (`max`), one compact section each,
 * Apply and Dismiss under the open ones; posted once and updated as more come. At most 50
 * blocks: past DIGEST_LIMIT the rest are counted, for `/contact drift` to list.
 */
export function digestMessage(model: {
  entries: readonly { proposal: DriftProposal; contactName: string }[];
  shared: boolean;
  max: number;
}): SlackMessage {
  const { entries, shared } = model;
  const heading = `:arrows_counterclockwise: More Slack profiles differ from Stuut this hour (${entries.length}). Only ${model.max} proposals are posted an hour; these are listed here instead.`;
  const listed = entries.length > DIGEST_LIMIT + 1 ? entries.slice(0, DIGEST_LIMIT) : entries;
  const blocks: KnownBlock[] = [
    section('heading', heading),
    context(
      'how',
      '*Apply* opens the update form with the Slack values, to review and save. Only editors can apply or dismiss.',
    ),
    ...listed.flatMap((entry, index) => digestEntry(index, entry, shared)),
  ];
  if (listed.length < entries.length) {
    blocks.push(
      context('more', `and ${entries.length - listed.length} more: run \`/contact drift\``),
    );
  }
  return {
    text: `More Slack profiles differ from Stuut this hour (${entries.length}).`,
    blocks,
  };
}

/**
 * `/contact drift`, shown to the person who ran it only (so phone numbers may show): how many
 * members were checked, the differences with Apply, and More when there are more than a page.
 */
export function driftListMessage(model: {
  entries: readonly { proposal: DriftProposal; contactName: string }[];
  /** Null on pages after the first (More), which say nothing of the check itself. */
  checked: number | null;
  linked: number | null;
  hasMore: boolean;
  lastId: number | null;
}): SlackMessage {
  const { entries } = model;
  if (model.checked === null || model.linked === null) return laterPage(model);
  const checked = `Checked ${plural(model.checked, 'member', 'members')}, ${model.linked} linked to ${model.linked === 1 ? 'a contact' : 'contacts'}`;
  if (entries.length === 0 && !model.hasMore) {
    const text =
      model.linked === 0
        ? `${checked}. A member is linked when their Slack email is a contact's email; none is yet, so nothing was compared.`
        : `${checked}. Every linked member's Slack profile matches Stuut.`;
    return { text, blocks: [section('heading', text)] };
  }
  const listed = entries.slice(0, DRIFT_LIST_LIMIT);
  const more = model.hasMore || listed.length < entries.length;
  const lastListed = listed[listed.length - 1];
  const moreAfter =
    listed.length < entries.length ? (lastListed?.proposal.id ?? null) : model.lastId;
  const count = more
    ? `more than ${listed.length} differ from Stuut. Here are ${listed.length}.`
    : `${listed.length} ${listed.length === 1 ? 'differs' : 'differ'} from Stuut.`;
  const heading = `${checked}: ${count}`;
  const blocks: KnownBlock[] = [
    section('heading', heading),
    context('how', '*Apply* opens the update form with the Slack values, to review and save.'),
    ...listed.map((entry, index) => entrySection(`entry_${index}`, entry, false)),
  ];
  if (more && moreAfter !== null) blocks.push(moreButton(moreAfter));
  return { text: heading, blocks };
}

/** "More": the next page of open proposals, after this id. */
function moreButton(afterId: number): KnownBlock {
  return {
    type: 'actions',
    block_id: 'more',
    elements: [
      {
        type: 'button',
        action_id: ACTION_ID.moreDrift,
        text: { type: 'plain_text', text: 'More', emoji: true },
        value: String(afterId),
      },
    ],
  };
}

/** A page after More: the next open proposals, without the check's counts. */
function laterPage(model: {
  entries: readonly { proposal: DriftProposal; contactName: string }[];
  hasMore: boolean;
  lastId: number | null;
}): SlackMessage {
  const listed = model.entries.slice(0, DRIFT_LIST_LIMIT);
  if (listed.length === 0) {
    const text = 'No more Slack profiles differ from Stuut.';
    return { text, blocks: [section('heading', text)] };
  }
  const more = model.hasMore || listed.length < model.entries.length;
  const moreAfter =
    listed.length < model.entries.length ? (listed.at(-1)?.proposal.id ?? null) : model.lastId;
  const heading = `More Slack profiles that differ from Stuut (${listed.length}${more ? ' here, and more after' : ''}):`;
  const blocks: KnownBlock[] = [
    section('heading', heading),
    ...listed.map((entry, index) => entrySection(`entry_${index}`, entry, false)),
  ];
  if (more && moreAfter !== null) blocks.push(moreButton(moreAfter));
  return { text: heading, blocks };
}

/** Progress of `/contact drift` on a large workspace, replacing the command's answer. */
export function driftProgressMessage(model: {
  checked: number;
  total: number | null;
  differing: number;
}): SlackMessage {
  const of = model.total === null ? '' : ` (of ${model.total})`;
  const text = `:hourglass_flowing_sand: Checking Slack profiles… ${plural(model.checked, 'member', 'members')} so far${of}, ${model.differing} differing from Stuut…`;
  return { text, blocks: [section('progress', text)] };
}
