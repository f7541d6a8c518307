import type { SectionBlock } from '@slack/types';
import {
  CONTACT_FIELDS,
  type ContactField,
  FIELD_LABELS,
  type InternalContact,
} from '../../domain/contact';
import type { FieldChange } from '../../domain/diff';
import { phoneForPeople } from '../../domain/phone';
import { escapeMrkdwn, truncate } from '../mrkdwn';

/** A value as people read it (phones in international format), escaped for mrkdwn. */
export function shown(value: string | null | undefined, field?: ContactField): string {
  if (value === null || value === undefined || value === '') return '_empty_';
  const readable = field === 'phone' ? phoneForPeople(value) : value;
  return escapeMrkdwn(truncate(readable, 300));
}

/** One line per changed field; before → after when the form knew the value before. */
export function changesText(changes: readonly FieldChange[]): string {
  return changes
    .map(({ field, before, after }) => {
      const label = `*${FIELD_LABELS[field]}*`;
      return before === undefined
        ? `• ${label}: ${after === null ? '_cleared_' : shown(after, field)}`
        : `• ${label}: ${shown(before, field)} → ${after === null ? '_cleared_' : shown(after, field)}`;
    })
    .join('\n');
}

/** The contact's values as section fields: two columns, one per field. */
export function contactFieldsSection(
  contact: Pick<InternalContact, ContactField>,
  blockId: string,
): SectionBlock {
  return {
    type: 'section',
    block_id: blockId,
    fields: CONTACT_FIELDS.map((field) => ({
      type: 'mrkdwn' as const,
      text: `*${FIELD_LABELS[field]}*\n${shown(contact[field], field)}`,
    })),
  };
}

/** Text that could be an email address or a phone number: never shown in a shared channel. */
const CONTACT_DATA_SHAPE = /@|\d(?:[\s().\-/]*\d){5,}/;

/**
 * The contact's name for a shared channel, as mrkdwn (`plain` for the fallback, `bold` for
 * the blocks); the id when there is no name, or the name looks like an email or a number.
 */
export function sharedDisplayName(
  contact: Pick<InternalContact, 'id' | 'name' | 'given_name' | 'family_name'>,
): { plain: string; bold: string } {
  const parts = [contact.given_name, contact.family_name].filter(Boolean).join(' ');
  const name = contact.name || parts;
  if (name && !CONTACT_DATA_SHAPE.test(name)) {
    const escaped = escapeMrkdwn(truncate(name, 200));
    return { plain: escaped, bold: `*${escaped}*` };
  }
  const id = `contact \`${escapeMrkdwn(contact.id)}\``;
  return { plain: id, bold: id };
}
