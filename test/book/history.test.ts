import type { Book } from '../../src/book/book';
import type { ChangeSource, NewChange } from '../../src/book/history';
import type { ContactValues, InternalContact } from '../../src/domain/contact';
import type { FieldChange } from '../../src/domain/diff';
import { booksOn, ENGINES } from './engines';

/**
 * The book's history contract, on SQLite and on PostgreSQL: changes recorded with the values
 * they came with, paged newest first; the save claim (compare-and-set on the version) and the
 * undo claim (a lease), whose row counts decide across instances; pruning; forget.
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

function contact(id: string, values: Partial<ContactValues> = {}): InternalContact {
  return {
    id,
    object: 'internal_contact',
    created_at: '2024-01-02T03:04:05Z',
    modified_at: '2026-11-02T09:59:59Z',
    ...PRIYA_VALUES,
    ...values,
  };
}

function newChange(
  contactId: string,
  changes: FieldChange[],
  more: Partial<NewChange> = {},
): NewChange {
  return {
    contactId,
    slackUser: 'U0ALICE',
    slackTeam: 'T0ACME',
    source: 'form',
    changes,
    modifiedAt: '2026-11-02T09:59:59Z',
    ...more,
  };
}

describe.each(ENGINES)('history in the book on %s', (name, makeEngine) => {
  const engine = makeEngine();
  const { current, open } = booksOn(engine);
  let book: Book;
  beforeEach(() => {
    book = current();
  });

  /** Priya learned from Stuut once (version 1), as a save's answer would. */
  async function known(id = 'ic_priya') {
    return book.learn(contact(id), at(-60_000));
  }

  /** A save of Priya's phone: Stuut's answer and the change, as the save flow records them. */
  function savePhone(phone: string, seenAt = NOW, more: Partial<NewChange> = {}, id = 'ic_priya') {
    return book.learnChange(
      contact(id, { phone }),
      seenAt,
      newChange(id, [{ field: 'phone', before: undefined, after: phone }], more),
    );
  }

  describe('learnChange', () => {
    it('learns the values and records the change in one go, befores filled from the book', async () => {
      await known();
      const result = await book.learnChange(
        contact('ic_priya', { phone: '+12125550147', job_title: null }),
        NOW,
        newChange('ic_priya', [
          // The form knew the title; it did not know the phone.
          { field: 'phone', before: undefined, after: '+12125550147' },
          { field: 'job_title', before: 'CSM as the form saw it', after: null },
        ]),
      );
      expect(result.previous?.version).toBe(1);
      expect(result.current.version).toBe(2);
      expect(result.current.values.phone).toBe('+12125550147');
      expect(result.change).toEqual({
        id: expect.any(Number),
        contactId: 'ic_priya',
        slackUser: 'U0ALICE',
        slackTeam: 'T0ACME',
        at: NOW,
        source: 'form',
        changes: [
          { field: 'phone', before: '+14155550100', after: '+12125550147' },
          { field: 'job_title', before: 'CSM as the form saw it', after: null },
        ],
        modifiedAt: '2026-11-02T09:59:59Z',
        undoes: null,
        undoneBy: null,
        versionAfter: 2,
        assignment: null,
      });
      expect(await book.getChange(result.change.id)).toEqual(result.change);
      expect((await book.get('ic_priya'))?.values.phone).toBe('+12125550147');
    });

    it('a contact the book did not know: befores stay unknown, and read back unknown', async () => {
      const result = await savePhone('+12125550147');
      expect(result.previous).toBeNull();
      expect(result.current.version).toBe(1);
      expect(result.change.changes).toEqual([
        { field: 'phone', before: undefined, after: '+12125550147' },
      ]);
      const stored = await book.getChange(result.change.id);
      expect(stored?.changes[0]).toHaveProperty('before', undefined);
      expect(stored?.versionAfter).toBe(1);
    });

    it('a before that was empty (null) is known, and is not confused with unknown', async () => {
      await book.learn(contact('ic_priya', { name: null }), NOW);
      const result = await book.learnChange(
        contact('ic_priya', { name: 'P. Raman' }),
        NOW,
        newChange('ic_priya', [{ field: 'name', before: undefined, after: 'P. Raman' }]),
      );
      const stored = await book.getChange(result.change.id);
      expect(stored?.changes).toEqual([{ field: 'name', before: null, after: 'P. Raman' }]);
    });

    it('an answer with the values the book had keeps the version, and is still recorded', async () => {
      await known();
      const result = await savePhone(PRIYA_VALUES.phone as string);
      expect(result.current.version).toBe(1);
      expect(result.change.versionAfter).toBe(1);
      expect((await book.history('ic_priya', { limit: 10 })).changes).toHaveLength(1);
    });

    it('keeps every source, the team (or none) and Stuut’s modified_at (or none)', async () => {
      await known();
      const sources: ChangeSource[] = ['form', 'edit', 'undo', 'add', 'assign', 'role', 'drift'];
      for (const [index, source] of sources.entries()) {
        await savePhone(`+1212555010${index}`, at(index), {
          source,
          slackTeam: index % 2 ? null : 'T0OTHER',
          modifiedAt: index % 2 ? null : `2026-11-0${index + 1}T00:00:00Z`,
        });
      }
      const { changes } = await book.history('ic_priya', { limit: 10 });
      expect(changes.map((c) => c.source).reverse()).toEqual(sources);
      expect(changes.map((c) => c.slackTeam).reverse()).toEqual(
        sources.map((_, i) => (i % 2 ? null : 'T0OTHER')),
      );
      expect(changes.at(-1)?.modifiedAt).toBe('2026-11-01T00:00:00Z');
      expect(changes.at(-2)?.modifiedAt).toBeNull();
    });

    it('the values and the change commit together or not at all', async () => {
      await known();
      // A change the book cannot read back fails the transaction after both writes.
      await expect(
        savePhone('+12125550147', NOW, { source: 'bogus' as ChangeSource }),
      ).rejects.toThrow(/unknown source/);
      const entry = await book.get('ic_priya');
      expect(entry?.values.phone).toBe(PRIYA_VALUES.phone);
      expect(entry?.version).toBe(1);
      expect(await book.history('ic_priya', { limit: 10 })).toEqual({
        changes: [],
        hasOlder: false,
      });
    });
  });

  describe('history', () => {
    it('pages newest first, one contact only, with hasOlder while there are older ones', async () => {
      await known();
      await known('ic_other');
      const ids: number[] = [];
      for (let i = 0; i < 23; i++) {
        ids.push(
          (await savePhone(`+121255501${String(i).padStart(2, '0')}`, at(i * 1000))).change.id,
        );
        if (i % 5 === 0) await savePhone(`+1646555${String(1000 + i)}`, at(i), {}, 'ic_other');
      }
      const newestFirst = [...ids].reverse();
      const first = await book.history('ic_priya', { limit: 10 });
      expect(first.changes.map((c) => c.id)).toEqual(newestFirst.slice(0, 10));
      expect(first.changes.every((c) => c.contactId === 'ic_priya')).toBe(true);
      expect(first.hasOlder).toBe(true);
      const second = await book.history('ic_priya', {
        beforeId: first.changes.at(-1)?.id,
        limit: 10,
      });
      expect(second.changes.map((c) => c.id)).toEqual(newestFirst.slice(10, 20));
      expect(second.hasOlder).toBe(true);
      const third = await book.history('ic_priya', {
        beforeId: second.changes.at(-1)?.id,
        limit: 10,
      });
      expect(third.changes.map((c) => c.id)).toEqual(newestFirst.slice(20));
      expect(third.hasOlder).toBe(false);
      // The first page of the newest change's values, as recorded.
      expect(first.changes[0]?.changes).toEqual([
        { field: 'phone', before: '+12125550121', after: '+12125550122' },
      ]);
    });

    it('a page that exactly holds the rest has no older ones; beforeId null is the first page', async () => {
      await known();
      for (let i = 0; i < 3; i++) await savePhone(`+1212555010${i}`, at(i));
      expect((await book.history('ic_priya', { limit: 3 })).hasOlder).toBe(false);
      expect((await book.history('ic_priya', { limit: 2, beforeId: null })).changes).toHaveLength(
        2,
      );
    });

    it('a contact without changes, or unknown: no changes, nothing older', async () => {
      await known();
      expect(await book.history('ic_priya', { limit: 10 })).toEqual({
        changes: [],
        hasOlder: false,
      });
      expect(await book.history('ic_nobody', { limit: 10 })).toEqual({
        changes: [],
        hasOlder: false,
      });
      expect(await book.getChange(123_456)).toBeNull();
    });
  });

  describe('changesSince', () => {
    it('the changes that took the version past the one given, oldest first', async () => {
      await known(); // version 1
      const two = await savePhone('+12125550102', at(1)); // version 2
      await savePhone('+12125550102', at(2)); // same values: still 2
      const three = await savePhone('+12125550103', at(3), { slackUser: 'U0BOB' }); // 3
      await savePhone('+1646555000', at(4), {}, 'ic_other');
      expect((await book.changesSince('ic_priya', 1)).map((c) => c.id)).toEqual([
        two.change.id,
        expect.any(Number),
        three.change.id,
      ]);
      const sinceTwo = await book.changesSince('ic_priya', 2);
      expect(sinceTwo.map((c) => [c.id, c.slackUser])).toEqual([[three.change.id, 'U0BOB']]);
      expect(await book.changesSince('ic_priya', 3)).toEqual([]);
    });
  });

  describe('claimVersion and releaseVersion', () => {
    const lease = 25_000;
    const claim = (version: number, now = NOW, target = book) =>
      target.claimVersion('ic_priya', version, at(now.getTime() - NOW.getTime() + lease), now);

    it('claims the version the book holds; a second claim while the lease runs is busy', async () => {
      await known();
      expect(await claim(1)).toEqual({ kind: 'claimed' });
      expect(await claim(1)).toEqual({ kind: 'busy' });
      expect(await claim(1, at(lease))).toEqual({ kind: 'busy' });
    });

    it('a lease that lapsed can be claimed again (a crash between claim and save)', async () => {
      await known();
      expect(await claim(1)).toEqual({ kind: 'claimed' });
      expect(await claim(1, at(lease + 1))).toEqual({ kind: 'claimed' });
      expect(await claim(1, at(lease + 2))).toEqual({ kind: 'busy' });
    });

    it('a version older than the book’s is stale, with the current one; so is one ahead', async () => {
      await known();
      await savePhone('+12125550147');
      await savePhone('+12125550148');
      expect(await claim(1)).toEqual({ kind: 'stale', current: 3 });
      expect(await claim(2)).toEqual({ kind: 'stale', current: 3 });
      expect(await claim(4)).toEqual({ kind: 'stale', current: 3 });
      expect(await claim(3)).toEqual({ kind: 'claimed' });
    });

    it('releaseVersion frees it at once; a release for another version frees nothing', async () => {
      await known();
      expect(await claim(1)).toEqual({ kind: 'claimed' });
      await book.releaseVersion('ic_priya', 2);
      expect(await claim(1)).toEqual({ kind: 'busy' });
      await book.releaseVersion('ic_priya', 1);
      expect(await claim(1)).toEqual({ kind: 'claimed' });
    });

    it('learning the saved answer ends the claim: the next version is free at once', async () => {
      await known();
      expect(await claim(1)).toEqual({ kind: 'claimed' });
      await savePhone('+12125550147');
      expect(await claim(2)).toEqual({ kind: 'claimed' });
    });

    it('an answer that changed nothing ends the claim too, on the same version', async () => {
      await known();
      expect(await claim(1)).toEqual({ kind: 'claimed' });
      await savePhone(PRIYA_VALUES.phone as string);
      expect(await claim(1)).toEqual({ kind: 'claimed' });
    });

    it('a contact the book does not know has nothing newer: the claim goes through', async () => {
      expect(await claim(1)).toEqual({ kind: 'claimed' });
    });

    it('many claims of one version at the same moment: exactly one is claimed', async () => {
      await known();
      const results = await Promise.all(Array.from({ length: 12 }, () => claim(1)));
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(11);
    });
  });

  describe('claimUndo and releaseUndo', () => {
    const lease = 25_000;
    const claim = (changeId: number, now = NOW, target = book) =>
      target.claimUndo(changeId, at(now.getTime() - NOW.getTime() + lease), now);

    /** A saved change, and the undo of it recorded as the undo flow does. */
    async function saved() {
      await known();
      return (await savePhone('+12125550147')).change;
    }
    function recordUndo(changeId: number) {
      return book.learnChange(
        contact('ic_priya'),
        at(1000),
        newChange(
          'ic_priya',
          [{ field: 'phone', before: '+12125550147', after: PRIYA_VALUES.phone }],
          { source: 'undo', undoes: changeId, slackUser: 'U0BOB' },
        ),
      );
    }

    it('claims a change once; a second claim while the lease runs is busy', async () => {
      const change = await saved();
      expect(await claim(change.id)).toEqual({ kind: 'claimed' });
      expect(await claim(change.id)).toEqual({ kind: 'busy' });
      expect(await claim(change.id, at(lease))).toEqual({ kind: 'busy' });
    });

    it('a lease that lapsed can be claimed again (an ambiguous failure, a crash)', async () => {
      const change = await saved();
      expect(await claim(change.id)).toEqual({ kind: 'claimed' });
      expect(await claim(change.id, at(lease + 1))).toEqual({ kind: 'claimed' });
    });

    it('releaseUndo frees it at once (a definite failure from Stuut)', async () => {
      const change = await saved();
      expect(await claim(change.id)).toEqual({ kind: 'claimed' });
      await book.releaseUndo(change.id);
      expect(await claim(change.id)).toEqual({ kind: 'claimed' });
    });

    it('once the undo is recorded: undone, by which change, and for good', async () => {
      const change = await saved();
      expect(await claim(change.id)).toEqual({ kind: 'claimed' });
      const undo = (await recordUndo(change.id)).change;
      expect(undo).toMatchObject({ source: 'undo', undoes: change.id, undoneBy: null });
      expect(await claim(change.id)).toEqual({ kind: 'undone', by: undo.id });
      expect((await book.getChange(change.id))?.undoneBy).toBe(undo.id);
      // Neither a release nor a lapsed lease makes it undoable again.
      await book.releaseUndo(change.id);
      expect(await claim(change.id, at(10 * lease))).toEqual({ kind: 'undone', by: undo.id });
      // The undo is a change of its own, newest first in the history.
      const { changes } = await book.history('ic_priya', { limit: 10 });
      expect(changes.map((c) => [c.id, c.undoes, c.undoneBy])).toEqual([
        [undo.id, change.id, null],
        [change.id, null, undo.id],
      ]);
      // The undo itself can be claimed (undoing the undo).
      expect(await claim(undo.id)).toEqual({ kind: 'claimed' });
    });

    it('a change that is not in the history is missing', async () => {
      expect(await claim(987_654)).toEqual({ kind: 'missing' });
    });

    it('many claims of one change at the same moment: exactly one is claimed', async () => {
      const change = await saved();
      const results = await Promise.all(Array.from({ length: 12 }, () => claim(change.id)));
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'busy')).toHaveLength(11);
    });
  });

  describe('pruneHistory', () => {
    it('deletes at most a batch of changes older than the cutoff, oldest first', async () => {
      await known();
      const ages = [400, 300, 200, 10, 1];
      const ids: number[] = [];
      for (const [i, days] of ages.entries()) {
        ids.push((await savePhone(`+1212555010${i}`, at(-days * DAY_MS))).change.id);
      }
      const cutoff = at(-100 * DAY_MS);
      expect(await book.pruneHistory(cutoff, 2)).toBe(2);
      let left = (await book.history('ic_priya', { limit: 10 })).changes.map((c) => c.id);
      expect(left).toEqual([ids[4], ids[3], ids[2]]);
      expect(await book.pruneHistory(cutoff, 2)).toBe(1);
      expect(await book.pruneHistory(cutoff, 2)).toBe(0);
      left = (await book.history('ic_priya', { limit: 10 })).changes.map((c) => c.id);
      expect(left).toEqual([ids[4], ids[3]]);
      // The contact itself stays.
      expect((await book.get('ic_priya'))?.values.phone).toBe('+12125550104');
    });

    it('goes by the time of the change, not by its id', async () => {
      await known();
      // Recorded in this order: a recent change first, an old one (an import of history) after.
      const recent = (await savePhone('+12125550101', at(-1 * DAY_MS))).change;
      const old = (await savePhone('+12125550102', at(-500 * DAY_MS))).change;
      expect(await book.pruneHistory(at(-365 * DAY_MS), 10)).toBe(1);
      expect(await book.getChange(old.id)).toBeNull();
      expect(await book.getChange(recent.id)).not.toBeNull();
    });

    it('a change exactly at the cutoff stays', async () => {
      await known();
      const change = (await savePhone('+12125550101', at(-30 * DAY_MS))).change;
      expect(await book.pruneHistory(at(-30 * DAY_MS), 10)).toBe(0);
      expect(await book.getChange(change.id)).not.toBeNull();
    });
  });

  describe('forget', () => {
    it('removes the contact’s history with it, and only its', async () => {
      await known();
      await known('ic_other');
      const mine = (await savePhone('+12125550147')).change;
      const theirs = (await savePhone('+16465550199', NOW, {}, 'ic_other')).change;
      expect(await book.forget('ic_priya')).toBe(true);
      expect(await book.history('ic_priya', { limit: 10 })).toEqual({
        changes: [],
        hasOlder: false,
      });
      expect(await book.getChange(mine.id)).toBeNull();
      expect(await book.changesSince('ic_priya', 0)).toEqual([]);
      expect(await book.claimUndo(mine.id, at(25_000), NOW)).toEqual({ kind: 'missing' });
      expect((await book.history('ic_other', { limit: 10 })).changes.map((c) => c.id)).toEqual([
        theirs.id,
      ]);
    });

    it('a contact the book never knew: false, and nothing else goes', async () => {
      await known();
      const mine = (await savePhone('+12125550147')).change;
      expect(await book.forget('ic_nobody')).toBe(false);
      expect(await book.getChange(mine.id)).not.toBeNull();
    });
  });

  if (name === 'PostgreSQL') {
    describe('two instances on one database', () => {
      it('racing claimUndo on one change: exactly one claimed, round after round', async () => {
        const others = [await open(), await open()];
        const instances = [book, ...others];
        await known();
        for (let round = 0; round < 10; round++) {
          const change = (await savePhone(`+1212555${String(1000 + round)}`, at(round))).change;
          const results = await Promise.all(
            instances.flatMap((instance) => [
              instance.claimUndo(change.id, at(25_000), NOW),
              instance.claimUndo(change.id, at(25_000), NOW),
            ]),
          );
          expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
          expect(results.filter((r) => r.kind === 'busy')).toHaveLength(results.length - 1);
        }
      });

      it('racing claimVersion on one version: exactly one claimed, round after round', async () => {
        const others = [await open(), await open()];
        const instances = [book, ...others];
        await known();
        for (let round = 0; round < 10; round++) {
          const version = (await book.get('ic_priya'))?.version ?? 0;
          const results = await Promise.all(
            instances.flatMap((instance) => [
              instance.claimVersion('ic_priya', version, at(25_000), NOW),
              instance.claimVersion('ic_priya', version, at(25_000), NOW),
            ]),
          );
          expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
          expect(results.filter((r) => r.kind === 'busy')).toHaveLength(results.length - 1);
          // The winner saves: the next round is on the next version.
          await others[round % 2]?.learnChange(
            contact('ic_priya', { phone: `+1212555${String(2000 + round)}` }),
            at(round),
            newChange('ic_priya', [{ field: 'phone', before: undefined, after: 'x' }]),
          );
        }
        expect((await book.get('ic_priya'))?.version).toBe(11);
      });

      it('a claim on one instance is seen as busy, then undone, on another', async () => {
        const other = await open();
        await known();
        const change = (await savePhone('+12125550147')).change;
        expect(await book.claimUndo(change.id, at(25_000), NOW)).toEqual({ kind: 'claimed' });
        expect(await other.claimUndo(change.id, at(25_000), NOW)).toEqual({ kind: 'busy' });
        const undo = await other.learnChange(
          contact('ic_priya'),
          NOW,
          newChange('ic_priya', [{ field: 'phone', before: '+12125550147', after: null }], {
            source: 'undo',
            undoes: change.id,
          }),
        );
        expect(await book.claimUndo(change.id, at(25_000), NOW)).toEqual({
          kind: 'undone',
          by: undo.change.id,
        });
      });
    });
  }
});
