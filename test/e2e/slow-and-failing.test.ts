import { commandToForm, type Harness, type HarnessOptions, startHarness, waitFor } from './harness';

const CONTACT_ID = 'ic_7Qm2xK9a';

// One harness per test, closed after it whatever the test did.
let current: Harness | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  current = await startHarness(options);
  return current;
}

/** Every `text` string inside blocks, where Slack renders mrkdwn. */
function renderedTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(renderedTexts);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'text' && typeof inner === 'string'
      ? [inner]
      : key === 'value'
        ? []
        : renderedTexts(inner),
  );
}

async function openForm(h: Harness, text = `update ${CONTACT_ID}`, channelId = 'C0OPS') {
  return (await commandToForm(h, text, channelId)).view;
}

/** Saves one typed field, closes the modal, then opens the form from the confirmation's Edit. */
async function saveThenEdit(h: Harness, blockId: string, typed: string) {
  const view = await openForm(h);
  h.slack.typeInto(view.id, blockId, typed);
  await h.driver.submitView(view.id);
  await h.settle();
  const post = h.slack.messages.find((m) => m.kind === 'channel');
  h.slack.closeView(view.id);
  await h.driver.clickButton({ actionId: 'contact_edit', messageTs: post?.ts });
  return waitFor(() => h.slack.openViews()[0], 'the edit form');
}

describe('a slow Stuut: acknowledged within 3 s, finished by views.update', () => {
  test('a 5 s answer is acknowledged with "Saving…" before 3 s, then the modal shows the outcome', async () => {
    const h = await start();
    h.stuut.failNext({ kind: 'delay', ms: 5_000 });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'job_title', 'Head of CS');
    const ack = await h.driver.submitView(view.id);
    expect(ack.ms).toBeLessThan(3_000);
    expect(ack.json).toMatchObject({
      response_action: 'update',
      view: { callback_id: 'contact_update_saving' },
    });
    expect(h.slack.getView(view.id)?.callback_id).toBe('contact_update_saving');

    await h.settle();
    const updates = h.slack.callsTo('views.update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args).toMatchObject({ view_id: view.id });
    expect(h.slack.getView(view.id)?.callback_id).toBe('contact_update_result');
    expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(1);
  });

  test('a 10 s answer still saves', async () => {
    const h = await start();
    h.stuut.failNext({ kind: 'delay', ms: 10_000 });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'family_name', 'Okafor');
    const ack = await h.driver.submitView(view.id);
    expect(ack.ms).toBeLessThan(3_000);
    await h.settle();
    expect(h.stuut.patchCount()).toBe(1);
    expect(h.stuut.contact(CONTACT_ID)?.family_name).toBe('Okafor');
    expect(h.slack.getView(view.id)?.callback_id).toBe('contact_update_result');
    const post = h.slack.messages.find((m) => m.kind === 'channel');
    expect(JSON.stringify(post)).toContain('Okafor');
  }, 30_000);
});

