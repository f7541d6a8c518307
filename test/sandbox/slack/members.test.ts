import { ErrorCode, LogLevel, WebClient, WebClientEvent } from '@slack/web-api';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import WebSocket from 'ws';
import { SlackClientDriver, type SlackEmulator } from '../../../src/sandbox/slack';
import {
  DEFAULT_SCOPES,
  DOCUMENTED_RATE_LIMITS,
  USERS_LIST_MAX_LIMIT,
} from '../../../src/sandbox/slack/emulator';
import {
  memberCursor,
  SEED_MEMBER_IDS,
  seedMembers,
  slackMember,
} from '../../../src/sandbox/slack/members';
import { seedContacts } from '../../../src/sandbox/stuut/seed';
import { FakeApp } from './fake-app';
import {
  api,
  BOT_TOKEN,
  fakeClock,
  isObject,
  obj,
  SIGNING_SECRET,
  startEmulator,
  waitFor,
} from './helpers';

const APP_TOKEN = 'xapp-1-A0APP-1234-memberstesttoken';
const WITHOUT_EMAIL = DEFAULT_SCOPES.filter((scope) => scope !== 'users:read.email');

let emulator: SlackEmulator;
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Parameters<typeof startEmulator>[0] = {}): Promise<SlackEmulator> {
  emulator = await startEmulator(options);
  cleanups.push(() => emulator.close());
  return emulator;
}

/** The official client, pointed at the emulator; no retries unless a test asks for them. */
function webClient(options: ConstructorParameters<typeof WebClient>[1] = {}): WebClient {
  return new WebClient(BOT_TOKEN, {
    slackApiUrl: emulator.apiUrl,
    logLevel: LogLevel.ERROR,
    retryConfig: { retries: 0 },
    ...options,
  });
}

/** The error a WebClient call rejects with. */
async function failure(call: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await call;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('the call succeeded');
}

function e164(phone: string | null | undefined): string {
  return phone ? (parsePhoneNumberFromString(phone)?.number ?? `unparsed ${phone}`) : '';
}

describe('the seeded workspace', () => {
  it('has a member for each Stuut seed contact, with nothing drifted at start', () => {
    const members = seedMembers();
    for (const contact of seedContacts()) {
      const member = members.find(
        (m) => m.profile.email?.toLowerCase() === contact.email.toLowerCase(),
      );
      expect(member).toBeDefined();
      expect(member?.deleted).toBe(false);
      expect(member?.real_name).toBe(contact.name);
      expect(member?.profile.real_name).toBe(contact.name);
      expect(member?.profile.title).toBe(contact.job_title);
      expect(e164(member?.profile.phone)).toBe(e164(contact.phone));
    }
    const priya = members.find((m) => m.id === SEED_MEMBER_IDS.priya);
    expect(priya?.profile.title).toBe('Customer Success Manager');
  });

  it('keeps the sandbox person, the app bot user, Slackbot and one deactivated member', async () => {
    await start();
    const members = emulator.members();
    const ids = members.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(emulator.member('U0ALICE')).toMatchObject({ name: 'alice', real_name: 'Alice Example' });
    expect(emulator.user('U0ALICE')).toMatchObject({ exists: true, name: 'alice' });
    expect(members.filter((m) => m.is_bot)).toEqual([
      expect.objectContaining({
        id: emulator.botUserId,
        name: emulator.botUserName,
        profile: expect.objectContaining({ bot_id: emulator.botId, api_app_id: emulator.appId }),
      }),
    ]);
    expect(emulator.member('USLACKBOT')).toMatchObject({ is_bot: false, deleted: false });
    expect(members.filter((m) => m.deleted).map((m) => m.id)).toEqual([SEED_MEMBER_IDS.dana]);
    expect(members.every((m) => m.team_id === emulator.teamId)).toBe(true);
    expect(emulator.memberByEmail('PRIYA.RAMAN@northwind.example')?.id).toBe('U0PRIYA');
  });

  it('can be replaced through the options', async () => {
    await start({
      members: [
        { id: 'U0ONLY', name: 'only', realName: 'Only One', email: 'only@example.com' },
        slackMember({ id: 'U0TWO', name: 'two', realName: 'Two Too' }),
      ],
    });
    expect(emulator.members().map((m) => m.id)).toEqual(['U0ONLY', 'U0TWO']);
    expect(emulator.member('U0ONLY')?.profile).toMatchObject({
      real_name: 'Only One',
      first_name: 'Only',
      last_name: 'One',
      email: 'only@example.com',
    });
    expect(() =>
      emulator.addMember({ id: 'U0DUP', name: 'dup', realName: 'Dup', email: 'ONLY@example.com' }),
    ).toThrow(/unique/);
  });

  it('lets setUser change a member, as it changes anyone else', async () => {
    await start();
    emulator.setUser('U0PRIYA', { isRestricted: true, realName: 'Priya R.' });
    expect(emulator.member('U0PRIYA')).toMatchObject({
      is_restricted: true,
      real_name: 'Priya R.',
      profile: expect.objectContaining({ real_name: 'Priya R.', real_name_normalized: 'Priya R.' }),
    });
    expect(emulator.user('U0PRIYA')).toMatchObject({ isRestricted: true, realName: 'Priya R.' });
  });
});

