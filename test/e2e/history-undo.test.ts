import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Book } from '../../src/book/book';
import type { ChangeRecord } from '../../src/book/history';
import { openBook } from '../../src/book/open';
import { withoutPassword } from '../../src/config';
import type { PostedMessage } from '../../src/sandbox/slack/types';
import { freshDatabase } from '../pg/cluster';
import {
  type Harness,
  type HarnessOptions,
  importContacts,
  requireBuild,
  startHarness,
  tempBook,
  waitFor,
} from './harness';

/**
 * History, Undo and no silent overwrite through the real app, over loopback, on both engines:
 * a SQLite file and a real PostgreSQL server (the test cluster).
 */
requireBuild();

const PRIYA = 'ic_7Qm2xK9a';
const PRIYA_PHONE = '+14155550123';
const PRIYA_PHONE_SHOWN = '+1 415 555 0123';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const CAROL = 'U0CAROL';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

type Engine = 'sqlite' | 'postgres';

interface OpenedBook {
  book: Book;
  /** DATABASE_URL or CONTACT_BOOK_PATH, for a CLI run against the same book. */
  env: Record<string, string>;
  /** Another instance on the same database (PostgreSQL only). */
  another(): Promise<Book>;
  remove(): Promise<void>;
}

async function openEngine(engine: Engine): Promise<OpenedBook> {
  if (engine === 'sqlite') {
    const made = await tempBook();
    return {
      book: made.book,
      env: { CONTACT_BOOK_PATH: made.path },
      another: () => Promise.reject(new Error('one SQLite book per process')),
      remove: made.remove,
    };
  }
  const url = await freshDatabase();
  const location = { engine: 'postgres', url, shown: withoutPassword(url) } as const;
  const book = await openBook(location);
  const others: Book[] = [];
  return {
    book,
    env: { DATABASE_URL: url },
    async another() {
      const other = await openBook(location);
      others.push(other);
      return other;
    },
    async remove() {
      await Promise.all([book, ...others].map((each) => each.close()));
    },
  };
}

/** The bot's clock, which a test moves forward: the Undo window, leases and pruning use it. */
function botClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
  };
}

