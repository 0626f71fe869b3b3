import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { teams } from '../db/schema/index.js';
import type { ItemOf } from './schemas.js';
import type { ItemError, WriteResult } from './types.js';
import { mergeByExternalId, type PendingRow, upsertRows } from './upsert-core.js';
import { put } from './write-helpers.js';

export type TeamItem = ItemOf<'teams'>;

/** Writes one batch of teams, keyed by name (callers own the transaction). */
export async function writeTeams(db: Db, items: TeamItem[]): Promise<WriteResult> {
  const errors: ItemError[] = [];
  const rows: PendingRow[] = [];
  items.forEach((item, index) => {
    if (!item.name) {
      errors.push({ index, field: 'name', message: 'is required' });
      return;
    }
    const values: Record<string, unknown> = {};
    put(values, 'timezone', item.timezone);
    put(values, 'weekStartsOn', item.week_starts_on ?? (item.week_starts_on === null ? 1 : undefined));
    put(values, 'slackChannelId', item.slack_channel_id);
    put(
      values,
      'responseSlaSeconds',
      item.response_sla_seconds ?? (item.response_sla_seconds === null ? 300 : undefined),
    );
    rows.push({ index, key: item.name, values });
  });
  const counts = await upsertRows(db, teams, 'name', mergeByExternalId(rows));
  return { inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, errors };
}

/** Returns the id of the team called `name`, creating it (with defaults) when it does not exist. */
export async function ensureTeam(db: Db, name: string): Promise<number> {
  await db.insert(teams).values({ name }).onConflictDoNothing({ target: teams.name });
  const [row] = await db.select({ id: teams.id }).from(teams).where(eq(teams.name, name));
  return row!.id;
}
