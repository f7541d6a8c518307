import { Agent, request } from 'undici';
import { AssignmentSchema, isValidPartnerId, ROLES } from '../../../src/domain/assignment';
import {
  type EmulatedAssignment,
  STUUT_ROLES,
  StuutEmulator,
  type StuutEmulatorOptions,
} from '../../../src/sandbox/stuut/emulator';
import {
  SEED_PARTNERS,
  seedAssignments,
  seedContacts,
  seedPartners,
} from '../../../src/sandbox/stuut/seed';

const TOKEN = 'sk_test_emulator_assign_9c1d';
const NOW = new Date('2025-03-14T09:26:53.589Z');
const PRIYA = 'ic_7Qm2xK9a';
const MARCUS = 'ic_3Lp8vR2d';
const TOM = 'ic_2Ks6jP4g';
const PRIYA_EMAIL = 'priya.raman@northwind.example';
const CONTOSO = SEED_PARTNERS.contoso;
const GLOBEX = SEED_PARTNERS.globex;
const VANDELAY = SEED_PARTNERS.vandelay;
/** Priya, CSM on Contoso. */
const PRIYA_CONTOSO = 'ica_Pr7CsM2kQa9x';
/** Marcus, account manager on Globex. */
const MARCUS_GLOBEX = 'ica_Mo5AmG1rTy6u';
/** Tom's floating practice-lead assignment. */
const TOM_FLOATING = 'ica_Ta4PlF0xZc3v';
const EXPECTED_ROLES =
  "'account_manager', 'account_executive', 'csm', 'lead', 'co_lead' or 'practice_lead'";

const agent = new Agent({ keepAliveTimeout: 1000 });
let em: StuutEmulator;

async function restart(opts: Partial<StuutEmulatorOptions> = {}): Promise<void> {
  await em?.close();
  em = await StuutEmulator.start({ token: TOKEN, now: () => NOW, ...opts });
}

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
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  timeoutMs?: number;
}

function call(path: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  return request(`${em.baseUrl}${path}`, {
    method: (opts.method ?? 'POST') as 'POST',
    headers,
    body: opts.rawBody ?? JSON.stringify(opts.body ?? {}),
    dispatcher: agent,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 2000),
  });
}

async function callJson(path: string, opts: CallOptions = {}) {
  const res = await call(path, opts);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: JSON.parse(text) as unknown };
}

const create = (body: unknown, opts: CallOptions = {}) =>
  callJson('/v2/internal-contacts', { ...opts, body });
const assignPath = (partnerId: string) =>
  `/v2/partners/${encodeURIComponent(partnerId)}/internal-contacts`;
const assign = (partnerId: string, body: unknown, opts: CallOptions = {}) =>
  callJson(assignPath(partnerId), { ...opts, body });
const rolePath = (partnerId: string, assignmentId: string) =>
  `${assignPath(partnerId)}/${encodeURIComponent(assignmentId)}`;
const changeRole = (partnerId: string, assignmentId: string, body: unknown) =>
  callJson(rolePath(partnerId, assignmentId), { method: 'PATCH', body });

function expectError(e: unknown): void {
  expect(e).toHaveProperty('message', expect.any(String));
}