describe('scopes', () => {
  it('names the bot token scopes in x-oauth-scopes, which WebClient puts in response_metadata', async () => {
    await start();
    const raw = await api(emulator, 'auth.test');
    expect(raw.headers.get('x-oauth-scopes')).toBe(DEFAULT_SCOPES.join(','));
    // Slack's body has no scopes: only the header does.
    expect(raw.body).toMatchObject({ ok: true, user_id: emulator.botUserId, team: 'Acme' });

    const answer = await webClient().auth.test();
    expect(answer).toMatchObject({
      ok: true,
      user_id: 'U0BOT',
      team_id: 'T0ACME',
      bot_id: 'B0BOT',
    });
    expect(answer.response_metadata?.scopes).toEqual([...DEFAULT_SCOPES]);
    expect(DEFAULT_SCOPES).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'users:read', 'users:read.email']),
    );

    const list = await webClient().users.list({});
    expect(list.response_metadata?.acceptedScopes).toEqual(['users:read']);
  });

  it('sends the configured scopes, and none to a token it does not know', async () => {
    await start({ scopes: ['commands', 'chat:write'] });
    expect((await webClient().auth.test()).response_metadata?.scopes).toEqual([
      'commands',
      'chat:write',
    ]);
    const refused = await api(emulator, 'auth.test', {}, { token: 'xoxb-wrong' });
    expect(refused.body.error).toBe('invalid_auth');
    expect(refused.headers.get('x-oauth-scopes')).toBeNull();

    emulator.setScopes([...DEFAULT_SCOPES]);
    expect((await api(emulator, 'auth.test')).headers.get('x-oauth-scopes')).toBe(
      DEFAULT_SCOPES.join(','),
    );
  });

  it('answers missing_scope for a method the token may not call', async () => {
    await start({ scopes: ['commands', 'chat:write'] });
    const error = await failure(webClient().users.info({ user: 'U0PRIYA' }));
    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'users:read',
      provided: 'commands,chat:write',
    });
  });
});

