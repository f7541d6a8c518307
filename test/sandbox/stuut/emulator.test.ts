import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { Agent, request } from 'undici';
import {
  type StuutContact,
  StuutEmulator,
  type StuutFault,
  seedContacts,
} from '../../../src/sandbox/stuut';

const TOKEN = 'sk_test_emulator_7f3a';
const NOW = new Date('2025-03-14T09:26:53.589Z');
const PRIYA = 'ic_7Qm2xK9a';
const MARCUS = 'ic_3Lp8vR2d';

// One agent for the file, so no pooled socket outlives the tests.
const agent = new Agent({ keepAliveTimeout: 1000 });
let em: StuutEmulator;

beforeEach(async () => {
  em = await StuutEmulator.start({ token: TOKEN, now: () => NOW });
});

afterEach(async () => {
  await em.close();
});

afterAll(async () => {
  await agent.destroy();
});

interface CallOptions {
  method?: string;
  path?: string;
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  /** Client-side deadline for the whole exchange. */
  timeoutMs?: number;
}

function call(id: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/json',
  };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const path = opts.path ?? `/v2/internal-contacts/${encodeURIComponent(id)}`;
  return request(`${em.baseUrl}${path}`, {
    method: (opts.method ?? 'PATCH') as 'PATCH',
    headers,
    body: opts.rawBody ?? JSON.stringify(opts.body ?? {}),
    dispatcher: agent,
    // undici's own headersTimeout/bodyTimeout run on a ~1 s coarse timer, too slow here.
    signal: AbortSignal.timeout(opts.timeoutMs ?? 2000),
  });
}

async function callJson(id: string, opts: CallOptions = {}) {
  const res = await call(id, opts);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: JSON.parse(text) as unknown };
}

/** Errors from node:net come from another realm than jest's, so instanceof Error fails. */
function expectError(e: unknown, name?: RegExp): void {
  expect(e).toHaveProperty('message', expect.any(String));
  if (name) expect(e).toHaveProperty('name', expect.stringMatching(name));
}

