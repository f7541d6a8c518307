import { signSlackRequest } from '../../src/sandbox/slack';
import { seedContacts } from '../../src/sandbox/stuut';
import { type Harness, type HarnessOptions, SECRETS, startHarness, waitFor } from './harness';

/**
 * Secrets and personal data stay out of the logs. A representative run at the default log
 * level (info): a full save, saves that fail (401, 422, 503), a form closed before the outcome,
 * a confirmation Slack refuses, a bad signature and a stale request. Every line the app writes
 * is captured and searched for tokens, the signing secret, Authorization values, response_urls,
 * and every email and phone number in play, seeded or typed, in any format.
 */

const CONTACT_ID = 'ic_7Qm2xK9a';
const SEEDED = seedContacts();

/** Distinctive values typed in the run, so that any copy in a log line is unmistakable. */
const TYPED = {
  email: 'dana.quill+billing@northwind.example',
  commandEmail: 'orla.vance@northwind.example',
  phone: '(415) 555-0188',
  phoneE164: '+14155550188',
  commandPhone: '+44 20 7946 0321',
  otherPhone: '+1 212 555 0199',
  jobTitle: 'Head of Secret Billing Escalations',
};

const EMAILS = [...SEEDED.map((contact) => contact.email), TYPED.email, TYPED.commandEmail];
const PHONES = [
  ...SEEDED.flatMap((contact) => (contact.phone ? [contact.phone] : [])),
  TYPED.phone,
  TYPED.phoneE164,
  TYPED.commandPhone,
  TYPED.otherPhone,
];

/**
 * A phone number in any format: its last nine digits (the national number, give or take a
 * trunk prefix), with up to three separators between digits ("415) 555-0188", "4155550188").
 */
function phonePattern(phone: string): RegExp {
  const digits = phone.replace(/\D/g, '').slice(-9);
  return new RegExp(digits.split('').join('\\D{0,3}'));
}

interface Run {
  name: string;
  lines: string[];
  responseUrls: string[];
}

const runs: Run[] = [];

/** Starts a harness for one scenario and keeps every line it logs for the checks below. */
async function scenario(
  name: string,
  options: HarnessOptions,
  body: (h: Harness, responseUrls: string[]) => Promise<void>,
): Promise<void> {
  const h = await startHarness(options);
  const run: Run = { name, lines: [], responseUrls: [] };
  runs.push(run);
  try {
    await body(h, run.responseUrls);
    await h.settle();
  } finally {
    run.responseUrls.push(...h.slack.responseUrlPosts.map((post) => post.url));
    await h.close().finally(() => {
      run.lines.push(...h.logs.lines);
    });
  }
}

async function openForm(h: Harness, responseUrls: string[], text = `update ${CONTACT_ID}`) {
  const before = new Set(h.slack.openViews().map((view) => view.id));
  const ack = await h.driver.slashCommand({ text, channelId: 'C0OPS' });
  responseUrls.push(ack.responseUrl);
  expect(ack.status).toBe(200);
  return waitFor(
    () => h.slack.openViews().find((view) => !before.has(view.id)),
    'the form to open',
  );
}

/** Everything a log line must not contain, with a name for the failure message. */
function forbidden(run: Run): { name: string; test: (line: string) => boolean }[] {
  const exact = (name: string, value: string) => ({
    name,
    test: (line: string) => line.toLowerCase().includes(value.toLowerCase()),
  });
  return [
    exact('the bot token', SECRETS.botToken),
    exact('the signing secret', SECRETS.signingSecret),
    exact('the Stuut token', SECRETS.stuutToken),
    { name: 'a bot or user token', test: (line) => /xox[abposr]-/.test(line) },
    { name: 'an Authorization value', test: (line) => /\b(?:Bearer|Basic)\s+\S/i.test(line) },
    { name: 'a request signature', test: (line) => /v0=[0-9a-f]{16,}/.test(line) },
    ...run.responseUrls.map((url) => exact(`the response_url ${url}`, url)),
    { name: 'a response_url path', test: (line) => /\/response\/[0-9a-f]{8,}/.test(line) },
    { name: 'a Slack hooks URL', test: (line) => /hooks\.slack\.com/.test(line) },
    ...EMAILS.map((email) => exact(`the email ${email}`, email)),
    ...EMAILS.map((email) => exact(`the mailbox of ${email}`, email.split('@')[0] ?? email)),
    ...PHONES.map((phone) => ({
      name: `the phone ${phone}`,
      test: (line: string) => phonePattern(phone).test(line),
    })),
    exact('the typed job title', TYPED.jobTitle),
  ];
}

function leaksIn(run: Run): string[] {
  const checks = forbidden(run);
  return run.lines.flatMap((line) =>
    checks.filter((check) => check.test(line)).map((check) => `${check.name} in ${line}`),
  );
}

