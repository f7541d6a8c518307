import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import {
  type Assignment,
  AssignmentSchema,
  isRole,
  isValidPartnerId,
  type NewAssignmentBody,
  type Role,
} from '../domain/assignment';
import {
  type ContactPatch,
  type InternalContact,
  InternalContactSchema,
  isValidContactId,
} from '../domain/contact';
import type { Logger } from '../logger';
import { CircuitBreaker, type Refusal } from './circuit';
import {
  InvalidAssignmentIdError,
  InvalidContactIdError,
  InvalidPartnerIdError,
  InvalidRoleError,
  StuutCircuitOpenError,
  type StuutError,
  StuutHttpError,
  StuutOutcomeUnknownError,
  type StuutResource,
  StuutUnavailableError,
  StuutUnexpectedResponseError,
} from './errors';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from './retry';
import { parseErrorBody } from './schemas';

export interface StuutClient {
  /** PATCHes the contact, retrying what is safe to retry, and returns it as Stuut stored it. */
  updateInternalContact(contactId: string, patch: ContactPatch): Promise<InternalContact>;
  /**
   * `POST /v2/internal-contacts`: a new contact with a floating assignment. Not idempotent:
   * retried only when the request surely was not processed (a failed connection, a 429); after
   * a reset, a timeout or a 5xx it throws StuutOutcomeUnknownError without a second POST.
   */
  createInternalContact(body: NewAssignmentBody): Promise<Assignment>;
  /**
   * `POST /v2/partners/{partner_id}/internal-contacts`: finds or creates the contact by email
   * and gives it the role on the partner. Retried as `createInternalContact` is.
   */
  assignToPartner(partnerId: string, body: NewAssignmentBody): Promise<Assignment>;
  /** `PATCH /v2/partners/{partner_id}/internal-contacts/{assignment_id}`: retried like an update. */
  changeAssignmentRole(partnerId: string, assignmentId: string, role: Role): Promise<Assignment>;
  close(): Promise<void>;
}

export interface StuutClientOptions {
  /** Base URL without `/v2`, with or without a trailing slash. */
  baseUrl: string;
  token: string;
  logger: Logger;
  connectTimeoutMs?: number;
  /** Per attempt: how long to wait for the answer's headers, and between body chunks. */
  answerTimeoutMs?: number;
  /** Everything one call (update, create, assign, role change) may take, retries and waits included. */
  budgetMs?: number;
  retry?: RetryPolicy;
  /**
   * Fails fast after consecutive failures (one per process: give every client its own or
   * share one on purpose). Default: 5 failures open it for 30 s, on the `now` clock.
   */
  circuit?: CircuitBreaker;
  now?: () => number;
  random?: () => number;
  wait?: (ms: number) => Promise<unknown>;
}

export const STUUT_TIMEOUTS = {
  connectTimeoutMs: 3_000,
  answerTimeoutMs: 12_000,
  budgetMs: 15_000,
} as const;

// A retry with less time than this left could not get an answer from a healthy API.
const MIN_ATTEMPT_MS = 500;
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const CONNECT_ERROR_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const RESET_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT_ERROR_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

type Attempt =
  | {
      kind: 'answer';
      status: number;
      body: unknown;
      bodyText: string;
      retryAfter: string | undefined;
    }
  | { kind: 'transport'; reason: 'connect' | 'reset' | 'timeout'; error: unknown };

/** One request as the retry loop sends it; `operation` is named in every log line about it. */
type Call<T> = {
  method: 'PATCH' | 'POST';
  url: string;
  /** The JSON body, already serialised. */
  body: string;
  /** Parses a 2xx answer; a body it refuses is a StuutUnexpectedResponseError. */
  schema: z.ZodType<T>;
  /** What the path names, for a 404's message. */
  resource: StuutResource;
  /** Ids only, never body values (emails and phones are personal data): they are logged. */
  logFields: Readonly<Record<string, string>>;
} & (
  | {
      operation: 'update' | 'role';
      /** A PATCH sets absolute values: resets and 502/503/504 are retried. */
      idempotent: true;
    }
  | {
      operation: 'create' | 'assign';
      /**
       * A POST creates things: retried only when it surely was not processed (a failed
       * connection, a 429); after a reset, a timeout or a 5xx it stops with
       * StuutOutcomeUnknownError.
       */
      idempotent: false;
    }
);

