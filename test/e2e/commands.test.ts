import { type Harness, startHarness, waitFor } from './harness';

describe('/contact commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    for (const view of h.slack.openViews()) h.slack.closeView(view.id);
  });

  const ephemeralAck = async (text: string, entityEscape = true) => {
    const opensBefore = h.slack.callsTo('views.open').length;
    const ack = await h.driver.slashCommand({ text, escape: entityEscape });
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3_000);
    const body = ack.json as { response_type?: string; text?: string };
    expect(body.response_type).toBe('ephemeral');
    // Every listener is tracked: once settled, a form opened by mistake would be there.
    await h.settle();
    expect(h.slack.callsTo('views.open')).toHaveLength(opensBefore);
    return body.text ?? '';
  };

  test.each(['', 'help', 'HELP'])(
    '"/contact %s" answers with usage: finding by name, email or id',
    async (text) => {
      const help = await ephemeralAck(text);
      expect(help).toContain('/contact update &lt;name, @member, email or id&gt;');
      expect(help).toContain('/contact find');
      expect(help).toMatch(/contact book/);
    },
  );

  test('an unknown subcommand is named, with a pointer to help', async () => {
    const text = await ephemeralAck('delete ic_1');
    expect(text).toContain('"delete" is not a /contact command');
    expect(text).toContain('/contact help');
  });

  test('an unknown field is named', async () => {
    const text = await ephemeralAck('update ic_1 title=CEO');
    expect(text).toContain('"title" is not a contact field');
  });

  test.each([
    ['wrapped by Slack as <mailto:…>', true],
    ['as typed', false],
  ])('an email finds its contact in the book (%s)', async (_label, linkEmails) => {
    const known = h.stuut.contact('ic_7Qm2xK9a');
    await h.driver.slashCommand({ text: `update ${known?.email.toUpperCase()}`, linkEmails });
    const view = await waitFor(() => h.slack.openViews()[0], 'the form');
    expect(JSON.stringify(view.blocks)).toContain('Found by email');
    expect(view.state.values.email?.value?.value).toBe(known?.email);
  });

  test('an email the book does not know opens no form, and says what to do', async () => {
    const text = await ephemeralAck('update nobody@northwind.example');
    expect(text).toContain('No contact in the book matches');
    expect(text).toContain('/contact find');
  });

  test('a value known to be wrong never opens the form', async () => {
    const text = await ephemeralAck('update ic_7Qm2xK9a phone=12');
    expect(text).toContain('Phone (phone)');
  });

  test.each([
    ['entity-escaped, as Slack sends it', true],
    ['raw', false],
  ])('prefills quoted values with &, < and > (%s)', async (_label, entityEscape) => {
    await h.driver.slashCommand({
      text: 'update ic_7Qm2xK9a job_title=“R&D <lead>” email=ana@northwind.example family_name=',
      escape: entityEscape,
      linkEmails: true,
    });
    const view = await waitFor(() => h.slack.openViews()[0], 'the form');
    expect(view.state.values.job_title?.value?.value).toBe('R&D <lead>');
    expect(view.state.values.email?.value?.value).toBe('ana@northwind.example');
    // The form starts from the book's values, so a proposed `family_name=` empties that box.
    expect(view.state.values.family_name?.value?.value ?? null).toBeNull();
    expect(view.state.values.given_name?.value?.value).toBe(
      h.stuut.contact('ic_7Qm2xK9a')?.given_name,
    );
  });

  test('the form opens within the trigger’s life and is valid for Slack', async () => {
    await h.driver.slashCommand({ text: 'update ic_7Qm2xK9a' });
    await waitFor(() => h.slack.openViews()[0], 'the form');
    const open = h.slack.callsTo('views.open').at(-1);
    expect(open?.ok).toBe(true);
    expect(h.slack.warnings).toEqual([]);
  });

  test('GET /healthz answers 200 with the state in JSON', async () => {
    const response = await fetch(`${h.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', contactBook: 'ok' });
  });
});
