import type { PostedMessage } from '../../src/sandbox/slack/types';
import { decodeEditButton } from '../../src/slack/metadata';
import {
  type Harness,
  type HarnessOptions,
  importContacts,
  startHarness,
  waitFor,
} from './harness';

/**
 * A confirmation never puts an email address or a phone number into a channel shared with
 * another organisation (Slack Connect: `conversations.info` → `is_ext_shared`). There it
 * names the contact and the changed fields; the person who saved still sees the values.
 */

const CONTACT_ID = 'ic_7Qm2xK9a';
const NEW_EMAIL = 'priya.r@northwind-group.example';
const NEW_PHONE_TYPED = '+44 20 7946 0958';
const NEW_PHONE = '+442079460958';
const NEW_TITLE = 'Head of Customer Success, EMEA';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}

const digits = (text: string) => text.replace(/\D/g, '');

/** Saves a new email, phone and job title from `channelId`; returns the values before. */
async function saveContactData(harness: Harness, channelId = 'C0OPS') {
  const before = harness.stuut.contact(CONTACT_ID);
  if (!before?.phone) throw new Error('the seed contact needs a phone');
  await harness.driver.slashCommand({ text: `update ${CONTACT_ID}`, channelId });
  const view = await waitFor(() => harness.slack.openViews()[0], 'the form');
  harness.slack.typeInto(view.id, 'email', NEW_EMAIL);
  harness.slack.typeInto(view.id, 'phone', NEW_PHONE_TYPED);
  harness.slack.typeInto(view.id, 'job_title', NEW_TITLE);
  const ack = await harness.driver.submitView(view.id);
  await harness.settle();
  expect(harness.stuut.contact(CONTACT_ID)).toMatchObject({
    email: NEW_EMAIL,
    phone: NEW_PHONE,
    job_title: NEW_TITLE,
  });
  return { before, view, ack };
}

function onlyPost(harness: Harness, channel: string): PostedMessage {
  const posts = harness.slack.messages.filter((m) => m.kind === 'channel');
  expect(posts.map((p) => p.channel)).toEqual([channel]);
  const [post] = posts;
  if (!post) throw new Error('no post');
  return post;
}

/** Everything the channel received: fallback text, blocks, and button values. */
function everything(post: PostedMessage): string {
  return JSON.stringify({ text: post.text, blocks: post.blocks });
}

function expectNoContactData(post: PostedMessage, before: { email: string; phone: string }) {
  const all = everything(post);
  for (const email of [NEW_EMAIL, before.email]) expect(all).not.toContain(email);
  // No phone digits, in any format: the run of digits, nor its last 7.
  for (const phone of [NEW_PHONE, before.phone]) {
    expect(digits(all)).not.toContain(digits(phone));
    expect(all).not.toContain(digits(phone).slice(-7));
  }
  expect(all).not.toContain(NEW_TITLE);
  // The only @ left is the mention of the person who saved.
  expect(all.replaceAll('<@U0ALICE>', '')).not.toContain('@');
}

/** The value of the first element with this action_id, anywhere in the blocks. */
function buttonValue(value: unknown, actionId: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (record.action_id === actionId && typeof record.value === 'string') return record.value;
  for (const inner of Object.values(record)) {
    const found = buttonValue(inner, actionId);
    if (found !== undefined) return found;
  }
  return undefined;
}

function editButtonValue(post: PostedMessage): string {
  const value = buttonValue(post.blocks, 'contact_edit');
  if (value === undefined) throw new Error('no Edit button');
  return value;
}

test('a shared channel gets the contact and the changed fields, and no email or phone anywhere', async () => {
  const harness = await start();
  harness.slack.setChannel('C0OPS', { isExtShared: true });
  const { before, ack } = await saveContactData(harness);
  const post = onlyPost(harness, 'C0OPS');
  expectNoContactData(post, { email: before.email, phone: before.phone ?? '' });
  expect(post.text).toBe('<@U0ALICE> updated Priya Raman in Stuut: email, phone, job title.');
  expect(everything(post)).toContain('shared with another organisation');
  expect(decodeEditButton(editButtonValue(post))).toEqual({
    contactId: CONTACT_ID,
    baseline: null,
  });
  expect(harness.slack.callsTo('conversations.info').map((c) => c.args.channel)).toEqual(['C0OPS']);
  // The person who saved still sees the values, in their own modal (phones as people read them).
  expect(JSON.stringify(ack.json)).toContain(NEW_EMAIL);
  expect(JSON.stringify(ack.json)).toContain('+44 20 7946 0958');
});

