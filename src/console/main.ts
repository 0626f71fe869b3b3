import { openDeps } from '../app/bootstrap.js';
import { ConfigError, loadConfig } from '../config.js';
import { describeError } from '../errors.js';
import { createLogger } from '../logger.js';
import { runConsole } from './repl.js';

/**
 * `npm run console` — interactive; `npm run console -- "/metrics winrate team" --as ana.lopez@example.com`
 * answers once. Works without Slack tokens; on embedded PGlite the demo data is seeded on first run.
 */
export function parseConsoleArgs(argv: string[]): { command?: string; as?: string } | { error: string } {
  const out: { command?: string; as?: string } = {};
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--as') {
      const email = argv[++i];
      if (!email) return { error: '--as needs an email, e.g. --as ana.lopez@example.com' };
      out.as = email;
    } else if (arg.startsWith('--as=')) out.as = arg.slice(5);
    else words.push(arg);
  }
  if (words.length > 0) out.command = words.join(' ');
  return out;
}

async function main(): Promise<number> {
  const args = parseConsoleArgs(process.argv.slice(2));
  if ('error' in args) {
    console.error(args.error);
    return 1;
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
  const deps = await openDeps(config, logger);
  try {
    return await runConsole(deps, args);
  } finally {
    await deps.database.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(`Tally console failed: ${describeError(err).message}`);
    process.exit(1);
  });
