import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { AssignmentEntry, Book, BookEntry } from '../../book/book';
import type { ChangeRecord } from '../../book/history';
import type {
  ContactField,
  PageAssignment,
  PageBookAssignment,
  PageBookEntry,
  PageChange,
  PageHistory,
  PageMember,
  PagePartner,
} from './page/state';

export type {
  PageAssignment,
  PageBookAssignment,
  PageBookEntry,
  PageChange,
  PageHistory,
  PageMember,
  PagePartner,
} from './page/state';

import { roleLabel } from '../../domain/assignment';
import { ClientValidationError, type SlackClientDriver, type SlackEmulator } from '../slack';
import type { SlackMember } from '../slack/members';
import type { StuutContact, StuutEmulator, StuutFault } from '../stuut';
import type { EmulatedAssignment, EmulatedPartner } from '../stuut/emulator';
import { INDEX_HTML, PAGE_CSS } from './assets';

/** The person and channel the page plays. */
export const SANDBOX_USER = { id: 'U0ALICE', name: 'alice', realName: 'Alice Example' } as const;
export const SANDBOX_CHANNEL = { id: 'C0OPS', name: 'ops' } as const;

/** What the side panel's switches queue for the next Stuut request. */
export const FAULTS: Readonly<Record<string, { label: string; fault: StuutFault }>> = {
  slow: { label: 'slow (5 s)', fault: { kind: 'delay', ms: 5_000 } },
  '429': {
    label: '429 Too Many Requests',
    fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } },
  },
  '500': { label: '500 Internal Server Error', fault: { kind: 'status', status: 500 } },
  '503': { label: '503 Service Unavailable', fault: { kind: 'status', status: 503 } },
  '422': {
    label: '422 on phone',
    fault: {
      kind: 'status',
      status: 422,
      body: {
        detail: [
          {
            loc: ['body', 'phone'],
            msg: 'Stuut could not verify this number',
            type: 'value_error',
          },
        ],
      },
    },
  },
  reset: { label: 'connection reset', fault: { kind: 'reset' } },
};

const PAGE_SCRIPT_DIR = join(__dirname, '..', '..', '..', 'dist', 'sandbox', 'web', 'page');
const MAX_BODY = 1_000_000;
/** How many of the book's most recent contacts the side panel shows. */
export const BOOK_ROWS = 50;
/** How many changes of one contact the side panel shows at first, and at most. */
export const HISTORY_ROWS = 20;
export const HISTORY_MAX = 200;
/** A page waiting for the state to change is answered after this long in any case. */
const LONG_POLL_MS = 15_000;
/** How often the state is looked at while a page waits for it to change. */
const CHANGE_CHECK_MS = 50;

const CommandBody = z.object({ text: z.string().max(4_000) });
const SubmitBody = z.object({
  viewId: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.null(), z.array(z.string())])),
});
const CloseBody = z.object({ viewId: z.string() });
const SuggestBody = z.object({
  viewId: z.string(),
  actionId: z.string(),
  value: z.string().max(4_000),
});
const OptionBody = z.object({
  text: z.object({
    type: z.literal('plain_text'),
    text: z.string(),
    emoji: z.boolean().optional(),
  }),
  value: z.string(),
});
const SelectBody = z.object({ viewId: z.string(), actionId: z.string(), option: OptionBody });
/** Enter in a plain_text_input (Slack's own limit on what it holds is 3000 characters). */
const EnterBody = z.object({
  viewId: z.string().min(1),
  blockId: z.string().min(1).max(255),
  value: z.string().max(3_000),
});
/** The longest title or phone the page lets a person save into a Slack profile. */
export const PROFILE_FIELD_MAX = 250;
const MemberProfileBody = z
  .object({
    userId: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
    title: z.string().max(PROFILE_FIELD_MAX).optional(),
    phone: z.string().max(PROFILE_FIELD_MAX).optional(),
  })
  .refine((body) => body.title !== undefined || body.phone !== undefined, {
    message: 'title or phone',
  });
const ClickBody = z.object({
  actionId: z.string(),
  blockId: z.string().optional(),
  value: z.string().optional(),
  messageTs: z.string().optional(),
  viewId: z.string().optional(),
});
const HistoryQuery = z.object({
  contact: z.string().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX).default(HISTORY_ROWS),
});
const FaultBody = z.object({
  kind: z.enum(['clear', ...Object.keys(FAULTS)] as [string, ...string[]]),
});

