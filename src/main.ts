import { type RunningBot, StartupError, startBot } from './bot';
import { type Config, ConfigError, loadConfig } from './config';
import { createLogger, type Logger } from './logger';
import { sandboxDecision } from './startMode';

/**
 * The composition root. With Slack credentials it runs the bot against real Slack and Stuut;
 * with none at all (and not in production) it runs the local sandbox instead.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const decision = sandboxDecision(env);
  if (decision.kind === 'sandbox') {
    // Loaded only when chosen: a real start never loads the emulators or the page server
    // (test/e2e/production.test.ts proves it).
    const { checkSandboxSettings, startSandbox } = await import('./sandbox/start.js');
    let settings: Config;
    try {
      settings = checkSandboxSettings(env);
    } catch (error) {
      exitWithConfigErrors(error, null);
    }
    const logger = createLogger(settings.logLevel);
    let sandbox: Awaited<ReturnType<typeof startSandbox>>;
    try {
      sandbox = await startSandbox(env, logger);
    } catch (error) {
      if (!(error instanceof StartupError)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stdout.write(sandbox.banner);
    handleSignals(logger, () => sandbox.shutdown());
    return;
  }

  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    exitWithConfigErrors(error, decision.refusedSandbox);
  }

  const logger = createLogger(config.logLevel);
  let bot: RunningBot;
  try {
    bot = await startBot(config, logger);
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  handleSignals(logger, () => bot.shutdown());
}

/** One line per problem, naming the variable, then exit 1. */
function exitWithConfigErrors(error: unknown, refusedSandbox: string | null): never {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) process.stderr.write(`config error: ${problem}\n`);
  if (refusedSandbox) process.stderr.write(`${refusedSandbox}\n`);
  process.stderr.write('The bot did not start. See README.md, "Configuration".\n');
  process.exit(1);
}

function handleSignals(logger: Logger, shutdown: () => Promise<boolean>): void {
  let stopping = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received: draining (send it again to exit at once)');
    try {
      const drained = await shutdown();
      if (drained) logger.info({ signal }, 'stopped');
      else
        logger.warn(
          { signal },
          'stopped: work still running at the end of the budget was abandoned',
        );
      process.exit(0);
    } catch (error) {
      logger.error({ signal, err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (signal) => void onSignal(signal));
  process.on('SIGINT', (signal) => void onSignal(signal));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });
}

if (require.main === module) {
  void main();
}
