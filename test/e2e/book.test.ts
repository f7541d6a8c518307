import type { Book } from '../../src/book/book';
import { openBook } from '../../src/book/open';
import { withoutPassword } from '../../src/config';
import { failingBook } from '../fixtures';
import { freshDatabase } from '../pg/cluster';
import {
  commandToForm,
  type Harness,
  importContacts,
  startHarness,
  tempBook,
  waitFor,
} from './harness';

/**
 * Finding contacts through the real app, on both engines: a SQLite file and a real PostgreSQL
 * server (the test cluster). Each path of `/contact update <query>` and `/contact find`.
 */

const PRIYA = 'ic_7Qm2xK9a';
const SIOBHAN = 'ic_5Hb1cY8f';

type Engine = 'sqlite' | 'postgres';

async function openEngine(engine: Engine): Promise<{ book: Book; remove(): Promise<void> }> {
  if (engine === 'sqlite') return tempBook();
  const url = await freshDatabase();
  const book = await openBook({ engine: 'postgres', url, shown: withoutPassword(url) });
  return { book, remove: () => book.close() };
}

describe.each<Engine>(['sqlite', 'postgres'])('the contact book on %s', (engine) => {
  let h: Harness;
  let opened: { book: Book; remove(): Promise<void> };

  beforeEach(async () => {
    opened = await openEngine(engine);
    h = await startHarness({ book: opened.book });
  });
  afterEach(async () => {
    await h.close();
    await opened.remove();
  });

  const channelPosts = () => h.slack.messages.filter((m) => m.kind === 'channel');
  const ephemeral = async (text: string) => {
    const ack = await h.driver.slashCommand({ text });
    await h.settle();
    expect(h.slack.openViews()).toHaveLength(0);
    return ack.json as { response_type: string; text: string; blocks: unknown[] };
  };

  test('a contact saved by id is then found by its given name, with the values Stuut returned', async () => {
    // An empty book: the id is not known, so the answer offers the form for that id.
    const first = await commandToForm(h, `update ${PRIYA}`);
    expect(first.viaButton).toBe(true);
    h.slack.typeInto(first.view.id, 'job_title', 'Head of Customer Success');
    await h.driver.submitView(first.view.id);
    await h.settle();
    h.slack.clearViews('U0ALICE');

    await h.driver.slashCommand({ text: 'update priya' });
    const form = await waitFor(() => h.slack.openViews()[0], 'her form');
    expect(JSON.stringify(form.blocks)).toContain('The only contact in the book that matches');
    expect(JSON.stringify(form.blocks)).toContain('as Stuut returned them');
    expect(form.state.values.job_title?.value?.value).toBe('Head of Customer Success');
    expect(form.state.values.phone?.value?.value).toBe('+1 415 555 0123');

    h.slack.typeInto(form.id, 'phone', '(212) 555-0147');
    await h.driver.submitView(form.id);
    await h.settle();
    expect(h.stuut.requests.filter((r) => r.method === 'PATCH').at(-1)?.body).toEqual({
      phone: '+12125550147',
    });
    const post = JSON.stringify(channelPosts().at(-1)?.blocks);
    expect(post).toContain('+1 415 555 0123 → +1 212 555 0147');
  });

  test('search is case- and accent-insensitive and matches word prefixes', async () => {
    await importContacts(h.book, h.stuut.contacts());
    for (const [query, id] of [
      ['siobhan', SIOBHAN],
      ['SIOBHÁN o', SIOBHAN],
      ['pri ram', PRIYA],
      ['priya.raman@NORTHWIND.example', PRIYA],
    ] as const) {
      h.slack.clearViews('U0ALICE');
      await h.driver.slashCommand({ text: `update ${query}` });
      const form = await waitFor(() => h.slack.openViews()[0], `the form for "${query}"`);
      expect(JSON.stringify(form.blocks)).toContain(id);
    }
  });

  test('several matches: a list whose Update opens the chosen form with the typed proposals', async () => {
    await importContacts(h.book, h.stuut.contacts());
    // Every seeded email is at northwind.example.
    const answer = await ephemeral('update northwind job_title="Head of Billing"');
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain('5 contacts match');
    const list = h.slack.messages.at(-1);
    expect(list?.kind).toBe('ephemeral');
    const buttons = JSON.stringify(list?.blocks).match(/"contact_open"/g) ?? [];
    expect(buttons).toHaveLength(5);

    await h.driver.clickButton({ actionId: 'contact_open', messageTs: list?.ts });
    const form = await waitFor(() => h.slack.openViews()[0], 'the chosen form');
    expect(form.state.values.job_title?.value?.value).toBe('Head of Billing');
    expect(form.state.values.email?.value?.value).toMatch(/@northwind\.example$/);
  });

  test('more than ten matches: the best ten, how many in all, and a request for more words', async () => {
    const many = Array.from({ length: 13 }, (_, i) => ({
      id: `ic_many${i}`,
      email: `alex.${i}@example.com`,
      given_name: 'Alex',
      family_name: `Number${i}`,
      name: null,
      phone: null,
      job_title: null,
    }));
    await importContacts(h.book, many);
    const answer = await ephemeral('find alex');
    expect(answer.text).toContain('13 contacts match');
    const blocks = JSON.stringify(answer.blocks);
    expect(blocks.match(/"contact_open"/g)).toHaveLength(10);
    expect(blocks).toContain('Showing the best 10 of 13');
  });

  test('no match for an id-shaped word: no form, a button for that id; for words: what to do', async () => {
    const byId = await ephemeral('update ic_unknown1');
    expect(byId.text).toContain('No contact in the book matches');
    expect(JSON.stringify(byId.blocks)).toContain('Open the form for id ic_unknown1');

    const byName = await ephemeral('update nobody here');
    expect(byName.text).toContain('No contact in the book matches');
    expect(JSON.stringify(byName.blocks)).not.toContain('contact_open');
    expect(byName.text).toContain('/contact find');
  });

  test('/contact find with no words lists the most recently changed, with their values', async () => {
    await importContacts(h.book, h.stuut.contacts());
    const answer = await ephemeral('find');
    expect(answer.text).toContain('most recently changed');
    const blocks = JSON.stringify(answer.blocks);
    expect(blocks).toContain('Priya Raman');
    expect(blocks).toContain('as imported');
  });

  test('a value changed outside the bot since it last saw the contact is named in the confirmation', async () => {
    // The bot learns Priya from a save, then someone changes her title in the Stuut app.
    const first = await commandToForm(h, `update ${PRIYA}`);
    h.slack.typeInto(first.view.id, 'given_name', 'Priyanka');
    await h.driver.submitView(first.view.id);
    await h.settle();
    h.slack.clearViews('U0ALICE');
    const stored = h.stuut.contact(PRIYA);
    if (!stored) throw new Error('seeded contact missing');
    h.stuut.put({ ...stored, job_title: 'VP, Customer Success' });

    const second = await commandToForm(h, `update ${PRIYA}`);
    h.slack.typeInto(second.view.id, 'phone', '+1 212 555 0147');
    await h.driver.submitView(second.view.id);
    await h.settle();
    const post = JSON.stringify(channelPosts().at(-1)?.blocks);
    expect(post).toContain('Changed outside this bot');
    expect(post).toContain('Customer Success Manager → VP, Customer Success');
  });

  test('imported values never produce the "changed outside" note', async () => {
    await importContacts(h.book, [{ ...h.stuut.contact(PRIYA)!, job_title: 'Imported title' }]);
    const { view } = await commandToForm(h, `update ${PRIYA}`);
    h.slack.typeInto(view.id, 'phone', '+1 212 555 0147');
    await h.driver.submitView(view.id);
    await h.settle();
    const post = JSON.stringify(channelPosts().at(-1)?.blocks);
    expect(post).not.toContain('Changed outside');
    expect(post).toContain('+1 212 555 0147');
  });
});