describe('failures lose nothing the person typed', () => {
  test('404: the form comes back with the id editable and the values kept', async () => {
    const h = await start();
    const view = await openForm(h, 'update ic_doesnotexist');
    h.slack.typeInto(view.id, 'job_title', 'Account Manager');
    const ack = await h.driver.submitView(view.id);
    expect(ack.json).toMatchObject({ response_action: 'update' });
    const shown = h.slack.getView(view.id);
    expect(JSON.stringify(shown?.blocks)).toContain('no internal contact with id ic_doesnotexist');
    expect(shown?.state.values.contact_id?.value?.value).toBe('ic_doesnotexist');
    expect(shown?.state.values.job_title?.value?.value).toBe('Account Manager');

    // Correcting the id and saving again works.
    h.slack.typeInto(view.id, 'contact_id', CONTACT_ID);
    await h.driver.submitView(view.id);
    await h.settle();
    expect(h.stuut.contact(CONTACT_ID)?.job_title).toBe('Account Manager');
  });

  test('401: the person is told the bot’s Stuut token was refused, and the admin gets a log line', async () => {
    const h = await start();
    h.stuut.failNext({
      kind: 'status',
      status: 401,
      body: { detail: 'Could not validate credentials' },
    });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'name', 'Ana Pereira');
    await h.driver.submitView(view.id);
    const shown = h.slack.getView(view.id);
    expect(JSON.stringify(shown?.blocks)).toContain("Stuut refused the bot's API token");
    expect(shown?.state.values.name?.value?.value).toBe('Ana Pereira');
    await h.settle();
    const line = h.logs.entries().find((entry) => entry.level === 'error');
    expect(line?.msg).toMatch(/STUUT_API_TOKEN/);
  });

  test('a body that does not match the schema is a clear message, with the values kept', async () => {
    const h = await start();
    h.stuut.failNext({ kind: 'body', status: 200, rawBody: '{"id":"ic_7Qm2xK9a"}' });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'given_name', 'Bea');
    await h.driver.submitView(view.id);
    const shown = h.slack.getView(view.id);
    expect(JSON.stringify(shown?.blocks)).toContain('does not understand');
    expect(shown?.state.values.given_name?.value?.value).toBe('Bea');
    expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(0);
  });

  test('form closed during a slow failing save: the outcome arrives as a message whose button reopens the form', async () => {
    const h = await start({ timing: { ackWithinMs: 50 } });
    // The first attempt hangs and breaks (retried), the second gets a 500 (final).
    h.stuut.failNext({ kind: 'no-accept', ms: 400 });
    h.stuut.failAlways({ kind: 'status', status: 500 });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'phone', '+44 20 7946 0958');
    // The form starts from the book's values: emptying a box clears the field.
    h.slack.typeInto(view.id, 'job_title', null);
    const ack = await h.driver.submitView(view.id);
    expect(ack.json).toMatchObject({ response_action: 'update' });
    h.slack.closeView(view.id);
    await h.settle();
    h.stuut.failAlways(undefined);

    const notice = await waitFor(
      () => h.slack.messages.find((m) => JSON.stringify(m.blocks).includes('contact_reopen')),
      'the failure message',
    );
    expect(notice.kind).toBe('response_url');
    expect(notice.text).toContain('was not saved');

    await h.driver.clickButton({ actionId: 'contact_reopen', messageTs: notice.ts });
    const reopened = await waitFor(() => h.slack.openViews()[0], 'the reopened form');
    expect(reopened.state.values.phone?.value?.value).toBe('+442079460958');
    expect(reopened.state.values.clear?.value?.selected_options?.map((o) => o.value)).toEqual([
      'job_title',
    ]);
  });
});

test('form closed during a slow successful save: the person still hears it was saved', async () => {
  const h = await start({ timing: { ackWithinMs: 50 } });
  h.stuut.failNext({ kind: 'delay', ms: 400 });
  const view = await openForm(h);
  h.slack.typeInto(view.id, 'job_title', 'CSM');
  await h.driver.submitView(view.id);
  h.slack.closeView(view.id);
  await h.settle();
  expect(h.slack.callsTo('views.update')[0]?.error).toBe('not_found');
  const notice = h.slack.messages.find((m) => m.kind === 'response_url');
  expect(notice?.text).toMatch(/^:white_check_mark: Saved\./);
  expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(1);
});

