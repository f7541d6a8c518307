import { z } from 'zod';
import { type ContactField, InternalContactSchema } from './contact';

/**
 * Roles and assignments: an internal contact is linked to a partner (Stuut's word for a
 * customer) by an assignment carrying a role. `/contact add` makes a "floating" assignment,
 * with no partner.
 */

/** Stuut's `internal_role` values, in the order the role select lists them. */
export const ROLES = [
  'account_manager',
  'account_executive',
  'csm',
  'lead',
  'co_lead',
  'practice_lead',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  account_manager: 'Account manager',
  account_executive: 'Account executive',
  csm: 'CSM',
  lead: 'Lead',
  co_lead: 'Co-lead',
  practice_lead: 'Practice lead',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** A role in words; a role Stuut added since is shown as Stuut spells it. */
export function roleLabel(role: string): string {
  return isRole(role) ? ROLE_LABELS[role] : role;
}

/**
 * Stuut's partner ids carry a type prefix (`ptn_abc123`). Only the prefix and characters that
 * are safe in one URL path segment are allowed; the id is still percent-encoded into a path.
 */
const PARTNER_ID_PATTERN = /^ptn_[A-Za-z0-9_-]{1,124}$/;

export function isValidPartnerId(id: string): boolean {
  return PARTNER_ID_PATTERN.test(id);
}

export const PARTNER_ID_RULE =
  'A partner id starts with "ptn_", then letters, digits, "_" or "-" (128 characters at most), for example ptn_abc123.';

/** What both POSTs and the role PATCH answer. Unknown keys are tolerated, documented keys are not optional. */
export const AssignmentSchema = z.looseObject({
  id: z.string().min(1),
  object: z.string(),
  created_at: z.string(),
  modified_at: z.string().nullable(),
  /** Null for a floating assignment (`/contact add`). */
  partner_id: z.string().nullable(),
  // A string, not the enum: a role Stuut adds later must not make a done request look failed.
  internal_role: z.string().min(1),
  /** "Third-party sync identifier for upsert deduplication". */
  remote_id: z.string().nullable(),
  internal_contact: InternalContactSchema,
});

export type Assignment = z.infer<typeof AssignmentSchema>;

/** The optional contact fields a create or an assign may carry (never null: nothing to clear). */
export type NewContactFields = Partial<Record<Exclude<ContactField, 'email'>, string>>;

/** `POST /v2/internal-contacts` and `POST /v2/partners/{id}/internal-contacts` bodies. */
export interface NewAssignmentBody extends NewContactFields {
  email: string;
  internal_role: Role;
}
