import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { isValidPartnerId } from '../../src/domain/assignment';
import { isValidContactId } from '../../src/domain/contact';
import { createLogger } from '../../src/logger';
import { createStuutClient, type StuutClient } from '../../src/stuut/client';
import { InvalidAssignmentIdError, InvalidPartnerIdError } from '../../src/stuut/errors';
import { conciseReport, hostileString, SEED } from './arbitraries';

/*
 * Partner ids (and assignment ids) reach Stuut only as one percent-encoded path segment each.
 * The Stuut emulator does not serve these routes yet, so a tiny local server records the raw
 * request target instead and answers every request with an assignment.
 */

const TOKEN = 'stuut-property-token';
const ASSIGNMENT = 'ica_9Xk2Lm';

/** Partner ids that try to leave their path segment, and ids that are merely unusual. */
const TRICKY_PARTNER_IDS = [
  'ptn_abc123',
  'ptn_a',
  'ptn_',
  'ptn',
  'PTN_abc',
  'ptn-abc',
  'ptn_-_',
  'ptn__',
  'ptn_../x',
  'ptn_..',
  'ptn_.',
  '../ptn_x',
  'ptn_%2F',
  'ptn_%2f..',
  'ptn_%2e%2e',
  'ptn_a%00',
  'ptn_a/b',
  'ptn_a\\b',
  'ptn_a?q=1',
  'ptn_a#f',
  'ptn_a;x=1',
  'ptn_a&x=1',
  'ptn_a.b',
  'ptn_a b',
  ' ptn_abc',
  'ptn_abc ',
  'ptn_abc\n',
  '\tptn_abc',
  'ptn_é',
  'ptn_😀',
  'ptn_\u202e',
  'ptn_\u200b',
  'ptn_\u0000',
  'ptn_a@b.example',
  'ptn_http://evil.example/',
  '//evil.example',
  'http://evil.example/ptn_a',
  'ic_7Qm2xK9a',
  '',
  `ptn_${'a'.repeat(124)}`,
  `ptn_${'a'.repeat(125)}`,
];

const validPartnerId = fc.stringMatching(/^ptn_[A-Za-z0-9_-]{1,124}$/);

/** Any partner id: the tricky ones, arbitrary text, valid ids, and valid ids with one odd character. */
const anyPartnerId = fc.oneof(
  fc.constantFrom(...TRICKY_PARTNER_IDS),
  hostileString,
  hostileString.map((rest) => `ptn_${rest}`),
  validPartnerId,
  fc
    .tuple(
      validPartnerId,
      fc.constantFrom('/', '?', '#', '%', '%2F', '.', '..', ' ', '\\', '\u00e9', '\ud83d\ude00'),
      fc.nat(),
    )
    .map(([id, odd, at]) => {
      const i = at % (id.length + 1);
      return id.slice(0, i) + odd + id.slice(i);
    }),
);

const validAssignmentId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
const anyAssignmentId = fc.oneof(
  { weight: 3, arbitrary: validAssignmentId },
  { weight: 1, arbitrary: fc.constantFrom('..', '.', 'a/b', '%2F', 'a?b', 'a#b', '', ' a') },
  { weight: 1, arbitrary: hostileString },
);