describe('the confirmation', () => {
  test('goes to CONTACT_UPDATES_CHANNEL when it is set', async () => {
    const h = await start({ contactUpdatesChannel: 'C0UPDATES' });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'job_title', 'CSM');
    await h.driver.submitView(view.id);
    await h.settle();
    const posts = h.slack.messages.filter((m) => m.kind === 'channel');
    expect(posts.map((p) => p.channel)).toEqual(['C0UPDATES']);
  });

  test('when the bot is not in the channel, the person is told it was saved and how to fix it; no second PATCH', async () => {
    const h = await start({ contactUpdatesChannel: 'C0UPDATES' });
    h.slack.setChannel('C0UPDATES', { isMember: false });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'job_title', 'CSM');
    await h.driver.submitView(view.id);
    await h.settle();
    expect(h.stuut.patchCount()).toBe(1);
    expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(0);
    const notice = h.slack.messages.find((m) => m.kind === 'response_url');
    expect(notice?.text).toContain('was saved');
    expect(notice?.text).toContain('/invite');
  });

  test('from a DM the bot cannot post in, the confirmation reaches the person through response_url', async () => {
    const h = await start();
    h.slack.setChannel('D0SOMEDM', { exists: false });
    const view = await openForm(h, `update ${CONTACT_ID}`, 'D0SOMEDM');
    h.slack.typeInto(view.id, 'job_title', 'CSM');
    await h.driver.submitView(view.id);
    await h.settle();
    const notice = h.slack.messages.find((m) => m.kind === 'response_url');
    expect(JSON.stringify(notice?.blocks)).toContain('CSM');
  });

  test('escapes user text: a job title of <!channel> pings nobody', async () => {
    const h = await start();
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'job_title', '<!channel> <@U0BOSS> <https://evil.example|bank>');
    await h.driver.submitView(view.id);
    await h.settle();
    const post = h.slack.messages.find((m) => m.kind === 'channel');
    // What Slack renders: the fallback and every text object (button values are never rendered).
    const serialized = [post?.text, ...renderedTexts(post?.blocks)].join('\n');
    expect(serialized).toContain('&lt;!channel&gt;');
    expect(serialized).not.toContain('<!channel>');
    expect(serialized).not.toContain('<@U0BOSS>');
    expect(serialized).not.toContain('<https://evil');
  });

  test('its Edit button reopens the form with these values; only real changes are sent', async () => {
    const h = await start();
    const form = await saveThenEdit(h, 'phone', '(415) 555-0100');
    const stored = h.stuut.contact(CONTACT_ID);
    expect(form.state.values.email?.value?.value).toBe(stored?.email);
    // Shown as people read it; stored and sent as E.164.
    expect(form.state.values.phone?.value?.value).toBe('+1 415 555 0100');
    expect(form.state.values.clear).toBeUndefined();
    expect(JSON.stringify(form.blocks)).toContain('values as Stuut returned them');

    // The same number typed differently is no change.
    h.slack.typeInto(form.id, 'phone', '(415) 555-0100');
    const unchanged = await h.driver.submitView(form.id);
    expect(unchanged.json).toMatchObject({
      response_action: 'errors',
      errors: { email: expect.stringMatching(/Nothing changed/) },
    });

    // Emptying a field clears it; the PATCH carries only that key.
    h.slack.typeInto(form.id, 'job_title', null);
    await h.driver.submitView(form.id);
    await h.settle();
    const last = h.stuut.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(last?.body).toEqual({ job_title: null });
    const second = h.slack.messages.filter((m) => m.kind === 'channel').at(-1);
    expect(second?.text).toContain('job title');
    expect(JSON.stringify(second?.blocks)).toContain('→ _cleared_');
  });
});

test('404 on a form with known values: the id becomes editable and the intent carries over, not the old values', async () => {
  const h = await start();
  const form = await saveThenEdit(h, 'job_title', 'CSM');

  // The contact is gone from Stuut by the time the person saves.
  h.stuut.reset(h.stuut.contacts().filter((c) => c.id !== CONTACT_ID));
  h.slack.typeInto(form.id, 'job_title', null);
  h.slack.typeInto(form.id, 'given_name', 'Priyanka');
  await h.driver.submitView(form.id);
  const shown = h.slack.getView(form.id);
  // New block ids (generation 1), so that Slack keeps none of the old contact's values.
  expect(shown?.state.values['contact_id~1']?.value?.value).toBe(CONTACT_ID);
  expect(shown?.state.values['given_name~1']?.value?.value).toBe('Priyanka');
  expect(shown?.state.values['clear~1']?.value?.selected_options?.map((o) => o.value)).toEqual([
    'job_title',
  ]);
  // Only what was changed carries over: the other boxes are empty (empty keeps Stuut's value).
  for (const field of ['email', 'family_name', 'name', 'phone']) {
    expect(shown?.state.values[`${field}~1`]?.value?.value ?? null).toBeNull();
  }
  expect(JSON.stringify(shown?.blocks)).not.toContain('values Stuut returned');
});

