import { createHash } from 'node:crypto';
import type { JsonObject, UserConfig } from './types';

/**
 * A member's profile as Slack's user object carries it (users.info, users.list,
 * users.lookupByEmail, the user_change event). `email` is there only for tokens with
 * `users:read.email`; bots have none.
 */
export interface SlackMemberProfile {
  title: string;
  phone: string;
  skype: string;
  real_name: string;
  real_name_normalized: string;
  display_name: string;
  display_name_normalized: string;
  fields: JsonObject | null;
  status_text: string;
  status_emoji: string;
  status_expiration: number;
  avatar_hash: string;
  email?: string;
  first_name: string;
  last_name: string;
  image_24: string;
  image_32: string;
  image_48: string;
  image_72: string;
  image_192: string;
  image_512: string;
  team: string;
  /** Bot users only. */
  bot_id?: string;
  api_app_id?: string;
  always_active?: boolean;
}

/** A workspace member: Slack's user object. */
export interface SlackMember {
  id: string;
  team_id: string;
  name: string;
  deleted: boolean;
  color: string;
  real_name: string;
  tz: string;
  tz_label: string;
  tz_offset: number;
  profile: SlackMemberProfile;
  is_admin: boolean;
  is_owner: boolean;
  is_primary_owner: boolean;
  is_restricted: boolean;
  is_ultra_restricted: boolean;
  is_bot: boolean;
  is_app_user: boolean;
  /** Seconds since the epoch of the last change. */
  updated: number;
  is_email_confirmed?: boolean;
}

/** What a member is made from; everything else gets Slack's defaults. */
export interface MemberInput {
  id: string;
  /** The handle (`name`), e.g. 'priya.raman'. */
  name: string;
  realName: string;
  displayName?: string;
  email?: string;
  title?: string;
  /** As the person typed it: Slack does not normalise phones. */
  phone?: string;
  firstName?: string;
  lastName?: string;
  tz?: string;
  teamId?: string;
  deleted?: boolean;
  isBot?: boolean;
  /** For a bot user: its bot id (B…) and app. */
  botId?: string;
  appId?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isRestricted?: boolean;
  isUltraRestricted?: boolean;
  /** Seconds since the epoch. */
  updated?: number;
}

/** Profile fields a person (or an admin) can change; the normalised names follow them. */
export type MemberProfilePatch = Partial<
  Omit<SlackMemberProfile, 'real_name_normalized' | 'display_name_normalized' | 'team'>
>;

/** Account fields that change with a profile edit or an admin action, e.g. deactivation. */
export interface MemberPatch {
  name?: string;
  deleted?: boolean;
  tz?: string;
  is_admin?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_bot?: boolean;
  team_id?: string;
  profile?: MemberProfilePatch;
}

/** The ids of the seeded members, for tests and the sandbox page. */
export const SEED_MEMBER_IDS = {
  alice: 'U0ALICE',
  priya: 'U0PRIYA',
  marcus: 'U0MARCUS',
  hannah: 'U0HANNAH',
  siobhan: 'U0SIOBHAN',
  tom: 'U0TOM',
  dana: 'U0DANA',
  slackbot: 'USLACKBOT',
} as const;

/** Slack's own names strip diacritics: "Siobhán" is found as "Siobhan". */
export function normalizeName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '');
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** The name of a time zone at a moment, long ('Pacific Daylight Time') or as an offset. */
function zoneName(tz: string, style: 'long' | 'longOffset', at: Date): string {
  const key = `${tz}|${style}`;
  let format = zoneFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style });
    zoneFormats.set(key, format);
  }
  return format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
}

/** Slack's tz_label and tz_offset (seconds east of UTC) of a time zone, at a moment. */
function timeZoneFacts(tz: string, at: Date): { label: string; offset: number } {
  try {
    const offset = /^GMT([+-])(\d{2}):(\d{2})$/.exec(zoneName(tz, 'longOffset', at));
    const seconds = offset
      ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60)
      : 0;
    return { label: zoneName(tz, 'long', at), offset: seconds };
  } catch {
    return { label: 'Coordinated Universal Time', offset: 0 };
  }
}

function images(
  id: string,
): Pick<
  SlackMemberProfile,
  'image_24' | 'image_32' | 'image_48' | 'image_72' | 'image_192' | 'image_512'
> {
  // Placeholders in Slack's shape; nothing fetches them.
  const url = (size: number) => `https://avatars.slack-edge.com/emulated/${id}_${size}.png`;
  return {
    image_24: url(24),
    image_32: url(32),
    image_48: url(48),
    image_72: url(72),
    image_192: url(192),
    image_512: url(512),
  };
}

