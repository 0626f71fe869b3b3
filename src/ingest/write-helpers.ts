import type { ItemError } from './types.js';
import type { PendingRow } from './upsert-core.js';

/** Sets `values[key]` only when the input carried the field (undefined = absent = leave stored value). */
export function put(values: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) values[key] = value;
}

/**
 * Keeps rows that either exist already or carry every required column; reports the others as
 * "<field> is required for a new <noun>". `required` maps drizzle keys to canonical field names.
 */
export function requireForNew(
  rows: PendingRow[],
  existing: Map<string, number>,
  required: Record<string, string>,
  noun: string,
  errors: ItemError[],
): PendingRow[] {
  return rows.filter((row) => {
    if (existing.has(row.key)) return true;
    const missing = Object.keys(required).filter(
      (k) => row.values[k] === undefined || row.values[k] === null,
    );
    for (const k of missing) {
      errors.push({
        index: row.index,
        field: required[k]!,
        message: `is required for a new ${noun} (${row.key} is not stored yet)`,
      });
    }
    return missing.length === 0;
  });
}

/** Error for a reference that names nothing stored. */
export function unknownRef(index: number, field: string, what: string, value: string): ItemError {
  return { index, field, message: `no ${what} with external id ${value}` };
}