/** The segment between `prefix` and `suffix` in `rawPath`, checked to be exactly `id`. */
function expectOneSegment(rawPath: string, prefix: string, id: string, suffix: string): void {
  expect(rawPath.startsWith(prefix)).toBe(true);
  expect(rawPath.endsWith(suffix)).toBe(true);
  const segment = rawPath.slice(prefix.length, rawPath.length - suffix.length);
  expect(segment).toBe(encodeURIComponent(id));
  // Nothing that ends a segment or the path, and no escapes at all: an id that passes the rule
  // is sent as it is, so nothing can decode differently on Stuut's side (no %2F confusion).
  expect(segment).not.toMatch(/[/?#\\%\s]/);
  expect(segment).not.toMatch(/^\.{1,2}$/);
  expect(decodeURIComponent(segment)).toBe(id);
  const url = new URL(rawPath, 'http://stuut.invalid');
  expect(url.pathname).toBe(rawPath);
  expect(url.search).toBe('');
  expect(url.hash).toBe('');
}

describe('partner ids reach Stuut only as one percent-encoded path segment', () => {
  let server: Server;
  let client: StuutClient;
  const seen: { method: string; rawPath: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ method: req.method ?? '', rawPath: req.url ?? '' });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: ASSIGNMENT,
            object: 'internal_contact_assignment',
            created_at: '2025-03-14T09:26:53.000Z',
            modified_at: null,
            partner_id: 'ptn_abc123',
            internal_role: 'csm',
            remote_id: null,
            internal_contact: {
              id: 'ic_5Hn0kF4r',
              object: 'internal_contact',
              created_at: '2025-03-14T09:26:53.000Z',
              modified_at: null,
              email: 'hannah.okafor@northwind.example',
              given_name: null,
              family_name: null,
              name: null,
              phone: null,
              job_title: null,
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = createStuutClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: TOKEN,
      logger: createLogger('silent'),
    });
  });

  afterAll(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Runs one call; returns the raw request target the server saw, or the error when none was sent. */
  async function outcomeOf(
    call: () => Promise<unknown>,
  ): Promise<{ path: string; method: string } | { refused: unknown }> {
    const before = seen.length;
    const outcome = await call().then(
      () => null,
      (error: unknown) => error,
    );
    const sent = seen.slice(before);
    if (sent.length === 0) {
      expect(outcome).not.toBeNull();
      return { refused: outcome };
    }
    // A 200 is a final answer: one request, never a retry.
    expect(sent).toHaveLength(1);
    expect(outcome).toBeNull();
    return { path: sent[0]?.rawPath ?? '', method: sent[0]?.method ?? '' };
  }

  const assign = (partnerId: string) => () =>
    client.assignToPartner(partnerId, {
      email: 'hannah.okafor@northwind.example',
      internal_role: 'csm',
    });

  test.each(
    TRICKY_PARTNER_IDS.map((id) => [
      JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id),
      isValidPartnerId(id)
        ? 'is sent as exactly one encoded segment'
        : 'is refused before any request',
      id,
    ]),
  )('assign: %s %s', async (_label, _outcome, id) => {
    const outcome = await outcomeOf(assign(id));
    if (isValidPartnerId(id)) {
      expect(outcome).toMatchObject({ method: 'POST' });
      expectOneSegment(
        'path' in outcome ? outcome.path : '',
        '/v2/partners/',
        id,
        '/internal-contacts',
      );
    } else {
      expect('refused' in outcome && outcome.refused).toBeInstanceOf(InvalidPartnerIdError);
    }
  });

  test('assign, arbitrary partner ids: refused by the rule, or the exact encoded path', async () => {
    let sent = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(anyPartnerId, async (id) => {
        const outcome = await outcomeOf(assign(id));
        expect('refused' in outcome).toBe(!isValidPartnerId(id));
        if ('refused' in outcome) {
          refused++;
          expect(outcome.refused).toBeInstanceOf(InvalidPartnerIdError);
          return;
        }
        sent++;
        expectOneSegment(outcome.path, '/v2/partners/', id, '/internal-contacts');
      }),
      { seed: SEED, numRuns: 500, plugins: [conciseReport] },
    );
    // Both sides of the rule were exercised.
    expect(sent).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  test('role change, arbitrary partner and assignment ids: both refused first, or two exact segments', async () => {
    let sent = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(anyPartnerId, anyAssignmentId, async (partnerId, assignmentId) => {
        const outcome = await outcomeOf(() =>
          client.changeAssignmentRole(partnerId, assignmentId, 'lead'),
        );
        if (!isValidPartnerId(partnerId)) {
          expect('refused' in outcome && outcome.refused).toBeInstanceOf(InvalidPartnerIdError);
          refused++;
          return;
        }
        if (!isValidContactId(assignmentId)) {
          expect('refused' in outcome && outcome.refused).toBeInstanceOf(InvalidAssignmentIdError);
          refused++;
          return;
        }
        sent++;
        expect(outcome).toMatchObject({ method: 'PATCH' });
        const path = 'path' in outcome ? outcome.path : '';
        const prefix = `/v2/partners/${partnerId}/internal-contacts/`;
        // The partner segment first, then the assignment segment, each checked on its own.
        expectOneSegment(
          path.slice(0, prefix.length - 1),
          '/v2/partners/',
          partnerId,
          '/internal-contacts',
        );
        expectOneSegment(path, prefix, assignmentId, '');
      }),
      { seed: SEED, numRuns: 400, plugins: [conciseReport] },
    );
    expect(sent).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(30);
  });

  test('the rule: "ptn_", then only letters, digits, "_" and "-", so encoding never changes an id', () => {
    fc.assert(
      fc.property(anyPartnerId, (id) => {
        if (!isValidPartnerId(id)) return;
        expect(encodeURIComponent(id)).toBe(id);
        expect(id.startsWith('ptn_')).toBe(true);
        expect(id.length).toBeLessThanOrEqual(128);
        expect(id).not.toMatch(/[^A-Za-z0-9_-]/);
      }),
      { seed: SEED, numRuns: 3000, plugins: [conciseReport] },
    );
  });
});
