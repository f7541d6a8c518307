import { request } from 'node:http';
import { createLogger } from '../../src/logger';
import { type Sandbox, startSandbox } from '../../src/sandbox/start';

describe('the sandbox page server', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ PORT: '0' }, createLogger('silent'));
  });
  afterAll(async () => {
    await sandbox.shutdown();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL(path, sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  test('serves on loopback only', () => {
    expect(new URL(sandbox.url).hostname).toBe('127.0.0.1');
    expect(sandbox.slack.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(sandbox.stuut.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  test('drives the bot for its own page', async () => {
    const response = await post('/api/command', { text: 'help' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });
  });

  test('refuses requests from another site (Origin), and nothing reaches the bot', async () => {
    const calls = sandbox.slack.calls.length;
    const response = await post(
      '/api/command',
      { text: 'update ic_7Qm2xK9a' },
      { origin: 'http://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(sandbox.slack.calls.length).toBe(calls);
  });

  test('refuses a name that resolves here by DNS rebinding (Host)', async () => {
    const calls = sandbox.slack.calls.length;
    // fetch cannot set Host, so this goes through node:http.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const url = new URL('/api/command', sandbox.url);
      const req = request(
        url,
        { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ text: 'help' }));
    });
    expect(status).toBe(403);
    expect(sandbox.slack.calls.length).toBe(calls);
  });

  test('refuses a form-encoded or text body (what a cross-site form can send)', async () => {
    const response = await fetch(new URL('/api/command', sandbox.url), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ text: 'help' }),
    });
    expect(response.status).toBe(403);
  });

  test('queued faults can be cleared', async () => {
    await post('/api/faults', { kind: '503' });
    await post('/api/faults', { kind: 'slow' });
    expect(sandbox.stuut.pendingFaults()).toHaveLength(2);
    await post('/api/faults', { kind: 'clear' });
    expect(sandbox.stuut.pendingFaults()).toHaveLength(0);
  });

  test('bad requests are answered 400, not a crash', async () => {
    const response = await post('/api/modal/submit', { viewId: 42 });
    expect(response.status).toBe(400);
    expect((await fetch(new URL('/api/state', sandbox.url))).status).toBe(200);
  });
});
