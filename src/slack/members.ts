import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import type { Book, BookEntry, MemberLink } from '../book/book';
import { withDeadline } from '../inflight';
import type { Logger } from '../logger';
import { slackErrorCode } from './delivery';

/**
 * Internal contacts linked to Slack members, by email only (never guessed from names). Thin
 * glue over `auth.test`, `users.lookupByEmail`, `users.info`, `users.list` and the book's
 * links; every decision is one of the small pure functions below.
 */

/** The scope `users.lookupByEmail` needs, and without which profiles carry no email. */
export const USERS_READ_EMAIL = 'users:read.email';

export const LINKING_OFF_WARNING =
  'users:read.email is not granted: contacts are not linked to Slack members (no @mention lookup, no Slack names, no drift proposals). Reinstall the app from manifest.yml to grant it.';

/** How long "Slack has no member with this email" is trusted by default. */
export const NEGATIVE_LINK_TTL_MS = 60 * 60_000;
export const MEMBER_LIST_PAGE_SIZE = 200;
/** How long `listMembers` may wait out rate limits in all, by default. */
export const MEMBER_LIST_MAX_WAIT_MS = 10 * 60_000;
/** A rate-limit answer without Retry-After: wait out Slack's one-minute window. */
const DEFAULT_RETRY_AFTER_MS = 60_000;
/** Slackbot: listed by users.list in every workspace, and not flagged as a bot. */
const SLACKBOT_ID = 'USLACKBOT';

/** Slack's user object, as a `user_change` event, users.info or users.list carries it. */
export interface SlackUser {
  id: string;
  /** The handle, e.g. 'priya.raman'. */
  name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile: {
    /** Only for tokens with users:read.email. */
    email?: string;
    title?: string;
    phone?: string;
    display_name?: string;
    real_name?: string;
    first_name?: string;
    last_name?: string;
  };
}

/** What a member's Slack profile says; empty fields are null. */
export interface MemberProfile {
  email: string | null;
  realName: string | null;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
  phone: string | null;
}

export interface LinkedMember {
  userId: string;
  displayName: string;
}

/** A member resolved from an @mention. */
export type MentionedContact =
  | { entry: BookEntry; displayName: string }
  /** No contact in the book has the member's email (or Slack showed none): offer to add them. */
  | { none: true; email: string | null; displayName: string; profile: MemberProfile };

export interface ListedMembers {
  pages: number;
  members: number;
  waitedMs: number;
}

export interface ListMembersOptions {
  /** users.list `limit`; default 200. */
  pageSize?: number;
  /** Rate-limit waits, in all, beyond which the listing gives up; default 10 minutes. */
  maxWaitMs?: number;
}

/** `listMembers` gave up: Slack kept refusing (rate limits beyond the wait budget) or failed. */
export class MemberListError extends Error {
  override readonly name = 'MemberListError';
  /** 'ratelimited' when the wait budget ran out; else the Slack error code of the failure. */
  readonly slackError: string;
  /** Pages read (and handed to onPage) before giving up. */
  readonly pages: number;
  readonly members: number;
  readonly waitedMs: number;

  constructor(
    message: string,
    facts: { slackError: string; pages: number; members: number; waitedMs: number },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.slackError = facts.slackError;
    this.pages = facts.pages;
    this.members = facts.members;
    this.waitedMs = facts.waitedMs;
  }
}

