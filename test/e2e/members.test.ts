import { DEFAULT_SCOPES } from '../../src/sandbox/slack/emulator';
import { type Harness, importContacts, startHarness, waitFor } from './harness';

/**
 * Contacts are colleagues: linking by email, @mentions, drift proposals from profile changes,
 * `/contact drift`, through the real app against the emulated Slack (members with profiles,
 * users.lookupByEmail, users.list, user_change events) and Stuut.
 */

const PRIYA = 'ic_7Qm2xK9a';
const PRIYA_MEMBER = 'U0PRIYA';
const UPDATES = 'C0UPDATES';

const channelPosts = (h: Harness, channel = UPDATES) =>
  h.slack.messages.filter((m) => m.kind === 'channel' && m.channel === channel && !m.deleted);

async function saveOpenForm(h: Harness, viewId: string) {
  await h.driver.submitView(viewId);
  await h.settle();
}

describe('linking and @mentions', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ contactUpdatesChannel: UPDATES });
  });
  afterEach(async () => {
    await h.close();
  });

  test('/contact update @priya opens her form: the member is linked to the contact by email', async () => {
    // should_escape: Slack sends the member picked after @ as <@U0PRIYA|priya.raman>.
    await h.driver.slashCommand({ text: 'update @priya' });
    const form = await waitFor(() => h.slack.openViews()[0], 'her form');
    expect(JSON.stringify(form.blocks)).toContain(PRIYA);
    expect(form.state.values.email?.value?.value).toBe('priya.raman@northwind.example');
    // The link is cached in the book: the second mention asks Slack nothing new.
    const infos = h.slack.callsTo('users.info').length;
    h.slack.clearViews('U0ALICE');
    await h.driver.slashCommand({ text: 'history @priya.raman' });
    expect(h.slack.callsTo('users.info').length).toBe(infos);
    expect((await h.book.linkOfMember(PRIYA_MEMBER))?.contactId).toBe(PRIYA);
  });

  test.each(['find', 'roles', 'assign'])('/contact %s @priya finds her too', async (verb) => {
    const answer = await h.driver.slashCommand({ text: `${verb} @priya` });
    await h.settle();
    const shown = JSON.stringify(answer.json ?? h.slack.openViews()[0]?.blocks);
    expect(shown).toMatch(/Priya Raman|ic_7Qm2xK9a/);
  });

  test('an app still on should_escape false gets "@priya" as text, and it is searched as a name', async () => {
    await h.driver.slashCommand({ text: 'update @priya', shouldEscape: false });
    const form = await waitFor(() => h.slack.openViews()[0], 'her form');
    expect(JSON.stringify(form.blocks)).toContain(PRIYA);
    // Searched as a name: Slack was not asked who @priya is.
    expect(h.slack.callsTo('users.info').map((call) => call.args.user)).not.toContain(PRIYA_MEMBER);
  });

  test('a member no contact is linked to: said, with their email to the asker only, and Add opens the add form from their profile', async () => {
    const answer = await h.driver.slashCommand({ text: 'update @alice' });
    const text = JSON.stringify(answer.json);
    expect(answer.json).toMatchObject({ response_type: 'ephemeral' });
    expect(text).toContain('is not linked to any contact');
    const alice = h.slack.member('U0ALICE');
    expect(text).toContain(alice?.profile.email);
    await h.driver.clickButton({ actionId: 'member_add', messageTs: h.slack.messages.at(-1)?.ts });
    const form = await waitFor(() => h.slack.openViews()[0], 'the add form');
    expect(form.callback_id).toBe('contact_add');
    expect(form.state.values.add_email?.value?.value).toBe(alice?.profile.email);
    expect(form.state.values.add_job_title?.value?.value).toBe(alice?.profile.title);
  });

  test("the confirmation shows the linked member's Slack name in plain text, never a mention", async () => {
    await h.driver.slashCommand({ text: 'update priya job_title="Head of Customer Success"' });
    const form = await waitFor(() => h.slack.openViews()[0], 'her form');
    await saveOpenForm(h, form.id);
    const post = channelPosts(h).at(-1);
    const member = h.slack.member(PRIYA_MEMBER);
    expect(JSON.stringify(post?.blocks)).toContain(`(Slack: ${member?.profile.display_name}`);
    expect(JSON.stringify(post)).not.toContain(`<@${PRIYA_MEMBER}`);
  });
});

