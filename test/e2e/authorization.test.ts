import { WebClient } from '@slack/web-api';
import { contactFormView } from '../../src/slack/views/contactForm';
import { type Harness, SECRETS, startHarness, waitFor } from './harness';

const CONTACT_ID = 'ic_7Qm2xK9a';

/**
 * Waits until the app has settled (every listener's work is tracked), so that a wrongly
 * started form or save would show before asserting that none did.
 */
const settled = (h: Harness) => h.settle();

async function refusedCommand(h: Harness, userId: string) {
  const opensBefore = h.slack.callsTo('views.open').length;
  const ack = await h.driver.slashCommand({ text: `update ${CONTACT_ID}`, userId });
  expect(ack.status).toBe(200);
  expect(ack.ms).toBeLessThan(3_000);
  const body = ack.json as { response_type?: string; text?: string };
  expect(body.response_type).toBe('ephemeral');
  await settled(h);
  expect(h.slack.callsTo('views.open')).toHaveLength(opensBefore);
  // The driver shows the acknowledgement as Slack does: to this person only.
  const shown = h.slack.messages.at(-1);
  expect(shown).toMatchObject({ kind: 'ephemeral', user: userId });
  return body.text ?? '';
}

async function openForm(h: Harness, userId = 'U0ALICE') {
  const ack = await h.driver.slashCommand({ text: `update ${CONTACT_ID}`, userId });
  expect(ack.json).toBeUndefined();
  return waitFor(() => h.slack.topView(userId), `the form for ${userId}`);
}

/** Saves a change as an editor, so that a confirmation with its Edit button is in C0OPS. */
async function postConfirmation(h: Harness) {
  const view = await openForm(h, 'U0ALICE');
  h.slack.typeInto(view.id, 'job_title', 'Head of Finance');
  await h.driver.submitView(view.id);
  await h.settle();
  return waitFor(
    () => h.slack.messages.find((m) => m.kind === 'channel' && m.channel === 'C0OPS'),
    'the confirmation',
  );
}

/** The bot's form for CONTACT_ID, opened for `userId` without the command (and its check). */
async function openFormDirectly(h: Harness, userId: string): Promise<string> {
  const slack = new WebClient(SECRETS.botToken, { slackApiUrl: h.slack.apiUrl });
  const view = contactFormView({
    contactId: CONTACT_ID,
    values: {},
    clear: [],
    baseline: null,
    origin: { channelId: 'C0OPS', responseUrl: null },
  });
  const opened = await slack.views.open({ trigger_id: h.slack.issueTriggerId(userId), view });
  return opened.view?.id ?? '';
}

