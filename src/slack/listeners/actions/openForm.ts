import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { Book, BookEntry } from '../../../book/book';
import type { ClearableField } from '../../../domain/form';
import { withDeadline } from '../../../inflight';
import type { Logger } from '../../../logger';
import { type EditorCheck, editorDeniedMessage } from '../../authorization';
import { slackErrorCode, tellPerson } from '../../delivery';
import { formUnavailableMessage, staleButtonMessage } from '../../messages/notices';
import {
  decodeEditButton,
  decodeOpenContactButton,
  decodeReopenButton,
  type Origin,
} from '../../metadata';
import {
  contactFormView,
  formForBookEntry,
  formForUnknownId,
  formWithKnownValues,
} from '../../views/contactForm';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

function originOf(body: BlockAction): Origin {
  return { channelId: body.channel?.id ?? null, responseUrl: body.response_url ?? null };
}

/** The confirmation's Edit button: the form, filled with the values the confirmation showed. */
export function editFormFromButton(value: string, origin: Origin): ModalView | null {
  const decoded = decodeEditButton(value);
  if (!decoded) return null;
  return decoded.baseline
    ? formWithKnownValues(decoded.contactId, decoded.baseline, { origin, source: 'edit' })
    : formForUnknownId(decoded.contactId, { origin });
}

/** "Open the form again" after a failed save: the form with what the person had asked for. */
export function reopenFormFromButton(value: string, origin: Origin): ModalView | null {
  const decoded = decodeReopenButton(value);
  if (!decoded) return null;
  const entries = Object.entries(decoded.patch);
  return contactFormView({
    contactId: decoded.idEditable ? null : decoded.contactId,
    typedContactId: decoded.contactId,
    values: Object.fromEntries(entries.filter(([, v]) => v !== null)),
    clear: entries.filter(([, v]) => v === null).map(([field]) => field as ClearableField),
    baseline: null,
    origin,
  });
}

/**
 * Update on a search result, or "Open the form for id …": the contact's form with its known
 * values when the book has them (looked up now: they may be newer than the list), empty
 * otherwise; with the proposals typed with the command either way.
 */
export function openContactFromButton(book: Book, bookWithinMs: number, logger: Logger) {
  return async (value: string, origin: Origin): Promise<ModalView | null> => {
    const decoded = decodeOpenContactButton(value);
    if (!decoded) return null;
    const { contactId, prefill, clear } = decoded;
    let entry: BookEntry | null | undefined;
    try {
      entry = await withDeadline(book.get(contactId), bookWithinMs);
      if (entry === undefined)
        logger.error({ bookWithinMs }, 'contact book too slow: form opens empty');
    } catch (error) {
      logger.error({ err: error }, 'contact book failed: form opens empty');
    }
    return entry
      ? formForBookEntry(entry, { origin, prefill, clear })
      : formForUnknownId(contactId, { origin, prefill, clear });
  };
}

/** Every such button opens a form from its value, for editors only; only the decoding differs. */
export function makeOpenFormButton(
  { logger, editors }: { logger: Logger; editors: EditorCheck },
  build: (value: string, origin: Origin) => ModalView | null | Promise<ModalView | null>,
) {
  return async ({ ack, body, action, client, respond }: ButtonArgs) => {
    await ack();
    const origin = originOf(body);
    // Both well inside the trigger's 3 seconds, side by side.
    const [decision, view] = await Promise.all([
      editors.check({ userId: body.user.id, teamId: body.user.team_id }),
      build(action.value ?? '', origin),
    ]);
    if (!decision.allowed) {
      // response_url, else ephemeral, else a direct message: a button in a view has no response_url.
      const person = { userId: body.user.id, origin };
      await tellPerson(client, logger, person, editorDeniedMessage(decision, editors.editors));
      return;
    }
    if (!view) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...staleButtonMessage(),
      }).catch(() => {});
      return;
    }
    try {
      await client.views.open({ trigger_id: body.trigger_id, view });
    } catch (error) {
      logger.warn({ slackError: slackErrorCode(error) }, 'views.open failed for a button');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...formUnavailableMessage(),
      }).catch(() => {});
    }
  };
}
