import {
  ClientValidationError,
  type OptionObject,
  SlackClientDriver,
  type SlackEmulator,
} from '../../../src/sandbox/slack';
import { FakeApp } from './fake-app';
import {
  api,
  modal,
  obj,
  openModal,
  plain,
  SIGNING_SECRET,
  startEmulator,
  textInput,
} from './helpers';

let emulator: SlackEmulator;
let app: FakeApp;
let driver: SlackClientDriver;

beforeEach(async () => {
  emulator = await startEmulator();
  app = await FakeApp.start();
  driver = new SlackClientDriver({ emulator, appUrl: app.url, signingSecret: SIGNING_SECRET });
});
afterEach(async () => {
  await app.close();
  await emulator.close();
});

const form = (extra: Record<string, unknown> = {}) =>
  modal(
    [
      { type: 'section', block_id: 'intro', text: plain('Edit Ada') },
      textInput('job_title', { initial_value: 'CTO' }),
      textInput('phone', { min_length: 3 }),
    ],
    extra,
  );

describe('slash command', () => {
  it('posts a signed form with exactly the fields Slack sends', async () => {
    const result = await driver.slashCommand({ text: 'update ic_123 job_title="R&D <lead>"' });
    const request = app.last();
    expect(request.signatureValid).toBe(true);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Number(request.headers['x-slack-request-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect([...request.form.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(Object.fromEntries(request.form)).toMatchObject({
      team_id: 'T0ACME',
      team_domain: 'acme',
      channel_id: 'C0OPS',
      channel_name: 'ops',
      user_id: 'U0ALICE',
      user_name: 'alice',
      command: '/contact',
      text: 'update ic_123 job_title="R&amp;D &lt;lead&gt;"',
      api_app_id: 'A0APP',
      is_enterprise_install: 'false',
      response_url: result.responseUrl,
      trigger_id: result.triggerId,
    });
    expect(request.body).toContain('command=%2Fcontact');
    expect(result).toMatchObject({ status: 200, text: '' });
    expect(result.ms).toBeGreaterThanOrEqual(0);
  });

  it('hands over a trigger the app can open a modal with, once', async () => {
    const { triggerId } = await driver.slashCommand({ text: 'update ic_1' });
    const open = () => api(emulator, 'views.open', { trigger_id: triggerId, view: form() });
    expect((await open()).body.ok).toBe(true);
    expect((await open()).body.error).toBe('exchanged_trigger_id');
    expect(emulator.openViews()[0]?.userId).toBe('U0ALICE');
  });

  it('shows a text or JSON acknowledgement to the person, as Slack does', async () => {
    app.reply = () => ({ body: 'Usage: /contact update <id>' });
    await driver.slashCommand({ text: 'help' });
    app.reply = () => ({ body: { response_type: 'in_channel', text: 'Saved' } });
    await driver.slashCommand({ text: 'x', channelId: 'C0UPD' });
    expect(emulator.messages.map((m) => [m.kind, m.channel, m.user, m.text])).toEqual([
      ['ephemeral', 'C0OPS', 'U0ALICE', 'Usage: /contact update <id>'],
      ['channel', 'C0UPD', undefined, 'Saved'],
    ]);
  });

  it('can skip escaping and wrap emails like the client', async () => {
    await driver.slashCommand({ text: 'email=a@b.co <x>', escape: false, linkEmails: true });
    expect(app.last().form.get('text')).toBe('email=<mailto:a@b.co|a@b.co> <x>');
  });

  it('sends an @member as <@U…|handle> with should_escape (the default), as typed without', async () => {
    await driver.slashCommand({ text: 'update @priya & @PRIYA.RAMAN @nobody a@priya.example' });
    expect(app.last().form.get('text')).toBe(
      'update <@U0PRIYA|priya.raman> &amp; <@U0PRIYA|priya.raman> @nobody a@priya.example',
    );
    await driver.slashCommand({ text: 'update @priya', shouldEscape: false });
    expect(app.last().form.get('text')).toBe('update @priya');
  });

  it('warns when the app is too slow and shows nothing', async () => {
    const slow = new SlackClientDriver({
      emulator,
      appUrl: app.url,
      signingSecret: SIGNING_SECRET,
      ackDeadlineMs: 50,
    });
    app.reply = () => ({ body: 'late', delayMs: 120 });
    const result = await slow.slashCommand({ text: 'x' });
    expect(result.ms).toBeGreaterThan(50);
    expect(emulator.messages).toEqual([]);
    expect(emulator.warnings[0]).toMatch(/^slash command: no acknowledgement within 50 ms/);
  });
});

