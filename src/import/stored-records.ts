import { fold } from '../core/fold.js';
import { type Db, queryRows, sql } from '../db/client.js';
import { findByName } from '../ingest/names.js';
import { anyText } from '../ingest/upsert-core.js';
import { counted } from '../numbers/count.js';

/** Entities whose stored records a --default leaves as stored (see StoredRecords). */
export type DefaultedEntity = 'leads' | 'activities' | 'opportunities' | 'contracts' | 'accounts' | 'teams';

const KEYED = new Set<string>(['leads', 'activities', 'opportunities', 'contracts', 'accounts', 'teams']);

/** Record nouns for the note: [one, many]. */
const NOUNS: Record<DefaultedEntity, [string, string]> = {
  leads: ['lead', 'leads'],
  activities: ['activity', 'activities'],
  opportunities: ['deal', 'deals'],
  contracts: ['contract', 'contracts'],
  accounts: ['account', 'accounts'],
  teams: ['team', 'teams'],
};

/** A --default that some stored records' rows did not take: the entity, field, value, how many records. */
export interface DefaultNotUsed {
  entity: DefaultedEntity;
  field: string;
  value: string;
  records: number;
}

/**
 * Which rows of an import are of records stored before it, so that a `--default field=value` fills empty
 * cells and missing columns of NEW records only ("never store a guess": on a stored record the stored value
 * stands). A record is known by its external id (accounts without one: by name under fold(); teams: by name
 * under fold()); the first row of a record decides, and the later rows of that record in the file follow it:
 * a record a row of this file created is new for every row of the file. Reps and subscription snapshots are
 * not covered (`forEntity` gives undefined): their defaults fill every row, as before.
 */
export class StoredRecords {
  /** Identity → stored before this import, for every record seen so far. */
  private readonly known = new Map<string, boolean>();
  /** Default field → identities of stored records whose rows it did not fill. */
  private readonly unused = new Map<string, Set<string>>();

  private constructor(
    private readonly db: Db,
    private readonly entity: DefaultedEntity,
  ) {}

  /** The lookup for an import of `entity` with these defaults; undefined when there is nothing to do. */
  static forEntity(db: Db, entity: string, defaults: Record<string, string>): StoredRecords | undefined {
    if (Object.keys(defaults).length === 0 || !KEYED.has(entity)) return undefined;
    return new StoredRecords(db, entity as DefaultedEntity);
  }

  /**
   * The identity of the record a row names, from its cells (`cell(field)`: the cell, undefined when no
   * column feeds it); '' when it names none (such a row is refused by the writer anyway).
   */
  identity(cell: (field: string) => string | undefined): string {
    if (this.entity === 'teams') {
      const name = fold(cell('name') ?? '');
      return name === '' ? '' : `name:${name}`;
    }
    const id = cell('external_id')?.trim() ?? '';
    if (id !== '' || this.entity !== 'accounts') return id === '' ? '' : `id:${id}`;
    const name = fold(cell('name') ?? '');
    return name === '' ? '' : `name:${name}`;
  }

  /**
   * Whether each identity (in order) is of a record stored before this import. Identities not seen
   * before are looked up (at most two queries); '' is never stored.
   */
  async storedBefore(identities: string[]): Promise<boolean[]> {
    const fresh = [...new Set(identities.filter((k) => k !== '' && !this.known.has(k)))];
    if (fresh.length > 0) {
      const found = await this.lookup(fresh);
      for (const k of fresh) this.known.set(k, found.has(k));
    }
    return identities.map((k) => k !== '' && this.known.get(k) === true);
  }

  /** Notes that the default of `field` did not fill a row of the stored record `identity`. */
  leftOut(field: string, identity: string): void {
    const set = this.unused.get(field);
    if (set) set.add(identity);
    else this.unused.set(field, new Set([identity]));
  }

  /** The defaults some stored records' rows did not take, in the order of `defaults`. */
  notUsed(defaults: Record<string, string>): DefaultNotUsed[] {
    return Object.entries(defaults).flatMap(([field, value]) => {
      const records = this.unused.get(field)?.size ?? 0;
      return records > 0 ? [{ entity: this.entity, field, value, records }] : [];
    });
  }

  /** The note for one unused default, e.g. `--default stage=Prospecting was not used on 3 stored deals …`. */
  static note(d: DefaultNotUsed): string {
    const nouns = NOUNS[d.entity];
    const stored: [string, string] = [`stored ${nouns[0]}`, `stored ${nouns[1]}`];
    const whose = d.records === 1 ? 'its' : 'their';
    return `--default ${d.field}=${d.value} was not used on ${counted(d.records, stored)} (${whose} stored ${d.field} stands): a default fills new records only`;
  }

  private async lookup(identities: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const ids = identities.filter((k) => k.startsWith('id:')).map((k) => k.slice(3));
    const names = identities.filter((k) => k.startsWith('name:')).map((k) => k.slice(5));
    if (ids.length > 0) {
      const rows = await queryRows<{ key: string }>(
        this.db,
        sql`select external_id as key from ${sql.raw(this.entity)} where external_id = ${anyText(ids)}`,
      );
      for (const r of rows) found.add(`id:${r.key}`);
    }
    if (names.length > 0) {
      const table = this.entity === 'teams' ? 'teams' : 'accounts';
      for (const key of (await findByName(this.db, table, names)).keys()) found.add(`name:${key}`);
    }
    return found;
  }
}
