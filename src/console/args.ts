import { CliUsageError, parseCli } from '../cli/args.js';

export const CONSOLE_USAGE = `Usage: npm run console -- ["/metrics <question>"] [--as <email>]
  Without a command: an interactive prompt. With one: answers it once and exits.
  --as <email>   act as this rep (default: the first admin, else the first manager)
  --help         show this help`;

/**
 * Reads `npm run console -- "<command>" [--as <email>]`: the words are the command, `--as` picks the
 * identity; `{ help: true }` for `--help`. A mistake comes back as `{ error }`, one sentence.
 */
export function parseConsoleArgs(
  argv: string[],
): { command?: string; as?: string } | { help: true } | { error: string } {
  try {
    const cli = parseCli(
      argv,
      { as: { type: 'string' } },
      { positionals: true, needs: { as: 'an email, e.g. --as ana.lopez@example.com' } },
    );
    if (cli.help) return { help: true };
    const out: { command?: string; as?: string } = {};
    if (typeof cli.values.as === 'string') out.as = cli.values.as;
    if (cli.positionals.length > 0) out.command = cli.positionals.join(' ');
    return out;
  } catch (err) {
    if (err instanceof CliUsageError) return { error: err.message };
    throw err;
  }
}
