import { PARTNER_ID_RULE, ROLE_LABELS, ROLES } from '../domain/assignment';
import { CONTACT_ID_RULE, type ContactField } from '../domain/contact';

/** Base of every failure the Stuut client reports; `userMessage` is safe to show a person. */
export abstract class StuutError extends Error {
  abstract readonly userMessage: string;
}

/**
 * The id cannot name a Stuut contact (see `isValidContactId`), so no request was made. Callers
 * validate ids first; this guards the URL path against any that slipped through.
 */
export class InvalidContactIdError extends StuutError {
  override readonly name = 'InvalidContactIdError';
  constructor() {
    super('contact id refused before any request');
  }

  get userMessage(): string {
    return `That is not a Stuut contact id, so nothing was sent. ${CONTACT_ID_RULE}`;
  }
}

/**
 * The partner id cannot name a Stuut partner (see `isValidPartnerId`), so no request was made.
 * Like `InvalidContactIdError`, this guards the URL path; callers validate typed ids first.
 */
export class InvalidPartnerIdError extends StuutError {
  override readonly name = 'InvalidPartnerIdError';
  constructor() {
    super('partner id refused before any request');
  }

  get userMessage(): string {
    return `That is not a Stuut partner id, so nothing was sent. ${PARTNER_ID_RULE}`;
  }
}

/**
 * The assignment id cannot name a Stuut assignment, so no request was made. Assignment ids
 * follow the contact id rule (`isValidContactId`: opaque, one safe path segment); this is its
 * own error so that the message does not speak of a contact.
 */
export class InvalidAssignmentIdError extends StuutError {
  override readonly name = 'InvalidAssignmentIdError';
  constructor() {
    super('assignment id refused before any request');
  }

  get userMessage(): string {
    // The same rule as CONTACT_ID_RULE (`isValidContactId` checks both), in its own words.
    return 'That is not a Stuut assignment id, so nothing was sent. An assignment id is 1–128 letters, digits, "_" or "-", starting with a letter or digit.';
  }
}

/** The role is not one of `ROLES` (the types forbid it; this guards the runtime), so nothing was sent. */
export class InvalidRoleError extends StuutError {
  override readonly name = 'InvalidRoleError';
  constructor() {
    super('role refused before any request');
  }

  get userMessage(): string {
    return `That is not a Stuut role, so nothing was sent. Choose one of: ${ROLES.map((role) => ROLE_LABELS[role]).join(', ')}.`;
  }
}

/** What a request's path names, so that a 404 says which of them Stuut does not know. */
export type StuutResource = 'contact' | 'partner' | 'assignment' | 'endpoint';

/** Stuut answered with a non-2xx status. */
export class StuutHttpError extends StuutError {
  override readonly name = 'StuutHttpError';
  /**
   * What the request's path named: `contact` (an update, the default), `partner` (an
   * assign), `assignment` (a role change) or `endpoint` (a create, whose path names nothing).
   */
  readonly resource: StuutResource;
  constructor(
    readonly status: number,
    /** FastAPI `detail` when it was a string, else null. */
    readonly detail: string | null,
    /** 422 messages per form field, from `detail[].loc`. */
    readonly fieldErrors: Partial<Record<ContactField, string>>,
    /** 422 messages that name no field. */
    readonly otherErrors: readonly string[],
    /** Seconds from `Retry-After`, when the answer had one. */
    readonly retryAfterSeconds: number | null,
    options?: { resource?: StuutResource },
  ) {
    super(`Stuut answered HTTP ${status}`);
    this.resource = options?.resource ?? 'contact';
  }

