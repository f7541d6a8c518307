/**
 * Something failed inside the bot itself (a bug), not in Stuut or Slack. The person is told so
 * plainly, never that Stuut answered strangely; the cause is logged with its stack.
 */
export class BotFailureError extends Error {
  override readonly name = 'BotFailureError';
  constructor(cause: unknown) {
    super('the bot failed unexpectedly', { cause });
  }

  get userMessage(): string {
    return 'The bot hit an unexpected problem of its own, so it cannot tell whether the change was saved. Check the contact in Stuut before trying again, and tell whoever runs this Slack app.';
  }
}
