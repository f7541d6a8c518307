import type { WebClient } from '@slack/web-api';
import { request } from 'undici';
import type { Logger } from '../logger';
import type { SlackMessage } from './messages/confirmation';
import { confirmationUndeliveredMessage, savedNoticeMessage } from './messages/notices';
import type { Origin } from './metadata';

export interface Person {
  userId: string;
  origin: Origin;
}

const RESPONSE_URL_TIMEOUT_MS = 5_000;

/**
 * The error Slack answered (`invalid_auth`, `not_in_channel`, …), also when Bolt wrapped the
 * WebClient's error (`original`); null when Slack gave no answer at all.
 */
export function slackPlatformError(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const data = (current as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
    current = (current as { original?: unknown }).original;
  }
  return null;
}

/** The Slack error code of a failed Web API call (`not_in_channel`, …), or a transport description. */
export function slackErrorCode(error: unknown): string {
  const platform = slackPlatformError(error);
  if (platform) return platform;
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    // An HTTP 429 the WebClient refused to wait out (rejectRateLimitedCalls): Slack's own name.
    if (code === 'slack_webapi_rate_limited_error') return 'ratelimited';
    if (typeof code === 'string') return code;
  }
  return 'unknown_error';
}

/**
 * Posts to a response_url, which Slack keeps for 30 minutes and 5 posts. `replace` replaces the
 * message the response_url belongs to (a command's ephemeral answer) instead of adding one.
 */
export async function postToResponseUrl(
  url: string,
  message: SlackMessage,
  options: { replace?: boolean } = {},
): Promise<void> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      response_type: 'ephemeral',
      replace_original: options.replace === true,
      ...message,
    }),
    headersTimeout: RESPONSE_URL_TIMEOUT_MS,
    bodyTimeout: RESPONSE_URL_TIMEOUT_MS,
    signal: AbortSignal.timeout(RESPONSE_URL_TIMEOUT_MS),
  });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`response_url answered ${response.statusCode}`);
}

/**
 * Gets a message to one person by the first way that works: the command's response_url, an
 * ephemeral message where they started, then a direct message from the bot.
 * Returns how it was delivered, or null when nothing worked.
 */
export async function tellPerson(
  client: WebClient,
  logger: Logger,
  person: Person,
  message: SlackMessage,
): Promise<'response_url' | 'ephemeral' | 'dm' | null> {
  const { userId, origin } = person;
  if (origin.responseUrl) {
    try {
      await postToResponseUrl(origin.responseUrl, message);
      return 'response_url';
    } catch (error) {
      logger.info({ reason: describe(error) }, 'response_url delivery failed');
    }
  }
  if (origin.channelId) {
    try {
      await client.chat.postEphemeral({ channel: origin.channelId, user: userId, ...message });
      return 'ephemeral';
    } catch (error) {
      logger.info({ slackError: slackErrorCode(error) }, 'ephemeral delivery failed');
    }
  }
  try {
    await client.chat.postMessage({ channel: userId, ...message });
    return 'dm';
  } catch (error) {
    logger.error(
      { slackError: slackErrorCode(error), userId },
      'could not reach the person at all',
    );
    return null;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown';
}

/**
 * A confirmation to its channel: without contact values when the channel is shared with another
 * organisation. When the bot cannot post there, the person gets that very version (with what
 * to do), since they may forward it there; without a channel, they get it in full. When the
 * modal is gone and nothing reached them yet, a short "saved" notice does.
 */
export async function deliverConfirmation(p: {
  client: WebClient;
  logger: Logger;
  person: Person;
  /** Where it goes; null: only to the person. */
  target: string | null;
  sharedChannel: Promise<boolean>;
  shownInModal: boolean;
  /** The confirmation, in full or for a shared channel. */
  message: (shared: boolean) => SlackMessage;
}): Promise<void> {
  const { client, logger, person, target } = p;
  const confirmation = p.message(false);
  let toldPerson = false;
  if (target) {
    const shared = await p.sharedChannel;
    if (shared) {
      logger.info(
        { channel: target },
        'shared channel: the confirmation leaves out contact values',
      );
    }
    const forChannel = shared ? p.message(true) : confirmation;
    try {
      await client.chat.postMessage({ channel: target, ...forChannel });
    } catch (error) {
      const code = slackErrorCode(error);
      logger.warn(
        { slackError: code, channel: target },
        'confirmation post failed; telling the person',
      );
      await tellPerson(
        client,
        logger,
        person,
        confirmationUndeliveredMessage(forChannel, target, code),
      );
      toldPerson = true;
    }
  } else {
    await tellPerson(client, logger, person, confirmation);
    toldPerson = true;
  }
  if (!p.shownInModal && !toldPerson) {
    await tellPerson(client, logger, person, savedNoticeMessage(confirmation));
  }
}

/**
 * CONTACT_NOTIFY_SUBJECT: the member a contact is hears, by direct message, when someone else
 * changed their contact. Never the person who acted; a failure only costs the notice.
 */
export async function tellSubject(p: {
  client: WebClient;
  logger: Logger;
  enabled: boolean | undefined;
  member: { userId: string } | null;
  actorId: string;
  message: () => SlackMessage;
}): Promise<void> {
  if (!p.enabled || !p.member || p.member.userId === p.actorId) return;
  await p.client.chat
    .postMessage({ channel: p.member.userId, ...p.message() })
    .catch((error: unknown) => {
      p.logger.info({ slackError: slackErrorCode(error) }, 'telling the contact themselves failed');
    });
}
