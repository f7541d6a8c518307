import { webApi } from '@slack/bolt';
import type { SlackEmulator } from '../../../src/sandbox/slack';
import { api, BOT_TOKEN, obj, plain, startEmulator } from './helpers';

let emulator: SlackEmulator;

beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(() => emulator.close());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('auth', () => {
  it('answers auth.test for the bot token', async () => {
    const { status, body } = await api(emulator, 'auth.test');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      url: 'https://acme.slack.com/',
      team: 'Acme',
      user: 'contactbot',
      team_id: 'T0ACME',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
    });
  });

  it('refuses a missing or wrong token and unknown methods', async () => {
    expect((await api(emulator, 'auth.test', {}, { token: null })).body.error).toBe('not_authed');
    expect((await api(emulator, 'auth.test', {}, { token: 'xoxb-other' })).body.error).toBe(
      'invalid_auth',
    );
    expect((await api(emulator, 'chat.meMessage')).body.error).toBe('unknown_method');
    expect(emulator.calls.map((c) => [c.method, c.error])).toEqual([
      ['auth.test', 'not_authed'],
      ['auth.test', 'invalid_auth'],
      ['chat.meMessage', 'unknown_method'],
    ]);
  });
});

describe('chat.postMessage', () => {
  it('posts to a channel the bot is in and records the message', async () => {
    const blocks = [section('*Ada* updated')];
    const { body } = await api(emulator, 'chat.postMessage', {
      channel: 'C0UPD',
      text: 'Ada updated',
      blocks,
    });
    expect(body).toMatchObject({ ok: true, channel: 'C0UPD' });
    expect(body.ts).toMatch(/^\d+\.\d{6}$/);
    expect(obj(body.message)).toMatchObject({ type: 'message', user: 'U0BOT', bot_id: 'B0BOT' });
    expect(emulator.messages).toEqual([
      expect.objectContaining({
        kind: 'channel',
        channel: 'C0UPD',
        ts: body.ts,
        text: 'Ada updated',
      }),
    ]);
    expect(emulator.callsTo('chat.postMessage')[0]?.args.blocks).toEqual(blocks);
    expect(emulator.warnings).toEqual([]);
  });

  it.each([
    [{ exists: false }, 'channel_not_found'],
    [{ isMember: false }, 'not_in_channel'],
    [{ isMember: false, isPrivate: true }, 'channel_not_found'],
    [{ isArchived: true }, 'is_archived'],
  ])('refuses channel %j with %s', async (config, error) => {
    emulator.setChannel('C0X', config);
    const { body } = await api(emulator, 'chat.postMessage', { channel: 'C0X', text: 'hi' });
    expect(body).toEqual({ ok: false, error });
    expect(emulator.messages).toEqual([]);
  });

  it('treats a user id as the DM with the bot', async () => {
    const { body } = await api(emulator, 'chat.postMessage', { channel: 'U0ALICE', text: 'hi' });
    expect(body.channel).toBe('D0ALICE');
    expect(emulator.messages[0]?.kind).toBe('dm');
  });

  it('cannot post into a DM between other people', async () => {
    emulator.setChannel('D0THEIRS', { isMember: false });
    const { body } = await api(emulator, 'chat.postMessage', { channel: 'D0THEIRS', text: 'hi' });
    expect(body).toEqual({ ok: false, error: 'channel_not_found' });
    const info = await api(emulator, 'conversations.info', { channel: 'D0THEIRS' });
    expect(info.body.error).toBe('channel_not_found');
  });

  it('needs text or blocks and valid blocks', async () => {
    expect((await api(emulator, 'chat.postMessage', { channel: 'C0UPD' })).body.error).toBe(
      'no_text',
    );
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const many = await api(emulator, 'chat.postMessage', {
      channel: 'C0UPD',
      text: 't',
      blocks: tooMany,
    });
    expect(many.body.error).toBe('invalid_blocks');
    const header = { type: 'header', text: plain('h'.repeat(151)) };
    const long = await api(emulator, 'chat.postMessage', {
      channel: 'C0UPD',
      text: 't',
      blocks: [header],
    });
    expect(long.body.errors).toEqual([
      'must be at most 150 characters [json-pointer:/blocks/0/text/text]',
    ]);
    const input = { type: 'input', label: plain('l'), element: { type: 'plain_text_input' } };
    const inMessage = await api(emulator, 'chat.postMessage', {
      channel: 'C0UPD',
      text: 't',
      blocks: [input],
    });
    expect(inMessage.body.error).toBe('invalid_blocks');
    const broken = await api(emulator, 'chat.postMessage', { channel: 'C0UPD', blocks: '[{' });
    expect(broken.body.error).toBe('invalid_blocks_format');
  });

  it('warns about blocks without a text fallback, link_names and broadcasts', async () => {
    await api(emulator, 'chat.postMessage', { channel: 'C0UPD', blocks: [section('hello')] });
    await api(emulator, 'chat.postMessage', { channel: 'C0UPD', text: 'x', link_names: true });
    await api(emulator, 'chat.postMessage', {
      channel: 'C0UPD',
      text: 'Job title: VP',
      blocks: [section('Job title: <!channel> VP')],
    });
    expect(emulator.warnings).toEqual([
      'chat.postMessage: blocks without a text fallback',
      'chat.postMessage: link_names is set, so @names in the text become mentions',
      'chat.postMessage: message would notify many people: <!channel>',
    ]);
  });

  it('accepts a JSON body', async () => {
    const { body } = await api(
      emulator,
      'chat.postMessage',
      { channel: 'C0UPD', text: 'json', blocks: [section('json')] },
      { json: true },
    );
    expect(body.ok).toBe(true);
    expect(emulator.messages[0]?.blocks[0]).toMatchObject(section('json'));
  });

  it("works with the official WebClient's encoding", async () => {
    const client = new webApi.WebClient(BOT_TOKEN, {
      slackApiUrl: emulator.apiUrl,
      retryConfig: { retries: 0 },
      // Its own missing-text warning would only add noise: the emulator records that itself.
      logLevel: webApi.LogLevel.ERROR,
    });
    const result = await client.chat.postMessage({
      channel: 'C0UPD',
      text: 'from WebClient',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'from *WebClient*' } }],
    });
    expect(result.ok).toBe(true);
    expect(emulator.callsTo('chat.postMessage')[0]?.args.blocks).toEqual([
      section('from *WebClient*'),
    ]);
    await expect(client.chat.postMessage({ channel: 'C0UPD' } as never)).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
  });
});