// The optional contact fields a create or an assign may carry, in the order they are sent.
const NEW_CONTACT_FIELDS = ['given_name', 'family_name', 'name', 'phone', 'job_title'] as const;

export function createStuutClient(options: StuutClientOptions): StuutClient {
  const {
    token,
    logger,
    connectTimeoutMs = STUUT_TIMEOUTS.connectTimeoutMs,
    answerTimeoutMs = STUUT_TIMEOUTS.answerTimeoutMs,
    budgetMs = STUUT_TIMEOUTS.budgetMs,
    retry = DEFAULT_RETRY_POLICY,
    now = Date.now,
    random = Math.random,
    wait = sleep,
    circuit = new CircuitBreaker({ now }),
  } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  const agent = new Agent({ connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 10_000 });
  // POSTs go out on a connection of their own (no keep-alive): a kept-alive socket that the
  // server has meanwhile closed would turn a POST into a reset, whose outcome is unknown.
  const freshAgent = new Agent({ connect: { timeout: connectTimeoutMs }, pipelining: 0 });

  async function attempt(
    call: Call<unknown>,
    dispatcher: Dispatcher,
    remainingMs: number,
  ): Promise<Attempt> {
    const timeout = Math.max(1, Math.min(answerTimeoutMs, remainingMs));
    try {
      const response = await request(call.url, {
        method: call.method,
        dispatcher,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: call.body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(Math.max(1, remainingMs)),
      });
      const bodyText = await response.body.text();
      return {
        kind: 'answer',
        status: response.statusCode,
        body: parseJson(bodyText),
        bodyText,
        retryAfter: headerValue(response.headers, 'retry-after'),
      };
    } catch (error) {
      return { kind: 'transport', reason: classifyTransportError(error), error };
    }
  }

  /** Sends the call, retrying what its idempotency allows, within the budget. */
  async function send<T>(call: Call<T>): Promise<T> {
    const deadline = now() + budgetMs;
    const dispatcher = call.idempotent ? agent : freshAgent;
    const logged = { operation: call.operation, ...call.logFields };
    let lastError: StuutError | undefined;

    for (let attemptNo = 1; ; attemptNo++) {
      // An open circuit refuses before any request is made, and is never retried.
      const admission = circuit.admit();
      if (!admission.allowed) {
        logger.info(
          { ...logged, failures: admission.failures, attemptsMade: attemptNo - 1 },
          'stuut circuit open: request not sent',
        );
        throw circuitError(call, admission, attemptNo - 1, lastError);
      }
      const result = await attempt(call, dispatcher, deadline - now());
      record(result, admission.probe);
      const outcome = interpret(call, result, attemptNo);
      if (outcome.done && !outcome.error) return outcome.value;
      lastError = outcome.error;
      // A POST that may have been processed is never sent again, whatever else holds.
      if (!call.idempotent) {
        const unknown = outcomeUnknown(call.operation, result, attemptNo, outcome.error);
        if (unknown) {
          logger.warn(
            {
              ...logged,
              attempt: attemptNo,
              status: unknown.status ?? undefined,
              transport: result.kind === 'transport' ? result.reason : undefined,
            },
            'stuut outcome unknown: not retried',
          );
          throw unknown;
        }
      }
      // This failure opened the circuit (or another request's did meanwhile): no retry into it.
      const refusal = circuit.refusal();
      if (refusal) throw circuitError(call, refusal, attemptNo, outcome.error);
      if (outcome.done) throw outcome.error;
      const remaining = deadline - now();
      const retryAfterSeconds =
        result.kind === 'answer' ? parseRetryAfter(result.retryAfter, now()) : null;
      const delay =
        retryAfterSeconds !== null
          ? retryAfterSeconds * 1000
          : backoffDelay(retry, attemptNo, random);
      logger.warn(
        {
          ...logged,
          attempt: attemptNo,
          status: result.kind === 'answer' ? result.status : undefined,
          transport: result.kind === 'transport' ? result.reason : undefined,
          retryInMs: delay,
        },
        'stuut attempt failed',
      );
      // Stop now rather than wait out a delay that leaves no time for another attempt.
      if (attemptNo >= retry.maxAttempts || delay + MIN_ATTEMPT_MS > remaining) {
        throw outcome.error;
      }
      await wait(delay);
    }
  }

  return {
    async updateInternalContact(contactId, patch) {
      if (!isValidContactId(contactId)) {
        throw new InvalidContactIdError();
      }
      return send({
        operation: 'update',
        idempotent: true,
        method: 'PATCH',
        url: `${base}/v2/internal-contacts/${encodeURIComponent(contactId)}`,
        body: JSON.stringify(patch),
        schema: InternalContactSchema,
        resource: 'contact',
        logFields: { contactId },
      });
    },
    async createInternalContact(body) {
      return send({
        operation: 'create',
        idempotent: false,
        method: 'POST',
        url: `${base}/v2/internal-contacts`,
        body: newAssignmentJson(body),
        schema: AssignmentSchema,
        resource: 'endpoint',
        logFields: {},
      });
    },
    async assignToPartner(partnerId, body) {
      if (!isValidPartnerId(partnerId)) throw new InvalidPartnerIdError();
      return send({
        operation: 'assign',
        idempotent: false,
        method: 'POST',
        url: `${base}/v2/partners/${encodeURIComponent(partnerId)}/internal-contacts`,
        body: newAssignmentJson(body),
        schema: AssignmentSchema,
        resource: 'partner',
        logFields: { partnerId },
      });
    },
    async changeAssignmentRole(partnerId, assignmentId, role) {
      if (!isValidPartnerId(partnerId)) throw new InvalidPartnerIdError();
      // Assignment ids are opaque like contact ids: the same one-safe-segment rule.
      if (!isValidContactId(assignmentId)) throw new InvalidAssignmentIdError();
      if (!isRole(role)) throw new InvalidRoleError();
      return send({
        operation: 'role',
        idempotent: true,
        method: 'PATCH',
        url: `${base}/v2/partners/${encodeURIComponent(partnerId)}/internal-contacts/${encodeURIComponent(assignmentId)}`,
        body: JSON.stringify({ internal_role: role }),
        schema: AssignmentSchema,
        resource: 'assignment',
        logFields: { partnerId, assignmentId },
      });
    },
    async close() {
      await Promise.all([agent.close(), freshAgent.close()]);
    },
  };

  /** Transport failures and 5xx answers count against Stuut; any other answer shows it works. */
  function record(result: Attempt, probe: boolean): void {
    const failed = result.kind === 'transport' || result.status >= 500;
    const transition = failed ? circuit.recordFailure() : circuit.recordSuccess();
    if (transition === 'opened') {
      logger.warn(
        { failures: circuit.failures, openMs: circuit.openMs },
        'stuut circuit opened: failing fast',
      );
    } else if (transition === 'reopened') {
      logger.warn(
        { failures: circuit.failures, openMs: circuit.openMs, probe },
        'stuut circuit opened again: the probe failed',
      );
    } else if (transition === 'closed') {
      logger.info({ probe }, 'stuut circuit closed: Stuut answers again');
    }
  }

  function circuitError(
    call: Call<unknown>,
    refusal: Refusal,
    attemptsMade: number,
    cause: StuutError | undefined,
  ): StuutCircuitOpenError {
    return new StuutCircuitOpenError(
      refusal.failures,
      new Date(refusal.retryAt),
      Math.ceil(circuit.openMs / 1000),
      attemptsMade,
      refusal.probing,
      Math.max(0, Math.ceil((refusal.retryAt - now()) / 1000)),
      // A POST reaches a refusal only after attempts that failed to connect or were answered
      // 429 (it stops at anything that may have been processed), so nothing was applied.
      { cause, nothingApplied: !call.idempotent },
    );
  }

  function interpret<T>(
    call: Call<T>,
    result: Attempt,
    attemptNo: number,
  ):
    | { done: true; value: T; error?: undefined }
    | { done: true; error: StuutError }
    | { done: false; error: StuutError } {
    if (result.kind === 'transport') {
      const error = new StuutUnavailableError(result.reason, attemptNo, {
        cause: result.error,
        // A POST is retried only after failures that never reached Stuut, so a failed
        // connection now means none of its attempts did.
        nothingApplied: !call.idempotent && result.reason === 'connect',
      });
      // A timeout means the request may already be applied and the API is slow: another
      // attempt would only wait again, so stop.
      return result.reason === 'timeout' ? { done: true, error } : { done: false, error };
    }
    const { status, body } = result;
    if (status >= 200 && status < 300) {
      if (body === undefined) {
        return {
          done: true,
          error: new StuutUnexpectedResponseError(status, 'the body is not JSON'),
        };
      }
      const parsed = call.schema.safeParse(body);
      if (!parsed.success) {
        const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)');
        return {
          done: true,
          error: new StuutUnexpectedResponseError(
            status,
            `unexpected fields: ${fields.join(', ')}`,
          ),
        };
      }
      return { done: true, value: parsed.data };
    }
    const detail = parseErrorBody(body);
    const error = new StuutHttpError(
      status,
      detail.detail,
      detail.fieldErrors,
      detail.otherErrors,
      parseRetryAfter(result.retryAfter, now()),
      call.resource === 'contact' ? undefined : { resource: call.resource },
    );
    return RETRYABLE_STATUSES.has(status) ? { done: false, error } : { done: true, error };
  }
}