describe('users.lookupByEmail', () => {
  it('finds a member by email, whatever the case, with the email in the answer', async () => {
    await start();
    const { user } = await webClient().users.lookupByEmail({
      email: 'PRIYA.RAMAN@Northwind.example',
    });
    expect(user).toMatchObject({
      id: 'U0PRIYA',
      deleted: false,
      profile: {
        email: 'priya.raman@northwind.example',
        title: 'Customer Success Manager',
        real_name: 'Priya Raman',
      },
    });
    // Slack keeps the email as the person typed it.
    const marcus = await webClient().users.lookupByEmail({
      email: 'marcus.oyelaran@northwind.example',
    });
    expect(marcus.user?.profile?.email).toBe('Marcus.Oyelaran@northwind.example');
    expect(emulator.callsTo('users.lookupByEmail')).toHaveLength(2);
  });

  it('answers users_not_found for no member, and for a deactivated one', async () => {
    await start();
    for (const email of ['nobody@northwind.example', 'dana.kowalski@northwind.example']) {
      const error = await failure(webClient().users.lookupByEmail({ email }));
      expect(error.data).toMatchObject({ ok: false, error: 'users_not_found' });
    }
    // users.list still has the deactivated member.
    const { members } = await webClient().users.list({});
    expect(members?.find((m) => m.id === 'U0DANA')).toMatchObject({ deleted: true });
  });

  it('needs users:read.email', async () => {
    await start({ scopes: WITHOUT_EMAIL });
    const error = await failure(
      webClient().users.lookupByEmail({ email: 'priya.raman@northwind.example' }),
    );
    expect(error.data).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'users:read.email',
      provided: WITHOUT_EMAIL.join(','),
    });
    expect(emulator.callsTo('users.lookupByEmail')).toEqual([
      expect.objectContaining({ ok: false, error: 'missing_scope' }),
    ]);
  });

  it('needs an email', async () => {
    await start();
    const { body } = await api(emulator, 'users.lookupByEmail', {});
    expect(body.error).toBe('invalid_arguments');
  });
});

describe('users.info and users.list', () => {
  it('show profile.email only with users:read.email', async () => {
    await start();
    const withEmail = await webClient().users.info({ user: 'U0HANNAH' });
    expect(withEmail.user?.profile).toMatchObject({
      email: 'hannah.whitfield@northwind.example',
      title: 'Account Executive, EMEA',
      phone: '+44 20 7946 0958',
      display_name: 'Hannah',
    });

    emulator.setScopes(WITHOUT_EMAIL);
    const info = await webClient().users.info({ user: 'U0HANNAH' });
    expect(info.user?.profile).toMatchObject({ title: 'Account Executive, EMEA' });
    expect(info.user?.profile).not.toHaveProperty('email');
    const { members } = await webClient().users.list({});
    expect(members?.length).toBe(emulator.members().length);
    expect(members?.some((m) => m.profile && 'email' in m.profile)).toBe(false);
  });

  it('pages users.list by cursor, every member once, as WebClient.paginate reads it', async () => {
    await start();
    const seen: string[] = [];
    for await (const page of webClient().paginate('users.list', { limit: 2 })) {
      const members = (page as { members?: Array<{ id: string }> }).members ?? [];
      expect(members.length).toBeLessThanOrEqual(2);
      seen.push(...members.map((m) => m.id));
    }
    const all = emulator.members().map((m) => m.id);
    expect(seen).toEqual(all);
    const pages = emulator.callsTo('users.list');
    expect(pages).toHaveLength(Math.ceil(all.length / 2));
    expect(pages[0]?.args.cursor).toBeUndefined();
    expect(pages[1]?.args.cursor).toBe(memberCursor(all[2] ?? ''));
  });

  it('ends with an empty next_cursor, and answers invalid_cursor for a stranger', async () => {
    await start();
    const count = emulator.members().length;
    const all = await api(emulator, 'users.list', {});
    expect(all.body).toMatchObject({ ok: true, response_metadata: { next_cursor: '' } });
    expect((all.body.members as unknown[]).length).toBe(count);
    expect(all.body.cache_ts).toEqual(expect.any(Number));

    const first = await api(emulator, 'users.list', { limit: count - 1 });
    const cursor = obj(first.body.response_metadata).next_cursor;
    expect(cursor).toBe(memberCursor(emulator.members().at(-1)?.id ?? ''));
    const last = await api(emulator, 'users.list', { limit: count - 1, cursor });
    expect((last.body.members as unknown[]).length).toBe(1);
    expect(obj(last.body.response_metadata).next_cursor).toBe('');

    for (const bad of ['not a cursor!', memberCursor('U0NOBODY'), 'dXNlcg==']) {
      expect((await api(emulator, 'users.list', { cursor: bad })).body.error).toBe(
        'invalid_cursor',
      );
    }
    expect((await api(emulator, 'users.list', { limit: -1 })).body.error).toBe('invalid_arguments');
  });

  it('caps a page at 1000 members and asks a large workspace for a limit', async () => {
    const members = Array.from({ length: USERS_LIST_MAX_LIMIT + 5 }, (_, i) =>
      slackMember({ id: `U1${String(i).padStart(5, '0')}`, name: `m${i}`, realName: `M ${i}` }),
    );
    await start({ members });
    expect((await api(emulator, 'users.list', {})).body.error).toBe('limit_required');
    const big = await api(emulator, 'users.list', { limit: 5000 });
    expect((big.body.members as unknown[]).length).toBe(USERS_LIST_MAX_LIMIT);
    const rest = await api(emulator, 'users.list', {
      cursor: obj(big.body.response_metadata).next_cursor,
    });
    expect((rest.body.members as unknown[]).length).toBe(5);
  });

  it('describes a deactivated member briefly, as Slack does', async () => {
    await start();
    const { user } = await webClient().users.info({ user: 'U0DANA' });
    expect(user).toMatchObject({ id: 'U0DANA', deleted: true, name: 'dana.kowalski' });
    expect(user).not.toHaveProperty('tz');
    expect(user?.profile?.real_name).toBe('Dana Kowalski');
  });
});