describe('CONTACT_EDITORS set: listed people and groups only', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      contactEditors: 'U0ALICE, U0GUEST, U0SOLO, U0EXT, S0EDITORS',
    });
    h.slack.setUserGroup('S0EDITORS', ['U0CAROL']);
    h.slack.setUser('U0GUEST', { isRestricted: true });
    h.slack.setUser('U0SOLO', { isUltraRestricted: true });
    h.slack.setUser('U0EXT', { teamId: 'T0PARTNER' });
    h.slack.setUser('U0EXT2', { teamId: 'T0PARTNER' });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    for (const view of h.slack.openViews()) h.slack.closeView(view.id, { all: true });
  });

  test('someone not listed: the command answers why and whom to ask; no form opens', async () => {
    const text = await refusedCommand(h, 'U0BOB');
    expect(text).toContain('Only contact editors can change contacts in Stuut');
    expect(text).toContain('CONTACT_EDITORS');
    expect(text).toContain('<@U0ALICE>');
    expect(h.stuut.patchCount()).toBe(0);
  });

  test.each([
    ['a listed multi-channel guest', 'U0GUEST'],
    ['a listed single-channel guest', 'U0SOLO'],
  ])('%s is refused', async (_label, userId) => {
    const text = await refusedCommand(h, userId);
    expect(text).toContain('Guests cannot update contacts');
  });

  test('a listed person from another organisation (shared channel) is refused', async () => {
    const text = await refusedCommand(h, 'U0EXT');
    expect(text).toContain('another organisation');
  });

  test('a member of a listed user group may edit, and the save goes through', async () => {
    const view = await openForm(h, 'U0CAROL');
    h.slack.typeInto(view.id, 'given_name', 'Ana');
    const ack = await h.driver.submitView(view.id);
    expect(ack.json).toMatchObject({ response_action: 'update' });
    await h.settle();
    expect(h.stuut.requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({
      given_name: 'Ana',
    });
    expect(h.slack.callsTo('usergroups.users.list').at(-1)?.args).toMatchObject({
      usergroup: 'S0EDITORS',
    });
  });

  test('a form submitted by someone not listed: an inline refusal, no PATCH', async () => {
    // A form they got hold of: opened before they lost the right, or forged.
    const viewId = await openFormDirectly(h, 'U0BOB');
    h.slack.typeInto(viewId, 'job_title', 'Owner');
    const patchesBefore = h.stuut.patchCount();

    const ack = await h.driver.submitView(viewId);
    expect(ack.ms).toBeLessThan(3_000);
    expect(ack.json).toEqual({
      response_action: 'errors',
      errors: { email: expect.stringContaining('Only contact editors') },
    });
    await settled(h);
    expect(h.stuut.patchCount()).toBe(patchesBefore);
    // The form stays, with the refusal under its first input and what was typed kept.
    const shown = h.slack.getView(viewId);
    expect(shown?.errors?.email).toContain('Only contact editors');
    expect(shown?.state.values.job_title?.value?.value).toBe('Owner');
    expect(h.slack.warnings).toEqual([]);
  });

  test("an editor's form submitted as someone else is refused too", async () => {
    const view = await openForm(h, 'U0ALICE');
    h.slack.typeInto(view.id, 'job_title', 'Forged');
    const patchesBefore = h.stuut.patchCount();
    const ack = await h.driver.submitView(view.id, { userId: 'U0GUEST' });
    expect(ack.json).toMatchObject({
      response_action: 'errors',
      errors: { email: expect.stringContaining('Guests cannot') },
    });
    await settled(h);
    expect(h.stuut.patchCount()).toBe(patchesBefore);
  });

  test('the Edit button, pressed by someone not listed: an ephemeral refusal, no form', async () => {
    const post = await postConfirmation(h);
    const opensBefore = h.slack.callsTo('views.open').length;
    const messagesBefore = h.slack.messages.length;
    const ack = await h.driver.clickButton({
      actionId: 'contact_edit',
      messageTs: post.ts,
      userId: 'U0BOB',
    });
    expect(ack.status).toBe(200);
    const refusal = await waitFor(
      () => h.slack.messages.slice(messagesBefore).find((m) => m.user === 'U0BOB'),
      'the refusal',
    );
    expect(refusal.kind).toBe('response_url');
    expect(refusal.text).toContain('<@U0ALICE>');
    await settled(h);
    expect(h.slack.callsTo('views.open')).toHaveLength(opensBefore);
    expect(h.slack.topView('U0BOB')).toBeUndefined();
  });

  test('the Edit button, from another organisation: refused on the payload alone, no lookup', async () => {
    const post = await postConfirmation(h);
    const opensBefore = h.slack.callsTo('views.open').length;
    await h.driver.clickButton({ actionId: 'contact_edit', messageTs: post.ts, userId: 'U0EXT2' });
    const refusal = await waitFor(
      () => h.slack.messages.find((m) => m.user === 'U0EXT2'),
      'the refusal',
    );
    expect(refusal.text).toContain('another organisation');
    await settled(h);
    expect(h.slack.callsTo('views.open')).toHaveLength(opensBefore);
    expect(h.slack.callsTo('users.info').filter((c) => c.args.user === 'U0EXT2')).toEqual([]);
  });

  test('the Edit button, pressed by an editor, still opens the form', async () => {
    const post = await postConfirmation(h);
    await h.driver.clickButton({ actionId: 'contact_edit', messageTs: post.ts, userId: 'U0CAROL' });
    const view = await waitFor(() => h.slack.topView('U0CAROL'), 'the form');
    expect(view.callback_id).toBe('contact_update');
  });

  test('refusals are logged with the person and a reason code', () => {
    const refusals = h.logs.entries().filter((e) => e.msg === 'editor refused');
    expect(refusals).toContainEqual(
      expect.objectContaining({ slackUser: 'U0BOB', code: 'not_listed' }),
    );
    expect(refusals).toContainEqual(
      expect.objectContaining({ slackUser: 'U0GUEST', code: 'guest' }),
    );
    expect(refusals).toContainEqual(
      expect.objectContaining({ slackUser: 'U0EXT', code: 'other_team' }),
    );
  });
});

