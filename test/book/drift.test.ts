import { Migrator, sql } from 'kysely';
import type { Book, DriftDifference, MemberLink } from '../../src/book/book';
import { bookMigrations } from '../../src/book/migrations';
import { openBook } from '../../src/book/open';
import type { ContactValues, InternalContact } from '../../src/domain/contact';
import { booksOn, ENGINES, kyselyFor, unopenedLocation } from './engines';

/**
 * Member links and drift proposals in the book, on SQLite and on PostgreSQL: links (a member
 * is one person), one open proposal per contact (the same difference never twice, a newer one
 * replacing it in place, decided once), the hourly quota of posts and the digest claim, whose
 * row counts decide across instances; forget, pruning, and a book migrated from 0003.
 */

const NOW = new Date('2026-11-02T10:00:00.000Z');
const HOUR = new Date('2026-11-02T10:00:00.000Z');
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
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

function link(contactId: string, slackUserId: string | null, more: Partial<MemberLink> = {}) {
  return {
    contactId,
    emailLower: `${contactId.slice(3)}@example.com`,
    slackUserId,
    displayName: slackUserId ? `name of ${slackUserId}` : null,
    checkedAt: NOW,
    ...more,
  } satisfies MemberLink;
}

const TITLE: DriftDifference = {
  field: 'job_title',
  slack: 'VP, Customer Success',
  stuut: 'Customer Success Manager',
};
const PHONE: DriftDifference = { field: 'phone', slack: '+12125550147', stuut: null };

/** What the caller's fingerprint would be: the normalised differences. */
const fingerprintOf = (differences: DriftDifference[]) =>
  differences.map((d) => `${d.field}=${d.slack.toLowerCase()}`).join('|');

function proposal(
  differences: DriftDifference[] = [TITLE],
  more: { contactId?: string; slackUserId?: string; at?: Date } = {},
) {
  return {
    contactId: more.contactId ?? 'ic_priya',
    slackUserId: more.slackUserId ?? 'U0PRIYA',
    differences,
    fingerprint: fingerprintOf(differences),
    at: more.at ?? NOW,
  };
}