describe('chat.postEphemeral', () => {
  it('posts to one person and checks membership', async () => {
    const { body } = await api(emulator, 'chat.postEphemeral', {
      channel: 'C0OPS',
      user: 'U0ALICE',
      text: 'only you',
    });
    expect(body.ok).toBe(true);
    expect(emulator.messages[0]).toMatchObject({
      kind: 'ephemeral',
      channel: 'C0OPS',
      user: 'U0ALICE',
      ts: body.message_ts,
    });
    emulator.setChannel('C0OPS', { members: ['U0BOB'] });
    const outsider = await api(emulator, 'chat.postEphemeral', {
      channel: 'C0OPS',
      user: 'U0ALICE',
      text: 'x',
    });
    expect(outsider.body.error).toBe('user_not_in_channel');
    emulator.setChannel('C0OPS', { isMember: false });
    const absent = await api(emulator, 'chat.postEphemeral', {
      channel: 'C0OPS',
      user: 'U0BOB',
      text: 'x',
    });
    expect(absent.body.error).toBe('not_in_channel');
  });
});

describe('users.info and conversations.info', () => {
  it('describes users as configured', async () => {
    emulator.setUser('U0GUEST', { isRestricted: true, teamId: 'T0OTHER' });
    const guest = obj((await api(emulator, 'users.info', { user: 'U0GUEST' })).body.user);
    expect(guest).toMatchObject({
      id: 'U0GUEST',
      team_id: 'T0OTHER',
      is_restricted: true,
      is_ultra_restricted: false,
      is_admin: false,
      deleted: false,
      is_bot: false,
    });
    expect(obj(guest.profile).display_name).toBe('guest');
    expect((await api(emulator, 'users.info', { user: 'nobody' })).body.error).toBe(
      'user_not_found',
    );
    emulator.setUser('U0GONE', { deleted: true });
    expect(obj((await api(emulator, 'users.info', { user: 'U0GONE' })).body.user).deleted).toBe(
      true,
    );
  });

  it('describes channels as configured', async () => {
    emulator.setChannel('C0SHARED', { name: 'partners', isExtShared: true, isMember: false });
    const channel = obj(
      (await api(emulator, 'conversations.info', { channel: 'C0SHARED' })).body.channel,
    );
    expect(channel).toMatchObject({
      id: 'C0SHARED',
      name: 'partners',
      is_private: false,
      is_member: false,
      is_ext_shared: true,
      is_archived: false,
    });
    emulator.setChannel('G0SECRET', { isPrivate: true, isMember: false });
    const secret = await api(emulator, 'conversations.info', { channel: 'G0SECRET' });
    expect(secret.body.error).toBe('channel_not_found');
  });
});

describe('usergroups.users.list', () => {
  it('lists the members set with setUserGroup, and refuses unknown groups', async () => {
    emulator.setUserGroup('S0EDITORS', ['U0ALICE', 'U0BOB']);
    const { body } = await api(emulator, 'usergroups.users.list', { usergroup: 'S0EDITORS' });
    expect(body).toEqual({ ok: true, users: ['U0ALICE', 'U0BOB'] });

    emulator.setUserGroup('S0EDITORS', ['U0CAROL']);
    const replaced = await api(emulator, 'usergroups.users.list', { usergroup: 'S0EDITORS' });
    expect(replaced.body.users).toEqual(['U0CAROL']);

    const unknown = await api(emulator, 'usergroups.users.list', { usergroup: 'S0NOPE' });
    expect(unknown.body).toEqual({ ok: false, error: 'no_such_subteam' });
    const missing = await api(emulator, 'usergroups.users.list');
    expect(missing.body.error).toBe('invalid_arguments');
    expect(emulator.callsTo('usergroups.users.list').map((c) => c.ok)).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('keeps its own copy of the members', async () => {
    const members = ['U0ALICE'];
    emulator.setUserGroup('S0EDITORS', members);
    members.push('U0MALLORY');
    const { body } = await api(emulator, 'usergroups.users.list', { usergroup: 'S0EDITORS' });
    expect(body.users).toEqual(['U0ALICE']);
  });
});
