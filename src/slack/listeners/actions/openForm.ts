import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { ClearableField } from '../../../domain/form';
import type { Logger } from '../../../logger';
import { type EditorCheck, editorDeniedMessage } from '../../authorization';
import { slackErrorCode, tellPerson } from '../../delivery';
import { formUnavailableMessage, staleButtonMessage } from '../../messages/notices';
import { decodeEditButton, decodeReopenButton, type Origin } from '../../metadata';
import { contactFormView } from '../../views/contactForm';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

function originOf(body: BlockAction): Origin {
  return { channelId: body.channel?.id ?? null, responseUrl: body.response_url ?? null };
}

/** The confirmation's Edit button: the form, filled with the values the confirmation showed. */
export function editFormFromButton(value: string, origin: Origin): ModalView | null {
  const decoded = decodeEditButton(value);
  if (!decoded) return null;
  return contactFormView({
    contactId: decoded.contactId,
    values: decoded.baseline?.values ?? {},
    clear: [],
    baseline: decoded.baseline,
    origin,
  });
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

/** Both buttons open a form from their value, for editors only; only the decoding differs. */
export function makeOpenFormButton(
  { logger, editors }: { logger: Logger; editors: EditorCheck },
  build: (value: string, origin: Origin) => ModalView | null,
) {
  return async ({ ack, body, action, client, respond }: ButtonArgs) => {
    await ack();
    const origin = originOf(body);
    const decision = await editors.check({ userId: body.user.id, teamId: body.user.team_id });
    if (!decision.allowed) {
      // response_url, else ephemeral, else a direct message: a button in a view has no response_url.
      const person = { userId: body.user.id, origin };
      await tellPerson(client, logger, person, editorDeniedMessage(decision, editors.editors));
      return;
    }
    const view = build(action.value ?? '', origin);
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
