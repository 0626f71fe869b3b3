import { fold } from '../core/fold.js';
import { type Db, queryRows, sql } from '../db/client.js';
import { FirstLines } from '../ingest/first-lines.js';
import { findByName } from '../ingest/names.js';
import { anyText } from '../ingest/upsert-core.js';
import { counted } from '../numbers/count.js';

/** The marks of StoredRecords' table: a record stored before this import, or one a row of it created. */
const STORED = 1;
const CREATED = 2;

/**
 * The entities whose stored records a --default leaves as stored (see StoredRecords), with their record
 * nouns for the note: [one, many].
 */
const NOUNS = {
  leads: ['lead', 'leads'],
  activities: ['activity', 'activities'],
  opportunities: ['deal', 'deals'],
  contracts: ['contract', 'contracts'],
  accounts: ['account', 'accounts'],
  teams: ['team', 'teams'],
  reps: ['rep', 'reps'],
} as const satisfies Record<string, readonly [string, string]>;

/** Entities whose stored records a --default leaves as stored (see StoredRecords). */
export type DefaultedEntity = keyof typeof NOUNS;

/** A --default that some stored records' rows did not take: the entity, field, value, how many records. */
export interface DefaultNotUsed {
  entity: DefaultedEntity;
  field: string;
  value: string;
  records: number;
}

/**
 * How a row names its record: `match`, the identifiers the writer matches a stored record by, in the
 * writer's order (`id:` external id, `email:`, `slack:`, `name:` a name under fold(), `lone:` a name under
 * fold() that matches only a stored rep without an email); `also`, other names the record answers to once
 * written (a new account's name; a reps file's manager_name, which the writer creates when unknown).
 */
export interface RowIdentity {
  match: string[];
  also: string[];
}

/**
 * Which rows of an import are of records stored before it, so that a `--default field=value` fills empty
 * cells and missing columns of NEW records only ("never store a guess": on a stored record the stored value
 * stands). A row's record is looked up as its writer matches it: deals, leads, activities and contracts by
 * external id; accounts by external id, else by name under fold(); teams by name under fold(); reps by
 * email, else Slack user id, else name (a row with an email: a stored rep of that name without one). Rows
 * are judged in file order: once a row names a record, the later rows that name it (by any of its names)
 * follow, so a record a row of this file created is new for every row of the file. Subscription snapshots
 * are not covered (`forEntity` gives undefined): their defaults fill every row, as before.
 */
export class StoredRecords {
  /**
   * Every identifier seen so far, marked STORED or CREATED: whether its record was stored before this
   * import. A compact hash table (FirstLines: 16 bytes an id, nothing for the collector to trace), not a Map
   * of strings: a 1,000,000-row import with a --default would otherwise hold ~110 MB of keys under the
   * import's 256 MB heap cap. Two ids share a 53-bit hash with odds of about 1 in 10^10 for a million ids.
   */
  private readonly known = new FirstLines();
  /**
   * Default field → the stored records whose rows it did not fill: `records` numbers each record (by its
   * first identifier, in FirstLines' line slot) and `rows` holds a (line, record number) pair per row, so
   * that rows the import refused afterwards are left out of the count (`notUsed`).
   */
  private readonly unused = new Map<string, { records: FirstLines; count: number; rows: number[] }>();

  private has(k: string): boolean {
    return this.known.first(k) !== undefined;
  }

  /** Whether `k`'s record was stored before this import; undefined for an identifier not seen yet. */
  private get(k: string): boolean | undefined {
    return this.has(k) ? this.known.mark(k) === STORED : undefined;
  }

  private set(k: string, stored: boolean): void {
    this.known.firstOrAdd(k, 0);
    this.known.setMark(k, stored ? STORED : CREATED);
  }

  private constructor(
    private readonly db: Db,
    private readonly entity: DefaultedEntity,
  ) {}

  /** The lookup for an import of `entity` with these defaults; undefined when there is nothing to do. */
  static forEntity(db: Db, entity: string, defaults: Record<string, string>): StoredRecords | undefined {
    if (Object.keys(defaults).length === 0 || !Object.hasOwn(NOUNS, entity)) return undefined;
    return new StoredRecords(db, entity as DefaultedEntity);
  }

  /**
   * How a row names its record, from its cells (`cell(field)`: the cell, undefined when no column feeds
   * it). No `match` when it names none (the writer refuses such a row).
   */
  identity(cell: (field: string) => string | undefined): RowIdentity {
    const text = (field: string) => cell(field)?.trim() ?? '';
    const name = fold(cell('name') ?? '');
    const named = (prefix: string) => (name === '' ? [] : [`${prefix}${name}`]);
    switch (this.entity) {
      case 'teams':
        return { match: named('name:'), also: [] };
      case 'reps': {
        const email = text('email').toLowerCase();
        const slack = text('slack_user_id');
        const manager = fold(cell('manager_name') ?? '');
        return {
          match: [
            ...(email === '' ? [] : [`email:${email}`]),
            ...(slack === '' ? [] : [`slack:${slack}`]),
            ...named(email === '' ? 'name:' : 'lone:'),
          ],
          also: [...named('name:'), ...named('lone:'), ...(manager === '' ? [] : [`manager:${manager}`])],
        };
      }
      case 'accounts': {
        const id = text('external_id');
        return id === ''
          ? { match: named('name:'), also: [] }
          : { match: [`id:${id}`], also: named('name:') };
      }
      default: {
        const id = text('external_id');
        return { match: id === '' ? [] : [`id:${id}`], also: [] };
      }
    }
  }

