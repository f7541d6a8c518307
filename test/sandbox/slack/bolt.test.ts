import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { SlackClientDriver, type SlackEmulator } from '../../../src/sandbox/slack';
import { BOT_TOKEN, SIGNING_SECRET, startEmulator, waitFor } from './helpers';

/** A real Bolt app against the emulator: proves the two understand each other. */
let emulator: SlackEmulator;
let app: App;
let driver: SlackClientDriver;

beforeEach(async () => {
  emulator = await startEmulator();
  app = new App({
    token: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    deferInitialization: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: emulator.apiUrl, retryConfig: { retries: 0 }, timeout: 2000 },
  });
  app.command('/contact', async ({ ack, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: 'modal',
        callback_id: 'contact_edit',
        title: { type: 'plain_text', text: 'Edit contact' },
        submit: { type: 'plain_text', text: 'Save' },
        blocks: [
          {
            type: 'input',
            block_id: 'phone',
            label: { type: 'plain_text', text: 'Phone' },
            element: { type: 'plain_text_input', action_id: 'value' },
          },
        ],
      },
    });
  });
  app.view('contact_edit', async ({ ack, view, client }) => {
    const phone = view.state.values.phone?.value?.value ?? '';
    if (!phone.startsWith('+')) {
      await ack({ response_action: 'errors', errors: { phone: 'Use the +country format' } });
      return;
    }
    await ack();
    await client.chat.postMessage({ channel: 'C0UPD', text: `Phone set to ${phone}` });
  });
  await app.init();
  const server = await app.start(0);
  const { port } = server.address() as AddressInfo;
  driver = new SlackClientDriver({
    emulator,
    appUrl: `http://127.0.0.1:${port}/slack/events`,
    signingSecret: SIGNING_SECRET,
  });
});

afterEach(async () => {
  await app.stop();
  await emulator.close();
});

it('runs a command, a refused submission and a saved one through Bolt', async () => {
  expect(emulator.callsTo('auth.test').map((c) => c.ok)).toEqual([true]);

  const ack = await driver.slashCommand({ text: 'update ic_123' });
  expect(ack.status).toBe(200);
  await waitFor(() => emulator.openViews().length === 1);
  const viewId = emulator.openViews()[0]?.id ?? '';

  emulator.typeInto(viewId, 'phone', '020 7946 0958');
  await driver.submitView(viewId);
  expect(emulator.getView(viewId)?.errors).toEqual({ phone: 'Use the +country format' });

  emulator.typeInto(viewId, 'phone', '+44 20 7946 0958');
  await driver.submitView(viewId);
  expect(emulator.getView(viewId)?.closed).toBe(true);
  await waitFor(() => emulator.messages.length === 1);
  expect(emulator.messages[0]).toMatchObject({
    kind: 'channel',
    text: 'Phone set to +44 20 7946 0958',
  });
  expect(emulator.warnings).toEqual([]);
});

it('is refused by Bolt when the signature is wrong', async () => {
  const result = await driver.sendRaw({ body: 'command=%2Fcontact', signature: 'v0=00' });
  expect(result.status).toBe(401);
});
