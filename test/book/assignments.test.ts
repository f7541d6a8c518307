import { Migrator, sql } from 'kysely';
import type { Book } from '../../src/book/book';
import type { ChangeSource, NewAssignmentChange } from '../../src/book/history';
import { bookMigrations } from '../../src/book/migrations';
import { openBook } from '../../src/book/open';
import type { Assignment } from '../../src/domain/assignment';
import type { ContactValues, InternalContact } from '../../src/domain/contact';
import { CONTACT_FIELDS } from '../../src/domain/contact';
import { booksOn, ENGINES, kyselyFor, unopenedLocation } from './engines';

/**
 * The book's assignments, on SQLite and on PostgreSQL: what a create, an assign and a role
 * change teach it (the contact, the assignment, and the change with its role before and
 * after, in one transaction); the role-change claim, whose row count decides across
 * instances; undo, forget, pruning, and a book migrated from before assignments existed.
 */

const NOW = new Date('2026-11-02T10:00:00.000Z');
const DAY_MS = 24 * 60 * 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

const PRIYA_VALUES: ContactValues = {
  email: 'priya.raman@example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  name: null,
  phone: '+14155550100',
  job_title: 'Customer Success Manager',
};

function contact(id = 'ic_priya', values: Partial<ContactValues> = {}): InternalContact {
  return {
    id,
    object: 'internal_contact',
    created_at: '2024-01-02T03:04:05Z',
    modified_at: '2026-11-02T09:59:59Z',
    ...PRIYA_VALUES,
    ...values,
  };
}

/** Stuut's answer to a create (floating), an assign or a role change. */
function answer(
  id: string,
  partnerId: string | null,
  role: string,
  more: Partial<Omit<Assignment, 'internal_contact'>> & { contact?: InternalContact } = {},
): Assignment {
  const { contact: nested, ...rest } = more;
  return {
    id,
    object: 'internal_contact_assignment',
    created_at: '2026-11-01T08:00:00Z',
    modified_at: null,
    partner_id: partnerId,
    internal_role: role,
    remote_id: null,
    internal_contact: nested ?? contact(),
    ...rest,
  };
}

function change(
  source: ChangeSource,
  more: Partial<NewAssignmentChange> = {},
): NewAssignmentChange {
  return {
    slackUser: 'U0ALICE',
    slackTeam: 'T0ACME',
    source,
    changes: [],
    modifiedAt: '2026-11-02T09:59:59Z',
    ...more,
  };
}

/** A create records every value it gave, befores unknown. */
const CREATED_FIELDS = CONTACT_FIELDS.filter((field) => PRIYA_VALUES[field] !== null).map(
  (field) => ({ field, before: undefined, after: PRIYA_VALUES[field] }),
);

