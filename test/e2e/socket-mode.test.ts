import { StartupError, startBot } from '../../src/bot';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { SlackEmulator } from '../../src/sandbox/slack';
import {
  APP_TOKEN,
  commandToForm,
  type Harness,
  LogCapture,
  SECRETS,
  startHarness,
  tempBook,
} from './harness';

/**
 * The bot in Socket Mode, in process: it connects to the emulated Slack with an app token and
 * every command and interaction arrives as an envelope on its WebSocket, answered by an
 * envelope acknowledgement. test/e2e/socket-process.test.ts runs the compiled bot.
 */

const CONTACT_ID = 'ic_7Qm2xK9a';

let h: Harness;

const channelPosts = () => h.slack.messages.filter((m) => m.kind === 'channel');

/** What went over the socket: the envelopes' types and whether each ack arrived in time. */
const overTheSocket = () => ({
  envelopes: h.slack.socketMode.envelopes.map((e) => e.type),
  acks: h.slack.socketMode.acks.map((a) => a.awaited),
});

describe('the bot in Socket Mode', () => {
  beforeEach(async () => {
    h = await startHarness({ mode: 'socket' });
  });
  afterEach(async () => {
    await h.close();
  });

  test('command → form → submission → PATCH with only the changed keys → channel confirmation', async () => {
    const { view, viaButton } = await commandToForm(h, `update ${CONTACT_ID}`);
    expect(viaButton).toBe(false);
    expect(view.callback_id).toBe('contact_update');
    // The form starts from the values the book knows.
    expect(view.state.values.job_title?.value?.value).toBe('Customer Success Manager');
    h.slack.typeInto(view.id, 'phone', '(415) 555-0100');
    h.slack.typeInto(view.id, 'job_title', 'VP, Customer Success');

    const ack = await h.driver.submitView(view.id);
    expect(ack).toMatchObject({ status: 200, timedOut: false });
    expect(ack.ms).toBeLessThan(3_000);
    await h.settle();

    const patches = h.stuut.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => [p.rawPath, p.body])).toEqual([
      [
        `/v2/internal-contacts/${CONTACT_ID}`,
        { phone: '+14155550100', job_title: 'VP, Customer Success' },
      ],
    ]);
    const posts = channelPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.channel).toBe('C0OPS');
    expect(JSON.stringify(posts[0])).toContain('VP, Customer Success');
    expect(h.slack.getView(view.id)?.callback_id).toBe('contact_update_result');

    // Everything arrived as envelopes on the one connection, each acknowledged in time.
    expect(overTheSocket()).toEqual({
      envelopes: ['slash_commands', 'interactive'],
      acks: [true, true],
    });
    expect(new Set(h.slack.socketMode.envelopes.map((e) => e.connection))).toEqual(new Set([1]));
    expect(h.slack.warnings).toEqual([]);
  });

  test('an invalid phone is an inline error answered in the envelope acknowledgement', async () => {
    const { view } = await commandToForm(h, `update ${CONTACT_ID}`);
    h.slack.typeInto(view.id, 'phone', '12');
    const ack = await h.driver.submitView(view.id);

    const expected = { response_action: 'errors', errors: { phone: expect.any(String) } };
    expect(ack.json).toEqual(expected);
    // The errors travelled as the acknowledgement's payload, read back by envelope_id.
    const submission = h.slack.socketMode.envelopes.at(-1);
    const answer = h.slack.socketMode.acks.find((a) => a.envelopeId === submission?.envelopeId);
    expect(submission).toMatchObject({ type: 'interactive', acceptsResponsePayload: true });
    expect(answer).toMatchObject({ awaited: true, payload: expected });
    expect(h.slack.getView(view.id)?.errors).toEqual({ phone: expect.any(String) });
    expect(h.slack.getView(view.id)?.closed).toBe(false);

    await h.settle();
    expect(h.stuut.patchCount()).toBe(0);
    expect(channelPosts()).toHaveLength(0);
  });

  test('a 5 s Stuut: "Saving…" in the acknowledgement within 3 s, then views.update shows the outcome', async () => {
    h.stuut.failNext({ kind: 'delay', ms: 5_000 });
    const { view } = await commandToForm(h, `update ${CONTACT_ID}`);
    h.slack.typeInto(view.id, 'job_title', 'Head of CS');

    const ack = await h.driver.submitView(view.id);
    expect(ack.timedOut).toBe(false);
    expect(ack.ms).toBeLessThan(3_000);
    expect(ack.json).toMatchObject({
      response_action: 'update',
      view: { callback_id: 'contact_update_saving' },
    });
    expect(h.slack.getView(view.id)?.callback_id).toBe('contact_update_saving');
    expect(JSON.stringify(h.slack.getView(view.id)?.blocks)).toContain('Saving');

    await h.settle();
    const updates = h.slack.callsTo('views.update');
    expect(updates.map((u) => [u.ok, (u.args as { view_id?: string }).view_id])).toEqual([
      [true, view.id],
    ]);
    expect(h.slack.getView(view.id)?.callback_id).toBe('contact_update_result');
    expect(h.stuut.contact(CONTACT_ID)?.job_title).toBe('Head of CS');
    expect(channelPosts()).toHaveLength(1);
  });

  describe('reconnecting by itself', () => {
    /** A command after reconnecting is handled, on the new connection. */
    async function commandOnNewConnection() {
      const socket = h.slack.socketMode;
      const ack = await h.driver.slashCommand({ text: `find ${CONTACT_ID}` });
      expect(ack).toMatchObject({ status: 200, timedOut: false });
      expect(JSON.stringify(ack.json)).toContain(CONTACT_ID);
      expect(socket.envelopes.at(-1)?.connection).toBe(socket.connectionsOpened);
      expect(socket.connectionsOpened).toBe(2);
    }

    test('after Slack asks for it (disconnect, refresh_requested)', async () => {
      const socket = h.slack.socketMode;
      socket.disconnect('refresh_requested');
      expect(socket.connectionCount).toBe(0);
      await socket.waitForConnections(1, 15_000);
      expect(h.slack.callsTo('apps.connections.open').map((c) => c.ok)).toEqual([true, true]);
      await commandOnNewConnection();
    });

    test('after the connection drops without a close frame', async () => {
      const socket = h.slack.socketMode;
      socket.dropConnections();
      expect(socket.connectionCount).toBe(0);
      await socket.waitForConnections(1, 15_000);
      await commandOnNewConnection();
      // The form flow works on the new connection too.
      const { view } = await commandToForm(h, `update ${CONTACT_ID}`);
      h.slack.typeInto(view.id, 'given_name', 'Pri');
      await h.driver.submitView(view.id);
      await h.settle();
      expect(h.stuut.contact(CONTACT_ID)?.given_name).toBe('Pri');
    });

    test('after apps.connections.open failed while reconnecting (Slack answered 503)', async () => {
      const socket = h.slack.socketMode;
      // Both tries of the client's first attempt fail: Bolt gives up on a 5xx for good.
      h.slack.failNext('apps.connections.open', { status: 503, times: 2 });
      socket.dropConnections();
      await socket.waitForConnections(1, 15_000);
      expect(h.slack.callsTo('apps.connections.open').map((c) => c.ok)).toEqual([
        true,
        false,
        false,
        true,
      ]);
      const line = h.logs
        .entries()
        .find((e) => e.msg === 'Socket Mode: reconnecting to Slack failed; trying again');
      expect(line).toMatchObject({ level: 'error', retryInMs: expect.any(Number) });
      await commandOnNewConnection();
    });
  });

  test('/contact find and the form’s type-ahead picker work over the socket', async () => {
    const found = await h.driver.slashCommand({ text: 'find priya' });
    expect(found).toMatchObject({ status: 200, timedOut: false });
    expect(found.json).toMatchObject({ response_type: 'ephemeral' });
    const listed = JSON.stringify(found.json);
    expect(listed).toContain('Priya Raman');
    expect(listed).toContain(CONTACT_ID);
    await h.settle();
    expect(h.slack.callsTo('views.open')).toHaveLength(0);

    // `/contact update` alone opens the form with the picker; typing asks for options.
    const { view } = await commandToForm(h, 'update');
    const options = await h.driver.suggestOptions(view.id, 'contact_pick', 'priya');
    // The book's match first (after it, only "Use id …" for text shaped like an id).
    expect(options[0]).toEqual({
      text: expect.objectContaining({ type: 'plain_text', text: expect.stringContaining('Priya') }),
      value: CONTACT_ID,
    });
    const suggestion = h.slack.socketMode.envelopes.at(-1);
    expect(suggestion).toMatchObject({
      type: 'interactive',
      acceptsResponsePayload: true,
      payload: { type: 'block_suggestion', action_id: 'contact_pick', value: 'priya' },
    });
    expect(h.slack.socketMode.acks.at(-1)).toMatchObject({
      envelopeId: suggestion?.envelopeId,
      awaited: true,
    });

    // Choosing it sends block_actions over the socket; the form refills with the book's values.
    const chosen = options[0];
    if (!chosen) throw new Error('no option to choose');
    await h.driver.selectOption({ viewId: view.id, actionId: 'contact_pick', option: chosen });
    await h.settle();
    expect(h.slack.callsTo('views.update').map((u) => u.ok)).toEqual([true]);
    const refilled = h.slack.getView(view.id);
    expect(Object.values(refilled?.state.values ?? {}).map((v) => v.value?.value)).toContain(
      'Customer Success Manager',
    );
    expect(h.slack.warnings).toEqual([]);
  });
});

test('a start that never gets Slack’s hello fails with one line instead of hanging', async () => {
  const slack = await SlackEmulator.start({ botToken: SECRETS.botToken, appToken: APP_TOKEN });
  const book = await tempBook();
  const logs = new LogCapture();
  try {
    // apps.connections.open answers a URL, but every WebSocket upgrade is refused (as behind
    // a proxy that blocks WebSockets): the client would retry for ever.
    await slack.socketMode.close();
    const config = loadConfig({
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      STUUT_API_URL: 'http://127.0.0.1:9',
      STUUT_API_TOKEN: SECRETS.stuutToken,
    });
    const started = Date.now();
    const start = startBot(config, createLogger('info', logs), {
      book: book.book,
      timing: { socketPingTimeoutMs: 500, socketConnectWithinMs: 2_000 },
    });
    await expect(start).rejects.toThrow(StartupError);
    await expect(start).rejects.toThrow(
      /^startup error: could not connect to Slack in Socket Mode \(no hello from Slack within 2000 ms\)\. Check SLACK_APP_TOKEN/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(slack.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(1);
  } finally {
    await book.remove();
    await slack.close();
  }
});