export interface MemberDirectory {
  /** The bot token's scopes (auth.test); null when Slack did not say or the call failed. */
  scopes(client: WebClient): Promise<readonly string[] | null>;
  /** Whether linking is on: the token has users:read.email. Warns once when it has not. */
  linking(client: WebClient): Promise<boolean>;
  /** The contact's member, from the stored link or users.lookupByEmail; null for none or failure. */
  memberOf(
    client: WebClient,
    contact: { id: string; values: { email: string } },
  ): Promise<LinkedMember | null>;
  /** Resolves an @mention to a contact; null when it cannot be resolved now. */
  contactOfMember(client: WebClient, userId: string): Promise<MentionedContact | null>;
  /** The member's profile (users.info); null on failure. */
  profileOf(client: WebClient, userId: string): Promise<MemberProfile | null>;
  /** After a `user_change` event: re-points or drops the member's link; the linked contact. */
  relinkMember(user: SlackUser): Promise<BookEntry | null>;
  /** Pages through users.list, honouring Retry-After; people only (no bots, no deactivated). */
  listMembers(
    client: WebClient,
    onPage: (members: SlackUser[]) => Promise<void> | void,
    options?: ListMembersOptions,
  ): Promise<ListedMembers>;
}

export interface MemberDirectoryDeps {
  book: Book;
  logger: Logger;
  now: () => Date;
  /** How long one lookup may take while a person waits. */
  withinMs: number;
  /** How long a 'no member with this email' answer is trusted; default 1 hour. */
  negativeTtlMs?: number;
  /** Waits out a rate limit; default a timer. */
  wait?: (ms: number) => Promise<unknown>;
}

// ---------------------------------------------------------------------------------------------
// Pure decisions.

/** How emails are compared: trimmed, lower-cased. */
export function emailKey(email: string | null | undefined): string {
  return (email ?? '').trim().toLowerCase();
}

export function grantsLinking(scopes: readonly string[] | null): boolean {
  return scopes?.includes(USERS_READ_EMAIL) ?? false;
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** The name Slack shows: display name, else real name, else handle, else the id. */
export function memberDisplayName(user: Pick<SlackUser, 'id' | 'name' | 'profile'>): string {
  return (
    text(user.profile.display_name) ?? text(user.profile.real_name) ?? text(user.name) ?? user.id
  );
}

export function memberProfile(user: SlackUser): MemberProfile {
  const { profile } = user;
  return {
    email: text(profile.email),
    realName: text(profile.real_name),
    displayName: text(profile.display_name),
    firstName: text(profile.first_name),
    lastName: text(profile.last_name),
    title: text(profile.title),
    phone: text(profile.phone),
  };
}

/** A person a contact may be: not deactivated, not a bot, not Slackbot. */
export function isPerson(user: Pick<SlackUser, 'id' | 'deleted' | 'is_bot'>): boolean {
  return user.deleted !== true && user.is_bot !== true && user.id !== SLACKBOT_ID;
}

/**
 * Whether a stored link still answers for a contact whose email is now `email`: made for that
 * very email, and, when it says "no member", not older than `negativeTtlMs`.
 */
export function linkHolds(
  link: MemberLink,
  email: string,
  now: Date,
  negativeTtlMs: number,
): boolean {
  const key = emailKey(email);
  if (key === '' || link.emailLower !== key) return false;
  if (link.slackUserId !== null) return true;
  return now.getTime() - link.checkedAt.getTime() < negativeTtlMs;
}

/** The member a holding link names, or null for a "no member" link. */
export function linkedMember(link: MemberLink): LinkedMember | null {
  if (link.slackUserId === null) return null;
  return { userId: link.slackUserId, displayName: link.displayName ?? link.slackUserId };
}

export function positiveLink(
  contactId: string,
  email: string,
  user: Pick<SlackUser, 'id' | 'name' | 'profile'>,
  at: Date,
): MemberLink {
  return {
    contactId,
    emailLower: emailKey(email),
    slackUserId: user.id,
    displayName: memberDisplayName(user),
    checkedAt: at,
  };
}

export function negativeLink(contactId: string, email: string, at: Date): MemberLink {
  return {
    contactId,
    emailLower: emailKey(email),
    slackUserId: null,
    displayName: null,
    checkedAt: at,
  };
}

/**
 * A link that no longer holds, in place of one: "no member", checked never, so the next use
 * asks Slack again (the book has no delete, and a contact keeps one link).
 */
export function droppedLink(contactId: string, email: string): MemberLink {
  return negativeLink(contactId, email, new Date(0));
}

/** Slack's user object from an answer or an event; null when it is not one. */
export function asSlackUser(value: unknown): SlackUser | null {
  if (!value || typeof value !== 'object') return null;
  const raw = value as Record<string, unknown>;
  if (typeof raw.id !== 'string' || raw.id === '') return null;
  const profile = (raw.profile && typeof raw.profile === 'object' ? raw.profile : {}) as Record<
    string,
    unknown
  >;
  const field = (key: string) => (typeof profile[key] === 'string' ? profile[key] : undefined);
  const user: SlackUser = { id: raw.id, profile: {} };
  if (typeof raw.name === 'string') user.name = raw.name;
  if (typeof raw.deleted === 'boolean') user.deleted = raw.deleted;
  if (typeof raw.is_bot === 'boolean') user.is_bot = raw.is_bot;
  for (const key of [
    'email',
    'title',
    'phone',
    'display_name',
    'real_name',
    'first_name',
    'last_name',
  ] as const) {
    const value = field(key);
    if (value !== undefined) user.profile[key] = value;
  }
  return user;
}

/** How long a rate-limited call asks to wait; null when the error is not a rate limit. */
export function rateLimitWaitMs(error: unknown): number | null {
  if (slackErrorCode(error) !== 'ratelimited') return null;
  const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return retryAfter * 1000;
  }
  return DEFAULT_RETRY_AFTER_MS;
}

