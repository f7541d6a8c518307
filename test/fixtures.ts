import type { Book } from '../src/book/book';
import {
  CONTACT_FIELDS,
  type ContactField,
  type ContactPatch,
  type ContactValues,
  type InternalContact,
} from '../src/domain/contact';

/** One believable internal contact, shared by the unit tests of the builders. */
export const SAMPLE_ID = 'ic_7Qm2xK9a';
export const SAMPLE_SEEN_AT = '2025-03-14T09:26:53.589Z';

export const SAMPLE_VALUES: ContactValues = {
  email: 'priya.raman@example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  name: null,
  phone: '+14155550100',
  job_title: 'Customer Success Manager',
};

/** The sample contact as Stuut returns it, with some values replaced. */
export function sampleContact(values: Partial<ContactValues> = {}): InternalContact {
  return {
    id: SAMPLE_ID,
    object: 'internal_contact',
    created_at: '2024-01-02T03:04:05Z',
    modified_at: SAMPLE_SEEN_AT,
    ...SAMPLE_VALUES,
    ...values,
  };
}

/** Every field of a form left empty, as Slack reports an untouched form. */
export const EMPTY_FORM_VALUES: Record<ContactField, string | null> = {
  email: null,
  given_name: null,
  family_name: null,
  name: null,
  phone: null,
  job_title: null,
};

/**
 * A save that changes every field to its longest allowed value, from and to text made by
 * `fill` (one letter per field): the worst case for Slack's size limits.
 */
export function worstCaseSave(fill: (letter: string) => string): {
  before: ContactValues;
  after: ContactValues;
  patch: ContactPatch;
} {
  const before: ContactValues = {
    ...SAMPLE_VALUES,
    given_name: fill('a'),
    family_name: fill('b'),
    name: fill('c'),
    job_title: fill('d'),
  };
  const after: ContactValues = {
    email: `${'x'.repeat(242)}@example.com`,
    given_name: fill('e'),
    family_name: fill('f'),
    name: fill('g'),
    phone: '+442079460958',
    job_title: fill('h'),
  };
  const patch = Object.fromEntries(CONTACT_FIELDS.map((f) => [f, after[f]])) as ContactPatch;
  return { before, after, patch };
}

/** Every method of the Book (history included): a double that lacks one fails to compile. */
const BOOK_METHODS: Record<Exclude<keyof Book, 'engine'>, true> = {
  learn: true,
  get: true,
  findByEmail: true,
  search: true,
  recent: true,
  importRows: true,
  forget: true,
  ping: true,
  close: true,
  learnChange: true,
  history: true,
  getChange: true,
  changesSince: true,
  claimVersion: true,
  releaseVersion: true,
  claimUndo: true,
  releaseUndo: true,
  pruneHistory: true,
  learnAssignment: true,
  assignmentsOf: true,
  getAssignment: true,
  claimAssignment: true,
  releaseAssignment: true,
  linkOf: true,
  linkOfMember: true,
  saveLink: true,
  openProposal: true,
  setProposalPost: true,
  claimProposalPost: true,
  getProposal: true,
  decideProposal: true,
  openProposals: true,
  takeProposalSlot: true,
  digestProposals: true,
  claimDigest: true,
  saveDigest: true,
  releaseDigest: true,
};

type BookMethod = keyof typeof BOOK_METHODS;

/**
 * A test double of the Book: the methods given, and every other one rejecting with "<name>:
 * not used by this test" (or whatever `otherwise` makes of its name), so a test that reaches
 * a method it did not expect fails saying which.
 */
export function bookDouble(
  methods: Partial<Pick<Book, BookMethod>> = {},
  options: {
    engine?: Book['engine'];
    otherwise?: (name: BookMethod) => (...args: never[]) => unknown;
  } = {},
): Book {
  const otherwise =
    options.otherwise ??
    ((name: BookMethod) => async () => {
      throw new Error(`${name}: not used by this test`);
    });
  const double: Record<string, unknown> = { engine: options.engine ?? 'sqlite' };
  for (const name of Object.keys(BOOK_METHODS) as BookMethod[]) {
    double[name] = methods[name] ?? otherwise(name);
  }
  return double as unknown as Book;
}

/** A book whose every call fails with `message`, as a lost database would; close works. */
export function failingBook(message: string, engine: Book['engine'] = 'postgres'): Book {
  return bookDouble(
    { close: async () => {} },
    {
      engine,
      otherwise: () => async () => {
        throw new Error(message);
      },
    },
  );
}
