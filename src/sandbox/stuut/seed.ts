import type { EmulatedAssignment, EmulatedPartner, StuutContact } from './emulator';

const DAY_MS = 24 * 60 * 60 * 1000;

function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

/**
 * Five believable internal contacts of a fictional organisation. Phones are in
 * the ranges reserved for fiction (US 555-01xx, Ofcom drama numbers) yet valid
 * for libphonenumber, so they round-trip through the emulator's own validation.
 * The mix is deliberate: a GB number, a null phone, a contact never modified,
 * a contact known only by a full `name`, an apostrophe and a diacritic.
 */
export function seedContacts(now: Date = new Date()): StuutContact[] {
  return [
    {
      id: 'ic_7Qm2xK9a',
      object: 'internal_contact',
      created_at: daysBefore(now, 412),
      modified_at: daysBefore(now, 37),
      email: 'priya.raman@northwind.example',
      given_name: 'Priya',
      family_name: 'Raman',
      name: 'Priya Raman',
      phone: '+14155550123',
      job_title: 'Customer Success Manager',
    },
    {
      id: 'ic_3Lp8vR2d',
      object: 'internal_contact',
      created_at: daysBefore(now, 298),
      modified_at: daysBefore(now, 5),
      email: 'marcus.oyelaran@northwind.example',
      given_name: 'Marcus',
      family_name: 'Oyelaran',
      name: 'Marcus Oyelaran',
      phone: '+12125550147',
      job_title: 'Senior Account Manager',
    },
    {
      id: 'ic_9Tz4nW6e',
      object: 'internal_contact',
      created_at: daysBefore(now, 187),
      modified_at: null,
      email: 'hannah.whitfield@northwind.example',
      given_name: 'Hannah',
      family_name: 'Whitfield',
      name: 'Hannah Whitfield',
      phone: '+442079460958',
      job_title: 'Account Executive, EMEA',
    },
    {
      id: 'ic_5Hb1cY8f',
      object: 'internal_contact',
      created_at: daysBefore(now, 96),
      modified_at: daysBefore(now, 12),
      email: 'siobhan.oconnor@northwind.example',
      given_name: 'Siobhán',
      family_name: "O'Connor",
      name: "Siobhán O'Connor",
      phone: null,
      job_title: 'Customer Success Lead',
    },
    {
      id: 'ic_2Ks6jP4g',
      object: 'internal_contact',
      created_at: daysBefore(now, 41),
      modified_at: daysBefore(now, 2),
      email: 'tom.achterberg@northwind.example',
      given_name: null,
      family_name: null,
      name: 'Tom Achterberg',
      phone: '+441614960321',
      job_title: 'Practice Lead, Finance Automation',
    },
  ];
}

/** The seeded partners' ids, by name, for tests. */
export const SEED_PARTNERS = {
  contoso: 'ptn_8fK2mQ1x',
  globex: 'ptn_3Vd7Lw0p',
  initech: 'ptn_Q5n9Rt2c',
  vandelay: 'ptn_Zr4Hk7Yb',
} as const;

/**
 * Four customers of the fictional organisation. Vandelay Imports has nobody assigned yet, so
 * a first `/contact assign` has an obvious place to go.
 */
export function seedPartners(): EmulatedPartner[] {
  return [
    { id: SEED_PARTNERS.contoso, name: 'Contoso Freight' },
    { id: SEED_PARTNERS.globex, name: 'Globex Retail' },
    { id: SEED_PARTNERS.initech, name: 'Initech Health' },
    { id: SEED_PARTNERS.vandelay, name: 'Vandelay Imports' },
  ];
}

/**
 * Roles of the seeded contacts: Priya is the CSM of two partners, Marcus the account manager
 * of one (with a `remote_id` from a CRM sync), Hannah an account executive, Siobhán the lead
 * on Contoso, and Tom a practice lead on no partner (a floating assignment, as
 * `POST /v2/internal-contacts` makes). One role was changed since it was given.
 */
export function seedAssignments(now: Date = new Date()): EmulatedAssignment[] {
  const assignment = (
    id: string,
    contactId: string,
    partnerId: string | null,
    role: string,
    createdDaysAgo: number,
    modifiedDaysAgo: number | null,
    remoteId: string | null = null,
  ): EmulatedAssignment => ({
    id,
    object: 'internal_contact_assignment',
    created_at: daysBefore(now, createdDaysAgo),
    modified_at: modifiedDaysAgo === null ? null : daysBefore(now, modifiedDaysAgo),
    partner_id: partnerId,
    internal_role: role,
    remote_id: remoteId,
    internal_contact_id: contactId,
  });
  return [
    assignment('ica_Pr7CsM2kQa9x', 'ic_7Qm2xK9a', SEED_PARTNERS.contoso, 'csm', 400, null),
    assignment('ica_Pr3CsI8nWe4t', 'ic_7Qm2xK9a', SEED_PARTNERS.initech, 'csm', 120, null),
    assignment(
      'ica_Mo5AmG1rTy6u',
      'ic_3Lp8vR2d',
      SEED_PARTNERS.globex,
      'account_manager',
      290,
      30,
      'crm_0042317',
    ),
    assignment(
      'ica_Hw9AeI4pLk2j',
      'ic_9Tz4nW6e',
      SEED_PARTNERS.initech,
      'account_executive',
      180,
      null,
    ),
    assignment('ica_So2LdC6vBn8m', 'ic_5Hb1cY8f', SEED_PARTNERS.contoso, 'lead', 90, null),
    assignment('ica_Ta4PlF0xZc3v', 'ic_2Ks6jP4g', null, 'practice_lead', 40, null),
  ];
}