// ---------------------------------------------------------------------------------------------
// The glue.

/** Something that failed on the way, kept apart from a definite "no member". */
class Failure {
  constructor(
    readonly source: 'slack' | 'book',
    readonly code: string,
  ) {}
}

async function fromSlack<T>(call: Promise<T>): Promise<T | Failure> {
  try {
    return await call;
  } catch (error) {
    return new Failure('slack', slackErrorCode(error));
  }
}

async function fromBook<T>(call: Promise<T>): Promise<T | Failure> {
  try {
    return await call;
  } catch (error) {
    return new Failure('book', error instanceof Error ? error.name : 'unknown');
  }
}

export function createMemberDirectory(deps: MemberDirectoryDeps): MemberDirectory {
  const { book, logger, now, withinMs } = deps;
  const negativeTtlMs = deps.negativeTtlMs ?? NEGATIVE_LINK_TTL_MS;
  const wait = deps.wait ?? ((ms: number) => sleep(ms));

  let knownScopes: { scopes: readonly string[] | null } | undefined;
  let pendingScopes: Promise<readonly string[] | null> | undefined;
  let warnedLinkingOff = false;

  /** Logs a failure at its level: a book failure is an error, a lasting Slack one a warning. */
  function report(failure: Failure, facts: Record<string, unknown>, message: string): null {
    if (failure.source === 'book') {
      logger.error({ ...facts, bookError: failure.code }, `${message}: the book failed`);
    } else {
      const lasting = failure.code === 'missing_scope' || failure.code === 'invalid_auth';
      logger[lasting ? 'warn' : 'info']({ ...facts, slackError: failure.code }, message);
    }
    return null;
  }

  /** Bounded by withinMs; the work itself never rejects (it reports and answers null). */
  async function bounded<T>(
    work: Promise<T | null>,
    facts: Record<string, unknown>,
    message: string,
  ): Promise<T | null> {
    const answer = await withDeadline(work, withinMs);
    if (answer === undefined) {
      logger.info({ ...facts, withinMs }, `${message}: too slow`);
      return null;
    }
    return answer;
  }

  async function scopes(client: WebClient): Promise<readonly string[] | null> {
    if (knownScopes) return knownScopes.scopes;
    pendingScopes ??= (async () => {
      const answer = await fromSlack(client.auth.test());
      if (answer instanceof Failure) {
        report(answer, {}, 'auth.test failed: the token scopes are unknown');
        return null;
      }
      const said = answer.response_metadata?.scopes;
      const known = Array.isArray(said) ? Object.freeze([...said]) : null;
      knownScopes = { scopes: known };
      return known;
    })().finally(() => {
      pendingScopes = undefined;
    });
    return pendingScopes;
  }

  async function linking(client: WebClient): Promise<boolean> {
    const granted = await scopes(client);
    // Unknown (auth.test failed): off for now, and asked again next time; not worth a warning.
    if (granted === null) return false;
    if (grantsLinking(granted)) return true;
    if (!warnedLinkingOff) {
      warnedLinkingOff = true;
      logger.warn(LINKING_OFF_WARNING);
    }
    return false;
  }

  /** users.info, as a person (null for a member Slack does not know) or a failure. */
  async function usersInfo(client: WebClient, userId: string): Promise<SlackUser | null | Failure> {
    const answer = await fromSlack(client.users.info({ user: userId }));
    if (answer instanceof Failure) return answer.code === 'user_not_found' ? null : answer;
    return asSlackUser(answer.user);
  }

  async function lookUpMember(
    client: WebClient,
    contact: { id: string; values: { email: string } },
  ): Promise<LinkedMember | null> {
    const facts = { contactId: contact.id };
    const email = contact.values.email;
    const stored = await fromBook(book.linkOf(contact.id));
    if (stored instanceof Failure) return report(stored, facts, 'member link not read');
    if (stored && linkHolds(stored, email, now(), negativeTtlMs)) return linkedMember(stored);

    const answer = await fromSlack(client.users.lookupByEmail({ email }));
    let link: MemberLink;
    if (answer instanceof Failure) {
      if (answer.code !== 'users_not_found') {
        return report(answer, facts, 'users.lookupByEmail failed: the contact is not linked');
      }
      link = negativeLink(contact.id, email, now());
    } else {
      const user = asSlackUser(answer.user);
      link =
        user && isPerson(user)
          ? positiveLink(contact.id, email, user, now())
          : negativeLink(contact.id, email, now());
    }
    const saved = await fromBook(book.saveLink(link));
    if (saved instanceof Failure) return report(saved, facts, 'member link not saved');
    return linkedMember(link);
  }

  async function resolveMention(
    client: WebClient,
    userId: string,
  ): Promise<MentionedContact | null> {
    const facts = { slackUser: userId };
    const stored = await fromBook(book.linkOfMember(userId));
    if (stored instanceof Failure) return report(stored, facts, 'member link not read');
    if (stored && stored.slackUserId === userId) {
      const entry = await fromBook(book.get(stored.contactId));
      if (entry instanceof Failure) return report(entry, facts, 'linked contact not read');
      if (entry && linkHolds(stored, entry.values.email, now(), negativeTtlMs)) {
        return { entry, displayName: linkedMember(stored)?.displayName ?? userId };
      }
    }

    const user = await usersInfo(client, userId);
    if (user instanceof Failure)
      return report(user, facts, 'users.info failed: mention unresolved');
    if (user === null || !isPerson(user)) {
      logger.info(facts, 'the mentioned member is not a person in this workspace');
      return null;
    }
    const displayName = memberDisplayName(user);
    const profile = memberProfile(user);
    if (profile.email === null) return { none: true, email: null, displayName, profile };
    const entry = await fromBook(book.findByEmail(profile.email));
    if (entry instanceof Failure) return report(entry, facts, 'contact not found by email');
    if (entry === null) return { none: true, email: profile.email, displayName, profile };
    const saved = await fromBook(
      book.saveLink(positiveLink(entry.id, entry.values.email, user, now())),
    );
    if (saved instanceof Failure) return report(saved, facts, 'member link not saved');
    return { entry, displayName };
  }

  async function relink(user: SlackUser): Promise<BookEntry | null> {
    const stored = await book.linkOfMember(user.id);
    const link = stored && stored.slackUserId === user.id ? stored : null;
    const linked = link ? await book.get(link.contactId) : null;
    const email = emailKey(user.profile.email);
    if (!isPerson(user)) {
      // Deactivated (or a bot): no contact's member any more.
      if (linked) await book.saveLink(droppedLink(linked.id, linked.values.email));
      return null;
    }
    if (email === '') {
      // No email shown (no users:read.email): nothing to compare; the link stays as it is.
      return link && linked && linkHolds(link, linked.values.email, now(), negativeTtlMs)
        ? linked
        : null;
    }
    if (link && linked && emailKey(linked.values.email) === email) {
      const fresh = positiveLink(linked.id, linked.values.email, user, now());
      // The same contact: store only a new display name, or a link made for an older email.
      if (link.emailLower !== fresh.emailLower || link.displayName !== fresh.displayName) {
        await book.saveLink(fresh);
      }
      return linked;
    }
    const entry = await book.findByEmail(email);
    if (entry) {
      // Saving drops another contact's link to this member.
      await book.saveLink(positiveLink(entry.id, entry.values.email, user, now()));
      return entry;
    }
    if (linked) await book.saveLink(droppedLink(linked.id, linked.values.email));
    return null;
  }

  return {
    scopes,
    linking,

    async memberOf(client, contact) {
      if (emailKey(contact.values.email) === '') return null;
      const work = linking(client).then((on) => (on ? lookUpMember(client, contact) : null));
      return bounded(work, { contactId: contact.id }, 'member lookup');
    },

    async contactOfMember(client, userId) {
      const work = linking(client).then((on) => (on ? resolveMention(client, userId) : null));
      return bounded(work, { slackUser: userId }, 'mention lookup');
    },

    async profileOf(client, userId) {
      const facts = { slackUser: userId };
      const work = usersInfo(client, userId).then((user) => {
        if (user instanceof Failure) return report(user, facts, 'users.info failed');
        return user && memberProfile(user);
      });
      return bounded(work, facts, 'users.info');
    },

    async relinkMember(user) {
      try {
        return await relink(user);
      } catch (error) {
        logger.error(
          { slackUser: user.id, bookError: error instanceof Error ? error.name : 'unknown' },
          'member link not updated after user_change: the book failed',
        );
        return null;
      }
    },

    async listMembers(client, onPage, options = {}) {
      const pageSize = options.pageSize ?? MEMBER_LIST_PAGE_SIZE;
      const maxWaitMs = options.maxWaitMs ?? MEMBER_LIST_MAX_WAIT_MS;
      let pages = 0;
      let members = 0;
      let waitedMs = 0;
      let cursor: string | undefined;
      for (;;) {
        let answer: Awaited<ReturnType<WebClient['users']['list']>>;
        try {
          answer = await client.users.list({ limit: pageSize, ...(cursor ? { cursor } : {}) });
        } catch (error) {
          const facts = () => ({ pages, members, waitedMs });
          const waitMs = rateLimitWaitMs(error);
          if (waitMs === null) {
            const slackError = slackErrorCode(error);
            throw new MemberListError(
              `users.list failed (${slackError}) after ${pages} pages`,
              { slackError, ...facts() },
              { cause: error },
            );
          }
          if (waitedMs + waitMs > maxWaitMs) {
            throw new MemberListError(
              `users.list stayed rate-limited: waiting ${waitMs} ms more would pass ${maxWaitMs} ms, after ${pages} pages`,
              { slackError: 'ratelimited', ...facts() },
              { cause: error },
            );
          }
          logger.info({ ...facts(), waitMs }, 'users.list rate-limited: waiting Retry-After');
          await wait(waitMs);
          waitedMs += waitMs;
          continue;
        }
        pages += 1;
        const people: SlackUser[] = [];
        for (const raw of answer.members ?? []) {
          const user = asSlackUser(raw);
          if (user && isPerson(user)) people.push(user);
        }
        members += people.length;
        if (people.length > 0) await onPage(people);
        const next = answer.response_metadata?.next_cursor;
        if (!next) return { pages, members, waitedMs };
        cursor = next;
      }
    },
  };
}
