import {
  type JsonObject,
  SlackEmulator,
  type SlackEmulatorOptions,
} from '../../../src/sandbox/slack';

export const BOT_TOKEN = 'xoxb-test-token';
export const SIGNING_SECRET = 'test-signing-secret';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrows for assertions: fails the test when the value is not an object. */
export function obj(value: unknown): JsonObject {
  if (!isObject(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

export function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export function startEmulator(options: Partial<SlackEmulatorOptions> = {}): Promise<SlackEmulator> {
  return SlackEmulator.start({ botToken: BOT_TOKEN, ...options });
}

export interface ApiAnswer {
  status: number;
  body: JsonObject;
  headers: Headers;
}

/** Calls the emulator the way the official WebClient does: a form, nested values as JSON. */
export async function api(
  emulator: SlackEmulator,
  method: string,
  args: JsonObject = {},
  options: { token?: string | null; json?: boolean } = {},
): Promise<ApiAnswer> {
  const token = options.token === undefined ? BOT_TOKEN : options.token;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  let body: string;
  if (options.json) {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = JSON.stringify(args);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(args)) {
      form.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    body = form.toString();
  }
  const response = await fetch(`${emulator.apiUrl}${method}`, { method: 'POST', headers, body });
  return { status: response.status, body: obj(await response.json()), headers: response.headers };
}

export function plain(text: string): JsonObject {
  return { type: 'plain_text', text };
}

export function textInput(blockId: string, extra: JsonObject = {}): JsonObject {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(blockId),
    element: { type: 'plain_text_input', action_id: 'value', ...extra },
  };
}

export function modal(blocks: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {
    type: 'modal',
    callback_id: 'contact_edit',
    title: plain('Edit contact'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
    ...extra,
  };
}

export async function openModal(
  emulator: SlackEmulator,
  view: JsonObject,
  userId = 'U0ALICE',
): Promise<JsonObject> {
  const answer = await api(emulator, 'views.open', {
    trigger_id: emulator.issueTriggerId(userId),
    view,
  });
  if (answer.body.ok !== true) throw new Error(`views.open failed: ${JSON.stringify(answer.body)}`);
  return obj(answer.body.view);
}

/** Bolt runs a listener's work after ack(): poll for its visible effect. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
