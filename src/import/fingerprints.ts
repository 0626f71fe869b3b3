import { hash } from 'node:crypto';
import { type Db, queryRows, sql } from '../db/client.js';
import { anyText } from '../ingest/upsert-core.js';

/**
 * Raise whenever the reading of a CSV row changes (parsing, defaults, reference resolution, derived
 * values): every fingerprint stored by an older reading then misses once instead of vouching for it.
 */
export const FINGERPRINT_VERSION = 6;

/** Entities whose rows carry import fingerprints: the table holding them and its row id column. */
const TABLES = {
  opportunities: { table: 'opportunity_fingerprints', id: 'opportunity_id' },
  activities: { table: 'activity_fingerprints', id: 'activity_id' },
} as const;

export type FingerprintedEntity = keyof typeof TABLES;

/** A stored fingerprint of one row and the decimal mark its amount showed. */
export interface StoredFingerprint {
  fingerprint: string;
  decimalMark: string | null;
}

/** Where the staged write stores fingerprints (see StagedUpsert). */
export const fingerprintTable = (entity: FingerprintedEntity) => TABLES[entity];

export const isFingerprinted = (entity: string): entity is FingerprintedEntity => entity in TABLES;

/**
 * Everything besides a record's cells that decides what importing it writes: the reading version,
 * the entity, the header and how columns map (--map, --preset, --default), the time zone, forced
 * decimal mark and date order, stage rules, and the reference epoch (see import_reference_epoch).
 */
export interface FingerprintContext {
  entity: FingerprintedEntity;
  header: string[];
  map: [string, string][];
  defaults: Record<string, string>;
  preset: Record<string, string>;
  timezone: string;
  decimal: string | undefined;
  dateOrder: string | undefined;
  stages: unknown;
}

/**
 * The fingerprints of one import: computes each record's and looks up the stored ones. Open it inside
 * the import's transaction, before any row is written (it reads the reference epoch then).
 */
export class ImportFingerprints {
  private constructor(
    private readonly db: Db,
    private readonly entity: FingerprintedEntity,
    private readonly prefix: string,
    /** False when no row had a fingerprint at the start: lookups would find nothing. */
    private readonly anyStored: boolean,
  ) {}

  static async open(db: Db, context: FingerprintContext): Promise<ImportFingerprints> {
    const { table } = TABLES[context.entity];
    const [state] = await queryRows<{ epoch: string | number | null; any: boolean }>(
      db,
      sql.raw(
        `select (select epoch from import_reference_epoch where id = 1) as epoch, exists (select 1 from ${table}) as any`,
      ),
    );
    const reading = JSON.stringify([FINGERPRINT_VERSION, String(state?.epoch ?? 0), context]);
    return new ImportFingerprints(db, context.entity, hash('sha256', reading, 'base64'), state?.any ?? false);
  }

  /** False when no row had a fingerprint at the start of the import: nothing can be skipped. */
  get canSkip(): boolean {
    return this.anyStored;
  }

  /** The record's fingerprint: base64 of 18 bytes of SHA-256 over the reading and the cells. */
  of(record: string[]): string {
    return hash('sha256', this.prefix + JSON.stringify(record), 'base64').slice(0, 24);
  }

  /** Stored fingerprints of the rows with these external ids (one query; none when nothing is stored). */
  async lookup(keys: string[]): Promise<Map<string, StoredFingerprint>> {
    const found = new Map<string, StoredFingerprint>();
    if (!this.anyStored || keys.length === 0) return found;
    const { table, id } = TABLES[this.entity];
    const rows = await queryRows<{ key: string; fingerprint: string; decimalMark: string | null }>(
      this.db,
      sql`select t.external_id as key, f.fingerprint, f.decimal_mark as "decimalMark"
          from ${sql.raw(this.entity)} t join ${sql.raw(table)} f on f.${sql.raw(id)} = t.id
          where t.external_id = ${anyText(keys)}`,
    );
    for (const r of rows) found.set(r.key, r);
    return found;
  }
}
