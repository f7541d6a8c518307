import type { ChannelConfig, MessageKind, UserConfig } from './types';

/** 'C0OPS' → 'ops', 'U0ALICE' → 'alice': readable defaults for ids nobody configured. */
export function defaultName(id: string): string {
  return id.replace(/^[A-Z]0/, '').toLowerCase();
}

export type ResolvedChannel = Required<Omit<ChannelConfig, 'members'>> &
  Pick<ChannelConfig, 'members'>;

export type PostTarget = { ok: true; id: string; kind: MessageKind } | { ok: false; error: string };

/**
 * The workspace's channels and people. Unless configured otherwise every channel is a
 * public one the bot is in and every U…/W… id is a full member of the bot's team.
 */
export class Directory {
  private readonly channels = new Map<string, ChannelConfig>();
  private readonly users = new Map<string, Partial<UserConfig>>();
  private readonly userGroups = new Map<string, string[]>();

  constructor(
    private readonly teamId: string,
    /** The app holds `chat:write.public`. */
    private readonly chatWritePublic: boolean,
  ) {}

  setChannel(id: string, config: ChannelConfig): void {
    this.channels.set(id, { ...this.channels.get(id), ...config });
  }

  setUser(id: string, config: Partial<UserConfig>): void {
    this.users.set(id, { ...this.users.get(id), ...config });
  }

  /** A user group (S…) and its members; groups nobody configured do not exist. */
  setUserGroup(id: string, members: readonly string[]): void {
    this.userGroups.set(id, [...members]);
  }

  /** The members of a user group, or undefined when there is no such group. */
  userGroupMembers(id: string): string[] | undefined {
    const members = this.userGroups.get(id);
    return members && [...members];
  }

  channel(id: string): ResolvedChannel {
    const c = this.channels.get(id) ?? {};
    return {
      name: c.name ?? defaultName(id),
      exists: c.exists ?? true,
      isMember: c.isMember ?? true,
      isPrivate: c.isPrivate ?? false,
      isExtShared: c.isExtShared ?? false,
      isArchived: c.isArchived ?? false,
      members: c.members,
    };
  }

  user(id: string): UserConfig {
    const c = this.users.get(id) ?? {};
    const name = c.name ?? defaultName(id);
    return {
      exists: c.exists ?? /^[UW]/.test(id),
      teamId: c.teamId ?? this.teamId,
      name,
      realName: c.realName ?? name.charAt(0).toUpperCase() + name.slice(1),
      isRestricted: c.isRestricted ?? false,
      isUltraRestricted: c.isUltraRestricted ?? false,
      deleted: c.deleted ?? false,
      isBot: c.isBot ?? false,
    };
  }

  /** Where a bot message to `channel` lands, or the error Slack answers instead. */
  postTarget(channel: unknown): PostTarget {
    const refuse = (error: string): PostTarget => ({ ok: false, error });
    if (typeof channel !== 'string' || channel === '') return refuse('channel_not_found');
    // A user id as channel means the bot's DM with that person.
    if (/^[UW]/.test(channel)) return { ok: true, id: `D${channel.slice(1)}`, kind: 'dm' };
    const c = this.channel(channel);
    if (channel.startsWith('D')) {
      // A DM between other people (where a command may be typed) is invisible to the bot.
      const visible = c.exists && c.isMember;
      return visible ? { ok: true, id: channel, kind: 'dm' } : refuse('channel_not_found');
    }
    // A private channel the bot is not in is invisible to it, hence not "not_in_channel".
    if (!c.exists || (c.isPrivate && !c.isMember)) return refuse('channel_not_found');
    if (c.isArchived) return refuse('is_archived');
    if (!c.isMember && !this.chatWritePublic) return refuse('not_in_channel');
    return { ok: true, id: channel, kind: 'channel' };
  }
}
