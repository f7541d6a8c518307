import type { WebClient } from '@slack/web-api';
import { createLogger } from '../../src/logger';
import {
  CHANNEL_SHARING_TTL_MS,
  createChannelSharing,
  isSharedChannel,
} from '../../src/slack/channels';

type InfoAnswer = { channel?: unknown } | Error;

/** A WebClient whose conversations.info answers from a script; records every call. */
function fakeClient(answer: (channel: string) => InfoAnswer | Promise<InfoAnswer>) {
  const calls: string[] = [];
  const client = {
    conversations: {
      info: async ({ channel }: { channel: string }) => {
        calls.push(channel);
        const result = await answer(channel);
        if (result instanceof Error) throw result;
        return { ok: true, ...result };
      },
    },
  } as unknown as WebClient;
  return { client, calls };
}

function setup(options: { maxEntries?: number } = {}) {
  let clock = 1_000_000;
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const sharing = createChannelSharing({ logger, now: () => clock, ...options });
  return {
    sharing,
    lines,
    advance(ms: number) {
      clock += ms;
    },
  };
}

describe('isSharedChannel', () => {
  test.each([
    [{ is_ext_shared: false }, false],
    [{ is_ext_shared: false, is_shared: true }, false],
    [{ is_ext_shared: true }, true],
    [{ is_ext_shared: false, is_pending_ext_shared: true }, true],
    [{}, true],
    [{ is_ext_shared: 'false' }, true],
    [null, true],
    [undefined, true],
    ['C0OPS', true],
  ])('%j → %s (anything but a clear "not shared" is shared)', (channel, shared) => {
    expect(isSharedChannel(channel)).toBe(shared);
  });
});

describe('createChannelSharing', () => {
  test('asks conversations.info and caches the answer for 5 minutes', async () => {
    const { sharing, advance } = setup();
    const { client, calls } = fakeClient(() => ({ channel: { is_ext_shared: true } }));
    expect(await sharing.isShared(client, 'C0OPS', 1_000)).toBe(true);
    advance(CHANNEL_SHARING_TTL_MS - 1);
    expect(await sharing.isShared(client, 'C0OPS', 1_000)).toBe(true);
    expect(calls).toEqual(['C0OPS']);
    // Past the 5 minutes (the cache's rule: older than its TTL), it asks again.
    advance(2);
    expect(await sharing.isShared(client, 'C0OPS', 1_000)).toBe(true);
    expect(calls).toEqual(['C0OPS', 'C0OPS']);
    expect(CHANNEL_SHARING_TTL_MS).toBe(300_000);
  });

  test('a channel that stops being shared is seen as such once the cache expires', async () => {
    const { sharing, advance } = setup();
    let shared = true;
    const { client } = fakeClient(() => ({ channel: { is_ext_shared: shared } }));
    expect(await sharing.isShared(client, 'C0OPS', 1_000)).toBe(true);
    shared = false;
    advance(CHANNEL_SHARING_TTL_MS + 1);
    expect(await sharing.isShared(client, 'C0OPS', 1_000)).toBe(false);
  });

  test('a failed lookup is shared, is not cached, and is logged (missing_scope as a warning)', async () => {
    const { sharing, lines } = setup();
    const refusal = Object.assign(new Error('An API error occurred: missing_scope'), {
      data: { ok: false, error: 'missing_scope' },
    });
    const { client, calls } = fakeClient(() => refusal);
    expect(await sharing.isShared(client, 'C0OPS', 1_000)).toBe(true);
    expect(await sharing.isShared(client, 'C0OPS', 1_000)).toBe(true);
    expect(calls).toHaveLength(2);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries[0]).toMatchObject({ level: 'warn', slackError: 'missing_scope' });
  });

  test('a lookup slower than the bound is shared, at the bound', async () => {
    const { sharing } = setup();
    const { client } = fakeClient(
      // unref: the answer nobody waits for must not keep the test process alive.
      () => new Promise((resolve) => setTimeout(() => resolve({ channel: {} }), 5_000).unref()),
    );
    const started = Date.now();
    expect(await sharing.isShared(client, 'C0SLOW', 50)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('saves to one channel at the same moment share one lookup', async () => {
    const { sharing } = setup();
    const { client, calls } = fakeClient(
      () =>
        new Promise((resolve) =>
          setTimeout(() => resolve({ channel: { is_ext_shared: false } }), 20),
        ),
    );
    const answers = await Promise.all(
      [1, 2, 3].map(() => sharing.isShared(client, 'C0OPS', 1_000)),
    );
    expect(answers).toEqual([false, false, false]);
    expect(calls).toEqual(['C0OPS']);
  });

  test('remembers at most maxEntries channels, dropping the oldest', async () => {
    const { sharing } = setup({ maxEntries: 2 });
    const { client, calls } = fakeClient(() => ({ channel: { is_ext_shared: false } }));
    for (const channel of ['C1', 'C2', 'C3']) await sharing.isShared(client, channel, 1_000);
    await sharing.isShared(client, 'C3', 1_000);
    await sharing.isShared(client, 'C2', 1_000);
    await sharing.isShared(client, 'C1', 1_000);
    expect(calls).toEqual(['C1', 'C2', 'C3', 'C1']);
  });

  test('the bot’s DM (D…) is never looked up', async () => {
    const { sharing } = setup();
    const { client, calls } = fakeClient(() => ({ channel: { is_ext_shared: true } }));
    expect(await sharing.isShared(client, 'D0ALICE', 1_000)).toBe(false);
    expect(calls).toEqual([]);
  });
});
