import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import { withDeadline } from '../inflight';
import type { Logger } from '../logger';
import { slackErrorCode } from './delivery';

/**
 * Whether a channel is shared with another organisation (Slack Connect), so that a
 * confirmation there leaves out contact values. Asked with `conversations.info`
 * (scopes `channels:read` for public channels, `groups:read` for private ones), cached for a
 * few minutes, and fail-safe: a lookup that fails or takes too long counts as shared.
 */
export interface ChannelSharing {
  /** Never rejects; resolves within `withinMs` (true when the answer did not come in time). */
  isShared(client: WebClient, channelId: string, withinMs: number): Promise<boolean>;
}

export interface ChannelSharingOptions {
  logger: Logger;
  /** How long an answer is trusted; default 5 minutes. */
  ttlMs?: number;
  /** At most this many channels are remembered; the oldest answer is dropped first. */
  maxEntries?: number;
  now?: () => number;
}

export const CHANNEL_SHARING_TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 500;

/** What `conversations.info` says; anything but a clear "not shared" counts as shared. */
export function isSharedChannel(channel: unknown): boolean {
  if (!channel || typeof channel !== 'object') return true;
  const { is_ext_shared, is_pending_ext_shared } = channel as {
    is_ext_shared?: unknown;
    is_pending_ext_shared?: unknown;
  };
  // An invitation to share that is not accepted yet may be any moment now.
  if (is_pending_ext_shared === true) return true;
  return is_ext_shared !== false;
}

export function createChannelSharing(options: ChannelSharingOptions): ChannelSharing {
  const {
    logger,
    ttlMs = CHANNEL_SHARING_TTL_MS,
    maxEntries = MAX_ENTRIES,
    now = Date.now,
  } = options;
  // lru-cache: bounded, with expiry; saves to one channel at one moment share one lookup, and
  // a failed lookup is not remembered.
  const answers = new LRUCache<string, boolean, WebClient>({
    max: maxEntries,
    ttl: ttlMs,
    perf: { now },
    ttlResolution: 0,
    fetchMethod: async (channelId, _stale, { context: client }) => {
      const result = await client.conversations.info({ channel: channelId });
      return isSharedChannel(result.channel);
    },
  });

  function lookUp(client: WebClient, channelId: string): Promise<boolean | null> {
    return answers.fetch(channelId, { context: client }).then(
      (shared) => shared ?? null,
      (error: unknown) => {
        const slackError = slackErrorCode(error);
        // A missing scope is the admin's to fix, and lasts: say so where it will be seen.
        const level = slackError === 'missing_scope' ? 'warn' : 'info';
        logger[level](
          { slackError, channel: channelId },
          'conversations.info failed: the confirmation leaves out contact values',
        );
        return null;
      },
    );
  }

  return {
    async isShared(client, channelId, withinMs) {
      // A direct message the bot can post in is its own with the person who saved: nobody
      // from another organisation reads it (and conversations.info would need im:read).
      if (channelId.startsWith('D')) return false;
      const answer = await withDeadline(lookUp(client, channelId), withinMs);
      if (answer === undefined) {
        logger.info(
          { channel: channelId, withinMs },
          'conversations.info too slow: the confirmation leaves out contact values',
        );
        return true;
      }
      return answer ?? true;
    },
  };
}

/**
 * Whether a confirmation's channel is shared, asked while Stuut works so that it costs the
 * confirmation no time: bounded by half the save budget (at most `maxMs`), never rejects, and
 * "shared" when unknown. No channel: nothing to share.
 */
export function sharedWhileSaving(
  channels: ChannelSharing,
  client: WebClient,
  target: string | null,
  saveBudgetMs: number,
  maxMs: number,
): Promise<boolean> {
  return target
    ? channels.isShared(client, target, Math.max(0, Math.min(maxMs, saveBudgetMs / 2)))
    : Promise.resolve(false);
}