/** The first and last name Slack shows when the person gave only a full name. */
function splitName(realName: string): { first: string; last: string } {
  const parts = realName.trim().split(/\s+/);
  return { first: parts[0] ?? '', last: parts.slice(1).join(' ') };
}

/** Builds a member in Slack's shape from the few facts that matter. */
export function slackMember(input: MemberInput, teamId = 'T0ACME', now = new Date()): SlackMember {
  const team = input.teamId ?? teamId;
  const tz = input.tz ?? 'America/Los_Angeles';
  const { label, offset } = timeZoneFacts(tz, now);
  const split = splitName(input.realName);
  const displayName = input.displayName ?? '';
  const isBot = input.isBot ?? false;
  const profile: SlackMemberProfile = {
    title: input.title ?? '',
    phone: input.phone ?? '',
    skype: '',
    real_name: input.realName,
    real_name_normalized: normalizeName(input.realName),
    display_name: displayName,
    display_name_normalized: normalizeName(displayName),
    fields: null,
    status_text: '',
    status_emoji: '',
    status_expiration: 0,
    avatar_hash: digest(input.id).slice(0, 12),
    ...(input.email === undefined ? {} : { email: input.email }),
    first_name: input.firstName ?? split.first,
    last_name: input.lastName ?? split.last,
    ...images(input.id),
    team,
    ...(isBot
      ? {
          ...(input.botId ? { bot_id: input.botId } : {}),
          ...(input.appId ? { api_app_id: input.appId } : {}),
          always_active: false,
        }
      : {}),
  };
  return {
    id: input.id,
    team_id: team,
    name: input.name,
    deleted: input.deleted ?? false,
    color: digest(`color:${input.id}`).slice(0, 6),
    real_name: input.realName,
    tz,
    tz_label: label,
    tz_offset: offset,
    profile,
    is_admin: input.isAdmin ?? false,
    is_owner: input.isOwner ?? false,
    is_primary_owner: false,
    is_restricted: input.isRestricted ?? false,
    is_ultra_restricted: input.isUltraRestricted ?? false,
    is_bot: isBot,
    is_app_user: false,
    updated: input.updated ?? Math.floor(now.getTime() / 1000),
    ...(isBot || input.email === undefined ? {} : { is_email_confirmed: true }),
  };
}

/** A member as UserConfig describes people to the rest of the emulator. */
export function memberUserConfig(member: SlackMember): UserConfig {
  return {
    exists: true,
    teamId: member.team_id,
    name: member.name,
    realName: member.real_name,
    isRestricted: member.is_restricted,
    isUltraRestricted: member.is_ultra_restricted,
    deleted: member.deleted,
    isBot: member.is_bot,
  };
}

/**
 * The user object a token sees: the email only with `users:read.email`. Deactivated members
 * keep little more than their name and profile, as in Slack's answers.
 */
export function userObject(
  member: SlackMember,
  options: { email: boolean; locale?: boolean },
): JsonObject {
  const { email, ...profile } = member.profile;
  const visibleProfile = options.email && email !== undefined ? { ...profile, email } : profile;
  if (member.deleted) {
    return {
      id: member.id,
      team_id: member.team_id,
      name: member.name,
      deleted: true,
      profile: visibleProfile,
      is_bot: member.is_bot,
      is_app_user: member.is_app_user,
      updated: member.updated,
    };
  }
  return {
    ...member,
    profile: visibleProfile,
    ...(options.locale ? { locale: 'en-US' } : {}),
  };
}

/** Applies a patch the way Slack keeps its derived fields in step; returns a new member. */
export function patchMember(member: SlackMember, patch: MemberPatch, now: Date): SlackMember {
  const { profile: profilePatch, ...account } = patch;
  const profile: SlackMemberProfile = { ...member.profile };
  for (const [key, value] of Object.entries(profilePatch ?? {})) {
    if (value !== undefined) (profile as unknown as JsonObject)[key] = value;
  }
  const namesChanged =
    profilePatch?.first_name !== undefined || profilePatch?.last_name !== undefined;
  if (profilePatch?.real_name === undefined && namesChanged) {
    profile.real_name = `${profile.first_name} ${profile.last_name}`.trim();
  }
  profile.real_name_normalized = normalizeName(profile.real_name);
  profile.display_name_normalized = normalizeName(profile.display_name);
  const next: SlackMember = { ...member, profile };
  for (const [key, value] of Object.entries(account)) {
    if (value !== undefined) (next as unknown as JsonObject)[key] = value;
  }
  if (account.team_id !== undefined) profile.team = account.team_id;
  if (account.tz !== undefined) {
    const { label, offset } = timeZoneFacts(account.tz, now);
    next.tz_label = label;
    next.tz_offset = offset;
  }
  next.real_name = profile.real_name;
  next.updated = Math.floor(now.getTime() / 1000);
  return next;
}