  get userMessage(): string {
    switch (this.status) {
      case 401:
      case 403:
        return "Stuut refused the bot's API token, so nothing was saved. Ask whoever runs this Slack app to renew its STUUT_API_TOKEN.";
      case 404:
        switch (this.resource) {
          case 'partner':
            return 'Stuut has no partner with that id.';
          case 'assignment':
            return 'Stuut has no such assignment (or partner).';
          case 'endpoint':
            return `Stuut does not know this request (HTTP 404${this.detail ? `: ${this.detail}` : ''}), so nothing was saved. The bot's Stuut address may be wrong.`;
          default:
            return 'Stuut has no internal contact with that id.';
        }
      case 409:
        return `Stuut refused the change: ${this.detail ?? 'it conflicts with another contact'}.`;
      case 422:
        if (this.otherErrors.length > 0)
          return `Stuut refused the change: ${this.otherErrors.join('; ')}`;
        return Object.keys(this.fieldErrors).length > 0
          ? 'Stuut refused some values; see the messages next to the fields.'
          : `Stuut refused the change${this.detail ? `: ${this.detail}` : '.'}`;
      case 429:
        return this.retryAfterSeconds !== null
          ? `Stuut is busy and asked to wait ${this.retryAfterSeconds} s. Nothing was saved: try again in a minute.`
          : 'Stuut is busy right now. Nothing was saved: try again in a minute.';
      default:
        return this.status >= 500
          ? `Stuut had a problem (HTTP ${this.status}), so the change may not have been saved. Press Save to try again in a few minutes (sending it twice is safe).`
          : `Stuut refused the request (HTTP ${this.status}${this.detail ? `: ${this.detail}` : ''}).`;
    }
  }
}

/**
 * No usable answer: connection refused or reset, or a timeout. The change may or may not have
 * been applied, unless `nothingApplied` says otherwise.
 */
export class StuutUnavailableError extends StuutError {
  override readonly name = 'StuutUnavailableError';
  /**
   * True when no attempt can have reached Stuut (a create or an assign that only ever failed
   * to connect, or was answered 429). Always false for updates, which retry after resets too.
   */
  readonly nothingApplied: boolean;
  constructor(
    readonly reason: 'connect' | 'reset' | 'timeout',
    readonly attempts: number,
    options?: { cause?: unknown; nothingApplied?: boolean },
  ) {
    super(
      `Stuut unavailable (${reason}) after ${attempts} attempt(s)`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.nothingApplied = options?.nothingApplied ?? false;
  }

  get userMessage(): string {
    switch (this.reason) {
      case 'connect':
        if (this.nothingApplied)
          return 'Could not reach Stuut, so nothing was sent. Press Save to try again in a minute.';
        return 'Could not reach Stuut, so the change was not confirmed. Press Save to try again in a minute (sending it twice is safe).';
      case 'reset':
        return 'The connection to Stuut broke, so the change may or may not be saved. Press Save to try again (sending it twice is safe).';
      default:
        return 'Stuut did not answer in time, so the change may or may not be saved. Press Save to try again (sending it twice is safe).';
    }
  }
}

/** Stuut answered 2xx, but not with the documented contact. */
export class StuutUnexpectedResponseError extends StuutError {
  override readonly name = 'StuutUnexpectedResponseError';
  constructor(
    readonly status: number,
    readonly problem: string,
  ) {
    super(`Unexpected Stuut response (HTTP ${status}): ${problem}`);
  }

  get userMessage(): string {
    return 'Stuut answered in a way the bot does not understand, so it cannot confirm the change. Check the contact in Stuut before trying again.';
  }
}

/**
 * A create or an assign (POSTs, not idempotent) failed in a way that leaves its outcome unknown:
 * the connection broke after the request went out (`reset`), no answer came in time
 * (`timeout`), or Stuut answered 5xx (`server`). No second POST was sent, because it might
 * create a duplicate. Whoever sees this must check the Stuut app before trying again.
 */
export class StuutOutcomeUnknownError extends StuutError {
  override readonly name = 'StuutOutcomeUnknownError';
  constructor(
    readonly action: 'create' | 'assign',
    readonly reason: 'reset' | 'timeout' | 'server',
    /** The 5xx status for `server`, else null. */
    readonly status: number | null,
    /** POSTs this call made, the ambiguous one included (earlier ones surely did not arrive). */
    readonly attempts: number,
    /** The StuutUnavailableError or StuutHttpError that made the outcome unknown. */
    options?: { cause?: unknown },
  ) {
    super(
      `Stuut ${action} outcome unknown (${reason}${status === null ? '' : ` HTTP ${status}`}) after ${attempts} attempt(s)`,
      options,
    );
  }

