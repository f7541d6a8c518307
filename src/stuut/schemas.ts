import { z } from 'zod';
import { type ContactField, isContactField } from '../domain/contact';

/** FastAPI validation error body: `{detail: [{loc, msg, type}]}`. */
const ValidationDetailSchema = z.array(
  z.looseObject({
    loc: z.array(z.union([z.string(), z.number()])),
    msg: z.string(),
  }),
);

/** FastAPI's other error bodies: `{detail: "message"}`. */
const ErrorBodySchema = z.looseObject({
  detail: z.union([z.string(), ValidationDetailSchema]),
});

export interface ParsedErrorBody {
  detail: string | null;
  fieldErrors: Partial<Record<ContactField, string>>;
  otherErrors: string[];
}

/** Reads whatever an error answer carried; an unknown shape yields no detail rather than failing. */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  const parsed = ErrorBodySchema.safeParse(body);
  if (!parsed.success) return { detail: null, fieldErrors: {}, otherErrors: [] };
  const { detail } = parsed.data;
  if (typeof detail === 'string') return { detail, fieldErrors: {}, otherErrors: [] };

  const fieldErrors: Partial<Record<ContactField, string>> = {};
  const otherErrors: string[] = [];
  for (const entry of detail) {
    const last = entry.loc[entry.loc.length - 1];
    if (typeof last === 'string' && isContactField(last) && entry.loc[0] === 'body') {
      fieldErrors[last] = fieldErrors[last] ? `${fieldErrors[last]}; ${entry.msg}` : entry.msg;
    } else {
      otherErrors.push(entry.msg);
    }
  }
  return { detail: null, fieldErrors, otherErrors };
}
