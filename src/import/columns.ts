import { suggestWord } from '../edit-distance.js';
import { counted } from '../numbers/count.js';

/** The file's shape is wrong (empty, a --map source missing from the header, clashing columns). */
export class ImportFormatError extends Error {
  override name = 'ImportFormatError';
}
export interface ColumnPlan {
  /** Number of columns in the header. */
  width: number;
  /** Header columns that feed no canonical field. */
  ignored: string[];
  /** "source → field" for every column read under another name (--map or a preset). */
  mapped: string[];
  /** Canonical fields some column (or --default) feeds. */
  fed: Set<string>;
  /** Canonical fields some header column feeds (a --default alone does not count). */
  inFile: Set<string>;
  /**
   * Turns one CSV record into a raw item keyed by canonical field names. A field of `leaveOut` that only a
   * --default would fill (its cell empty, or no column) is left out of the item: the stored value stands.
   * A field none of whose columns is read on the row (each has a condition the row does not meet) while the
   * file lacks the preset's column for the row's condition is read as a missing column (left out, or its
   * --default): a Won time column says nothing of a lost deal's closed_at.
   */
  toItem(record: string[], leaveOut?: ReadonlySet<string>): Record<string, string>;
  /** The fields a --default fills in this record (its cell empty, or no column feeds the field). */
  defaulted(record: string[]): string[];
  /** `toItem(record)[field]` without building the item: the cell (or its --default); undefined if unfed. */
  cell(record: string[], field: string): string | undefined;
  /**
   * For a row error on `field`: the header column(s) it is read from when they bear another name (a --map or
   * a preset), e.g. `Deal - Deal closed on or Deal - Lost time`. With `record`, only the columns read on that
   * row (a conditional column whose condition the row does not meet is left out); when none is, the preset's
   * column for the row's condition that the file lacks. undefined when the field's column bears its name or
   * no column feeds it.
   */
  source(field: string, record?: string[]): string | undefined;
  /**
   * Why `field` reads empty on this row although a column of it holds a value: a conditional column whose
   * condition the row does not meet (Pipedrive's Won time on a lost deal), with how to fix it; or, when no
   * column of it is read on the row and the file lacks the preset's column for the row's condition, that
   * the file has none (add it); else undefined.
   */
  unread(field: string, record: string[]): string | undefined;
}

/** "#3" → column index 2 (1-based in the CLI); null when `source` is a name. */
function position(source: string): number | null {
  const m = /^#(\d+)$/.exec(source.trim());
  return m ? Number(m[1]) - 1 : null;
}

/**
 * Decides which CSV column feeds which canonical field. A column named in --map (by name, or by
 * position as `#N`, 1-based) feeds its mapped field(s) (one column may feed several, e.g. an id used
 * as both external_id and name); then `preset` names (a CRM's export headers); otherwise a header that
 * is itself a canonical name (any case) feeds that field. --default values fill empty cells and
 * missing columns (`toItem` leaves out those the caller names: a stored record's). Errors: a mapped
 * source missing from the header, two columns feeding one field, a header name given twice (unless
 * --map picks one by position), a one-column header that holds another delimiter.
 */
