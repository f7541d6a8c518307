import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySlackRequest } from '@slack/bolt';
import type { JsonObject } from '../../../src/sandbox/slack';
import { obj, SIGNING_SECRET } from './helpers';

export interface CapturedRequest {
  headers: IncomingMessage['headers'];
  body: string;
  form: URLSearchParams;
  /** The decoded `payload` field of interactivity requests. */
  payload?: JsonObject;
  signatureValid: boolean;
}

export interface FakeReply {
  status?: number;
  body?: string | JsonObject;
  delayMs?: number;
}

/**
 * A stand-in for the Bolt app: verifies signatures with Bolt's own function and answers
 * with whatever the test's `reply` returns.
 */
export class FakeApp {
  readonly requests: CapturedRequest[] = [];
  reply: (request: CapturedRequest) => FakeReply = () => ({});

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeApp> {
    const server = createServer();
    const app = new FakeApp(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const request = app.capture(req, body);
        app.requests.push(request);
        const reply = request.signatureValid ? app.reply(request) : { status: 401 };
        const send = () => {
          const content = reply.body ?? '';
          const text = typeof content === 'string' ? content : JSON.stringify(content);
          const type = typeof content === 'string' ? {} : { 'content-type': 'application/json' };
          res.writeHead(reply.status ?? 200, type);
          res.end(text);
        };
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return app;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/slack/events`;
  }

  last(): CapturedRequest {
    const request = this.requests.at(-1);
    if (!request) throw new Error('the app received no request');
    return request;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private capture(req: IncomingMessage, body: string): CapturedRequest {
    const form = new URLSearchParams(body);
    const rawPayload = form.get('payload');
    let signatureValid = true;
    try {
      verifySlackRequest({
        signingSecret: SIGNING_SECRET,
        body,
        headers: {
          'x-slack-signature': String(req.headers['x-slack-signature']),
          'x-slack-request-timestamp': Number(req.headers['x-slack-request-timestamp']),
        },
      });
    } catch {
      signatureValid = false;
    }
    return {
      headers: req.headers,
      body,
      form,
      ...(rawPayload ? { payload: obj(JSON.parse(rawPayload)) } : {}),
      signatureValid,
    };
  }
}
