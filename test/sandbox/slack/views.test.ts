import type { SlackEmulator } from '../../../src/sandbox/slack';
import { api, fakeClock, modal, obj, openModal, plain, startEmulator, textInput } from './helpers';

let emulator: SlackEmulator;
let clock: ReturnType<typeof fakeClock>;

beforeEach(async () => {
  clock = fakeClock();
  emulator = await startEmulator({ now: () => clock.now() });
});
afterEach(() => emulator.close());

const contactForm = (extra: { emailInitial?: string } = {}) =>
  modal([
    { type: 'header', text: plain('Ada Lovelace') },
    textInput('job_title', { initial_value: 'CTO', max_length: 100 }),
    {
      type: 'input',
      block_id: 'email',
      optional: true,
      label: plain('Email'),
      element: {
        type: 'email_text_input',
        action_id: 'value',
        ...(extra.emailInitial ? { initial_value: extra.emailInitial } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'clear',
      optional: true,
      label: plain('Clear'),
      element: {
        type: 'checkboxes',
        action_id: 'value',
        options: [
          { text: plain('Phone'), value: 'phone' },
          { text: plain('Email'), value: 'email' },
        ],
        initial_options: [{ text: plain('Phone'), value: 'phone' }],
      },
    },
    {
      type: 'input',
      block_id: 'role',
      optional: true,
      label: plain('Role'),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: [{ text: plain('CSM'), value: 'csm' }],
      },
    },
  ]);

describe('triggers', () => {
  it('opens a modal and answers the full stored view', async () => {
    const trigger = emulator.issueTriggerId('U0ALICE');
    const { body } = await api(emulator, 'views.open', {
      trigger_id: trigger,
      view: contactForm(),
    });
    expect(body.ok).toBe(true);
    const view = obj(body.view);
    expect(view).toMatchObject({
      type: 'modal',
      team_id: 'T0ACME',
      app_id: 'A0APP',
      bot_id: 'B0BOT',
      callback_id: 'contact_edit',
      private_metadata: '',
      previous_view_id: null,
      root_view_id: view.id,
    });
    expect(view.id).toMatch(/^V[0-9A-Z]+$/);
    expect(view.hash).toMatch(/^1700000000\.[A-Za-z0-9]+$/);
    expect(view.state).toEqual({
      values: {
        job_title: { value: { type: 'plain_text_input', value: 'CTO' } },
        email: { value: { type: 'email_text_input', value: null } },
        clear: {
          value: {
            type: 'checkboxes',
            selected_options: [{ text: { type: 'plain_text', text: 'Phone' }, value: 'phone' }],
          },
        },
        role: { value: { type: 'static_select', selected_option: null } },
      },
    });
    expect(emulator.openViews().map((v) => v.id)).toEqual([view.id]);
    expect(emulator.getView(String(view.id))?.userId).toBe('U0ALICE');
  });

  it('takes a trigger only once', async () => {
    const trigger_id = emulator.issueTriggerId();
    expect((await api(emulator, 'views.open', { trigger_id, view: contactForm() })).body.ok).toBe(
      true,
    );
    const again = await api(emulator, 'views.open', { trigger_id, view: contactForm() });
    expect(again.body).toEqual({ ok: false, error: 'exchanged_trigger_id' });
  });

  it('expires a trigger after the TTL and rejects unknown ones', async () => {
    const fresh = emulator.issueTriggerId();
    const stale = emulator.issueTriggerId();
    clock.advance(3000);
    expect(
      (await api(emulator, 'views.open', { trigger_id: fresh, view: contactForm() })).body.ok,
    ).toBe(true);
    clock.advance(1);
    const late = await api(emulator, 'views.open', { trigger_id: stale, view: contactForm() });
    expect(late.body.error).toBe('expired_trigger_id');
    const bogus = await api(emulator, 'views.open', { trigger_id: '1.2.3', view: contactForm() });
    expect(bogus.body.error).toBe('invalid_trigger_id');
  });

  it('leaves the trigger usable when the view is refused', async () => {
    const trigger_id = emulator.issueTriggerId();
    const refused = await api(emulator, 'views.open', {
      trigger_id,
      view: modal([], { title: plain('x'.repeat(25)) }),
    });
    expect(refused.body.error).toBe('invalid_arguments');
    expect((await api(emulator, 'views.open', { trigger_id, view: contactForm() })).body.ok).toBe(
      true,
    );
  });
});

describe('views.open validation', () => {
  const open = (view: unknown) =>
    api(emulator, 'views.open', { trigger_id: emulator.issueTriggerId(), view: obj(view) });
  const messages = (body: Record<string, unknown>) =>
    obj(body.response_metadata).messages as string[];

  it.each([
    ['a 25-character title', modal([], { title: plain('x'.repeat(25)) }), '/view/title/text'],
    ['101 blocks', modal(Array.from({ length: 101 }, () => ({ type: 'divider' }))), '/view/blocks'],
    [
      '3001 characters of metadata',
      modal([], { private_metadata: 'm'.repeat(3001) }),
      '/view/private_metadata',
    ],
    ['an input without submit', modal([textInput('a')], { submit: undefined }), '/view/submit'],
    ['a 25-character submit', modal([], { submit: plain('s'.repeat(25)) }), '/view/submit/text'],
    ['a duplicate block_id', modal([textInput('a'), textInput('a')]), '/view/blocks/1/block_id'],
    ['an unknown block type', modal([{ type: 'carousel' }]), '/view/blocks/0/type'],
    [
      'initial_value beyond max_length',
      modal([textInput('a', { max_length: 3, initial_value: 'abcd' })]),
      '/view/blocks/0/element/initial_value',
    ],
    [
      'an initial option that is not an option',
      modal([
        {
          type: 'input',
          block_id: 'c',
          label: plain('c'),
          element: {
            type: 'checkboxes',
            action_id: 'v',
            options: [{ text: plain('A'), value: 'a' }],
            initial_options: [{ text: plain('B'), value: 'b' }],
          },
        },
      ]),
      '/view/blocks/0/element/initial_options/0',
    ],
    [
      'a label of a section block',
      modal([{ type: 'section', text: plain('t'), label: plain('l') }]),
      '/view/blocks/0',
    ],
  ])('refuses %s', async (_, view, pointer) => {
    const { body } = await open(view);
    expect(body.ok).toBe(false);
    expect(body.error).toBe('invalid_arguments');
    expect(
      messages(body).some(
        (m) => m.startsWith('[ERROR] ') && m.includes(`[json-pointer:${pointer}]`),
      ),
    ).toBe(true);
    expect(emulator.openViews()).toEqual([]);
  });

  it('accepts the limits themselves', async () => {
    const view = modal(
      Array.from({ length: 100 }, (_, i) => textInput(`b${i}`, { max_length: 3000 })),
      {
        title: plain('x'.repeat(24)),
        private_metadata: 'm'.repeat(3000),
        callback_id: 'c'.repeat(255),
      },
    );
    expect((await open(view)).body.ok).toBe(true);
  });
});

describe('views.update', () => {
  it('keeps what the person typed where block_id and action_id survive', async () => {
    const view = await openModal(emulator, contactForm());
    const id = String(view.id);
    emulator.typeInto(id, 'job_title', '  VP Sales ');
    emulator.typeInto(id, 'clear', ['email']);

    const next = modal([
      textInput('job_title', { initial_value: 'ignored: the typed value wins' }),
      textInput('phone', { initial_value: '+1 555' }),
      {
        type: 'input',
        block_id: 'clear',
        label: plain('Clear'),
        element: {
          type: 'checkboxes',
          action_id: 'renamed',
          options: [{ text: plain('Phone'), value: 'phone' }],
        },
      },
    ]);
    const { body } = await api(emulator, 'views.update', {
      view_id: id,
      hash: view.hash,
      view: next,
    });
    expect(body.ok).toBe(true);
    expect(obj(body.view).id).toBe(id);
    expect(emulator.getView(id)?.state.values).toEqual({
      job_title: { value: { type: 'plain_text_input', value: '  VP Sales ' } },
      phone: { value: { type: 'plain_text_input', value: '+1 555' } },
      clear: { renamed: { type: 'checkboxes', selected_options: [] } },
    });
  });

  it('answers not_found once the person closed the view', async () => {
    const view = await openModal(emulator, contactForm());
    emulator.closeView(String(view.id));
    const { body } = await api(emulator, 'views.update', { view_id: view.id, view: contactForm() });
    expect(body).toEqual({ ok: false, error: 'not_found' });
    expect(emulator.openViews()).toEqual([]);
  });

  it('answers hash_conflict for a stale hash and issues a new hash per update', async () => {
    const view = await openModal(emulator, contactForm());
    const first = await api(emulator, 'views.update', {
      view_id: view.id,
      hash: view.hash,
      view: contactForm(),
    });
    expect(first.body.ok).toBe(true);
    expect(obj(first.body.view).hash).not.toBe(view.hash);
    const stale = await api(emulator, 'views.update', {
      view_id: view.id,
      hash: view.hash,
      view: contactForm(),
    });
    expect(stale.body).toEqual({ ok: false, error: 'hash_conflict' });
  });

  it('validates the new view and finds a view by external_id', async () => {
    await openModal(emulator, contactForm(), 'U0BOB');
    const view = await openModal(emulator, modal([], { external_id: 'edit-ic_1' }));
    const bad = await api(emulator, 'views.update', {
      external_id: 'edit-ic_1',
      view: modal([], { title: plain('t'.repeat(25)) }),
    });
    expect(bad.body.error).toBe('invalid_arguments');
    const good = await api(emulator, 'views.update', {
      external_id: 'edit-ic_1',
      view: modal([], { external_id: 'edit-ic_1', callback_id: 'saved' }),
    });
    expect(obj(good.body.view)).toMatchObject({ id: view.id, callback_id: 'saved' });
  });
});

describe('views.push', () => {
  it('stacks up to three views and then answers push_limit_reached', async () => {
    const root = await openModal(emulator, contactForm());
    const push = () =>
      api(emulator, 'views.push', {
        trigger_id: emulator.issueTriggerId('U0ALICE'),
        view: modal([], { title: plain('More') }),
      });
    const second = obj((await push()).body.view);
    expect(second).toMatchObject({ root_view_id: root.id, previous_view_id: root.id });
    const third = obj((await push()).body.view);
    expect(third.previous_view_id).toBe(second.id);
    expect((await push()).body).toEqual({ ok: false, error: 'push_limit_reached' });
    expect(emulator.openViews().map((v) => v.id)).toEqual([root.id, second.id, third.id]);

    emulator.closeView(String(third.id));
    expect(emulator.topView('U0ALICE')?.id).toBe(second.id);
    emulator.closeView(String(second.id), { all: true });
    expect(emulator.openViews()).toEqual([]);
  });
});

describe('ids Slack fills in', () => {
  it('generates block_ids and action_ids the app left out', async () => {
    const view = await openModal(
      emulator,
      modal([{ type: 'input', label: plain('Name'), element: { type: 'plain_text_input' } }]),
    );
    const [block] = view.blocks as Array<Record<string, unknown>>;
    const blockId = String(block?.block_id);
    const actionId = String(obj(block?.element).action_id);
    expect(blockId).toMatch(/^\w{4}$/);
    expect(obj(obj(view.state).values)[blockId]).toEqual({
      [actionId]: { type: 'plain_text_input', value: null },
    });
  });
});
