import { randomInt, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { ACK_DEADLINE_MS } from './acks';
import { isRecord } from './blocks';
import type { JsonObject } from './types';

/** The envelope types Slack sends over Socket Mode. */
export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

/** What the app sends back for an envelope, as it arrived. */
export interface SocketModeAck {
  envelope_id: string;
  payload?: unknown;
}

export interface ReceivedAck {
  envelopeId: string;
  payload?: unknown;
  at: number;
  /** False when nothing waited for it: an unknown envelope, a second ack, or one after the deadline. */
  awaited: boolean;
}

export interface SentEnvelope {
  envelopeId: string;
  type: EnvelopeType;
  payload: unknown;
  acceptsResponsePayload: boolean;
  /** Which connection carried it (see `connectionsOpened`: the first one is 1). */
  connection: number;
  at: number;
}

export type EnvelopeOutcome =
  | { timedOut: false; envelopeId: string; ack: SocketModeAck; ms: number }
  | { timedOut: true; envelopeId: string; ms: number };

export interface SendEnvelopeOptions {
  /** Whether Slack uses the ack's payload (commands, view submissions, suggestions). */
  acceptsResponsePayload: boolean;
  /** How long Slack waits for the ack before giving up; defaults to the server's deadline. */
  deadlineMs?: number;
}

export interface SocketModeServerOptions {
  appId: string;
  now: () => number;
  warn: (message: string) => void;
  /** How long Slack waits for an envelope's acknowledgement (3 s, as over HTTP). */
  ackDeadlineMs?: number;
  /** How long a connection told to disconnect stays open before Slack closes it itself. */
  disconnectGraceMs?: number;
}

interface Connection {
  id: number;
  ws: WebSocket;
  /** Told to disconnect, or dropped: no longer counted nor given envelopes. */
  retiring: boolean;
  closeTimer?: NodeJS.Timeout;
}

interface Pending {
  resolve: (outcome: EnvelopeOutcome) => void;
  timer: NodeJS.Timeout;
  started: number;
}

/** Slack's debug_info names the pod serving the link; the app only logs it. */
const DEBUG_HOST = 'applink-emulator';
/** Slack closes a link it told to disconnect soon after; a healthy SDK has left long before. */
const DISCONNECT_GRACE_MS = 1000;
/** A close frame to a live peer is answered at once on loopback; this only bounds a stuck one. */
const CLOSE_WAIT_MS = 500;

/**
 * Slack's Socket Mode side on loopback: hands out single-use WebSocket URLs (for
 * apps.connections.open), greets each connection with `hello`, sends envelopes to one open
 * connection at random and reads the app's acknowledgements back by envelope_id.
 * It rides on the emulator's HTTP server through `handleUpgrade`.
 */
export class SocketModeServer {
  readonly acks: ReceivedAck[] = [];
  readonly envelopes: SentEnvelope[] = [];

  private readonly options: Required<SocketModeServerOptions>;
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false });
  private readonly connections = new Set<Connection>();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  /** Fires whenever the count of open connections may have changed. */
  private readonly changes = new EventEmitter();
  private opened = 0;
  private closed = false;

  constructor(options: SocketModeServerOptions) {
    this.options = {
      ackDeadlineMs: ACK_DEADLINE_MS,
      disconnectGraceMs: DISCONNECT_GRACE_MS,
      ...options,
    };
  }

  /** Connections that got `hello` and were not since told to go: the ones envelopes go to. */
  get connectionCount(): number {
    return this.live().length;
  }

  /** How many connections were ever opened; a reconnect makes it grow. */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** A fresh URL for apps.connections.open; its ticket works for one connection. */
  issueUrl(wsOrigin: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${wsOrigin}/link/?ticket=${ticket}&app_id=${this.options.appId}`;
  }

  /** Takes over an HTTP upgrade request from the emulator's server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.refusal(new URL(req.url ?? '/', 'http://emulator'));
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  /**
   * Sends one envelope to an open connection picked at random, as Slack does, and waits for
   * its acknowledgement up to the deadline.
   */
  sendEnvelope(
    type: EnvelopeType,
    payload: unknown,
    options: SendEnvelopeOptions,
  ): Promise<EnvelopeOutcome> {
    const live = this.live();
    const connection = live[randomInt(Math.max(live.length, 1))];
    if (this.closed || !connection) {
      // Slack cannot deliver it: the person sees dispatch_failed, much as an HTTP app that
      // is down makes the driver's POST fail.
      return Promise.reject(new Error(`no Socket Mode connection is open to send ${type}`));
    }
    const envelopeId = randomUUID();
    const deadlineMs = options.deadlineMs ?? this.options.ackDeadlineMs;
    const started = performance.now();
    const outcome = new Promise<EnvelopeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve({ timedOut: true, envelopeId, ms: performance.now() - started });
      }, deadlineMs);
      this.pending.set(envelopeId, { resolve, timer, started });
    });
    this.envelopes.push({
      envelopeId,
      type,
      payload,
      acceptsResponsePayload: options.acceptsResponsePayload,
      connection: connection.id,
      at: this.options.now(),
    });
    // A failed send is not reported: the envelope is lost and the deadline passes, as with Slack.
    connection.ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: options.acceptsResponsePayload,
        retry_attempt: 0,
        retry_reason: '',
      }),
      () => {},
    );
    return outcome;
  }

  /**
   * Slack asks the app to reconnect (e.g. `refresh_requested` when it recycles a server, or
   * `link_disabled`): it stops using these connections at once and closes any the app has not
   * closed itself after a short grace.
   */
  disconnect(reason = 'refresh_requested'): void {
    for (const connection of this.live()) {
      connection.retiring = true;
      this.sendJson(connection, { type: 'disconnect', reason, debug_info: { host: DEBUG_HOST } });
      connection.closeTimer = setTimeout(
        () => connection.ws.close(1000, reason),
        this.options.disconnectGraceMs,
      );
    }
    this.changes.emit('change');
  }

  /** The network drops every connection: the TCP sockets end without a close frame. */
  dropConnections(): void {
    for (const connection of this.connections) {
      connection.retiring = true;
      connection.ws.terminate();
    }
    this.changes.emit('change');
  }

  /** Resolves once exactly `n` connections are open (0 too: to see drops land). */
  async waitForConnections(n: number, timeoutMs = 5000): Promise<void> {
    if (this.connectionCount === n) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.connectionCount !== n) return;
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        reject(
          new Error(
            `expected ${n} open Socket Mode connections, still ${this.connectionCount} after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const stop = () => {
        clearTimeout(timer);
        this.changes.off('change', check);
      };
      this.changes.on('change', check);
    });
  }

  /** Closes every connection (1001, going away), ending any that do not answer. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [envelopeId, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve({ timedOut: true, envelopeId, ms: performance.now() - pending.started });
    }
    this.pending.clear();
    await Promise.all(
      [...this.connections].map(async ({ ws, closeTimer }) => {
        clearTimeout(closeTimer);
        if (ws.readyState === ws.CLOSED) return;
        const gone = new Promise((resolve) => ws.once('close', resolve));
        const stuck = setTimeout(() => ws.terminate(), CLOSE_WAIT_MS);
        ws.close(1001, 'server closing');
        await gone;
        clearTimeout(stuck);
      }),
    );
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Why an upgrade is refused, as an HTTP status line; a good ticket is spent here, once. */
  private refusal(url: URL): string | undefined {
    if (this.closed) return '503 Service Unavailable';
    if (!/^\/link\/?$/.test(url.pathname)) return '404 Not Found';
    if (!this.tickets.delete(url.searchParams.get('ticket') ?? '')) return '401 Unauthorized';
    return undefined;
  }

  private live(): Connection[] {
    return [...this.connections].filter((c) => !c.retiring && c.ws.readyState === c.ws.OPEN);
  }

  private accept(ws: WebSocket): void {
    this.opened += 1;
    const connection: Connection = { id: this.opened, ws, retiring: false };
    this.connections.add(connection);
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    // Without a listener a reset connection would throw; the close that follows says enough.
    ws.on('error', () => {});
    ws.on('close', () => {
      clearTimeout(connection.closeTimer);
      this.connections.delete(connection);
      this.changes.emit('change');
    });
    this.sendJson(connection, {
      type: 'hello',
      num_connections: this.connectionCount,
      debug_info: {
        host: DEBUG_HOST,
        build_number: 1,
        approximate_connection_time: 18060,
      },
      connection_info: { app_id: this.options.appId },
    });
    this.changes.emit('change');
  }

  private sendJson(connection: Connection, message: JsonObject): void {
    // A connection closing meanwhile loses the message, as it would with Slack.
    connection.ws.send(JSON.stringify(message), () => {});
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.options.warn('socket mode: binary message from the app ignored');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.options.warn(`socket mode: message from the app is not JSON: ${text.slice(0, 200)}`);
      return;
    }
    if (!isRecord(message) || typeof message.envelope_id !== 'string') {
      this.options.warn(`socket mode: message without an envelope_id: ${text.slice(0, 200)}`);
      return;
    }
    const envelopeId = message.envelope_id;
    const ack: SocketModeAck =
      'payload' in message
        ? { envelope_id: envelopeId, payload: message.payload }
        : { envelope_id: envelopeId };
    const pending = this.pending.get(envelopeId);
    this.acks.push({
      envelopeId,
      ...('payload' in ack ? { payload: ack.payload } : {}),
      at: this.options.now(),
      awaited: pending !== undefined,
    });
    if (!pending) return;
    this.pending.delete(envelopeId);
    clearTimeout(pending.timer);
    pending.resolve({ timedOut: false, envelopeId, ack, ms: performance.now() - pending.started });
  }
}
