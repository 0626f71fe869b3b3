import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Db, isEmbeddedConnection } from '../db/client.js';

const RESERVED = /[\\\n\r\t]/;

/** One value in COPY's text format: \N for null, backslash escapes for the characters COPY reserves. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = String(v);
  return RESERVED.test(s)
    ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    : s;
}

/** The driver connection under a drizzle database or transaction (pg PoolClient, or PGlite's). */
function driverOf(db: Db): unknown {
  return (db as unknown as { session?: { client?: unknown } }).session?.client;
}

/** 1000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the instants whose ISO text `instant` writes itself. */
const MIN_FAST_INSTANT = Date.UTC(1000, 0, 1);
const MAX_FAST_INSTANT = Date.UTC(10000, 0, 1);

/** Writes `n` (0..99) as two digits at `at`; returns the position after them. */
function two(buf: Buffer, at: number, n: number): number {
  buf[at] = 0x30 + Math.floor(n / 10);
  buf[at + 1] = 0x30 + (n % 10);
  return at + 2;
}

const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * Rows for one append to a staging table, given value by value (`value`, then `endRow` after each row's
 * last), and sent by `send`: COPY … FROM STDIN (pg-copy-streams) on Postgres; on the embedded database,
 * whose socket server does not speak COPY's sub-protocol, one INSERT … SELECT from
 * `json_populate_recordset` (one parameter for the whole batch). Values: null, undefined (as null),
 * string, number, boolean, Date (written as ISO 8601 UTC). On Postgres the rows are written straight
 * into one growing buffer in COPY's text format (UTF-8), not as a string per value and per row: a big
 * import stages millions of values.
 */
export class CopyBatch {
  private readonly embedded: boolean;
  /** Embedded: the rows so far, and the row being given. */
  private readonly records: unknown[][] = [];
  private row: unknown[] = [];
  /** Postgres: the COPY text so far (`buf[0..at)`), and whether the current row has a value yet. */
  private buf: Buffer = Buffer.allocUnsafe(0);
  private at = 0;
  private started = false;
  /** Rows ended so far. */
  rows = 0;

  /**
   * `scratch`: a buffer to write into first (the `buffer` of an earlier batch whose `send` has
   * finished), so a big import reuses one buffer instead of growing a new one per batch.
   */
  constructor(
    private readonly db: Db,
    private readonly table: string,
    private readonly columns: string[],
    scratch?: Buffer,
  ) {
    this.embedded = isEmbeddedConnection(driverOf(db));
    if (scratch) this.buf = scratch;
  }

  /** The buffer written into (for the next batch's `scratch`, once `send` has finished). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Appends the next value of the current row (in `columns` order). */
  value(v: unknown): void {
    if (this.embedded) {
      this.row.push(v ?? null);
      return;
    }
    if (this.started) this.byte(TAB);
    this.started = true;
    if (v === null || v === undefined) this.ascii('\\N');
    else if (typeof v === 'string') this.text(v);
    else if (typeof v === 'number') this.number(v);
    else if (v instanceof Date) this.instant(v);
    else if (typeof v === 'boolean') this.byte(v ? 0x74 : 0x66);
    else this.text(String(v));
  }

  /** Ends the current row. */
  endRow(): void {
    this.rows += 1;
    if (this.embedded) {
      this.records.push(this.row);
      this.row = [];
      return;
    }
    this.byte(NEWLINE);
    this.started = false;
  }

  /** The COPY text so far (Postgres; empty on the embedded database). */
  copyText(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  /** Appends the rows to the staging table in the caller's transaction (nothing when there are none). */
  async send(): Promise<void> {
    if (this.rows === 0) return;
    const client = driverOf(this.db) as pg.PoolClient;
    const list = this.columns.map((c) => `"${c}"`).join(', ');
    if (this.embedded) {
      const json = JSON.stringify(
        this.records.map((r) => Object.fromEntries(this.columns.map((c, i) => [c, r[i] ?? null]))),
      );
      await client.query(
        `insert into ${this.table} (${list}) select ${list} from json_populate_recordset(null::${this.table}, $1::json)`,
        [json],
      );
      return;
    }
    const stream = client.query(copyFrom(`copy ${this.table} (${list}) from stdin`));
    await pipeline(Readable.from([this.copyText()]), stream);
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(64 * 1024, (this.at + bytes) * 2));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buf[this.at++] = b;
  }

  /** `String(n)`: a safe integer digit by digit (no string per value), any other number as String gives it. */
  private number(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.ascii(String(n));
      return;
    }
    this.reserve(17);
    if (n < 0) {
      this.buf[this.at++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits += 1;
    const buf = this.buf;
    const end = this.at + digits;
    for (let i = end - 1; i >= this.at; i -= 1) {
      buf[i] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at = end;
  }

  /**
   * `d.toISOString()` (YYYY-MM-DDTHH:mm:ss.sssZ), written from the time value (civil date from days,
   * H. Hinnant's algorithm) for years 1000 to 9999; toISOString itself outside them (and for an
   * invalid date, which it refuses).
   */
  private instant(d: Date): void {
    const t = d.getTime();
    if (!(t >= MIN_FAST_INSTANT && t < MAX_FAST_INSTANT)) {
      this.ascii(d.toISOString());
      return;
    }
    const days = Math.floor(t / 86_400_000);
    let ms = t - days * 86_400_000;
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const doe = z - era * 146_097;
    const yoe = Math.floor(
      (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
    );
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    const hour = Math.floor(ms / 3_600_000);
    ms -= hour * 3_600_000;
    const minute = Math.floor(ms / 60_000);
    ms -= minute * 60_000;
    const second = Math.floor(ms / 1000);
    ms -= second * 1000;
    this.reserve(24);
    const buf = this.buf;
    let at = this.at;
    buf[at++] = 0x30 + Math.floor(year / 1000);
    buf[at++] = 0x30 + (Math.floor(year / 100) % 10);
    buf[at++] = 0x30 + (Math.floor(year / 10) % 10);
    buf[at++] = 0x30 + (year % 10);
    buf[at++] = 0x2d;
    at = two(buf, at, month);
    buf[at++] = 0x2d;
    at = two(buf, at, day);
    buf[at++] = 0x54;
    at = two(buf, at, hour);
    buf[at++] = 0x3a;
    at = two(buf, at, minute);
    buf[at++] = 0x3a;
    at = two(buf, at, second);
    buf[at++] = 0x2e;
    buf[at++] = 0x30 + Math.floor(ms / 100);
    at = two(buf, at, ms % 100);
    buf[at++] = 0x5a;
    this.at = at;
  }

  /** ASCII text (numbers, ISO instants, \N): one byte per character. */
  private ascii(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i += 1) buf[at++] = s.charCodeAt(i);
    this.at = at;
  }

  /**
   * A string value: byte by byte while it is plain ASCII (the common cell, and cheaper than a call into
   * the encoder for a few characters); with a character COPY reserves or beyond ASCII, escaped and
   * UTF-8-encoded as a whole.
   */
  private text(s: string): void {
    const n = s.length;
    // At most 3 bytes of UTF-8 per UTF-16 code unit, and 2 per escaped character.
    this.reserve(n * 3);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i += 1) {
      const c = s.charCodeAt(i);
      if (c >= 0x80 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09) {
        this.at += buf.write(RESERVED.test(s) ? copyText(s) : s, this.at, 'utf8');
        return;
      }
      buf[at++] = c;
    }
    this.at = at;
  }
}
