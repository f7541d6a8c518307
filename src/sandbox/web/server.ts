import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { ClientValidationError, type SlackClientDriver, type SlackEmulator } from '../slack';
import type { StuutEmulator, StuutFault } from '../stuut';
import { INDEX_HTML, PAGE_CSS } from './assets';

/** The person and channel the page plays. */
export const SANDBOX_USER = { id: 'U0ALICE', name: 'alice', realName: 'Alice Example' } as const;
export const SANDBOX_CHANNEL = { id: 'C0OPS', name: 'ops' } as const;

/** What the side panel's switches queue for the next Stuut request. */
export const FAULTS: Readonly<Record<string, { label: string; fault: StuutFault }>> = {
  slow: { label: 'slow (5 s)', fault: { kind: 'delay', ms: 5_000 } },
  '429': {
    label: '429 Too Many Requests',
    fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } },
  },
  '500': { label: '500 Internal Server Error', fault: { kind: 'status', status: 500 } },
  '503': { label: '503 Service Unavailable', fault: { kind: 'status', status: 503 } },
  '422': {
    label: '422 on phone',
    fault: {
      kind: 'status',
      status: 422,
      body: {
        detail: [
          {
            loc: ['body', 'phone'],
            msg: 'Stuut could not verify this number',
            type: 'value_error',
          },
        ],
      },
    },
  },
  reset: { label: 'connection reset', fault: { kind: 'reset' } },
};

const PAGE_SCRIPT_DIR = join(__dirname, '..', '..', '..', 'dist', 'sandbox', 'web', 'page');
const MAX_BODY = 1_000_000;

const CommandBody = z.object({ text: z.string().max(4_000) });
const SubmitBody = z.object({
  viewId: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.null(), z.array(z.string())])),
});
const CloseBody = z.object({ viewId: z.string() });
const ClickBody = z.object({
  actionId: z.string(),
  blockId: z.string().optional(),
  value: z.string().optional(),
  messageTs: z.string().optional(),
  viewId: z.string().optional(),
});
const FaultBody = z.object({
  kind: z.enum(['clear', ...Object.keys(FAULTS)] as [string, ...string[]]),
});

export interface PageServerOptions {
  slack: SlackEmulator;
  stuut: StuutEmulator;
  driver: SlackClientDriver;
  host: string;
  port: number;
}

/**
 * The local page that plays the Slack client: it serves the HTML, and a small JSON API that
 * turns clicks and typing into the signed requests real Slack would send.
 */
