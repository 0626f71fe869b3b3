import type { Column } from 'drizzle-orm';

/** The whole numbers a column holds, as JS numbers: `min..max` inclusive. */
export interface IntegerRange {
  min: number;
  max: number;
}

const INT2: IntegerRange = { min: -32_768, max: 32_767 };
const INT4: IntegerRange = { min: -2_147_483_648, max: 2_147_483_647 };
// A bigint column in drizzle's `mode: 'number'` is read back as a JS number, exact only up to 2^53 − 1:
// Postgres would store more, but Tally could not read it back unchanged, so that is the column's range.
const BIGINT_AS_NUMBER: IntegerRange = { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

const RANGES: Record<string, IntegerRange> = {
  PgSmallInt: INT2,
  PgSmallSerial: INT2,
  PgInteger: INT4,
  PgSerial: INT4,
  PgBigInt53: BIGINT_AS_NUMBER,
  PgBigSerial53: BIGINT_AS_NUMBER,
};

/**
 * The range of a drizzle integer column (`smallint`, `integer`, `serial`, or `bigint`/`bigserial` in
 * `mode: 'number'`), read from its drizzle column type, so validation bounds follow the schema and
 * cannot drift from it: int2 −32768..32767, int4 −2147483648..2147483647 (PostgreSQL's integer types),
 * bigint as number ±9007199254740991 (Number.MAX_SAFE_INTEGER). Throws for any other column (a bigint
 * in `mode: 'bigint'` has no exact JS number range; a non-integer column has none at all).
 */
export function integerRange(column: Column): IntegerRange {
  const range = RANGES[column.columnType];
  if (!range)
    throw new Error(`${column.name}: ${column.columnType} is not an integer column read as a number`);
  return range;
}