  /**
   * Whether each row (in file order) is of a record stored before this import. Identifiers not seen
   * before are looked up (a query or two per batch); a row that names no record is new.
   */
  async storedBefore(rows: RowIdentity[]): Promise<boolean[]> {
    const fresh = new Set<string>();
    for (const row of rows) for (const k of [...row.match, ...row.also]) if (!this.has(k)) fresh.add(k);
    const found = fresh.size > 0 ? await this.lookup([...fresh]) : new Set<string>();
    return rows.map((row) => {
      let stored = false;
      for (const k of row.match) {
        const seen = this.get(k);
        if (seen !== undefined || found.has(k)) {
          stored = seen ?? true;
          break;
        }
      }
      for (const k of row.match) if (!this.has(k)) this.set(k, stored);
      for (const k of row.also) {
        if (this.has(k)) continue;
        // A manager named on the row is created when unknown: new for the rows that come later.
        if (k.startsWith('manager:')) {
          const key = k.slice('manager:'.length);
          const exists = found.has(`name:${key}`) || this.get(`name:${key}`) !== undefined;
          this.set(k, true);
          if (!exists) {
            this.set(`name:${key}`, false);
            this.set(`lone:${key}`, false);
          }
        } else this.set(k, stored);
      }
      return stored;
    });
  }

  /** Notes that the default of `field` did not fill the row on `line` of the stored record the row names. */
  leftOut(field: string, row: RowIdentity, line: number): void {
    const key = row.match[0] ?? '';
    let unused = this.unused.get(field);
    if (!unused) {
      unused = { records: new FirstLines(), count: 0, rows: [] };
      this.unused.set(field, unused);
    }
    let record = unused.records.first(key);
    if (record === undefined) {
      record = unused.count++;
      unused.records.firstOrAdd(key, record);
    }
    unused.rows.push(line, record);
  }

  /**
   * The defaults some stored records' rows did not take, in the order of `defaults`: records with at least
   * one such row the import did not refuse (`refused(line)`, known once every row is written).
   */
  notUsed(defaults: Record<string, string>, refused: (line: number) => boolean): DefaultNotUsed[] {
    return Object.entries(defaults).flatMap(([field, value]) => {
      const unused = this.unused.get(field);
      if (!unused) return [];
      const counted = new Uint8Array(unused.count);
      let records = 0;
      for (let i = 0; i < unused.rows.length; i += 2) {
        const record = unused.rows[i + 1]!;
        if (counted[record] === 1 || refused(unused.rows[i]!)) continue;
        counted[record] = 1;
        records++;
      }
      return records > 0 ? [{ entity: this.entity, field, value, records }] : [];
    });
  }

  /** The note for one unused default, e.g. `--default stage=Prospecting was not used on 3 stored deals …`. */
  static note(d: DefaultNotUsed): string {
    const nouns = NOUNS[d.entity];
    const stored = [`stored ${nouns[0]}`, `stored ${nouns[1]}`] as const;
    const whose = d.records === 1 ? 'its' : 'their';
    return `--default ${d.field}=${d.value} was not used on ${counted(d.records, stored)} (${whose} stored ${d.field} stands): a default fills new records only`;
  }

  /**
   * What a row error on a --default field adds when the row's record is stored (the default left it alone):
   * `--default closed_at=2026-11-30 was not used: this deal is stored, and a default fills new records only`.
   */
  refusalNote(field: string, value: string): string {
    return `--default ${field}=${value} was not used: this ${NOUNS[this.entity][0]} is stored, and a default fills new records only`;
  }

  /**
   * The stored currency of each record (deals, contracts) whose external id is in `ids`, by external id:
   * one query. Empty for an entity without a currency.
   */
  async currencies(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (ids.length === 0 || (this.entity !== 'opportunities' && this.entity !== 'contracts')) return out;
    const rows = await queryRows<{ key: string; currency: string }>(
      this.db,
      sql`select external_id as key, currency from ${sql.raw(this.entity)} where external_id = ${anyText(ids)}`,
    );
    for (const r of rows) out.set(r.key, r.currency.trim());
    return out;
  }

  /** The identifiers (of `identity`'s kinds) that name a stored record: one query per kind present. */
  private async lookup(identifiers: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const of = (prefix: string) =>
      identifiers.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    const column = async (prefix: string, table: string, name: string) => {
      const values = of(prefix);
      if (values.length === 0) return;
      const rows = await queryRows<{ key: string }>(
        this.db,
        sql`select ${sql.raw(name)} as key from ${sql.raw(table)} where ${sql.raw(name)} = ${anyText(values)}`,
      );
      for (const r of rows) found.add(`${prefix}${r.key}`);
    };
    if (this.entity === 'reps') {
      await column('email:', 'reps', 'email');
      await column('slack:', 'reps', 'slack_user_id');
    } else await column('id:', this.entity, 'external_id');
    // A manager's name is looked up as a name: whether the row creates that rep.
    const names = [...new Set([...of('name:'), ...of('lone:'), ...of('manager:')])];
    if (names.length > 0) {
      const table = this.entity === 'reps' ? 'reps' : this.entity === 'teams' ? 'teams' : 'accounts';
      for (const [key, records] of await findByName(this.db, table, names)) {
        found.add(`name:${key}`);
        if (records.some((r) => r.email === null)) found.add(`lone:${key}`);
      }
    }
    return found;
  }
}