test('a channel that is not shared still shows the values', async () => {
  const harness = await start();
  await saveContactData(harness);
  const all = everything(onlyPost(harness, 'C0OPS'));
  expect(all).toContain(NEW_EMAIL);
  expect(all).toContain(NEW_PHONE);
  expect(all).toContain(NEW_TITLE);
});

test('CONTACT_UPDATES_CHANNEL shared, the command’s channel not: the updates channel decides', async () => {
  const harness = await start({ contactUpdatesChannel: 'C0UPDATES' });
  harness.slack.setChannel('C0UPDATES', { isExtShared: true });
  const { before } = await saveContactData(harness);
  expectNoContactData(onlyPost(harness, 'C0UPDATES'), {
    email: before.email,
    phone: before.phone ?? '',
  });
  expect(harness.slack.callsTo('conversations.info').map((c) => c.args.channel)).toEqual([
    'C0UPDATES',
  ]);
});

test('a private shared channel is redacted too', async () => {
  const harness = await start();
  harness.slack.setChannel('G0PARTNER', { isPrivate: true, isMember: true, isExtShared: true });
  const { before } = await saveContactData(harness, 'G0PARTNER');
  expectNoContactData(onlyPost(harness, 'G0PARTNER'), {
    email: before.email,
    phone: before.phone ?? '',
  });
});

test('fail safe: a lookup Slack refuses (missing_scope) counts as shared, and the admin is told', async () => {
  const harness = await start();
  harness.slack.failNext('conversations.info', { error: 'missing_scope' });
  const { before } = await saveContactData(harness);
  expectNoContactData(onlyPost(harness, 'C0OPS'), {
    email: before.email,
    phone: before.phone ?? '',
  });
  const warning = harness.logs
    .entries()
    .find((entry) => entry.level === 'warn' && entry.slackError === 'missing_scope');
  expect(warning?.msg).toContain('conversations.info');
});

test('fail safe and bounded: a lookup that hangs counts as shared, within the save budget', async () => {
  const harness = await start({ timing: { saveBudgetMs: 3_000, slackTimeoutMs: 30_000 } });
  harness.slack.failNext('conversations.info', { delayMs: 20_000 });
  const started = Date.now();
  const { before } = await saveContactData(harness);
  expect(Date.now() - started).toBeLessThan(4_000);
  expectNoContactData(onlyPost(harness, 'C0OPS'), {
    email: before.email,
    phone: before.phone ?? '',
  });
});

test('the answer is cached: two saves, one conversations.info', async () => {
  const harness = await start();
  harness.slack.setChannel('C0OPS', { isExtShared: true });
  await saveContactData(harness);
  harness.slack.clearViews('U0ALICE');
  // Back to the seeded values in Stuut and in the book, so the same save is a change again.
  harness.stuut.reset();
  await harness.book.forget(CONTACT_ID);
  await importContacts(harness.book, harness.stuut.contacts());
  await saveContactData(harness);
  expect(harness.slack.callsTo('conversations.info')).toHaveLength(1);
  expect(harness.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(2);
});

test('the Edit button of a shared confirmation opens the form with the id and no values', async () => {
  const harness = await start();
  harness.slack.setChannel('C0OPS', { isExtShared: true });
  await saveContactData(harness);
  const post = onlyPost(harness, 'C0OPS');
  harness.slack.clearViews('U0ALICE');
  await harness.driver.clickButton({ actionId: 'contact_edit', messageTs: post.ts });
  const form = await waitFor(() => harness.slack.openViews()[0], 'the edit form');
  expect(form.callback_id).toBe('contact_update');
  expect(JSON.stringify(form.blocks)).toContain(CONTACT_ID);
  expect(form.state.values.email?.value?.value ?? null).toBeNull();
  expect(JSON.stringify(form)).not.toContain(NEW_EMAIL);
});

test('the bot’s own DM with the person needs no lookup and shows the values', async () => {
  const harness = await start();
  await saveContactData(harness, 'D0ALICEBOT');
  const dm = harness.slack.messages.find((m) => m.kind === 'dm');
  expect(JSON.stringify(dm?.blocks)).toContain(NEW_EMAIL);
  expect(harness.slack.callsTo('conversations.info')).toHaveLength(0);
});

test('a shared channel whose post fails: the fallback told to the person carries no values either', async () => {
  const harness = await start();
  harness.slack.setChannel('C0OPS', { isExtShared: true });
  harness.slack.failNext('chat.postMessage', { error: 'ratelimited', times: 3 });
  const { before } = await saveContactData(harness);
  const notice = harness.slack.messages.find((m) => m.kind === 'response_url');
  if (!notice) throw new Error('the person was not told');
  expect(notice.text).toContain('was saved');
  // The person may forward this into the shared channel, so it holds no contact data.
  expectNoContactData(notice, { email: before.email, phone: before.phone ?? '' });
});
