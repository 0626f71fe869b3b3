import { type CliArgs, parseCli } from '../cli/args.js';
import { canonicalFields, ENTITIES, type Entity } from '../ingest/index.js';

/** What `npm run import -- …` asked for, validated. */
export interface ImportArgs {
  entity: Entity;
  file: string;
  /** [source column, canonical field] pairs; one source may feed several fields. */
  map: [string, string][];
  /** canonical field → value used when the cell is empty or the column is missing. */
  defaults: Record<string, string>;
  skipInvalid: boolean;
}

export const USAGE = `Usage: npm run import -- <entity> <file.csv> [--map source=canonical ...] [--default field=value ...] [--skip-invalid]
  entity: ${ENTITIES.join(', ')}
  --map source=canonical   read CSV column "source" as the canonical field (repeatable)
  --default field=value    use value when the field's cell is empty or the column is missing (repeatable)
  --skip-invalid           import the valid rows and list the invalid ones (default: reject the whole file)
  --help                   show this help`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Parses CLI arguments (after `--`); throws `UsageError` with one clear sentence. `help: true` when
 * `--help` was given (the caller prints `USAGE`).
 */
export function parseImportArgs(argv: string[]): ImportArgs & { help?: true } {
  let cli: CliArgs;
  try {
    cli = parseCli(
      argv,
      {
        map: { type: 'string', multiple: true },
        default: { type: 'string', multiple: true },
        'skip-invalid': { type: 'boolean' },
      },
      { positionals: true, needs: { map: 'a value like name=value', default: 'a value like name=value' } },
    );
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const positional = cli.positionals;
  const map: [string, string][] = [];
  const defaults: Record<string, string> = {};
  for (const [flag, values] of [
    ['--map', cli.values.map],
    ['--default', cli.values.default],
  ] as const) {
    for (const value of (values ?? []) as string[]) {
      const eq = value.indexOf('=');
      if (eq <= 0) throw new UsageError(`${flag} ${value}: expected name=value`);
      const left = value.slice(0, eq).trim();
      const right = value.slice(eq + 1);
      if (flag === '--map') map.push([left, right.trim()]);
      else defaults[left] = right;
    }
  }
  const skipInvalid = cli.values['skip-invalid'] === true;
  if (cli.help) return { entity: ENTITIES[0], file: '', map, defaults, skipInvalid, help: true };
  if (positional.length !== 2) throw new UsageError('expected an entity and a CSV file');
  const [entityWord, file] = positional as [string, string];
  const entity = ENTITIES.find((e) => e === entityWord.toLowerCase());
  if (!entity) throw new UsageError(`unknown entity "${entityWord}" (use one of ${ENTITIES.join(', ')})`);
  const fields = canonicalFields(entity);
  for (const [, target] of map) {
    if (!fields.includes(target))
      throw new UsageError(`--map target "${target}" is not a ${entity} field (${fields.join(', ')})`);
  }
  for (const field of Object.keys(defaults)) {
    if (!fields.includes(field))
      throw new UsageError(`--default field "${field}" is not a ${entity} field (${fields.join(', ')})`);
  }
  return { entity, file, map, defaults, skipInvalid };
}
