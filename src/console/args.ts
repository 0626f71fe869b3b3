import { CliUsageError, parseCli } from '../cli/args.js';

export const CONSOLE_USAGE = `Usage: npm run console -- ["/metrics <question>"] [--as <who>] [--chart <file.png>]
  Without a command: an interactive prompt. With one: answers it once and exits.
  --as <who>     act as this rep, by email, name ("Ana López") or #id (default: the first admin, else
                 the first manager)
  --chart <file> with a command: also write its answer's chart as a PNG and print the path
  --help         show this help`;

/**
 * Reads `npm run console -- "<command>" [--as <who>] [--chart out.png]`: the words are the command,
 * `--as` picks the identity, `--chart` also writes the answer's chart; `{ help: true }` for `--help`.
 * A mistake comes back as `{ error }`, one sentence.
 */
export function parseConsoleArgs(
  argv: string[],
): { command?: string; as?: string; chart?: string } | { help: true } | { error: string } {
  try {
    const cli = parseCli(
      argv,
      { as: { type: 'string' }, chart: { type: 'string' } },
      {
        positionals: true,
        needs: {
          as: 'an email, a name or #id, e.g. --as ana.lopez@example.com or --as "Ana López"',
          chart: 'a file name, e.g. --chart out.png',
        },
      },
    );
    if (cli.help) return { help: true };
    const out: { command?: string; as?: string; chart?: string } = {};
    if (typeof cli.values.as === 'string') out.as = cli.values.as;
    if (typeof cli.values.chart === 'string') out.chart = cli.values.chart;
    if (cli.positionals.length > 0) out.command = cli.positionals.join(' ');
    if (out.chart !== undefined && out.command === undefined)
      return {
        error:
          '--chart draws the answer to a command: give the command too, e.g. "winrate team" --chart out.png',
      };
    return out;
  } catch (err) {
    if (err instanceof CliUsageError) return { error: err.message };
    throw err;
  }
}