export async function startPageServer(
  options: PageServerOptions,
): Promise<{ server: Server; url: string }> {
  const { slack, stuut, driver } = options;
  let version = 0;
  let fingerprint = '';

  function state() {
    const modal = slack.topView(SANDBOX_USER.id) ?? null;
    const messages = slack.messages.filter((m) => !m.deleted);
    const print = JSON.stringify([
      messages.length,
      Math.max(0, ...messages.map((m) => m.editedAt ?? 0)),
      slack.warnings.length,
      modal?.id,
      modal?.hash,
      modal?.errors,
      stuut.requests.length,
      stuut.pendingFaults().length,
    ]);
    if (print !== fingerprint) {
      fingerprint = print;
      version++;
    }
    const users: Record<string, string> = {
      [SANDBOX_USER.id]: SANDBOX_USER.realName,
      [slack.botUserId]: 'Stuut contacts',
    };
    return {
      version,
      user: { id: SANDBOX_USER.id, name: SANDBOX_USER.realName },
      channel: SANDBOX_CHANNEL,
      messages,
      modal,
      warnings: slack.warnings,
      contacts: stuut.contacts(),
      pendingFaults: stuut.pendingFaults().map(describeFault),
      users,
    };
  }

  async function api(path: string, body: unknown): Promise<unknown> {
    switch (path) {
      case '/api/command': {
        const { text } = CommandBody.parse(body);
        const ack = await driver.slashCommand({
          text,
          userId: SANDBOX_USER.id,
          userName: SANDBOX_USER.name,
          channelId: SANDBOX_CHANNEL.id,
          channelName: SANDBOX_CHANNEL.name,
        });
        return { ok: ack.status === 200, ackMs: Math.round(ack.ms) };
      }
      case '/api/modal/submit': {
        const { viewId, values } = SubmitBody.parse(body);
        for (const [blockId, value] of Object.entries(values)) {
          try {
            slack.typeInto(viewId, blockId, value);
          } catch {
            // A block the view no longer has: Slack would not send it either.
          }
        }
        try {
          const warningsBefore = slack.warnings.length;
          const ack = await driver.submitView(viewId, { userId: SANDBOX_USER.id });
          // Slack ignores an answer it cannot use; the person sees a connection error then.
          const refused = slack.warnings
            .slice(warningsBefore)
            .find((w) => w.startsWith('view_submission'));
          if (refused) return { ok: false, error: refused, ackMs: Math.round(ack.ms) };
          return { ok: ack.status === 200, ackMs: Math.round(ack.ms) };
        } catch (error) {
          if (error instanceof ClientValidationError)
            return { ok: false, error: 'client_validation', errors: error.errors };
          throw error;
        }
      }
      case '/api/modal/close': {
        const { viewId } = CloseBody.parse(body);
        await driver.closeView(viewId, { userId: SANDBOX_USER.id });
        return { ok: true };
      }
      case '/api/click': {
        const click = ClickBody.parse(body);
        const ack = await driver.clickButton({
          actionId: click.actionId,
          userId: SANDBOX_USER.id,
          ...(click.messageTs ? { messageTs: click.messageTs } : {}),
          ...(click.viewId ? { viewId: click.viewId } : {}),
          ...(click.value !== undefined ? { value: click.value } : {}),
        });
        return { ok: ack.status === 200, ackMs: Math.round(ack.ms) };
      }
      case '/api/faults': {
        const { kind } = FaultBody.parse(body);
        const entry = FAULTS[kind];
        if (kind === 'clear') stuut.clearFaults();
        else if (entry) stuut.failNext(entry.fault);
        return { ok: true };
      }
      default:
        return undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    if (req.method === 'GET') {
      if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', INDEX_HTML);
      if (url.pathname === '/page.css') return send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
      if (url.pathname === '/api/state') return sendJson(res, 200, state());
      const script = /^\/page\/([a-z-]+\.js)$/.exec(url.pathname)?.[1];
      if (script) {
        try {
          const code = await readFile(join(PAGE_SCRIPT_DIR, script), 'utf8');
          return send(res, 200, 'text/javascript; charset=utf-8', code);
        } catch {
          return send(res, 404, 'text/plain', 'Not built: run npm run build');
        }
      }
      return send(res, 404, 'text/plain', 'Not found');
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      // Only this page may drive the API: not another site in the same browser (CSRF),
      // nor a name that resolves here by DNS rebinding.
      if (!sameOrigin(req, port)) return sendJson(res, 403, { ok: false, error: 'forbidden' });
      try {
        const result = await api(url.pathname, JSON.parse(await readBody(req)) as unknown);
        if (result === undefined) return sendJson(res, 404, { ok: false, error: 'not_found' });
        return sendJson(res, 200, result);
      } catch (error) {
        const message =
          error instanceof z.ZodError
            ? 'invalid_request'
            : error instanceof Error
              ? error.message
              : 'error';
        return sendJson(res, 400, { ok: false, error: message });
      }
    }
    return send(res, 405, 'text/plain', 'Method not allowed');
  }

  let port = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'error');
    });
  });
  port = await listen(server, options.host, options.port);
  return { server, url: `http://${options.host}:${port}/` };
}

/** Listens on the asked port; when it is taken, on a free one. */
async function listen(server: Server, host: string, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    return listen(server, host, 0);
  }
  return (server.address() as AddressInfo).port;
}

function sameOrigin(req: IncomingMessage, port: number): boolean {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!hosts.includes(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((host) => origin === `http://${host}`)) return false;
  return (req.headers['content-type'] ?? '').startsWith('application/json');
}

function describeFault(fault: StuutFault): string {
  const entry = Object.values(FAULTS).find((candidate) => candidate.fault === fault);
  return entry?.label ?? fault.kind;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // The page renders untrusted text; this stops any script that is not its own.
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8') || '{}';
}