describe.each(ENGINES)('assignments in the book on %s', (name, makeEngine) => {
  const engine = makeEngine();
  const { current, open } = booksOn(engine);
  let book: Book;
  beforeEach(() => {
    book = current();
  });

  /** `/contact add`: Priya created with a floating CSM assignment. */
  function created(seenAt = at(-60_000)) {
    return book.learnAssignment(
      answer('ica_float', null, 'csm'),
      seenAt,
      change('add', { changes: CREATED_FIELDS }),
    );
  }

  /** `/contact assign` or a role change on partner ptn_abc123. */
  function onPartner(role: string, source: ChangeSource = 'assign', seenAt = NOW, more = {}) {
    return book.learnAssignment(
      answer('ica_abc', 'ptn_abc123', role, {
        remote_id: 'crm-42',
        modified_at: seenAt.toISOString(),
      }),
      seenAt,
      change(source, more),
    );
  }

  describe('learnAssignment', () => {
    it('a create: the contact (searchable), its floating assignment and an "add" change', async () => {
      const result = await created(NOW);
      expect(result.previous).toBeNull();
      expect(result.current).toMatchObject({ id: 'ic_priya', values: PRIYA_VALUES, version: 1 });
      expect(result.previousAssignment).toBeNull();
      expect(result.assignment).toEqual({
        id: 'ica_float',
        contactId: 'ic_priya',
        partnerId: null,
        role: 'csm',
        remoteId: null,
        createdAt: '2026-11-01T08:00:00Z',
        modifiedAt: null,
        seenAt: NOW,
      });
      expect(result.change).toEqual({
        id: expect.any(Number),
        contactId: 'ic_priya',
        slackUser: 'U0ALICE',
        slackTeam: 'T0ACME',
        at: NOW,
        source: 'add',
        changes: CREATED_FIELDS,
        modifiedAt: '2026-11-02T09:59:59Z',
        undoes: null,
        undoneBy: null,
        versionAfter: 1,
        assignment: {
          assignmentId: 'ica_float',
          partnerId: null,
          roleBefore: null,
          roleAfter: 'csm',
        },
      });
      expect(await book.getChange(result.change.id)).toEqual(result.change);
      expect((await book.history('ic_priya', { limit: 10 })).changes).toEqual([result.change]);

      const found = await book.search('priya', 10);
      expect(found.matches.map((m) => m.id)).toEqual(['ic_priya']);
      expect((await book.findByEmail('Priya.Raman@example.com'))?.id).toBe('ic_priya');
      expect(await book.assignmentsOf('ic_priya')).toEqual([result.assignment]);
      expect(await book.getAssignment('ica_float')).toEqual(result.assignment);
    });

    it('an assign to a partner: a new assignment beside the floating one, role from nothing', async () => {
      await created();
      const result = await onPartner('account_manager');
      // Stuut answered with the values the book had: the contact's version stays.
      expect(result.previous?.version).toBe(1);
      expect(result.current.version).toBe(1);
      expect(result.previousAssignment).toBeNull();
      expect(result.assignment).toMatchObject({
        id: 'ica_abc',
        partnerId: 'ptn_abc123',
        role: 'account_manager',
        remoteId: 'crm-42',
        modifiedAt: NOW.toISOString(),
      });
      expect(result.change).toMatchObject({
        source: 'assign',
        changes: [],
        versionAfter: 1,
        assignment: {
          assignmentId: 'ica_abc',
          partnerId: 'ptn_abc123',
          roleBefore: null,
          roleAfter: 'account_manager',
        },
      });
      expect((await book.assignmentsOf('ic_priya')).map((a) => [a.id, a.role])).toEqual([
        ['ica_abc', 'account_manager'],
        ['ica_float', 'csm'],
      ]);
    });

    it('a role change records the role before and after, and keeps one row', async () => {
      await created();
      await onPartner('account_manager', 'assign', at(1000));
      const result = await onPartner('co_lead', 'role', at(2000));
      expect(result.previousAssignment?.role).toBe('account_manager');
      expect(result.assignment.role).toBe('co_lead');
      expect(result.assignment.seenAt).toEqual(at(2000));
      expect(result.change.assignment).toEqual({
        assignmentId: 'ica_abc',
        partnerId: 'ptn_abc123',
        roleBefore: 'account_manager',
        roleAfter: 'co_lead',
      });
      expect((await book.getAssignment('ica_abc'))?.role).toBe('co_lead');
      expect(await book.assignmentsOf('ic_priya')).toHaveLength(2);
      const { changes } = await book.history('ic_priya', { limit: 10 });
      expect(
        changes.map((c) => [c.source, c.assignment?.roleBefore, c.assignment?.roleAfter]),
      ).toEqual([
        ['role', 'account_manager', 'co_lead'],
        ['assign', null, 'account_manager'],
        ['add', null, 'csm'],
      ]);
    });

    it('learns the nested contact as learn does: new values make a new version, befores filled', async () => {
      await created();
      const result = await book.learnAssignment(
        answer('ica_abc', 'ptn_abc123', 'csm', {
          contact: contact('ic_priya', { phone: '+12125550147' }),
        }),
        NOW,
        change('assign', {
          changes: [{ field: 'phone', before: undefined, after: '+12125550147' }],
        }),
      );
      expect(result.previous?.values.phone).toBe(PRIYA_VALUES.phone);
      expect(result.current.version).toBe(2);
      expect(result.change.versionAfter).toBe(2);
      expect(result.change.changes).toEqual([
        { field: 'phone', before: PRIYA_VALUES.phone, after: '+12125550147' },
      ]);
      expect((await book.get('ic_priya'))?.values.phone).toBe('+12125550147');
    });

    it('an assign that finds a contact the book never saw learns her too', async () => {
      const result = await book.learnAssignment(
        answer('ica_ram', 'ptn_abc123', 'lead', {
          contact: contact('ic_ram', { email: 'ram@example.org', given_name: 'Ram' }),
        }),
        NOW,
        change('assign'),
      );
      expect(result.previous).toBeNull();
      expect(result.change.contactId).toBe('ic_ram');
      expect((await book.search('ram', 10)).matches.map((m) => m.id)).toEqual(['ic_ram']);
      expect((await book.assignmentsOf('ic_ram')).map((a) => a.id)).toEqual(['ica_ram']);
      expect(await book.assignmentsOf('ic_priya')).toEqual([]);
    });

    it('keeps a role Stuut added since, as Stuut spells it', async () => {
      await created();
      const result = await onPartner('deal_desk');
      expect(result.assignment.role).toBe('deal_desk');
      expect((await book.getChange(result.change.id))?.assignment?.roleAfter).toBe('deal_desk');
    });

    it('the contact, the assignment and the change commit together or not at all', async () => {
      await expect(
        book.learnAssignment(
          answer('ica_float', null, 'csm'),
          NOW,
          change('bogus' as ChangeSource),
        ),
      ).rejects.toThrow(/unknown source/);
      expect(await book.get('ic_priya')).toBeNull();
      expect(await book.getAssignment('ica_float')).toBeNull();
      expect(await book.search('priya', 10)).toEqual({ matches: [], total: 0 });

      await created();
      await onPartner('account_manager');
      await expect(onPartner('csm', 'bogus' as ChangeSource)).rejects.toThrow(/unknown source/);
      expect((await book.getAssignment('ica_abc'))?.role).toBe('account_manager');
    });
  });

  describe('assignmentsOf and getAssignment', () => {
    it('partners first by partner id (code unit order on both engines), then id; floating last', async () => {
      await created();
      const learn = (id: string, partner: string | null) =>
        book.learnAssignment(answer(id, partner, 'lead'), NOW, change('assign'));
      await learn('ica_2', 'ptn_b');
      await learn('ica_9', 'ptn_a');
      await learn('ica_1', 'ptn_b');
      await learn('ica_0', null);
      await learn('ica_5', 'ptn_Z'); // upper case sorts before lower case, whatever the collation
      await learn('ica_3', 'ptn_a-x');
      expect((await book.assignmentsOf('ic_priya')).map((a) => [a.partnerId, a.id])).toEqual([
        ['ptn_Z', 'ica_5'],
        ['ptn_a', 'ica_9'],
        ['ptn_a-x', 'ica_3'],
        ['ptn_b', 'ica_1'],
        ['ptn_b', 'ica_2'],
        [null, 'ica_0'],
        [null, 'ica_float'],
      ]);
    });

    it('nothing for a contact without assignments, or an assignment the book does not know', async () => {
      await book.learn(contact(), NOW);
      expect(await book.assignmentsOf('ic_priya')).toEqual([]);
      expect(await book.assignmentsOf('ic_nobody')).toEqual([]);
      expect(await book.getAssignment('ica_nothing')).toBeNull();
    });
  });

  describe('claimAssignment and releaseAssignment', () => {
    const lease = 25_000;
    const claim = (role: string, owner = 'V_FORM_1', now = NOW, target = book, id = 'ica_abc') =>
      target.claimAssignment(id, role, at(now.getTime() - NOW.getTime() + lease), now, owner);

    beforeEach(async () => {
      await created();
      await onPartner('account_manager');
    });

    it('claims the role the book holds; another form while the lease runs is busy', async () => {
      expect(await claim('account_manager')).toEqual({ kind: 'claimed' });
      expect(await claim('account_manager', 'V_FORM_2')).toEqual({ kind: 'busy' });
      expect(await claim('account_manager', 'V_FORM_2', at(lease - 1))).toEqual({ kind: 'busy' });
    });

    it('the owner’s own retry is claimed again (after a failure that may have landed)', async () => {
      expect(await claim('account_manager')).toEqual({ kind: 'claimed' });
      expect(await claim('account_manager', 'V_FORM_1', at(1000))).toEqual({ kind: 'claimed' });
      // …and its lease runs from the retry.
      expect(await claim('account_manager', 'V_FORM_2', at(lease + 500))).toEqual({ kind: 'busy' });
    });

    it('a role other than the book’s is stale, with the current role', async () => {
      expect(await claim('csm')).toEqual({ kind: 'stale', current: 'account_manager' });
      // Stale wins over busy: the form is told the role changed.
      expect(await claim('account_manager')).toEqual({ kind: 'claimed' });
      expect(await claim('csm', 'V_FORM_2')).toEqual({ kind: 'stale', current: 'account_manager' });
    });

    it('an assignment the book does not know is missing', async () => {
      expect(await claim('csm', 'V_FORM_1', NOW, book, 'ica_nothing')).toEqual({
        kind: 'missing',
      });
    });

    it('a lease lapses by itself at its end (a crash between claim and save)', async () => {
      expect(await claim('account_manager')).toEqual({ kind: 'claimed' });
      expect(await claim('account_manager', 'V_FORM_2', at(lease))).toEqual({ kind: 'claimed' });
      expect(await claim('account_manager', 'V_FORM_3', at(lease + 1))).toEqual({ kind: 'busy' });
    });

    it('releaseAssignment frees it at once (a definite refusal from Stuut)', async () => {
      expect(await claim('account_manager')).toEqual({ kind: 'claimed' });
      await book.releaseAssignment('ica_abc');
      expect(await claim('account_manager', 'V_FORM_2')).toEqual({ kind: 'claimed' });
      await book.releaseAssignment('ica_nothing'); // nothing to release: no error
    });

    it('learning the role change ends the claim: the new role is free at once', async () => {
      expect(await claim('account_manager')).toEqual({ kind: 'claimed' });
      await onPartner('csm', 'role');
      expect(await claim('account_manager', 'V_FORM_2')).toEqual({ kind: 'stale', current: 'csm' });
      expect(await claim('csm', 'V_FORM_2')).toEqual({ kind: 'claimed' });
    });

    it('a claim on one assignment leaves the contact’s others free', async () => {
      expect(await claim('account_manager')).toEqual({ kind: 'claimed' });
      expect(await claim('csm', 'V_FORM_2', NOW, book, 'ica_float')).toEqual({ kind: 'claimed' });
    });

    it('many claims of one role at the same moment: exactly one is claimed', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => claim('account_manager', `V_FORM_${i}`)),
      );
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(11);
    });
  });

  describe('undo of a role change', () => {
    it('records the role restored and marks the change it undid, for good', async () => {
      await created();
      await onPartner('account_manager', 'assign', at(1000));
      const roleChange = (await onPartner('csm', 'role', at(2000))).change;
      expect(await book.claimUndo(roleChange.id, at(25_000), NOW)).toEqual({ kind: 'claimed' });
      const undo = await onPartner('account_manager', 'undo', at(3000), {
        undoes: roleChange.id,
        slackUser: 'U0BOB',
      });
      expect(undo.change).toMatchObject({
        source: 'undo',
        slackUser: 'U0BOB',
        undoes: roleChange.id,
        undoneBy: null,
        assignment: { roleBefore: 'csm', roleAfter: 'account_manager' },
      });
      expect((await book.getChange(roleChange.id))?.undoneBy).toBe(undo.change.id);
      expect(await book.claimUndo(roleChange.id, at(25_000), at(100_000))).toEqual({
        kind: 'undone',
        by: undo.change.id,
      });
      expect((await book.getAssignment('ica_abc'))?.role).toBe('account_manager');
    });
  });

  describe('forget', () => {
    it('removes the contact’s assignments with it, and only its', async () => {
      await created();
      await onPartner('account_manager');
      await book.learnAssignment(
        answer('ica_ram', 'ptn_abc123', 'lead', {
          contact: contact('ic_ram', { email: 'ram@example.org', given_name: 'Ram' }),
        }),
        NOW,
        change('assign'),
      );
      expect(await book.forget('ic_priya')).toBe(true);
      expect(await book.assignmentsOf('ic_priya')).toEqual([]);
      expect(await book.getAssignment('ica_abc')).toBeNull();
      expect(await book.getAssignment('ica_float')).toBeNull();
      expect(await book.claimAssignment('ica_abc', 'account_manager', at(1), NOW, 'V')).toEqual({
        kind: 'missing',
      });
      expect(await book.history('ic_priya', { limit: 10 })).toEqual({
        changes: [],
        hasOlder: false,
      });
      expect((await book.assignmentsOf('ic_ram')).map((a) => a.id)).toEqual(['ica_ram']);
      // Learned again, it comes back.
      await onPartner('csm', 'role');
      expect((await book.getAssignment('ica_abc'))?.role).toBe('csm');
    });
  });

  describe('pruneHistory', () => {
    it('prunes old role changes like any change; the assignments themselves stay', async () => {
      const old = (await created(at(-400 * DAY_MS))).change;
      const recent = (await onPartner('lead', 'assign', at(-1 * DAY_MS))).change;
      expect(await book.pruneHistory(at(-365 * DAY_MS), 10)).toBe(1);
      expect(await book.getChange(old.id)).toBeNull();
      expect((await book.getChange(recent.id))?.assignment?.roleAfter).toBe('lead');
      expect((await book.assignmentsOf('ic_priya')).map((a) => a.id)).toEqual([
        'ica_abc',
        'ica_float',
      ]);
    });
  });

  if (name === 'PostgreSQL') {
    describe('two instances on one database', () => {
      it('racing claimAssignment on one role: exactly one claimed, round after round', async () => {
        const others = [await open(), await open()];
        const instances = [book, ...others];
        await created();
        await onPartner('lead');
        const roles = ['csm', 'co_lead', 'practice_lead', 'lead'];
        for (let round = 0; round < 10; round++) {
          const role = (await book.getAssignment('ica_abc'))?.role ?? '';
          const results = await Promise.all(
            instances.flatMap((instance, i) => [
              instance.claimAssignment('ica_abc', role, at(25_000), NOW, `V_${round}_${i}_a`),
              instance.claimAssignment('ica_abc', role, at(25_000), NOW, `V_${round}_${i}_b`),
            ]),
          );
          expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
          expect(results.filter((r) => r.kind === 'busy')).toHaveLength(results.length - 1);
          // The winner changes the role: the next round claims the new one.
          const next = roles[round % roles.length] as string;
          await others[round % 2]?.learnAssignment(
            answer('ica_abc', 'ptn_abc123', next),
            at(round),
            change('role'),
          );
          expect(await book.claimAssignment('ica_abc', role, at(25_000), NOW, 'late')).toEqual({
            kind: 'stale',
            current: next,
          });
        }
      });

      it('the same assignment learned on two instances at once: one row, both changes', async () => {
        const other = await open();
        await created();
        const [a, b] = await Promise.all([
          book.learnAssignment(answer('ica_abc', 'ptn_abc123', 'csm'), NOW, change('assign')),
          other.learnAssignment(answer('ica_abc', 'ptn_abc123', 'csm'), NOW, change('assign')),
        ]);
        expect([a.previousAssignment, b.previousAssignment].filter((p) => p === null)).toHaveLength(
          1,
        );
        expect(await book.assignmentsOf('ic_priya')).toHaveLength(2);
        expect((await book.history('ic_priya', { limit: 10 })).changes).toHaveLength(3);
      });
    });
  }
});