describe.each(ENGINES)('member links and drift proposals in the book on %s', (name, makeEngine) => {
  const engine = makeEngine();
  const { current, open } = booksOn(engine);
  let book: Book;
  beforeEach(() => {
    book = current();
  });

  describe('links', () => {
    it('saves a link and finds it by contact and by member', async () => {
      expect(await book.linkOf('ic_priya')).toBeNull();
      expect(await book.linkOfMember('U0PRIYA')).toBeNull();
      const saved = link('ic_priya', 'U0PRIYA', { displayName: 'Priya R.' });
      await book.saveLink(saved);
      expect(await book.linkOf('ic_priya')).toEqual(saved);
      expect(await book.linkOfMember('U0PRIYA')).toEqual(saved);
      expect(await book.linkOf('ic_other')).toBeNull();
      expect(await book.linkOfMember('U0OTHER')).toBeNull();
    });

    it('saving again replaces the contact’s link: the old member no longer names it', async () => {
      await book.saveLink(link('ic_priya', 'U0PRIYA'));
      const newer = link('ic_priya', 'U0PRIYA2', {
        emailLower: 'priya@new.example.com',
        displayName: null,
        checkedAt: at(1000),
      });
      await book.saveLink(newer);
      expect(await book.linkOf('ic_priya')).toEqual(newer);
      expect(await book.linkOfMember('U0PRIYA2')).toEqual(newer);
      expect(await book.linkOfMember('U0PRIYA')).toBeNull();
      // The same member again, with a new name and check time.
      const again = { ...newer, displayName: 'Priya', checkedAt: at(2000) };
      await book.saveLink(again);
      expect(await book.linkOf('ic_priya')).toEqual(again);
    });

    it('a member is one person: linking them to another contact drops the first link', async () => {
      await book.saveLink(link('ic_priya', 'U0PRIYA'));
      await book.saveLink(link('ic_ram', 'U0RAM'));
      const moved = link('ic_priya_new', 'U0PRIYA', { checkedAt: at(1000) });
      await book.saveLink(moved);
      expect(await book.linkOfMember('U0PRIYA')).toEqual(moved);
      expect(await book.linkOf('ic_priya')).toBeNull();
      expect(await book.linkOf('ic_priya_new')).toEqual(moved);
      expect((await book.linkOf('ic_ram'))?.slackUserId).toBe('U0RAM');
    });

    it('a negative link (no member with that email) is kept, and never matches a member', async () => {
      const none = link('ic_priya', null);
      await book.saveLink(none);
      await book.saveLink(link('ic_ram', null));
      expect(await book.linkOf('ic_priya')).toEqual(none);
      expect((await book.linkOf('ic_ram'))?.slackUserId).toBeNull();
      expect(await book.linkOfMember('')).toBeNull();
      expect(await book.linkOfMember('null')).toBeNull();
      // Found later: the negative link becomes a link.
      await book.saveLink(link('ic_priya', 'U0PRIYA'));
      expect((await book.linkOfMember('U0PRIYA'))?.contactId).toBe('ic_priya');
      // And a member who leaves: back to negative, the member no longer names it.
      await book.saveLink(link('ic_priya', null));
      expect(await book.linkOfMember('U0PRIYA')).toBeNull();
    });
  });

  describe('openProposal', () => {
    it('new: an open proposal, not yet posted, read back the same', async () => {
      const opening = await book.openProposal(proposal([TITLE, PHONE]));
      expect(opening).toEqual({
        kind: 'new',
        proposal: {
          id: expect.any(Number),
          contactId: 'ic_priya',
          slackUserId: 'U0PRIYA',
          differences: [TITLE, PHONE],
          fingerprint: fingerprintOf([TITLE, PHONE]),
          status: 'open',
          posted: 'none',
          channel: null,
          messageTs: null,
          digestWindow: null,
          createdAt: NOW,
          decidedBy: null,
          decidedAt: null,
        },
      });
      expect(await book.getProposal(opening.proposal.id)).toEqual(opening.proposal);
      expect(await book.openProposals({ afterId: 0, limit: 10 })).toEqual([opening.proposal]);
      expect(await book.getProposal(opening.proposal.id + 1)).toBeNull();
    });

    it('same: the open difference again is not proposed twice', async () => {
      const first = await book.openProposal(proposal());
      await book.setProposalPost(first.proposal.id, 'message', 'C0UPDATES', '1700000000.000100');
      const again = await book.openProposal(proposal([TITLE], { at: at(5000) }));
      expect(again.kind).toBe('same');
      expect(again.proposal).toMatchObject({
        id: first.proposal.id,
        status: 'open',
        posted: 'message',
        channel: 'C0UPDATES',
        messageTs: '1700000000.000100',
        createdAt: NOW,
      });
      expect(await book.openProposals({ afterId: 0, limit: 10 })).toHaveLength(1);
    });

    it('replaced: a newer difference updates the open proposal in place, its post kept', async () => {
      const first = await book.openProposal(proposal());
      await book.setProposalPost(first.proposal.id, 'message', 'C0UPDATES', '1700000000.000100');
      const newer = await book.openProposal(
        proposal([TITLE, PHONE], { slackUserId: 'U0PRIYA2', at: at(5000) }),
      );
      expect(newer).toEqual({
        kind: 'replaced',
        proposal: {
          ...first.proposal,
          slackUserId: 'U0PRIYA2',
          differences: [TITLE, PHONE],
          fingerprint: fingerprintOf([TITLE, PHONE]),
          posted: 'message',
          channel: 'C0UPDATES',
          messageTs: '1700000000.000100',
        },
      });
      expect(await book.getProposal(first.proposal.id)).toEqual(newer.proposal);
      expect(await book.openProposals({ afterId: 0, limit: 10 })).toEqual([newer.proposal]);
      // Back to the first difference: a newer difference again, not a memory of the old one.
      expect((await book.openProposal(proposal())).kind).toBe('replaced');
    });

    it('never proposes a dismissed or applied difference again; another one opens anew', async () => {
      const first = await book.openProposal(proposal());
      expect(await book.decideProposal(first.proposal.id, 'dismissed', 'U0ALICE', at(1000))).toBe(
        true,
      );
      const again = await book.openProposal(proposal([TITLE], { at: at(2000) }));
      expect(again).toEqual({
        kind: 'same',
        proposal: {
          ...first.proposal,
          status: 'dismissed',
          decidedBy: 'U0ALICE',
          decidedAt: at(1000),
        },
      });
      expect(await book.openProposals({ afterId: 0, limit: 10 })).toEqual([]);

      const phone = await book.openProposal(proposal([PHONE], { at: at(3000) }));
      expect(phone.kind).toBe('new');
      expect(phone.proposal.id).toBeGreaterThan(first.proposal.id);
      expect(await book.decideProposal(phone.proposal.id, 'applied', 'U0BOB', at(4000))).toBe(true);
      expect(await book.openProposal(proposal([PHONE], { at: at(5000) }))).toMatchObject({
        kind: 'same',
        proposal: { id: phone.proposal.id, status: 'applied', decidedBy: 'U0BOB' },
      });
      // Still dismissed, whatever else happened since.
      expect((await book.openProposal(proposal([TITLE]))).kind).toBe('same');
    });

    it('the same difference of another contact is its own proposal', async () => {
      const priya = await book.openProposal(proposal());
      const ram = await book.openProposal(proposal([TITLE], { contactId: 'ic_ram' }));
      expect(ram.kind).toBe('new');
      expect(ram.proposal.id).not.toBe(priya.proposal.id);
    });
  });

  describe('decideProposal and openProposals', () => {
    it('decides once: the second decision, of either kind, finds it no longer open', async () => {
      const { proposal: open } = await book.openProposal(proposal());
      expect(await book.decideProposal(open.id, 'applied', 'U0ALICE', at(1000))).toBe(true);
      expect(await book.decideProposal(open.id, 'applied', 'U0BOB', at(2000))).toBe(false);
      expect(await book.decideProposal(open.id, 'dismissed', 'U0BOB', at(2000))).toBe(false);
      expect(await book.getProposal(open.id)).toMatchObject({
        status: 'applied',
        decidedBy: 'U0ALICE',
        decidedAt: at(1000),
      });
      expect(await book.decideProposal(open.id + 100, 'dismissed', 'U0BOB', NOW)).toBe(false);
    });

    it('pages open proposals by id, decided ones left out', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push(
          (await book.openProposal(proposal([TITLE], { contactId: `ic_${i}` }))).proposal.id,
        );
      }
      await book.decideProposal(ids[2] as number, 'dismissed', 'U0ALICE', NOW);
      const first = await book.openProposals({ afterId: 0, limit: 3 });
      expect(first.map((p) => p.id)).toEqual([ids[0], ids[1], ids[3]]);
      const next = await book.openProposals({ afterId: ids[3] as number, limit: 3 });
      expect(next.map((p) => p.id)).toEqual([ids[4], ids[5], ids[6]]);
      expect(await book.openProposals({ afterId: ids[6] as number, limit: 3 })).toEqual([]);
    });
  });

  describe('the hourly quota and digest', () => {
    it('takes at most max slots an hour; the next hour has its own', async () => {
      const taken = [];
      for (let i = 0; i < 5; i++) taken.push(await book.takeProposalSlot(HOUR, 3));
      expect(taken).toEqual([true, true, true, false, false]);
      expect(await book.takeProposalSlot(new Date(HOUR.getTime() + HOUR_MS), 3)).toBe(true);
      expect(await book.takeProposalSlot(HOUR, 4)).toBe(true); // a higher cap: one more
      expect(await book.takeProposalSlot(HOUR, 4)).toBe(false);
      expect(await book.takeProposalSlot(new Date(HOUR.getTime() + 2 * HOUR_MS), 0)).toBe(false);
    });

    it('concurrent callers on one instance get exactly max slots', async () => {
      const taken = await Promise.all(
        Array.from({ length: 30 }, () => book.takeProposalSlot(HOUR, 10)),
      );
      expect(taken.filter(Boolean)).toHaveLength(10);
    });

    it('the first caller claims the digest; others read where it is once saved', async () => {
      expect(await book.claimDigest(HOUR)).toEqual({
        claimed: true,
        channel: null,
        messageTs: null,
      });
      // Its claimer is still posting it.
      expect(await book.claimDigest(HOUR)).toEqual({
        claimed: false,
        channel: null,
        messageTs: null,
      });
      await book.saveDigest(HOUR, 'C0UPDATES', '1700000000.000200');
      expect(await book.claimDigest(HOUR)).toEqual({
        claimed: false,
        channel: 'C0UPDATES',
        messageTs: '1700000000.000200',
      });
      expect((await book.claimDigest(new Date(HOUR.getTime() + HOUR_MS))).claimed).toBe(true);
    });

    it('the digest lists the proposals put in that hour’s digest, of any status, in order', async () => {
      const made = async (
        contactId: string,
        posted: 'message' | 'digest' | 'none',
        window: Date | null = HOUR,
      ) => {
        const { proposal: p } = await book.openProposal(proposal([TITLE], { contactId, at: NOW }));
        await book.setProposalPost(
          p.id,
          posted,
          posted === 'none' ? null : 'C0UPDATES',
          null,
          window,
        );
        return p.id;
      };
      const first = await made('ic_first', 'digest');
      await made('ic_before', 'digest', new Date(HOUR.getTime() - HOUR_MS)); // the hour before
      await made('ic_after', 'digest', new Date(HOUR.getTime() + HOUR_MS)); // the hour after
      await made('ic_own', 'message'); // posted on its own
      await made('ic_listed', 'none'); // only listed
      const middle = await made('ic_middle', 'digest');
      const last = await made('ic_last', 'digest');
      await book.decideProposal(middle, 'applied', 'U0ALICE', NOW);
      const digest = await book.digestProposals(HOUR);
      expect(digest.map((p) => p.id)).toEqual([first, middle, last]);
      expect(digest.map((p) => p.status)).toEqual(['open', 'applied', 'open']);
      expect(digest[0]?.digestWindow).toEqual(HOUR);
      expect(await book.digestProposals(new Date(HOUR.getTime() - 2 * HOUR_MS))).toEqual([]);
    });

    it('exactly one caller may post a proposal shown nowhere yet', async () => {
      const { proposal: p } = await book.openProposal(proposal([TITLE], { at: NOW }));
      const claims = await Promise.all([
        book.claimProposalPost(p.id, 'C0UPDATES'),
        book.claimProposalPost(p.id, 'C0UPDATES'),
        book.claimProposalPost(p.id, 'C0UPDATES'),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      // A post that failed gives it back, and it can be claimed again.
      await book.setProposalPost(p.id, 'none', null, null);
      expect(await book.claimProposalPost(p.id, 'C0UPDATES')).toBe(true);
      // A decided proposal is not posted.
      await book.setProposalPost(p.id, 'none', null, null);
      await book.decideProposal(p.id, 'dismissed', 'U0ALICE', NOW);
      expect(await book.claimProposalPost(p.id, 'C0UPDATES')).toBe(false);
    });

    it('a digest whose post failed is released, so the next caller claims it', async () => {
      expect((await book.claimDigest(HOUR)).claimed).toBe(true);
      await book.releaseDigest(HOUR);
      expect((await book.claimDigest(HOUR)).claimed).toBe(true);
      await book.saveDigest(HOUR, 'C0UPDATES', '1.000');
      // Once posted, releasing does nothing.
      await book.releaseDigest(HOUR);
      expect(await book.claimDigest(HOUR)).toEqual({
        claimed: false,
        channel: 'C0UPDATES',
        messageTs: '1.000',
      });
    });
  });

  describe('forget', () => {
    it('removes the contact’s link and proposals with it, and only its', async () => {
      await book.learn(contact('ic_priya'), NOW);
      await book.learn(contact('ic_ram', { email: 'ram@example.org' }), NOW);
      await book.saveLink(link('ic_priya', 'U0PRIYA'));
      await book.saveLink(link('ic_ram', 'U0RAM'));
      const dismissed = await book.openProposal(proposal([PHONE]));
      await book.decideProposal(dismissed.proposal.id, 'dismissed', 'U0ALICE', NOW);
      const open = await book.openProposal(proposal([TITLE]));
      const ram = await book.openProposal(proposal([TITLE], { contactId: 'ic_ram' }));

      expect(await book.forget('ic_priya')).toBe(true);
      expect(await book.linkOf('ic_priya')).toBeNull();
      expect(await book.linkOfMember('U0PRIYA')).toBeNull();
      expect(await book.getProposal(dismissed.proposal.id)).toBeNull();
      expect(await book.getProposal(open.proposal.id)).toBeNull();
      expect(await book.openProposals({ afterId: 0, limit: 10 })).toEqual([ram.proposal]);
      expect((await book.linkOf('ic_ram'))?.slackUserId).toBe('U0RAM');

      // A forgotten contact starts afresh: a dismissed difference may be proposed again.
      expect((await book.openProposal(proposal([PHONE]))).kind).toBe('new');
      // Forgetting a contact the book never learned still removes its link and proposals.
      await book.saveLink(link('ic_ghost', 'U0GHOST'));
      await book.openProposal(proposal([TITLE], { contactId: 'ic_ghost' }));
      expect(await book.forget('ic_ghost')).toBe(false);
      expect(await book.linkOf('ic_ghost')).toBeNull();
      expect((await book.openProposals({ afterId: 0, limit: 10 })).map((p) => p.contactId)).toEqual(
        ['ic_ram', 'ic_priya'],
      );
    });
  });

  describe('pruneHistory', () => {
    it('prunes proposals older than the cutoff with the history, changes first', async () => {
      const old = await book.openProposal(proposal([TITLE], { at: at(-400 * DAY_MS) }));
      const oldDismissed = await book.openProposal(
        proposal([TITLE], { contactId: 'ic_ram', at: at(-390 * DAY_MS) }),
      );
      await book.decideProposal(oldDismissed.proposal.id, 'dismissed', 'U0ALICE', NOW);
      const recent = await book.openProposal(
        proposal([PHONE], { contactId: 'ic_kim', at: at(-DAY_MS) }),
      );
      const oldHour = new Date(NOW.getTime() - 400 * DAY_MS);
      expect(await book.takeProposalSlot(oldHour, 1)).toBe(true);
      expect((await book.claimDigest(oldHour)).claimed).toBe(true);
      expect((await book.claimDigest(HOUR)).claimed).toBe(true);
      await book.learnChange(contact('ic_priya'), at(-400 * DAY_MS), {
        contactId: 'ic_priya',
        slackUser: 'U0ALICE',
        slackTeam: null,
        source: 'form',
        changes: [{ field: 'phone', before: undefined, after: PRIYA_VALUES.phone }],
        modifiedAt: null,
      });

      // The batch of one takes the change first, then one proposal a call.
      expect(await book.pruneHistory(at(-365 * DAY_MS), 1)).toBe(1);
      expect(await book.getProposal(old.proposal.id)).not.toBeNull();
      expect(await book.pruneHistory(at(-365 * DAY_MS), 1)).toBe(1);
      expect(await book.pruneHistory(at(-365 * DAY_MS), 1)).toBe(1);
      expect(await book.pruneHistory(at(-365 * DAY_MS), 1)).toBe(0);
      expect(await book.getProposal(old.proposal.id)).toBeNull();
      expect(await book.getProposal(oldDismissed.proposal.id)).toBeNull();
      expect(await book.getProposal(recent.proposal.id)).toEqual(recent.proposal);
      // The old hour's counter and digest went too; this hour's stay.
      expect(await book.takeProposalSlot(oldHour, 1)).toBe(true);
      expect((await book.claimDigest(HOUR)).claimed).toBe(false);
    });
  });

  if (name === 'PostgreSQL') {
    describe('two instances on one database', () => {
      it('opening the same difference at once: exactly one new, round after round', async () => {
        const instances = [book, await open(), await open()];
        for (let round = 0; round < 10; round++) {
          const contactId = `ic_${round}`;
          const results = await Promise.all(
            instances.flatMap((instance) => [
              instance.openProposal(proposal([TITLE], { contactId })),
              instance.openProposal(proposal([TITLE], { contactId })),
            ]),
          );
          expect(results.filter((r) => r.kind === 'new')).toHaveLength(1);
          expect(results.filter((r) => r.kind === 'same')).toHaveLength(results.length - 1);
          expect(new Set(results.map((r) => r.proposal.id)).size).toBe(1);
        }
        expect(await book.openProposals({ afterId: 0, limit: 100 })).toHaveLength(10);
      });

      it('opening different differences at once: one new, the others replace it in turn', async () => {
        const instances = [book, await open()];
        for (let round = 0; round < 10; round++) {
          const contactId = `ic_${round}`;
          const differences = Array.from({ length: 6 }, (_, i): DriftDifference[] => [
            { ...TITLE, slack: `Title ${round}.${i}` },
          ]);
          const results = await Promise.all(
            differences.map((d, i) =>
              (instances[i % 2] as Book).openProposal(proposal(d, { contactId })),
            ),
          );
          expect(results.filter((r) => r.kind === 'new')).toHaveLength(1);
          expect(results.filter((r) => r.kind === 'replaced')).toHaveLength(5);
          const open = (await book.openProposals({ afterId: 0, limit: 100 })).filter(
            (p) => p.contactId === contactId,
          );
          expect(open).toHaveLength(1);
          expect(new Set(results.map((r) => r.proposal.id))).toEqual(new Set([open[0]?.id]));
        }
      });

      it('deciding at once: exactly one decision', async () => {
        const other = await open();
        const { proposal: p } = await book.openProposal(proposal());
        const decided = await Promise.all([
          book.decideProposal(p.id, 'applied', 'U0ALICE', NOW),
          other.decideProposal(p.id, 'dismissed', 'U0BOB', NOW),
          book.decideProposal(p.id, 'dismissed', 'U0CAROL', NOW),
          other.decideProposal(p.id, 'applied', 'U0DAVE', NOW),
        ]);
        expect(decided.filter(Boolean)).toHaveLength(1);
      });

      it('the quota: exactly max slots among 30 callers on two instances, hour after hour', async () => {
        const instances = [book, await open()];
        for (let hour = 0; hour < 5; hour++) {
          const window = new Date(HOUR.getTime() + hour * HOUR_MS);
          const taken = await Promise.all(
            Array.from({ length: 30 }, (_, i) =>
              (instances[i % 2] as Book).takeProposalSlot(window, 10),
            ),
          );
          expect(taken.filter(Boolean)).toHaveLength(10);
        }
      });

      it('the digest: exactly one claimer among callers on two instances', async () => {
        const instances = [book, await open()];
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (instances[i % 2] as Book).claimDigest(HOUR)),
        );
        expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      });

      it('linking two contacts to one member at once: one link remains, to the last saved', async () => {
        const other = await open();
        for (let round = 0; round < 10; round++) {
          const member = `U0M${round}`;
          await Promise.all([
            book.saveLink(link(`ic_a${round}`, member)),
            other.saveLink(link(`ic_b${round}`, member)),
            book.saveLink(link(`ic_c${round}`, member)),
          ]);
          const winner = await book.linkOfMember(member);
          expect(winner).not.toBeNull();
          const holders = [];
          for (const id of [`ic_a${round}`, `ic_b${round}`, `ic_c${round}`]) {
            if ((await book.linkOf(id))?.slackUserId === member) holders.push(id);
          }
          expect(holders).toEqual([winner?.contactId]);
        }
      });
    });
  }
});

