import { type CliArgs, parseCli } from '../cli/args.js';
import { suggestWord } from '../edit-distance.js';
import { canonicalFields, DATE_ORDERS, type DateOrder, ENTITIES, MONEY_FIELDS } from '../ingest/index.js';
import { AmountError, type DecimalMark, decimalMarkOf, readAmount } from '../money/index.js';
import { entityField } from './columns.js';
import type { ImportEntity } from './import-csv.js';
import { PRESETS, type PresetName } from './presets.js';
import { type Delimiter, parseDelimiter } from './source.js';
import { SUBSCRIPTION_FIELDS } from './subscriptions.js';

/**
 * What CRMs and people call an entity Tally names otherwise, for "did you mean" (fresh tester helper-503:
 * `import deals …` named no entity to use).
 */
const ENTITY_WORDS: Record<string, ImportEntity> = {
  deals: 'opportunities',
  deal: 'opportunities',
  opps: 'opportunities',
  opportunity: 'opportunities',
  calls: 'activities',
  emails: 'activities',
  meetings: 'activities',
  tasks: 'activities',
  companies: 'accounts',
  customers: 'accounts',
  users: 'reps',
  owners: 'reps',
  members: 'reps',
  contacts: 'leads',
  lead: 'leads',
};

/** What `npm run import -- …` asked for, validated. */
const IMPORT_ENTITIES: readonly ImportEntity[] = [...ENTITIES, 'subscriptions'];

export interface ImportArgs {
  entity: ImportEntity;
  /** --as-of (subscriptions): the snapshot date, YYYY-MM-DD. */
  asOf?: string | undefined;
  file: string;
  /** [source column, canonical field] pairs; one source may feed several fields. */
  map: [string, string][];
  /** canonical field → value used when the cell is empty or the column is missing, on new records only. */
  defaults: Record<string, string>;
  skipInvalid: boolean;
  /** Decimal mark from --locale or --decimal. */
  decimal?: DecimalMark | undefined;
  delimiter?: Delimiter | undefined;
  wonStages?: string[] | undefined;
  lostStages?: string[] | undefined;
  /** --date-format MDY|DMY: the order of slash dates (1/15/2026). */
  dateOrder?: DateOrder | undefined;
  /** --preset: read a CRM's default export headers. */
  preset?: PresetName | undefined;
  /** --replace-demo: remove the demo org's records before importing. */
  replaceDemo?: boolean | undefined;
}