describe('without users:read.email', () => {
  test('linking is off with one start warning; @mention says why; everything else works', async () => {
    const h = await startHarness({
      slackScopes: DEFAULT_SCOPES.filter((scope) => scope !== 'users:read.email'),
    });
    try {
      const warnings = h.logs.lines.filter((line) =>
        line.includes('users:read.email is not granted'),
      );
      expect(warnings).toHaveLength(1);
      const answer = await h.driver.slashCommand({ text: 'update @priya' });
      expect(JSON.stringify(answer.json)).toContain('needs the users:read.email scope');
      expect(h.slack.callsTo('users.lookupByEmail')).toHaveLength(0);
      await h.driver.slashCommand({ text: 'update priya job_title=Director' });
      const form = await waitFor(() => h.slack.openViews()[0], 'her form by name');
      await saveOpenForm(h, form.id);
      expect(h.stuut.contact(PRIYA)?.job_title).toBe('Director');
      expect(
        h.logs.lines.filter((line) => line.includes('users:read.email is not granted')),
      ).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('drift proposals', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ contactUpdatesChannel: UPDATES });
  });
  afterEach(async () => {
    await h.close();
  });

  const proposals = () =>
    channelPosts(h).filter(
      (m) => JSON.stringify(m.blocks).includes('"drift_apply"') || m.text.includes('Slack profile'),
    );

  test('a title change posts a proposal; Apply opens her form with it; saving updates Stuut and marks the proposal applied', async () => {
    const delivered = await h.slack.updateMemberProfile(PRIYA_MEMBER, {
      title: 'VP, Customer Success',
    });
    expect(delivered.acknowledged).toBe(true);
    const proposal = await waitFor(() => proposals()[0], 'the proposal');
    await h.settle();
    expect(proposal.text).toContain(
      "Priya Raman's Slack profile says *VP, Customer Success*; Stuut has *Customer Success Manager*",
    );
    expect(JSON.stringify(proposal)).not.toContain(`<@${PRIYA_MEMBER}`);

    await h.driver.clickButton({ actionId: 'drift_apply', messageTs: proposal.ts });
    const form = await waitFor(() => h.slack.openViews()[0], 'her form');
    expect(form.state.values.job_title?.value?.value).toBe('VP, Customer Success');
    await saveOpenForm(h, form.id);
    expect(h.stuut.contact(PRIYA)?.job_title).toBe('VP, Customer Success');
    const updated = h.slack.messages.find((m) => m.ts === proposal.ts);
    expect(JSON.stringify(updated?.blocks)).toContain('Applied by <@U0ALICE>');
    expect(JSON.stringify(updated?.blocks)).not.toContain('"drift_apply"');
    const history = await h.driver.slashCommand({ text: 'history priya' });
    expect(JSON.stringify(history.json)).toContain('from a Slack profile');
  });

  test('the same difference is never proposed twice; a newer one replaces the proposal in place', async () => {
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { title: 'VP, Customer Success' });
    await waitFor(() => proposals()[0], 'the proposal');
    await h.settle();
    // The same title again, spaced and cased differently: nothing new.
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { title: '  vp,  customer success ' });
    await h.settle();
    expect(proposals()).toHaveLength(1);
    // A newer title: the same message now says it.
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { title: 'Chief Customer Officer' });
    await h.settle();
    expect(proposals()).toHaveLength(1);
    expect(proposals()[0]?.text).toContain('*Chief Customer Officer*');
    expect(proposals()[0]?.editedAt).toBeDefined();
  });

  test('Dismiss updates the proposal, and the dismissed difference is not proposed again', async () => {
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { title: 'VP, Customer Success' });
    const proposal = await waitFor(() => proposals()[0], 'the proposal');
    await h.settle();
    await h.driver.clickButton({ actionId: 'drift_dismiss', messageTs: proposal.ts });
    await h.settle();
    const updated = h.slack.messages.find((m) => m.ts === proposal.ts);
    expect(JSON.stringify(updated?.blocks)).toContain('Dismissed by <@U0ALICE>');
    expect(JSON.stringify(updated?.blocks)).not.toContain('"drift_dismiss"');
    // Something else changes in her profile: the same title is not proposed again.
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { display_name: 'priya.r' });
    await h.settle();
    expect(proposals()).toHaveLength(1);
    expect(h.stuut.patchCount()).toBe(0);
  });

  test('a phone is compared as E.164, and an empty Slack value is never proposed', async () => {
    // Her Slack phone is written for people; Stuut has the same number in E.164.
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { phone: '(415) 555-0123' });
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { title: '' });
    await h.settle();
    expect(proposals()).toHaveLength(0);
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { phone: '+1 212 555 0147' });
    const proposal = await waitFor(() => proposals()[0], 'the phone proposal');
    expect(proposal.text).toContain('+1 212 555 0147');
  });

  test('a proposal whose post failed is posted on the next profile change, once', async () => {
    h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { title: 'VP, Customer Success' });
    await h.settle();
    expect(proposals()).toHaveLength(0);
    // The same difference again (another field changed): now it reaches the channel.
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { display_name: 'priya.r' });
    await h.settle();
    expect(proposals()).toHaveLength(1);
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { display_name: 'Priya' });
    await h.settle();
    expect(proposals()).toHaveLength(1);
  });

  test('only editors may apply or dismiss', async () => {
    await h.close();
    h = await startHarness({ contactUpdatesChannel: UPDATES, contactEditors: 'U0BOB' });
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { title: 'VP, Customer Success' });
    const proposal = await waitFor(() => proposals()[0], 'the proposal');
    await h.settle();
    for (const actionId of ['drift_apply', 'drift_dismiss']) {
      await h.driver.clickButton({ actionId, messageTs: proposal.ts, userId: 'U0ALICE' });
      await h.settle();
    }
    expect(h.slack.openViews()).toHaveLength(0);
    expect(JSON.stringify(h.slack.messages.find((m) => m.ts === proposal.ts)?.blocks)).toContain(
      '"drift_apply"',
    );
    expect(
      h.slack.messages.some((m) => m.user === 'U0ALICE' && m.text.includes('not one of them')),
    ).toBe(true);
  });

  test('in a channel shared with another organisation, a proposal carries no phone number', async () => {
    h.slack.setChannel(UPDATES, { isExtShared: true });
    await h.slack.updateMemberProfile(PRIYA_MEMBER, { phone: '+1 212 555 0147' });
    const proposal = await waitFor(() => proposals()[0], 'the proposal');
    const all = JSON.stringify(proposal);
    expect(all).toContain('different phone number');
    expect(all).not.toMatch(/212|2125550147|415/);
  });

  test('a burst posts ten proposals an hour; the rest go into one digest, updated as they come', async () => {
    // The hour is the bot's: a fixed clock keeps the burst inside one.
    await h.close();
    h = await startHarness({
      contactUpdatesChannel: UPDATES,
      botNow: () => new Date('2026-12-02T10:30:00.000Z'),
    });
    const people = Array.from({ length: 13 }, (_, i) => ({
      id: `ic_burst${i}`,
      email: `burst.${i}@northwind.example`,
      given_name: 'Burst',
      family_name: `Person${i}`,
      name: null,
      phone: null,
      job_title: 'Analyst',
    }));
    await importContacts(h.book, people);
    for (const [i, person] of people.entries()) {
      h.slack.addMember({
        id: `U0BURST${i}`,
        name: `burst${i}`,
        realName: `Burst Person${i}`,
        email: person.email,
        title: 'Analyst',
      });
    }
    for (const i of people.keys()) {
      await h.slack.updateMemberProfile(`U0BURST${i}`, { title: 'Senior Analyst' });
    }
    await h.settle();
    const posts = channelPosts(h);
    const single = posts.filter((m) => m.text.includes("'s Slack profile says"));
    const digests = posts.filter((m) => m.text.startsWith('More Slack profiles differ'));
    expect(single).toHaveLength(10);
    expect(digests).toHaveLength(1);
    expect(digests[0]?.text).toContain('(3)');
    expect(posts).toHaveLength(11);
  });

  test('without CONTACT_UPDATES_CHANNEL drift proposals are off, and a start warning says so', async () => {
    await h.close();
    h = await startHarness();
    expect(
      h.logs.lines.some((line) =>
        line.includes('CONTACT_UPDATES_CHANNEL is not set: drift proposals'),
      ),
    ).toBe(true);
    const delivered = await h.slack.updateMemberProfile(PRIYA_MEMBER, {
      title: 'VP, Customer Success',
    });
    expect(delivered.acknowledged).toBe(true);
    await h.settle();
    expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(0);
  });
});

