import type { SectionBlock } from '@slack/types';
import { CONTACT_FIELDS, FIELD_LABELS, type InternalContact } from '../../domain/contact';
import type { FieldChange } from '../../domain/diff';
import { escapeMrkdwn, truncate } from '../mrkdwn';

/** The name people know a contact by, falling back to the email every contact has. */
export function contactDisplayName(contact: InternalContact): string {
  const parts = [contact.given_name, contact.family_name].filter(Boolean).join(' ');
  return contact.name || parts || contact.email;
}

function shown(value: string | null | undefined): string {
  return value === null || value === undefined || value === ''
    ? '_empty_'
    : escapeMrkdwn(truncate(value, 300));
}

/** One line per changed field; before → after when the form knew the value before. */
export function changesText(changes: readonly FieldChange[]): string {
  return changes
    .map(({ field, before, after }) => {
      const label = `*${FIELD_LABELS[field]}*`;
      return before === undefined
        ? `• ${label}: ${after === null ? '_cleared_' : shown(after)}`
        : `• ${label}: ${shown(before)} → ${after === null ? '_cleared_' : shown(after)}`;
    })
    .join('\n');
}

/** The contact's values as section fields: two columns, one per field. */
export function contactFieldsSection(contact: InternalContact, blockId: string): SectionBlock {
  return {
    type: 'section',
    block_id: blockId,
    fields: CONTACT_FIELDS.map((field) => ({
      type: 'mrkdwn' as const,
      text: `*${FIELD_LABELS[field]}*\n${shown(contact[field])}`,
    })),
  };
}
