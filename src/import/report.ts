import path from 'node:path';
import { openCloseStagesNote } from '../ingest/close-date.js';
import { contractsLeftOutWarning } from '../ingest/contracts-left-out.js';
import { formatCreated } from '../ingest/names.js';
import type { ImportWarning } from '../ingest/warnings.js';
import { zonelessDatesNote } from '../ingest/zoneless-dates.js';
import { counted } from '../numbers/count.js';
import type { ImportCsvResult } from './import-csv.js';
import { StoredRecords } from './stored-records.js';

const n = (v: number) => v.toLocaleString('en-US');
const ROWS = ['row', 'rows'] as const;

/**
 * The line the import command prints before it reads the file, naming the database it writes to:
 * `import: into database "tally" on db.example.com:5432` (from DATABASE_URL: its database, host and port,
 * never its user or password), or `import: into the embedded database in /srv/tally/.tally (DATABASE_URL
 * is not set)`. The summary counts what this run wrote there: two runs of one file whose summaries both
 * say "inserted" may have written to two databases (fresh tester helper-503: two runs both said
 * "120,000 inserted" and the Postgres database showed one write, as when one run had no DATABASE_URL).
 */
export function formatTarget(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl)
    return `import: into the embedded database in ${path.resolve(dataDir)} (DATABASE_URL is not set)`;
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    return 'import: into the database of DATABASE_URL';
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const host = decodeURIComponent(parsed.searchParams.get('host') ?? parsed.hostname);
  const where = host === '' || host.startsWith('/') ? `the local socket${host ? ` ${host}` : ''}` : host;
  const port = parsed.searchParams.get('port') ?? parsed.port;
  return `import: into ${name ? `database "${name}"` : 'the default database'} on ${where}${port ? `:${port}` : ''}`;
}

/**
 * The one-line summary printed at the end of an import. A row whose id comes again further down the same
 * batch is merged into that later row and counted as merged; a repeat in a later batch is written after it
 * (counted as inserted, updated or unchanged). Either way the parts add up to the rows read. A file
 * with a header but no data rows says so: `leads: 0 rows: the file has a header but no data rows; nothing
 * imported` (the import still succeeds: exit 0).
 */
export function formatSummary(entity: string, r: ImportCsvResult): string {
  const empty = formatEmptyRows(r);
  if (r.rejected) {
    return `${entity}: rejected, ${n(r.invalidRows)} invalid of ${counted(r.rows, ROWS)}; nothing imported (fix them or pass --skip-invalid)${empty}`;
  }
  // A header-only file (a nightly export with nothing new) is no error, but say why nothing happened.
  if (r.rows === 0)
    return `${entity}: 0 rows: the file has a header but no data rows; nothing imported${empty}`;
  const skipped = r.invalidRows > 0 ? `, ${n(r.invalidRows)} invalid skipped` : '';
  // A repeat in the same batch is merged into the later row; one in a later batch is written after the
  // first (and counted in inserted/updated/unchanged). Only the merged ones are counted here.
  const duplicates = r.warnings.find((w) => w.kind === 'duplicate id')?.count ?? 0;
  const written = r.inserted + r.updated + r.unchanged;
  const mergedRows = Math.min(duplicates, Math.max(0, r.rows - r.invalidRows - written));
  const merged = mergedRows > 0 ? `, ${n(mergedRows)} merged into a later row with the same id` : '';
  const created = formatCreated(r.created);
  const none = everyRowRefused(r) ? '; every row was invalid, so nothing was imported' : '';
  return `${entity}: ${counted(r.rows, ROWS)}, ${n(r.inserted)} inserted, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged${skipped}${merged}${none}${created ? `; ${created}` : ''}${empty}`;
}

/**
 * Whether --skip-invalid skipped every row of a file that had some: nothing was imported, which the CLI
 * reports as a refusal (exit 1), not as an import.
 */
export function everyRowRefused(r: ImportCsvResult): boolean {
  return !r.rejected && r.invalidRows > 0 && r.inserted + r.updated + r.unchanged === 0;
}