export function planColumns(
  header: string[],
  map: [string, string][],
  defaults: Record<string, string>,
  fields: string[],
  preset: Record<string, string> = {},
  delimiterName = 'comma',
): ColumnPlan {
  const names = header.map((h) => h.trim());
  if (names.length === 1) {
    const other = [';', '\t', '|', ','].find((d) => names[0]!.includes(d));
    if (other) {
      const shown = other === '\t' ? 'tab' : `"${other}"`;
      throw new ImportFormatError(
        `the header is one column "${names[0]!.slice(0, 60)}" that contains ${shown}: the file is probably ${shown}-separated, not ${delimiterName}-separated; pass --delimiter '${other === '\t' ? 'tab' : other}'`,
      );
    }
  }
  const targets: { column: number; field: string }[] = [];
  const byPosition = new Set<number>();
  for (const [source, field] of map) {
    const pos = position(source);
    if (pos !== null) {
      if (pos < 0 || pos >= names.length)
        throw new ImportFormatError(
          `--map ${source}=${field}: the header has ${counted(names.length, ['column', 'columns'])}`,
        );
      targets.push({ column: pos, field });
      byPosition.add(pos);
    }
  }
  // A name given twice is an error unless every copy is read (or left out) by position.
  const seenName = new Map<string, number>();
  names.forEach((name, column) => {
    const key = name.toLowerCase();
    const prev = seenName.get(key);
    if (prev !== undefined && name !== '' && !byPosition.has(prev) && !byPosition.has(column)) {
      throw new ImportFormatError(
        `the header names "${name}" twice (columns ${prev + 1} and ${column + 1}); pick one with --map '#${prev + 1}=<field>' or --map '#${column + 1}=<field>'`,
      );
    }
    if (prev === undefined) seenName.set(key, column);
  });
  const findName = (source: string) => {
    const exact = names.findIndex((n, i) => n === source && !byPosition.has(i));
    return exact >= 0
      ? exact
      : names.findIndex((n, i) => n.toLowerCase() === source.toLowerCase() && !byPosition.has(i));
  };
  for (const [source, field] of map) {
    if (position(source) !== null) continue;
    const column = findName(source);
    if (column < 0)
      throw new ImportFormatError(`--map ${source}=${field}: the header has no column "${source}"`);
    targets.push({ column, field });
  }
  const mappedColumns = new Set(targets.map((t) => t.column));
  const mapped = targets.map((t) => `${names[t.column] || `#${t.column + 1}`} → ${t.field}`);
  const ignored: string[] = [];
  // A preset value is a field, or `field when other=value`: the column is read only on rows whose `other`
  // cell is `value` (any case), e.g. Pipedrive's Won time for won deals only.
  const presetLower = new Map(
    Object.entries(preset).map(([k, v]) => [k.toLowerCase(), v.split(' when ')[0]!]),
  );
  const presetWhen = new Map(
    Object.entries(preset).flatMap(([k, v]) => {
      const m = / when (\w+)=(.+)$/.exec(v);
      return m ? [[k.toLowerCase(), { field: m[1]!, value: m[2]!.toLowerCase() }] as const] : [];
    }),
  );
  const fedByMap = new Set(targets.map((t) => t.field));
  // Of the header's columns a preset maps to one field, the one the preset names first feeds it: Pipedrive's
  // "Deal closed on" (filled for won and lost deals) before "Won time" and "Lost time" (helper-183: an export
  // with "Won time" first refused every lost deal); the others, in the preset's order, fill its empty cells
  // (helper-184: a won deal with only its Won time was refused).
  const presetRank = new Map(Object.keys(preset).map((k, i) => [k.toLowerCase(), i]));
  const presetColumns = new Map<string, number[]>();
  names.forEach((name, column) => {
    const field = presetLower.get(name.toLowerCase());
    if (field === undefined || mappedColumns.has(column) || byPosition.has(column)) return;
    presetColumns.set(field, [...(presetColumns.get(field) ?? []), column]);
  });
  const rank = (c: number) => presetRank.get(names[c]!.toLowerCase())!;
  for (const columns of presetColumns.values()) columns.sort((a, b) => rank(a) - rank(b));
  const presetColumn = new Map([...presetColumns].map(([field, columns]) => [field, columns[0]!]));
  /** Columns that fill a preset field's empty cells, in order: set when its first column feeds it. */
  const fallbacks = new Map<string, number[]>();
  const later = new Set([...presetColumns.values()].flatMap((columns) => columns.slice(1)));
  names.forEach((name, column) => {
    if (mappedColumns.has(column) || byPosition.has(column)) return;
    const canonical = fields.find((f) => f === name.toLowerCase());
    const viaPreset = presetLower.get(name.toLowerCase());
    if (canonical && !fedByMap.has(canonical)) {
      targets.push({ column, field: canonical });
      fedByMap.add(canonical);
    } else if (
      viaPreset &&
      fields.includes(viaPreset) &&
      !fedByMap.has(viaPreset) &&
      presetColumn.get(viaPreset) === column
    ) {
      // A preset may know two names for one field (label and API name): its first name wins (above).
      targets.push({ column, field: viaPreset });
      fedByMap.add(viaPreset);
      const when = presetWhen.get(name.toLowerCase());
      mapped.push(`${name} → ${viaPreset}${when ? ` (${when.field} ${when.value} only)` : ''}`);
      const rest = presetColumns.get(viaPreset)!.slice(1);
      if (rest.length > 0) fallbacks.set(viaPreset, rest);
    } else if (!later.has(column)) ignored.push(name === '' ? `(column ${column + 1})` : name);
  });
  for (const column of later) {
    const field = presetLower.get(names[column]!.toLowerCase())!;
    const when = presetWhen.get(names[column]!.toLowerCase());
    const only = when ? `, ${when.field} ${when.value} only` : '';
    if (fallbacks.get(field)?.includes(column))
      mapped.push(`${names[column]} → ${field} (where ${names[presetColumn.get(field)!]} is empty${only})`);
    else ignored.push(names[column]!);
  }
  // A conditional column keeps its condition wherever it is read: first (the file lacks the preset's
  // unconditional one) or filling in.
  const conditions = new Map(
    [...presetColumns.values()].flat().flatMap((c) => {
      const when = presetWhen.get(names[c]!.toLowerCase());
      return when ? [[c, when] as const] : [];
    }),
  );
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
  /** The cell of the column a condition reads (`outcome`'s), trimmed, in lower case ('' when unfed). */
  const conditionCell = (record: string[], field: string) => {
    const by = seen.get(field);
    return by === undefined ? '' : (record[by] ?? '').trim().toLowerCase();
  };
  /** Whether the record meets `column`'s condition (a column without one: always). */
  const meets = (record: string[], column: number) => {
    const when = conditions.get(column);
    return !when || conditionCell(record, when.field) === when.value;
  };
  /** The cell of `column`, or '' when the column has a condition this record does not meet. */
  const read = (record: string[], column: number) => (meets(record, column) ? (record[column] ?? '') : '');
  /** The record's own value for `field` (its column, then the preset's fallback columns). */
  const own = (record: string[], column: number, field: string) => {
    let cell = read(record, column);
    for (const other of fallbacks.get(field) ?? []) {
      if (cell.trim() !== '') break;
      cell = read(record, other);
    }
    return cell;
  };
  const fill = (record: string[], column: number, field: string) => {
    const cell = own(record, column, field);
    const fallback = defaults[field];
    return cell.trim() === '' && fallback !== undefined ? fallback : cell;
  };
  const presentDefaults = Object.keys(defaults).filter((field) => seen.has(field));
  const label = (column: number) => names[column] || `column ${column + 1}`;
  /** The columns that feed `field`, in the order they are read (first, then the preset's fallbacks). */
  const feeding = (field: string) => {
    const first = seen.get(field);
    return first === undefined ? [] : [first, ...(fallbacks.get(field) ?? [])];
  };
  /** The columns of `field` read on this record; else the preset's column for its condition the file lacks. */
  const readOn = (record: string[], field: string): { columns: string[]; inHeader: boolean } => {
    const columns = feeding(field).filter((c) => meets(record, c));
    if (columns.length > 0) return { columns: columns.map(label), inHeader: true };
    const absent = Object.keys(preset).find((name) => {
      const when = presetWhen.get(name.toLowerCase());
      return (
        presetLower.get(name.toLowerCase()) === field &&
        when !== undefined &&
        conditionCell(record, when.field) === when.value &&
        !names.some((n) => n.toLowerCase() === name.toLowerCase())
      );
    });
    return { columns: absent === undefined ? [] : [absent], inHeader: false };
  };
  /**
   * Whether no column of `field` is read on this record (each has a condition it does not meet) while the
   * file lacks the preset's column for the record's condition (Pipedrive's Lost time for a lost deal in a
   * file with Won time only): the file says nothing of the field on this row, so it is left out.
   */
  const absentOn = (record: string[], field: string) => {
    const columns = feeding(field);
    if (columns.length === 0 || columns.some((c) => meets(record, c))) return false;
    const target = readOn(record, field);
    return !target.inHeader && target.columns.length > 0;
  };
  return {
    width: header.length,
    ignored,
    mapped,
    fed: new Set([...seen.keys(), ...Object.keys(defaults)]),
    inFile: new Set(seen.keys()),
    toItem(record, leaveOut) {
      const item: Record<string, string> = {};
      for (const t of targets) {
        if (conditions.has(t.column) && absentOn(record, t.field)) {
          // As a missing column: a --default fills it (unless left out), else the stored value stands.
          const fallback = defaults[t.field];
          if (fallback !== undefined && !leaveOut?.has(t.field)) item[t.field] = fallback;
        } else if (leaveOut?.has(t.field) && defaults[t.field] !== undefined) {
          const cell = own(record, t.column, t.field);
          if (cell.trim() !== '') item[t.field] = cell;
        } else item[t.field] = fill(record, t.column, t.field);
      }
      for (const [field, value] of missingDefaults) if (!leaveOut?.has(field)) item[field] = value;
      return item;
    },
    defaulted(record) {
      const out = missingDefaults.map(([field]) => field);
      for (const field of presentDefaults)
        if (own(record, seen.get(field)!, field).trim() === '') out.push(field);
      return out;
    },
    cell(record, field) {
      const column = seen.get(field);
      return column === undefined || (conditions.has(column) && absentOn(record, field))
        ? defaults[field]
        : fill(record, column, field);
    },
    source(field, record) {
      const columns = feeding(field);
      if (columns.length === 0 || names[columns[0]!]!.toLowerCase() === field) return undefined;
      const shown = record ? readOn(record, field).columns : columns.map(label);
      return shown.length > 0 ? shown.join(' or ') : undefined;
    },
    unread(field, record) {
      const columns = feeding(field);
      if (columns.length === 0 || own(record, columns[0]!, field).trim() !== '') return undefined;
      const skipped = columns.find((c) => !meets(record, c) && (record[c] ?? '').trim() !== '');
      if (skipped === undefined) {
        if (!absentOn(record, field)) return undefined;
        const absent = readOn(record, field).columns[0]!;
        return `the file has no ${absent} column; add a ${absent} column, or pass --map "<column>=${field}" to read ${field} from another column`;
      }
      const when = conditions.get(skipped)!;
      const actual = conditionCell(record, when.field);
      const seenAs = actual === '' ? `its ${when.field} cell is empty` : `its ${when.field} is ${actual}`;
      const given = `the row gives a ${label(skipped)} ("${record[skipped]!.trim()}") but ${seenAs}`;
      const target = readOn(record, field);
      const fill =
        target.columns.length === 0
          ? ''
          : target.inHeader
            ? `fill its ${target.columns.join(' or ')}, or `
            : `add a ${target.columns[0]} column, or `;
      return `${given}, and ${label(skipped)} is read only where ${when.field} is ${when.value}; ${fill}pass --map "<column>=${field}" to read ${field} from another column`;
    },
  };
}

/**
 * For a row error on `field` when no column of the file feeds it (nor a --default): that the file has no
 * `column` (the preset's name for the field, else the field's own), and the way out: add one, or, for a field
 * an export often leaves out because every row has one value (HubSpot's activities have no kind), a --default
 * naming the first of `values` (the others in parentheses).
 */
export function noColumnNote(column: string, field: string, values: readonly string[]): string {
  const [first, ...others] = values;
  const also = others.length > 0 ? ` (or ${others.join(', ')})` : '';
  const article = /^[aeiou]/i.test(column) ? 'an' : 'a';
  return `the file has no ${column} column; add ${article} ${column} column, or pass --default ${field}=${first}${also} when every row is one ${field}`;
}

/** A header column that probably holds the record id, for a "did you mean --map X=external_id". */
export function guessIdColumn(ignored: string[]): string | undefined {
  return ignored.find((n) =>
    /(^|[\s_-])id$|^id$|record id|^(opportunity|deal|lead|contact|company|account)$/i.test(n),
  );
}

/** Header words that name a field under another common name (folded: lower case, letters and digits only). */
const FIELD_SYNONYMS: Record<string, string> = {
  fullname: 'name',
  displayname: 'name',
  repname: 'name',
  username: 'name',
  salesrep: 'name',
  mail: 'email',
  emailaddress: 'email',
  teamname: 'team',
};

const foldHeader = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * For the "ignoring columns" notice: ignored header columns that probably mean a field no column feeds,
 * as [column, field] pairs in header order, each field at most once. A column matches a field when they are
 * the same once case, spaces and punctuation are dropped ("E-Mail" → email), when it is a typo of one
 * (suggestWord), or a common other name for it (FIELD_SYNONYMS: "Full Name" → name).
 */
export function guessFieldColumns(ignored: string[], fields: string[], fed: Set<string>): [string, string][] {
  const open = fields.filter((f) => !fed.has(f));
  const byFolded = new Map(open.map((f) => [foldHeader(f), f]));
  const out: [string, string][] = [];
  const taken = new Set<string>();
  for (const column of ignored) {
    const folded = foldHeader(column);
    if (folded === '') continue;
    const synonym = FIELD_SYNONYMS[folded];
    const field =
      byFolded.get(folded) ??
      (synonym !== undefined && byFolded.has(synonym) ? synonym : undefined) ??
      (folded.length >= 4 ? byFolded.get(suggestWord(folded, [...byFolded.keys()]) ?? '') : undefined);
    if (field === undefined || taken.has(field)) continue;
    taken.add(field);
    out.push([column, field]);
  }
  return out;
}

/** "a leads field", "an opportunities field": a field of `entity`, with the article its name takes. */
export function entityField(entity: string): string {
  return `${/^[aeiou]/.test(entity) ? 'an' : 'a'} ${entity} field`;
}
