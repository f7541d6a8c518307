import { z } from 'zod';
import {
  CONTACT_FIELDS,
  type ContactField,
  type ContactPatch,
  type ContactValues,
  isValidContactId,
} from '../domain/contact';

/**
 * What a later step needs travels inside Slack (private_metadata and button values), so the
 * process keeps no session state and any instance can handle any request.
 */

/** Where the person started, so the outcome can reach them when the form is gone. */
export interface Origin {
  channelId: string | null;
  responseUrl: string | null;
}

/** Values the bot saw from Stuut (or imported), and when; the only "current values" it can know. */
export interface Baseline {
  values: ContactValues;
  seenAt: string;
  /** Where the values come from; a confirmation's Edit button always carries Stuut's. */
  from: 'stuut' | 'import';
  /** The book's version of the contact when the form opened; null when the book had none. */
  version: number | null;
}

export interface FormMetadata {
  /** The id shown read-only; null when the form asks for it. */
  contactId: string | null;
  origin: Origin;
  baseline: Baseline | null;
  /**
   * Which generation of input block ids the form uses. Slack keeps what was typed in an input
   * whose block id is unchanged, so a form refilled for another contact takes new ones.
   */
  generation: number;
  /** The form has the contact picker (`/contact update` with nothing after it). */
  picker: boolean;
  /**
   * How the form was opened, for the history: a command ('form'), a confirmation's Edit, or
   * Apply on a drift proposal.
   */
  source: FormSource;
  /** The drift proposal this form applies: a save marks it applied. */
  proposalId?: number | null;
}

export type FormSource = 'form' | 'edit' | 'drift';

const nullableString = z.string().nullable();
const ValuesTuple = z.tuple([
  z.string(),
  nullableString,
  nullableString,
  nullableString,
  nullableString,
  nullableString,
]);

const BaselineSchema = z.object({
  v: ValuesTuple,
  t: z.string(),
  f: z.enum(['stuut', 'import']).default('stuut'),
  n: z.number().int().nonnegative().nullable().default(null),
});

const FormMetadataSchema = z.object({
  c: z.string().refine(isValidContactId).nullable(),
  ch: nullableString,
  r: nullableString,
  b: BaselineSchema.nullable(),
  g: z.number().int().nonnegative().max(1_000_000).default(0),
  p: z.boolean().default(false),
  s: z.enum(['form', 'edit', 'drift']).default('form'),
  d: z.number().int().positive().nullable().default(null),
});

function encodeBaseline(baseline: Baseline) {
  return {
    v: valuesToTuple(baseline.values),
    t: baseline.seenAt,
    f: baseline.from,
    n: baseline.version,
  };
}

function decodeBaseline(b: z.infer<typeof BaselineSchema>): Baseline {
  return { values: tupleToValues(b.v), seenAt: b.t, from: b.f, version: b.n };
}

export const PRIVATE_METADATA_MAX = 3000;
export const BUTTON_VALUE_MAX = 2000;

function valuesToTuple(values: ContactValues): z.infer<typeof ValuesTuple> {
  return [
    values.email,
    values.given_name,
    values.family_name,
    values.name,
    values.phone,
    values.job_title,
  ];
}

function tupleToValues(tuple: z.infer<typeof ValuesTuple>): ContactValues {
  const [email, given_name, family_name, name, phone, job_title] = tuple;
  return { email, given_name, family_name, name, phone, job_title };
}

export function encodeFormMetadata(metadata: FormMetadata): string {
  return JSON.stringify({
    c: metadata.contactId,
    ch: metadata.origin.channelId,
    r: metadata.origin.responseUrl,
    b: metadata.baseline ? encodeBaseline(metadata.baseline) : null,
    g: metadata.generation,
    p: metadata.picker,
    s: metadata.source,
    ...(metadata.proposalId ? { d: metadata.proposalId } : {}),
  });
}

export function decodeFormMetadata(text: string): FormMetadata | null {
  const parsed = FormMetadataSchema.safeParse(safeJson(text));
  if (!parsed.success) return null;
  const { c, ch, r, b, g, p, s, d } = parsed.data;
  return {
    contactId: c,
    origin: { channelId: ch, responseUrl: r },
    baseline: b ? decodeBaseline(b) : null,
    generation: g,
    picker: p,
    source: s,
    ...(d !== null ? { proposalId: d } : {}),
  };
}

/** The Edit button on a confirmation: the contact as Stuut returned it, for the form's baseline. */
export interface EditButtonValue {
  contactId: string;
  baseline: Baseline | null;
}

