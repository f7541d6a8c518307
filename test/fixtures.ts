import type { ContactValues, InternalContact } from '../src/domain/contact';

/** One believable internal contact, shared by the unit tests of the builders. */
export const SAMPLE_ID = 'ic_7Qm2xK9a';
export const SAMPLE_SEEN_AT = '2025-03-14T09:26:53.589Z';

export const SAMPLE_VALUES: ContactValues = {
  email: 'priya.raman@example.com',
  given_name: 'Priya',
  family_name: 'Raman',
  name: null,
  phone: '+14155550100',
  job_title: 'Customer Success Manager',
};

/** The sample contact as Stuut returns it, with some values replaced. */
export function sampleContact(values: Partial<ContactValues> = {}): InternalContact {
  return {
    id: SAMPLE_ID,
    object: 'internal_contact',
    created_at: '2024-01-02T03:04:05Z',
    modified_at: SAMPLE_SEEN_AT,
    ...SAMPLE_VALUES,
    ...values,
  };
}
