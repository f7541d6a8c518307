import { SEED_PARTNERS } from '../../src/sandbox/stuut/seed';
import { type Harness, startHarness, waitFor } from './harness';

/**
 * `/contact add`, `/contact assign`, `/contact roles` and Change role, through the real app
 * against the emulated Slack and Stuut: each outcome, each refusal, and the retry rules of
 * requests that are not idempotent.
 */

const PRIYA = 'ic_7Qm2xK9a';
const ADA = 'ada.lovelace@northwind.example';

describe('add, assign and change role', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ contactUpdatesChannel: 'C0UPDATES' });
  });
  afterEach(async () => {
    await h.close();
  });

  const posts = () => h.slack.messages.filter((m) => m.kind === 'channel');
  const lastPost = () => JSON.stringify(posts().at(-1) ?? null);
  const openForm = async (text: string) => {
    h.slack.clearViews('U0ALICE');
    await h.driver.slashCommand({ text, channelId: 'C0OPS' });
    return waitFor(() => h.slack.openViews()[0], `the form of /contact ${text}`);
  };
  const shown = (viewId: string) => JSON.stringify(h.slack.getView(viewId)?.blocks ?? null);
  const creates = () => h.stuut.postCount('create');
  const assigns = () => h.stuut.postCount('assign');

  async function addAda(extra = '') {
    const form = await openForm(`add ${ADA} given_name=Ada family_name=Lovelace role=csm ${extra}`);
    expect(form.state.values.add_email?.value?.value).toBe(ADA);
    expect(form.state.values.add_given_name?.value?.value).toBe('Ada');
    return form;
  }

  test('add creates the contact, posts who added whom with which role, and the book then finds her', async () => {
    const form = await addAda('phone="(212) 555-0147"');
    const ack = await h.driver.submitView(form.id);
    await h.settle();
    expect(ack.json).toMatchObject({ response_action: 'update' });
    expect(creates()).toBe(1);
    const request = h.stuut.requests.find((r) => r.route === 'create');
    expect(request?.body).toEqual({
      email: ADA,
      internal_role: 'csm',
      given_name: 'Ada',
      family_name: 'Lovelace',
      phone: '+12125550147',
    });
    const created = h.stuut.contactByEmail(ADA);
    expect(created).toBeDefined();
    const post = posts().at(-1);
    expect(post?.channel).toBe('C0UPDATES');
    expect(post?.text).toContain('<@U0ALICE> added');
    expect(lastPost()).toContain('Ada Lovelace');
    expect(lastPost()).toContain('CSM');
    expect(lastPost()).toContain(created?.id);
    expect(lastPost()).toContain('"contact_edit"');

    // The book learned her and her floating role.
    const update = await openForm('update ada lovelace');
    expect(shown(update.id)).toContain(created?.id);
    expect(update.state.values.phone?.value?.value).toBe('+1 212 555 0147');
    const roles = await h.driver.slashCommand({ text: 'roles ada' });
    const rolesText = JSON.stringify(roles.json);
    expect(rolesText).toContain('CSM');
    expect(rolesText).toContain('no partner');
    expect(rolesText).not.toContain('"role_change"');
    // History names the add.
    const history = await h.driver.slashCommand({ text: 'history ada' });
    expect(JSON.stringify(history.json)).toContain('with the role *CSM*');
  });

  test('add of an email the book knows sends nothing and offers her update form', async () => {
    const form = await openForm('add priya.raman@northwind.example');
    expect(shown(form.id)).toContain('already known as *Priya Raman*');
    h.slack.typeInto(form.id, 'add_role', 'lead');
    const ack = await h.driver.submitView(form.id);
    await h.settle();
    expect(ack.json).toMatchObject({ response_action: 'update' });
    expect(creates()).toBe(0);
    expect(shown(form.id)).toContain('nothing was sent to Stuut');
    // The role chosen is kept.
    expect(h.slack.getView(form.id)?.state.values.add_role?.value?.selected_option?.value).toBe(
      'lead',
    );

    await h.driver.clickButton({ viewId: form.id, actionId: 'contact_add_known' });
    await h.settle();
    const update = h.slack.openViews()[0];
    expect(update?.callback_id).toBe('contact_update');
    expect(shown(update?.id ?? '')).toContain(PRIYA);
    expect(update?.state.values.email?.value?.value).toBe('priya.raman@northwind.example');
  });

  test("add: Stuut's 409 goes to the email, its 422 to the field it names, and nothing is lost", async () => {
    // The book does not know this Stuut contact, so only Stuut can say it exists.
    const stranger = {
      ...h.stuut.contact(PRIYA),
      id: 'ic_Stranger1',
      email: 'known@northwind.example',
    };
    h.stuut.put(stranger as Parameters<typeof h.stuut.put>[0]);
    const duplicate = await openForm('add known@northwind.example role=lead');
    const refused = await h.driver.submitView(duplicate.id);
    expect(refused.json).toMatchObject({
      response_action: 'errors',
      errors: { add_email: expect.stringContaining('already exists in Stuut') },
    });

    const form = await addAda();
    h.stuut.failNext({
      kind: 'status',
      status: 422,
      body: {
        detail: [{ loc: ['body', 'job_title'], msg: 'Job title is reserved', type: 'value_error' }],
      },
    });
    h.slack.typeInto(form.id, 'add_job_title', 'Chief');
    const invalid = await h.driver.submitView(form.id);
    expect(invalid.json).toEqual({
      response_action: 'errors',
      errors: { add_job_title: 'Job title is reserved' },
    });
    await h.settle();
    expect(h.stuut.contactByEmail(ADA)).toBeUndefined();
    expect(h.slack.getView(form.id)?.state.values.add_job_title?.value?.value).toBe('Chief');
    expect(posts()).toHaveLength(0);
  });

  test('a Stuut that answers a duplicate email with the existing contact: handled as an add, and the book learns her', async () => {
    await h.close();
    h = await startHarness({ book: 'empty', contactUpdatesChannel: 'C0UPDATES' });
    h.stuut.duplicateCreate = 'existing';
    const form = await openForm('add priya.raman@northwind.example role=lead');
    await h.driver.submitView(form.id);
    await h.settle();
    expect(creates()).toBe(1);
    expect(posts().at(-1)?.text).toContain('added');
    expect(lastPost()).toContain(PRIYA);
    const roles = await h.driver.slashCommand({ text: 'roles priya' });
    expect(JSON.stringify(roles.json)).toContain('Lead');
  });

  test.each([
    ['a reset after Stuut applied it', { kind: 'reset-after-apply' as const }],
    ['a reset before', { kind: 'reset' as const }],
    ['a 503', { kind: 'status' as const, status: 503 }],
  ])(
    'add after %s: exactly one POST, "may or may not", values kept, the book learns nothing',
    async (_name, fault) => {
      const form = await addAda();
      h.stuut.failNext(fault);
      await h.driver.submitView(form.id);
      await h.settle();
      expect(creates()).toBe(1);
      const view = shown(form.id);
      expect(view).toContain('may or may not');
      expect(view).toContain('Check the Stuut app before trying again');
      expect(view).toContain('duplicate');
      expect(h.slack.getView(form.id)?.state.values.add_email?.value?.value).toBe(ADA);
      expect(posts()).toHaveLength(0);
      const found = await h.driver.slashCommand({ text: 'find ada lovelace' });
      expect(JSON.stringify(found.json)).not.toContain('"contact_open"');
      expect(JSON.stringify(found.json)).toContain('No contact');
    },
  );

  test('a slow Stuut: the add is acknowledged with "Saving…" within 3 s, then shows the outcome', async () => {
    const form = await addAda();
    h.stuut.failNext({ kind: 'delay', ms: 2_600 });
    const ack = await h.driver.submitView(form.id);
    expect(ack.ms).toBeLessThan(3_000);
    expect(JSON.stringify(ack.json)).toContain('Saving');
    await h.settle();
    expect(creates()).toBe(1);
    expect(JSON.stringify(h.slack.getView(form.id)?.blocks)).toContain('Added');
    // The audit line names who added whom, with ids and the role, never the values.
    const audit = h.logs.lines
      .map((line) => JSON.parse(line))
      .find((e) => e.audit === 'contact_added');
    expect(audit).toMatchObject({ slackUser: 'U0ALICE', role: 'csm', partnerId: null });
    expect(JSON.stringify(audit)).not.toContain(ADA);
  });

  test('add after a 429 with Retry-After: a second POST once the wait is over', async () => {
    const form = await addAda();
    h.stuut.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    await h.driver.submitView(form.id);
    await h.settle();
    expect(creates()).toBe(2);
    expect(h.stuut.contactByEmail(ADA)).toBeDefined();
    expect(lastPost()).toContain('Ada Lovelace');
  });

  test('assign gives a known contact a role on a partner; Change role changes it; Undo puts it back', async () => {
    const form = await openForm('assign priya raman');
    expect(h.slack.getView(form.id)?.blocks.some((b) => JSON.stringify(b).includes(PRIYA))).toBe(
      true,
    );
    h.slack.typeInto(form.id, 'assign_partner', ` ${SEED_PARTNERS.vandelay} `);
    h.slack.typeInto(form.id, 'assign_role', 'lead');
    await h.driver.submitView(form.id);
    await h.settle();
    expect(assigns()).toBe(1);
    const request = h.stuut.requests.find((r) => r.route === 'assign');
    expect(request?.rawPath).toBe(`/v2/partners/${SEED_PARTNERS.vandelay}/internal-contacts`);
    expect(request?.body).toEqual({
      email: 'priya.raman@northwind.example',
      internal_role: 'lead',
    });
    expect(posts().at(-1)?.text).toContain(
      `<@U0ALICE> made Priya Raman Lead for partner \`${SEED_PARTNERS.vandelay}\``,
    );
    const made = h.stuut.assignmentsOf(PRIYA).find((a) => a.partner_id === SEED_PARTNERS.vandelay);
    expect(made?.internal_role).toBe('lead');

    // The book knows the assignment: /contact roles lists it with Change role.
    const roles = await h.driver.slashCommand({ text: 'roles priya' });
    expect(JSON.stringify(roles.json)).toContain(SEED_PARTNERS.vandelay);
    await h.driver.clickButton({ actionId: 'role_change' });
    const roleForm = await waitFor(
      () => h.slack.openViews().find((v) => v.callback_id === 'contact_role'),
      'the role form',
    );
    h.slack.typeInto(roleForm.id, 'role_select', 'co_lead');
    await h.driver.submitView(roleForm.id);
    await h.settle();
    expect(h.stuut.assignment(made?.id ?? '')?.internal_role).toBe('co_lead');
    const changed = posts().at(-1);
    expect(changed?.text).toContain('Lead → Co-lead');
    expect(JSON.stringify(changed?.blocks)).toContain('"contact_undo"');

    await h.driver.clickButton({ actionId: 'contact_undo', messageTs: changed?.ts });
    await h.settle();
    expect(h.stuut.assignment(made?.id ?? '')?.internal_role).toBe('lead');
    expect(h.stuut.roleChangeCount(made?.id)).toBe(2);
    expect(posts().at(-1)?.text).toContain('undid');
    const history = await h.driver.slashCommand({ text: 'history priya' });
    const historyText = JSON.stringify(history.json);
    expect(historyText).toContain('Lead → Co-lead');
    expect(historyText).toContain('back to Lead');
  });

  test('assign refuses a malformed partner id before any request, and says when Stuut has no such partner', async () => {
    const form = await openForm('assign priya raman');
    h.slack.typeInto(form.id, 'assign_partner', 'ptn_../../admin');
    h.slack.typeInto(form.id, 'assign_role', 'csm');
    const malformed = await h.driver.submitView(form.id);
    expect(malformed.json).toMatchObject({
      response_action: 'errors',
      errors: { assign_partner: expect.stringContaining('ptn_') },
    });
    expect(assigns()).toBe(0);

    h.slack.typeInto(form.id, 'assign_partner', 'ptn_NoSuchOne');
    const missing = await h.driver.submitView(form.id);
    expect(missing.json).toMatchObject({
      response_action: 'errors',
      errors: {
        assign_partner: expect.stringContaining('Stuut has no partner with id ptn_NoSuchOne'),
      },
    });
    expect(assigns()).toBe(1);
  });

  test('assign of an email the book does not know grows the form and creates the person with their details', async () => {
    const form = await openForm('assign grace.hopper@northwind.example');
    expect(shown(form.id)).toContain('Not in the contact book');
    expect(form.state.values.assign_email?.assign_email?.value).toBe(
      'grace.hopper@northwind.example',
    );
    h.slack.typeInto(form.id, 'assign_given_name', 'Grace');
    h.slack.typeInto(form.id, 'assign_job_title', 'Account Executive');
    h.slack.typeInto(form.id, 'assign_partner', SEED_PARTNERS.globex);
    h.slack.typeInto(form.id, 'assign_role', 'account_executive');
    await h.driver.submitView(form.id);
    await h.settle();
    expect(h.stuut.requests.find((r) => r.route === 'assign')?.body).toEqual({
      email: 'grace.hopper@northwind.example',
      internal_role: 'account_executive',
      given_name: 'Grace',
      job_title: 'Account Executive',
    });
    const grace = h.stuut.contactByEmail('grace.hopper@northwind.example');
    expect(grace?.given_name).toBe('Grace');
    expect(posts().at(-1)?.text).toContain(
      `made Grace Account executive for partner \`${SEED_PARTNERS.globex}\``,
    );
    // The book learned her.
    const found = await h.driver.slashCommand({ text: 'find grace' });
    expect(JSON.stringify(found.json)).toContain(grace?.id);
  });

  test('an email typed into the assign form and confirmed with Enter: known says who, unknown grows the form', async () => {
    const form = await openForm('assign');
    expect(shown(form.id)).not.toContain('assign_given_name');
    const known = await h.driver.pressEnter({
      viewId: form.id,
      blockId: 'assign_email',
      value: 'priya.raman@northwind.example',
    });
    expect(known?.status).toBe(200);
    await h.settle();
    expect(shown(form.id)).toContain('Known in the contact book: *Priya Raman*');
    expect(shown(form.id)).not.toContain('assign_given_name');

    h.slack.typeInto(form.id, 'assign_partner', SEED_PARTNERS.initech);
    await h.driver.pressEnter({
      viewId: form.id,
      blockId: 'assign_email',
      value: 'new.person@northwind.example',
    });
    await h.settle();
    const grown = h.slack.getView(form.id);
    expect(shown(form.id)).toContain('Not in the contact book');
    expect(shown(form.id)).toContain('assign_given_name');
    // What was typed before the form grew is still there.
    expect(grown?.state.values.assign_partner?.value?.value).toBe(SEED_PARTNERS.initech);
    expect(grown?.state.values.assign_email?.assign_email?.value).toBe(
      'new.person@northwind.example',
    );
    expect(assigns()).toBe(0);
  });

  test('assign after a reset sends one POST and says it may or may not have been done', async () => {
    const form = await openForm('assign priya raman');
    h.slack.typeInto(form.id, 'assign_partner', SEED_PARTNERS.vandelay);
    h.slack.typeInto(form.id, 'assign_role', 'lead');
    h.stuut.failNext({ kind: 'reset-after-apply' });
    await h.driver.submitView(form.id);
    await h.settle();
    expect(assigns()).toBe(1);
    expect(shown(form.id)).toContain('may or may not');
    expect(posts()).toHaveLength(0);
    const roles = await h.driver.slashCommand({ text: 'roles priya' });
    expect(JSON.stringify(roles.json)).not.toContain(SEED_PARTNERS.vandelay);
  });

  test('two role forms opened on one role: the second is told the role changed, and sends nothing', async () => {
    const form = await openForm('assign priya raman');
    h.slack.typeInto(form.id, 'assign_partner', SEED_PARTNERS.vandelay);
    h.slack.typeInto(form.id, 'assign_role', 'csm');
    await h.driver.submitView(form.id);
    await h.settle();
    const rolesMessage = await h.driver.slashCommand({ text: 'roles priya' });
    expect(JSON.stringify(rolesMessage.json)).toContain('"role_change"');
    h.slack.clearViews('U0ALICE');
    await h.driver.clickButton({ actionId: 'role_change', messageTs: h.slack.messages.at(-1)?.ts });
    // Bob lists the roles himself: an ephemeral list is for its reader only.
    await h.driver.slashCommand({ text: 'roles priya', userId: 'U0BOB' });
    await h.driver.clickButton({
      actionId: 'role_change',
      userId: 'U0BOB',
      messageTs: h.slack.messages.at(-1)?.ts,
    });
    const [alice, bob] = await waitFor(() => {
      const views = h.slack.openViews().filter((v) => v.callback_id === 'contact_role');
      return views.length === 2 ? views : undefined;
    }, 'two role forms');
    if (!alice || !bob) throw new Error('two forms expected');
    h.slack.typeInto(alice.id, 'role_select', 'lead');
    await h.driver.submitView(alice.id);
    await h.settle();
    h.slack.typeInto(bob.id, 'role_select', 'practice_lead');
    const stale = await h.driver.submitView(bob.id);
    await h.settle();
    expect(stale.json).toMatchObject({ response_action: 'update' });
    expect(shown(bob.id)).toContain('the role became Lead');
    const assignment = h.stuut
      .assignmentsOf(PRIYA)
      .find((a) => a.partner_id === SEED_PARTNERS.vandelay);
    expect(assignment?.internal_role).toBe('lead');
    expect(h.stuut.roleChangeCount(assignment?.id)).toBe(1);
  });

  test('someone who may not edit is refused add, assign and Change role', async () => {
    await h.close();
    h = await startHarness({ contactEditors: 'U0BOB' });
    for (const text of [`add ${ADA} role=csm`, 'assign priya']) {
      const refused = await h.driver.slashCommand({ text });
      expect(JSON.stringify(refused.json)).toContain('you are not one of them');
      expect(h.slack.openViews()).toHaveLength(0);
    }
    expect(creates() + assigns()).toBe(0);
  });
});