export interface PageServerOptions {
  slack: SlackEmulator;
  stuut: StuutEmulator;
  driver: SlackClientDriver;
  /** The bot's contact book, shown beside Stuut's own data. */
  book?: Book;
  host: string;
  port: number;
}

const CONTACT_FIELDS = [
  'email',
  'given_name',
  'family_name',
  'name',
  'phone',
  'job_title',
] as const;

/** Slackbot is not flagged as a bot in users.list, but nobody edits its profile. */
const SLACKBOT_ID = 'USLACKBOT';

export function pageMembers(members: readonly SlackMember[]): PageMember[] {
  return members.map((member) => ({
    id: member.id,
    name: member.real_name || member.profile.real_name || member.name,
    handle: member.name,
    displayName: member.profile.display_name,
    email: member.profile.email ?? null,
    title: member.profile.title,
    phone: member.profile.phone,
    deleted: member.deleted,
    isBot: member.is_bot || member.id === SLACKBOT_ID,
  }));
}

export function pageChange(
  change: ChangeRecord,
  nameOf: (userId: string) => string,
  partnerNameOf: (partnerId: string) => string | null = () => null,
): PageChange {
  const assignment = change.assignment;
  return {
    id: change.id,
    at: change.at.toISOString(),
    who: { id: change.slackUser, name: nameOf(change.slackUser) },
    source: change.source,
    changes: change.changes.map((c) => ({
      field: c.field,
      before: c.before ?? null,
      beforeKnown: c.before !== undefined,
      after: c.after,
    })),
    modifiedAt: change.modifiedAt,
    undoes: change.undoes,
    undoneBy: change.undoneBy,
    versionAfter: change.versionAfter,
    ...(assignment
      ? {
          assignment: {
            assignmentId: assignment.assignmentId,
            partnerId: assignment.partnerId,
            partnerName: assignment.partnerId === null ? null : partnerNameOf(assignment.partnerId),
            roleBefore: assignment.roleBefore,
            roleBeforeLabel:
              assignment.roleBefore === null ? null : roleLabel(assignment.roleBefore),
            roleAfter: assignment.roleAfter,
            roleAfterLabel: roleLabel(assignment.roleAfter),
          },
        }
      : {}),
  };
}

/** The partners in Stuut's order, each with how many assignments it has. */
export function pagePartners(
  partners: readonly EmulatedPartner[],
  assignments: readonly EmulatedAssignment[],
): PagePartner[] {
  return partners.map((partner) => ({
    id: partner.id,
    name: partner.name,
    assignments: assignments.filter((a) => a.partner_id === partner.id).length,
  }));
}

/** Stuut's assignments in Stuut's order, with the role in words and the partner's name. */
export function pageAssignments(
  assignments: readonly EmulatedAssignment[],
  partners: readonly EmulatedPartner[],
): PageAssignment[] {
  const names = new Map(partners.map((partner) => [partner.id, partner.name]));
  return assignments.map((a) => ({
    id: a.id,
    contactId: a.internal_contact_id,
    partnerId: a.partner_id,
    partnerName: a.partner_id === null ? null : (names.get(a.partner_id) ?? null),
    role: a.internal_role,
    roleLabel: roleLabel(a.internal_role),
    remoteId: a.remote_id,
    createdAt: a.created_at,
    modifiedAt: a.modified_at,
  }));
}

/** The book's assignments, each compared with Stuut's assignment of the same id. */
export function compareAssignments(
  stuut: readonly PageAssignment[],
  entries: readonly AssignmentEntry[],
  partners: readonly EmulatedPartner[],
): PageBookAssignment[] {
  const names = new Map(partners.map((partner) => [partner.id, partner.name]));
  const byId = new Map(stuut.map((assignment) => [assignment.id, assignment]));
  return entries.map((entry) => {
    const theirs = byId.get(entry.id);
    const status = !theirs ? 'book_only' : theirs.role === entry.role ? 'same' : 'differs';
    return {
      id: entry.id,
      contactId: entry.contactId,
      partnerId: entry.partnerId,
      partnerName: entry.partnerId === null ? null : (names.get(entry.partnerId) ?? null),
      role: entry.role,
      roleLabel: roleLabel(entry.role),
      remoteId: entry.remoteId,
      createdAt: entry.createdAt,
      modifiedAt: entry.modifiedAt,
      seenAt: entry.seenAt.toISOString(),
      status,
      stuutRole: status === 'differs' && theirs ? theirs.role : null,
      stuutRoleLabel: status === 'differs' && theirs ? theirs.roleLabel : null,
    };
  });
}

