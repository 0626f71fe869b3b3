import { openDeps } from './app/bootstrap.js';
import { closeOnSignals, runConsole } from './app/console.js';
import { ConfigError, loadConfig } from './config.js';
import { CONSOLE_USAGE, parseConsoleArgs } from './console/args.js';
import { messageForPeople } from './errors.js';
import { createLogger } from './logger.js';

/**
 * `npm run console` — interactive; `npm run console -- "/metrics winrate team" --as ana.lopez@example.com`
 * answers once. Works without Slack tokens; on embedded PGlite the demo data is seeded on first run.
 */
async function main(): Promise<number> {
  const args = parseConsoleArgs(process.argv.slice(2));
  if ('error' in args) {
    console.error(`${args.error}\n${CONSOLE_USAGE}`);
    return 1;
  }
  if ('help' in args) {
    console.log(CONSOLE_USAGE);
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  // stdout is the console's; logs go to stderr and only when something is wrong.
  const logger = createLogger('warn');
  const deps = await openDeps(config, logger, { announce: (text) => process.stderr.write(`${text}\n`) });
  closeOnSignals(deps);
  try {
    return await runConsole(deps, args);
  } finally {
    await deps.database.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(`Tally console failed: ${messageForPeople(err)}`);
    process.exit(1);
  });