describe('add and assign in a channel shared with another organisation', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ contactUpdatesChannel: 'C0SHARED' });
    h.slack.setChannel('C0SHARED', { isExtShared: true });
  });
  afterEach(async () => {
    await h.close();
  });

  test('the confirmations carry no email and no phone number', async () => {
    h.slack.clearViews('U0ALICE');
    await h.driver.slashCommand({
      text: `add ${ADA} given_name=Ada phone="(212) 555-0147" role=csm`,
    });
    const form = await waitFor(() => h.slack.openViews()[0], 'the add form');
    await h.driver.submitView(form.id);
    await h.settle();
    const post = JSON.stringify(h.slack.messages.filter((m) => m.kind === 'channel').at(-1));
    expect(post).toContain('Ada');
    expect(post).not.toContain(ADA);
    expect(post).not.toMatch(/555|2125550147/);
  });
});

describe('add over Socket Mode', () => {
  test('the whole add works over a socket', async () => {
    const h = await startHarness({ mode: 'socket' });
    try {
      await h.driver.slashCommand({ text: `add ${ADA} role=practice_lead` });
      const form = await waitFor(() => h.slack.openViews()[0], 'the add form');
      await h.driver.submitView(form.id);
      await h.settle();
      expect(h.stuut.postCount('create')).toBe(1);
      expect(h.stuut.contactByEmail(ADA)).toBeDefined();
      expect(JSON.stringify(h.slack.messages.at(-1))).toContain('Practice lead');
    } finally {
      await h.close();
    }
  });
});
