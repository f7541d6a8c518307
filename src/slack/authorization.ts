import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger';
import { slackErrorCode } from './delivery';
import type { SlackMessage } from './messages/confirmation';
import { userMention } from './mrkdwn';

/** CONTACT_EDITORS, parsed: who may update contacts. */
export interface EditorList {
  readonly users: readonly string[];
  readonly groups: readonly string[];
}

/** What Slack says about a person, as far as the decision needs it. */
export interface SlackUserFacts {
  id: string;
  /** The person's own team; null when Slack does not know them in this workspace. */
  teamId: string | null;
  deleted: boolean;
  isBot: boolean;
  /** A multi-channel guest. */
  isRestricted: boolean;
  /** A single-channel guest. */
  isUltraRestricted: boolean;
  /** The configured user groups the person is a member of. */
  groups: readonly string[];
}

export interface EditorPolicy {
  /** The team the bot is installed in (auth.test). */
  installedTeamId: string;
  /** null: every full member of the installing workspace may edit. */
  editors: EditorList | null;
}

export type DenialCode =
  | 'deleted'
  | 'bot'
  | 'other_team'
  | 'guest'
  | 'not_listed'
  /** A lookup failed or ran out of time: nobody is let in unchecked. */
  | 'unverified';

/** `reason` is plain text (it also shows under a form input, where mrkdwn does not render). */
export type EditorDecision =
  | { allowed: true }
  | { allowed: false; code: DenialCode; reason: string };

const ASK_AN_EDITOR = 'Ask a contact editor to make the change';

const REASONS: Record<DenialCode, string> = {
  deleted: 'Your Slack account is deactivated, so you cannot update contacts in Stuut.',
  bot: 'Apps and bots cannot update contacts in Stuut.',
  other_team:
    'Only members of the workspace that installed this bot can change contacts in Stuut, and your account belongs to another organisation (for example, in a channel shared with another company). Ask someone from that workspace to make the change.',
  guest:
    'Guests cannot update contacts in Stuut, even when they are listed as contact editors. Ask a full member of the workspace to make the change.',
  not_listed: `Only contact editors can change contacts in Stuut, and you are not one of them. ${ASK_AN_EDITOR}, or ask whoever runs this bot to add you to CONTACT_EDITORS.`,
  unverified:
    'I could not check in time whether you may update contacts in Stuut (Slack was slow to answer). Nothing was changed. Please try again in a moment.',
};

const MISCONFIGURED_REASON =
  'I cannot check who may update contacts in Stuut: this Slack app is missing a permission (users:read or usergroups:read). Nothing was changed. Ask whoever runs this bot to add the permission and reinstall the app.';

function deny(code: DenialCode): EditorDecision {
  return { allowed: false, code, reason: REASONS[code] };
}

/**
 * Who may edit, decided from facts alone. Deactivated accounts, bots, people of other
 * organisations and guests are refused whether listed or not; then the list decides, and
 * without a list every full member of the installing workspace may edit.
 */
export function decideEditor(user: SlackUserFacts, policy: EditorPolicy): EditorDecision {
  if (user.deleted) return deny('deleted');
  if (user.isBot) return deny('bot');
  if (user.teamId !== policy.installedTeamId) return deny('other_team');
  if (user.isRestricted || user.isUltraRestricted) return deny('guest');
  const { editors } = policy;
  if (editors === null) return { allowed: true };
  if (editors.users.includes(user.id)) return { allowed: true };
  if (user.groups.some((group) => editors.groups.includes(group))) return { allowed: true };
  return deny('not_listed');
}

/** The ephemeral answer to a refused person: what and why, and whom to ask. */
export function editorDeniedMessage(
  denial: { code: DenialCode; reason: string },
  editors: EditorList | null = null,
): SlackMessage {
  // The reasons are the bot's own text, with no characters mrkdwn would read as markup.
  let text = `:no_entry: ${denial.reason}`;
  const named = denial.code === 'not_listed' ? (editors?.users.slice(0, 5) ?? []) : [];
  if (named.length > 0) text += `\nContact editors include ${named.map(userMention).join(', ')}.`;
  return {
    text,
    blocks: [{ type: 'section', block_id: 'not_allowed', text: { type: 'mrkdwn', text } }],
  };
}

