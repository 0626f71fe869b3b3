import { fold } from '../core/fold.js';
import type { Db } from '../db/client.js';
import { teams } from '../db/schema/index.js';
import type { BatchNames } from './batch-names.js';
import { AmbiguousName, ambiguousName, type CreatedByReference, findByNameLocked } from './names.js';
import type { ItemOf } from './schemas.js';
import type { ItemError, WriteResult } from './types.js';
import { mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import { put } from './write-helpers.js';

export type TeamItem = ItemOf<'teams'>;

/**
 * Writes one batch of teams, keyed by name (callers own the transaction). A name matches a stored team
 * under fold() (src/ingest/names.ts: "emea" updates "EMEA", whose name stays); a name that matches two
 * teams is refused; spellings of one new name in one batch make one team, named as first written.
 * A batch with a name nobody matched takes lockNameCreation first, so concurrent writers make no twins.
 */
export async function writeTeams(db: Db, items: TeamItem[]): Promise<WriteResult> {
  const errors: ItemError[] = [];
  const rows: PendingRow[] = [];
  const stored = await findByNameLocked(
    db,
    'teams',
    items.map((i) => i.name ?? ''),
  );
  const firstSpelling = new Map<string, string>();
  items.forEach((item, index) => {
    if (!item.name) {
      errors.push({ index, field: 'name', message: 'is required' });
      return;
    }
    const key = fold(item.name);
    const matches = stored.get(key) ?? [];
    if (matches.length > 1) {
      errors.push({
        index,
        field: 'name',
        message: ambiguousName(item.name, 'teams', matches, 'rename one of them first'),
      });
      return;
    }
    if (!firstSpelling.has(key)) firstSpelling.set(key, matches[0]?.name ?? item.name);
    const values: Record<string, unknown> = {};
    put(values, 'timezone', item.timezone);
    put(values, 'weekStartsOn', item.week_starts_on ?? (item.week_starts_on === null ? 1 : undefined));
    put(values, 'slackChannelId', item.slack_channel_id);
    put(
      values,
      'responseSlaSeconds',
      item.response_sla_seconds ?? (item.response_sla_seconds === null ? 300 : undefined),
    );
    rows.push({ index, key: firstSpelling.get(key)!, values });
  });
  const counts = await upsertRows(db, teams, 'name', mergeByExternalId(rows));
  return { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, errors };
}

/**
 * Returns the id of the team whose name equals `name` under fold() (src/ingest/names.ts), creating it
 * (with defaults, named as given, recorded in `created`) when there is none. Throws AmbiguousName (field
 * `team`, a rep's) when two or more teams match. `known`: the batch's team names (looked up once per batch;
 * the creation lock is taken through it).
 */
export async function ensureTeam(
  db: Db,
  name: string,
  known: BatchNames,
  created?: CreatedByReference,
): Promise<number> {
  const find = async () => {
    const matches = await known.get(db, name);
    if (matches.length > 1)
      throw new AmbiguousName('team', ambiguousName(name, 'teams', matches, 'rename one of them first'));
    return matches[0]?.id;
  };
  const found = await find();
  if (found !== undefined) return found;
  await known.lock(db);
  const again = await find();
  if (again !== undefined) return again;
  const [row] = await db.insert(teams).values({ name }).returning({ id: teams.id });
  known.add({ id: row!.id, name, email: null, externalId: null });
  created?.teams.push(name);
  return row!.id;
}