describe.each(ENGINES)('a book on %s migrated from before assignments', (name, makeEngine) => {
  const engine = makeEngine();
  beforeEach(() => engine.reset());
  afterAll(() => engine.dispose());

  it('keeps the contacts and changes it had; their changes have no assignment', async () => {
    const location = await unopenedLocation(name, engine);
    const db = kyselyFor(location);
    try {
      const migrator = new Migrator({ db, provider: bookMigrations(location.engine) });
      const { error } = await migrator.migrateTo('0002_history_and_claims');
      expect(error).toBeUndefined();
      // What 0002's book wrote: a contact and one saved change.
      await sql`insert into contacts
        (id, email, email_lower, given_name, family_name, known_from, modified_at, seen_at, version)
        values ('ic_priya', 'priya.raman@example.com', 'priya.raman@example.com', 'Priya',
                'Raman', 'stuut', null, ${NOW.toISOString()}, 2)`.execute(db);
      await sql`insert into contact_changes
        (contact_id, slack_user, slack_team, at, source, changes, modified_at, version_after)
        values ('ic_priya', 'U0ALICE', null, ${NOW.toISOString()}, 'form',
                '[{"f":"phone","b":null,"a":"+14155550100"}]', null, 2)`.execute(db);
    } finally {
      await db.destroy();
    }

    const book = await openBook(location);
    try {
      const { changes } = await book.history('ic_priya', { limit: 10 });
      expect(changes).toEqual([
        expect.objectContaining({
          source: 'form',
          changes: [{ field: 'phone', before: null, after: '+14155550100' }],
          assignment: null,
        }),
      ]);
      expect(await book.getChange(changes[0]?.id ?? 0)).toEqual(changes[0]);
      expect(await book.assignmentsOf('ic_priya')).toEqual([]);
      const learned = await book.learnAssignment(
        answer('ica_abc', 'ptn_abc123', 'csm'),
        at(1000),
        change('assign'),
      );
      expect(learned.previous?.version).toBe(2);
      expect(learned.change.assignment?.roleAfter).toBe('csm');
      expect(await book.changesSince('ic_priya', 0)).toEqual([changes[0], learned.change]);
    } finally {
      await book.close();
    }
  });
});
