import type { RequestListener } from 'node:http';
import { createLogger } from '../../src/logger';
import { DEFAULT_USER_ID, signSlackRequest, toSlackView } from '../../src/sandbox/slack';
import {
  interactivityBody,
  slashCommandBody,
  viewSubmissionPayload,
  type WorkspaceIds,
} from '../../src/sandbox/slack/payloads';
import {
  MAX_CLOCK_SKEW_SECONDS,
  refuseSlackRequest,
  startSlackHttpServer,
} from '../../src/slack/httpServer';
import { type Harness, SECRETS, startHarness, waitFor } from './harness';

const CONTACT = 'ic_5Hb1cY8f';
const OTHER_CONTACT = 'ic_7Qm2xK9a';
const TYPED_PHONE = '(415) 555-0100';

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What a sender puts on the wire: a body and the two Slack headers (or fewer). */
interface Request {
  body: string;
  headers: Record<string, string>;
}

function signed(
  body: string,
  {
    timestamp = nowSeconds(),
    secret = SECRETS.signingSecret,
  }: { timestamp?: number; secret?: string } = {},
): Request {
  return {
    body,
    headers: {
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(secret, timestamp, body),
    },
  };
}

function without(request: Request, header: string): Request {
  const headers = { ...request.headers };
  delete headers[header];
  return { ...request, headers };
}