/**
 * For a POST: the failure that leaves its outcome unknown (a reset, a timeout, any 5xx), or
 * null for one that surely was not processed (a failed connection, a 4xx) or a 2xx.
 */
function outcomeUnknown(
  action: 'create' | 'assign',
  result: Attempt,
  attemptNo: number,
  cause: StuutError,
): StuutOutcomeUnknownError | null {
  if (result.kind === 'transport') {
    return result.reason === 'connect'
      ? null
      : new StuutOutcomeUnknownError(action, result.reason, null, attemptNo, { cause });
  }
  return result.status >= 500
    ? new StuutOutcomeUnknownError(action, 'server', result.status, attemptNo, { cause })
    : null;
}

/**
 * The JSON body of a create or an assign: the email, the role and the optional fields given
 * as strings, and nothing else (whatever else the object carries at run time is not sent).
 */
function newAssignmentJson(body: NewAssignmentBody): string {
  if (!isRole(body.internal_role)) throw new InvalidRoleError();
  const json: Record<string, string> = {
    email: body.email,
    internal_role: body.internal_role,
  };
  for (const field of NEW_CONTACT_FIELDS) {
    const value = body[field];
    if (typeof value === 'string') json[field] = value;
  }
  return JSON.stringify(json);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function headerValue(
  headers: Dispatcher.ResponseData['headers'],
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  // Structural, not `instanceof Error`: Node's own errors (ECONNREFUSED, AbortSignal's
  // DOMException) come from another realm under jest's vm contexts and would be missed.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, cause } = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    if (typeof name === 'string') codes.push(name);
    current = cause;
  }
  return codes;
}

export function classifyTransportError(error: unknown): 'connect' | 'reset' | 'timeout' {
  const codes = errorCodes(error);
  if (codes.some((code) => CONNECT_ERROR_CODES.has(code))) return 'connect';
  if (
    codes.some(
      (code) => TIMEOUT_ERROR_CODES.has(code) || code === 'TimeoutError' || code === 'AbortError',
    )
  ) {
    return 'timeout';
  }
  if (codes.some((code) => RESET_ERROR_CODES.has(code))) return 'reset';
  // Unknown transport failures are treated like a reset: the request may not have arrived.
  return 'reset';
}