async function waitFor(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const seededPriya = (): StuutContact => {
  const priya = seedContacts(NOW).find((c) => c.id === PRIYA);
  if (!priya) throw new Error('seed lost Priya');
  return priya;
};

describe('seedContacts', () => {
  it('gives five distinct, self-consistent contacts', () => {
    const seed = seedContacts(NOW);
    expect(seed).toHaveLength(5);
    expect(new Set(seed.map((c) => c.id)).size).toBe(5);
    expect(new Set(seed.map((c) => c.email.toLowerCase())).size).toBe(5);
    for (const c of seed) {
      expect(c.object).toBe('internal_contact');
      expect(c.id).toMatch(/^ic_[A-Za-z0-9]{8}$/);
      expect(c.email).toMatch(/^[^@\s]+@northwind\.example$/);
      expect(Date.parse(c.created_at)).toBeLessThan(NOW.getTime());
      if (c.phone !== null) {
        // Seeds must survive the emulator's own phone validation unchanged.
        expect(parsePhoneNumberFromString(c.phone)?.isValid()).toBe(true);
        expect(parsePhoneNumberFromString(c.phone)?.number).toBe(c.phone);
      }
    }
    expect(seed.filter((c) => c.phone === null)).toHaveLength(1);
    const countries = seed.map((c) => c.phone?.slice(0, 3));
    expect(countries).toEqual(expect.arrayContaining(['+14', '+12', '+44']));
  });

  it('is the default store of a started emulator', () => {
    expect(em.contacts()).toEqual(seedContacts(NOW));
    expect(em.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('PATCH /v2/internal-contacts/{id}', () => {
  it('answers 200 with the whole updated contact', async () => {
    const res = await callJson(PRIYA, {
      body: { job_title: 'Head of Customer Success', phone: '+1 (212) 555-0147' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const expected = {
      id: PRIYA,
      object: 'internal_contact',
      created_at: seededPriya().created_at,
      modified_at: '2025-03-14T09:26:53.589Z',
      email: 'priya.raman@northwind.example',
      given_name: 'Priya',
      family_name: 'Raman',
      name: 'Priya Raman',
      phone: '+12125550147',
      job_title: 'Head of Customer Success',
    };
    expect(res.json).toStrictEqual(expected);
    expect(Object.keys(res.json as object)).toEqual(Object.keys(expected));
    expect(em.contact(PRIYA)).toStrictEqual(expected);
  });

  it('changes only the keys sent, clears on null and ignores unknown keys', async () => {
    const res = await callJson(PRIYA, {
      body: { phone: null, name: null, given_name: 'Priyanka', id: 'ic_hijack', nickname: 'P' },
    });
    expect(res.status).toBe(200);
    expect(em.contact(PRIYA)).toStrictEqual({
      ...seededPriya(),
      modified_at: NOW.toISOString(),
      phone: null,
      name: null,
      given_name: 'Priyanka',
    });
    expect(em.contact('ic_hijack')).toBeUndefined();
    // Other contacts are untouched.
    expect(em.contact(MARCUS)).toStrictEqual(seedContacts(NOW)[1]);
  });

  it('stores the email with a lowercased domain and enforces uniqueness case-insensitively', async () => {
    const ok = await callJson(PRIYA, { body: { email: 'P.Raman@NorthWind.Example' } });
    expect(ok.status).toBe(200);
    expect(em.contact(PRIYA)?.email).toBe('P.Raman@northwind.example');

    const clash = await callJson(MARCUS, { body: { email: 'p.raman@northwind.example' } });
    expect(clash.status).toBe(409);
    expect(clash.json).toStrictEqual({
      detail: 'An internal contact with this email already exists',
    });
    expect(em.contact(MARCUS)?.email).toBe('marcus.oyelaran@northwind.example');

    // Re-sending one's own email is not a clash.
    const own = await callJson(PRIYA, { body: { email: 'p.raman@northwind.example' } });
    expect(own.status).toBe(200);
  });

  it('collects every field error into one 422 and changes nothing', async () => {
    const long = 'x'.repeat(256);
    const res = await callJson(PRIYA, {
      body: { email: null, given_name: 42, phone: '4155550123', job_title: long, name: 'Ok' },
    });
    expect(res.status).toBe(422);
    expect(res.json).toStrictEqual({
      detail: [
        {
          type: 'value_error',
          loc: ['body', 'email'],
          msg: 'Email cannot be cleared',
          input: null,
        },
        {
          type: 'string_type',
          loc: ['body', 'given_name'],
          msg: 'Input should be a valid string',
          input: 42,
        },
        {
          type: 'value_error',
          loc: ['body', 'phone'],
          msg: 'value is not a valid phone number',
          input: '4155550123',
        },
        {
          type: 'string_too_long',
          loc: ['body', 'job_title'],
          msg: 'String should have at most 255 characters',
          input: long,
          ctx: { max_length: 255 },
        },
      ],
    });
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());
  });

  it('rejects a malformed email with the validator reason', async () => {
    const res = await callJson(PRIYA, { body: { email: 'priya.raman' } });
    expect(res.status).toBe(422);
    expect(res.json).toStrictEqual({
      detail: [
        {
          type: 'value_error',
          loc: ['body', 'email'],
          msg: 'value is not a valid email address: An email address must have an @-sign.',
          input: 'priya.raman',
          ctx: { reason: 'An email address must have an @-sign.' },
        },
      ],
    });
    const noDot = await callJson(PRIYA, { body: { email: 'priya@northwind' } });
    expect(noDot.status).toBe(422);
  });

  it('counts 255 characters by code point, as Python does', async () => {
    const emoji = '😀'.repeat(255); // 510 UTF-16 units
    const res = await callJson(PRIYA, { body: { job_title: emoji } });
    expect(res.status).toBe(200);
    expect(em.contact(PRIYA)?.job_title).toBe(emoji);
  });

  it('answers 422 json_invalid for a body that is not JSON, and loc body for a non-object', async () => {
    const bad = await callJson(PRIYA, { rawBody: '{"phone": ' });
    expect(bad.status).toBe(422);
    expect(bad.json).toStrictEqual({
      detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }],
    });

    const list = await callJson(PRIYA, { body: [{ phone: null }] });
    expect(list.status).toBe(422);
    expect(list.json).toMatchObject({
      detail: [{ type: 'model_attributes_type', loc: ['body'], input: [{ phone: null }] }],
    });

    const form = await callJson(PRIYA, {
      rawBody: 'phone=%2B14155550123',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(422);
    expect(form.json).toMatchObject({ detail: [{ loc: ['body'] }] });

    const empty = await callJson(PRIYA, { rawBody: '' });
    expect(empty.status).toBe(422);
    expect(empty.json).toMatchObject({ detail: [{ type: 'missing', loc: ['body'] }] });
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());
  });

  it('answers 404 for an unknown id, and FastAPI 404/405 outside the route', async () => {
    const unknown = await callJson('ic_nope0000', { body: { name: 'X' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toStrictEqual({ detail: 'Internal contact not found' });

    for (const path of [
      '/v2/internal-contacts/',
      `/v2/internal-contacts/${PRIYA}/extra`,
      `/v1/internal-contacts/${PRIYA}`,
      '/',
    ]) {
      const res = await callJson(PRIYA, { path });
      expect([path, res.status, res.json]).toStrictEqual([path, 404, { detail: 'Not Found' }]);
    }

    const get = await call(PRIYA, { method: 'GET', rawBody: '' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('PATCH');
    expect(await get.body.json()).toStrictEqual({ detail: 'Method Not Allowed' });
  });

  it('looks up a percent-encoded id decoded, and records the raw path', async () => {
    const res = await callJson('ic/1', { body: { name: 'Slash' } });
    expect(res.status).toBe(404);
    expect(res.json).toStrictEqual({ detail: 'Internal contact not found' });
    expect(em.requests[0]?.rawPath).toBe('/v2/internal-contacts/ic%2F1');
    expect(em.requests[0]?.contactId).toBe('ic/1');

    em.put({ ...seededPriya(), id: 'ic/1', email: 'slash@northwind.example' });
    const found = await callJson('ic/1', { body: { name: 'Slash' } });
    expect(found.status).toBe(200);
    expect(em.contact('ic/1')?.name).toBe('Slash');
    expect(em.contact(PRIYA)?.name).toBe('Priya Raman');
  });

  it('answers 401 without or with a wrong bearer token, changing nothing', async () => {
    const missing = await callJson(PRIYA, { token: null, body: { name: 'X' } });
    expect(missing.status).toBe(401);
    expect(missing.json).toStrictEqual({ detail: 'Not authenticated' });
    expect(missing.headers['www-authenticate']).toBe('Bearer');

    const wrong = await callJson(PRIYA, { token: `${TOKEN}x`, body: { name: 'X' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toStrictEqual({ detail: 'Could not validate credentials' });
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());
  });

  it('records every request with its raw and parsed body', async () => {
    await callJson(PRIYA, { body: { name: 'A' } });
    await callJson(PRIYA, { rawBody: 'not json' });
    expect(em.requests).toHaveLength(2);
    expect(em.requests[0]).toMatchObject({
      method: 'PATCH',
      rawPath: `/v2/internal-contacts/${PRIYA}`,
      contactId: PRIYA,
      body: { name: 'A' },
      rawBody: '{"name":"A"}',
      at: NOW,
      fault: undefined,
    });
    expect(em.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(em.requests[1]).toMatchObject({ body: undefined, rawBody: 'not json' });
  });
});

describe('faults', () => {
  it('answers a status fault with headers and the FastAPI default body, then recovers', async () => {
    em.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '2' } });
    const limited = await callJson(PRIYA, { body: { name: 'X' } });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.json).toStrictEqual({ detail: 'Too Many Requests' });
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());
    expect(em.requests[0]?.fault).toMatchObject({ kind: 'status', status: 429 });
    expect(em.requests[0]?.body).toStrictEqual({ name: 'X' });

    const next = await callJson(PRIYA, { body: { name: 'X' } });
    expect(next.status).toBe(200);
  });

  it('applies queued faults one per request, in order', async () => {
    em.failNext(
      { kind: 'status', status: 503 },
      { kind: 'status', status: 403, body: { detail: 'Forbidden for this org' } },
    );
    const statuses: number[] = [];
    const bodies: unknown[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await callJson(PRIYA, { body: { name: `N${i}` } });
      statuses.push(res.status);
      bodies.push(res.json);
    }
    expect(statuses).toEqual([503, 403, 200]);
    expect(bodies.slice(0, 2)).toEqual([
      { detail: 'Service Unavailable' },
      { detail: 'Forbidden for this org' },
    ]);
    expect(em.contact(PRIYA)?.name).toBe('N2');
  });

  it('keeps a permanent fault until cleared, after the queue', async () => {
    em.failAlways({ kind: 'status', status: 502 });
    em.failNext({ kind: 'status', status: 504 });
    expect((await callJson(PRIYA)).status).toBe(504);
    expect((await callJson(PRIYA)).status).toBe(502);
    expect((await callJson(PRIYA)).status).toBe(502);
    em.failAlways(undefined);
    expect((await callJson(PRIYA)).status).toBe(200);
  });

  it('sends a raw body fault verbatim, e.g. a proxy HTML page', async () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    em.failNext({ kind: 'body', status: 502, rawBody: html, contentType: 'text/html' });
    const res = await call(PRIYA, { body: { name: 'X' } });
    expect(res.statusCode).toBe(502);
    expect(res.headers['content-type']).toBe('text/html');
    expect(await res.body.text()).toBe(html);
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());

    em.failNext({ kind: 'body', rawBody: '{"id":"ic_7Qm2' });
    const truncated = await call(PRIYA, { body: { name: 'X' } });
    expect(truncated.statusCode).toBe(200);
    expect(await truncated.body.text()).toBe('{"id":"ic_7Qm2');
  });

  it('delays the answer but applies the patch, even when the client gave up', async () => {
    em.failNext({ kind: 'delay', ms: 150 });
    const started = Date.now();
    const err = await call(PRIYA, { body: { name: 'Late' }, timeoutMs: 40 }).catch(
      (e: unknown) => e,
    );
    expectError(err, /TimeoutError/);
    expect(em.contact(PRIYA)?.name).toBe('Priya Raman');
    await waitFor(() => em.contact(PRIYA)?.name === 'Late');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    em.failNext({ kind: 'delay-headers', ms: 60 });
    const t0 = Date.now();
    const res = await callJson(PRIYA, { body: { name: 'Later' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'Later' });
  });

  it('resets the connection without answering or applying', async () => {
    em.failNext({ kind: 'reset' });
    const err: unknown = await call(PRIYA, { body: { name: 'X' } }).catch((e: unknown) => e);
    expectError(err);
    expect(err).toHaveProperty('code', expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/));
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());
    expect(em.requests[0]?.body).toStrictEqual({ name: 'X' });
    expect(em.patchCount(PRIYA)).toBe(1);
  });

  it('cuts the body in half after the headers, with the patch applied', async () => {
    em.failNext({ kind: 'reset-mid-body' });
    const res = await call(PRIYA, { body: { name: 'Half' } });
    expect(res.statusCode).toBe(200);
    const err = await res.body.text().catch((e: unknown) => e);
    expectError(err);
    expect(err).toHaveProperty('code', expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/));
    expect(em.contact(PRIYA)?.name).toBe('Half');
  });

  it('stalls the body after sending the headers at once', async () => {
    em.failNext({ kind: 'stall-body', ms: 2_000 });
    const t0 = Date.now();
    const res = await call(PRIYA, { body: { name: 'Stalled' }, timeoutMs: 300 });
    expect(res.statusCode).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1_000);
    expectError(await res.body.text().catch((e: unknown) => e), /TimeoutError/);
    expect(em.contact(PRIYA)?.name).toBe('Stalled');

    // Generous margins: the headers come at once, the body only after the stall, on a busy
    // machine too.
    em.failNext({ kind: 'stall-body', ms: 600 });
    const t1 = Date.now();
    const patient = await call(PRIYA, { body: { name: 'Patient' } });
    const headersAfter = Date.now() - t1;
    const body = (await patient.body.json()) as StuutContact;
    expect(Date.now() - t1).toBeGreaterThanOrEqual(590);
    expect(headersAfter).toBeLessThan(400);
    expect(body.name).toBe('Patient');
  });

  it('holds a request unread, then drops it without applying', async () => {
    em.failNext({ kind: 'no-accept', ms: 100 });
    const timedOut = await call(PRIYA, { body: { name: 'X' }, timeoutMs: 30 }).catch(
      (e: unknown) => e,
    );
    expectError(timedOut, /TimeoutError/);
    expect(em.requests[0]).toMatchObject({ rawBody: '', body: undefined });

    em.failNext({ kind: 'no-accept', ms: 30 });
    const t0 = Date.now();
    const dropped = await call(PRIYA, { body: { name: 'Y' } }).catch((e: unknown) => e);
    expectError(dropped);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());
  });

  it('refuses nonsense faults at once', () => {
    expect(() => em.failNext({ kind: 'status', status: 42 })).toThrow(RangeError);
    expect(() => em.failAlways({ kind: 'delay', ms: -1 })).toThrow(RangeError);
    const fine: StuutFault = { kind: 'reset' };
    expect(() => em.failNext(fine)).not.toThrow();
  });
});

describe('bookkeeping', () => {
  it('counts PATCH requests per contact, faulted ones included', async () => {
    em.failNext({ kind: 'status', status: 500 });
    await callJson(PRIYA, { body: { name: 'A' } });
    await callJson(PRIYA, { body: { name: 'B' } });
    await callJson(MARCUS, { body: { name: 'C' } });
    await callJson(PRIYA, { method: 'POST' });
    await callJson(PRIYA, { path: '/v2/other' });
    expect(em.patchCount()).toBe(3);
    expect(em.patchCount(PRIYA)).toBe(2);
    expect(em.patchCount(MARCUS)).toBe(1);
    expect(em.patchCount('ic_nope0000')).toBe(0);
    expect(em.requests).toHaveLength(5);
  });

  it('hands out copies and resets to the seed, clearing requests and faults', async () => {
    const copy = em.contact(PRIYA);
    if (!copy) throw new Error('missing');
    copy.name = 'Mutated';
    expect(em.contact(PRIYA)?.name).toBe('Priya Raman');

    await callJson(PRIYA, { body: { name: 'Changed' } });
    em.failAlways({ kind: 'status', status: 500 });
    const requests = em.requests;
    em.reset();
    expect(requests).toHaveLength(0);
    expect(em.contact(PRIYA)).toStrictEqual(seededPriya());
    expect((await callJson(PRIYA)).status).toBe(200);

    const only = { ...seededPriya(), id: 'ic_only0001' };
    em.reset([only]);
    expect(em.contacts()).toStrictEqual([only]);
    em.reset();
    expect(em.contacts()).toStrictEqual([only]);
  });

  it('closes promptly even with a request held open', async () => {
    em.failAlways({ kind: 'no-accept', ms: 10_000 });
    const pending = call(PRIYA, { body: { name: 'X' } }).catch((e: unknown) => e);
    const stalled = call(MARCUS, { body: { name: 'Y' } }).catch((e: unknown) => e);
    await waitFor(() => em.requests.length === 2);
    const t0 = Date.now();
    await em.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expectError(await pending);
    expectError(await stalled);
    await em.close(); // idempotent, and afterEach calls it again
  });

  it('closes promptly with a delayed answer pending, without applying it', async () => {
    em.failNext({ kind: 'delay', ms: 10_000 });
    const pending = call(PRIYA, { body: { name: 'Never' } }).catch((e: unknown) => e);
    await waitFor(() => em.requests[0]?.rawBody !== '' && em.requests.length === 1);
    const t0 = Date.now();
    await em.close();
    expect(Date.now() - t0).toBeLessThan(500);
    expectError(await pending);
    expect(em.contact(PRIYA)?.name).toBe('Priya Raman');
  });
});