describe.each(ENGINES)('a book on %s migrated from 0003', (name, makeEngine) => {
  const engine = makeEngine();
  beforeEach(() => engine.reset());
  afterAll(() => engine.dispose());

  it('keeps its contacts and history, and links and proposes from then on', async () => {
    const location = await unopenedLocation(name, engine);
    const db = kyselyFor(location);
    try {
      const migrator = new Migrator({ db, provider: bookMigrations(location.engine) });
      const { error } = await migrator.migrateTo('0003_assignments');
      expect(error).toBeUndefined();
      await sql`insert into contacts
        (id, email, email_lower, given_name, family_name, known_from, modified_at, seen_at, version)
        values ('ic_priya', 'priya.raman@example.com', 'priya.raman@example.com', 'Priya',
                'Raman', 'stuut', null, ${NOW.toISOString()}, 2)`.execute(db);
    } finally {
      await db.destroy();
    }

    const book = await openBook(location);
    try {
      expect((await book.get('ic_priya'))?.version).toBe(2);
      expect(await book.linkOf('ic_priya')).toBeNull();
      expect(await book.openProposals({ afterId: 0, limit: 10 })).toEqual([]);
      await book.saveLink(link('ic_priya', 'U0PRIYA'));
      expect((await book.linkOfMember('U0PRIYA'))?.contactId).toBe('ic_priya');
      expect((await book.openProposal(proposal())).kind).toBe('new');
      expect((await book.openProposal(proposal())).kind).toBe('same');
      expect(await book.takeProposalSlot(HOUR, 1)).toBe(true);
      expect((await book.claimDigest(HOUR)).claimed).toBe(true);
      expect(await book.forget('ic_priya')).toBe(true);
      expect(await book.linkOf('ic_priya')).toBeNull();
    } finally {
      await book.close();
    }
  });
});