// ---------------------------------------------------------------------------------------------
// The check: lookups, a deadline, a cache.

interface UsersInfoUser {
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
}

/** The three Web API methods the check calls; the WebClient has them, a test fake may too. */
export interface EditorLookupClient {
  auth: { test(): Promise<{ team_id?: string }> };
  users: { info(args: { user: string }): Promise<{ user?: UsersInfoUser }> };
  usergroups: {
    users: { list(args: { usergroup: string }): Promise<{ users?: string[] }> };
  };
}

/** Who asks, as the request names them. */
export interface Requester {
  userId: string;
  /** The person's team as the payload gives it: `user.team_id`, or a command's `team_id`. */
  teamId?: string | null;
}

export interface EditorCheck {
  /** Resolves within the deadline; a lookup that fails or is late refuses (fail closed). */
  check(person: Requester): Promise<EditorDecision>;
  readonly editors: EditorList | null;
}

export interface EditorCheckOptions {
  client?: EditorLookupClient;
  logger: Logger;
  editors: EditorList | null;
  /** The installing team; by default auth.test, asked once and remembered. */
  installedTeamId?: () => string | Promise<string>;
  /** Clock for the cache, in ms. */
  now?: () => number;
  /** How long users.info answers and group members are reused. */
  ttlMs?: number;
  /** How long a check may wait for Slack: well inside a trigger's 3 s. */
  deadlineMs?: number;
  /** Cache entries kept per kind before the oldest go. */
  maxEntries?: number;
}

export const EDITOR_CHECK_DEFAULTS = { ttlMs: 5 * 60_000, deadlineMs: 1_500, maxEntries: 1_000 };

/**
 * A bounded cache with expiry (lru-cache): concurrent checks for the same key share one
 * lookup, and a failed lookup is not remembered, so the next check asks again.
 */
function expiringLookup<T extends object>(
  options: { ttlMs: number; maxEntries: number; now: () => number },
  load: (key: string) => Promise<T>,
): (key: string) => Promise<T> {
  const cache = new LRUCache<string, T>({
    max: options.maxEntries,
    ttl: options.ttlMs,
    // The injected clock, exactly: tests move it to expire entries.
    perf: { now: options.now },
    ttlResolution: 0,
    fetchMethod: (key) => load(key),
  });
  return async (key) => {
    const value = await cache.fetch(key);
    if (value === undefined) throw new Error(`lookup of ${key} gave nothing`);
    return value;
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; failure: string };

/** Settles with the value, the Slack error code, or 'timeout' once `deadline` resolves. */
function settle<T>(work: Promise<T>, deadline: Promise<void>): Promise<Settled<T>> {
  return Promise.race([
    work.then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, failure: slackErrorCode(error) }),
    ),
    deadline.then((): Settled<T> => ({ ok: false, failure: 'timeout' })),
  ]);
}

function isSlackError(error: unknown, code: string): boolean {
  return slackErrorCode(error) === code;
}

/**
 * Checks a person against the editor policy. The person's team is compared with the
 * installed team first, at no cost; then users.info and the group lookups run in parallel
 * under one short deadline, and their answers are cached for a few minutes.
 */