describe('signature checks through sendRaw', () => {
  it('lets a test send a wrong signature or a stale timestamp', async () => {
    const body = 'command=%2Fcontact&text=x';
    expect((await driver.sendRaw({ body })).status).toBe(200);
    expect((await driver.sendRaw({ body, signature: 'v0=deadbeef' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await driver.sendRaw({ body, timestamp: stale })).status).toBe(401);
  });
});

describe('view submission', () => {
  async function openForm(): Promise<string> {
    const view = await openModal(emulator, form());
    emulator.typeInto(String(view.id), 'phone', ' +44 20 7946 0958 ');
    return String(view.id);
  }

  it('sends the stored view with its state, shaped like Slack', async () => {
    const viewId = await openForm();
    await driver.submitView(viewId);
    const payload = obj(app.last().payload);
    expect(Object.keys(payload)).toEqual([
      'type',
      'team',
      'user',
      'api_app_id',
      'token',
      'trigger_id',
      'view',
      'response_urls',
      'is_enterprise_install',
      'enterprise',
    ]);
    expect(payload).toMatchObject({
      type: 'view_submission',
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0ACME' },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
    const view = obj(payload.view);
    expect(view).toMatchObject({
      id: viewId,
      callback_id: 'contact_edit',
      app_installed_team_id: 'T0ACME',
    });
    expect(view).not.toHaveProperty('userId');
    expect(obj(view.state).values).toEqual({
      job_title: { value: { type: 'plain_text_input', value: 'CTO' } },
      phone: { value: { type: 'plain_text_input', value: ' +44 20 7946 0958 ' } },
    });
  });

  it('closes the view on an empty acknowledgement', async () => {
    const viewId = await openForm();
    await driver.submitView(viewId);
    expect(emulator.getView(viewId)?.closed).toBe(true);
    expect(emulator.openViews()).toEqual([]);
  });

  it('keeps the view open with inline errors keyed by input block', async () => {
    const viewId = await openForm();
    app.reply = () => ({
      body: { response_action: 'errors', errors: { phone: 'Not a phone number' } },
    });
    await driver.submitView(viewId);
    expect(emulator.getView(viewId)).toMatchObject({
      closed: false,
      errors: { phone: 'Not a phone number' },
    });
    expect(emulator.warnings).toEqual([]);
  });

  it('rejects errors keyed to a block that is not an input', async () => {
    const viewId = await openForm();
    app.reply = () => ({ body: { response_action: 'errors', errors: { intro: 'Stuut is down' } } });
    await driver.submitView(viewId);
    expect(emulator.getView(viewId)).toMatchObject({ closed: false, errors: null });
    expect(emulator.warnings).toEqual([
      expect.stringContaining('errors keyed to intro, not an input block of the view'),
    ]);
  });

  it('replaces the view on update, keeping its id and what was typed', async () => {
    const viewId = await openForm();
    const hashBefore = emulator.getView(viewId)?.hash;
    const next = modal(
      [
        { type: 'section', text: plain('Saving…') },
        textInput('phone', { initial_value: 'reset?' }),
      ],
      { callback_id: 'saving' },
    );
    app.reply = () => ({ body: { response_action: 'update', view: next } });
    await driver.submitView(viewId);
    const view = emulator.getView(viewId);
    expect(view).toMatchObject({ id: viewId, callback_id: 'saving', closed: false, errors: null });
    expect(view?.hash).not.toBe(hashBefore);
    expect(view?.state.values).toEqual({
      phone: { value: { type: 'plain_text_input', value: ' +44 20 7946 0958 ' } },
    });
  });

  it('refuses an invalid update view and keeps the old one', async () => {
    const viewId = await openForm();
    app.reply = () => ({
      body: { response_action: 'update', view: modal([], { title: plain('t'.repeat(25)) }) },
    });
    await driver.submitView(viewId);
    expect(emulator.getView(viewId)?.callback_id).toBe('contact_edit');
    expect(emulator.warnings[0]).toContain('response_action update refused');
  });

  it('pushes and clears', async () => {
    const viewId = await openForm();
    app.reply = () => ({
      body: { response_action: 'push', view: modal([], { title: plain('Confirm') }) },
    });
    await driver.submitView(viewId);
    const top = emulator.topView('U0ALICE');
    expect(top?.previous_view_id).toBe(viewId);
    await expect(driver.submitView(viewId)).rejects.toThrow(/covered/);
    app.reply = () => ({ body: { response_action: 'clear' } });
    await driver.submitView(String(top?.id));
    expect(emulator.openViews()).toEqual([]);
  });

  it('does not send what the Slack client itself refuses', async () => {
    const view = await openModal(emulator, form());
    const viewId = String(view.id);
    await expect(driver.submitView(viewId)).rejects.toBeInstanceOf(ClientValidationError);
    emulator.typeInto(viewId, 'phone', '12');
    await expect(driver.submitView(viewId)).rejects.toThrow(/at least 3/);
    expect(app.requests).toEqual([]);
    expect(emulator.getView(viewId)?.errors).toEqual({ phone: 'Must be at least 3 characters.' });
  });

  it('tells the app about a closed view only when it asked to be notified', async () => {
    const quiet = String((await openModal(emulator, form())).id);
    expect(await driver.closeView(quiet)).toBeUndefined();
    expect(app.requests).toEqual([]);
    const loud = String((await openModal(emulator, form({ notify_on_close: true }))).id);
    await driver.closeView(loud, { all: true });
    expect(app.last().payload).toMatchObject({
      type: 'view_closed',
      view: { id: loud },
      is_cleared: true,
    });
    expect(emulator.openViews()).toEqual([]);
  });

  it('ignores an acknowledgement that came too late', async () => {
    const slow = new SlackClientDriver({
      emulator,
      appUrl: app.url,
      signingSecret: SIGNING_SECRET,
      ackDeadlineMs: 50,
    });
    const viewId = await openForm();
    app.reply = () => ({ delayMs: 120 });
    await slow.submitView(viewId);
    expect(emulator.getView(viewId)?.closed).toBe(false);
    expect(emulator.warnings[0]).toMatch(/^view_submission: no acknowledgement within 50 ms/);
  });
});

describe('buttons', () => {
  const editButton = {
    type: 'actions',
    block_id: 'row',
    elements: [{ type: 'button', action_id: 'edit_contact', text: plain('Edit'), value: 'ic_123' }],
  };

  it('clicks a button in a posted message, with a working response_url', async () => {
    emulator.setChannel('C0UPD', { name: 'contact-updates' });
    const posted = await api(emulator, 'chat.postMessage', {
      channel: 'C0UPD',
      text: 'Ada updated',
      blocks: [editButton],
    });
    const result = await driver.clickButton({ actionId: 'edit_contact' });
    const payload = obj(app.last().payload);
    expect(payload).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0ALICE' },
      trigger_id: result.triggerId,
      container: {
        type: 'message',
        message_ts: posted.body.ts,
        channel_id: 'C0UPD',
        is_ephemeral: false,
      },
      channel: { id: 'C0UPD', name: 'contact-updates' },
      message: { type: 'message', ts: posted.body.ts, text: 'Ada updated' },
      state: { values: {} },
      actions: [
        {
          type: 'button',
          action_id: 'edit_contact',
          block_id: 'row',
          text: { type: 'plain_text', text: 'Edit' },
          value: 'ic_123',
        },
      ],
    });
    const [action] = payload.actions as unknown[];
    expect(obj(action).action_ts).toMatch(/^\d+\.\d{6}$/);
    const responseUrl = String(payload.response_url);
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replace_original: true, text: 'Being edited' }),
    });
    expect(response.status).toBe(200);
    expect(emulator.messages[0]?.text).toBe('Being edited');
    expect(
      (await api(emulator, 'views.open', { trigger_id: result.triggerId, view: form() })).body.ok,
    ).toBe(true);
  });

  it('clicks a button in an open view', async () => {
    const view = await openModal(emulator, modal([editButton], { submit: undefined }));
    await driver.clickButton({ actionId: 'edit_contact', viewId: String(view.id) });
    const payload = obj(app.last().payload);
    expect(payload).toMatchObject({
      container: { type: 'view', view_id: view.id },
      view: { id: view.id },
    });
    expect(payload).not.toHaveProperty('response_url');
    expect(payload).not.toHaveProperty('message');
    emulator.closeView(String(view.id));
    await expect(
      driver.clickButton({ actionId: 'edit_contact', viewId: String(view.id) }),
    ).rejects.toThrow(/not open/);
  });
});

