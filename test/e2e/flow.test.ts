import { type Harness, SECRETS, startHarness, waitFor } from './harness';

const CONTACT_ID = 'ic_7Qm2xK9a';

describe('/contact update, end to end over loopback', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function openForm(text = `update ${CONTACT_ID}`) {
    const ack = await h.driver.slashCommand({ text, channelId: 'C0OPS' });
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);
    const view = await waitFor(() => h.slack.openViews()[0], 'the form to open');
    return { ack, view };
  }

  test('command → form → submission → PATCH with only the changed keys → channel confirmation', async () => {
    const { view } = await openForm();
    expect(view.callback_id).toBe('contact_update');
    h.slack.typeInto(view.id, 'phone', '(415) 555-0100');
    h.slack.typeInto(view.id, 'job_title', 'VP, Customer Success');

    const ack = await h.driver.submitView(view.id);
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3000);
    await h.settle();

    const patches = h.stuut.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]?.rawPath).toBe(`/v2/internal-contacts/${CONTACT_ID}`);
    expect(patches[0]?.headers.authorization).toBe(`Bearer ${SECRETS.stuutToken}`);
    expect(patches[0]?.body).toEqual({ phone: '+14155550100', job_title: 'VP, Customer Success' });

    const posts = h.slack.messages.filter((m) => m.kind === 'channel');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.channel).toBe('C0OPS');
    const message = JSON.stringify(posts[0]);
    expect(message).toContain('+14155550100');
    expect(message).toContain('VP, Customer Success');
    expect(message).toContain('<@U0ALICE>');
    expect(message).toContain(CONTACT_ID);
    expect(posts[0]?.text).not.toBe('');

    // The modal itself shows the outcome.
    expect(h.slack.getView(view.id)?.callback_id).toBe('contact_update_result');
    expect(h.slack.warnings).toEqual([]);
  });

  test('an invalid phone is an inline error at the phone input, and nothing is sent', async () => {
    const { view } = await openForm();
    h.slack.typeInto(view.id, 'phone', '555-01');
    h.slack.typeInto(view.id, 'job_title', 'CSM');
    const ack = await h.driver.submitView(view.id);
    expect(ack.json).toMatchObject({ response_action: 'errors' });
    expect(h.slack.getView(view.id)?.errors).toEqual({ phone: expect.any(String) });
    expect(h.stuut.patchCount()).toBe(0);
  });

  test('422 from Stuut comes back inline at the field it names, with the typed values kept', async () => {
    h.stuut.failNext({
      kind: 'status',
      status: 422,
      body: {
        detail: [{ loc: ['body', 'job_title'], msg: 'Job title is reserved', type: 'value_error' }],
      },
    });
    const { view } = await openForm();
    h.slack.typeInto(view.id, 'job_title', 'Chief Everything Officer');
    const ack = await h.driver.submitView(view.id);
    expect(ack.json).toEqual({
      response_action: 'errors',
      errors: { job_title: 'Job title is reserved' },
    });
    const stored = h.slack.getView(view.id);
    expect(stored?.state.values.job_title?.value?.value).toBe('Chief Everything Officer');
    expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(0);
  });

  test('503 then 200 is retried and saved once', async () => {
    h.stuut.failNext({ kind: 'status', status: 503 });
    const { view } = await openForm();
    h.slack.typeInto(view.id, 'given_name', 'Ana');
    await h.driver.submitView(view.id);
    await h.settle();
    expect(h.stuut.patchCount()).toBe(2);
    expect(h.stuut.contact(CONTACT_ID)?.given_name).toBe('Ana');
    expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(1);
  });

  test('a bad signature gets 401 and causes nothing', async () => {
    const body = new URLSearchParams({
      command: '/contact',
      text: `update ${CONTACT_ID}`,
      trigger_id: h.slack.issueTriggerId(),
    }).toString();
    const result = await h.driver.sendRaw({ body, signature: 'v0=deadbeef' });
    expect(result.status).toBe(401);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    expect(h.stuut.requests).toEqual([]);
  });
});