describe('a failing book degrades finding, never saving', () => {
  /** A book whose every call fails, as a lost database would. */
  const brokenBook = () => failingBook('connection terminated unexpectedly');

  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ book: brokenBook() });
  });
  afterEach(async () => {
    await h.close();
  });

  test('a save by id still goes to Stuut and is confirmed; the failure is logged at error', async () => {
    await h.driver.slashCommand({ text: `update ${PRIYA}` });
    const form = await waitFor(() => h.slack.openViews()[0], 'the form for the id');
    expect(JSON.stringify(form.blocks)).toContain('contact book is unavailable');
    h.slack.typeInto(form.id, 'job_title', 'Renewals lead');
    await h.driver.submitView(form.id);
    await h.settle();
    expect(h.stuut.contact(PRIYA)?.job_title).toBe('Renewals lead');
    expect(h.slack.messages.filter((m) => m.kind === 'channel')).toHaveLength(1);
    const errors = h.logs.entries().filter((e) => e.level === 'error');
    expect(errors.map((e) => e.msg)).toEqual(
      expect.arrayContaining([expect.stringContaining('contact book failed')]),
    );
  });

  test('finding by name says the book is unavailable and that the id still works', async () => {
    const ack = await h.driver.slashCommand({ text: 'update priya raman' });
    await h.settle();
    const text = (ack.json as { text: string }).text;
    expect(text).toContain('contact book is unavailable');
    expect(text).toContain('/contact update <Stuut id>'.replace('<', '&lt;').replace('>', '&gt;'));
    expect(h.slack.openViews()).toHaveLength(0);
  });

  test('/healthz stays 200 and reports the book unavailable', async () => {
    const response = await fetch(`${h.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', contactBook: 'unavailable' });
  });
});
