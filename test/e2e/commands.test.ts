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
    // Give a wrongly opened form the chance to show up before asserting it did not.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.slack.callsTo('views.open')).toHaveLength(opensBefore);
    return body.text ?? '';
  };

  test.each(['', 'help', 'HELP'])(
    '"/contact %s" answers with usage, including where to find the id',
    async (text) => {
      const help = await ephemeralAck(text);
      expect(help).toContain('/contact update &lt;contact-id&gt;');
      expect(help).toMatch(/Where is the id\?/);
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
  ])('an email where the id belongs is refused (%s)', async (_label, linkEmails) => {
    const ack = await h.driver.slashCommand({ text: 'update ana@northwind.example', linkEmails });
    const text = (ack.json as { text: string }).text;
    expect(text).toContain('cannot look contacts up by email');
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
    expect(view.state.values.clear?.value?.selected_options?.map((o) => o.value)).toEqual([
      'family_name',
    ]);
  });

  test('without an id the form asks for one, and saves to the id typed there', async () => {
    await h.driver.slashCommand({ text: 'update' });
    const view = await waitFor(() => h.slack.openViews()[0], 'the form');
    expect(view.blocks.some((b) => b.block_id === 'contact_id' && b.type === 'input')).toBe(true);
    h.slack.typeInto(view.id, 'contact_id', 'ic_3Lp8vR2d');
    h.slack.typeInto(view.id, 'job_title', 'Renewals lead');
    await h.driver.submitView(view.id);
    await h.settle();
    expect(h.stuut.contact('ic_3Lp8vR2d')?.job_title).toBe('Renewals lead');
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
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