test('the search finds each kind of leak it looks for', () => {
  const run: Run = {
    name: 'self-check',
    lines: [],
    responseUrls: ['http://127.0.0.1:9/response/00112233445566778899aabbccddeeff'],
  };
  const samples = [
    `{"msg":"token ${SECRETS.botToken}"}`,
    `{"headers":{"authorization":"Bearer ${SECRETS.stuutToken}"}}`,
    `{"secret":"${SECRETS.signingSecret}"}`,
    '{"url":"http://127.0.0.1:9/response/00112233445566778899aabbccddeeff"}',
    '{"signature":"v0=a1b2c3d4e5f60718293a4b5c6d7e8f90"}',
    `{"email":"${TYPED.email.toUpperCase()}"}`,
    '{"phone":"+1 (415) 555-0188"}',
    '{"phone":"4155550188"}',
    '{"phone":"020 7946 0958"}',
    `{"job_title":"${TYPED.jobTitle}"}`,
  ];
  for (const line of samples) {
    expect(leaksIn({ ...run, lines: [line] })).not.toEqual([]);
  }
  expect(
    leaksIn({
      ...run,
      lines: [
        '{"level":"info","time":"2026-11-27T19:28:22.050Z","contactId":"ic_7Qm2xK9a","fields":["email","phone"],"msg":"internal contact updated"}',
      ],
    }),
  ).toEqual([]);
});