/**
 * One row of the side panel's book: `same` as Stuut, `differs` on some fields, `missing`
 * (Stuut has the contact, the book does not), or `book_only` (the book has it, Stuut not).
 */
export interface BookRow {
  id: string;
  status: 'same' | 'differs' | 'missing' | 'book_only';
  entry: PageBookEntry | null;
  /** The fields whose values differ from Stuut's, with Stuut's value. */
  differs: Partial<Record<ContactField, string | null>>;
}

function pageEntry(entry: BookEntry): PageBookEntry {
  return {
    id: entry.id,
    values: { ...entry.values },
    knownFrom: entry.knownFrom,
    modifiedAt: entry.modifiedAt,
    seenAt: entry.seenAt.toISOString(),
    version: entry.version,
  };
}

/** Stuut's contacts, in Stuut's order, each with what the book knows; then the book's others. */
export function compareBook(
  contacts: readonly StuutContact[],
  entries: readonly BookEntry[],
): BookRow[] {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const rows: BookRow[] = contacts.map((contact) => {
    const entry = byId.get(contact.id);
    byId.delete(contact.id);
    if (!entry) return { id: contact.id, status: 'missing', entry: null, differs: {} };
    const differs: BookRow['differs'] = {};
    for (const field of CONTACT_FIELDS) {
      const theirs = contact[field] ?? null;
      if ((entry.values[field] ?? null) !== theirs) differs[field] = theirs;
    }
    const status = Object.keys(differs).length > 0 ? 'differs' : 'same';
    return { id: contact.id, status, entry: pageEntry(entry), differs };
  });
  for (const entry of byId.values()) {
    rows.push({ id: entry.id, status: 'book_only', entry: pageEntry(entry), differs: {} });
  }
  return rows;
}

/**
 * The local page that plays the Slack client: it serves the HTML, and a small JSON API that
 * turns clicks and typing into the signed requests real Slack would send.
 */