/** `; 2 empty rows skipped (lines 3, 7)` (blank lines and rows of only empty cells), or nothing. */
function formatEmptyRows(r: ImportCsvResult): string {
  const { count, lines } = r.emptyRows;
  if (count === 0) return '';
  const more = count > lines.length ? ', …' : '';
  return `; ${counted(count, ['empty row', 'empty rows'])} skipped (line${count > 1 ? 's' : ''} ${lines.join(', ')}${more})`;
}

/**
 * The listed row errors, one per line, with a note when the listing was capped. A field read from a column
 * of another name (a preset or --map) is named by both: `line 7: Deal - Lost time (closed_at) is required …`.
 */
export function formatErrors(r: ImportCsvResult): string {
  if (r.errors.length === 0) return '';
  const lines = r.errors.map((e) => `line ${e.line}: ${described(e)}`);
  const listedLines = new Set(r.errors.map((e) => e.line)).size;
  if (r.invalidRows > listedLines)
    lines.push(`… and ${counted(r.invalidRows - listedLines, ['more invalid row', 'more invalid rows'])}`);
  return lines.join('\n');
}

/**
 * A row error with what it is about before its message: `closed_at is required`, `Deal - Lost time
 * (closed_at) is required`, or the message alone. A message that names two fields starts with its own
 * (`amount and amount_minor are both given`, as the API shows it alone): the field is not said twice.
 */
function described(e: ImportCsvResult['errors'][number]): string {
  if (!e.field) return e.message;
  const own = e.message.startsWith(`${e.field} `) ? e.message.slice(e.field.length + 1) : e.message;
  return e.column ? `${e.column} (${e.field}) ${own}` : `${e.field} ${own}`;
}

/** Each warning's title, read with its count: `1 date in the future`, `3 dates in the future`. */
const COUNTED_TITLES: Record<string, [one: string, many: string]> = {
  // Counted by the rows that repeat an id (the rows merged away), not by the ids: one id on 3 lines is 2.
  'duplicate id': [
    'duplicate external id in the file',
    "rows repeating an earlier row's external id in the file",
  ],
  'person on several rows': ['repeated row for the same person', 'repeated rows for the same person'],
  'close before create': [
    'row with a close date before its create date',
    'rows with a close date before their create date',
  ],
  'won amount not positive': [
    'won deal with a zero or negative amount',
    'won deals with a zero or negative amount',
  ],
  'won amount missing': ['won deal without an amount', 'won deals without an amount'],
  'amount negative': [
    'lost or open deal with a negative amount',
    'lost or open deals with a negative amount',
  ],
  'closed but stage reads open': [
    'row with a close date whose stage reads as open',
    'rows with a close date whose stage reads as open',
  ],
  'closed but outcome open': [
    'deal with a close date whose outcome is open',
    'deals with a close date whose outcome is open',
  ],
  'outcome contradicts stage': [
    'deal whose outcome contradicts its stage',
    'deals whose outcome contradicts their stage',
  ],
  'adds nothing to ARR': ['contract adds nothing to ARR', 'contracts add nothing to ARR'],
  'qualified before create': [
    'row with a qualified date before its create date',
    'rows with a qualified date before their create date',
  ],
  'date in the future': ['date in the future', 'dates in the future'],
  'invisible characters removed': [
    'row with invisible characters removed from names',
    'rows with invisible characters removed from names',
  ],
  'touch before lead created': [
    'touch logged before its lead was created',
    'touches logged before their lead was created',
  ],
  'name like another account': [
    'account named like another account in the file',
    'accounts named like another account in the file',
  ],
  'churn before customer': [
    'account churned before it became a customer',
    'accounts churned before they became customers',
  ],
  'name like a stored account': [
    'new account named like a stored account',
    'new accounts named like a stored account',
  ],
  'name looks HTML-escaped': ['row with an HTML-escaped name', 'rows with an HTML-escaped name'],
  'opened before sent': [
    'email opened or replied before it was sent',
    'emails opened or replied before they were sent',
  ],
  'amount read as decimals': [
    'amount that reads two ways read as decimals',
    'amounts that read two ways read as decimals',
  ],
  'placeholder team': ['row with a placeholder team', 'rows with a placeholder team'],
  'placeholder owner': ['row with a placeholder owner', 'rows with a placeholder owner'],
  'placeholder manager': ['row with a placeholder manager', 'rows with a placeholder manager'],
  'placeholder source': ['row with a placeholder source', 'rows with a placeholder source'],
  'currency empty': ['row with an amount and an empty currency', 'rows with an amount and an empty currency'],
  'manager role without is_manager': [
    'row with role manager but not is_manager',
    'rows with role manager but not is_manager',
  ],
  'is_manager with rep role': ['row with is_manager but role rep', 'rows with is_manager but role rep'],
  'name like another rep': [
    'rep named like another rep in the file',
    'reps named like another rep in the file',
  ],
  'name like a stored rep': ['new rep named like a stored rep', 'new reps named like a stored rep'],
  'rep renamed like another rep': [
    'rep renamed to the name of another rep',
    'reps renamed to the name of another rep',
  ],
};

