import { z } from 'zod';
import { isRecord } from './blocks';

/** Slack waits this long for the answer to a command or interaction (HTTP or Socket Mode ack). */
export const ACK_DEADLINE_MS = 3000;

export interface AckResult {
  /** HTTP status the app answered (200 for a Socket Mode ack); 0 when it did not answer at all. */
  status: number;
  /** How long the app took to answer. */
  ms: number;
  text: string;
  json?: unknown;
  timedOut: boolean;
}

export type ViewAckOutcome =
  | { action: 'close' }
  | { action: 'errors'; errors: Record<string, string> }
  | { action: 'update'; view: unknown }
  | { action: 'push'; view: unknown }
  | { action: 'clear' }
  /** Slack shows the person a generic error and leaves the modal as it was. */
  | { action: 'refused'; warning: string };

const ViewAck = z.looseObject({
  response_action: z.string().optional(),
  errors: z.unknown().optional(),
  view: z.unknown().optional(),
});

const ErrorMap = z.record(z.string(), z.string().min(1));

/** Why Slack would not take this answer at all, whatever its body. */
function transportProblem(kind: string, ack: AckResult, deadlineMs: number): string | undefined {
  if (ack.timedOut || ack.ms > deadlineMs) {
    return `${kind}: no acknowledgement within ${deadlineMs} ms (took ${Math.round(ack.ms)} ms); Slack showed the person an error and ignored the answer`;
  }
  if (ack.status !== 200) {
    return `${kind}: app answered HTTP ${ack.status}; Slack showed the person an error`;
  }
  return undefined;
}

export function parseAckJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What Slack does with the answer to a view_submission. */
export function interpretViewSubmissionAck(
  ack: AckResult,
  inputBlockIds: readonly string[],
  deadlineMs = ACK_DEADLINE_MS,
): ViewAckOutcome {
  const refused = (warning: string): ViewAckOutcome => ({ action: 'refused', warning });
  const problem = transportProblem('view_submission', ack, deadlineMs);
  if (problem) return refused(problem);
  if (!ack.text.trim()) return { action: 'close' };
  const body = ViewAck.safeParse(parseAckJson(ack.text));
  if (!body.success)
    return refused(
      `view_submission: acknowledgement is not a JSON object: ${ack.text.slice(0, 200)}`,
    );
  const { response_action: action, errors, view } = body.data;
  switch (action) {
    case undefined:
      return { action: 'close' };
    case 'clear':
      return { action: 'clear' };
    case 'update':
    case 'push':
      if (!isRecord(view))
        return refused(`view_submission: response_action ${action} without a view`);
      return { action, view };
    case 'errors': {
      const parsed = ErrorMap.safeParse(errors);
      if (!parsed.success || !Object.keys(parsed.data).length) {
        return refused('view_submission: errors must map block_ids to non-empty messages');
      }
      const stray = Object.keys(parsed.data).filter((id) => !inputBlockIds.includes(id));
      if (stray.length) {
        return refused(
          `view_submission: errors keyed to ${stray.join(', ')}, not an input block of the view; Slack rejects the whole answer`,
        );
      }
      return { action: 'errors', errors: parsed.data };
    }
    default:
      return refused(`view_submission: unknown response_action ${action}`);
  }
}

export interface CommandAckMessage {
  text: string;
  blocks: unknown;
  responseType: 'ephemeral' | 'in_channel';
}

export type CommandAckOutcome =
  | { action: 'nothing' }
  | { action: 'show'; message: CommandAckMessage }
  | { action: 'refused'; warning: string };

const CommandAck = z.looseObject({
  text: z.string().optional(),
  blocks: z.unknown().optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
});

/** What the person sees from the answer to their slash command. */
export function interpretCommandAck(
  ack: AckResult,
  deadlineMs = ACK_DEADLINE_MS,
): CommandAckOutcome {
  const problem = transportProblem('slash command', ack, deadlineMs);
  if (problem) return { action: 'refused', warning: problem };
  if (!ack.text.trim()) return { action: 'nothing' };
  const json = parseAckJson(ack.text);
  if (json === undefined) {
    return {
      action: 'show',
      message: { text: ack.text, blocks: undefined, responseType: 'ephemeral' },
    };
  }
  const body = CommandAck.safeParse(json);
  if (!body.success) {
    return {
      action: 'refused',
      warning: `slash command: acknowledgement is not a message: ${ack.text.slice(0, 200)}`,
    };
  }
  const { text, blocks, response_type: responseType = 'ephemeral' } = body.data;
  if (text === undefined && blocks === undefined) return { action: 'nothing' };
  return { action: 'show', message: { text: text ?? '', blocks, responseType } };
}

/** Slack ignores the body of a block_actions answer; only its timing and status matter. */
export function blockActionsAckWarning(
  ack: AckResult,
  deadlineMs = ACK_DEADLINE_MS,
): string | undefined {
  return transportProblem('block_actions', ack, deadlineMs);
}
