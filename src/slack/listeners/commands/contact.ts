import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Config } from '../../../config';
import { decodeSlackText, parseCommand } from '../../../domain/command';
import type { Logger } from '../../../logger';
import { type EditorCheck, editorDeniedMessage } from '../../authorization';
import { slackErrorCode } from '../../delivery';
import { commandProblemMessage, formUnavailableMessage, helpMessage } from '../../messages/notices';
import { contactFormView } from '../../views/contactForm';

export interface ContactCommandDeps {
  config: Pick<Config, 'defaultPhoneCountry'>;
  logger: Logger;
  editors: EditorCheck;
}

/**
 * `/contact …`: help, a clear refusal, or the form. Never a form for input known to be wrong,
 * nor for someone who may not edit. The check is bounded well inside the trigger's life.
 */
export function makeContactCommand({ config, logger, editors }: ContactCommandDeps) {
  return async ({
    command,
    ack,
    client,
    respond,
  }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const parsed = parseCommand(command.text, config.defaultPhoneCountry);
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage() });
      return;
    }
    if (parsed.kind === 'invalid') {
      await ack({
        response_type: 'ephemeral',
        ...commandProblemMessage(parsed.problems, decodeSlackText(command.text)),
      });
      return;
    }
    const decision = await editors.check({ userId: command.user_id, teamId: command.team_id });
    if (!decision.allowed) {
      await ack({ response_type: 'ephemeral', ...editorDeniedMessage(decision, editors.editors) });
      return;
    }
    await ack();
    try {
      // The trigger id lives about 3 seconds: open before doing anything else.
      await client.views.open({
        trigger_id: command.trigger_id,
        view: contactFormView({
          contactId: parsed.contactId,
          values: parsed.prefill,
          clear: parsed.clear,
          baseline: null,
          origin: { channelId: command.channel_id, responseUrl: command.response_url },
        }),
      });
    } catch (error) {
      logger.warn({ slackError: slackErrorCode(error) }, 'views.open failed for /contact');
      await respond({ response_type: 'ephemeral', ...formUnavailableMessage() }).catch(() => {});
    }
  };
}
