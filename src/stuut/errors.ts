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

/** Stuut answered with a non-2xx status. */
export class StuutHttpError extends StuutError {
  override readonly name = 'StuutHttpError';
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
  ) {
    super(`Stuut answered HTTP ${status}`);
  }

  get userMessage(): string {
    switch (this.status) {
      case 401:
      case 403:
        return "Stuut refused the bot's API token, so nothing was saved. Ask whoever runs this Slack app to renew its STUUT_API_TOKEN.";
      case 404:
        return 'Stuut has no internal contact with that id.';
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

/** No usable answer: connection refused or reset, or a timeout. The change may or may not have been applied. */
export class StuutUnavailableError extends StuutError {
  override readonly name = 'StuutUnavailableError';
  constructor(
    readonly reason: 'connect' | 'reset' | 'timeout',
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`Stuut unavailable (${reason}) after ${attempts} attempt(s)`, options);
  }

  get userMessage(): string {
    switch (this.reason) {
      case 'connect':
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
 * The circuit breaker refused to send: Stuut failed `failures` times in a row. Nothing was
 * sent by this refusal; `attempts` counts requests this save had already made before it.
 */
export class StuutCircuitOpenError extends StuutError {
  override readonly name = 'StuutCircuitOpenError';
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
    options?: { cause?: unknown },
  ) {
    super(
      `Stuut circuit open after ${failures} consecutive failures; retry after ${retryAt.toISOString()}`,
      options,
    );
  }

  get userMessage(): string {
    const failed = `Stuut has failed ${this.failures} times in a row`;
    if (this.probing) {
      return `${failed}, and the bot is checking with one request whether it is back. Nothing was sent, so nothing was saved. Try again in a few seconds.`;
    }
    const when = `Try again after ${clockTime(this.retryAt)} UTC (in ${this.retryInSeconds} s)`;
    return this.attempts === 0
      ? `${failed}, so the bot stops sending to it for ${this.pauseSeconds} s instead of making each of you wait. Nothing was sent, so nothing was saved. ${when}.`
      : `${failed}, this save included, so the bot stopped retrying and stops sending to Stuut for ${this.pauseSeconds} s. The change may not have been saved. ${when}; sending it twice is safe.`;
  }
}

/** HH:MM:SS in UTC: the server's clock says nothing about the reader's time zone. */
function clockTime(date: Date): string {
  return date.toISOString().slice(11, 19);
}

/**
 * Whether Stuut surely did not apply the request: a 4xx answer, an id refused before any
 * request, or the breaker refusing before this request made any. A 5xx, a reset or a timeout
 * may have been applied.
 */
export function surelyNotApplied(error: unknown): boolean {
  return (
    (error instanceof StuutHttpError && error.status < 500) ||
    error instanceof InvalidContactIdError ||
    (error instanceof StuutCircuitOpenError && error.attempts === 0)
  );
}
