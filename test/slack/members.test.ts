import { LogLevel, WebClient } from '@slack/web-api';
import type { Book, BookEntry, MemberLink } from '../../src/book/book';
import { createLogger } from '../../src/logger';
import { SlackEmulator } from '../../src/sandbox/slack';
import { DEFAULT_SCOPES } from '../../src/sandbox/slack/emulator';
import { SEED_MEMBER_IDS, seedMembers } from '../../src/sandbox/slack/members';
import { seedContacts } from '../../src/sandbox/stuut';
import {
  asSlackUser,
  createMemberDirectory,
  droppedLink,
  emailKey,
  grantsLinking,
  isPerson,
  LINKING_OFF_WARNING,
  linkedMember,
  linkHolds,
  MemberListError,
  memberDisplayName,
  memberProfile,
  NEGATIVE_LINK_TTL_MS,
  negativeLink,
  positiveLink,
  rateLimitWaitMs,
  type SlackUser,
} from '../../src/slack/members';
import { importContacts, LogCapture, tempBook } from '../e2e/harness';

const BOT_TOKEN = 'xoxb-members-test-token';
const WITHOUT_EMAIL = DEFAULT_SCOPES.filter((scope) => scope !== 'users:read.email');

const PRIYA = 'ic_7Qm2xK9a';
const MARCUS = 'ic_3Lp8vR2d';
const HANNAH = 'ic_9Tz4nW6e';

// ---------------------------------------------------------------------------------------------
// The pure decisions.

function user(overrides: Partial<SlackUser> = {}): SlackUser {
  return { id: 'U0X', name: 'x.person', profile: {}, ...overrides };
}