async function waitFor(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('seeded partners and assignments', () => {
  it('are consistent with the seeded contacts and with the app’s roles and partner ids', () => {
    expect([...STUUT_ROLES]).toEqual([...ROLES]);
    const partners = seedPartners();
    expect(partners.map((p) => p.name)).toEqual([
      'Contoso Freight',
      'Globex Retail',
      'Initech Health',
      'Vandelay Imports',
    ]);
    for (const p of partners) expect(isValidPartnerId(p.id)).toBe(true);
    expect(new Set(partners.map((p) => p.id)).size).toBe(partners.length);

    const contacts = new Set(seedContacts(NOW).map((c) => c.id));
    const partnerIds = new Set(partners.map((p) => p.id));
    const seeded = seedAssignments(NOW);
    expect(new Set(seeded.map((a) => a.id)).size).toBe(seeded.length);
    for (const a of seeded) {
      expect(a.id).toMatch(/^ica_[A-Za-z0-9]{12}$/);
      expect(contacts.has(a.internal_contact_id)).toBe(true);
      if (a.partner_id !== null) expect(partnerIds.has(a.partner_id)).toBe(true);
      expect(ROLES).toContain(a.internal_role);
      expect(Date.parse(a.created_at)).toBeLessThan(NOW.getTime());
    }
    // Something to show: a floating one, a remote_id, a partner nobody is assigned to yet.
    expect(seeded.filter((a) => a.partner_id === null)).toHaveLength(1);
    expect(seeded.some((a) => a.remote_id !== null)).toBe(true);
    expect(seeded.some((a) => a.partner_id === VANDELAY)).toBe(false);
  });

  it('are the default store, and answer as the documented assignment object', () => {
    expect(em.partners()).toEqual(seedPartners());
    expect(em.assignments()).toEqual(seedAssignments(NOW));
    expect(em.assignment(PRIYA_CONTOSO)).toMatchObject({
      partner_id: CONTOSO,
      internal_role: 'csm',
      internal_contact_id: PRIYA,
    });
    expect(em.assignmentsOf(PRIYA).map((a) => a.id)).toEqual([PRIYA_CONTOSO, 'ica_Pr3CsI8nWe4t']);
    for (const a of em.assignments()) {
      const object = em.assignmentObject(a.id);
      expect(AssignmentSchema.safeParse(object).success).toBe(true);
      expect(object?.internal_contact).toEqual(em.contact(a.internal_contact_id));
    }
    expect(em.partner(GLOBEX)?.name).toBe('Globex Retail');
    expect(em.partner('ptn_nope')).toBeUndefined();
  });
});

describe('POST /v2/internal-contacts', () => {
  it('creates the contact with a floating assignment: 201 with the assignment', async () => {
    const res = await create({
      email: 'Noor.Haddad@NorthWind.Example',
      internal_role: 'csm',
      given_name: 'Noor',
      family_name: 'Haddad',
      phone: '+1 (415) 555-0188',
      job_title: null,
      nickname: 'ignored',
    });
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json');
    const body = res.json as Record<string, unknown> & {
      id: string;
      internal_contact: { id: string };
    };
    expect(Object.keys(body)).toEqual([
      'id',
      'object',
      'created_at',
      'modified_at',
      'partner_id',
      'internal_role',
      'remote_id',
      'internal_contact',
    ]);
    expect(body.id).toMatch(/^ica_[A-Za-z0-9]+$/);
    expect(body.internal_contact.id).toMatch(/^ic_[A-Za-z0-9]{8}$/);
    const contact = {
      id: body.internal_contact.id,
      object: 'internal_contact',
      created_at: NOW.toISOString(),
      modified_at: null,
      email: 'Noor.Haddad@northwind.example',
      given_name: 'Noor',
      family_name: 'Haddad',
      name: null,
      phone: '+14155550188',
      job_title: null,
    };
    expect(body).toStrictEqual({
      id: body.id,
      object: 'internal_contact_assignment',
      created_at: NOW.toISOString(),
      modified_at: null,
      partner_id: null,
      internal_role: 'csm',
      remote_id: null,
      internal_contact: contact,
    });
    expect(Object.keys(body.internal_contact)).toEqual(Object.keys(contact));
    expect(AssignmentSchema.parse(body)).toEqual(body);
    expect(em.contact(contact.id)).toStrictEqual(contact);
    expect(em.assignment(body.id)).toStrictEqual({
      id: body.id,
      object: 'internal_contact_assignment',
      created_at: NOW.toISOString(),
      modified_at: null,
      partner_id: null,
      internal_role: 'csm',
      remote_id: null,
      internal_contact_id: contact.id,
    });
    expect(em.contactByEmail('noor.haddad@northwind.example')?.id).toBe(contact.id);
  });

  it('answers 422 Field required for each missing field, with the body as input', async () => {
    const res = await create({ name: 'Nobody' });
    expect(res.status).toBe(422);
    expect(res.json).toStrictEqual({
      detail: [
        {
          type: 'missing',
          loc: ['body', 'email'],
          msg: 'Field required',
          input: { name: 'Nobody' },
        },
        {
          type: 'missing',
          loc: ['body', 'internal_role'],
          msg: 'Field required',
          input: { name: 'Nobody' },
        },
      ],
    });
    expect(em.contacts()).toHaveLength(5);
    expect(em.assignments()).toHaveLength(seedAssignments(NOW).length);
  });

  it('collects every error at once: the role enum, the email, the optional fields', async () => {
    const long = 'x'.repeat(256);
    const res = await create({
      email: 'noor@northwind',
      internal_role: 'Account Manager',
      given_name: 7,
      phone: '555-01',
      job_title: long,
    });
    expect(res.status).toBe(422);
    expect(res.json).toStrictEqual({
      detail: [
        {
          type: 'value_error',
          loc: ['body', 'email'],
          msg: 'value is not a valid email address: The part after the @-sign is not valid. It should have a period.',
          input: 'noor@northwind',
          ctx: { reason: 'The part after the @-sign is not valid. It should have a period.' },
        },
        {
          type: 'enum',
          loc: ['body', 'internal_role'],
          msg: `Input should be ${EXPECTED_ROLES}`,
          input: 'Account Manager',
          ctx: { expected: EXPECTED_ROLES },
        },
        {
          type: 'string_type',
          loc: ['body', 'given_name'],
          msg: 'Input should be a valid string',
          input: 7,
        },
        {
          type: 'value_error',
          loc: ['body', 'phone'],
          msg: 'value is not a valid phone number',
          input: '555-01',
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
    expect(em.contacts()).toHaveLength(5);
  });

  it('refuses an empty or null email, a null role, and bodies that are not objects', async () => {
    const empty = await create({ email: '', internal_role: 'lead' });
    expect(empty.json).toStrictEqual({
      detail: [
        {
          type: 'string_too_short',
          loc: ['body', 'email'],
          msg: 'String should have at least 1 character',
          input: '',
          ctx: { min_length: 1 },
        },
      ],
    });
    const nulls = await create({ email: null, internal_role: null });
    expect(nulls.status).toBe(422);
    expect(nulls.json).toMatchObject({
      detail: [
        { type: 'string_type', loc: ['body', 'email'], input: null },
        { type: 'enum', loc: ['body', 'internal_role'], input: null },
      ],
    });
    const list = await create([{ email: 'a@b.example', internal_role: 'csm' }]);
    expect(list.json).toMatchObject({ detail: [{ type: 'model_attributes_type', loc: ['body'] }] });
    const none = await callJson('/v2/internal-contacts', { rawBody: '' });
    expect(none.json).toMatchObject({ detail: [{ type: 'missing', loc: ['body'] }] });
    expect(em.contacts()).toHaveLength(5);
  });

  it('answers 409 for an email that exists, case-insensitively, and creates nothing', async () => {
    const res = await create({ email: 'PRIYA.RAMAN@northwind.example', internal_role: 'lead' });
    expect(res.status).toBe(409);
    expect(res.json).toStrictEqual({
      detail: 'An internal contact with this email already exists',
    });
    expect(em.contacts()).toHaveLength(5);
    expect(em.assignments()).toEqual(seedAssignments(NOW));
  });

  it('with duplicateCreate "existing": a new floating assignment on the existing contact', async () => {
    await restart({ duplicateCreate: 'existing' });
    expect(em.duplicateCreate).toBe('existing');
    const res = await create({
      email: 'Priya.Raman@NorthWind.example',
      internal_role: 'co_lead',
      job_title: 'Ignored for an existing contact',
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      partner_id: null,
      internal_role: 'co_lead',
      internal_contact: em.contact(PRIYA),
    });
    expect(em.contact(PRIYA)?.job_title).toBe('Customer Success Manager');
    expect(em.contacts()).toHaveLength(5);
    expect(em.assignmentsOf(PRIYA)).toHaveLength(3);

    // A switch for a running emulator too; reset restores the option's value.
    em.duplicateCreate = '409';
    expect((await create({ email: PRIYA_EMAIL, internal_role: 'csm' })).status).toBe(409);
    em.reset();
    expect(em.duplicateCreate).toBe('existing');
  });
});

describe('POST /v2/partners/{partner_id}/internal-contacts', () => {
  it('finds the contact by email, ignores its optional fields, and assigns it: 201', async () => {
    const res = await assign(VANDELAY, {
      email: 'Priya.Raman@NORTHWIND.example',
      internal_role: 'account_manager',
      job_title: 'Not applied',
      phone: 'not a phone',
    });
    // The optional fields are still validated, as the body model is.
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ detail: [{ loc: ['body', 'phone'] }] });

    const ok = await assign(VANDELAY, {
      email: 'Priya.Raman@NORTHWIND.example',
      internal_role: 'account_manager',
      job_title: 'Not applied',
    });
    expect(ok.status).toBe(201);
    const body = ok.json as { id: string };
    expect(ok.json).toStrictEqual({
      id: body.id,
      object: 'internal_contact_assignment',
      created_at: NOW.toISOString(),
      modified_at: null,
      partner_id: VANDELAY,
      internal_role: 'account_manager',
      remote_id: null,
      internal_contact: seedContacts(NOW)[0],
    });
    expect(em.contact(PRIYA)).toStrictEqual(seedContacts(NOW)[0]);
    expect(em.assignment(body.id)).toMatchObject({
      partner_id: VANDELAY,
      internal_contact_id: PRIYA,
    });
    expect(em.contacts()).toHaveLength(5);
  });

  it('creates an unknown contact with the fields given', async () => {
    const res = await assign(CONTOSO, {
      email: 'lena.fischer@northwind.example',
      internal_role: 'co_lead',
      name: 'Lena Fischer',
      phone: '+44 20 7946 0321',
    });
    expect(res.status).toBe(201);
    const body = res.json as { internal_contact: { id: string } };
    expect(res.json).toMatchObject({
      partner_id: CONTOSO,
      internal_role: 'co_lead',
      internal_contact: {
        email: 'lena.fischer@northwind.example',
        name: 'Lena Fischer',
        given_name: null,
        phone: '+442079460321',
        created_at: NOW.toISOString(),
        modified_at: null,
      },
    });
    expect(em.contact(body.internal_contact.id)?.name).toBe('Lena Fischer');
    expect(em.contacts()).toHaveLength(6);
  });

  it('assigning the same person to the same partner again makes a second assignment', async () => {
    const first = await assign(CONTOSO, { email: PRIYA_EMAIL, internal_role: 'csm' });
    expect(first.status).toBe(201);
    const ids = [PRIYA_CONTOSO, (first.json as { id: string }).id];
    expect(ids[0]).not.toBe(ids[1]);
    expect(
      em
        .assignmentsOf(PRIYA)
        .filter((a) => a.partner_id === CONTOSO)
        .map((a) => a.id),
    ).toEqual(ids);
  });

  it('answers 404 Partner not found for an unknown partner, but 422 first', async () => {
    const unknown = await assign('ptn_nope0000', { email: PRIYA_EMAIL, internal_role: 'csm' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toStrictEqual({ detail: 'Partner not found' });
    const invalid = await assign('ptn_nope0000', { email: PRIYA_EMAIL });
    expect(invalid.status).toBe(422);
    expect(em.assignments()).toEqual(seedAssignments(NOW));
    expect(em.contacts()).toHaveLength(5);
  });

  it('decodes a percent-encoded partner id, and records it', async () => {
    em.putPartner({ id: 'ptn_a/b c', name: 'Odd Id Ltd' });
    const res = await assign('ptn_a/b c', { email: PRIYA_EMAIL, internal_role: 'lead' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ partner_id: 'ptn_a/b c' });
    expect(em.requests[0]).toMatchObject({
      rawPath: '/v2/partners/ptn_a%2Fb%20c/internal-contacts',
      route: 'assign',
      partnerId: 'ptn_a/b c',
      assignmentId: undefined,
      contactId: undefined,
    });
  });
});

describe('PATCH /v2/partners/{partner_id}/internal-contacts/{assignment_id}', () => {
  it('changes the role only: 200 with the assignment, modified_at now', async () => {
    const res = await changeRole(GLOBEX, MARCUS_GLOBEX, { internal_role: 'lead', email: 'x' });
    expect(res.status).toBe(200);
    const seeded = seedAssignments(NOW).find((a) => a.id === MARCUS_GLOBEX);
    expect(res.json).toStrictEqual({
      id: MARCUS_GLOBEX,
      object: 'internal_contact_assignment',
      created_at: seeded?.created_at,
      modified_at: NOW.toISOString(),
      partner_id: GLOBEX,
      internal_role: 'lead',
      remote_id: 'crm_0042317',
      internal_contact: seedContacts(NOW)[1],
    });
    expect(em.contact(MARCUS)).toStrictEqual(seedContacts(NOW)[1]);
    expect(em.assignment(MARCUS_GLOBEX)?.internal_role).toBe('lead');
  });

  it('answers 422 for a missing or unknown role, before any 404', async () => {
    const missing = await changeRole(GLOBEX, MARCUS_GLOBEX, {});
    expect(missing.status).toBe(422);
    expect(missing.json).toStrictEqual({
      detail: [
        { type: 'missing', loc: ['body', 'internal_role'], msg: 'Field required', input: {} },
      ],
    });
    const wrong = await changeRole('ptn_nope0000', 'ica_nope', { internal_role: 'boss' });
    expect(wrong.status).toBe(422);
    expect(wrong.json).toMatchObject({ detail: [{ type: 'enum', input: 'boss' }] });
    expect(em.assignment(MARCUS_GLOBEX)?.internal_role).toBe('account_manager');
  });

  it('answers 404 for an unknown partner, and for an assignment not of this partner', async () => {
    const role = { internal_role: 'csm' };
    expect((await changeRole('ptn_nope0000', MARCUS_GLOBEX, role)).json).toStrictEqual({
      detail: 'Partner not found',
    });
    for (const [partner, id] of [
      [CONTOSO, MARCUS_GLOBEX],
      [CONTOSO, TOM_FLOATING],
      [GLOBEX, 'ica_unknown000'],
    ] as const) {
      const res = await changeRole(partner, id, role);
      expect([partner, id, res.status, res.json]).toStrictEqual([
        partner,
        id,
        404,
        { detail: 'Assignment not found' },
      ]);
    }
    expect(em.assignments()).toEqual(seedAssignments(NOW));
    expect(em.roleChangeCount()).toBe(4);
    expect(em.roleChangeCount(MARCUS_GLOBEX)).toBe(2);
  });
});

describe('routing and auth on the new routes', () => {
  it('answers 404 Not Found for paths of no route, and 405 with Allow for a wrong method', async () => {
    for (const path of [
      '/v2/partners//internal-contacts',
      `/v2/partners/${CONTOSO}`,
      `/v2/partners/${CONTOSO}/internal-contacts/`,
      `/v2/partners/${CONTOSO}/internal-contacts/${PRIYA_CONTOSO}/x`,
      `/v2/partners/${CONTOSO}/contacts`,
      '/v2/partners/%E0%A4%A/internal-contacts',
      '/v1/internal-contacts',
    ]) {
      const res = await callJson(path, { body: { email: PRIYA_EMAIL, internal_role: 'csm' } });
      expect([path, res.status, res.json]).toStrictEqual([path, 404, { detail: 'Not Found' }]);
    }
    for (const [method, path, allow] of [
      ['GET', '/v2/internal-contacts', 'POST'],
      ['PATCH', '/v2/internal-contacts', 'POST'],
      ['PUT', assignPath(CONTOSO), 'POST'],
      ['POST', rolePath(CONTOSO, PRIYA_CONTOSO), 'PATCH'],
    ] as const) {
      const res = await call(path, { method, rawBody: method === 'GET' ? '' : '{}' });
      expect([method, path, res.statusCode, res.headers.allow]).toEqual([method, path, 405, allow]);
      expect(await res.body.json()).toStrictEqual({ detail: 'Method Not Allowed' });
    }
    expect(em.requests.map((r) => r.route)).toEqual([
      'none',
      'none',
      'none',
      'none',
      'none',
      'none',
      'none',
      'create',
      'create',
      'assign',
      'role',
    ]);
    expect(em.assignments()).toEqual(seedAssignments(NOW));
  });

  it('answers 401 without or with a wrong token, before validating the body', async () => {
    for (const [path, method] of [
      ['/v2/internal-contacts', 'POST'],
      [assignPath(CONTOSO), 'POST'],
      [rolePath(CONTOSO, PRIYA_CONTOSO), 'PATCH'],
    ] as const) {
      const missing = await callJson(path, { method, token: null, body: {} });
      expect([path, missing.status, missing.json]).toStrictEqual([
        path,
        401,
        { detail: 'Not authenticated' },
      ]);
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      const wrong = await callJson(path, {
        method,
        token: `${TOKEN}x`,
        body: { email: PRIYA_EMAIL, internal_role: 'csm' },
      });
      expect([path, wrong.status, wrong.json]).toStrictEqual([
        path,
        401,
        { detail: 'Could not validate credentials' },
      ]);
    }
    expect(em.contacts()).toHaveLength(5);
    expect(em.assignments()).toEqual(seedAssignments(NOW));
  });
});

describe('faults on the new routes', () => {
  const newbie = { email: 'new.person@northwind.example', internal_role: 'csm' };

  it('reset: the POST is read and recorded, nothing is created', async () => {
    em.failNext({ kind: 'reset' });
    const err = await call('/v2/internal-contacts', { body: newbie }).catch((e: unknown) => e);
    expectError(err);
    expect(err).toHaveProperty('code', expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/));
    expect(em.contactByEmail(newbie.email)).toBeUndefined();
    expect(em.postCount()).toBe(1);
    expect(em.postCount('create')).toBe(1);
    expect(em.postCount('assign')).toBe(0);
    expect(em.requests[0]).toMatchObject({
      route: 'create',
      body: newbie,
      fault: { kind: 'reset' },
    });
  });

  it('reset-after-apply: the assignment is made, and the answer is lost', async () => {
    em.failNext({ kind: 'reset-after-apply' });
    const err = await call(assignPath(CONTOSO), { body: newbie }).catch((e: unknown) => e);
    expectError(err);
    expect(err).toHaveProperty('code', expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET)$/));
    const created = em.contactByEmail(newbie.email);
    expect(created).toBeDefined();
    expect(em.assignmentsOf(created?.id ?? '')).toEqual([
      expect.objectContaining({ partner_id: CONTOSO, internal_role: 'csm' }),
    ]);
    expect(em.postCount('assign')).toBe(1);

    // On a PATCH too: applied, unanswered.
    em.failNext({ kind: 'reset-after-apply' });
    const patch = await call(rolePath(GLOBEX, MARCUS_GLOBEX), {
      method: 'PATCH',
      body: { internal_role: 'co_lead' },
    }).catch((e: unknown) => e);
    expectError(patch);
    expect(em.assignment(MARCUS_GLOBEX)?.internal_role).toBe('co_lead');
  });

  it('delay: the create is done even when the client gave up', async () => {
    em.failNext({ kind: 'delay', ms: 120 });
    const err = await call('/v2/internal-contacts', { body: newbie, timeoutMs: 30 }).catch(
      (e: unknown) => e,
    );
    expectError(err);
    await waitFor(() => em.contactByEmail(newbie.email) !== undefined);
    expect(em.postCount('create')).toBe(1);
  });

  it('status faults change nothing, and failAlways applies to every route', async () => {
    em.failNext({ kind: 'status', status: 503 });
    expect((await create(newbie)).status).toBe(503);
    expect(em.contactByEmail(newbie.email)).toBeUndefined();

    em.failAlways({ kind: 'status', status: 500 });
    expect((await assign(CONTOSO, newbie)).status).toBe(500);
    expect((await changeRole(GLOBEX, MARCUS_GLOBEX, { internal_role: 'lead' })).status).toBe(500);
    em.failAlways(undefined);
    expect(em.assignment(MARCUS_GLOBEX)?.internal_role).toBe('account_manager');
    expect((await create(newbie)).status).toBe(201);
    expect(em.postCount()).toBe(3);
  });
});

describe('bookkeeping of partners and assignments', () => {
  it('hands out copies, and reset restores partners and assignments', async () => {
    const copy = em.assignment(PRIYA_CONTOSO) as EmulatedAssignment;
    copy.internal_role = 'lead';
    expect(em.assignment(PRIYA_CONTOSO)?.internal_role).toBe('csm');
    const partners = em.partners();
    (partners[0] as { name: string }).name = 'Mutated';
    expect(em.partners()).toEqual(seedPartners());

    await assign(VANDELAY, { email: PRIYA_EMAIL, internal_role: 'csm' });
    await changeRole(CONTOSO, PRIYA_CONTOSO, { internal_role: 'co_lead' });
    em.putPartner({ id: 'ptn_extra0001', name: 'Extra' });
    em.reset();
    expect(em.partners()).toEqual(seedPartners());
    expect(em.assignments()).toEqual(seedAssignments(NOW));
    expect(em.requests).toHaveLength(0);
  });

  it('reset with other contacts drops the assignments of contacts no longer there', () => {
    const [priya] = seedContacts(NOW);
    if (!priya) throw new Error('seed changed');
    em.reset([priya]);
    expect(em.assignments().map((a) => a.internal_contact_id)).toEqual([PRIYA, PRIYA]);
    em.reset(undefined, {
      partners: [{ id: 'ptn_only0001', name: 'Only' }],
      assignments: [],
    });
    expect(em.partners()).toEqual([{ id: 'ptn_only0001', name: 'Only' }]);
    expect(em.assignments()).toEqual([]);
  });

  it('stores an assignment only for a stored contact', () => {
    const base = seedAssignments(NOW)[0] as EmulatedAssignment;
    expect(() => em.putAssignment({ ...base, internal_contact_id: 'ic_nobody00' })).toThrow(
      /no contact/,
    );
    em.putAssignment({ ...base, id: 'ica_put000000001', internal_contact_id: TOM });
    expect(em.assignmentsOf(TOM).map((a) => a.id)).toEqual([TOM_FLOATING, 'ica_put000000001']);
  });

  it('keeps patchCount to the contact route', async () => {
    await changeRole(GLOBEX, MARCUS_GLOBEX, { internal_role: 'lead' });
    await callJson(`/v2/internal-contacts/${PRIYA}`, { method: 'PATCH', body: { name: 'P' } });
    expect(em.patchCount()).toBe(1);
    expect(em.roleChangeCount()).toBe(1);
    expect(em.requests.map((r) => [r.route, r.partnerId, r.assignmentId, r.contactId])).toEqual([
      ['role', GLOBEX, MARCUS_GLOBEX, undefined],
      ['contact', undefined, undefined, PRIYA],
    ]);
  });
});
