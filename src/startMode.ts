/** Whether `npm start` runs the real bot or the local sandbox; decided before anything loads. */

export const SLACK_CREDENTIALS = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
] as const;

export type SandboxDecision =
  | { kind: 'sandbox' }
  | {
      kind: 'real' /** Why the sandbox was not started although no credentials were set. */;
      refusedSandbox: string | null;
    };

/**
 * The sandbox starts only when no Slack credential is set at all. Partial credentials are a
 * broken deployment, not a wish for the sandbox; so are production and platform dynos.
 */
export function sandboxDecision(env: NodeJS.ProcessEnv): SandboxDecision {
  // The same rule as the configuration: any non-empty value counts as set.
  const anyCredential = SLACK_CREDENTIALS.some((name) => (env[name] ?? '') !== '');
  if (anyCredential) return { kind: 'real', refusedSandbox: null };
  if (env.NODE_ENV === 'production') {
    return {
      kind: 'real',
      refusedSandbox:
        'The local sandbox does not start with NODE_ENV=production: set the Slack credentials listed above.',
    };
  }
  if (env.DYNO) {
    return {
      kind: 'real',
      refusedSandbox:
        'The local sandbox does not start on a platform dyno (DYNO is set): set the Slack credentials listed above.',
    };
  }
  return { kind: 'sandbox' };
}