test('422 with a field error and a general one: both reach the person inline', async () => {
  const h = await start();
  h.stuut.failNext({
    kind: 'status',
    status: 422,
    body: {
      detail: [
        { loc: ['body', 'phone'], msg: 'Number is not in service', type: 'value_error' },
        { loc: ['body'], msg: 'Contact is locked by an import', type: 'value_error' },
      ],
    },
  });
  const view = await openForm(h);
  h.slack.typeInto(view.id, 'phone', '+1 415 555 0199');
  const ack = await h.driver.submitView(view.id);
  expect(ack.json).toEqual({
    response_action: 'errors',
    errors: {
      phone: 'Number is not in service',
      email: 'Stuut refused the change: Contact is locked by an import',
    },
  });
});

describe('after the acknowledgement', () => {
  test('a late 422 shows Stuut’s message under the field it names, in the updated view', async () => {
    const h = await start({ timing: { ackWithinMs: 50 } });
    h.stuut.failNext(
      { kind: 'no-accept', ms: 300 },
      {
        kind: 'status',
        status: 422,
        body: {
          detail: [
            { loc: ['body', 'phone'], msg: 'Number is not in service', type: 'value_error' },
          ],
        },
      },
    );
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'phone', '+1 415 555 0199');
    await h.driver.submitView(view.id);
    await h.settle();
    const shown = h.slack.getView(view.id);
    const note = shown?.blocks.find((block) => block.block_id === 'phone__note');
    expect(JSON.stringify(note)).toContain('Number is not in service');
    expect(shown?.state.values.phone?.value?.value).toBe('+1 415 555 0199');
  });

  test('with the response_url expired, the outcome comes as an ephemeral message; with that refused, as a DM', async () => {
    const h = await start({ timing: { ackWithinMs: 50 } });
    h.stuut.failNext({ kind: 'no-accept', ms: 300 }, { kind: 'status', status: 500 });
    const { responseUrl } = await h.driver.slashCommand({
      text: `update ${CONTACT_ID}`,
      channelId: 'C0OPS',
    });
    const view = await waitFor(() => h.slack.openViews()[0], 'the form');
    h.slack.expireResponseUrl(responseUrl);
    h.slack.typeInto(view.id, 'job_title', 'CSM');
    await h.driver.submitView(view.id);
    h.slack.closeView(view.id);
    await h.settle();
    expect(h.slack.messages.find((m) => m.text.includes('was not saved'))?.kind).toBe('ephemeral');

    h.stuut.failNext({ kind: 'no-accept', ms: 300 }, { kind: 'status', status: 500 });
    h.slack.failNext('chat.postEphemeral', { error: 'user_not_in_channel' });
    const again = await h.driver.slashCommand({ text: `update ${CONTACT_ID}`, channelId: 'C0OPS' });
    const second = await waitFor(() => h.slack.openViews()[0], 'the form');
    h.slack.expireResponseUrl(again.responseUrl);
    h.slack.typeInto(second.id, 'job_title', 'CSM');
    await h.driver.submitView(second.id);
    h.slack.closeView(second.id);
    await h.settle();
    const dm = h.slack.messages.filter((m) => m.text.includes('was not saved')).at(-1);
    expect(dm?.kind).toBe('dm');
  });

  test('a Slack call that hangs times out, and the person is told the contact was saved', async () => {
    const h = await start({ timing: { slackTimeoutMs: 300 } });
    h.slack.failNext('chat.postMessage', { delayMs: 10_000, times: 5 });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'job_title', 'CSM');
    await h.driver.submitView(view.id);
    const started = Date.now();
    await h.settle();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.stuut.patchCount()).toBe(1);
    const notice = h.slack.messages.find((m) => m.kind === 'response_url');
    expect(notice?.text).toContain('was saved');
  });

  test('a stuck Slack call cannot hold the save past its budget', async () => {
    const h = await start({ timing: { slackTimeoutMs: 30_000, saveBudgetMs: 2_000 } });
    h.slack.failNext('chat.postMessage', { delayMs: 10_000, times: 5 });
    const view = await openForm(h);
    h.slack.typeInto(view.id, 'job_title', 'CSM');
    await h.driver.submitView(view.id);
    const started = Date.now();
    await h.settle();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(h.stuut.patchCount()).toBe(1);
  });
});