async function post(h: Harness, request: Request): Promise<{ status: number; text: string }> {
  const response = await fetch(`${h.baseUrl}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...request.headers },
    body: request.body,
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, text: await response.text() };
}

function workspace(h: Harness): WorkspaceIds {
  return {
    teamId: h.slack.teamId,
    teamDomain: h.slack.teamDomain,
    appId: h.slack.appId,
    botId: h.slack.botId,
    botUserId: h.slack.botUserId,
    token: 'legacy-verification-token',
  };
}

/** `/contact update <id>` as Slack would send it, with a live trigger. */
function commandBody(h: Harness, contactId = CONTACT): string {
  return slashCommandBody({
    ids: workspace(h),
    channelId: 'C0OPS',
    channelName: h.slack.channelName('C0OPS'),
    user: { id: DEFAULT_USER_ID, name: h.slack.user(DEFAULT_USER_ID).name },
    command: '/contact',
    text: `update ${contactId}`,
    responseUrl: h.slack.createResponseUrl('C0OPS', DEFAULT_USER_ID),
    triggerId: h.slack.issueTriggerId(DEFAULT_USER_ID),
  });
}

/** Saving the open form as Slack would send it: accepted, it would PATCH the typed phone. */
function submissionBody(h: Harness, viewId: string): string {
  const view = h.slack.getView(viewId);
  if (!view) throw new Error(`no view ${viewId}`);
  return interactivityBody(
    viewSubmissionPayload({
      ids: workspace(h),
      user: { id: view.userId, name: h.slack.user(view.userId).name },
      triggerId: h.slack.issueTriggerId(view.userId),
      view: toSlackView(view),
    }),
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each way of getting it wrong; `tamper` is what an attacker would change in the body. */
const FORGERIES: Array<[string, (body: string, tamper: (body: string) => string) => Request]> = [
  ['a signature made with another secret', (body) => signed(body, { secret: 'not-the-secret' })],
  ['no X-Slack-Signature header', (body) => without(signed(body), 'x-slack-signature')],
  [
    'an empty X-Slack-Signature header',
    (body) => ({
      body,
      headers: { ...signed(body).headers, 'x-slack-signature': '' },
    }),
  ],
  [
    'no X-Slack-Request-Timestamp header',
    (body) => without(signed(body), 'x-slack-request-timestamp'),
  ],
  // Bolt reads the header with Number() and would accept this, signature and all.
  [
    'a timestamp that is not an integer, signed for it',
    (body) => signed(body, { timestamp: nowSeconds() + 0.5 }),
  ],
  [
    'a timestamp 6 minutes old, signed for it',
    (body) => signed(body, { timestamp: nowSeconds() - 6 * 60 }),
  ],
  // Bolt checks only for stale timestamps: this one it would accept.
  [
    'a timestamp 6 minutes in the future, signed for it',
    (body) => signed(body, { timestamp: nowSeconds() + 6 * 60 }),
  ],
  [
    'a body altered after signing',
    (body, tamper) => ({
      body: tamper(body),
      headers: signed(body).headers,
    }),
  ],
];

describe.each(FORGERIES)('a request with %s', (_name, forge) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('gets 401 and causes no Web API call and no PATCH', async () => {
    const command = await post(
      h,
      forge(commandBody(h), (body) => body.replace(CONTACT, OTHER_CONTACT)),
    );
    expect(command.status).toBe(401);
    await pause(300);
    // Only the start's own auth.test calls (Bolt's, and the scope check's).
    expect(new Set(h.slack.calls.map((call) => call.method))).toEqual(new Set(['auth.test']));
    expect(h.stuut.requests).toEqual([]);

    // A form that is really open, filled in: the forged save must not reach Stuut.
    await h.driver.slashCommand({ text: `update ${CONTACT}` });
    const view = await waitFor(() => h.slack.openViews()[0], 'the form');
    h.slack.typeInto(view.id, 'phone', TYPED_PHONE);
    await pause(100);
    const callsBefore = h.slack.calls.length;
    const requestsBefore = h.stuut.requests.length;
    const save = await post(
      h,
      forge(submissionBody(h, view.id), (body) => body.replace('555-0100', '555-0199')),
    );
    expect(save.status).toBe(401);
    await pause(300);
    await h.settle();
    expect(h.slack.calls.slice(callsBefore)).toEqual([]);
    expect(h.stuut.requests.slice(requestsBefore)).toEqual([]);
    expect(h.stuut.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(h.slack.getView(view.id)?.closed).toBeFalsy();
  });
});

describe('correctly signed requests', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('are served: the form opens and the save PATCHes', async () => {
    const command = await post(h, signed(commandBody(h)));
    expect(command.status).toBe(200);
    const view = await waitFor(() => h.slack.openViews()[0], 'the form');
    h.slack.typeInto(view.id, 'phone', TYPED_PHONE);
    const save = await post(h, signed(submissionBody(h, view.id)));
    expect(save.status).toBe(200);
    await waitFor(() => h.stuut.requests.some((r) => r.method === 'PATCH'), 'the PATCH');
    await h.settle();
    expect(h.stuut.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { phone: '+14155550100' },
    ]);
  });

  test('within five minutes of the clock either way are served', async () => {
    for (const skew of [-(MAX_CLOCK_SKEW_SECONDS - 5), MAX_CLOCK_SKEW_SECONDS - 5]) {
      const before = h.slack.callsTo('views.open').length;
      const response = await post(h, signed(commandBody(h), { timestamp: nowSeconds() + skew }));
      expect(response.status).toBe(200);
      await waitFor(() => h.slack.callsTo('views.open').length > before, 'views.open');
    }
  });

  test('the check uses the bot’s clock: a bot clock 10 minutes fast refuses a request on time', async () => {
    const fast = await startHarness({ now: () => Date.now() + 10 * 60_000 });
    try {
      expect((await post(fast, signed(commandBody(fast)))).status).toBe(401);
      await pause(300);
      expect(new Set(fast.slack.calls.map((call) => call.method))).toEqual(new Set(['auth.test']));
    } finally {
      await fast.close();
    }
  });

  test('GET /healthz still answers 200 and an unknown path 404', async () => {
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.baseUrl}/nowhere`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/slack/events`)).status).toBe(404);
  });
});

describe('refuseSlackRequest, with an injected clock', () => {
  const now = 1_750_000_000_000;
  const seconds = now / 1000;
  const at = (timestamp: string | null, signature: string | null = 'v0=abc') => ({
    ...(timestamp === null ? {} : { 'x-slack-request-timestamp': timestamp }),
    ...(signature === null ? {} : { 'x-slack-signature': signature }),
  });

  test.each([
    ['exactly 5 minutes old', null, at(String(seconds - 300))],
    ['exactly 5 minutes ahead', null, at(String(seconds + 300))],
    ['on time', null, at(String(seconds))],
    ['5 minutes and 1 second old', 'timestamp_too_old', at(String(seconds - 301))],
    ['5 minutes and 1 second ahead', 'timestamp_in_future', at(String(seconds + 301))],
    ['without a timestamp', 'timestamp_missing', at(null)],
    ['with an empty timestamp', 'timestamp_missing', at('')],
    ['with a fractional timestamp', 'timestamp_invalid', at(`${seconds}.5`)],
    ['with a negative timestamp', 'timestamp_invalid', at(`-${seconds}`)],
    ['with a timestamp in milliseconds', 'timestamp_invalid', at(String(now))],
    ['with two timestamps', 'timestamp_invalid', at(`${seconds}, ${seconds}`)],
    ['with a word for a timestamp', 'timestamp_invalid', at('now')],
    ['without a signature', 'signature_missing', at(String(seconds), null)],
    ['with a blank signature', 'signature_missing', at(String(seconds), ' ')],
  ])('a request %s → %s', (_name, expected, headers) => {
    expect(refuseSlackRequest(headers, now)).toBe(expected);
  });

  test('the server asks the injected clock and never calls Bolt for a refused request', async () => {
    let clock = now;
    const seen: string[] = [];
    const listener: RequestListener = (req, res) => {
      seen.push(req.url ?? '');
      res.end('bolt');
    };
    const server = await startSlackHttpServer({
      requestListener: listener,
      isDraining: () => false,
      health: async () => ({ status: 'ok' }),
      logger: createLogger('silent'),
      now: () => clock,
      port: 0,
      host: '127.0.0.1',
    });
    try {
      const send = (timestamp: number) =>
        fetch(`http://127.0.0.1:${server.port}/slack/events`, {
          method: 'POST',
          headers: { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': 'v0=x' },
          body: 'a=b',
        }).then((r) => r.status);
      expect(await send(seconds)).toBe(200);
      clock = now + 301_000;
      expect(await send(seconds)).toBe(401);
      clock = now - 301_000;
      expect(await send(seconds)).toBe(401);
      expect(seen).toEqual(['/slack/events']);
    } finally {
      await server.close();
    }
  });
});