describe.each<Engine>(['sqlite', 'postgres'])('history and undo on %s', (engine) => {
  let opened: OpenedBook;
  const harnesses: Harness[] = [];
  let h: Harness;
  let clock: ReturnType<typeof botClock>;

  beforeEach(async () => {
    opened = await openEngine(engine);
    clock = botClock();
  });
  afterEach(async () => {
    // A second instance shares the first one's emulators: it closes first.
    for (const each of harnesses.splice(0).reverse()) await each.close();
    await opened.remove();
  });

  /** The bot on this engine's book, holding Stuut's seeded contacts as an import would. */
  async function start(options: HarnessOptions = {}): Promise<Harness> {
    const started = await startHarness({ book: opened.book, botNow: clock.now, ...options });
    harnesses.push(started);
    if (!options.emulators) await importContacts(opened.book, started.stuut.contacts());
    return started;
  }

  const channelPosts = (harness = h) =>
    harness.slack.messages.filter((m) => m.kind === 'channel' && !m.deleted);
  /** What one person was told on their own (response_url, ephemeral, or a DM). */
  const toldTo = (userId: string, harness = h) =>
    harness.slack.messages.filter(
      (m) =>
        ((m.kind === 'response_url' || m.kind === 'ephemeral') && m.user === userId) ||
        (m.kind === 'dm' && m.channel === userId),
    );
  const patches = (harness = h) => harness.stuut.requests.filter((r) => r.method === 'PATCH');
  const buttonsOf = (message: PostedMessage | undefined) =>
    (JSON.stringify(message?.blocks ?? []).match(/"action_id":"[a-z_]+"/g) ?? []).map((m) =>
      m.slice('"action_id":"'.length, -1),
    );
  /** What a channel member can read: the fallback text and the blocks (button values too). */
  const everything = (message: PostedMessage | undefined) =>
    JSON.stringify({ text: message?.text, blocks: message?.blocks });
  const digitsOf = (text: string) => text.replace(/\D/g, '');
  const historyOf = async (id = PRIYA, limit = 50) =>
    (await opened.book.history(id, { limit })).changes;

  /** Opens the form for a contact as `userId`, types the values, and leaves it open. */
  async function openForm(userId: string, values: Record<string, string>, harness = h) {
    await harness.driver.slashCommand({ text: `update ${PRIYA}`, userId });
    const view = await waitFor(() => harness.slack.topView(userId), `${userId}'s form`);
    for (const [field, value] of Object.entries(values)) {
      harness.slack.typeInto(view.id, field, value);
    }
    return view;
  }

  /** A save through the form; returns the channel's confirmation. */
  async function save(userId: string, values: Record<string, string>, harness = h) {
    const view = await openForm(userId, values, harness);
    await harness.driver.submitView(view.id);
    await harness.settle();
    harness.slack.clearViews(userId);
    const post = channelPosts(harness).at(-1);
    if (!post) throw new Error('no confirmation');
    return post;
  }

  function clickUndo(post: PostedMessage, userId: string, harness = h) {
    return harness.driver.clickButton({ actionId: 'contact_undo', messageTs: post.ts, userId });
  }

  async function historyCommand(userId = ALICE, query = 'priya raman', harness = h) {
    const ack = await harness.driver.slashCommand({ text: `history ${query}`, userId });
    await harness.settle();
    const answer = ack.json as { response_type: string; text: string; blocks: unknown[] };
    expect(answer.response_type).toBe('ephemeral');
    return { answer, ts: harness.slack.messages.at(-1)?.ts };
  }

  test('history after three saves: newest first, who, when, what before → after', async () => {
    h = await start();
    await save(ALICE, { phone: '+1 212 555 0147' });
    await save(BOB, { job_title: 'Head of Customer Success' });
    await save(CAROL, { phone: '+1 646 555 0199', given_name: 'Pri' });

    const { answer } = await historyCommand(ALICE);
    const sections = (answer.blocks as { block_id: string; text?: { text: string } }[]).filter(
      (b) => b.block_id.startsWith('change_'),
    );
    expect(sections.map((s) => s.text?.text.split(' · ')[0])).toEqual([
      `<@${CAROL}>`,
      `<@${BOB}>`,
      `<@${ALICE}>`,
    ]);
    const [carol, bob, alice] = sections.map((s) => s.text?.text ?? '');
    expect(carol).toContain('• *Given name*: Priya → Pri');
    expect(carol).toContain('• *Phone*: +1 212 555 0147 → +1 646 555 0199');
    expect(bob).toContain('• *Job title*: Customer Success Manager → Head of Customer Success');
    expect(alice).toContain(`• *Phone*: ${PRIYA_PHONE_SHOWN} → +1 212 555 0147`);
    for (const text of [carol, bob, alice]) {
      expect(text).toMatch(
        / · <!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]+> · with the form/,
      );
    }
    expect(JSON.stringify(answer.blocks)).not.toContain('contact_history_older');
    expect(h.slack.warnings).toEqual([]);
  });

  test('more than ten changes: "Older" pages back, replacing the page it was clicked in', async () => {
    h = await start();
    await save(ALICE, { job_title: 'Title 1' });
    // Eleven more, as saves on other instances would have recorded them.
    for (let i = 2; i <= 12; i++) {
      const stored = h.stuut.contact(PRIYA);
      if (!stored) throw new Error('seed contact missing');
      await opened.book.learnChange({ ...stored, job_title: `Title ${i}` }, clock.now(), {
        contactId: PRIYA,
        slackUser: BOB,
        slackTeam: null,
        source: 'form',
        changes: [{ field: 'job_title', before: undefined, after: `Title ${i}` }],
        modifiedAt: null,
      });
    }
    const { answer, ts } = await historyCommand(ALICE);
    const titles = (blocks: unknown) =>
      [...JSON.stringify(blocks).matchAll(/→ Title (\d+)/g)].map((m) => Number(m[1]));
    expect(titles(answer.blocks)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(answer.text).toBe('10 changes of Priya Raman.');

    await h.driver.clickButton({ actionId: 'contact_history_older', messageTs: ts, userId: ALICE });
    await h.settle();
    const page = h.slack.messages.find((m) => m.ts === ts);
    expect(page?.editedAt).toBeDefined();
    expect(titles(page?.blocks)).toEqual([2, 1]);
    expect(JSON.stringify(page?.blocks)).toContain('Older changes of *Priya Raman*');
    expect(buttonsOf(page)).not.toContain('contact_history_older');
    expect(JSON.stringify(page?.blocks)).toContain(`Customer Success Manager → Title 1`);
  });

  test('several matches: the list’s History button shows that contact’s history', async () => {
    h = await start();
    await save(ALICE, { job_title: 'Head of Customer Success' });
    // Every seeded email is at northwind.example.
    const { answer, ts } = await historyCommand(ALICE, 'northwind');
    expect(answer.text).toContain('5 contacts match');
    expect(buttonsOf(h.slack.messages.find((m) => m.ts === ts))).toEqual(
      Array(5).fill('contact_history'),
    );
    const list = h.slack.messages.find((m) => m.ts === ts);
    const index = (list?.blocks ?? []).findIndex((b) => JSON.stringify(b).includes('Priya Raman'));
    const blockId = String(list?.blocks[index]?.block_id);
    await h.driver.clickButton({
      actionId: 'contact_history',
      messageTs: ts,
      blockId,
      userId: ALICE,
    });
    await h.settle();
    const page = toldTo(ALICE).at(-1);
    expect(page?.ts).not.toBe(ts);
    expect(everything(page)).toContain('Latest changes of *Priya Raman*');
    expect(everything(page)).toContain('Customer Success Manager → Head of Customer Success');
  });

  test('undo within the window: the changed fields back, announced, the original marked, recorded', async () => {
    h = await start();
    const post = await save(ALICE, { phone: '+1 212 555 0147', job_title: 'Head of CS' });
    expect(buttonsOf(post)).toEqual(['contact_edit', 'contact_undo']);
    expect(h.stuut.contact(PRIYA)?.phone).toBe('+12125550147');
    const patchesBefore = patches().length;

    await clickUndo(post, BOB);
    await h.settle();

    // Exactly the changed fields, back to their values before.
    expect(
      patches()
        .slice(patchesBefore)
        .map((r) => r.body),
    ).toEqual([{ phone: PRIYA_PHONE, job_title: 'Customer Success Manager' }]);
    expect(h.stuut.contact(PRIYA)).toMatchObject({
      phone: PRIYA_PHONE,
      job_title: 'Customer Success Manager',
    });
    // The undo's own confirmation in the channel.
    const undone = channelPosts().at(-1);
    expect(undone?.ts).not.toBe(post.ts);
    expect(undone?.text).toBe(
      `<@${BOB}> undid <@${ALICE}>'s change to Priya Raman: phone, job title.`,
    );
    expect(JSON.stringify(undone?.blocks)).toContain(
      `• *Phone*: +1 212 555 0147 → ${PRIYA_PHONE_SHOWN}`,
    );
    // The original, updated in place: "Undone by", its Undo button gone, Edit kept.
    const original = h.slack.messages.find((m) => m.ts === post.ts);
    expect(original?.editedAt).toBeDefined();
    expect(h.slack.callsTo('chat.update')).toHaveLength(1);
    expect(JSON.stringify(original?.blocks)).toContain(`Undone by <@${BOB}>`);
    expect(buttonsOf(original)).toEqual(['contact_edit']);
    // Recorded as a change of its own, pointing at the change it undid.
    const [undo, saved] = await historyOf();
    expect(undo).toMatchObject({ source: 'undo', slackUser: BOB, undoes: saved?.id });
    expect(saved?.undoneBy).toBe(undo?.id);
    // And the history shows it.
    const { answer } = await historyCommand(ALICE);
    const text = JSON.stringify(answer.blocks);
    expect(text).toContain('with Undo (taking back an earlier change)');
    expect(text).toContain('_undone_');
    expect(toldTo(BOB)).toEqual([]);
    expect(h.slack.warnings).toEqual([]);
  });

  test('the undo is itself a change with an Undo of its own', async () => {
    h = await start();
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    await clickUndo(post, ALICE);
    await h.settle();
    const undone = channelPosts().at(-1);
    expect(undone?.text).toBe(`<@${ALICE}> undid their own change to Priya Raman: phone.`);
    expect(h.stuut.contact(PRIYA)?.phone).toBe(PRIYA_PHONE);
  });

  test('Undo is for editors only: anyone else is refused, with no PATCH', async () => {
    h = await start({ contactEditors: `${ALICE}, ${BOB}` });
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    const patchesBefore = patches().length;
    await clickUndo(post, CAROL);
    await h.settle();
    expect(patches()).toHaveLength(patchesBefore);
    expect(toldTo(CAROL).at(-1)?.text).toMatch(/^:no_entry: /);
    expect(buttonsOf(h.slack.messages.find((m) => m.ts === post.ts))).toContain('contact_undo');
    await clickUndo(post, BOB);
    await h.settle();
    expect(h.stuut.contact(PRIYA)?.phone).toBe(PRIYA_PHONE);
  });

  test('no Undo on a confirmation whose values before were not known', async () => {
    h = await start();
    // A contact the book never saw: the form for its id starts empty, so no before is known.
    await opened.book.forget(PRIYA);
    await h.driver.slashCommand({ text: `update ${PRIYA}`, userId: ALICE });
    await h.driver.clickButton({ actionId: 'contact_open', userId: ALICE });
    const form = await waitFor(() => h.slack.topView(ALICE), 'the form for the id');
    h.slack.typeInto(form.id, 'job_title', 'Head of CS');
    await h.driver.submitView(form.id);
    await h.settle();
    expect(buttonsOf(channelPosts().at(-1))).toEqual(['contact_edit']);
    // Recorded all the same, with the before unknown.
    expect((await historyOf()).map((c) => c.changes)).toEqual([
      [{ field: 'job_title', before: undefined, after: 'Head of CS' }],
    ]);
  });

  test('a confirmation that reached the person through response_url is replaced through it', async () => {
    h = await start();
    // The bot is not in the channel: the confirmation goes to the person who saved.
    h.slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    const form = await openForm(ALICE, { phone: '+1 212 555 0147' });
    await h.driver.submitView(form.id);
    await h.settle();
    expect(channelPosts()).toEqual([]);
    const fallback = toldTo(ALICE).at(-1);
    if (!fallback) throw new Error('the person was not told');
    expect(fallback.kind).toBe('response_url');
    expect(buttonsOf(fallback)).toContain('contact_undo');

    await clickUndo(fallback, ALICE);
    await h.settle();
    expect(h.stuut.contact(PRIYA)?.phone).toBe(PRIYA_PHONE);
    expect(channelPosts().at(-1)?.text).toContain(' undid ');
    const replaced = h.slack.messages.find((m) => m.ts === fallback.ts);
    expect(replaced?.editedAt).toBeDefined();
    expect(everything(replaced)).toContain(`Undone by <@${ALICE}>`);
    expect(buttonsOf(replaced)).not.toContain('contact_undo');
  });

  test('undo after the window: refused on the clicker’s own, no PATCH', async () => {
    h = await start({ undoMinutes: 15 });
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    clock.advance(15 * MINUTE + 1_000);
    const patchesBefore = patches().length;
    await clickUndo(post, ALICE);
    await h.settle();
    expect(patches()).toHaveLength(patchesBefore);
    expect(h.stuut.contact(PRIYA)?.phone).toBe('+12125550147');
    const told = toldTo(ALICE).at(-1);
    expect(told?.text).toContain('Undo works for 15 minutes after a change');
    expect(buttonsOf(told)).toContain('contact_open');
    expect(channelPosts()).toHaveLength(1);
    expect(buttonsOf(h.slack.messages.find((m) => m.ts === post.ts))).toContain('contact_undo');
  });

  test('undo refused after a later change: names who changed what, offers the form, no PATCH', async () => {
    h = await start();
    const first = await save(ALICE, { phone: '+1 212 555 0147' });
    await save(BOB, { phone: '+1 646 555 0199' });
    const patchesBefore = patches().length;
    await clickUndo(first, ALICE);
    await h.settle();
    expect(patches()).toHaveLength(patchesBefore);
    expect(h.stuut.contact(PRIYA)?.phone).toBe('+16465550199');
    const told = toldTo(ALICE).at(-1);
    expect(told?.text).toContain('The contact has changed since (phone)');
    expect(told?.text).toContain('Nothing was sent to Stuut');
    expect(told?.text).toContain(`<@${BOB}>`);
    expect(told?.text).toContain('• *Phone*: +1 212 555 0147 → +1 646 555 0199');
    expect(buttonsOf(told)).toEqual(['contact_open']);
    // The form it offers opens on the book's current values.
    await h.driver.clickButton({ actionId: 'contact_open', messageTs: told?.ts, userId: ALICE });
    const form = await waitFor(() => h.slack.topView(ALICE), 'the offered form');
    expect(form.state.values.phone?.value?.value).toBe('+1 646 555 0199');
  });

  test('a change already undone: a second Undo is refused', async () => {
    h = await start();
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    // The original cannot be edited this time, so it keeps its Undo button.
    h.slack.failNext('chat.update', { error: 'cant_update_message' });
    await clickUndo(post, BOB);
    await h.settle();
    expect(buttonsOf(h.slack.messages.find((m) => m.ts === post.ts))).toContain('contact_undo');
    // The undo's own confirmation says what it undid.
    expect(channelPosts().at(-1)?.text).toContain('undid');
    const patchesBefore = patches().length;

    await clickUndo(post, CAROL);
    await h.settle();
    expect(patches()).toHaveLength(patchesBefore);
    expect(toldTo(CAROL).at(-1)?.text).toBe(
      'This change was already undone. Nothing was sent to Stuut.',
    );
    expect(channelPosts()).toHaveLength(2);
  });

  test('two clicks at the same moment on one instance: one PATCH, one confirmation, the other told', async () => {
    h = await start();
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    const patchesBefore = patches().length;
    // Stuut takes its time, so both clicks are handled while the first undo is in flight.
    h.stuut.failNext({ kind: 'delay', ms: 400 });
    await Promise.all([clickUndo(post, ALICE), clickUndo(post, BOB)]);
    await h.settle();
    expect(
      patches()
        .slice(patchesBefore)
        .map((r) => r.body),
    ).toEqual([{ phone: PRIYA_PHONE }]);
    const undos = channelPosts().filter((m) => m.text.includes(' undid '));
    expect(undos).toHaveLength(1);
    const winner = undos[0]?.text.startsWith(`<@${ALICE}>`) ? ALICE : BOB;
    const other = winner === ALICE ? BOB : ALICE;
    expect(toldTo(winner)).toEqual([]);
    expect(toldTo(other).map((m) => m.text)).toEqual([
      expect.stringMatching(/^Someone is undoing this change right now\. Nothing more was sent/),
    ]);
    expect((await historyOf()).filter((c) => c.source === 'undo')).toHaveLength(1);
  });

  if (engine === 'postgres') {
    test('two instances sharing the database, two Undo clicks at the same moment: one PATCH', async () => {
      h = await start();
      const second = await start({
        book: await opened.another(),
        emulators: { slack: h.slack, stuut: h.stuut },
      });
      const post = await save(ALICE, { phone: '+1 212 555 0147' });
      const patchesBefore = patches().length;
      h.stuut.failNext({ kind: 'delay', ms: 400 });
      await Promise.all([clickUndo(post, ALICE, h), clickUndo(post, BOB, second)]);
      await Promise.all([h.settle(), second.settle()]);
      expect(
        patches()
          .slice(patchesBefore)
          .map((r) => r.body),
      ).toEqual([{ phone: PRIYA_PHONE }]);
      expect(channelPosts().filter((m) => m.text.includes(' undid '))).toHaveLength(1);
      const told = [...toldTo(ALICE), ...toldTo(BOB)].map((m) => m.text);
      expect(told).toEqual([
        expect.stringMatching(/^Someone is undoing this change right now\. Nothing more was sent/),
      ]);
      expect(h.stuut.contact(PRIYA)?.phone).toBe(PRIYA_PHONE);
    });
  }

  test('a stale form is stopped with no PATCH, merged, and the next Save goes through', async () => {
    h = await start();
    // Alice opens the form; then Bob saves a change of his own.
    const alice = await openForm(ALICE, {
      phone: '+1 212 555 0147',
      job_title: 'Head of Customer Success',
    });
    await save(BOB, { given_name: 'Priyanka', job_title: 'VP, Customer Success' });
    const patchesBefore = patches().length;

    const ack = await h.driver.submitView(alice.id);
    await h.settle();
    expect(ack.json).toMatchObject({ response_action: 'update' });
    expect(patches()).toHaveLength(patchesBefore);
    const stale = h.slack.getView(alice.id);
    if (!stale) throw new Error('the form is gone');
    const notice = JSON.stringify(stale.blocks.find((b) => b.block_id === 'notice'));
    expect(notice).toContain('Not saved: since you opened this form');
    expect(notice).toContain(`<@${BOB}> changed given name, job title`);
    // New block ids: Slack shows the merged values, not what was typed before.
    const value = (field: string) => stale.state.values[`${field}~1`]?.value?.value;
    expect(value('given_name')).toBe('Priyanka'); // theirs, where Alice changed nothing
    expect(value('job_title')).toBe('Head of Customer Success'); // both changed: hers kept
    expect(value('phone')).toBe('+1 212 555 0147'); // hers, where Bob changed nothing
    expect(value('family_name')).toBe('Raman');
    const note = JSON.stringify(stale.blocks.find((b) => b.block_id === 'job_title__note'));
    expect(note).toContain('This was changed meanwhile to \\"VP, Customer Success\\"');
    expect(stale.blocks.some((b) => b.block_id === 'given_name__note')).toBe(false);

    await h.driver.submitView(alice.id);
    await h.settle();
    expect(
      patches()
        .slice(patchesBefore)
        .map((r) => r.body),
    ).toEqual([{ phone: '+12125550147', job_title: 'Head of Customer Success' }]);
    expect(h.stuut.contact(PRIYA)).toMatchObject({
      given_name: 'Priyanka',
      job_title: 'Head of Customer Success',
      phone: '+12125550147',
    });
  });

  test('two forms saved on one version at the same moment: one PATCH, the other waits its turn', async () => {
    h = await start();
    const alice = await openForm(ALICE, { job_title: 'Alice title' });
    const bob = await openForm(BOB, { job_title: 'Bob title' });
    const patchesBefore = patches().length;
    // Stuut takes its time, so the second Save arrives while the first holds the claim.
    h.stuut.failNext({ kind: 'delay', ms: 400 });
    await Promise.all([h.driver.submitView(alice.id), h.driver.submitView(bob.id)]);
    await h.settle();
    expect(patches().slice(patchesBefore)).toHaveLength(1);
    const stopped = [alice, bob].filter(
      (view) => h.slack.getView(view.id)?.callback_id === 'contact_update',
    );
    expect(stopped).toHaveLength(1);
    const loser = stopped[0];
    if (!loser) throw new Error('no form was stopped');
    // An inline error on the first input; the values typed are kept.
    expect(h.slack.getView(loser.id)?.errors).toEqual({
      email: expect.stringMatching(/^Someone else is saving this contact at this very moment/),
    });
    // Pressing Save again now shows what the other person saved, merged.
    await h.driver.submitView(loser.id);
    await h.settle();
    expect(patches().slice(patchesBefore)).toHaveLength(1);
    const merged = h.slack.getView(loser.id);
    expect(JSON.stringify(merged?.blocks)).toContain('Not saved: since you opened this form');
    const winnerTitle = h.stuut.contact(PRIYA)?.job_title;
    expect(['Alice title', 'Bob title']).toContain(winnerTitle);
    expect(JSON.stringify(merged?.blocks)).toContain(
      `This was changed meanwhile to \\"${winnerTitle}\\"`,
    );
  });

  test('a save that may have landed (HTTP 500) keeps its claim from others, not from its author', async () => {
    h = await start();
    const alice = await openForm(ALICE, { job_title: 'Alice title' });
    const bob = await openForm(BOB, { job_title: 'Bob title' });
    const patchesBefore = patches().length;
    h.stuut.failNext({ kind: 'status', status: 500 });
    await h.driver.submitView(alice.id);
    await h.settle();
    expect(patches().slice(patchesBefore)).toHaveLength(1);
    // Bob cannot save over a change that may be in Stuut: no PATCH, told to wait.
    await h.driver.submitView(bob.id);
    await h.settle();
    expect(patches().slice(patchesBefore)).toHaveLength(1);
    expect(h.slack.getView(bob.id)?.errors).toEqual({
      email: expect.stringMatching(/^Someone else is saving this contact/),
    });
    // Alice, who was told it may not have been saved, may try again at once.
    await h.driver.submitView(alice.id);
    await h.settle();
    expect(patches().slice(patchesBefore)).toHaveLength(2);
    expect(h.stuut.contact(PRIYA)?.job_title).toBe('Alice title');
  });

  test('an Undo while someone saves the same contact: only one of them reaches Stuut', async () => {
    h = await start();
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    const bob = await openForm(BOB, { job_title: 'Bob title' });
    const patchesBefore = patches().length;
    // Bob's Save holds the contact's version while Stuut takes its time; then Alice clicks Undo.
    h.stuut.failNext({ kind: 'delay', ms: 400 });
    const saving = h.driver.submitView(bob.id);
    await waitFor(() => patches().length > patchesBefore, "Bob's PATCH");
    await clickUndo(post, ALICE);
    await saving;
    await h.settle();
    expect(
      patches()
        .slice(patchesBefore)
        .map((r) => r.body),
    ).toEqual([{ job_title: 'Bob title' }]);
    expect(toldTo(ALICE).at(-1)?.text).toContain('Someone is saving a change to this contact');
  });

  test('a save Stuut refuses frees its claim at once: the corrected Save goes through', async () => {
    h = await start();
    const form = await openForm(ALICE, { job_title: 'Reserved title' });
    h.stuut.failNext({
      kind: 'status',
      status: 422,
      body: { detail: [{ loc: ['body', 'job_title'], msg: 'Job title is reserved', type: 'x' }] },
    });
    const refused = await h.driver.submitView(form.id);
    await h.settle();
    expect(refused.json).toMatchObject({ response_action: 'errors' });
    h.slack.typeInto(form.id, 'job_title', 'Renewals lead');
    const saved = await h.driver.submitView(form.id);
    await h.settle();
    expect(JSON.stringify(saved.json)).not.toContain('Someone else is saving');
    expect(h.stuut.contact(PRIYA)?.job_title).toBe('Renewals lead');
    expect((await historyOf()).map((c) => c.changes)).toEqual([
      [{ field: 'job_title', before: 'Customer Success Manager', after: 'Renewals lead' }],
    ]);
  });

  test('the Edit button’s snapshot older than the book: stopped, merged, then saved', async () => {
    h = await start();
    const post = await save(ALICE, { job_title: 'Head of Customer Success' });
    await save(BOB, { phone: '+1 646 555 0199' });
    const patchesBefore = patches().length;

    await h.driver.clickButton({ actionId: 'contact_edit', messageTs: post.ts, userId: ALICE });
    const edit = await waitFor(() => h.slack.topView(ALICE), 'the Edit form');
    // The snapshot still shows the phone from before Bob's save.
    expect(edit.state.values.phone?.value?.value).toBe(PRIYA_PHONE_SHOWN);
    h.slack.typeInto(edit.id, 'name', 'Priya R.');
    await h.driver.submitView(edit.id);
    await h.settle();
    expect(patches()).toHaveLength(patchesBefore);
    const stale = h.slack.getView(edit.id);
    expect(JSON.stringify(stale?.blocks)).toContain(`<@${BOB}> changed phone`);
    expect(stale?.state.values['phone~1']?.value?.value).toBe('+1 646 555 0199');
    expect(stale?.state.values['name~1']?.value?.value).toBe('Priya R.');

    await h.driver.submitView(edit.id);
    await h.settle();
    // Only the name: Bob's phone is not silently reverted to the snapshot's.
    expect(
      patches()
        .slice(patchesBefore)
        .map((r) => r.body),
    ).toEqual([{ name: 'Priya R.' }]);
    expect(h.stuut.contact(PRIYA)).toMatchObject({ phone: '+16465550199', name: 'Priya R.' });
    expect((await historyOf())[0]).toMatchObject({ source: 'edit', slackUser: ALICE });
  });

  test('Stuut refuses an undo (HTTP 409): nothing recorded, the Undo button still works', async () => {
    h = await start();
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    h.stuut.failNext({ kind: 'status', status: 409, body: { detail: 'busy elsewhere' } });
    await clickUndo(post, BOB);
    await h.settle();
    expect(h.stuut.contact(PRIYA)?.phone).toBe('+12125550147');
    expect(toldTo(BOB).at(-1)?.text).toMatch(
      /^:x: The undo did not go through: .* Nothing changed in Stuut, and the Undo button still works\.$/,
    );
    expect((await historyOf()).map((c) => [c.source, c.undoneBy])).toEqual([['form', null]]);
    expect(channelPosts()).toHaveLength(1);
    const original = h.slack.messages.find((m) => m.ts === post.ts);
    expect(original?.editedAt).toBeUndefined();
    expect(buttonsOf(original)).toContain('contact_undo');

    // At once, with Stuut fine again: the same button works.
    await clickUndo(post, BOB);
    await h.settle();
    expect(h.stuut.contact(PRIYA)?.phone).toBe(PRIYA_PHONE);
    expect(channelPosts().at(-1)?.text).toContain(' undid ');
    expect(toldTo(BOB)).toHaveLength(1);
  });

  test('a 500 during an undo may have been applied: the person is told so, and nothing is recorded', async () => {
    h = await start();
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    h.stuut.failNext({ kind: 'status', status: 500 });
    await clickUndo(post, BOB);
    await h.settle();
    expect(toldTo(BOB).at(-1)?.text).toMatch(
      /^:warning: The undo may or may not have gone through/,
    );
    expect((await historyOf()).map((c) => [c.source, c.undoneBy])).toEqual([['form', null]]);
    // The lease is kept until it lapses: a second click at once is told someone is undoing it.
    await clickUndo(post, BOB);
    await h.settle();
    expect(toldTo(BOB).at(-1)?.text).toContain('Someone is undoing this change right now');
    expect(h.stuut.patchCount()).toBe(2);
  });

  test('Stuut rejects the old values (422): the reason is told, the Undo button still works', async () => {
    h = await start();
    const post = await save(ALICE, { job_title: 'Head of CS' });
    h.stuut.failNext({
      kind: 'status',
      status: 422,
      body: { detail: [{ loc: ['body', 'job_title'], msg: 'Job title is reserved', type: 'x' }] },
    });
    await clickUndo(post, ALICE);
    await h.settle();
    expect(toldTo(ALICE).at(-1)?.text).toContain('The undo did not go through');
    expect((await historyOf()).filter((c) => c.source === 'undo')).toEqual([]);
    await clickUndo(post, ALICE);
    await h.settle();
    expect(h.stuut.contact(PRIYA)?.job_title).toBe('Customer Success Manager');
  });

  test('an ambiguous failure (connection reset): "may or may not", and the lease lapses by itself', async () => {
    h = await start({ stuutClient: { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } } });
    const post = await save(ALICE, { phone: '+1 212 555 0147' });
    h.stuut.failNext({ kind: 'reset' });
    await clickUndo(post, ALICE);
    await h.settle();
    expect(toldTo(ALICE).at(-1)?.text).toMatch(
      /^:warning: The undo may or may not have gone through/,
    );
    expect((await historyOf()).filter((c) => c.source === 'undo')).toEqual([]);
    const patchesBefore = patches().length;

    // The lease still holds: another click sends nothing.
    await clickUndo(post, ALICE);
    await h.settle();
    expect(patches()).toHaveLength(patchesBefore);
    expect(toldTo(ALICE).at(-1)?.text).toMatch(/^Someone is undoing this change right now/);

    // Past the lease (the save budget, 25 s), the button works again.
    clock.advance(26_000);
    await clickUndo(post, ALICE);
    await h.settle();
    expect(
      patches()
        .slice(patchesBefore)
        .map((r) => r.body),
    ).toEqual([{ phone: PRIYA_PHONE }]);
    expect(h.stuut.contact(PRIYA)?.phone).toBe(PRIYA_PHONE);
  });

  test('a shared channel: the undo confirmation carries no email and no phone', async () => {
    h = await start();
    h.slack.setChannel('C0OPS', { isExtShared: true });
    const post = await save(ALICE, {
      phone: '+1 212 555 0147',
      email: 'priya.r@northwind-group.example',
    });
    await clickUndo(post, BOB);
    await h.settle();
    expect(h.stuut.contact(PRIYA)?.email).toBe('priya.raman@northwind.example');
    const undone = channelPosts().at(-1);
    expect(undone?.text).toBe(`<@${BOB}> undid <@${ALICE}>'s change to Priya Raman: email, phone.`);
    expect(everything(undone)).toContain('shared with another organisation');
    // Neither the undo's confirmation nor the original, marked undone, carries a value.
    const original = h.slack.messages.find((m) => m.ts === post.ts);
    expect(everything(original)).toContain('Undone by');
    for (const message of [undone, original]) {
      const all = everything(message);
      expect(all).not.toContain('northwind');
      expect(all.replace(/<@U0[A-Z]+>/g, '')).not.toContain('@');
      for (const phone of [PRIYA_PHONE, '+12125550147']) {
        expect(digitsOf(all)).not.toContain(digitsOf(phone));
        expect(all).not.toContain(digitsOf(phone).slice(-7));
      }
    }
  });

  test('a shared channel: a contact known only by an email is not named by it in the undo', async () => {
    h = await start();
    const stored = h.stuut.contact(PRIYA);
    if (!stored) throw new Error('seed contact missing');
    const nameless = {
      ...stored,
      id: 'ic_onlyEmail1',
      email: 'only.email@northwind.example',
      given_name: null,
      family_name: null,
      name: null,
    };
    h.stuut.put(nameless);
    await importContacts(opened.book, [nameless]);
    h.slack.setChannel('C0OPS', { isExtShared: true });
    await h.driver.slashCommand({ text: `update ${nameless.id}`, userId: ALICE });
    const form = await waitFor(() => h.slack.topView(ALICE), 'the form');
    h.slack.typeInto(form.id, 'job_title', 'Renewals');
    await h.driver.submitView(form.id);
    await h.settle();
    const post = channelPosts().at(-1);
    if (!post) throw new Error('no confirmation');
    expect(everything(post)).not.toContain('only.email@');
    await clickUndo(post, ALICE);
    await h.settle();
    expect(h.stuut.contact(nameless.id)?.job_title).toBe(stored.job_title);
    const undone = channelPosts().at(-1);
    expect(undone?.text).toContain(' undid ');
    expect(everything(undone)).not.toContain('only.email@');
  });

  test('pruning at start removes changes older than CONTACT_HISTORY_DAYS', async () => {
    // Changes recorded 40 and 31 days ago, and 5 days ago, before the bot starts.
    const seeded: ChangeRecord[] = [];
    const stored = {
      id: PRIYA,
      object: 'internal_contact' as const,
      created_at: '2025-01-01T00:00:00Z',
      modified_at: null,
      email: 'priya.raman@northwind.example',
      given_name: 'Priya',
      family_name: 'Raman',
      name: 'Priya Raman',
      phone: PRIYA_PHONE,
    };
    for (const [i, daysAgo] of [40, 31, 5].entries()) {
      const learned = await opened.book.learnChange(
        { ...stored, job_title: `Title ${i}` },
        new Date(Date.now() - daysAgo * DAY),
        {
          contactId: PRIYA,
          slackUser: BOB,
          slackTeam: null,
          source: 'form',
          changes: [{ field: 'job_title', before: undefined, after: `Title ${i}` }],
          modifiedAt: null,
        },
      );
      seeded.push(learned.change);
    }
    h = await start({ historyDays: 30 });
    const pruned = await waitFor(
      () => h.logs.entries().find((e) => e.msg === 'history pruned'),
      'the pruning at start',
    );
    expect(pruned).toMatchObject({ deleted: 2, days: 30, component: 'book' });
    expect((await historyOf()).map((c) => c.id)).toEqual([seeded[2]?.id]);
    const { answer } = await historyCommand(ALICE);
    expect(answer.text).toBe('1 changes of Priya Raman.');
    expect(JSON.stringify(answer.blocks)).toContain('→ Title 2');
  });

  test('`npm run forget -- <id>` removes the contact’s history too', async () => {
    h = await start();
    await save(ALICE, { phone: '+1 212 555 0147' });
    await save(BOB, { job_title: 'Head of CS' });
    const other = 'ic_3Lp8vR2d';
    await h.driver.slashCommand({ text: `update ${other}`, userId: ALICE });
    const form = await waitFor(() => h.slack.topView(ALICE), 'the other form');
    h.slack.typeInto(form.id, 'job_title', 'Kept');
    await h.driver.submitView(form.id);
    await h.settle();
    expect(await historyOf()).toHaveLength(2);

    const result = await npmForget(PRIYA, opened.env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`Removed contact ${PRIYA}`);
    expect(await opened.book.get(PRIYA)).toBeNull();
    expect(await historyOf()).toEqual([]);
    expect(await historyOf(other)).toHaveLength(1);
    const { answer } = await historyCommand(ALICE, PRIYA);
    expect(answer.text).toContain('No contact in the book matches');
  });
});

/** `npm run forget -- <id>`, as an operator runs it, against the book `env` names. */
function npmForget(
  id: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['run', '--silent', 'forget', '--', id],
      {
        cwd: join(__dirname, '..', '..'),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (code === -1) reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}