export function createEditorCheck(options: EditorCheckOptions): EditorCheck {
  const { client, logger, editors } = options;
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlMs ?? EDITOR_CHECK_DEFAULTS.ttlMs;
  const deadlineMs = options.deadlineMs ?? EDITOR_CHECK_DEFAULTS.deadlineMs;
  const maxEntries = options.maxEntries ?? EDITOR_CHECK_DEFAULTS.maxEntries;
  const cacheOptions = { ttlMs, maxEntries, now };

  if (editors === null) {
    logger.warn(
      'CONTACT_EDITORS is not set: every full member of the workspace may update contacts (guests and people from other organisations are still refused)',
    );
  }

  const lookups = (): EditorLookupClient => {
    if (!client) throw new Error('no Slack client for the editor check');
    return client;
  };

  // A bot token belongs to one team for good: asked once, remembered; a failure is retried.
  let knownTeam: string | undefined;
  let pendingTeam: Promise<string> | undefined;
  const installedTeam = (): Promise<string> => {
    if (knownTeam !== undefined) return Promise.resolve(knownTeam);
    pendingTeam ??= (async () => {
      const team = options.installedTeamId
        ? await options.installedTeamId()
        : (await lookups().auth.test()).team_id;
      if (!team) throw new Error('auth.test named no team');
      knownTeam = team;
      return team;
    })().finally(() => {
      pendingTeam = undefined;
    });
    return pendingTeam;
  };

  const userFacts = expiringLookup<Omit<SlackUserFacts, 'groups'>>(cacheOptions, async (userId) => {
    try {
      const { user } = await lookups().users.info({ user: userId });
      return {
        id: userId,
        teamId: user?.team_id ?? null,
        deleted: user?.deleted === true,
        isBot: user?.is_bot === true || user?.is_app_user === true,
        isRestricted: user?.is_restricted === true,
        isUltraRestricted: user?.is_ultra_restricted === true,
      };
    } catch (error) {
      // Slack does not know them here: not a member of this workspace, a definite answer.
      if (!isSlackError(error, 'user_not_found')) throw error;
      return {
        id: userId,
        teamId: null,
        deleted: false,
        isBot: false,
        isRestricted: false,
        isUltraRestricted: false,
      };
    }
  });

  const groupMembers = expiringLookup<ReadonlySet<string>>(cacheOptions, async (groupId) => {
    try {
      const answer = await lookups().usergroups.users.list({ usergroup: groupId });
      return new Set(answer.users ?? []);
    } catch (error) {
      // A group Slack does not have is a configuration mistake, not a passing failure.
      if (!isSlackError(error, 'no_such_subteam')) throw error;
      logger.error(
        { userGroup: groupId },
        'CONTACT_EDITORS names a user group Slack does not know; it counts as empty',
      );
      return new Set<string>();
    }
  });

  const logged = (userId: string, decision: EditorDecision): EditorDecision => {
    if (!decision.allowed)
      logger.info({ slackUser: userId, code: decision.code }, 'editor refused');
    return decision;
  };

  return {
    editors,
    async check({ userId, teamId }) {
      // At no cost: a payload that already names another team needs no lookup.
      if (knownTeam !== undefined && teamId && teamId !== knownTeam) {
        return logged(userId, deny('other_team'));
      }
      const listed = editors === null || editors.users.includes(userId);
      const groupIds = listed || editors === null ? [] : editors.groups;

      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      });
      try {
        const [team, user, ...memberships] = await Promise.all([
          settle(installedTeam(), deadline),
          settle(userFacts(userId), deadline),
          ...groupIds.map((groupId) => settle(groupMembers(groupId), deadline)),
        ]);
        const failures: Record<string, string> = {};
        if (!team.ok) failures['auth.test'] = team.failure;
        if (!user.ok) failures['users.info'] = user.failure;
        if (!team.ok || !user.ok) return unverified(userId, failures);
        if (teamId && teamId !== team.value) return logged(userId, deny('other_team'));

        const memberOf = groupIds.filter((_, i) => {
          const members = memberships[i];
          return members?.ok === true && members.value.has(userId);
        });
        const decision = decideEditor(
          { ...user.value, groups: memberOf },
          { installedTeamId: team.value, editors },
        );
        // "Not listed" is only sure when every group answered.
        groupIds.forEach((groupId, i) => {
          const members = memberships[i];
          if (members && !members.ok)
            failures[`usergroups.users.list ${groupId}`] = members.failure;
        });
        if (!decision.allowed && decision.code === 'not_listed' && Object.keys(failures).length) {
          return unverified(userId, failures);
        }
        return logged(userId, decision);
      } finally {
        clearTimeout(timer);
      }
    },
  };

  function unverified(userId: string, failures: Record<string, string>): EditorDecision {
    if (Object.values(failures).includes('missing_scope')) {
      logger.error(
        { failures },
        'the editor check lacks a Slack scope: add users:read and usergroups:read to the app and reinstall it',
      );
      // Trying again will not help: say so, and whom to ask.
      return { allowed: false, code: 'unverified', reason: MISCONFIGURED_REASON };
    }
    logger.warn(
      { slackUser: userId, failures, deadlineMs },
      'editor check could not verify the person; refused, they may try again',
    );
    return deny('unverified');
  }
}
