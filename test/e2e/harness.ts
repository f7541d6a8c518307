import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { InflightTracker } from '../../src/inflight';
import { createLogger } from '../../src/logger';
import { SlackClientDriver, SlackEmulator } from '../../src/sandbox/slack';
import { StuutEmulator, seedContacts } from '../../src/sandbox/stuut';
import { createApp, type SaveTiming } from '../../src/slack/app';
import { createStuutClient } from '../../src/stuut/client';

export const SECRETS = {
  botToken: 'xoxb-e2e-bot-token-0001',
  signingSecret: 'e2e-signing-secret-5f1c',
  stuutToken: 'stuut-e2e-token-9a7b',
} as const;

export interface HarnessOptions {
  contactUpdatesChannel?: string;
  timing?: Partial<SaveTiming>;
  logLevel?: string;
}

/** Captures every JSON log line the app writes. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/**
 * The real app in HTTP mode, with real signature checking, on an ephemeral port, talking
 * over loopback to an emulated Slack Web API and an emulated Stuut API.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const slack = await SlackEmulator.start({ botToken: SECRETS.botToken });
  const stuut = await StuutEmulator.start({ token: SECRETS.stuutToken, seed: seedContacts() });
  const config = loadConfig({
    SLACK_BOT_TOKEN: SECRETS.botToken,
    SLACK_SIGNING_SECRET: SECRETS.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    STUUT_API_URL: stuut.baseUrl,
    STUUT_API_TOKEN: SECRETS.stuutToken,
    CONTACT_UPDATES_CHANNEL: options.contactUpdatesChannel,
    PORT: '0',
    LOG_LEVEL: options.logLevel ?? 'info',
  });
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs);
  const stuutClient = createStuutClient({
    baseUrl: config.stuutApiUrl,
    token: config.stuutApiToken,
    logger,
  });
  const inflight = new InflightTracker();
  let draining = false;
  const { app } = createApp(config, {
    stuut: stuutClient,
    logger,
    inflight,
    isDraining: () => draining,
    ...(options.timing ? { timing: options.timing } : {}),
  });
  await app.init();
  const server = (await app.start(0)) as Server;
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const driver = new SlackClientDriver({
    emulator: slack,
    appUrl: `${baseUrl}/slack/events`,
    signingSecret: SECRETS.signingSecret,
  });

  return {
    slack,
    stuut,
    driver,
    logs,
    inflight,
    baseUrl,
    setDraining: (value: boolean) => {
      draining = value;
    },
    /** Waits until every save the app started has finished, confirmation included. */
    settle: () => inflight.drain(30_000),
    async close() {
      await inflight.drain(30_000);
      await app.stop();
      await stuutClient.close();
      await Promise.all([slack.close(), stuut.close()]);
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
