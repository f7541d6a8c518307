import { z } from 'zod';
import { isValidPartnerId } from '../domain/assignment';
import { isValidContactId } from '../domain/contact';
import { BUTTON_VALUE_MAX, type Origin, PRIVATE_METADATA_MAX } from './metadata';

/**
 * What the add, assign and role forms and the "Change role" button carry through Slack, in
 * the compact JSON of metadata.ts. Every encoding fits Slack's limit (private_metadata 3000,
 * a button value 2000); a decode answers null for anything it did not make.
 */

/**
 * Longest channel id and response_url carried, JSON-encoded; Slack's are far shorter. With
 * three ids (128 each) and a role, they leave a role form more than 1000 characters of name.
 */
const CHANNEL_ID_MAX = 64;
const RESPONSE_URL_MAX = 1000;
/** Longest role carried, JSON-encoded: Stuut's roles are short snake_case words. */
const ROLE_MAX = 255;

const ContactId = z.string().refine(isValidContactId);
const PartnerId = z.string().refine(isValidPartnerId);

const OriginShape = {
  ch: z.string().max(CHANNEL_ID_MAX).nullable(),
  r: z.string().max(RESPONSE_URL_MAX).nullable(),
};

/** An origin as encoded: a value too long to be Slack's own is dropped, never cut. */
function encodeOrigin(origin: Origin): { ch: string | null; r: string | null } {
  const fits = (value: string | null, max: number) =>
    value !== null && encodedLength(value) <= max ? value : null;
  return {
    ch: fits(origin.channelId, CHANNEL_ID_MAX),
    r: fits(origin.responseUrl, RESPONSE_URL_MAX),
  };
}

function decodeOrigin(data: { ch: string | null; r: string | null }): Origin {
  return { channelId: data.ch, responseUrl: data.r };
}

/** Length of a string inside JSON, without its quotes. */
function encodedLength(value: string): number {
  return JSON.stringify(value).length - 2;
}

function safeJson(text: unknown, max: number): unknown {
  if (typeof text !== 'string' || text.length > max) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Cuts `value` (marking the cut with "…") until `measure(value)` is at most `max` UTF-16
 * code units (never fewer than the characters Slack counts). JSON escaping can make one
 * character take six, so the cut is measured on the encoding itself.
 */
function fitInside(value: string, max: number, measure: (value: string) => number): string {
  if (measure(value) <= max) return value;
  const chars = [...value];
  const cut = (n: number) => (n === 0 ? '' : `${chars.slice(0, n - 1).join('')}…`);
  // The longest cut that fits; a longer cut never encodes shorter.
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(cut(mid)) <= max) low = mid;
    else high = mid - 1;
  }
  return cut(low);
}

// ---------------------------------------------------------------------------------------------
// The add form

export interface AddFormMetadata {
  origin: Origin;
  /** The contact the typed email already belongs to, when the form says so. */
  knownContactId: string | null;
}

const AddFormSchema = z.object({ ...OriginShape, k: ContactId.nullable() });

export function encodeAddFormMetadata(metadata: AddFormMetadata): string {
  return JSON.stringify({ ...encodeOrigin(metadata.origin), k: metadata.knownContactId });
}

export function decodeAddFormMetadata(text: string): AddFormMetadata | null {
  const parsed = AddFormSchema.safeParse(safeJson(text, PRIVATE_METADATA_MAX));
  if (!parsed.success) return null;
  return { origin: decodeOrigin(parsed.data), knownContactId: parsed.data.k };
}

// ---------------------------------------------------------------------------------------------
// The assign form

export interface AssignFormMetadata {
  origin: Origin;
  /** The optional new-person inputs are shown (the typed email is not in the book). */
  grown: boolean;
}

const AssignFormSchema = z.object({ ...OriginShape, g: z.boolean() });

export function encodeAssignFormMetadata(metadata: AssignFormMetadata): string {
  return JSON.stringify({ ...encodeOrigin(metadata.origin), g: metadata.grown });
}

export function decodeAssignFormMetadata(text: string): AssignFormMetadata | null {
  const parsed = AssignFormSchema.safeParse(safeJson(text, PRIVATE_METADATA_MAX));
  if (!parsed.success) return null;
  return { origin: decodeOrigin(parsed.data), grown: parsed.data.g };
}

// ---------------------------------------------------------------------------------------------
// The role form

export interface RoleFormMetadata {
  origin: Origin;
  assignmentId: string;
  partnerId: string;
  contactId: string;
  /** How the form names the contact; cut to fit the metadata. */
  contactName: string;
  /** The role when the form opened, as Stuut spells it. */
  roleBefore: string;
}

const RoleFormSchema = z.object({
  ...OriginShape,
  a: ContactId,
  p: PartnerId,
  c: ContactId,
  n: z.string().max(PRIVATE_METADATA_MAX),
  b: z.string().min(1).max(ROLE_MAX),
});

/** The name is cut (with "…") when the whole would not fit Slack's 3000 characters. */
export function encodeRoleFormMetadata(metadata: RoleFormMetadata): string {
  const build = (name: string) =>
    JSON.stringify({
      ...encodeOrigin(metadata.origin),
      a: metadata.assignmentId,
      p: metadata.partnerId,
      c: metadata.contactId,
      n: name,
      b: fitRole(metadata.roleBefore),
    });
  return build(fitInside(metadata.contactName, PRIVATE_METADATA_MAX, (name) => build(name).length));
}

export function decodeRoleFormMetadata(text: string): RoleFormMetadata | null {
  const parsed = RoleFormSchema.safeParse(safeJson(text, PRIVATE_METADATA_MAX));
  if (!parsed.success) return null;
  const { a, p, c, n, b } = parsed.data;
  return {
    origin: decodeOrigin(parsed.data),
    assignmentId: a,
    partnerId: p,
    contactId: c,
    contactName: n,
    roleBefore: b,
  };
}

/** A role longer than any real one is cut, so the encoding still fits (and decodes). */
function fitRole(role: string): string {
  return fitInside(role, ROLE_MAX, encodedLength) || '?';
}

// ---------------------------------------------------------------------------------------------
// The "Change role" button

export interface ChangeRoleButtonValue {
  assignmentId: string;
  partnerId: string;
  contactId: string;
  /** The assignment's role as Stuut spells it. */
  role: string;
}

const ChangeRoleButtonSchema = z.object({
  a: ContactId,
  p: PartnerId,
  c: ContactId,
  r: z.string().min(1).max(ROLE_MAX),
});

/** Three ids of at most 128 characters and a role of at most 255: far within 2000. */
export function encodeChangeRoleButton(value: ChangeRoleButtonValue): string {
  return JSON.stringify({
    a: value.assignmentId,
    p: value.partnerId,
    c: value.contactId,
    r: fitRole(value.role),
  });
}

export function decodeChangeRoleButton(text: string): ChangeRoleButtonValue | null {
  const parsed = ChangeRoleButtonSchema.safeParse(safeJson(text, BUTTON_VALUE_MAX));
  if (!parsed.success) return null;
  const { a, p, c, r } = parsed.data;
  return { assignmentId: a, partnerId: p, contactId: c, role: r };
}
