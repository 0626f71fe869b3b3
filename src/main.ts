import { openDeps } from './app/bootstrap.js';
import { startScheduler } from './app/scheduler.js';
import { createSlackApp } from './app/slack-app.js';
import { onStopSignals, STOP_DEADLINE_MS } from './app/stop-signals.js';
import { warmAnswerPath } from './app/warm-up.js';
import { type CliArgs, parseCli } from './cli/args.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import type { Deps } from './deps.js';
import { describeError, messageForPeople } from './errors.js';
import { createLogger, type Logger } from './logger.js';

/**
 * `npm start`. The mode follows the environment:
 * - SLACK_APP_TOKEN → Socket Mode (no public URL needed);
 * - SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET → HTTP on PORT: POST /slack/events, GET /healthz, the ingest API;
 * - no Slack tokens → the local console, an interactive prompt on demo data.
 */
type Mode = 'socket' | 'http' | 'console';

function chooseMode(config: Config): Mode | { error: string } {
  const { appToken, botToken, signingSecret } = config.slack;
  if (appToken)
    return botToken ? 'socket' : { error: 'SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is missing.' };
  if (botToken && signingSecret) return 'http';
  if (botToken)
    return {
      error:
        'SLACK_BOT_TOKEN is set: also set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode).',
    };
  return 'console';
}

const START_USAGE = `Usage: npm start
  Runs Tally. The mode follows the environment: SLACK_APP_TOKEN → Socket Mode; SLACK_BOT_TOKEN +
  SLACK_SIGNING_SECRET → HTTP on PORT; no Slack tokens → the local console on demo data.
  See README.md › Configuration for every variable.
  --help   show this help`;

async function main(): Promise<void> {
  let cli: CliArgs;
  try {
    cli = parseCli(process.argv.slice(2), {});
  } catch (err) {
    console.error(`${(err as Error).message}\n${START_USAGE}`);
    process.exit(2);
  }
  if (cli.help) {
    console.log(START_USAGE);
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const mode = chooseMode(config);
  if (typeof mode !== 'string') {
    console.error(mode.error);
    process.exit(1);
  }
  // The console owns stdout; only warnings and errors go to stderr there.
  const logger = createLogger(mode === 'console' ? 'warn' : config.logLevel);
  keepRunningOnUnhandled(logger);
  const deps = await openDeps(config, logger, {
    announce: (text) => (mode === 'console' ? process.stderr.write(`${text}\n`) : logger.info(text)),
  });
  if (mode === 'console') {
    const { closeOnSignals, runConsole } = await import('./app/console.js');
    closeOnSignals(deps);
    await runConsole(deps, {});
    await deps.database.close();
    return;
  }
  await runSlack(deps, mode);
}

async function runSlack(deps: Deps, mode: 'socket' | 'http'): Promise<void> {
  const slackApp = createSlackApp(deps, { mode, port: deps.config.port });
  // The answer path's connections are open before the first request arrives (see Database.warm).
  await deps.database.warm();
  // The embedded database's first statements of each shape are slow (see warmAnswerPath).
  if (deps.database.kind === 'pglite') {
    const warmed = await warmAnswerPath(deps);
    deps.logger.info({ answers: warmed.answered, ms: Math.round(warmed.ms) }, 'answer path warmed');
  }
  await slackApp.start();
  const scheduler = startScheduler(slackApp.deps);
  deps.logger.info(
    { mode, ...(mode === 'http' ? { port: deps.config.port } : {}), database: deps.database.kind },
    'Tally is running',
  );
  onStopSignals(
    async (signal) => {
      deps.logger.info({ signal }, 'shutting down');
      // Stop taking work first, then let in-flight jobs finish, then close the database.
      await scheduler.stop().catch(() => {});
      await slackApp
        .stop()
        .catch((err) => deps.logger.warn({ err: describeError(err) }, 'stopping Bolt failed'));
      await deps.database.close().catch(() => {});
    },
    {
      onOverrun: () =>
        deps.logger.error(
          { deadlineMs: STOP_DEADLINE_MS },
          'stop took too long: exiting with work unfinished',
        ),
    },
  );
}

/** A stray rejection is logged (message and code only, secrets redacted) and the process keeps serving. */
function keepRunningOnUnhandled(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: describeError(reason) }, 'unhandled promise rejection');
  });
}

main().catch((err) => {
  console.error(`Tally could not start: ${messageForPeople(err)}`);
  process.exit(1);
});
