import { webApi } from '@slack/bolt';
import type { SlackEmulator } from '../../../src/sandbox/slack';
import { api, BOT_TOKEN, fakeClock, startEmulator } from './helpers';

let emulator: SlackEmulator;
let clock: ReturnType<typeof fakeClock>;

beforeEach(async () => {
  clock = fakeClock();
  emulator = await startEmulator({ now: () => clock.now() });
});
afterEach(() => emulator.close());

async function respond(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe('response_url', () => {
  it('takes five posts, then answers 404 expired_url', async () => {
    const url = emulator.createResponseUrl('C0OPS', 'U0ALICE');
    expect(url.startsWith(`${emulator.baseUrl}/response/`)).toBe(true);
    for (let i = 1; i <= 5; i += 1) {
      expect(await respond(url, { text: `post ${i}` })).toEqual({ status: 200, text: 'ok' });
    }
    expect(await respond(url, { text: 'post 6' })).toEqual({ status: 404, text: 'expired_url' });
    expect(emulator.responseUrlPosts.map((p) => p.status)).toEqual([200, 200, 200, 200, 200, 404]);
    expect(emulator.messages).toHaveLength(5);
    expect(emulator.messages[0]).toMatchObject({
      kind: 'response_url',
      channel: 'C0OPS',
      user: 'U0ALICE',
      responseType: 'ephemeral',
      text: 'post 1',
    });
  });

  it('expires after 30 minutes or when told to', async () => {
    const url = emulator.createResponseUrl('C0OPS', 'U0ALICE');
    const other = emulator.createResponseUrl('C0OPS', 'U0ALICE');
    clock.advance(30 * 60 * 1000);
    expect((await respond(url, { text: 'just in time' })).status).toBe(200);
    clock.advance(1);
    expect(await respond(url, { text: 'late' })).toEqual({ status: 404, text: 'expired_url' });
    const fresh = emulator.createResponseUrl('C0OPS', 'U0ALICE');
    emulator.expireResponseUrl(fresh);
    expect((await respond(fresh, { text: 'x' })).status).toBe(404);
    expect((await respond(other, { text: 'x' })).status).toBe(404);
  });

  it('posts in the channel, replaces or deletes the message it came from', async () => {
    const posted = await api(emulator, 'chat.postMessage', { channel: 'C0UPD', text: 'original' });
    const url = emulator.createResponseUrl('C0UPD', 'U0ALICE', {
      messageTs: String(posted.body.ts),
    });
    await respond(url, { text: 'everyone sees this', response_type: 'in_channel' });
    await respond(url, { text: 'edited', replace_original: true });
    expect(emulator.messages.map((m) => [m.kind, m.text, m.responseType])).toEqual([
      ['channel', 'edited', undefined],
      ['response_url', 'everyone sees this', 'in_channel'],
    ]);
    await respond(url, { delete_original: true });
    expect(emulator.messages[0]?.deleted).toBe(true);
    expect((await respond(url, { blocks: [{ type: 'nope' }] })).text).toBe('invalid_blocks');
    expect((await respond(url, {})).text).toBe('no_text');
  });
});

describe('failNext', () => {
  it('answers an injected error once, then behaves', async () => {
    emulator.failNext('chat.postMessage', { error: 'fatal_error' });
    const first = await api(emulator, 'chat.postMessage', { channel: 'C0UPD', text: 'a' });
    expect(first).toMatchObject({ status: 200, body: { ok: false, error: 'fatal_error' } });
    const second = await api(emulator, 'chat.postMessage', { channel: 'C0UPD', text: 'b' });
    expect(second.body.ok).toBe(true);
    expect(emulator.messages.map((m) => m.text)).toEqual(['b']);
    expect(emulator.callsTo('chat.postMessage').map((c) => c.error ?? 'ok')).toEqual([
      'fatal_error',
      'ok',
    ]);
  });

  it('rate-limits with HTTP 429 and Retry-After for the given number of calls', async () => {
    emulator.failNext('views.update', { status: 429, retryAfterSeconds: 7, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const limited = await api(emulator, 'views.update', { view_id: 'V1' });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    }
    expect((await api(emulator, 'views.update', { view_id: 'V1' })).body.error).toBe('not_found');
    expect(emulator.callsTo('views.update').map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('is seen by the WebClient as a rate limit it can refuse to wait out', async () => {
    emulator.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 30 });
    const client = new webApi.WebClient(BOT_TOKEN, {
      slackApiUrl: emulator.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    await expect(client.chat.postMessage({ channel: 'C0UPD', text: 'x' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 30,
    });
  });

  it('delays an answer', async () => {
    emulator.failNext('auth.test', { delayMs: 150 });
    const started = performance.now();
    const { body } = await api(emulator, 'auth.test');
    expect(body.ok).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('fails response_url posts too', async () => {
    const url = emulator.createResponseUrl('C0OPS', 'U0ALICE');
    emulator.failNext('response_url', { status: 500 });
    expect((await respond(url, { text: 'x' })).status).toBe(500);
    expect((await respond(url, { text: 'x' })).status).toBe(200);
  });
});