/** `3 dates in the future`; a kind without a title reads as its name (`2 some new kind`). */
const countedTitle = (w: ImportWarning) => counted(w.count, COUNTED_TITLES[w.kind] ?? [w.kind, w.kind]);

/**
 * What the import read and what looked wrong (stderr, before the summary): the delimiter when it
 * is not a comma, columns read under another name, each warning kind with its count, first
 * line numbers and the first case spelled out, the contracts ARR and ARPU leave out (on accounts with
 * no became_customer_at) after a contracts, accounts or subscriptions import, and a note when dates
 * without a zone were read in the import's zone while stored teams count in another (zonelessDatesNote),
 * and what --replace-demo removed (or that there was no demo org to remove).
 */
export function formatDetails(r: ImportCsvResult): string {
  const out: string[] = [];
  if (r.delimiter !== ',') out.push(`read as ${r.delimiter === '\t' ? 'tab' : `"${r.delimiter}"`}-separated`);
  if (r.columns.mapped.length > 0) out.push(`columns mapped: ${r.columns.mapped.join(', ')}`);
  for (const w of r.warnings) {
    const more = w.count > w.lines.length ? ', …' : '';
    // A rejected file stored nothing: its rows would be stored as given (a repeated id's last row would win)
    // once the invalid ones are fixed.
    const detail = r.rejected
      ? w.detail
          .replaceAll('stored as given', 'would be stored as given')
          .replaceAll(' wins, field by field', ' would win, field by field')
      : w.detail;
    out.push(
      `warning: ${countedTitle(w)} (line${w.lines.length > 1 ? 's' : ''} ${w.lines.join(', ')}${more}): ${detail}`,
    );
  }
  if (r.contractsLeftOut > 0) out.push(`warning: ${contractsLeftOutWarning(r.contractsLeftOut)}`);
  if (r.zonelessDates) out.push(`note: ${zonelessDatesNote(r.zonelessDates, 'file')}`);
  if (r.openCloseStages.length > 0) out.push(`note: ${openCloseStagesNote(r.openCloseStages, 'file')}`);
  for (const d of r.defaultsNotUsed) out.push(`note: ${StoredRecords.note(d)}`);
  // helper-180: `--replace-demo` on a database without the demo said only "4 unchanged".
  if (r.demoReplaced) out.push(`note: --replace-demo: ${DEMO_NOTES[r.demoReplaced]}`);
  return out.join('\n');
}

/** What --replace-demo did, per ImportCsvResult['demoReplaced']. */
const DEMO_NOTES = {
  removed: "the demo org's records were removed first",
  kept: 'nothing was imported, so the demo org was kept',
  none: 'this database held no demo org, so nothing was removed',
} as const satisfies Record<NonNullable<ImportCsvResult['demoReplaced']>, string>;