describe('logs at the default level hold no secret and no personal data', () => {
  afterAll(() => {
    // The run is representative: it logged each kind of line that could carry a value.
    const all = runs.flatMap((run) => run.lines.map((line) => JSON.parse(line) as { msg: string }));
    const messages = new Set(all.map((entry) => entry.msg));
    for (const msg of [
      'internal contact updated',
      'Stuut refused STUUT_API_TOKEN: renew the token in the bot configuration',
      'save failed',
      'stuut attempt failed',
      'views.update after save failed',
      'confirmation post failed; telling the person',
    ]) {
      expect([...messages]).toContain(msg);
    }
  });

  afterEach(() => {
    const run = runs.at(-1);
    if (!run) return;
    expect(run.lines.length).toBeGreaterThan(0);
    for (const line of run.lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(leaksIn(run)).toEqual([]);
  });

  test('a full save: values in the command, typed in the form, and the confirmation', async () => {
    await scenario('full save', {}, async (h, urls) => {
      const view = await openForm(
        h,
        urls,
        `update ${CONTACT_ID} email=${TYPED.commandEmail} phone="${TYPED.commandPhone}"`,
      );
      h.slack.typeInto(view.id, 'email', TYPED.email);
      h.slack.typeInto(view.id, 'phone', TYPED.phone);
      h.slack.typeInto(view.id, 'job_title', TYPED.jobTitle);
      const ack = await h.driver.submitView(view.id);
      expect(ack.json).toMatchObject({ view: { callback_id: 'contact_update_result' } });
      await h.settle();
      expect(h.stuut.contact(CONTACT_ID)?.phone).toBe(TYPED.phoneE164);
      // The confirmation carries the values; the log says which fields changed, not to what.
      expect(JSON.stringify(h.slack.messages)).toContain(TYPED.email);
      const audit = h.logs.entries().find((entry) => entry.audit === 'contact_updated');
      expect(audit).toMatchObject({
        contactId: CONTACT_ID,
        fields: ['email', 'phone', 'job_title'],
      });
    });
  });

  test('a refused command echoes the email and phone to the person only', async () => {
    await scenario('refused command', {}, async (h, urls) => {
      const ack = await h.driver.slashCommand({
        text: `update ${TYPED.email} phone=${TYPED.otherPhone}`,
        linkEmails: true,
      });
      urls.push(ack.responseUrl);
      expect(ack.json).toMatchObject({
        text: expect.stringContaining("I couldn't act on that command"),
      });
    });
  });

  test('401: the token is refused, and the log names the setting, not the token', async () => {
    await scenario('401', {}, async (h, urls) => {
      h.stuut.failNext({
        kind: 'status',
        status: 401,
        body: { detail: 'Could not validate credentials' },
      });
      const view = await openForm(h, urls);
      h.slack.typeInto(view.id, 'email', TYPED.email);
      await h.driver.submitView(view.id);
      await h.settle();
      expect(h.logs.entries().some((entry) => entry.level === 'error')).toBe(true);
    });
  });

  test('422: Stuut echoes the values it refused; the log keeps none of them', async () => {
    await scenario('422', {}, async (h, urls) => {
      h.stuut.failNext({
        kind: 'status',
        status: 422,
        body: {
          detail: [
            {
              type: 'value_error',
              loc: ['body', 'email'],
              msg: `value is not a valid email address: ${TYPED.email} is blocked`,
              input: TYPED.email,
            },
            {
              type: 'value_error',
              loc: ['body', 'phone'],
              msg: 'value is not a valid phone number',
              input: TYPED.phoneE164,
            },
            {
              type: 'value_error',
              loc: ['body'],
              msg: `duplicate of ${TYPED.phoneE164}`,
              input: {},
            },
          ],
        },
      });
      const view = await openForm(h, urls);
      h.slack.typeInto(view.id, 'email', TYPED.email);
      h.slack.typeInto(view.id, 'phone', TYPED.phone);
      const ack = await h.driver.submitView(view.id);
      expect(ack.json).toMatchObject({ response_action: 'errors' });
    });
  });

  test('503 for good: every attempt is logged without the request or its answer', async () => {
    await scenario('503', {}, async (h, urls) => {
      h.stuut.failAlways({
        kind: 'status',
        status: 503,
        body: { detail: `overloaded while saving ${TYPED.email}` },
        headers: { 'Retry-After': '0' },
      });
      const view = await openForm(h, urls);
      h.slack.typeInto(view.id, 'phone', TYPED.phone);
      h.slack.typeInto(view.id, 'email', TYPED.email);
      await h.driver.submitView(view.id);
      await h.settle();
      expect(h.stuut.patchCount()).toBeGreaterThan(1);
    });
  }, 30_000);

  test('the form closed before the outcome: the notice goes through response_url, or past a dead one', async () => {
    await scenario('closed form', { timing: { ackWithinMs: 50 } }, async (h, urls) => {
      h.stuut.failNext({ kind: 'delay', ms: 300 });
      const view = await openForm(h, urls);
      h.slack.typeInto(view.id, 'phone', TYPED.phone);
      h.slack.typeInto(view.id, 'email', TYPED.email);
      await h.driver.submitView(view.id);
      h.slack.closeView(view.id);
      await h.settle();
      expect(h.slack.messages.some((m) => m.kind === 'response_url')).toBe(true);

      // Again, with the response_url expired and a failure: the person is reached another way.
      h.stuut.failNext({ kind: 'delay', ms: 300 }, { kind: 'status', status: 404 });
      const again = await openForm(h, urls);
      for (const url of urls) h.slack.expireResponseUrl(url);
      h.slack.typeInto(again.id, 'phone', TYPED.phone);
      await h.driver.submitView(again.id);
      h.slack.closeView(again.id);
      await h.settle();
    });
  });

  test('Slack refuses the confirmation (not_in_channel, ratelimited): the person is told', async () => {
    await scenario(
      'confirmation refused',
      { contactUpdatesChannel: 'C0UPDATES' },
      async (h, urls) => {
        h.slack.setChannel('C0UPDATES', { isMember: false });
        const view = await openForm(h, urls);
        h.slack.typeInto(view.id, 'email', TYPED.email);
        await h.driver.submitView(view.id);
        await h.settle();

        h.slack.setChannel('C0UPDATES', { isMember: true });
        h.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1, times: 3 });
        const again = await openForm(h, urls);
        h.slack.typeInto(again.id, 'phone', TYPED.phone);
        await h.driver.submitView(again.id);
        await h.settle();
        expect(
          h.slack.callsTo('chat.postMessage').some((call) => call.error === 'ratelimited'),
        ).toBe(true);
      },
    );
  });

  test('a bad signature, a stale timestamp and a tampered body are refused without echoing them', async () => {
    await scenario('refused requests', {}, async (h, urls) => {
      const responseUrl = `${h.slack.baseUrl}/response/0123456789abcdef`;
      urls.push(responseUrl);
      const body = new URLSearchParams({
        command: '/contact',
        text: `update ${CONTACT_ID} email=${TYPED.email} phone=${TYPED.phoneE164}`,
        response_url: responseUrl,
        trigger_id: h.slack.issueTriggerId(),
        token: SECRETS.botToken,
      }).toString();
      const bad = await h.driver.sendRaw({
        body,
        signature: 'v0=deadbeefdeadbeefdeadbeefdeadbeef',
      });
      expect(bad.status).toBe(401);
      const stale = await h.driver.sendRaw({
        body,
        timestamp: Math.floor(Date.now() / 1000) - 600,
      });
      expect(stale.status).toBe(401);
      const now = Math.floor(Date.now() / 1000);
      const tampered = await h.driver.sendRaw({
        body: body.replace('update', 'update%20'),
        timestamp: now,
        signature: signSlackRequest(SECRETS.signingSecret, now, body),
        headers: { authorization: `Bearer ${SECRETS.stuutToken}` },
      });
      expect(tampered.status).toBe(401);
      const unsigned = await h.driver.sendRaw({ body, signature: '' });
      expect(unsigned.status).toBe(401);
      expect(h.stuut.patchCount()).toBe(0);
    });
  });
});