function link(overrides: Partial<MemberLink> = {}): MemberLink {
  return {
    contactId: 'ic_1',
    emailLower: 'a@b.example',
    slackUserId: 'U0A',
    displayName: 'A',
    checkedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('the pure decisions', () => {
  test('emailKey trims and lower-cases', () => {
    expect(emailKey('  Marcus.Oyelaran@Northwind.example ')).toBe(
      'marcus.oyelaran@northwind.example',
    );
    expect(emailKey(null)).toBe('');
    expect(emailKey(undefined)).toBe('');
  });

  test('grantsLinking needs users:read.email', () => {
    expect(grantsLinking(DEFAULT_SCOPES)).toBe(true);
    expect(grantsLinking(WITHOUT_EMAIL)).toBe(false);
    expect(grantsLinking(['users:read'])).toBe(false);
    expect(grantsLinking(null)).toBe(false);
  });

  test.each([
    [{ display_name: 'Priya', real_name: 'Priya Raman' }, 'x.person', 'Priya'],
    [{ display_name: '  ', real_name: 'Priya Raman' }, 'x.person', 'Priya Raman'],
    [{ display_name: '', real_name: '' }, 'x.person', 'x.person'],
    [{}, undefined, 'U0X'],
  ])('memberDisplayName(%j, name %s) is %s', (profile, name, expected) => {
    expect(memberDisplayName({ id: 'U0X', ...(name ? { name } : {}), profile })).toBe(expected);
  });

  test('memberProfile takes the profile, empty fields as null', () => {
    expect(
      memberProfile(
        user({
          profile: {
            email: 'p@n.example',
            real_name: 'Priya Raman',
            display_name: '',
            first_name: 'Priya',
            last_name: 'Raman',
            title: ' VP ',
          },
        }),
      ),
    ).toEqual({
      email: 'p@n.example',
      realName: 'Priya Raman',
      displayName: null,
      firstName: 'Priya',
      lastName: 'Raman',
      title: 'VP',
      phone: null,
    });
  });

  test('isPerson: not deactivated, not a bot, not Slackbot', () => {
    expect(isPerson(user())).toBe(true);
    expect(isPerson(user({ deleted: true }))).toBe(false);
    expect(isPerson(user({ is_bot: true }))).toBe(false);
    expect(isPerson(user({ id: 'USLACKBOT' }))).toBe(false);
  });

  describe('linkHolds', () => {
    const now = new Date('2026-01-01T00:30:00Z');
    test('a member link holds while the contact keeps the email, whatever its case', () => {
      expect(linkHolds(link(), 'A@B.example', now, 1000)).toBe(true);
      expect(linkHolds(link(), 'new@b.example', now, 1000)).toBe(false);
      expect(linkHolds(link(), '', now, 1000)).toBe(false);
    });
    test('a "no member" link holds until negativeTtlMs after it was checked', () => {
      const none = link({ slackUserId: null, displayName: null });
      expect(linkHolds(none, 'a@b.example', now, 31 * 60_000)).toBe(true);
      expect(linkHolds(none, 'a@b.example', now, 30 * 60_000)).toBe(false);
      expect(linkHolds(none, 'other@b.example', now, 31 * 60_000)).toBe(false);
    });
    test('a dropped link never holds', () => {
      expect(linkHolds(droppedLink('ic_1', 'a@b.example'), 'a@b.example', now, 1e12)).toBe(false);
    });
  });

  test('linkedMember names the member, or null for "no member"', () => {
    expect(linkedMember(link())).toEqual({ userId: 'U0A', displayName: 'A' });
    expect(linkedMember(link({ displayName: null }))).toEqual({
      userId: 'U0A',
      displayName: 'U0A',
    });
    expect(linkedMember(link({ slackUserId: null }))).toBeNull();
  });

  test('positive and negative links keep the email lower-cased', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const member = user({ id: 'U0M', profile: { display_name: 'Marcus O.' } });
    expect(positiveLink('ic_m', 'Marcus@N.example', member, at)).toEqual({
      contactId: 'ic_m',
      emailLower: 'marcus@n.example',
      slackUserId: 'U0M',
      displayName: 'Marcus O.',
      checkedAt: at,
    });
    expect(negativeLink('ic_m', 'Marcus@N.example', at)).toEqual({
      contactId: 'ic_m',
      emailLower: 'marcus@n.example',
      slackUserId: null,
      displayName: null,
      checkedAt: at,
    });
  });

  test('asSlackUser keeps what it knows and refuses what is not a user', () => {
    expect(asSlackUser(null)).toBeNull();
    expect(asSlackUser({ name: 'no id' })).toBeNull();
    expect(asSlackUser({ id: 'U0A' })).toEqual({ id: 'U0A', profile: {} });
    const priya = seedMembers().find((m) => m.id === SEED_MEMBER_IDS.priya);
    expect(asSlackUser(priya)).toEqual({
      id: 'U0PRIYA',
      name: 'priya.raman',
      deleted: false,
      is_bot: false,
      profile: {
        email: 'priya.raman@northwind.example',
        title: 'Customer Success Manager',
        phone: '+1 415 555 0123',
        display_name: 'Priya',
        real_name: 'Priya Raman',
        first_name: 'Priya',
        last_name: 'Raman',
      },
    });
  });

  test('rateLimitWaitMs reads the WebClient rate-limit error', () => {
    expect(rateLimitWaitMs({ code: 'slack_webapi_rate_limited_error', retryAfter: 3 })).toBe(3000);
    expect(rateLimitWaitMs({ code: 'slack_webapi_rate_limited_error' })).toBe(60_000);
    expect(rateLimitWaitMs({ data: { error: 'ratelimited' } })).toBe(60_000);
    expect(rateLimitWaitMs({ data: { error: 'invalid_auth' } })).toBeNull();
    expect(rateLimitWaitMs(new Error('socket hang up'))).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Against the emulated Slack and a real (SQLite) book.

interface Setup {
  slack: SlackEmulator;
  client: WebClient;
  book: Book;
  logs: LogCapture;
  directory: ReturnType<typeof createMemberDirectory>;
  waits: number[];
  advance(ms: number): void;
  entry(id: string): Promise<BookEntry>;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The WebClient options src/slack/app.ts gives the bot's client. */
function botClient(slack: SlackEmulator): WebClient {
  return new WebClient(BOT_TOKEN, {
    slackApiUrl: slack.apiUrl,
    logLevel: LogLevel.ERROR,
    timeout: 5_000,
    retryConfig: { retries: 1, factor: 2, minTimeout: 200, maxTimeout: 1_000, randomize: true },
    rejectRateLimitedCalls: true,
  });
}

async function setup(
  options: {
    scopes?: readonly string[];
    withinMs?: number;
    members?: Parameters<typeof SlackEmulator.start>[0]['members'];
    book?: (book: Book) => Book;
  } = {},
): Promise<Setup> {
  const slack = await SlackEmulator.start({
    botToken: BOT_TOKEN,
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.members ? { members: options.members } : {}),
  });
  cleanups.push(() => slack.close());
  const made = await tempBook();
  cleanups.push(() => made.remove());
  await importContacts(made.book, seedContacts());
  const book = options.book ? options.book(made.book) : made.book;
  const logs = new LogCapture();
  const logger = createLogger('debug', logs);
  let clock = new Date('2026-03-02T09:00:00Z').getTime();
  const waits: number[] = [];
  const directory = createMemberDirectory({
    book,
    logger,
    now: () => new Date(clock),
    withinMs: options.withinMs ?? 3_000,
    wait: async (ms) => {
      waits.push(ms);
    },
  });
  return {
    slack,
    client: botClient(slack),
    book: made.book,
    logs,
    directory,
    waits,
    advance(ms) {
      clock += ms;
    },
    async entry(id) {
      const found = await made.book.get(id);
      if (!found) throw new Error(`no contact ${id} in the book`);
      return found;
    },
  };
}

function logsSaying(logs: LogCapture, text: string): Record<string, unknown>[] {
  return logs.entries().filter((e) => String(e.msg).includes(text));
}

/** Imports one more contact, as `npm run import` would. */
async function addContact(book: Book, id: string, email: string, name: string) {
  const [given, family] = name.split(' ');
  await importContacts(book, [
    {
      id,
      email,
      given_name: given ?? null,
      family_name: family ?? null,
      name,
      phone: null,
      job_title: null,
    },
  ]);
}

/** Changes a contact's email in the book, as a later import (or Stuut answer) would. */
async function changeEmail(book: Book, id: string, email: string) {
  const entry = await book.get(id);
  if (!entry) throw new Error(`no contact ${id}`);
  await importContacts(book, [{ id, ...entry.values, email }]);
}

describe('scopes and linking', () => {
  test('scopes come from auth.test (the x-oauth-scopes header), asked once', async () => {
    const { directory, client, slack } = await setup();
    expect(await directory.scopes(client)).toEqual(DEFAULT_SCOPES);
    expect(await directory.scopes(client)).toEqual(DEFAULT_SCOPES);
    expect(await directory.linking(client)).toBe(true);
    expect(slack.callsTo('auth.test')).toHaveLength(1);
  });

  test('a failed auth.test is null, and asked again next time', async () => {
    const { directory, client, slack } = await setup();
    slack.failNext('auth.test', { error: 'internal_error' });
    expect(await directory.scopes(client)).toBeNull();
    expect(await directory.linking(client)).toBe(true);
    expect(slack.callsTo('auth.test')).toHaveLength(2);
  });

  test('without users:read.email linking is off, with one warning across many calls', async () => {
    const { directory, client, slack, logs, entry } = await setup({ scopes: WITHOUT_EMAIL });
    const priya = await entry(PRIYA);
    for (let i = 0; i < 3; i++) {
      expect(await directory.linking(client)).toBe(false);
      expect(await directory.memberOf(client, priya)).toBeNull();
      expect(await directory.contactOfMember(client, SEED_MEMBER_IDS.priya)).toBeNull();
    }
    const warnings = logs.entries().filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toBe(LINKING_OFF_WARNING);
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(0);
    expect(slack.callsTo('users.info')).toHaveLength(0);
  });
});

describe('memberOf', () => {
  test('links by email, then uses the stored link', async () => {
    const { directory, client, slack, book, entry } = await setup();
    const priya = await entry(PRIYA);
    expect(await directory.memberOf(client, priya)).toEqual({
      userId: 'U0PRIYA',
      displayName: 'Priya',
    });
    expect(await book.linkOf(PRIYA)).toMatchObject({
      contactId: PRIYA,
      emailLower: 'priya.raman@northwind.example',
      slackUserId: 'U0PRIYA',
      displayName: 'Priya',
    });
    expect(await directory.memberOf(client, priya)).toEqual({
      userId: 'U0PRIYA',
      displayName: 'Priya',
    });
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(1);
  });

  test('compares emails case-insensitively (Slack keeps Marcus’s capitals)', async () => {
    const { directory, client, entry } = await setup();
    expect(await directory.memberOf(client, await entry(MARCUS))).toEqual({
      userId: 'U0MARCUS',
      displayName: 'Marcus O.',
    });
  });

  test('looks up again once the contact’s email changed', async () => {
    const { directory, client, slack, book, entry } = await setup();
    expect((await directory.memberOf(client, await entry(PRIYA)))?.userId).toBe('U0PRIYA');
    slack.changeMemberSilently('U0PRIYA', { profile: { email: 'priya@northwind.example' } });
    await changeEmail(book, PRIYA, 'Priya@Northwind.example');
    const moved = await entry(PRIYA);
    expect((await directory.memberOf(client, moved))?.userId).toBe('U0PRIYA');
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(2);
    expect((await book.linkOf(PRIYA))?.emailLower).toBe('priya@northwind.example');
    expect((await directory.memberOf(client, moved))?.userId).toBe('U0PRIYA');
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(2);
  });

  test('remembers "no member" (users_not_found) for an hour', async () => {
    const { directory, client, slack, book, entry, advance } = await setup();
    await addContact(book, 'ic_newhire1', 'nina.new@northwind.example', 'Nina New');
    const nina = await entry('ic_newhire1');
    expect(await directory.memberOf(client, nina)).toBeNull();
    expect(await book.linkOf('ic_newhire1')).toMatchObject({ slackUserId: null });
    advance(NEGATIVE_LINK_TTL_MS - 60_000);
    expect(await directory.memberOf(client, nina)).toBeNull();
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(1);

    // She joins Slack; the bot notices once the hour is over.
    slack.addMember({
      id: 'U0NINA',
      name: 'nina.new',
      realName: 'Nina New',
      email: 'nina.new@northwind.example',
    });
    expect(await directory.memberOf(client, nina)).toBeNull();
    advance(60_000);
    expect(await directory.memberOf(client, nina)).toEqual({
      userId: 'U0NINA',
      displayName: 'Nina New',
    });
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(2);
  });

  test('a deactivated member counts as none', async () => {
    const { directory, client, book, entry } = await setup();
    await addContact(book, 'ic_dana0001', 'dana.kowalski@northwind.example', 'Dana Kowalski');
    expect(await directory.memberOf(client, await entry('ic_dana0001'))).toBeNull();
    expect(await book.linkOf('ic_dana0001')).toMatchObject({ slackUserId: null });
  });
});

describe('contactOfMember', () => {
  test('an unlinked member: users.info, the book by email, and the link is saved', async () => {
    const { directory, client, slack, book } = await setup();
    const found = await directory.contactOfMember(client, 'U0HANNAH');
    expect(found).toMatchObject({ entry: { id: HANNAH }, displayName: 'Hannah' });
    expect(slack.callsTo('users.info')).toHaveLength(1);
    expect(await book.linkOfMember('U0HANNAH')).toMatchObject({
      contactId: HANNAH,
      slackUserId: 'U0HANNAH',
    });
    // Now through the link.
    expect(await directory.contactOfMember(client, 'U0HANNAH')).toMatchObject({
      entry: { id: HANNAH },
    });
    expect(slack.callsTo('users.info')).toHaveLength(1);
  });

  test('a member linked by memberOf resolves through the link, without users.info', async () => {
    const { directory, client, slack, entry } = await setup();
    await directory.memberOf(client, await entry(PRIYA));
    expect(await directory.contactOfMember(client, 'U0PRIYA')).toMatchObject({
      entry: { id: PRIYA },
      displayName: 'Priya',
    });
    expect(slack.callsTo('users.info')).toHaveLength(0);
  });

  test('a link whose contact changed email is not trusted: users.info again', async () => {
    const { directory, client, slack, book, entry } = await setup();
    await directory.memberOf(client, await entry(PRIYA));
    await changeEmail(book, PRIYA, 'p.raman@northwind.example');
    const found = await directory.contactOfMember(client, 'U0PRIYA');
    // Nobody in the book has Priya's Slack email any more.
    expect(found).toMatchObject({ none: true, email: 'priya.raman@northwind.example' });
    expect(slack.callsTo('users.info')).toHaveLength(1);
  });

  test('a member whose email no contact has: none, with the profile to add them', async () => {
    const { directory, client } = await setup();
    expect(await directory.contactOfMember(client, 'U0ALICE')).toEqual({
      none: true,
      email: 'alice@northwind.example',
      displayName: 'Alice',
      profile: {
        email: 'alice@northwind.example',
        realName: 'Alice Example',
        displayName: 'Alice',
        firstName: 'Alice',
        lastName: 'Example',
        title: 'Revenue Operations Analyst',
        phone: null,
      },
    });
  });

  test('bots and deactivated members resolve to nothing', async () => {
    const { directory, client } = await setup();
    expect(await directory.contactOfMember(client, 'U0BOT')).toBeNull();
    expect(await directory.contactOfMember(client, 'U0DANA')).toBeNull();
    expect(await directory.contactOfMember(client, 'USLACKBOT')).toBeNull();
  });
});

describe('profileOf', () => {
  test('reads the profile with users.info', async () => {
    const { directory, client } = await setup();
    expect(await directory.profileOf(client, 'U0PRIYA')).toEqual({
      email: 'priya.raman@northwind.example',
      realName: 'Priya Raman',
      displayName: 'Priya',
      firstName: 'Priya',
      lastName: 'Raman',
      title: 'Customer Success Manager',
      phone: '+1 415 555 0123',
    });
  });
});

describe('relinkMember (user_change)', () => {
  test('an email changed in Slack to one no contact has drops the link', async () => {
    const { directory, client, slack, book, entry } = await setup();
    await directory.memberOf(client, await entry(PRIYA));
    const changed = slack.changeMemberSilently('U0PRIYA', {
      profile: { email: 'priya@northwind.example' },
    });
    expect(await directory.relinkMember(asSlackUser(changed)!)).toBeNull();
    expect(await book.linkOfMember('U0PRIYA')).toBeNull();
    // The contact is looked up again on its next use; Slack has nobody with its email now.
    expect(await directory.memberOf(client, await entry(PRIYA))).toBeNull();
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(2);
  });

  test('an email changed in Slack to another contact’s re-points the link', async () => {
    const { directory, client, slack, book, entry } = await setup();
    await addContact(book, 'ic_priya002', 'p.raman@northwind.example', 'Priya Raman');
    await directory.memberOf(client, await entry(PRIYA));
    const changed = slack.changeMemberSilently('U0PRIYA', {
      profile: { email: 'P.Raman@northwind.example' },
    });
    expect(await directory.relinkMember(asSlackUser(changed)!)).toMatchObject({
      id: 'ic_priya002',
    });
    expect(await book.linkOfMember('U0PRIYA')).toMatchObject({
      contactId: 'ic_priya002',
      emailLower: 'p.raman@northwind.example',
    });
    expect((await book.linkOf(PRIYA))?.slackUserId ?? null).toBeNull();
  });

  test('an unlinked member whose email a contact has is linked', async () => {
    const { directory, slack, book } = await setup();
    const tom = slack.member('U0TOM');
    expect(await directory.relinkMember(asSlackUser(tom)!)).toMatchObject({ id: 'ic_2Ks6jP4g' });
    expect((await book.linkOf('ic_2Ks6jP4g'))?.slackUserId).toBe('U0TOM');
  });

  test('the same email keeps the link and takes a new display name', async () => {
    const { directory, client, slack, book, entry } = await setup();
    await directory.memberOf(client, await entry(PRIYA));
    const changed = slack.changeMemberSilently('U0PRIYA', {
      profile: { display_name: 'Priya R.', title: 'VP, Customer Success' },
    });
    expect(await directory.relinkMember(asSlackUser(changed)!)).toMatchObject({ id: PRIYA });
    expect(await book.linkOf(PRIYA)).toMatchObject({
      slackUserId: 'U0PRIYA',
      displayName: 'Priya R.',
    });
  });

  test('a deactivated member loses the link; an event without email changes nothing', async () => {
    const { directory, client, slack, book, entry } = await setup();
    await directory.memberOf(client, await entry(PRIYA));
    await directory.memberOf(client, await entry(MARCUS));
    const marcus = asSlackUser(slack.member('U0MARCUS'))!;
    delete marcus.profile.email;
    expect(await directory.relinkMember(marcus)).toMatchObject({ id: MARCUS });
    expect((await book.linkOf(MARCUS))?.slackUserId).toBe('U0MARCUS');

    const gone = slack.changeMemberSilently('U0PRIYA', { deleted: true });
    expect(await directory.relinkMember(asSlackUser(gone)!)).toBeNull();
    expect(await book.linkOfMember('U0PRIYA')).toBeNull();
  });
});

describe('listMembers', () => {
  /** The seed plus 12 more people: 21 members, 18 of them people. */
  function manyMembers() {
    const extra = Array.from({ length: 12 }, (_, i) => ({
      id: `U1EXTRA${String(i).padStart(2, '0')}`,
      name: `extra.${i}`,
      realName: `Extra Person ${i}`,
      email: `extra.${i}@northwind.example`,
    }));
    return [...seedMembers(), ...extra];
  }
  const notPeople = new Set(['U0BOT', 'USLACKBOT', 'U0DANA']);

  test('pages with cursors, every person once, waiting out a rate limit', async () => {
    const members = manyMembers();
    const { directory, client, slack, waits, logs } = await setup({ members });
    const seen: string[] = [];
    let pagesSeen = 0;
    const result = await directory.listMembers(
      client,
      (page) => {
        pagesSeen += 1;
        seen.push(...page.map((m) => m.id));
        if (pagesSeen === 2) slack.rateLimitNext('users.list', { retryAfterSeconds: 1 });
      },
      { pageSize: 5 },
    );
    const people = members.map((m) => m.id).filter((id) => !notPeople.has(id));
    expect(seen).toEqual(people);
    expect(new Set(seen).size).toBe(seen.length);
    expect(result).toEqual({ pages: 5, members: people.length, waitedMs: 1_000 });
    expect(waits).toEqual([1_000]);

    const calls = slack.callsTo('users.list');
    expect(calls).toHaveLength(6);
    expect(calls[2]?.status).toBe(429);
    // The same cursor again after the wait.
    expect(calls[3]?.args.cursor).toBe(calls[2]?.args.cursor);
    expect(calls[3]?.args.cursor).toBeTruthy();
    expect(logsSaying(logs, 'users.list rate-limited')).toHaveLength(1);
  });

  test('gives up with MemberListError when the waits would pass maxWaitMs', async () => {
    const { directory, client, slack, waits } = await setup({ members: manyMembers() });
    let pagesSeen = 0;
    const listing = directory.listMembers(
      client,
      () => {
        pagesSeen += 1;
        if (pagesSeen === 2) slack.rateLimitNext('users.list', { retryAfterSeconds: 1, times: 3 });
      },
      { pageSize: 5, maxWaitMs: 2_500 },
    );
    const error = await listing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemberListError);
    expect(error).toMatchObject({ slackError: 'ratelimited', pages: 2, waitedMs: 2_000 });
    expect(waits).toEqual([1_000, 1_000]);
  });

  test('another Slack error is a MemberListError with its code', async () => {
    const { directory, client, slack } = await setup();
    slack.failNext('users.list', { error: 'invalid_auth' });
    const error = await directory.listMembers(client, () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemberListError);
    expect(error).toMatchObject({ slackError: 'invalid_auth', pages: 0, members: 0 });
  });
});

describe('failures answer null, never throw', () => {
  test('Slack errors and rate limits on lookups', async () => {
    const { directory, client, slack, logs, entry, book } = await setup();
    const priya = await entry(PRIYA);
    slack.failNext('users.lookupByEmail', { error: 'internal_error' });
    expect(await directory.memberOf(client, priya)).toBeNull();
    slack.rateLimitNext('users.lookupByEmail', { retryAfterSeconds: 30 });
    expect(await directory.memberOf(client, priya)).toBeNull();
    expect(await book.linkOf(PRIYA)).toBeNull();

    slack.failNext('users.info', { error: 'internal_error' });
    expect(await directory.contactOfMember(client, 'U0HANNAH')).toBeNull();
    slack.failNext('users.info', { error: 'internal_error' });
    expect(await directory.profileOf(client, 'U0HANNAH')).toBeNull();

    const failures = logs.entries().filter((e) => e.slackError);
    expect(failures.map((e) => [e.slackError, e.level])).toEqual([
      ['internal_error', 'info'],
      ['ratelimited', 'info'],
      ['internal_error', 'info'],
      ['internal_error', 'info'],
    ]);
    // Nothing of the contact's values in the logs.
    expect(logs.lines.join('\n')).not.toContain('northwind');
  });

  test('a lookup slower than withinMs is null; its answer is kept for next time', async () => {
    const { directory, client, slack, logs, entry, book } = await setup({ withinMs: 100 });
    slack.failNext('users.lookupByEmail', { delayMs: 400 });
    const priya = await entry(PRIYA);
    expect(await directory.memberOf(client, priya)).toBeNull();
    expect(logsSaying(logs, 'too slow')).toEqual([
      expect.objectContaining({ level: 'info', contactId: PRIYA, withinMs: 100 }),
    ]);
    for (let i = 0; i < 150 && !(await book.linkOf(PRIYA)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await directory.memberOf(client, priya))?.userId).toBe('U0PRIYA');
    expect(slack.callsTo('users.lookupByEmail')).toHaveLength(1);
  });

  test('a book failure is null, logged as an error', async () => {
    const failing = (book: Book): Book =>
      new Proxy(book, {
        get(target, property, receiver) {
          if (property === 'saveLink' || property === 'linkOfMember') {
            return async () => {
              throw new Error('database is locked');
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const { directory, client, logs, entry, slack } = await setup({ book: failing });
    expect(await directory.memberOf(client, await entry(PRIYA))).toBeNull();
    expect(await directory.contactOfMember(client, 'U0PRIYA')).toBeNull();
    expect(await directory.relinkMember(asSlackUser(slack.member('U0PRIYA'))!)).toBeNull();
    const errors = logs.entries().filter((e) => e.level === 'error');
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e.bookError === 'Error')).toBe(true);
  });
});
