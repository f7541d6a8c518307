import type { StuutContact } from './emulator';

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
