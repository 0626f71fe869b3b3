/** The file's shape is wrong (empty, a --map source missing from the header, clashing columns). */
export class ImportFormatError extends Error {
  override name = 'ImportFormatError';
}
export interface ColumnPlan {
  /** Number of columns in the header. */
  width: number;
  /** Header columns that feed no canonical field. */
  ignored: string[];
  /** Turns one CSV record into a raw item keyed by canonical field names. */
  toItem(record: string[]): Record<string, string>;
}

/**
 * Decides which CSV column feeds which canonical field. A column named in --map feeds its mapped
 * field(s) (one column may feed several, e.g. an id used as both external_id and name); otherwise a
 * header that is itself a canonical name (any case) feeds that field. --default values fill empty cells
 * and missing columns. A mapped source missing from the header, or two columns feeding one field, is an error.
 */
export function planColumns(
  header: string[],
  map: [string, string][],
  defaults: Record<string, string>,
  fields: string[],
): ColumnPlan {
  const names = header.map((h) => h.trim());
  const targets: { column: number; field: string }[] = [];
  for (const [source, field] of map) {
    const column = names.indexOf(source);
    const loose = column >= 0 ? column : names.findIndex((n) => n.toLowerCase() === source.toLowerCase());
    if (loose < 0)
      throw new ImportFormatError(`--map ${source}=${field}: the header has no column "${source}"`);
    targets.push({ column: loose, field });
  }
  const mapped = new Set(targets.map((t) => t.column));
  const ignored: string[] = [];
  names.forEach((name, column) => {
    if (mapped.has(column)) return;
    const field = fields.find((f) => f === name.toLowerCase());
    if (field) targets.push({ column, field });
    else ignored.push(name === '' ? `(column ${column + 1})` : name);
  });
  const seen = new Map<string, number>();
  for (const t of targets) {
    const prev = seen.get(t.field);
    if (prev !== undefined) {
      throw new ImportFormatError(
        `columns "${names[prev]}" and "${names[t.column]}" both feed ${t.field}; --map one of them elsewhere`,
      );
    }
    seen.set(t.field, t.column);
  }
  const missingDefaults = Object.entries(defaults).filter(([field]) => !seen.has(field));
  return {
    width: header.length,
    ignored,
    toItem(record) {
      const item: Record<string, string> = {};
      for (const t of targets) {
        const cell = record[t.column] ?? '';
        const fallback = defaults[t.field];
        item[t.field] = cell.trim() === '' && fallback !== undefined ? fallback : cell;
      }
      for (const [field, value] of missingDefaults) item[field] = value;
      return item;
    },
  };
}
