import type { CountryCode } from 'libphonenumber-js/max';
import type { DriftDifference, DriftField } from '../book/book';
import { normaliseField } from './form';

/**
 * Where a linked member's Slack profile and the book's copy of the contact differ. Only the job
 * title (profile `title`) and the phone (profile `phone`) are compared: names are not, since
 * nicknames and middle names would make noise. An empty Slack value is never proposed, and
 * neither is a value the form would refuse (a phone that is not a valid number).
 */

/** Trimmed, with every run of whitespace one space: how a value is proposed. */
function tidy(text: string | null | undefined): string {
  return (text ?? '').normalize('NFC').trim().replace(/\s+/g, ' ');
}

/** For comparing: NFC, trimmed, whitespace runs collapsed to one space, lower-cased. */
export function normaliseForCompare(text: string | null | undefined): string {
  return tidy(text).toLowerCase().normalize('NFC');
}

/** What the book has, or null when it is empty. */
function stuutValue(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}

/**
 * The differences to propose, job title first, then phone. The Slack title is proposed trimmed
 * with its whitespace collapsed (its case as Slack has it); the Slack phone in E.164, normalised
 * as the form normalises what a person types, and compared with the book's phone normalised the
 * same way.
 */
export function profileDifferences(
  profile: { title?: string | null; phone?: string | null },
  values: { job_title: string | null; phone: string | null },
  defaultCountry: CountryCode,
): DriftDifference[] {
  const differences: DriftDifference[] = [];

  const title = tidy(profile.title);
  if (
    title !== '' &&
    normaliseField('job_title', title, defaultCountry).ok &&
    normaliseForCompare(title) !== normaliseForCompare(values.job_title)
  ) {
    differences.push({ field: 'job_title', slack: title, stuut: stuutValue(values.job_title) });
  }

  const typed = tidy(profile.phone);
  if (typed !== '') {
    const slack = normaliseField('phone', typed, defaultCountry);
    if (slack.ok && slack.value !== bookPhone(values.phone, defaultCountry)) {
      differences.push({ field: 'phone', slack: slack.value, stuut: stuutValue(values.phone) });
    }
  }
  return differences;
}

/** The book's phone in E.164 when it parses; else as stored (so it differs from any number). */
function bookPhone(value: string | null, defaultCountry: CountryCode): string | null {
  const typed = (value ?? '').trim();
  if (typed === '') return null;
  const normalised = normaliseField('phone', typed, defaultCountry);
  return normalised.ok ? normalised.value : typed;
}

const FIELD_ORDER: readonly DriftField[] = ['job_title', 'phone'];

/**
 * Names what is proposed, so the same proposal is never made twice: each field with the Slack
 * value it proposes, normalised (so a change of case or spacing in Slack is the same proposal),
 * in a fixed order. The book's side is left out: the proposal is the Slack value.
 */
export function driftFingerprint(differences: readonly DriftDifference[]): string {
  const pairs = differences
    .map((difference): [DriftField, string] => [
      difference.field,
      normaliseForCompare(difference.slack),
    ])
    .sort(
      ([fieldA, valueA], [fieldB, valueB]) =>
        FIELD_ORDER.indexOf(fieldA) - FIELD_ORDER.indexOf(fieldB) ||
        (valueA < valueB ? -1 : valueA > valueB ? 1 : 0),
    );
  return JSON.stringify(pairs);
}