export const USAGE = `Usage: npm run import -- <entity> <file.csv> [--map source=canonical ...] [--default field=value ...] [--skip-invalid]
  entity: ${IMPORT_ENTITIES.join(', ')}  (subscriptions: a customer snapshot, see --as-of)
  --map source=canonical   read CSV column "source" as the canonical field (repeatable)
  --default field=value    use value when the field's cell is empty or the column is missing, on new records (repeatable)
  --map '#N=canonical'     read the N-th column (1-based), e.g. when a header name appears twice
  --skip-invalid           import the valid rows and list the invalid ones (default: reject the whole file)
  --locale de-DE           how numbers are written (de-DE: 1.234,56; en-US: 1,234.56)
  --decimal , | .          the decimal mark, instead of --locale
  --delimiter ; | , | tab | '|'   the column separator (default: detected from the header)
  --date-format MDY | DMY  how slash dates are written: 1/15/2026 (MDY, US; --preset salesforce) or 15/1/2026
  --won-stages "A,B"       extra stage names that mean won (comma-separated)
  --lost-stages "A,B"      extra stage names that mean lost
  --preset hubspot|salesforce|pipedrive   read that CRM's default export column names (no --map needed)
  --replace-demo           remove the demo org's records first (needed when the database holds the demo)
  --as-of YYYY-MM-DD       subscriptions: the date the snapshot was taken (tenure counts back from it)
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
        preset: { type: 'string' },
        'as-of': { type: 'string' },
        locale: { type: 'string' },
        decimal: { type: 'string' },
        delimiter: { type: 'string' },
        'date-format': { type: 'string' },
        'won-stages': { type: 'string' },
        'lost-stages': { type: 'string' },
        'replace-demo': { type: 'boolean' },
      },
      {
        positionals: true,
        needs: {
          map: 'a value like name=value',
          default: 'a value like name=value',
          preset: PRESETS.join(' | '),
          locale: 'a locale such as de-DE',
          decimal: '"," or "."',
          delimiter: 'one of , ; tab |',
          'date-format': 'MDY or DMY',
          'won-stages': 'stage names, comma-separated',
          'lost-stages': 'stage names, comma-separated',
        },
      },
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
  const entity = IMPORT_ENTITIES.find((e) => e === entityWord.toLowerCase());
  if (!entity) {
    const near = ENTITY_WORDS[entityWord.toLowerCase()] ?? suggestWord(entityWord, IMPORT_ENTITIES);
    throw new UsageError(
      `unknown entity "${entityWord}"${near ? `; did you mean ${near}?` : ''} (use one of ${IMPORT_ENTITIES.join(', ')})`,
    );
  }
  const fields = entity === 'subscriptions' ? SUBSCRIPTION_FIELDS : canonicalFields(entity);
  for (const [, target] of map) {
    if (!fields.includes(target))
      throw new UsageError(`--map target "${target}" is not ${entityField(entity)} (${fields.join(', ')})`);
  }
  for (const field of Object.keys(defaults)) {
    if (!fields.includes(field))
      throw new UsageError(`--default field "${field}" is not ${entityField(entity)} (${fields.join(', ')})`);
  }
  const extras = readExtras(cli.values);
  checkMoneyDefaults(entity, defaults, extras.decimal);
  if (entity === 'subscriptions' && !extras.asOf)
    throw new UsageError('subscriptions need --as-of YYYY-MM-DD (the date the snapshot was taken)');
  if (entity !== 'subscriptions' && extras.asOf) throw new UsageError('--as-of is for subscriptions only');
  return { entity, file, map, defaults, skipInvalid, ...extras };
}

/**
 * A `--default` amount is the admin's text, not the file's: it must read on its own, and one written with a
 * decimal mark ("1.234,56", "12.50", "4.200") needs --locale or --decimal, or a row it fills would be
 * stored as evidence of how the file writes numbers and settle the file's ambiguous amounts ("4.200") by
 * the command line's notation. Throws UsageError naming the option.
 */
function checkMoneyDefaults(entity: ImportEntity, defaults: Record<string, string>, decimal?: DecimalMark) {
  const fields = entity === 'subscriptions' ? ['monthly_charge'] : (MONEY_FIELDS[entity] ?? []);
  for (const field of fields) {
    const value = defaults[field];
    if (value === undefined || value.trim() === '') continue;
    let marked: boolean;
    try {
      const reading = readAmount(value, decimal);
      marked = reading.kind === 'ambiguous' || reading.mark !== null;
    } catch (err) {
      throw new UsageError(
        `--default ${field}=${value}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (marked && decimal === undefined)
      throw new UsageError(
        `--default ${field}=${value} writes a decimal mark; give --locale or --decimal too, so the default is read as you mean it and is no evidence of how the file writes numbers`,
      );
  }
}

/** The options beyond --map/--default/--skip-invalid, validated; absent ones stay undefined. */
function readExtras(values: CliArgs['values']): Partial<ImportArgs> {
  const out: Partial<ImportArgs> = {};
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const list = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const asOf = str('as-of');
  if (asOf !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new UsageError(`--as-of ${asOf}: give a date as YYYY-MM-DD`);
    out.asOf = asOf;
  }
  const preset = str('preset');
  if (preset !== undefined) {
    const p = PRESETS.find((x) => x === preset.toLowerCase());
    if (!p) throw new UsageError(`--preset takes ${PRESETS.join(', ')} (not "${preset}")`);
    out.preset = p;
  }
  const locale = str('locale');
  if (locale !== undefined) {
    try {
      out.decimal = decimalMarkOf(locale);
    } catch (err) {
      throw new UsageError(err instanceof AmountError ? `--locale: ${err.message}` : String(err));
    }
  }
  const decimal = str('decimal');
  if (decimal !== undefined) {
    if (decimal !== ',' && decimal !== '.') throw new UsageError('--decimal takes "," or "."');
    // Two answers to one question: refused, not settled by the order of the options.
    if (out.decimal !== undefined && out.decimal !== decimal)
      throw new UsageError(
        `--locale ${locale} writes "${out.decimal}" as the decimal mark but --decimal says "${decimal}": give one of them`,
      );
    out.decimal = decimal;
  }
  const delimiter = str('delimiter');
  if (delimiter !== undefined) {
    const d = parseDelimiter(delimiter);
    if (!d) throw new UsageError(`--delimiter takes , ; tab or | (not "${delimiter}")`);
    out.delimiter = d;
  }
  const dateFormat = str('date-format');
  if (dateFormat !== undefined) {
    const order = DATE_ORDERS.find((o) => o === dateFormat.toUpperCase());
    if (!order) throw new UsageError(`--date-format takes MDY or DMY (not "${dateFormat}")`);
    out.dateOrder = order;
  }
  const won = str('won-stages');
  if (won !== undefined) out.wonStages = list(won);
  const lost = str('lost-stages');
  if (lost !== undefined) out.lostStages = list(lost);
  if (values['replace-demo'] === true) out.replaceDemo = true;
  return out;
}
