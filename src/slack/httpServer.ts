import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiverDeferredRequestError } from '@slack/bolt';
import { withDeadline } from '../inflight';
import type { Logger } from '../logger';

/** Where Slack sends commands and interactions (the Request URL). */
export const SLACK_EVENTS_PATH = '/slack/events';
export const HEALTHZ_PATH = '/healthz';
/** Slack's rule: a request whose timestamp is more than five minutes from our clock, either way, is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** How long requests already being answered get once the server stops accepting connections. */
export const CLOSE_GRACE_MS = 2_000;

export type RefusalReason =
  | 'timestamp_missing'
  | 'timestamp_invalid'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'signature_missing';

/**
 * Why a request to the events endpoint is refused before Bolt reads it, or null to pass it on.
 * Bolt then checks the signature itself (HMAC, constant-time compare) and stale timestamps;
 * it does not refuse timestamps from the future, which a replayed or forged request could use.
 */
export function refuseSlackRequest(
  headers: IncomingHttpHeaders,
  nowMs: number,
): RefusalReason | null {
  const timestamp = headers['x-slack-request-timestamp'];
  if (timestamp === undefined || timestamp === '') return 'timestamp_missing';
  // Repeated headers arrive joined with ", " (or as an array) and fail here too.
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return 'timestamp_invalid';
  const skew = Number(timestamp) - Math.floor(nowMs / 1000);
  if (skew < -MAX_CLOCK_SKEW_SECONDS) return 'timestamp_too_old';
  if (skew > MAX_CLOCK_SKEW_SECONDS) return 'timestamp_in_future';
  const signature = headers['x-slack-signature'];
  if (typeof signature !== 'string' || signature.trim() === '') return 'signature_missing';
  return null;
}

/** The body of /healthz: the bot's state, and its helpers' (a failing helper is not a failing bot). */
export interface HealthReport {
  status: 'ok' | 'draining';
  [helper: string]: string;
}

export interface SlackHttpServerOptions {
  /**
   * Bolt's `HTTPReceiver.requestListener`: routes, verifies the signature, dispatches. Null in
   * Socket Mode, where this server only answers /healthz.
   */
  requestListener: RequestListener | null;
  /** True once shutdown began: /healthz and the events endpoint answer 503. */
  isDraining: () => boolean;
  /** What /healthz reports; its status decides 200 or 503. */
  health: () => Promise<HealthReport>;
  logger: Logger;
  /** Milliseconds since the epoch; injectable so tests can move the clock. */
  now?: () => number;
}

/**
 * The bot's own HTTP server in front of Bolt's receiver. It answers /healthz, refuses requests
 * to the events endpoint while draining (503) or when their timestamp or signature header is
 * missing or their timestamp is off by more than five minutes either way (401), and hands
 * everything else to Bolt unchanged.
 */
export function createSlackHttpServer(options: SlackHttpServerOptions): Server {
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: 'http' });
  return createServer((req, res) => {
    const path = pathOf(req);
    if (path === null) {
      answer(res, 400, 'bad request');
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();

    if (path === HEALTHZ_PATH && (method === 'GET' || method === 'HEAD')) {
      void options.health().then(
        (report) => answerJson(res, report.status === 'ok' ? 200 : 503, report),
        (error: unknown) => {
          logger.error({ err: error }, 'health check failed');
          answerJson(res, 500, { status: 'error' });
        },
      );
      return;
    }

    const { requestListener } = options;
    if (!requestListener) {
      answer(res, 404, 'not found');
      return;
    }

    // The same routing rule as Bolt's receiver: this is what Bolt would treat as an event.
    if (path === SLACK_EVENTS_PATH && method === 'POST') {
      if (options.isDraining()) {
        answer(res, 503, 'shutting down', true);
        return;
      }
      const reason = refuseSlackRequest(req.headers, now());
      if (reason) {
        logger.warn({ reason }, 'refused a request to the events endpoint');
        answer(res, 401, 'unauthorized');
        return;
      }
    }

    try {
      requestListener(req, res);
    } catch (error) {
      // What Bolt's own server does: a route it does not know is a 404, anything else a 500.
      if (error instanceof HTTPReceiverDeferredRequestError) {
        answer(res, 404, 'not found');
        return;
      }
      logger.error({ err: error }, 'request failed');
      if (!res.headersSent) answer(res, 500, 'internal error');
    }
  });
}

export interface SlackHttpServer {
  server: Server;
  port: number;
  /** Stops accepting connections; requests being answered get `graceMs`, then are cut. */
  close(graceMs?: number): Promise<void>;
}

/** Creates the server and listens; rejects with the listen error (e.g. EADDRINUSE). */
export async function startSlackHttpServer(
  options: SlackHttpServerOptions & { port: number; host?: string },
): Promise<SlackHttpServer> {
  const server = createSlackHttpServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, ...(options.host ? { host: options.host } : {}) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: (graceMs = CLOSE_GRACE_MS) => closeServer(server, graceMs),
  };
}

async function closeServer(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections that finish their request during the grace are dropped as they idle.
  const sweep = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  try {
    if (
      (await withDeadline(
        closed.then(() => true),
        graceMs,
      )) === undefined
    ) {
      server.closeAllConnections();
      await closed;
    }
  } finally {
    clearInterval(sweep);
  }
}

function pathOf(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return null;
  }
}

function answer(res: ServerResponse, status: number, text: string, close = false): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function answerJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(status === 200 ? {} : { connection: 'close' }),
  });
  res.end(JSON.stringify(body));
}