describe('rate limits', () => {
  it('answers 429 ratelimited with Retry-After beyond a budget, per minute', async () => {
    const clock = fakeClock();
    await start({ now: clock.now, rateLimits: { 'users.list': { perMinute: 3 } } });
    for (let i = 0; i < 3; i += 1) {
      expect((await api(emulator, 'users.list', { limit: 1 })).status).toBe(200);
      clock.advance(10_000);
    }
    const limited = await api(emulator, 'users.list', { limit: 1 });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    // The first call leaves the window 60 s after it was made: 30 s from now.
    expect(limited.headers.get('retry-after')).toBe('30');
    // Other methods have their own budgets.
    expect((await api(emulator, 'users.info', { user: 'U0TOM' })).status).toBe(200);

    clock.advance(30_000);
    expect((await api(emulator, 'users.list', { limit: 1 })).status).toBe(200);
    expect(emulator.callsTo('users.list').map((c) => c.status)).toEqual([200, 200, 200, 429, 200]);

    emulator.setRateLimit('users.list', undefined);
    for (let i = 0; i < 5; i += 1) {
      expect((await api(emulator, 'users.list', { limit: 1 })).status).toBe(200);
    }
    expect(DOCUMENTED_RATE_LIMITS['users.list']).toEqual({ perMinute: 20 });
  });

  it('makes a rejecting WebClient throw a rate-limited error with the Retry-After', async () => {
    await start();
    emulator.rateLimitNext('users.list', { retryAfterSeconds: 7 });
    const raw = await api(emulator, 'users.list', {});
    expect(raw.status).toBe(429);
    expect(raw.headers.get('retry-after')).toBe('7');
    expect(raw.body).toEqual({ ok: false, error: 'ratelimited' });

    emulator.rateLimitNext('users.list', { retryAfterSeconds: 7 });
    const client = webClient({ rejectRateLimitedCalls: true });
    const error = await failure(client.users.list({ limit: 2 }));
    expect(error.code).toBe(ErrorCode.RateLimitedError);
    expect(error.retryAfter).toBe(7);
    expect((await client.users.list({ limit: 2 })).ok).toBe(true);
  });

  it('makes a default WebClient wait Retry-After; without retries it then fails', async () => {
    await start();
    emulator.rateLimitNext('users.list', { retryAfterSeconds: 1 });
    const client = webClient();
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const started = Date.now();
    const error = await failure(client.users.list({ limit: 2 }));
    expect(waits).toEqual([1]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(error.code).toBe(ErrorCode.RequestError);
    expect(emulator.callsTo('users.list')).toHaveLength(1);
  });

  it('lets users.list paging survive ratelimited pages with a retrying WebClient', async () => {
    await start();
    const client = webClient({ retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 } });
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of client.paginate('users.list', { limit: 3 })) {
      pages += 1;
      // The next page is refused once before Slack lets it through.
      if (pages === 1) emulator.rateLimitNext('users.list', { retryAfterSeconds: 1 });
      seen.push(...((page as { members?: Array<{ id: string }> }).members ?? []).map((m) => m.id));
    }
    expect(seen).toEqual(emulator.members().map((m) => m.id));
    expect(waits).toEqual([1]);
    const statuses = emulator.callsTo('users.list').map((c) => c.status);
    expect(statuses.slice(0, 3)).toEqual([200, 429, 200]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(pages);
    // The retried call asked for the same page again.
    const [, limited, retried] = emulator.callsTo('users.list');
    expect(retried?.args.cursor).toBe(limited?.args.cursor);
  });
});

