import type { AddressInfo } from 'node:net';
import { App, type Logger, LogLevel, SocketModeReceiver } from '@slack/bolt';
import WebSocket from 'ws';
import { type JsonObject, SlackClientDriver, type SlackEmulator } from '../../../src/sandbox/slack';
import { api, BOT_TOKEN, obj, SIGNING_SECRET, startEmulator, waitFor } from './helpers';

const APP_TOKEN = 'xapp-1-A0APP-1234-socketmodetesttoken';
/**
 * The SocketModeClient waits clientPingTimeout × (failures in a row) before it reconnects,
 * 5 s by default; App does not pass this option on, only a SocketModeReceiver of our own.
 */
const FAST_PING_TIMEOUT_MS = 500;

let emulator: SlackEmulator;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  emulator = await startEmulator({ appToken: APP_TOKEN });
});

afterEach(async () => {
  // Apps stop before the emulator closes, or they would try to reconnect to nothing.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await emulator.close();
});

/** A Socket Mode peer with no SDK in between: what a test sees is what went over the wire. */
class PlainClient {
  readonly messages: JsonObject[] = [];
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(obj(JSON.parse(String(data)))));
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async connect(url: string): Promise<PlainClient> {
    const ws = new WebSocket(url);
    const client = new PlainClient(ws);
    cleanups.push(() => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  async next(type: string): Promise<JsonObject> {
    await waitFor(() => this.messages.some((m) => m.type === type));
    const message = this.messages.find((m) => m.type === type);
    this.messages.splice(this.messages.indexOf(obj(message)), 1);
    return obj(message);
  }

  /** Answers every envelope with `payload` until the test ends. */
  ackEverything(payload: JsonObject = {}): void {
    this.ws.on('message', (data) => {
      const message = obj(JSON.parse(String(data)));
      if (typeof message.envelope_id === 'string') {
        this.ws.send(JSON.stringify({ envelope_id: message.envelope_id, payload }));
      }
    });
  }
}

async function openUrl(): Promise<string> {
  const answer = await api(emulator, 'apps.connections.open', {}, { token: APP_TOKEN });
  expect(answer.body.ok).toBe(true);
  return String(answer.body.url);
}

/** Keeps what Bolt and the SocketModeClient log, so a failure can show it and the run stays quiet. */
function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  let level = LogLevel.DEBUG;
  const at =
    (name: string) =>
    (...msg: unknown[]) => {
      lines.push(`${name}: ${msg.map(String).join(' ')}`);
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

const clientOptions = () => ({
  slackApiUrl: emulator.apiUrl,
  retryConfig: { retries: 0 },
  timeout: 2000,
});

const editForm = {
  type: 'modal' as const,
  callback_id: 'contact_edit',
  title: { type: 'plain_text' as const, text: 'Edit contact' },
  submit: { type: 'plain_text' as const, text: 'Save' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'phone',
      label: { type: 'plain_text' as const, text: 'Phone' },
      element: { type: 'plain_text_input' as const, action_id: 'value' },
    },
  ],
};

/** The bot's listeners in miniature: a command answered in its ack, a form with inline errors. */
function addListeners(app: App): { changedUsers: string[] } {
  const changedUsers: string[] = [];
  app.command('/contact', async ({ ack, command, client }) => {
    if (command.text === 'silent') return;
    if (command.text !== 'edit') {
      await ack({ text: `Looking up ${command.text}` });
      return;
    }
    await ack();
    await client.views.open({ trigger_id: command.trigger_id, view: editForm });
  });
  app.view('contact_edit', async ({ ack, view }) => {
    const phone = view.state.values.phone?.value?.value ?? '';
    if (phone.startsWith('+')) await ack();
    else await ack({ response_action: 'errors', errors: { phone: 'Use the +country format' } });
  });
  app.event('user_change', async ({ event }) => {
    changedUsers.push(event.user.id);
  });
  return { changedUsers };
}

/** Bolt's App in Socket Mode exactly as the bot builds it: only clientOptions point it here. */
async function startBoltApp(appToken = APP_TOKEN) {
  const logger = capturingLogger();
  const app = new App({
    token: BOT_TOKEN,
    appToken,
    socketMode: true,
    deferInitialization: true,
    logger,
    clientOptions: clientOptions(),
  });
  const listeners = addListeners(app);
  await app.init();
  cleanups.push(() => app.stop());
  return { app, logger, ...listeners };
}

/** The same, with a receiver of our own so that reconnecting takes 0.5 s rather than 5 s. */
async function startFastReconnectingApp() {
  const logger = capturingLogger();
  const receiver = new SocketModeReceiver({
    appToken: APP_TOKEN,
    logger,
    clientPingTimeout: FAST_PING_TIMEOUT_MS,
    installerOptions: { clientOptions: clientOptions() },
  });
  // The receiver's client only opens connections; the App's own client needs the URL too.
  const app = new App({
    token: BOT_TOKEN,
    receiver,
    deferInitialization: true,
    logger,
    clientOptions: clientOptions(),
  });
  addListeners(app);
  await app.init();
  cleanups.push(() => app.stop());
  await app.start();
  return { app, logger };
}

function socketDriver(ackDeadlineMs?: number): SlackClientDriver {
  return new SlackClientDriver({
    emulator,
    transport: 'socket',
    ...(ackDeadlineMs === undefined ? {} : { ackDeadlineMs }),
  });
}

describe('apps.connections.open', () => {
  it('answers a loopback WebSocket URL for the app-level token only', async () => {
    const url = new URL(await openUrl());
    expect(url.protocol).toBe('ws:');
    expect(url.host).toBe(new URL(emulator.baseUrl).host);
    expect(url.pathname).toBe('/link/');
    expect(url.searchParams.get('ticket')).toMatch(/^[0-9a-f-]{36}$/);

    const refusals = await Promise.all(
      [null, BOT_TOKEN, 'xapp-1-A0APP-0000-wrong'].map(async (token) => {
        const answer = await api(emulator, 'apps.connections.open', {}, { token });
        return answer.body.error;
      }),
    );
    expect(refusals).toEqual(['not_authed', 'not_allowed_token_type', 'invalid_auth']);
    // The other way round too: the app-level token cannot call bot methods.
    const authTest = await api(emulator, 'auth.test', {}, { token: APP_TOKEN });
    expect(authTest.body.error).toBe('not_allowed_token_type');
  });

  it('refuses a ticket used once already', async () => {
    const url = await openUrl();
    await PlainClient.connect(url);
    await expect(PlainClient.connect(url)).rejects.toThrow(/401/);
  });

  it('makes Bolt fail to start on a refused app token', async () => {
    const { app } = await startBoltApp('xapp-1-A0APP-0000-revoked');
    // invalid_auth is one of the errors the SocketModeClient does not retry.
    await expect(app.start()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
    expect(emulator.callsTo('apps.connections.open').map((c) => c.error)).toEqual(['invalid_auth']);
    expect(emulator.socketMode.connectionsOpened).toBe(0);
  });
});

describe('the wire protocol, with a plain WebSocket client', () => {
  it('greets each connection with hello', async () => {
    const first = await PlainClient.connect(await openUrl());
    expect(await first.next('hello')).toEqual({
      type: 'hello',
      num_connections: 1,
      debug_info: expect.objectContaining({ host: expect.any(String) }),
      connection_info: { app_id: emulator.appId },
    });
    const second = await PlainClient.connect(await openUrl());
    expect(await second.next('hello')).toMatchObject({ num_connections: 2 });
    expect(emulator.socketMode.connectionCount).toBe(2);
  });

  it('sends an envelope and reads its ack back by envelope_id', async () => {
    const client = await PlainClient.connect(await openUrl());
    const outcome = emulator.socketMode.sendEnvelope(
      'slash_commands',
      { command: '/contact', text: 'hi' },
      { acceptsResponsePayload: true },
    );
    const envelope = await client.next('slash_commands');
    expect(envelope).toEqual({
      envelope_id: expect.any(String),
      type: 'slash_commands',
      payload: { command: '/contact', text: 'hi' },
      accepts_response_payload: true,
      retry_attempt: 0,
      retry_reason: '',
    });
    client.ws.send(JSON.stringify({ envelope_id: envelope.envelope_id, payload: { text: 'ok' } }));
    expect(await outcome).toEqual({
      timedOut: false,
      envelopeId: envelope.envelope_id,
      ack: { envelope_id: envelope.envelope_id, payload: { text: 'ok' } },
      ms: expect.any(Number),
    });
    expect(emulator.socketMode.acks).toEqual([
      expect.objectContaining({ envelopeId: envelope.envelope_id, awaited: true }),
    ]);
  });

  it('times out an envelope nobody acknowledges, and keeps a late ack as unawaited', async () => {
    const client = await PlainClient.connect(await openUrl());
    const outcome = await emulator.socketMode.sendEnvelope(
      'interactive',
      { type: 'block_actions' },
      { acceptsResponsePayload: false, deadlineMs: 200 },
    );
    expect(outcome.timedOut).toBe(true);
    expect(outcome.ms).toBeGreaterThanOrEqual(195);
    const envelope = await client.next('interactive');
    client.ws.send(JSON.stringify({ envelope_id: envelope.envelope_id }));
    await waitFor(() => emulator.socketMode.acks.length === 1);
    expect(emulator.socketMode.acks[0]).toMatchObject({
      envelopeId: outcome.envelopeId,
      awaited: false,
    });
  });

  it('spreads envelopes over the open connections at random', async () => {
    const clients = [
      await PlainClient.connect(await openUrl()),
      await PlainClient.connect(await openUrl()),
    ];
    for (const client of clients) client.ackEverything();
    for (let i = 0; i < 16; i += 1) {
      const outcome = await emulator.socketMode.sendEnvelope(
        'events_api',
        { n: i },
        { acceptsResponsePayload: false },
      );
      expect(outcome.timedOut).toBe(false);
    }
    // Both carried some: all 16 on one would happen once in 32768 runs.
    const used = new Set(emulator.socketMode.envelopes.map((e) => e.connection));
    expect([...used].sort()).toEqual([1, 2]);
  });

  it('tells connections to disconnect, stops using them, and closes them after a grace', async () => {
    const client = await PlainClient.connect(await openUrl());
    emulator.socketMode.disconnect('link_disabled');
    expect(await client.next('disconnect')).toEqual({
      type: 'disconnect',
      reason: 'link_disabled',
      debug_info: { host: expect.any(String) },
    });
    expect(emulator.socketMode.connectionCount).toBe(0);
    await expect(
      emulator.socketMode.sendEnvelope('events_api', {}, { acceptsResponsePayload: false }),
    ).rejects.toThrow(/no Socket Mode connection/);
    // This client does not go by itself, so the server closes it normally.
    await waitFor(() => client.closeCode !== undefined, 3000);
    expect(client.closeCode).toBe(1000);
  });

  it('drops connections without a close frame', async () => {
    const client = await PlainClient.connect(await openUrl());
    emulator.socketMode.dropConnections();
    expect(emulator.socketMode.connectionCount).toBe(0);
    await waitFor(() => client.closeCode !== undefined);
    // 1006: the connection ended with no close frame.
    expect(client.closeCode).toBe(1006);
  });

  it('closes connections cleanly when the emulator closes', async () => {
    const client = await PlainClient.connect(await openUrl());
    await emulator.close();
    expect(client.closeCode).toBe(1001);
    emulator = await startEmulator({ appToken: APP_TOKEN });
  });
});

describe("Bolt's App in Socket Mode", () => {
  it('opens its connection at the slackApiUrl of clientOptions and waits for hello', async () => {
    const { app } = await startBoltApp();
    // start() resolves on hello, with the apps.connections.open answer.
    await expect(app.start()).resolves.toMatchObject({ ok: true, url: expect.any(String) });
    const [open] = emulator.callsTo('apps.connections.open');
    expect(open).toMatchObject({ ok: true, args: {} });
    expect(emulator.socketMode.connectionCount).toBe(1);
  });

  it('answers a slash_commands envelope with a body the person sees', async () => {
    const { app } = await startBoltApp();
    await app.start();
    const ack = await socketDriver().slashCommand({ text: 'ic_123' });
    expect(ack).toMatchObject({
      status: 200,
      timedOut: false,
      json: { text: 'Looking up ic_123' },
    });
    const [envelope] = emulator.socketMode.envelopes;
    expect(envelope).toMatchObject({ type: 'slash_commands', acceptsResponsePayload: true });
    // The command arrives as a JSON object of the form's fields, strings all.
    expect(obj(envelope?.payload)).toMatchObject({
      command: '/contact',
      text: 'ic_123',
      is_enterprise_install: 'false',
      trigger_id: ack.triggerId,
      response_url: ack.responseUrl,
    });
    expect(emulator.messages).toEqual([
      expect.objectContaining({ kind: 'ephemeral', user: 'U0ALICE', text: 'Looking up ic_123' }),
    ]);
  });

  it('answers an interactive view_submission with inline errors, then closes the form', async () => {
    const { app } = await startBoltApp();
    await app.start();
    const driver = socketDriver();
    await driver.slashCommand({ text: 'edit' });
    await waitFor(() => emulator.openViews().length === 1);
    const viewId = emulator.openViews()[0]?.id ?? '';

    emulator.typeInto(viewId, 'phone', '020 7946 0958');
    const refused = await driver.submitView(viewId);
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { phone: 'Use the +country format' },
    });
    expect(emulator.getView(viewId)?.errors).toEqual({ phone: 'Use the +country format' });
    const submission = emulator.socketMode.envelopes.at(-1);
    expect(submission).toMatchObject({ type: 'interactive', acceptsResponsePayload: true });
    // The interaction itself, not a form field holding JSON.
    expect(obj(submission?.payload)).toMatchObject({
      type: 'view_submission',
      view: { id: viewId },
    });

    emulator.typeInto(viewId, 'phone', '+44 20 7946 0958');
    await driver.submitView(viewId);
    expect(emulator.getView(viewId)?.closed).toBe(true);
    expect(emulator.warnings).toEqual([]);
  });

  it('delivers an Events API event Bolt dispatches to its listener', async () => {
    const { app, changedUsers } = await startBoltApp();
    await app.start();
    const ack = await socketDriver().sendEvent({
      type: 'user_change',
      user: { id: 'U0BOB', team_id: emulator.teamId, name: 'bob' },
    });
    expect(ack.timedOut).toBe(false);
    await waitFor(() => changedUsers.length === 1);
    expect(changedUsers).toEqual(['U0BOB']);
    expect(emulator.socketMode.envelopes[0]).toMatchObject({
      type: 'events_api',
      acceptsResponsePayload: false,
      payload: { type: 'event_callback', event_id: ack.eventId, api_app_id: emulator.appId },
    });
  });

  it('reports an envelope Bolt never acknowledges as timed out', async () => {
    const { app } = await startBoltApp();
    await app.start();
    const ack = await socketDriver(300).slashCommand({ text: 'silent' });
    expect(ack).toMatchObject({ status: 0, timedOut: true });
    expect(emulator.warnings).toEqual([
      expect.stringMatching(/^slash command: no acknowledgement within 300 ms/),
    ]);
  });

  it('reconnects by itself after disconnect refresh_requested and handles later envelopes', async () => {
    await startFastReconnectingApp();
    const socket = emulator.socketMode;
    expect(socket.connectionCount).toBe(1);

    socket.disconnect();
    expect(socket.connectionCount).toBe(0);
    await socket.waitForConnections(1);
    expect(socket.connectionsOpened).toBe(2);
    expect(emulator.callsTo('apps.connections.open').map((c) => c.ok)).toEqual([true, true]);

    const ack = await socketDriver().slashCommand({ text: 'after refresh' });
    expect(ack.json).toEqual({ text: 'Looking up after refresh' });
    expect(socket.envelopes.at(-1)?.connection).toBe(2);
  });

  it('reconnects by itself after the connection drops and handles later envelopes', async () => {
    await startFastReconnectingApp();
    const socket = emulator.socketMode;
    expect(socket.connectionCount).toBe(1);

    socket.dropConnections();
    expect(socket.connectionCount).toBe(0);
    await socket.waitForConnections(1);
    expect(socket.connectionsOpened).toBe(2);

    const ack = await socketDriver().slashCommand({ text: 'after drop' });
    expect(ack.json).toEqual({ text: 'Looking up after drop' });
    expect(socket.envelopes.at(-1)?.connection).toBe(2);
  });
});

describe('sendEvent over HTTP', () => {
  it('posts a signed event_callback Bolt accepts', async () => {
    const app = new App({
      token: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      deferInitialization: true,
      logger: capturingLogger(),
      clientOptions: clientOptions(),
    });
    const { changedUsers } = addListeners(app);
    await app.init();
    const server = await app.start(0);
    cleanups.push(() => app.stop());
    const { port } = server.address() as AddressInfo;
    const driver = new SlackClientDriver({
      emulator,
      appUrl: `http://127.0.0.1:${port}/slack/events`,
      signingSecret: SIGNING_SECRET,
    });
    const ack = await driver.sendEvent({
      type: 'user_change',
      user: { id: 'U0BOB', team_id: emulator.teamId, name: 'bob' },
    });
    expect(ack).toMatchObject({ status: 200, timedOut: false, eventId: expect.any(String) });
    await waitFor(() => changedUsers.length === 1);
    expect(changedUsers).toEqual(['U0BOB']);
  });
});