  get userMessage(): string {
    const why =
      this.reason === 'reset'
        ? 'The connection to Stuut broke'
        : this.reason === 'timeout'
          ? 'Stuut did not answer in time'
          : `Stuut had a problem (HTTP ${this.status ?? '5xx'})`;
    const what =
      this.action === 'create'
        ? 'the contact may or may not have been created'
        : 'the assignment may or may not have been made';
    return `${why}, so ${what}. Check the Stuut app before trying again: trying again may create a duplicate.`;
  }
}

/**
 * The circuit breaker refused to send: Stuut failed `failures` times in a row. Nothing was
 * sent by this refusal; `attempts` counts requests this save had already made before it.
 */
export class StuutCircuitOpenError extends StuutError {
  override readonly name = 'StuutCircuitOpenError';
  /**
   * True when Stuut surely applied nothing: no request was made (`attempts` 0), or every one
   * made was refused before Stuut processed it (a create or an assign whose attempts failed to
   * connect or were answered 429: those calls stop without retrying after anything else).
   */
  readonly nothingApplied: boolean;
  constructor(
    readonly failures: number,
    /** When a request may go to Stuut again. */
    readonly retryAt: Date,
    /** How long the breaker pauses requests after it opens, in seconds. */
    readonly pauseSeconds: number,
    /** Requests this save made before the breaker stopped it (0: none was sent). */
    readonly attempts: number,
    /** True while one other request is probing whether Stuut is back. */
    readonly probing: boolean,
    /** Seconds from now until `retryAt`, rounded up. */
    readonly retryInSeconds: number,
    options?: { cause?: unknown; nothingApplied?: boolean },
  ) {
    super(
      `Stuut circuit open after ${failures} consecutive failures; retry after ${retryAt.toISOString()}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.nothingApplied = attempts === 0 || (options?.nothingApplied ?? false);
  }

  get userMessage(): string {
    const failed = `Stuut has failed ${this.failures} times in a row`;
    if (this.probing) {
      return `${failed}, and the bot is checking with one request whether it is back. Nothing was sent, so nothing was saved. Try again in a few seconds.`;
    }
    const when = `Try again after ${clockTime(this.retryAt)} UTC (in ${this.retryInSeconds} s)`;
    if (this.attempts === 0)
      return `${failed}, so the bot stops sending to it for ${this.pauseSeconds} s instead of making each of you wait. Nothing was sent, so nothing was saved. ${when}.`;
    return this.nothingApplied
      ? `${failed}, this save included, so the bot stopped retrying and stops sending to Stuut for ${this.pauseSeconds} s. Stuut did not take the request, so nothing was saved. ${when}.`
      : `${failed}, this save included, so the bot stopped retrying and stops sending to Stuut for ${this.pauseSeconds} s. The change may not have been saved. ${when}; sending it twice is safe.`;
  }
}

/** HH:MM:SS in UTC: the server's clock says nothing about the reader's time zone. */
function clockTime(date: Date): string {
  return date.toISOString().slice(11, 19);
}

/**
 * Whether Stuut surely did not apply the request: a 4xx answer, an id or a role refused before
 * any request, the breaker refusing before this request made any, or a create or an assign
 * that never reached Stuut (`nothingApplied`). A 5xx, a reset or a timeout may have been
 * applied (for a create or an assign: StuutOutcomeUnknownError), and so may a 2xx the bot
 * could not read (StuutUnexpectedResponseError).
 */
export function surelyNotApplied(error: unknown): boolean {
  return (
    (error instanceof StuutHttpError && error.status < 500) ||
    error instanceof InvalidContactIdError ||
    error instanceof InvalidPartnerIdError ||
    error instanceof InvalidAssignmentIdError ||
    error instanceof InvalidRoleError ||
    (error instanceof StuutUnavailableError && error.nothingApplied) ||
    (error instanceof StuutCircuitOpenError && error.nothingApplied)
  );
}