describe('user_change', () => {
  it('is delivered over signed HTTP when a member edits their profile', async () => {
    await start();
    const app = await FakeApp.start();
    cleanups.push(() => app.close());
    const driver = new SlackClientDriver({
      emulator,
      appUrl: app.url,
      signingSecret: SIGNING_SECRET,
    });
    expect(emulator.deliversEvents).toBe(true);

    const delivery = await emulator.updateMemberProfile('U0PRIYA', {
      title: 'VP, Customer Success',
    });
    expect(delivery).toMatchObject({ status: 200, timedOut: false, acknowledged: true });
    const request = app.last();
    expect(request.signatureValid).toBe(true);
    expect(request.headers['content-type']).toBe('application/json');
    const envelope = obj(JSON.parse(request.body));
    expect(envelope).toMatchObject({
      type: 'event_callback',
      token: expect.any(String),
      team_id: emulator.teamId,
      api_app_id: emulator.appId,
      event_id: delivery.eventId,
      event_time: expect.any(Number),
    });
    const event = obj(envelope.event);
    expect(event).toMatchObject({
      type: 'user_change',
      cache_ts: expect.any(Number),
      event_ts: expect.stringMatching(/^\d+\.\d{6}$/),
    });
    const user = obj(event.user);
    expect(user).toMatchObject({
      id: 'U0PRIYA',
      team_id: emulator.teamId,
      deleted: false,
      profile: {
        title: 'VP, Customer Success',
        email: 'priya.raman@northwind.example',
        phone: '+1 415 555 0123',
      },
    });
    expect(delivery.user).toEqual(user);
    expect(emulator.member('U0PRIYA')?.profile.title).toBe('VP, Customer Success');
    const info = await webClient().users.info({ user: 'U0PRIYA' });
    expect(info.user?.profile?.title).toBe('VP, Customer Success');
    expect(emulator.warnings).toEqual([]);

    // The driver's own method does the same through itself.
    const again = await driver.updateMemberProfile('U0PRIYA', { phone: '+1 415 555 0199' });
    expect(again.acknowledged).toBe(true);
    expect(obj(obj(obj(JSON.parse(app.last().body)).event).user).profile).toMatchObject({
      phone: '+1 415 555 0199',
      title: 'VP, Customer Success',
    });
  });

  it('leaves the email out of the event without users:read.email', async () => {
    await start({ scopes: WITHOUT_EMAIL });
    const app = await FakeApp.start();
    cleanups.push(() => app.close());
    new SlackClientDriver({ emulator, appUrl: app.url, signingSecret: SIGNING_SECRET });
    const delivery = await emulator.updateMemberProfile('U0TOM', { display_name: 'Tommy' });
    expect(obj(delivery.user.profile)).not.toHaveProperty('email');
    expect(obj(delivery.user.profile)).toMatchObject({
      display_name: 'Tommy',
      display_name_normalized: 'Tommy',
    });
  });

  it('reports an event the app refuses as not acknowledged, and warns', async () => {
    await start();
    const app = await FakeApp.start();
    cleanups.push(() => app.close());
    app.reply = () => ({ status: 500 });
    new SlackClientDriver({ emulator, appUrl: app.url, signingSecret: SIGNING_SECRET });
    const delivery = await emulator.updateMember('U0MARCUS', { deleted: true });
    expect(delivery).toMatchObject({ status: 500, acknowledged: false });
    expect(delivery.user).toMatchObject({ id: 'U0MARCUS', deleted: true });
    expect(emulator.warnings).toEqual([
      expect.stringMatching(/^user_change Ev\w+: not acknowledged \(HTTP 500/),
    ]);
  });

  it('goes through the first driver unless another takes the events over', async () => {
    await start();
    const first = await FakeApp.start();
    const second = await FakeApp.start();
    cleanups.push(
      () => first.close(),
      () => second.close(),
    );
    const options = { emulator, signingSecret: SIGNING_SECRET };
    new SlackClientDriver({ ...options, appUrl: first.url });
    new SlackClientDriver({ ...options, appUrl: second.url });
    await emulator.updateMemberProfile('U0HANNAH', { title: 'Head of EMEA' });
    expect([first.requests.length, second.requests.length]).toEqual([1, 0]);
    new SlackClientDriver({ ...options, appUrl: second.url, deliverEvents: true });
    await emulator.updateMemberProfile('U0HANNAH', { title: 'VP EMEA' });
    expect([first.requests.length, second.requests.length]).toEqual([1, 1]);
  });

  it('needs a driver, and changes nothing without one', async () => {
    await start();
    await expect(emulator.updateMemberProfile('U0PRIYA', { title: 'CEO' })).rejects.toThrow(
      /no driver delivers events/,
    );
    expect(emulator.member('U0PRIYA')?.profile.title).toBe('Customer Success Manager');
    new SlackClientDriver({ emulator, appUrl: 'http://127.0.0.1:9/', signingSecret: 'x' });
    await expect(emulator.updateMemberProfile('U0NOBODY', { title: 'CEO' })).rejects.toThrow(
      /no member U0NOBODY/,
    );
    // A change nobody hears of: a later users.info shows it.
    emulator.changeMemberSilently('U0PRIYA', { profile: { title: 'Director' } });
    expect((await webClient().users.info({ user: 'U0PRIYA' })).user?.profile?.title).toBe(
      'Director',
    );
  });

  it('is delivered as an events_api envelope in Socket Mode', async () => {
    await start({ appToken: APP_TOKEN });
    const opened = await api(emulator, 'apps.connections.open', {}, { token: APP_TOKEN });
    expect(opened.headers.get('x-oauth-scopes')).toBe('connections:write');
    const ws = new WebSocket(String(opened.body.url));
    cleanups.push(() => ws.terminate());
    const envelopes: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => {
      const message: unknown = JSON.parse(String(data));
      if (!isObject(message) || typeof message.envelope_id !== 'string') return;
      envelopes.push(message);
      ws.send(JSON.stringify({ envelope_id: message.envelope_id }));
    });
    await emulator.socketMode.waitForConnections(1);
    new SlackClientDriver({ emulator, transport: 'socket' });

    const delivery = await emulator.updateMemberProfile('U0SIOBHAN', {
      title: 'Head of Customer Success',
      phone: '+353 1 555 0100',
    });
    expect(delivery).toMatchObject({ status: 200, timedOut: false, acknowledged: true });
    await waitFor(() => envelopes.length === 1);
    const [envelope] = envelopes;
    expect(envelope).toMatchObject({
      type: 'events_api',
      accepts_response_payload: false,
      payload: {
        type: 'event_callback',
        event_id: delivery.eventId,
        event: {
          type: 'user_change',
          user: {
            id: 'U0SIOBHAN',
            real_name: "Siobhán O'Connor",
            profile: {
              title: 'Head of Customer Success',
              phone: '+353 1 555 0100',
              real_name_normalized: "Siobhan O'Connor",
            },
          },
        },
      },
    });
    expect(emulator.socketMode.acks).toEqual([
      expect.objectContaining({ envelopeId: envelope?.envelope_id, awaited: true }),
    ]);
  });
});
