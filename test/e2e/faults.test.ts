import { createConnection, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { StoredView } from '../../src/sandbox/slack/types';
import { decodeReopenButton } from '../../src/slack/metadata';
import { CircuitBreaker } from '../../src/stuut/circuit';
import { commandToForm, type Harness, type HarnessOptions, startHarness } from './harness';

/**
 * The fault matrix: one test per cell, end to end over loopback, the real app against the
 * emulated Stuut and Slack APIs. Each cell asserts what the person sees, what the channel
 * sees, exactly how many PATCH requests Stuut received, and that the typed values survive.
 *
 * Backoff jitter is drawn as 0 (`random: () => 0`) so retries cost no waiting; the attempt
 * counts are those of the real policy. Timeouts are shortened where a cell needs one.
 */

const CONTACT_ID = 'ic_7Qm2xK9a';
const TYPED = {
  job_title: 'Head of Customer Success, EMEA',
  given_name: 'Priyanka',
  family_name: 'Okafor-Raman',
} as const;
const NO_JITTER: HarnessOptions = { stuutClient: { random: () => 0 } };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness({
    ...options,
    stuutClient: { ...NO_JITTER.stuutClient, ...options.stuutClient },
  });
  return h;
}

function openForm(harness: Harness, text = `update ${CONTACT_ID}`) {
  return commandToForm(harness, text);
}

/** Opens the form, types the values, presses Save; returns the view and Slack's ack. */
async function submitTyped(harness: Harness, text?: string) {
  const { view, responseUrl } = await openForm(harness, text);
  for (const [field, value] of Object.entries(TYPED)) harness.slack.typeInto(view.id, field, value);
  const ack = await harness.driver.submitView(view.id);
  expect(ack.status).toBe(200);
  expect(ack.ms).toBeLessThan(3_000);
  return { view, ack, responseUrl };
}

function channelPosts(harness: Harness) {
  return harness.slack.messages.filter((m) => m.kind === 'channel');
}

function shownView(harness: Harness, viewId: string): StoredView {
  const view = harness.slack.getView(viewId);
  if (!view) throw new Error(`view ${viewId} is gone`);
  return view;
}

/** The view is the form again, with the reason, and with every typed value in its input. */
function expectFormWithValues(view: StoredView, reason: RegExp | string): void {
  expect(view.callback_id).toBe('contact_update');
  const notice = JSON.stringify(view.blocks.find((block) => block.block_id === 'notice'));
  expect(notice).toMatch(reason);
  expect(notice).toContain('Your values are kept below');
  for (const [field, value] of Object.entries(TYPED)) {
    expect(view.state.values[field]?.value?.value).toBe(value);
  }
}

/** Stuut kept its old values: nothing of what was typed was applied. */
function expectStuutUnchanged(harness: Harness): void {
  const stored = harness.stuut.contact(CONTACT_ID);
  expect(stored?.job_title).not.toBe(TYPED.job_title);
  expect(stored?.given_name).not.toBe(TYPED.given_name);
}

/** Saved: Stuut has the values, the modal says so, the channel got one confirmation with them. */
function expectSaved(harness: Harness, viewId: string): void {
  expect(harness.stuut.contact(CONTACT_ID)).toMatchObject(TYPED);
  expect(shownView(harness, viewId).callback_id).toBe('contact_update_result');
  const posts = channelPosts(harness);
  expect(posts).toHaveLength(1);
  expect(posts[0]?.channel).toBe('C0OPS');
  expect(JSON.stringify(posts[0]?.blocks)).toContain(TYPED.job_title);
}

