import { request } from 'node:http';
import type { BookEntry } from '../../src/book/book';
import { createLogger } from '../../src/logger';
import { type Sandbox, startSandbox } from '../../src/sandbox/start';
import { seedContacts } from '../../src/sandbox/stuut';
import { SEED_PARTNERS, seedAssignments, seedPartners } from '../../src/sandbox/stuut/seed';
import {
  type BookRow,
  compareAssignments,
  compareBook,
  type PageAssignment,
  type PageBookAssignment,
  type PageHistory,
  type PageMember,
  type PagePartner,
  pageAssignments,
  pageChange,
} from '../../src/sandbox/web/server';

interface State {
  instance: string;
  version: number;
  modal: {
    id: string;
    hash: string;
    blocks: { block_id?: string; type: string }[];
    state: { values: Record<string, Record<string, { value?: string | null }>> };
  } | null;
  book: {
    engine: string;
    rows: BookRow[];
    error: string | null;
    assignments: PageBookAssignment[];
    assignmentsError: string | null;
  };
  assignments: PageAssignment[];
  partners: PagePartner[];
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} in time`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

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

  const state = async (query = ''): Promise<State> =>
    (await (await fetch(new URL(`/api/state${query}`, sandbox.url))).json()) as State;

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

  test('answers no state or history to a name that resolves here by DNS rebinding (Host)', async () => {
    const get = (path: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const req = request(
          new URL(path, sandbox.url),
          { headers: { host: `evil.example:${new URL(sandbox.url).port}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await get('/api/state')).toBe(403);
    expect(await get('/api/history?contact=ic_7Qm2xK9a')).toBe(403);
    expect((await fetch(new URL('/api/state', sandbox.url))).status).toBe(200);
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

  test('shows the book beside Stuut: each seeded contact, from Stuut, with when and version', async () => {
    const { book } = await state();
    expect(book.engine).toBe('sqlite');
    expect(book.error).toBeNull();
    expect(book.rows.map((row) => [row.id, row.status])).toEqual(
      seedContacts().map((contact) => [contact.id, 'same']),
    );
    const priya = book.rows.find((row) => row.id === 'ic_7Qm2xK9a')?.entry;
    expect(priya).toMatchObject({
      knownFrom: 'stuut',
      version: 1,
      values: { name: 'Priya Raman', phone: '+14155550123', job_title: 'Customer Success Manager' },
    });
    expect(Date.parse(priya?.seenAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  test('marks a contact Stuut has and the book lacks, and values that differ', async () => {
    const original = sandbox.stuut.contacts();
    const marcus = sandbox.stuut.contact('ic_3Lp8vR2d');
    if (!marcus) throw new Error('seed changed');
    try {
      sandbox.stuut.put({ ...marcus, job_title: 'Head of Sales' });
      sandbox.stuut.put({ ...marcus, id: 'ic_0Unseen01', email: 'unseen@northwind.example' });
      const rows = new Map((await state()).book.rows.map((row) => [row.id, row]));
      expect(rows.get('ic_3Lp8vR2d')).toMatchObject({
        status: 'differs',
        differs: { job_title: 'Head of Sales' },
        entry: { values: { job_title: 'Senior Account Manager' } },
      });
      expect(rows.get('ic_0Unseen01')).toEqual({
        id: 'ic_0Unseen01',
        status: 'missing',
        entry: null,
        differs: {},
      });
    } finally {
      sandbox.stuut.reset(original);
    }
  });

  test('a change as the side panel gets it: before values the bot did not know are marked', () => {
    const change = pageChange(
      {
        id: 7,
        contactId: 'ic_7Qm2xK9a',
        slackUser: 'U0BOB',
        slackTeam: 'T0ACME',
        at: new Date('2026-01-02T03:04:05Z'),
        source: 'undo',
        changes: [
          { field: 'phone', before: undefined, after: '+14155550100' },
          { field: 'job_title', before: null, after: 'Lead' },
        ],
        modifiedAt: '2026-01-02T03:04:05Z',
        undoes: 6,
        undoneBy: null,
        versionAfter: 4,
        assignment: null,
      },
      (id) => (id === 'U0BOB' ? 'Bob' : id),
    );
    expect(change).toEqual({
      id: 7,
      at: '2026-01-02T03:04:05.000Z',
      who: { id: 'U0BOB', name: 'Bob' },
      source: 'undo',
      changes: [
        { field: 'phone', before: null, beforeKnown: false, after: '+14155550100' },
        { field: 'job_title', before: null, beforeKnown: true, after: 'Lead' },
      ],
      modifiedAt: '2026-01-02T03:04:05Z',
      undoes: 6,
      undoneBy: null,
      versionAfter: 4,
    });
  });

  test('lists what only the book knows after Stuut’s contacts', () => {
    const [first] = seedContacts();
    if (!first) throw new Error('seed changed');
    const entry = (id: string): BookEntry => ({
      id,
      values: { ...first, email: `${id}@x.example` },
      knownFrom: 'import',
      modifiedAt: null,
      seenAt: new Date('2026-01-02T03:04:05Z'),
      version: 3,
    });
    const rows = compareBook(
      [first],
      [entry('ic_imported1'), { ...entry(first.id), knownFrom: 'stuut' }],
    );
    expect(rows.map((row) => [row.id, row.status])).toEqual([
      [first.id, 'differs'],
      ['ic_imported1', 'book_only'],
    ]);
    expect(rows[0]?.differs).toEqual({ email: first.email });
    expect(rows[1]?.entry).toMatchObject({
      knownFrom: 'import',
      seenAt: '2026-01-02T03:04:05.000Z',
    });
  });

  test('shows Stuut’s partners with their ids, and each contact’s assignments with roles in words', async () => {
    const { partners, assignments, book } = await state();
    expect(partners).toEqual([
      { id: SEED_PARTNERS.contoso, name: 'Contoso Freight', assignments: 2 },
      { id: SEED_PARTNERS.globex, name: 'Globex Retail', assignments: 1 },
      { id: SEED_PARTNERS.initech, name: 'Initech Health', assignments: 2 },
      { id: SEED_PARTNERS.vandelay, name: 'Vandelay Imports', assignments: 0 },
    ]);
    expect(assignments.map((a) => a.id)).toEqual(sandbox.stuut.assignments().map((a) => a.id));
    const priya = assignments.find((a) => a.id === 'ica_Pr7CsM2kQa9x');
    expect(priya).toEqual({
      id: 'ica_Pr7CsM2kQa9x',
      contactId: 'ic_7Qm2xK9a',
      partnerId: 'ptn_8fK2mQ1x',
      partnerName: 'Contoso Freight',
      role: 'csm',
      roleLabel: 'CSM',
      remoteId: null,
      createdAt: expect.any(String),
      modifiedAt: null,
    });
    expect(assignments.find((a) => a.contactId === 'ic_2Ks6jP4g')).toMatchObject({
      partnerId: null,
      partnerName: null,
      role: 'practice_lead',
      roleLabel: 'Practice lead',
    });
    expect(assignments.find((a) => a.contactId === 'ic_3Lp8vR2d')).toMatchObject({
      roleLabel: 'Account manager',
      partnerName: 'Globex Retail',
      remoteId: 'crm_0042317',
    });
    // The book answers about assignments; whatever it knows of Stuut's agrees with Stuut.
    expect(book.assignmentsError).toBeNull();
    expect(book.assignments.filter((a) => a.status !== 'same')).toEqual([]);
  });

  test('a role changed in Stuut is a new state, shown in words', async () => {
    const HANNAH_INITECH = 'ica_Hw9AeI4pLk2j';
    const original = sandbox.stuut.assignment(HANNAH_INITECH);
    if (!original) throw new Error('seed changed');
    const before = await state();
    const waiting = state(`?since=${before.version}&instance=${before.instance}`);
    try {
      sandbox.stuut.putAssignment({ ...original, internal_role: 'co_lead' });
      const after = await waiting;
      expect(after.version).toBeGreaterThan(before.version);
      expect(after.assignments.find((a) => a.id === HANNAH_INITECH)).toMatchObject({
        role: 'co_lead',
        roleLabel: 'Co-lead',
        partnerName: 'Initech Health',
      });
    } finally {
      sandbox.stuut.putAssignment(original);
    }
  });

  test('compares the book’s assignments with Stuut’s: same, another role, or the book’s only', () => {
    const partners = seedPartners();
    const stuut = pageAssignments(seedAssignments(), partners);
    const [priyaContoso, priyaInitech] = stuut;
    if (!priyaContoso || !priyaInitech) throw new Error('seed changed');
    const seenAt = new Date('2026-01-02T03:04:05Z');
    const entry = (id: string, role: string, partnerId: string | null) => ({
      id,
      contactId: 'ic_7Qm2xK9a',
      partnerId,
      role,
      remoteId: null,
      createdAt: '2026-01-01T00:00:00Z',
      modifiedAt: null,
      seenAt,
    });
    const rows = compareAssignments(
      stuut,
      [
        entry(priyaContoso.id, 'csm', SEED_PARTNERS.contoso),
        entry(priyaInitech.id, 'lead', SEED_PARTNERS.initech),
        entry('ica_gone00000001', 'account_executive', 'ptn_unknown001'),
        entry('ica_float0000001', 'co_lead', null),
      ],
      partners,
    );
    expect(rows.map((r) => [r.id, r.status, r.roleLabel, r.stuutRoleLabel, r.partnerName])).toEqual(
      [
        [priyaContoso.id, 'same', 'CSM', null, 'Contoso Freight'],
        [priyaInitech.id, 'differs', 'Lead', 'CSM', 'Initech Health'],
        ['ica_gone00000001', 'book_only', 'Account executive', null, null],
        ['ica_float0000001', 'book_only', 'Co-lead', null, null],
      ],
    );
    expect(rows[1]).toMatchObject({ stuutRole: 'csm', seenAt: '2026-01-02T03:04:05.000Z' });
  });

  test('a role change as the side panel’s history gets it: the roles in words, the partner named', () => {
    const base = {
      id: 9,
      contactId: 'ic_7Qm2xK9a',
      slackUser: 'U0ALICE',
      slackTeam: null,
      at: new Date('2026-01-02T03:04:05Z'),
      changes: [],
      modifiedAt: '2026-01-02T03:04:05Z',
      undoes: null,
      undoneBy: null,
      versionAfter: 2,
    };
    const partnerName = (id: string) => (id === SEED_PARTNERS.contoso ? 'Contoso Freight' : null);
    const role = pageChange(
      {
        ...base,
        source: 'role',
        assignment: {
          assignmentId: 'ica_Pr7CsM2kQa9x',
          partnerId: SEED_PARTNERS.contoso,
          roleBefore: 'csm',
          roleAfter: 'co_lead',
        },
      },
      () => 'Alice Example',
      partnerName,
    );
    expect(role.assignment).toEqual({
      assignmentId: 'ica_Pr7CsM2kQa9x',
      partnerId: SEED_PARTNERS.contoso,
      partnerName: 'Contoso Freight',
      roleBefore: 'csm',
      roleBeforeLabel: 'CSM',
      roleAfter: 'co_lead',
      roleAfterLabel: 'Co-lead',
    });
    const added = pageChange(
      {
        ...base,
        source: 'add',
        assignment: {
          assignmentId: 'ica_new000000001',
          partnerId: null,
          roleBefore: null,
          roleAfter: 'practice_lead',
        },
      },
      () => 'Alice Example',
      partnerName,
    );
    expect(added.assignment).toMatchObject({
      partnerName: null,
      roleBefore: null,
      roleBeforeLabel: null,
      roleAfterLabel: 'Practice lead',
    });
    expect(pageChange({ ...base, source: 'form', assignment: null }, () => 'A')).not.toHaveProperty(
      'assignment',
    );
  });

  test('a page waiting for the next state is answered when something changes', async () => {
    const before = await state();
    const started = Date.now();
    const waiting = state(`?since=${before.version}`);
    // A stale version is answered at once.
    expect((await state(`?since=${before.version - 1}`)).version).toBe(before.version);
    await post('/api/command', { text: 'help' });
    const after = await waiting;
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.instance).toBe(before.instance);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('an edit of a message in place (chat.update) is a new state', async () => {
    const call = async (method: string, args: Record<string, unknown>) =>
      (await (
        await fetch(`${sandbox.slack.apiUrl}${method}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${sandbox.slack.botToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(args),
        })
      ).json()) as { ok: boolean; ts?: string };
    const posted = await call('chat.postMessage', { channel: 'C0OPS', text: 'before the edit' });
    const before = await state();
    // Each edit is a new state: the page must show the new content.
    for (const text of ['edited once', 'edited twice']) {
      const version = (await state()).version;
      expect((await call('chat.update', { channel: 'C0OPS', ts: posted.ts, text })).ok).toBe(true);
      const after = (await state()) as State & { messages: { ts: string; text: string }[] };
      expect(after.version).toBeGreaterThan(version);
      expect(after.messages.find((m) => m.ts === posted.ts)?.text).toBe(text);
    }
    expect((await state()).version).toBeGreaterThan(before.version);
  });

  test('gives the history of one contact from the book, newest first, a page at a time', async () => {
    const HANNAH = 'ic_9Tz4nW6e';
    const history = async (query: string) => {
      const response = await fetch(new URL(`/api/history?${query}`, sandbox.url));
      return { status: response.status, body: (await response.json()) as PageHistory };
    };
    expect((await history(`contact=${HANNAH}`)).body).toEqual({
      ok: true,
      contactId: HANNAH,
      changes: [],
      hasOlder: false,
    });

    for (const title of ['Account Director, EMEA', 'VP Sales, EMEA']) {
      await post('/api/command', { text: `update ${HANNAH} job_title="${title}"` });
      const form = await waitFor(async () => (await state()).modal ?? undefined, 'form');
      await post('/api/modal/submit', { viewId: form.id, values: {} });
      await waitFor(
        async () => (sandbox.stuut.contact(HANNAH)?.job_title === title ? true : undefined),
        'saved job title',
      );
      await post('/api/modal/close', { viewId: (await state()).modal?.id ?? form.id });
    }

    const all = await waitFor(async () => {
      const { body } = await history(`contact=${HANNAH}`);
      return body.ok && body.changes.length === 2 ? body : undefined;
    }, 'two changes');
    expect(all.changes.map((c) => [c.source, c.who, c.changes])).toEqual([
      [
        'form',
        { id: 'U0ALICE', name: 'Alice Example' },
        [
          {
            field: 'job_title',
            before: 'Account Director, EMEA',
            beforeKnown: true,
            after: 'VP Sales, EMEA',
          },
        ],
      ],
      [
        'form',
        { id: 'U0ALICE', name: 'Alice Example' },
        [
          {
            field: 'job_title',
            before: 'Account Executive, EMEA',
            beforeKnown: true,
            after: 'Account Director, EMEA',
          },
        ],
      ],
    ]);
    expect(all.changes[0]?.id).toBeGreaterThan(all.changes[1]?.id ?? Infinity);
    expect(all.hasOlder).toBe(false);

    const first = await history(`contact=${HANNAH}&limit=1`);
    expect(first.body).toMatchObject({ ok: true, hasOlder: true });
    expect(first.body.ok && first.body.changes.map((c) => c.id)).toEqual([all.changes[0]?.id]);

    for (const bad of ['', 'contact=', `contact=${HANNAH}&limit=0`, `contact=${HANNAH}&limit=x`]) {
      expect((await history(bad)).status).toBe(400);
    }
    expect((await history(`contact=${HANNAH}&limit=100000`)).status).toBe(400);
  });

  test('plays the type-ahead picker: options from the bot, and a choice that refills the form', async () => {
    await post('/api/command', { text: 'update' });
    const form = await waitFor(async () => (await state()).modal ?? undefined, 'picker form');
    const options = (await (
      await post('/api/options', { viewId: form.id, actionId: 'contact_pick', value: 'pri' })
    ).json()) as { ok: boolean; options: { text: { text: string }; value: string }[] };
    expect(options.ok).toBe(true);
    const priya = options.options.find((option) => option.value === 'ic_7Qm2xK9a');
    expect(priya?.text.text).toContain('Priya Raman');

    const chosen = await post('/api/select', {
      viewId: form.id,
      actionId: 'contact_pick',
      option: priya,
    });
    expect(await chosen.json()).toMatchObject({ ok: true });
    const refilled = await waitFor(async () => {
      const modal = (await state()).modal;
      return modal && modal.hash !== form.hash ? modal : undefined;
    }, 'refilled form');
    const values = Object.entries(refilled.state.values);
    const jobTitle = values.find(([blockId]) => blockId.startsWith('job_title'))?.[1];
    expect(jobTitle?.value?.value).toBe('Customer Success Manager');
    await post('/api/modal/close', { viewId: refilled.id });
  });

  test('Enter in the assign form’s email input reaches the bot, which grows the form', async () => {
    await post('/api/command', { text: 'assign' });
    const form = await waitFor(async () => {
      const modal = (await state()).modal;
      return modal?.blocks.some((b) => b.block_id === 'assign_email') ? modal : undefined;
    }, 'assign form');
    expect(form.blocks.some((b) => b.block_id === 'assign_given_name')).toBe(false);
    const response = await post('/api/enter', {
      viewId: form.id,
      blockId: 'assign_email',
      value: 'grace.hopper@northwind.example',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, dispatched: true });
    const grown = await waitFor(async () => {
      const modal = (await state()).modal;
      return modal?.blocks.some((b) => b.block_id === 'assign_given_name') ? modal : undefined;
    }, 'grown form');
    expect(grown.state.values.assign_email?.assign_email?.value).toBe(
      'grace.hopper@northwind.example',
    );

    // Enter in an input whose block does not dispatch: Slack sends nothing.
    const quiet = await post('/api/enter', {
      viewId: grown.id,
      blockId: 'assign_partner',
      value: 'ptn_Zr4Hk7Yb',
    });
    expect(await quiet.json()).toMatchObject({ ok: true, dispatched: false });
    await post('/api/modal/close', { viewId: grown.id });
  });

  test('bad Enter requests are answered 400', async () => {
    const cases: unknown[] = [
      {},
      { viewId: 'V000000000', blockId: 'assign_email' },
      { viewId: 'V000000000', blockId: 'assign_email', value: 42 },
      { viewId: 'V000000000', blockId: 'assign_email', value: 'x'.repeat(3_001) },
      // A view that is not open.
      { viewId: 'V000000000', blockId: 'assign_email', value: 'a@b.example' },
    ];
    for (const body of cases) {
      const response = await post('/api/enter', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ ok: false });
    }
  });

  test('lists the Slack members, and a profile edit reaches the bot as user_change', async () => {
    const before = (await state()) as State & { members: PageMember[] };
    const siobhan = before.members.find((m) => m.id === 'U0SIOBHAN');
    expect(siobhan).toMatchObject({
      name: "Siobhán O'Connor",
      email: 'siobhan.oconnor@northwind.example',
      title: 'Customer Success Lead',
      phone: '',
      deleted: false,
      isBot: false,
    });
    expect(before.members.find((m) => m.id === 'U0DANA')).toMatchObject({ deleted: true });
    expect(before.members.find((m) => m.id === 'USLACKBOT')).toMatchObject({ isBot: true });
    expect(before.members.find((m) => m.id === sandbox.slack.botUserId)).toMatchObject({
      isBot: true,
    });

    const response = await post('/api/member/profile', {
      userId: 'U0SIOBHAN',
      title: ' Director, Customer Success ',
      phone: '+353 1 555 0199',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      changed: true,
      acknowledged: true,
      status: 200,
    });
    expect(sandbox.slack.member('U0SIOBHAN')?.profile).toMatchObject({
      title: 'Director, Customer Success',
      phone: '+353 1 555 0199',
    });
    const after = (await state()) as State & { members: PageMember[] };
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.members.find((m) => m.id === 'U0SIOBHAN')).toMatchObject({
      title: 'Director, Customer Success',
      phone: '+353 1 555 0199',
    });

    // The same values again: nothing changes, and Slack sends no event.
    const same = await post('/api/member/profile', {
      userId: 'U0SIOBHAN',
      title: 'Director, Customer Success',
      phone: '+353 1 555 0199',
    });
    expect(await same.json()).toEqual({ ok: true, changed: false });
  });

  test('bad profile edits are answered 400, and change nobody', async () => {
    const members = sandbox.slack.members();
    const cases: unknown[] = [
      {},
      { title: 'x' },
      { userId: 'U0PRIYA' },
      { userId: 'U0PRIYA', title: 42 },
      { userId: 'U0PRIYA', title: 'x'.repeat(251) },
      { userId: 'not a user', title: 'x' },
      { userId: 'U0NOBODY', title: 'x' },
      { userId: 'U0DANA', title: 'Back again' },
      { userId: 'USLACKBOT', title: 'Bot' },
      { userId: sandbox.slack.botUserId, title: 'Bot' },
    ];
    for (const body of cases) {
      const response = await post('/api/member/profile', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ ok: false });
    }
    expect(sandbox.slack.members()).toEqual(members);
  });

  test('an option request for a view that is not open is a 400, not a crash', async () => {
    const response = await post('/api/options', {
      viewId: 'V000000000',
      actionId: 'x',
      value: 'a',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not open/),
    });
  });
});