describe("the person's team in interactivity payloads", () => {
  it("names a person's own team when it is not the workspace's (a shared channel)", async () => {
    emulator.setUser('U0EXT', { teamId: 'T0OTHER' });
    const view = await openModal(emulator, form(), 'U0EXT');
    await driver.submitView(String(view.id), { clientValidation: false });
    expect(obj(app.last().payload)).toMatchObject({
      team: { id: 'T0ACME' },
      user: { id: 'U0EXT', team_id: 'T0OTHER' },
    });
    const own = await openModal(emulator, form(), 'U0ALICE');
    await driver.submitView(String(own.id), { clientValidation: false });
    expect(obj(app.last().payload).user).toMatchObject({ id: 'U0ALICE', team_id: 'T0ACME' });
  });
});

describe('selects with options from the app (block_suggestion)', () => {
  const priya: OptionObject = {
    text: { type: 'plain_text', text: 'Priya Raman · priya@x.example' },
    value: 'ic_7',
  };
  const picker = (block: Record<string, unknown> = {}, element: Record<string, unknown> = {}) =>
    modal([
      {
        type: 'input',
        block_id: 'picker',
        dispatch_action: true,
        label: plain('Contact'),
        element: {
          type: 'external_select',
          action_id: 'pick',
          placeholder: plain('Name, email or id'),
          min_query_length: 1,
          ...element,
        },
        ...block,
      },
      { ...textInput('job_title'), optional: true },
    ]);
  const open = async (view = picker()) => String((await openModal(emulator, view)).id);

  it('asks the app with a block_suggestion shaped like Slack and returns its options', async () => {
    const viewId = await open();
    app.reply = () => ({ body: { options: [priya] } });
    const options = await driver.suggestOptions(viewId, 'pick', 'pri');
    expect(options).toEqual([priya]);
    const payload = obj(app.last().payload);
    expect(payload).toMatchObject({
      type: 'block_suggestion',
      user: { id: 'U0ALICE', username: 'alice', name: 'alice', team_id: 'T0ACME' },
      container: { type: 'view', view_id: viewId },
      api_app_id: 'A0APP',
      action_id: 'pick',
      block_id: 'picker',
      value: 'pri',
      team: { id: 'T0ACME', domain: 'acme' },
      view: { id: viewId },
    });
    expect(app.last().signatureValid).toBe(true);
  });

  it('flattens option groups', async () => {
    const viewId = await open();
    const other = { text: plain('Marcus'), value: 'ic_3' };
    app.reply = () => ({
      body: {
        option_groups: [
          { label: plain('People'), options: [priya] },
          { label: plain('More'), options: [other] },
        ],
      },
    });
    expect(await driver.suggestOptions(viewId, 'pick', 'x')).toEqual([priya, other]);
  });

  it('does not ask below min_query_length (3 when the element names none)', async () => {
    const viewId = await open(picker({}, { min_query_length: undefined }));
    expect(await driver.suggestOptions(viewId, 'pick', 'pr')).toEqual([]);
    expect(app.requests).toEqual([]);
    app.reply = () => ({ body: { options: [priya] } });
    expect(await driver.suggestOptions(viewId, 'pick', 'pri')).toEqual([priya]);
  });

  it.each([
    [
      'more than 100 options',
      { options: Array.from({ length: 101 }, () => priya) },
      /more than 100/,
    ],
    [
      'an option text over 75 characters',
      { options: [{ text: plain('x'.repeat(76)), value: 'v' }] },
      /longer than 75/,
    ],
    [
      'a mrkdwn option text',
      { options: [{ text: { type: 'mrkdwn', text: '*x*' }, value: 'v' }] },
      /plain_text/,
    ],
    ['no options at all', { text: 'hello' }, /neither options nor option_groups/],
  ])('shows no options, with a warning, for %s', async (_what, body, warning) => {
    const viewId = await open();
    app.reply = () => ({ body });
    expect(await driver.suggestOptions(viewId, 'pick', 'pri')).toEqual([]);
    expect(emulator.warnings).toEqual([expect.stringMatching(warning)]);
  });

  it('shows no options when the app answers too late', async () => {
    const slow = new SlackClientDriver({
      emulator,
      appUrl: app.url,
      signingSecret: SIGNING_SECRET,
      ackDeadlineMs: 50,
    });
    const viewId = await open();
    app.reply = () => ({ body: { options: [priya] }, delayMs: 120 });
    expect(await slow.suggestOptions(viewId, 'pick', 'pri')).toEqual([]);
    expect(emulator.warnings[0]).toMatch(/^block_suggestion: no acknowledgement within 50 ms/);
  });

  it('refuses a select the view does not have', async () => {
    const viewId = await open();
    await expect(driver.suggestOptions(viewId, 'nope', 'pri')).rejects.toThrow(
      /no external_select/,
    );
  });

  it('chooses an option: block_actions with selected_option at once (dispatch_action)', async () => {
    const viewId = await open();
    const result = await driver.selectOption({ viewId, actionId: 'pick', option: priya });
    expect(result).toMatchObject({ status: 200, timedOut: false });
    const payload = obj(app.last().payload);
    expect(payload).toMatchObject({
      type: 'block_actions',
      trigger_id: result?.triggerId,
      container: { type: 'view', view_id: viewId },
      actions: [
        {
          type: 'external_select',
          action_id: 'pick',
          block_id: 'picker',
          selected_option: priya,
          placeholder: plain('Name, email or id'),
        },
      ],
    });
    // The view in the payload already holds the choice, as Slack's does.
    expect(obj(obj(payload.view).state).values).toMatchObject({
      picker: { pick: { type: 'external_select', selected_option: priya } },
    });
    expect(emulator.getView(viewId)?.state.values.picker?.pick?.selected_option?.value).toBe(
      'ic_7',
    );
    expect(
      (await api(emulator, 'views.open', { trigger_id: result?.triggerId, view: form() })).body.ok,
    ).toBe(true);
  });

  it('without dispatch_action only the view state takes the choice, until submitted', async () => {
    const viewId = await open(picker({ dispatch_action: undefined }));
    expect(await driver.selectOption({ viewId, actionId: 'pick', option: priya })).toBeUndefined();
    expect(app.requests).toEqual([]);
    await driver.submitView(viewId);
    expect(obj(obj(obj(app.last().payload).view).state).values).toMatchObject({
      picker: { pick: { selected_option: { value: 'ic_7' } } },
    });
  });

  it('refuses an option a static_select does not offer', async () => {
    const view = modal([
      {
        type: 'actions',
        block_id: 'row',
        elements: [
          {
            type: 'static_select',
            action_id: 'role',
            options: [{ text: plain('Admin'), value: 'admin' }],
          },
        ],
      },
    ]);
    const viewId = await open(view);
    await expect(
      driver.selectOption({
        viewId,
        actionId: 'role',
        option: { text: { type: 'plain_text', text: 'Root' }, value: 'root' },
      }),
    ).rejects.toThrow(/no option with value 'root'/);
    await driver.selectOption({
      viewId,
      actionId: 'role',
      option: { text: { type: 'plain_text', text: 'Admin' }, value: 'admin' },
    });
    expect(obj(app.last().payload).actions).toMatchObject([
      { type: 'static_select', block_id: 'row', selected_option: { value: 'admin' } },
    ]);
  });
});

describe('buttons that share an action_id across blocks', () => {
  it('sends the block and text of the button clicked, named by its block_id', async () => {
    const row = (blockId: string, name: string) => ({
      type: 'section',
      block_id: blockId,
      text: plain(name),
      accessory: { type: 'button', action_id: 'open', text: plain(`Update ${name}`), value: name },
    });
    await api(emulator, 'chat.postMessage', {
      channel: 'C0OPS',
      text: 'Which one?',
      blocks: [row('result_0', 'Priya'), row('result_1', 'Marcus')],
    });
    await driver.clickButton({ actionId: 'open', blockId: 'result_1' });
    expect(obj(app.last().payload).actions).toMatchObject([
      { action_id: 'open', block_id: 'result_1', value: 'Marcus', text: plain('Update Marcus') },
    ]);
    await expect(driver.clickButton({ actionId: 'open', blockId: 'result_9' })).rejects.toThrow(
      /no button with action_id open/,
    );
  });
});