/** The value of the first button with this action_id, anywhere in the blocks. */
function buttonValue(blocks: unknown, actionId: string): string | undefined {
  if (Array.isArray(blocks)) {
    for (const item of blocks) {
      const found = buttonValue(item, actionId);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!blocks || typeof blocks !== 'object') return undefined;
  const record = blocks as Record<string, unknown>;
  if (record.action_id === actionId && typeof record.value === 'string') return record.value;
  return buttonValue(Object.values(record), actionId);
}

function attemptLogs(harness: Harness) {
  return harness.logs.entries().filter((entry) => entry.msg === 'stuut attempt failed');
}

describe('Stuut: 429', () => {
  test('Retry-After inside the budget: waited out, saved, 2 PATCHes', async () => {
    const harness = await start();
    harness.stuut.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toMatchObject({
      response_action: 'update',
      view: { callback_id: 'contact_update_result' },
    });
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(2);
    const [first, second] = harness.stuut.requests;
    expect((second?.at.getTime() ?? 0) - (first?.at.getTime() ?? 0)).toBeGreaterThanOrEqual(900);
    expectSaved(harness, view.id);
  });

  test('Retry-After beyond the budget: no wait, 1 PATCH, a clear message, values kept', async () => {
    const harness = await start();
    harness.stuut.failAlways({ kind: 'status', status: 429, headers: { 'Retry-After': '60' } });
    const { view, ack } = await submitTyped(harness);
    expect(ack.ms).toBeLessThan(1_000);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expectFormWithValues(shownView(harness, view.id), /Stuut is busy and asked to wait 60 s/);
    expect(channelPosts(harness)).toHaveLength(0);
    expectStuutUnchanged(harness);
  });
});

describe('Stuut: 5xx once', () => {
  test('500 once: not retried, 1 PATCH, the form with the reason and the values', async () => {
    const harness = await start();
    harness.stuut.failNext({ kind: 'status', status: 500 });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toMatchObject({ response_action: 'update' });
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expectFormWithValues(shownView(harness, view.id), /Stuut had a problem \(HTTP 500\)/);
    expect(channelPosts(harness)).toHaveLength(0);
    expectStuutUnchanged(harness);
  });

  test.each([502, 503, 504])('%i once: retried, 2 PATCHes, saved and confirmed', async (status) => {
    const harness = await start();
    harness.stuut.failNext({ kind: 'status', status });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update_result' } });
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(2);
    expectSaved(harness, view.id);
  });
});

describe('Stuut: 5xx for good', () => {
  test('500 for good: 1 PATCH, the form with the reason and the values', async () => {
    const harness = await start();
    harness.stuut.failAlways({ kind: 'status', status: 500 });
    const { view } = await submitTyped(harness);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expectFormWithValues(shownView(harness, view.id), /HTTP 500/);
    expect(channelPosts(harness)).toHaveLength(0);
  });

  test.each([502, 503, 504])(
    '%i for good: exactly 4 PATCHes, then the form with the reason and the values',
    async (status) => {
      const harness = await start();
      harness.stuut.failAlways({ kind: 'status', status });
      const { view } = await submitTyped(harness);
      await harness.settle();
      expect(harness.stuut.patchCount()).toBe(4);
      expect(attemptLogs(harness).map((entry) => entry.attempt)).toEqual([1, 2, 3, 4]);
      expectFormWithValues(shownView(harness, view.id), `(HTTP ${status})`);
      expect(channelPosts(harness)).toHaveLength(0);
      expectStuutUnchanged(harness);
    },
  );
});

/**
 * A listener on loopback whose accept queue is full: the kernel drops further SYNs, so a
 * connection to it never completes: a real connect timeout, with no external address.
 * The listener lives in a worker thread that is kept busy, so it never accepts; two filler
 * connections fill its queue of one.
 */
async function startBlackhole(): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const net = require('node:net');
    const stop = workerData;
    const server = net.createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      parentPort.postMessage(server.address().port);
      setImmediate(() => {
        while (Atomics.load(stop, 0) === 0) Atomics.wait(stop, 0, 0, 50);
        server.close();
      });
    });
    `,
    { eval: true, workerData: stop },
  );
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const fillers: Socket[] = [];
  for (let i = 0; i < 8; i++) {
    const socket = createConnection({ port, host: '127.0.0.1' });
    fillers.push(socket);
    socket.on('error', () => undefined);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) break;
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of fillers) socket.destroy();
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0);
      await worker.terminate();
    },
  };
}

describe('Stuut: timeouts', () => {
  test('connect timeout: retried, 4 attempts, no PATCH reaches Stuut, "Saving…" then the form with the values', async () => {
    const blackhole = await startBlackhole();
    try {
      const harness = await start({
        stuutClient: { baseUrl: blackhole.baseUrl, connectTimeoutMs: 250 },
      });
      const { view, ack } = await submitTyped(harness);
      expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update_saving' } });
      await harness.settle();
      // Nothing ever reached the API: every attempt died in the TCP handshake.
      expect(harness.stuut.patchCount()).toBe(0);
      const attempts = attemptLogs(harness);
      expect(attempts.map((entry) => entry.attempt)).toEqual([1, 2, 3, 4]);
      expect(attempts.every((entry) => entry.transport === 'connect')).toBe(true);
      expect(harness.slack.callsTo('views.update')).toHaveLength(1);
      expectFormWithValues(shownView(harness, view.id), /Could not reach Stuut/);
      expect(channelPosts(harness)).toHaveLength(0);
    } finally {
      await blackhole.close();
    }
  }, 20_000);

  test('headers timeout: not retried, 1 PATCH, "may or may not be saved", values kept', async () => {
    const harness = await start({ stuutClient: { answerTimeoutMs: 300 } });
    harness.stuut.failNext({ kind: 'delay-headers', ms: 1_500 });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update' } });
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expect(attemptLogs(harness)).toHaveLength(0);
    expectFormWithValues(shownView(harness, view.id), /did not answer in time/);
    expect(channelPosts(harness)).toHaveLength(0);
  });

  test('body timeout: not retried, 1 PATCH; Stuut did apply it, which is why the message says "may or may not"', async () => {
    const harness = await start({ stuutClient: { answerTimeoutMs: 300 } });
    harness.stuut.failNext({ kind: 'stall-body', ms: 1_500 });
    const { view } = await submitTyped(harness);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expectFormWithValues(shownView(harness, view.id), /may or may not be saved/);
    expect(channelPosts(harness)).toHaveLength(0);
    expect(harness.stuut.contact(CONTACT_ID)).toMatchObject(TYPED);
  });
});

describe('Stuut: broken answers', () => {
  test('connection reset mid-response: retried, 2 PATCHes, saved and confirmed', async () => {
    const harness = await start();
    harness.stuut.failNext({ kind: 'reset-mid-body' });
    const { view } = await submitTyped(harness);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(2);
    expect(attemptLogs(harness)).toMatchObject([{ attempt: 1, transport: 'reset' }]);
    expectSaved(harness, view.id);
  });

  test('an HTML 502 error page for good: 4 PATCHes, HTTP 502 in words, no HTML shown', async () => {
    const harness = await start();
    harness.stuut.failAlways({
      kind: 'status',
      status: 502,
      rawBody: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
      contentType: 'text/html',
    });
    const { view } = await submitTyped(harness);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(4);
    const shown = shownView(harness, view.id);
    expectFormWithValues(shown, /HTTP 502/);
    expect(JSON.stringify(shown.blocks)).not.toMatch(/html|nginx/i);
    expect(channelPosts(harness)).toHaveLength(0);
  });

  const FULL = {
    id: CONTACT_ID,
    object: 'internal_contact',
    created_at: '2024-01-26T09:26:53.000Z',
    modified_at: '2025-03-14T09:26:53.000Z',
    email: 'priya.raman@northwind.example',
    given_name: TYPED.given_name,
    family_name: 'Raman',
    name: null,
    phone: '+14155550123',
    job_title: TYPED.job_title,
  };

  test.each<[string, string]>([
    ['truncated JSON', JSON.stringify(FULL).slice(0, 60)],
    ['invalid JSON', "{id: 'ic_7Qm2xK9a', email: priya.raman@northwind.example}"],
    ['a body lacking required fields', JSON.stringify({ id: CONTACT_ID, job_title: 'x' })],
    ['wrong types', JSON.stringify({ ...FULL, email: null, phone: 4155550123, created_at: 7 })],
  ])('200 with %s: 1 PATCH, "does not understand", values kept', async (_what, rawBody) => {
    const harness = await start();
    harness.stuut.failNext({ kind: 'body', status: 200, rawBody });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update' } });
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expectFormWithValues(shownView(harness, view.id), /does not understand/);
    expect(channelPosts(harness)).toHaveLength(0);
  });

  test('200 with extra unknown fields: works, 1 PATCH, confirmed', async () => {
    const harness = await start();
    harness.stuut.failNext({
      kind: 'body',
      status: 200,
      rawBody: JSON.stringify({
        ...FULL,
        internal_role: 'csm',
        tags: ['emea'],
        remote_id: null,
        _links: { self: '/v2/internal-contacts/ic_7Qm2xK9a' },
      }),
    });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update_result' } });
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expect(shownView(harness, view.id).callback_id).toBe('contact_update_result');
    const posts = channelPosts(harness);
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]?.blocks)).toContain(TYPED.job_title);
    expect(JSON.stringify(posts[0]?.blocks)).not.toContain('internal_role');
  });
});

describe('Stuut: 4xx', () => {
  test.each([401, 403])(
    '%i: 1 PATCH, "the bot’s token was refused", an error line for the admin, values kept',
    async (status) => {
      const harness = await start();
      harness.stuut.failNext({ kind: 'status', status, body: { detail: 'Not allowed' } });
      const { view } = await submitTyped(harness);
      await harness.settle();
      expect(harness.stuut.patchCount()).toBe(1);
      expectFormWithValues(shownView(harness, view.id), /Stuut refused the bot's API token/);
      expect(channelPosts(harness)).toHaveLength(0);
      const errors = harness.logs.entries().filter((entry) => entry.level === 'error');
      expect(errors.map((entry) => entry.msg)).toEqual([
        expect.stringContaining('STUUT_API_TOKEN'),
      ]);
    },
  );

  test('404: 1 PATCH, the form with the id editable and the values kept', async () => {
    const harness = await start();
    const { view } = await submitTyped(harness, 'update ic_doesnotexist');
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    const shown = shownView(harness, view.id);
    expect(shown.callback_id).toBe('contact_update');
    expect(JSON.stringify(shown.blocks)).toContain('no internal contact with id ic_doesnotexist');
    expect(shown.state.values.contact_id?.value?.value).toBe('ic_doesnotexist');
    for (const [field, value] of Object.entries(TYPED)) {
      expect(shown.state.values[field]?.value?.value).toBe(value);
    }
    expect(channelPosts(harness)).toHaveLength(0);
  });

  test('422 with several field errors: each next to its input in the ack, 1 PATCH, values kept', async () => {
    const harness = await start();
    harness.stuut.failNext({
      kind: 'status',
      status: 422,
      body: {
        detail: [
          { loc: ['body', 'job_title'], msg: 'Job title is not allowed', type: 'value_error' },
          { loc: ['body', 'given_name'], msg: 'Given name is reserved', type: 'value_error' },
          { loc: ['body', 'family_name'], msg: 'Too many hyphens', type: 'value_error' },
        ],
      },
    });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toEqual({
      response_action: 'errors',
      errors: {
        job_title: 'Job title is not allowed',
        given_name: 'Given name is reserved',
        family_name: 'Too many hyphens',
      },
    });
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    const shown = shownView(harness, view.id);
    expect(shown.errors).toMatchObject({ job_title: 'Job title is not allowed' });
    for (const [field, value] of Object.entries(TYPED)) {
      expect(shown.state.values[field]?.value?.value).toBe(value);
    }
    expect(channelPosts(harness)).toHaveLength(0);
  });
});

describe('Stuut: the circuit breaker', () => {
  test('after 5 consecutive failures a save fails fast: no PATCH, a clear message, values kept', async () => {
    const harness = await start();
    harness.stuut.failAlways({ kind: 'status', status: 503 });
    // Save 1: 4 attempts. Save 2: its first attempt is the 5th failure in a row; it opens.
    await submitTyped(harness);
    await harness.settle();
    harness.slack.clearViews('U0ALICE');
    await submitTyped(harness);
    await harness.settle();
    harness.slack.clearViews('U0ALICE');
    expect(harness.stuut.patchCount()).toBe(5);

    const { view, ack } = await submitTyped(harness);
    expect(ack.ms).toBeLessThan(1_000);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(5);
    expectFormWithValues(
      shownView(harness, view.id),
      /Stuut has failed 5 times in a row, so the bot stops sending to it for 30 s.*Try again after \d\d:\d\d:\d\d UTC/,
    );
    expect(channelPosts(harness)).toHaveLength(0);
    const opened = harness.logs
      .entries()
      .filter((e) => e.msg === 'stuut circuit opened: failing fast');
    expect(opened).toHaveLength(1);
  });

  test('after the pause one save probes; its success closes the circuit', async () => {
    const harness = await start({
      stuutClient: { circuit: new CircuitBreaker({ failureThreshold: 5, openMs: 400 }) },
    });
    for (let i = 0; i < 5; i++) harness.stuut.failNext({ kind: 'status', status: 500 });
    for (let i = 0; i < 5; i++) {
      await submitTyped(harness);
      await harness.settle();
      harness.slack.clearViews('U0ALICE');
    }
    expect(harness.stuut.patchCount()).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const { view } = await submitTyped(harness);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(6);
    expectSaved(harness, view.id);
  });
});

describe('Slack side', () => {
  test('views.update fails because the person closed the form: the outcome comes by response_url', async () => {
    const harness = await start({ timing: { ackWithinMs: 50 } });
    harness.stuut.failNext({ kind: 'delay', ms: 400 });
    const { view, ack } = await submitTyped(harness);
    expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update_saving' } });
    harness.slack.closeView(view.id);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expect(harness.slack.callsTo('views.update').map((c) => c.error)).toEqual(['not_found']);
    const notice = harness.slack.messages.find((m) => m.kind === 'response_url');
    expect(notice?.text).toMatch(/^:white_check_mark: Saved\./);
    expect(JSON.stringify(notice?.blocks)).toContain(TYPED.job_title);
    expect(channelPosts(harness)).toHaveLength(1);
    expect(harness.stuut.contact(CONTACT_ID)).toMatchObject(TYPED);
  });

  test('chat.postMessage not_in_channel: no channel post, the person learns it was saved and how to invite the bot', async () => {
    const harness = await start();
    harness.slack.setChannel('C0OPS', { isMember: false });
    const { view } = await submitTyped(harness);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expect(harness.slack.callsTo('chat.postMessage').map((c) => c.error)).toEqual([
      'not_in_channel',
    ]);
    expect(channelPosts(harness)).toHaveLength(0);
    expect(shownView(harness, view.id).callback_id).toBe('contact_update_result');
    const notice = harness.slack.messages.find((m) => m.kind === 'response_url');
    expect(notice?.text).toContain('was saved');
    expect(notice?.text).toContain('/invite');
    expect(JSON.stringify(notice?.blocks)).toContain(TYPED.job_title);
  });

  test('chat.postMessage channel_not_found: no channel post, the person learns it was saved', async () => {
    const harness = await start({ contactUpdatesChannel: 'C0GONE' });
    harness.slack.setChannel('C0GONE', { exists: false });
    await submitTyped(harness);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expect(harness.slack.callsTo('chat.postMessage').map((c) => c.error)).toEqual([
      'channel_not_found',
    ]);
    expect(channelPosts(harness)).toHaveLength(0);
    const notice = harness.slack.messages.find((m) => m.kind === 'response_url');
    expect(notice?.text).toContain('was saved');
    // A channel Slack cannot describe counts as shared, so the notice names the changed
    // fields without their values; the saved values were shown in the modal.
    expect(JSON.stringify(notice?.blocks)).toContain('job title');
    expect(JSON.stringify(notice?.blocks)).not.toContain(TYPED.job_title);
  });

  test('chat.postMessage ratelimited (HTTP 429, Retry-After 30): not waited out, not repeated, no second PATCH', async () => {
    const harness = await start();
    harness.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 30 });
    await submitTyped(harness);
    const started = Date.now();
    await harness.settle();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(harness.stuut.patchCount()).toBe(1);
    const posts = harness.slack.callsTo('chat.postMessage');
    expect(posts.map((c) => [c.status, c.error])).toEqual([[429, 'ratelimited']]);
    expect(channelPosts(harness)).toHaveLength(0);
    const notice = harness.slack.messages.find((m) => m.kind === 'response_url');
    expect(notice?.text).toContain('was saved');
    expect(notice?.text).toContain('ratelimited');
    expect(JSON.stringify(notice?.blocks)).toContain(TYPED.job_title);
  });

  test('an expired response_url: the failure comes as an ephemeral message whose button holds the values', async () => {
    const harness = await start({
      timing: { ackWithinMs: 50 },
      stuutClient: { answerTimeoutMs: 400 },
    });
    harness.stuut.failNext({ kind: 'delay-headers', ms: 2_000 });
    const { view, responseUrl } = await submitTyped(harness);
    harness.slack.expireResponseUrl(responseUrl);
    harness.slack.closeView(view.id);
    await harness.settle();
    expect(harness.stuut.patchCount()).toBe(1);
    expect(harness.slack.responseUrlPosts.map((p) => p.status)).toEqual([404]);
    expect(channelPosts(harness)).toHaveLength(0);
    const notice = harness.slack.messages.find((m) => m.text.includes('was not saved'));
    expect(notice?.kind).toBe('ephemeral');
    expect(notice?.user).toBe('U0ALICE');
    const reopen = decodeReopenButton(buttonValue(notice?.blocks, 'contact_reopen') ?? '');
    expect(reopen).toEqual({ contactId: CONTACT_ID, idEditable: false, patch: TYPED });
  });
});
