import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Options in `node:util` `parseArgs` form; every CLI also gets `--help` / `-h`. */
export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** A command-line mistake, with one sentence for the user (printed with the usage, exit code 1). */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

export interface CliArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  /** `--help` or `-h` was given: print the usage and exit 0. */
  help: boolean;
}

/**
 * The one way Tally's CLIs read arguments: `node:util` `parseArgs` (strict), plus `--help`. Throws
 * `CliUsageError` with a short sentence: "unknown option --x", "--as needs an email…" (from `needs`, the
 * words after "needs" per option; default "a value"), "unexpected argument …" when positionals are off.
 */
export function parseCli(
  argv: string[],
  options: CliOptions,
  settings: { positionals?: boolean; needs?: Record<string, string> } = {},
): CliArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: settings.positionals ?? false,
    });
    const { help, ...rest } = values;
    return { values: rest, positionals, help: help === true };
  } catch (err) {
    throw new CliUsageError(friendlyMessage(err, settings.needs ?? {}));
  }
}

function friendlyMessage(err: unknown, needs: Record<string, string>): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      if (message.includes('does not take an argument')) return `${flag} takes no value`;
      const name = flag.replace(/^-+/, '');
      return `${flag} needs ${needs[name] ?? 'a value'}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? ''}`.trim();
    default:
      return message;
  }
}
