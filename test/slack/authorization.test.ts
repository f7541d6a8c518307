import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { createLogger } from '../../src/logger';
import { SlackEmulator } from '../../src/sandbox/slack';
import {
  createEditorCheck,
  type DenialCode,
  decideEditor,
  type EditorCheckOptions,
  type EditorList,
  type EditorLookupClient,
  editorDeniedMessage,
  type SlackUserFacts,
} from '../../src/slack/authorization';

const TEAM = 'T0ACME';

function facts(changes: Partial<SlackUserFacts> = {}): SlackUserFacts {
  return {
    id: 'U0ALICE',
    teamId: TEAM,
    deleted: false,
    isBot: false,
    isRestricted: false,
    isUltraRestricted: false,
    groups: [],
    ...changes,
  };
}

const LISTED: EditorList = { users: ['U0ALICE'], groups: ['S0EDITORS'] };

describe('decideEditor', () => {
  test.each<[string, Partial<SlackUserFacts>, EditorList | null, DenialCode | 'allowed']>([
    ['a listed user', {}, LISTED, 'allowed'],
    ['a member of a listed group', { id: 'U0BOB', groups: ['S0EDITORS'] }, LISTED, 'allowed'],
    ['someone not listed', { id: 'U0BOB' }, LISTED, 'not_listed'],
    ['a member of another group only', { id: 'U0BOB', groups: ['S0OTHER'] }, LISTED, 'not_listed'],
    ['a listed guest', { isRestricted: true }, LISTED, 'guest'],
    ['a listed single-channel guest', { isUltraRestricted: true }, LISTED, 'guest'],
    [
      'a guest in a listed group',
      { id: 'U0G', isRestricted: true, groups: ['S0EDITORS'] },
      LISTED,
      'guest',
    ],
    ['a listed person of another team', { teamId: 'T0OTHER' }, LISTED, 'other_team'],
    ['someone Slack does not know here', { teamId: null }, LISTED, 'other_team'],
    ['a listed, deactivated account', { deleted: true }, LISTED, 'deleted'],
    ['a listed bot', { isBot: true }, LISTED, 'bot'],
    ['no list: a full member', { id: 'U0ANYONE' }, null, 'allowed'],
    ['no list: a guest', { isRestricted: true }, null, 'guest'],
    ['no list: a single-channel guest', { isUltraRestricted: true }, null, 'guest'],
    ['no list: another team', { teamId: 'T0OTHER' }, null, 'other_team'],
    ['no list: a deactivated account', { deleted: true }, null, 'deleted'],
    ['no list: a bot', { isBot: true }, null, 'bot'],
  ])('%s', (_label, changes, editors, expected) => {
    const decision = decideEditor(facts(changes), { installedTeamId: TEAM, editors });
    if (expected === 'allowed') {
      expect(decision).toEqual({ allowed: true });
    } else {
      expect(decision).toMatchObject({ allowed: false, code: expected });
      if (!decision.allowed) expect(decision.reason.length).toBeGreaterThan(20);
    }
  });

  test('every reason is plain text: it also shows under a form input', () => {
    const codes = new Set<string>();
    for (const changes of [
      { deleted: true },
      { isBot: true },
      { teamId: 'T0OTHER' },
      { isRestricted: true },
      { id: 'U0BOB' },
    ]) {
      const decision = decideEditor(facts(changes), { installedTeamId: TEAM, editors: LISTED });
      if (decision.allowed) throw new Error('expected a refusal');
      codes.add(decision.code);
      expect(decision.reason).not.toMatch(/[<>&*`~]/);
    }
    expect(codes.size).toBe(5);
  });
});

describe('editorDeniedMessage', () => {
  test('says why, and names up to five listed editors for someone not listed', () => {
    const decision = decideEditor(facts({ id: 'U0BOB' }), {
      installedTeamId: TEAM,
      editors: LISTED,
    });
    if (decision.allowed) throw new Error('expected a refusal');
    const message = editorDeniedMessage(decision, {
      users: ['U01', 'U02', 'U03', 'U04', 'U05', 'U06'],
      groups: [],
    });
    expect(message.text).toContain('Only contact editors can change contacts');
    expect(message.text).toContain('<@U01>, <@U02>, <@U03>, <@U04>, <@U05>.');
    expect(message.text).not.toContain('U06');
    expect(message.blocks).toEqual([
      { type: 'section', block_id: 'not_allowed', text: { type: 'mrkdwn', text: message.text } },
    ]);
  });

  test('names nobody to a guest, nor any user group (that would ping it)', () => {
    const guest = editorDeniedMessage(
      { code: 'guest', reason: 'Guests cannot.' },
      { users: ['U01'], groups: ['S01'] },
    );
    expect(guest.text).not.toContain('<@');
    const listed = editorDeniedMessage(
      { code: 'not_listed', reason: 'Not listed.' },
      { users: [], groups: ['S01'] },
    );
    expect(listed.text).not.toContain('subteam');
    expect(listed.text).not.toContain('S01');
  });
});

// ---------------------------------------------------------------------------------------------

class Lines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
  at(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => String(l.msg));
  }
}

interface FakeUser {
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
}

type Behaviour<T> = T | Error | { delayMs: number; answer: T | Error } | 'hang';

function slackError(code: string): Error {
  return Object.assign(new Error(`An API error occurred: ${code}`), {
    data: { ok: false, error: code },
  });
}

function isDelayed<T>(b: Behaviour<T> | undefined): b is { delayMs: number; answer: T | Error } {
  return typeof b === 'object' && b !== null && 'delayMs' in b;
}

/** A Web API stand-in: answers from tables, records each call with its start and end. */
class FakeSlack implements EditorLookupClient {
  readonly calls: { method: string; arg: string; startedAt: number; endedAt?: number }[] = [];
  team: Behaviour<string> = TEAM;
  readonly people = new Map<string, Behaviour<FakeUser>>();
  readonly groupsTable = new Map<string, Behaviour<string[]>>();

  private async reply<T>(method: string, arg: string, behaviour: Behaviour<T> | undefined) {
    const call: (typeof this.calls)[number] = { method, arg, startedAt: performance.now() };
    this.calls.push(call);
    try {
      if (behaviour === 'hang') return await new Promise<never>(() => {});
      let outcome: T | Error | undefined;
      if (isDelayed(behaviour)) {
        await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
        outcome = behaviour.answer;
      } else {
        outcome = behaviour;
      }
      if (outcome instanceof Error) throw outcome;
      if (outcome === undefined) {
        throw slackError(method === 'users.info' ? 'user_not_found' : 'no_such_subteam');
      }
      return outcome;
    } finally {
      call.endedAt = performance.now();
    }
  }

  auth = {
    test: async () => ({ team_id: await this.reply('auth.test', '', this.team) }),
  };
  users = {
    info: async ({ user }: { user: string }) => ({
      user: await this.reply('users.info', user, this.people.get(user) ?? { team_id: TEAM }),
    }),
  };
  usergroups = {
    users: {
      list: async ({ usergroup }: { usergroup: string }) => ({
        users: await this.reply(
          'usergroups.users.list',
          usergroup,
          this.groupsTable.get(usergroup),
        ),
      }),
    },
  };

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}

function setup(options: Partial<EditorCheckOptions> & { editors?: EditorList | null } = {}) {
  const slack = new FakeSlack();
  const logs = new Lines();
  let clock = 1_700_000_000_000;
  const check = createEditorCheck({
    client: slack,
    logger: createLogger('debug', logs),
    editors: options.editors === undefined ? LISTED : options.editors,
    now: () => clock,
    deadlineMs: 200,
    ...options,
  });
  return {
    slack,
    logs,
    check,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('createEditorCheck', () => {
  test('warns at start when CONTACT_EDITORS is unset, and not otherwise', () => {
    const open = setup({ editors: null });
    expect(open.logs.at('warn')).toEqual([
      expect.stringContaining('CONTACT_EDITORS is not set: every full member'),
    ]);
    expect(setup().logs.at('warn')).toEqual([]);
  });

  test('without a list, a full member may edit and a guest may not', async () => {
    const { slack, check } = setup({ editors: null });
    slack.people.set('U0GUEST', { team_id: TEAM, is_restricted: true });
    expect(await check.check({ userId: 'U0ANYONE' })).toEqual({ allowed: true });
    expect(await check.check({ userId: 'U0GUEST' })).toMatchObject({ code: 'guest' });
    expect(slack.count('usergroups.users.list')).toBe(0);
  });

  test('a second check within the TTL makes no Web API call; after the TTL it does', async () => {
    const { slack, check, advance } = setup({ ttlMs: 60_000 });
    slack.groupsTable.set('S0EDITORS', ['U0BOB']);
    expect(await check.check({ userId: 'U0BOB', teamId: TEAM })).toEqual({ allowed: true });
    expect(slack.calls.map((c) => c.method).sort()).toEqual([
      'auth.test',
      'usergroups.users.list',
      'users.info',
    ]);

    advance(59_000);
    expect(await check.check({ userId: 'U0BOB', teamId: TEAM })).toEqual({ allowed: true });
    expect(slack.calls).toHaveLength(3);

    advance(2_000);
    slack.groupsTable.set('S0EDITORS', []);
    expect(await check.check({ userId: 'U0BOB', teamId: TEAM })).toMatchObject({
      allowed: false,
      code: 'not_listed',
    });
    // auth.test is asked once for good: a bot token belongs to one team.
    expect(slack.count('auth.test')).toBe(1);
    expect(slack.count('users.info')).toBe(2);
    expect(slack.count('usergroups.users.list')).toBe(2);
  });

  test('users.info and the group lookups run in parallel', async () => {
    const { slack, check } = setup({
      deadlineMs: 2_000,
      editors: { users: [], groups: ['S0A', 'S0B'] },
    });
    // One after another they would take 1.2 s; side by side about 0.4 s (wide margin for CI).
    slack.people.set('U0BOB', { delayMs: 400, answer: { team_id: TEAM } });
    slack.groupsTable.set('S0A', { delayMs: 400, answer: [] });
    slack.groupsTable.set('S0B', { delayMs: 400, answer: ['U0BOB'] });
    const started = performance.now();
    expect(await check.check({ userId: 'U0BOB' })).toEqual({ allowed: true });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1_000);
    const lookups = slack.calls.filter((c) => c.method !== 'auth.test');
    expect(lookups).toHaveLength(3);
    const lastStart = Math.max(...lookups.map((c) => c.startedAt));
    const firstEnd = Math.min(...lookups.map((c) => c.endedAt ?? Infinity));
    expect(lastStart).toBeLessThan(firstEnd);
  });

  test('a directly listed person needs no group lookup', async () => {
    const { slack, check } = setup();
    expect(await check.check({ userId: 'U0ALICE' })).toEqual({ allowed: true });
    expect(slack.count('usergroups.users.list')).toBe(0);
  });

  test('a payload from another team is refused at no cost once the team is known', async () => {
    const { slack, check } = setup();
    await check.check({ userId: 'U0ALICE', teamId: TEAM });
    const before = slack.calls.length;
    expect(await check.check({ userId: 'U0EXT', teamId: 'T0OTHER' })).toMatchObject({
      allowed: false,
      code: 'other_team',
    });
    expect(slack.calls).toHaveLength(before);
  });

  test('users.info decides the team even when the payload names ours (a command)', async () => {
    const { slack, check } = setup();
    slack.people.set('U0ALICE', { team_id: 'T0OTHER' });
    expect(await check.check({ userId: 'U0ALICE', teamId: TEAM })).toMatchObject({
      code: 'other_team',
    });
  });

  test('someone Slack does not know here is refused as not a member', async () => {
    const { slack, check } = setup({ editors: null });
    slack.people.set('U0GHOST', slackError('user_not_found'));
    expect(await check.check({ userId: 'U0GHOST' })).toMatchObject({ code: 'other_team' });
  });

  test('a lookup that outlives the deadline refuses in time (fail closed) and is logged', async () => {
    const { slack, check, logs } = setup({ deadlineMs: 100 });
    slack.people.set('U0ALICE', 'hang');
    const started = performance.now();
    const decision = await check.check({ userId: 'U0ALICE' });
    // The lookup never answers: only the deadline can end the wait (margin for a busy machine).
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(decision).toMatchObject({ allowed: false, code: 'unverified' });
    if (!decision.allowed) expect(decision.reason).toContain('try again');
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        slackUser: 'U0ALICE',
        failures: { 'users.info': 'timeout' },
      }),
    );
  });

  test('a late answer is kept: the retry is allowed at once', async () => {
    const { slack, check } = setup({ deadlineMs: 50 });
    slack.people.set('U0ALICE', { delayMs: 120, answer: { team_id: TEAM } });
    expect(await check.check({ userId: 'U0ALICE' })).toMatchObject({ code: 'unverified' });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await check.check({ userId: 'U0ALICE' })).toEqual({ allowed: true });
    expect(slack.count('users.info')).toBe(1);
  });

  test('a failed lookup is not remembered: the next check asks again', async () => {
    const { slack, check } = setup();
    slack.people.set('U0ALICE', slackError('ratelimited'));
    expect(await check.check({ userId: 'U0ALICE' })).toMatchObject({ code: 'unverified' });
    slack.people.set('U0ALICE', { team_id: TEAM });
    expect(await check.check({ userId: 'U0ALICE' })).toEqual({ allowed: true });
    expect(slack.count('users.info')).toBe(2);
  });

  test('auth.test failing refuses, and is asked again next time', async () => {
    const { slack, check } = setup();
    slack.team = slackError('fatal_error');
    expect(await check.check({ userId: 'U0ALICE' })).toMatchObject({ code: 'unverified' });
    slack.team = TEAM;
    expect(await check.check({ userId: 'U0ALICE' })).toEqual({ allowed: true });
    expect(slack.count('auth.test')).toBe(2);
  });

  test('an injected installed team is used instead of auth.test', async () => {
    const { slack, check } = setup({ installedTeamId: () => 'T0OTHER' });
    slack.people.set('U0ALICE', { team_id: 'T0OTHER' });
    expect(await check.check({ userId: 'U0ALICE' })).toEqual({ allowed: true });
    expect(slack.count('auth.test')).toBe(0);
  });

  test('a group that failed makes "not listed" unsure; another group that answers may allow', async () => {
    const { slack, check } = setup({ editors: { users: [], groups: ['S0DOWN', 'S0UP'] } });
    slack.groupsTable.set('S0DOWN', slackError('internal_error'));
    slack.groupsTable.set('S0UP', ['U0BOB']);
    expect(await check.check({ userId: 'U0BOB' })).toEqual({ allowed: true });
    expect(await check.check({ userId: 'U0CAROL' })).toMatchObject({ code: 'unverified' });
  });

  test('a guest is refused even while a group lookup fails', async () => {
    const { slack, check } = setup({ editors: { users: [], groups: ['S0DOWN'] } });
    slack.groupsTable.set('S0DOWN', slackError('internal_error'));
    slack.people.set('U0GUEST', { team_id: TEAM, is_ultra_restricted: true });
    expect(await check.check({ userId: 'U0GUEST' })).toMatchObject({ code: 'guest' });
  });

  test('a group Slack does not know counts as empty, with an error in the log', async () => {
    const { check, logs } = setup({ editors: { users: [], groups: ['S0GONE'] } });
    expect(await check.check({ userId: 'U0BOB' })).toMatchObject({ code: 'not_listed' });
    expect(logs.at('error')).toEqual([expect.stringContaining('user group Slack does not know')]);
  });

  test('a missing scope is logged as an error naming the scopes, and the person is not told to retry', async () => {
    const { slack, check, logs } = setup({ editors: { users: [], groups: ['S0A'] } });
    slack.groupsTable.set('S0A', slackError('missing_scope'));
    const decision = await check.check({ userId: 'U0BOB' });
    expect(decision).toMatchObject({ code: 'unverified' });
    expect(decision.allowed === false && decision.reason).toMatch(/missing a permission/);
    expect(decision.allowed === false && decision.reason).not.toMatch(/try again/);
    expect(logs.at('error')).toEqual([expect.stringContaining('usergroups:read')]);
  });

  test('concurrent checks of one person share one users.info', async () => {
    const { slack, check } = setup();
    slack.people.set('U0ALICE', { delayMs: 30, answer: { team_id: TEAM } });
    const decisions = await Promise.all([1, 2, 3].map(() => check.check({ userId: 'U0ALICE' })));
    expect(decisions).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(slack.count('users.info')).toBe(1);
  });

  test('the cache keeps at most maxEntries people', async () => {
    const { slack, check } = setup({ editors: null, maxEntries: 2 });
    for (const id of ['U0A', 'U0B', 'U0C']) await check.check({ userId: id });
    await check.check({ userId: 'U0C' });
    expect(slack.count('users.info')).toBe(3);
    await check.check({ userId: 'U0A' });
    expect(slack.count('users.info')).toBe(4);
  });

  test('refusals are logged with the person and the reason code, nothing else', async () => {
    const { slack, check, logs } = setup();
    slack.people.set('U0GUEST', { team_id: TEAM, is_restricted: true });
    await check.check({ userId: 'U0GUEST' });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 'info', slackUser: 'U0GUEST', code: 'guest' }),
    );
  });
});

describe('createEditorCheck against the emulated Slack Web API', () => {
  let emulator: SlackEmulator;
  beforeEach(async () => {
    emulator = await SlackEmulator.start({ botToken: 'xoxb-authz-test' });
  });
  afterEach(() => emulator.close());

  const client = () =>
    new WebClient('xoxb-authz-test', {
      slackApiUrl: emulator.apiUrl,
      retryConfig: { retries: 0 },
    });

  test('users.info and usergroups.users.list reach Slack at the same time', async () => {
    emulator.setUserGroup('S0EDITORS', ['U0BOB']);
    const check = createEditorCheck({
      client: client(),
      logger: createLogger('silent'),
      editors: { users: [], groups: ['S0EDITORS'] },
      installedTeamId: () => 'T0ACME',
    });
    // Each lookup takes 900 ms and the check's deadline is 1.5 s: one after the other they
    // would miss it and refuse; side by side they fit, with a wide margin either way.
    emulator.failNext('users.info', { delayMs: 900 });
    emulator.failNext('usergroups.users.list', { delayMs: 900 });
    expect(await check.check({ userId: 'U0BOB' })).toEqual({ allowed: true });
    const [info] = emulator.callsTo('users.info');
    const [group] = emulator.callsTo('usergroups.users.list');
    expect(Math.abs((info?.at ?? 0) - (group?.at ?? Infinity))).toBeLessThan(600);
  });

  test('guests, other teams and deactivated accounts, as Slack describes them', async () => {
    emulator.setUser('U0GUEST', { isRestricted: true });
    emulator.setUser('U0ONE', { isUltraRestricted: true });
    emulator.setUser('U0EXT', { teamId: 'T0OTHER' });
    emulator.setUser('U0GONE', { deleted: true });
    emulator.setUser('U0APP', { isBot: true });
    const check = createEditorCheck({
      client: client(),
      logger: createLogger('silent'),
      editors: { users: ['U0ALICE', 'U0GUEST', 'U0ONE', 'U0EXT', 'U0GONE', 'U0APP'], groups: [] },
    });
    const codes: Record<string, string> = {};
    for (const id of ['U0ALICE', 'U0GUEST', 'U0ONE', 'U0EXT', 'U0GONE', 'U0APP']) {
      const decision = await check.check({ userId: id });
      codes[id] = decision.allowed ? 'allowed' : decision.code;
    }
    expect(codes).toEqual({
      U0ALICE: 'allowed',
      U0GUEST: 'guest',
      U0ONE: 'guest',
      U0EXT: 'other_team',
      U0GONE: 'deleted',
      U0APP: 'bot',
    });
    expect(emulator.callsTo('auth.test')).toHaveLength(1);
  });
});