describe('CONTACT_EDITORS unset: every full member of the workspace', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.slack.setUser('U0GUEST', { isRestricted: true });
    h.slack.setUser('U0EXT', { teamId: 'T0PARTNER' });
  });
  afterAll(async () => {
    await h.close();
  });

  test('a warning at start says so', () => {
    expect(h.logs.entries()).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringContaining('CONTACT_EDITORS is not set'),
      }),
    );
  });

  test('a full member opens the form', async () => {
    const view = await openForm(h, 'U0DAVE');
    expect(view.callback_id).toBe('contact_update');
  });

  test('a guest and someone from another organisation are still refused', async () => {
    expect(await refusedCommand(h, 'U0GUEST')).toContain('Guests cannot');
    expect(await refusedCommand(h, 'U0EXT')).toContain('another organisation');
  });
});

describe('a slow users.info never costs the trigger', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ contactEditors: 'U0ALICE' });
  });
  afterEach(async () => {
    await h.close();
  });

  test('not yet known: refused with "try again" inside the deadline; the retry opens the form', async () => {
    h.slack.failNext('users.info', { delayMs: 2_500 });
    const first = await h.driver.slashCommand({ text: `update ${CONTACT_ID}` });
    // The check gives up at 1.5 s; the acknowledgement follows at once.
    expect(first.ms).toBeGreaterThanOrEqual(1_400);
    expect(first.ms).toBeLessThan(2_000);
    expect((first.json as { text?: string }).text).toContain('try again');
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    expect(h.logs.entries()).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        slackUser: 'U0ALICE',
        failures: { 'users.info': 'timeout' },
      }),
    );

    // The late answer is kept, so trying again is instant.
    await waitFor(() => h.slack.callsTo('users.info')[0]?.ok, 'the late users.info answer');
    const sent = Date.now();
    const second = await h.driver.slashCommand({ text: `update ${CONTACT_ID}` });
    expect(second.ms).toBeLessThan(500);
    await waitFor(() => h.slack.openViews()[0], 'the form');
    const [open] = h.slack.callsTo('views.open');
    expect(open?.ok).toBe(true);
    expect((open?.at ?? Infinity) - sent).toBeLessThan(1_000);
    expect(h.slack.callsTo('users.info')).toHaveLength(1);
  });

  test('a slow check at Save comes out of the acknowledgement budget, not on top of it', async () => {
    // A form whose person the bot has not looked up yet (opened directly), then a slow Slack
    // and a slow Stuut: 1.2 s of checking plus the usual 2 s wait for Stuut would miss 3 s.
    const viewId = await openFormDirectly(h, 'U0ALICE');
    h.slack.typeInto(viewId, 'job_title', 'Controller');
    h.slack.failNext('users.info', { delayMs: 1_200 });
    h.stuut.failNext({ kind: 'delay', ms: 3_000 });
    const ack = await h.driver.submitView(viewId);
    expect(ack.ms).toBeLessThan(2_600);
    expect(ack.json).toMatchObject({
      response_action: 'update',
      view: { callback_id: 'contact_update_saving' },
    });
    await h.settle();
    expect(h.stuut.patchCount()).toBe(1);
  });

  test('already known: the form opens at once, with no users.info call at all', async () => {
    await openForm(h);
    for (const view of h.slack.openViews()) h.slack.closeView(view.id, { all: true });
    h.slack.failNext('users.info', { delayMs: 2_500 });
    const sent = Date.now();
    const ack = await h.driver.slashCommand({ text: `update ${CONTACT_ID}` });
    expect(ack.ms).toBeLessThan(500);
    await waitFor(() => h.slack.openViews()[0], 'the form');
    const opens = h.slack.callsTo('views.open');
    expect(opens.at(-1)?.ok).toBe(true);
    expect((opens.at(-1)?.at ?? Infinity) - sent).toBeLessThan(1_000);
    expect(h.slack.callsTo('users.info')).toHaveLength(1);
  });
});