export async function startPageServer(
  options: PageServerOptions,
): Promise<{ server: Server; url: string }> {
  const { slack, stuut, driver, book } = options;
  // A new server (a restart) starts counting versions again; the page tells by this.
  const instance = randomBytes(6).toString('hex');
  let version = 0;
  let fingerprint = '';

  /** What the book knows of the rows' contacts' assignments; an error of its own. */
  async function bookAssignments(
    rows: readonly BookRow[],
    stuutAssignments: readonly PageAssignment[],
    partners: readonly EmulatedPartner[],
  ): Promise<{ assignments: PageBookAssignment[]; assignmentsError: string | null }> {
    if (!book || typeof book.assignmentsOf !== 'function') {
      return { assignments: [], assignmentsError: 'this book does not keep assignments' };
    }
    try {
      const entries: AssignmentEntry[] = [];
      for (const row of rows) entries.push(...(await book.assignmentsOf(row.id)));
      return {
        assignments: compareAssignments(stuutAssignments, entries, partners),
        assignmentsError: null,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { assignments: [], assignmentsError: message };
    }
  }

  async function bookState(
    contacts: readonly StuutContact[],
    stuutAssignments: readonly PageAssignment[],
    partners: readonly EmulatedPartner[],
  ) {
    if (!book) return null;
    try {
      const entries = await book.recent(BOOK_ROWS);
      // Stuut's contacts are looked up one by one when not among the most recent, so that
      // "not in the book" is never a matter of how many the book holds.
      const known = new Set(entries.map((entry) => entry.id));
      for (const contact of contacts.slice(0, BOOK_ROWS)) {
        if (known.has(contact.id)) continue;
        const entry = await book.get(contact.id);
        if (entry) entries.push(entry);
      }
      const rows = compareBook(contacts, entries);
      const roles = await bookAssignments(rows, stuutAssignments, partners);
      return { engine: book.engine, rows, error: null, ...roles };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        engine: book.engine,
        rows: [],
        error: message,
        assignments: [],
        assignmentsError: message,
      };
    }
  }

  // One state at a time: one begun earlier but finished later must not count as newer.
  let queue: Promise<unknown> = Promise.resolve();
  function state(): ReturnType<typeof readState> {
    const next = queue.then(readState, readState);
    queue = next.catch(() => undefined);
    return next;
  }

  async function readState() {
    const contacts = stuut.contacts();
    const partners = stuut.partners();
    const emulatedAssignments = stuut.assignments();
    const assignments = pageAssignments(emulatedAssignments, partners);
    const bookNow = await bookState(contacts, assignments, partners);
    const modal = slack.topView(SANDBOX_USER.id) ?? null;
    const messages = slack.messages.filter((m) => !m.deleted);
    const members = pageMembers(slack.members());
    // The messages whole: an edit (chat.update, replace_original) must show even when it
    // happens within the same millisecond as another.
    const print = JSON.stringify([
      messages,
      slack.warnings.length,
      modal?.id,
      modal?.hash,
      modal?.errors,
      stuut.requests.length,
      stuut.pendingFaults().length,
      contacts,
      assignments,
      partners,
      bookNow,
      members,
    ]);
    if (print !== fingerprint) {
      fingerprint = print;
      version++;
    }
    // Mentions of members (<@U0PRIYA>) show their names, as in Slack.
    const users: Record<string, string> = {
      ...Object.fromEntries(
        members.map((member) => [member.id, member.displayName || member.name]),
      ),
      [SANDBOX_USER.id]: SANDBOX_USER.realName,
      [slack.botUserId]: 'Stuut contacts',
    };
    return {
      instance,
      version,
      user: { id: SANDBOX_USER.id, name: SANDBOX_USER.realName },
      channel: SANDBOX_CHANNEL,
      messages,
      modal,
      warnings: slack.warnings,
      contacts,
      /** Stuut's assignments, oldest first; each names its contact by `contactId`. */
      assignments,
      partners: pagePartners(partners, emulatedAssignments),
      book: bookNow,
      /** The Slack workspace's members, in users.list order, bots and deactivated ones too. */
      members,
      pendingFaults: stuut.pendingFaults().map(describeFault),
      users,
    };
  }

  function personName(userId: string): string {
    if (userId === slack.botUserId) return 'Stuut contacts';
    const user = slack.user(userId);
    return user.exists ? user.realName || user.name : userId;
  }

  function partnerName(partnerId: string): string | null {
    return stuut.partner(partnerId)?.name ?? null;
  }

  /**
   * The side panel's history of one contact, newest first. Every recorded change comes with
   * the book learning the contact (its version and seen time change), so the state's version
   * moves with it, and the page asks again.
   */
  async function historyOf(contactId: string, limit: number): Promise<PageHistory> {
    if (!book) return { ok: false, contactId, error: 'the sandbox has no contact book' };
    try {
      const page = await book.history(contactId, { limit });
      return {
        ok: true,
        contactId,
        changes: page.changes.map((change) => pageChange(change, personName, partnerName)),
        hasOlder: page.hasOlder,
      };
    } catch (error) {
      return {
        ok: false,
        contactId,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }

  // Pages wait for the next change (a long poll), so what the bot does shows at once. One
  // ticker looks at the state for all of them while any waits.
  const waiters = new Set<{ since: number; wake: () => void }>();
  let ticking = false;
  function tick(): void {
    if (ticking || waiters.size === 0) return;
    ticking = true;
    const timer = setTimeout(() => {
      state()
        .then(({ version: now }) => {
          for (const waiter of waiters) if (waiter.since !== now) waiter.wake();
        })
        .catch(() => undefined)
        .finally(() => {
          ticking = false;
          tick();
        });
    }, CHANGE_CHECK_MS);
    timer.unref();
  }

  /** Resolves when the state's version is no longer `since`, after LONG_POLL_MS, or on close. */
  function changeAfter(since: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {
        since,
        wake: () => {
          clearTimeout(timeout);
          waiters.delete(waiter);
          res.off('close', waiter.wake);
          resolve();
        },
      };
      const timeout = setTimeout(waiter.wake, LONG_POLL_MS);
      timeout.unref();
      res.on('close', waiter.wake);
      waiters.add(waiter);
      tick();
    });
  }

  /**
   * A member edits their Slack profile: the emulated Slack changes it and sends the bot a
   * `user_change` event. Answers whether the bot acknowledged it (a 2xx within 3 seconds).
   */
  async function editProfile(edit: z.infer<typeof MemberProfileBody>) {
    const member = slack.member(edit.userId);
    if (!member) throw new Error(`no member ${edit.userId}`);
    if (member.deleted) throw new Error(`${edit.userId} is deactivated`);
    if (member.is_bot || member.id === SLACKBOT_ID) throw new Error(`${edit.userId} is a bot`);
    const patch: { title?: string; phone?: string } = {};
    const title = edit.title?.trim();
    const phone = edit.phone?.trim();
    if (title !== undefined && title !== member.profile.title) patch.title = title;
    if (phone !== undefined && phone !== member.profile.phone) patch.phone = phone;
    // Slack sends no event for a save that changes nothing.
    if (Object.keys(patch).length === 0) return { ok: true, changed: false };
    try {
      const ack = await slack.updateMemberProfile(edit.userId, patch);
      return {
        ok: true,
        changed: true,
        acknowledged: ack.acknowledged,
        status: ack.status,
        timedOut: ack.timedOut,
        ackMs: Math.round(ack.ms),
        eventId: ack.eventId,
      };
    } catch (error) {
      // The bot could not be reached: the profile is changed all the same.
      const message = error instanceof Error ? error.message : String(error);
      return { ok: true, changed: true, acknowledged: false, error: message };
    }
  }

  async function api(path: string, body: unknown): Promise<unknown> {
    switch (path) {
      case '/api/command': {
        const { text } = CommandBody.parse(body);
        const ack = await driver.slashCommand({
          text,
          userId: SANDBOX_USER.id,
          userName: SANDBOX_USER.name,
          channelId: SANDBOX_CHANNEL.id,
          channelName: SANDBOX_CHANNEL.name,
        });
        return { ok: ack.status === 200, ackMs: Math.round(ack.ms) };
      }
      case '/api/modal/submit': {
        const { viewId, values } = SubmitBody.parse(body);
        for (const [blockId, value] of Object.entries(values)) {
          try {
            slack.typeInto(viewId, blockId, value);
          } catch {
            // A block the view no longer has: Slack would not send it either.
          }
        }
        try {
          const warningsBefore = slack.warnings.length;
          const ack = await driver.submitView(viewId, { userId: SANDBOX_USER.id });
          // Slack ignores an answer it cannot use; the person sees a connection error then.
          const refused = slack.warnings
            .slice(warningsBefore)
            .find((w) => w.startsWith('view_submission'));
          if (refused) return { ok: false, error: refused, ackMs: Math.round(ack.ms) };
          return { ok: ack.status === 200, ackMs: Math.round(ack.ms) };
        } catch (error) {
          if (error instanceof ClientValidationError)
            return { ok: false, error: 'client_validation', errors: error.errors };
          throw error;
        }
      }
      case '/api/modal/close': {
        const { viewId } = CloseBody.parse(body);
        await driver.closeView(viewId, { userId: SANDBOX_USER.id });
        return { ok: true };
      }
      case '/api/click': {
        const click = ClickBody.parse(body);
        const ack = await driver.clickButton({
          actionId: click.actionId,
          userId: SANDBOX_USER.id,
          ...(click.blockId !== undefined ? { blockId: click.blockId } : {}),
          ...(click.messageTs ? { messageTs: click.messageTs } : {}),
          ...(click.viewId ? { viewId: click.viewId } : {}),
          ...(click.value !== undefined ? { value: click.value } : {}),
        });
        return { ok: ack.status === 200, ackMs: Math.round(ack.ms) };
      }
      case '/api/options': {
        const { viewId, actionId, value } = SuggestBody.parse(body);
        const options = await driver.suggestOptions(viewId, actionId, value, {
          userId: SANDBOX_USER.id,
        });
        return { ok: true, options };
      }
      case '/api/select': {
        const { viewId, actionId, option } = SelectBody.parse(body);
        const ack = await driver.selectOption({
          viewId,
          actionId,
          option,
          userId: SANDBOX_USER.id,
        });
        if (!ack) return { ok: true };
        return { ok: ack.status === 200, ackMs: Math.round(ack.ms) };
      }
      case '/api/enter': {
        // Enter in a plain_text_input: block_actions only when its input block dispatches.
        const { viewId, blockId, value } = EnterBody.parse(body);
        const ack = await driver.pressEnter({ viewId, blockId, value, userId: SANDBOX_USER.id });
        if (!ack) return { ok: true, dispatched: false };
        return { ok: ack.status === 200, dispatched: true, ackMs: Math.round(ack.ms) };
      }
      case '/api/member/profile':
        return editProfile(MemberProfileBody.parse(body));
      case '/api/faults': {
        const { kind } = FaultBody.parse(body);
        const entry = FAULTS[kind];
        if (kind === 'clear') stuut.clearFaults();
        else if (entry) stuut.failNext(entry.fault);
        return { ok: true };
      }
      default:
        return undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    if (req.method === 'GET') {
      if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', INDEX_HTML);
      if (url.pathname === '/page.css') return send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
      // The state holds contacts' phones and emails: not for a name that resolves here by DNS
      // rebinding (another site's script could read it then).
      if (url.pathname.startsWith('/api/') && !sameHost(req, port)) {
        return sendJson(res, 403, { ok: false, error: 'forbidden' });
      }
      if (url.pathname === '/api/history') {
        // ?contact=<id>&limit=<n>: the latest changes of one contact, newest first.
        const query = HistoryQuery.safeParse(Object.fromEntries(url.searchParams));
        if (!query.success) return sendJson(res, 400, { ok: false, error: 'invalid_request' });
        return sendJson(res, 200, await historyOf(query.data.contact, query.data.limit));
      }
      if (url.pathname === '/api/state') {
        // ?since=<version>&instance=<id>: answer when the state has changed from that version
        // (at once when the page's version is from before a restart).
        const since = Number(url.searchParams.get('since') ?? Number.NaN);
        const known = url.searchParams.get('instance');
        const sameServer = known === null || known === instance;
        if (Number.isInteger(since) && sameServer && (await state()).version === since) {
          await changeAfter(since, res);
          if (res.destroyed) return;
        }
        return sendJson(res, 200, await state());
      }
      const script = /^\/page\/([a-z-]+\.js)$/.exec(url.pathname)?.[1];
      if (script) {
        try {
          const code = await readFile(join(PAGE_SCRIPT_DIR, script), 'utf8');
          return send(res, 200, 'text/javascript; charset=utf-8', code);
        } catch {
          return send(res, 404, 'text/plain', 'Not built: run npm run build');
        }
      }
      return send(res, 404, 'text/plain', 'Not found');
    }
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) {
      // Only this page may drive the API: not another site in the same browser (CSRF),
      // nor a name that resolves here by DNS rebinding.
      if (!sameOrigin(req, port)) return sendJson(res, 403, { ok: false, error: 'forbidden' });
      try {
        const result = await api(url.pathname, JSON.parse(await readBody(req)) as unknown);
        if (result === undefined) return sendJson(res, 404, { ok: false, error: 'not_found' });
        return sendJson(res, 200, result);
      } catch (error) {
        const message =
          error instanceof z.ZodError
            ? 'invalid_request'
            : error instanceof Error
              ? error.message
              : 'error';
        return sendJson(res, 400, { ok: false, error: message });
      }
    }
    return send(res, 405, 'text/plain', 'Method not allowed');
  }

  let port = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'error');
    });
  });
  port = await listen(server, options.host, options.port);
  return { server, url: `http://${options.host}:${port}/` };
}

/** Listens on the asked port; when it is taken, on a free one. */
async function listen(server: Server, host: string, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    return listen(server, host, 0);
  }
  return (server.address() as AddressInfo).port;
}

const pageHosts = (port: number) => [`127.0.0.1:${port}`, `localhost:${port}`];

function sameHost(req: IncomingMessage, port: number): boolean {
  return pageHosts(port).includes(req.headers.host ?? '');
}

function sameOrigin(req: IncomingMessage, port: number): boolean {
  const hosts = pageHosts(port);
  if (!sameHost(req, port)) return false;
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.some((host) => origin === `http://${host}`)) return false;
  return (req.headers['content-type'] ?? '').startsWith('application/json');
}

function describeFault(fault: StuutFault): string {
  const entry = Object.values(FAULTS).find((candidate) => candidate.fault === fault);
  return entry?.label ?? fault.kind;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    // The page renders untrusted text; this stops any script that is not its own.
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8') || '{}';
}