describe('CONTACT_NOTIFY_SUBJECT', () => {
  test('the linked member gets a direct message when someone else changes their contact', async () => {
    const h = await startHarness({ contactUpdatesChannel: UPDATES, notifySubject: true });
    try {
      await h.driver.slashCommand({ text: 'update priya job_title=Director' });
      const form = await waitFor(() => h.slack.openViews()[0], 'her form');
      await saveOpenForm(h, form.id);
      const dm = h.slack.messages.find((m) => m.channel === PRIYA_MEMBER || m.kind === 'dm');
      expect(dm?.text).toContain('<@U0ALICE> changed your contact in Stuut');
      // The channel post names her in plain text only.
      expect(JSON.stringify(channelPosts(h))).not.toContain(`<@${PRIYA_MEMBER}`);
    } finally {
      await h.close();
    }
  });
});

describe('/contact drift', () => {
  test('checks every member through users.list pages under rate limits, with progress, and lists the differences', async () => {
    const h = await startHarness({
      contactUpdatesChannel: UPDATES,
      timing: { driftProgressEveryMs: 0 },
    });
    try {
      // 1,050 more members: six pages of 200. Two of the seeded people's profiles differ.
      for (let i = 0; i < 1050; i++) {
        h.slack.addMember({ id: `U0MANY${i}`, name: `many${i}`, realName: `Many ${i}` });
      }
      h.slack.changeMemberSilently(PRIYA_MEMBER, { profile: { title: 'VP, Customer Success' } });
      h.slack.changeMemberSilently('U0MARCUS', { profile: { phone: '+44 20 7946 0999' } });
      h.slack.rateLimitNext('users.list', { retryAfterSeconds: 1, times: 1 });
      const ack = await h.driver.slashCommand({ text: 'drift' });
      expect(JSON.stringify(ack.json)).toContain('Checking Slack profiles');
      await h.settle();
      const pages = h.slack.callsTo('users.list');
      // One refused, then the six pages.
      expect(pages.length).toBe(7);
      // Slack takes 5 posts to a response_url: 4 progress updates (one after each page until
      // then), then the list; every one replaces the command's answer and was accepted.
      const posts = h.slack.responseUrlPosts.filter((post) => post.url === ack.responseUrl);
      expect(posts).toHaveLength(5);
      expect(posts.every((post) => post.status === 200)).toBe(true);
      expect(
        posts.map((post) => (post.body as { replace_original?: boolean }).replace_original),
      ).toEqual([true, true, true, true, true]);
      expect(JSON.stringify(posts[3]?.body)).toContain('Checking Slack profiles');
      // The command's answer, replaced through its response_url (progress, then the list).
      const answer = h.slack.messages.filter((m) => m.kind === 'ephemeral').at(-1);
      expect(answer?.editedAt).toBeDefined();
      const text = JSON.stringify(answer);
      expect(text).toContain('2 differ from Stuut');
      expect(text).toContain('VP, Customer Success');
      expect((text.match(/"drift_apply"/g) ?? []).length).toBe(2);
      // Nothing went to the channel: the list is the asker's.
      expect(channelPosts(h)).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});

describe('Socket Mode', () => {
  test('a user_change event over the socket posts a proposal', async () => {
    const h = await startHarness({ mode: 'socket', contactUpdatesChannel: UPDATES });
    try {
      const delivered = await h.slack.updateMemberProfile(PRIYA_MEMBER, {
        title: 'VP, Customer Success',
      });
      expect(delivered.acknowledged).toBe(true);
      const proposal = await waitFor(
        () => channelPosts(h).find((m) => m.text.includes('Slack profile says')),
        'the proposal',
      );
      expect(proposal.text).toContain('*VP, Customer Success*');
    } finally {
      await h.close();
    }
  });
});