const EditButtonSchema = z.object({
  c: z.string().refine(isValidContactId),
  b: BaselineSchema.nullable(),
});

/**
 * Button values hold 2000 characters. When the values do not fit, the button carries only
 * the id, and the form opens without known values (empty means "keep as is").
 */
export function encodeEditButton(value: EditButtonValue): string {
  const full = JSON.stringify({
    c: value.contactId,
    b: value.baseline ? encodeBaseline(value.baseline) : null,
  });
  return full.length <= BUTTON_VALUE_MAX ? full : JSON.stringify({ c: value.contactId, b: null });
}

export function decodeEditButton(text: string): EditButtonValue | null {
  const parsed = EditButtonSchema.safeParse(safeJson(text));
  if (!parsed.success) return null;
  return {
    contactId: parsed.data.c,
    baseline: parsed.data.b ? decodeBaseline(parsed.data.b) : null,
  };
}

/** The Reopen button after a failed save whose form was closed: what the person asked to change. */
export interface ReopenButtonValue {
  contactId: string;
  /** True when the id itself was the problem (404), so the form lets it be corrected. */
  idEditable: boolean;
  patch: ContactPatch;
}

const ReopenButtonSchema = z.object({
  c: z.string().refine(isValidContactId),
  e: z.boolean(),
  p: z.partialRecord(z.enum(CONTACT_FIELDS), nullableString),
});

/** Returns null when the values do not fit a button; the caller then lists them as text. */
export function encodeReopenButton(value: ReopenButtonValue): string | null {
  const text = JSON.stringify({ c: value.contactId, e: value.idEditable, p: value.patch });
  return text.length <= BUTTON_VALUE_MAX ? text : null;
}

export function decodeReopenButton(text: string): ReopenButtonValue | null {
  const parsed = ReopenButtonSchema.safeParse(safeJson(text));
  if (!parsed.success) return null;
  const patch: ContactPatch = {};
  for (const [field, value] of Object.entries(parsed.data.p) as [ContactField, string | null][]) {
    patch[field] = value;
  }
  return { contactId: parsed.data.c, idEditable: parsed.data.e, patch };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * An Update button in a search result, or "Open the form for id": which contact, and the
 * field=value proposals that were typed with the command, so the form opens with them.
 */
export interface OpenContactButtonValue {
  contactId: string;
  prefill: Partial<Record<ContactField, string>>;
  clear: ContactField[];
}

const OpenContactButtonSchema = z.object({
  c: z.string().refine(isValidContactId),
  p: z.partialRecord(z.enum(CONTACT_FIELDS), z.string()).default({}),
  x: z.array(z.enum(CONTACT_FIELDS)).default([]),
});

/** Proposals that do not fit the button are dropped: the form still opens for the contact. */
export function encodeOpenContactButton(value: OpenContactButtonValue): string {
  const full = JSON.stringify({ c: value.contactId, p: value.prefill, x: value.clear });
  return full.length <= BUTTON_VALUE_MAX ? full : JSON.stringify({ c: value.contactId });
}

export function decodeOpenContactButton(text: string): OpenContactButtonValue | null {
  const parsed = OpenContactButtonSchema.safeParse(safeJson(text));
  if (!parsed.success) return null;
  return { contactId: parsed.data.c, prefill: parsed.data.p, clear: parsed.data.x };
}

/** "Older" under a page of history: whose, and the oldest change already shown. */
export interface HistoryButtonValue {
  contactId: string;
  beforeId: number | null;
}

const HistoryButtonSchema = z.object({
  c: z.string().refine(isValidContactId),
  b: z.number().int().positive().nullable().default(null),
});

export function encodeHistoryButton(value: HistoryButtonValue): string {
  return JSON.stringify({ c: value.contactId, b: value.beforeId });
}

export function decodeHistoryButton(text: string): HistoryButtonValue | null {
  const parsed = HistoryButtonSchema.safeParse(safeJson(text));
  return parsed.success ? { contactId: parsed.data.c, beforeId: parsed.data.b } : null;
}

/** Undo on a confirmation: only the change's id; everything else is read from the book. */
export function encodeUndoButton(changeId: number): string {
  return JSON.stringify({ u: changeId });
}

export function decodeUndoButton(text: string): number | null {
  const parsed = z.object({ u: z.number().int().positive() }).safeParse(safeJson(text));
  return parsed.success ? parsed.data.u : null;
}