export interface SeedIds {
  teamId?: string;
  /** The app's own bot user, which users.list lists like anyone else. */
  botUserId?: string;
  botUserName?: string;
  botId?: string;
  appId?: string;
}

/**
 * The workspace the sandbox starts with: Alice (who types the commands), the five people of
 * the Stuut seed (src/sandbox/stuut/seed.ts) with the same emails, names, titles and phones,
 * so nothing has drifted at start, the app's bot user, Slackbot and one deactivated member.
 *
 * Phones are as people type them into Slack, not E.164: they equal Stuut's only once
 * normalised. Marcus's email has capitals, as Slack keeps them, so a link must compare
 * emails case-insensitively. Siobhán left her phone empty, as Stuut has none.
 */
export function seedMembers(ids: SeedIds = {}, now = new Date()): SlackMember[] {
  const teamId = ids.teamId ?? 'T0ACME';
  const inputs: MemberInput[] = [
    {
      id: SEED_MEMBER_IDS.alice,
      name: 'alice',
      realName: 'Alice Example',
      displayName: 'Alice',
      email: 'alice@northwind.example',
      title: 'Revenue Operations Analyst',
      tz: 'Europe/Amsterdam',
    },
    {
      id: SEED_MEMBER_IDS.priya,
      name: 'priya.raman',
      realName: 'Priya Raman',
      displayName: 'Priya',
      email: 'priya.raman@northwind.example',
      title: 'Customer Success Manager',
      phone: '+1 415 555 0123',
      tz: 'America/Los_Angeles',
    },
    {
      id: SEED_MEMBER_IDS.marcus,
      name: 'marcus.oyelaran',
      realName: 'Marcus Oyelaran',
      displayName: 'Marcus O.',
      email: 'Marcus.Oyelaran@northwind.example',
      title: 'Senior Account Manager',
      phone: '+1 (212) 555-0147',
      tz: 'America/New_York',
    },
    {
      id: SEED_MEMBER_IDS.hannah,
      name: 'hannah.whitfield',
      realName: 'Hannah Whitfield',
      displayName: 'Hannah',
      email: 'hannah.whitfield@northwind.example',
      title: 'Account Executive, EMEA',
      phone: '+44 20 7946 0958',
      tz: 'Europe/London',
    },
    {
      id: SEED_MEMBER_IDS.siobhan,
      name: 'siobhan.oconnor',
      realName: "Siobhán O'Connor",
      displayName: 'Siobhán',
      email: 'siobhan.oconnor@northwind.example',
      title: 'Customer Success Lead',
      tz: 'Europe/Dublin',
    },
    {
      id: SEED_MEMBER_IDS.tom,
      name: 'tom.achterberg',
      realName: 'Tom Achterberg',
      displayName: 'Tom',
      email: 'tom.achterberg@northwind.example',
      title: 'Practice Lead, Finance Automation',
      phone: '+441614960321',
      tz: 'Europe/London',
    },
    {
      id: ids.botUserId ?? 'U0BOT',
      name: ids.botUserName ?? 'contactbot',
      realName: 'Stuut contacts',
      isBot: true,
      botId: ids.botId ?? 'B0BOT',
      appId: ids.appId ?? 'A0APP',
    },
    // Listed by users.list in every workspace, and not flagged as a bot.
    {
      id: SEED_MEMBER_IDS.slackbot,
      name: 'slackbot',
      realName: 'Slackbot',
      displayName: 'Slackbot',
      firstName: 'slackbot',
      lastName: '',
    },
    {
      id: SEED_MEMBER_IDS.dana,
      name: 'dana.kowalski',
      realName: 'Dana Kowalski',
      displayName: 'Dana',
      email: 'dana.kowalski@northwind.example',
      title: 'Account Manager',
      phone: '+1 415 555 0188',
      deleted: true,
    },
  ];
  return inputs.map((input) => slackMember(input, teamId, now));
}

/** A users.list cursor as Slack makes them: base64 of `user:<next id>`. */
export function memberCursor(id: string): string {
  return Buffer.from(`user:${id}`).toString('base64');
}

/** The member id a cursor points at, or undefined when it is not one of ours. */
export function cursorMemberId(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  return /^user:([A-Z0-9]+)$/.exec(decoded)?.[1];
}
