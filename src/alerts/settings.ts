import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { alertSettings, teams } from '../db/schema/index.js';
import type { BusinessHours } from './business-time.js';

/** Escalation to the manager happens after this many SLAs of business time unless the team sets its own. */
export const DEFAULT_ESCALATION_FACTOR = 3;

/** One team's alert settings, with every default applied. */
export interface AlertSettings {
  teamId: number;
  teamName: string;
  /** From `teams.response_sla_seconds`, shared with metrics and the digest. */
  slaSeconds: number;
  /** Business seconds after creation when the manager hears about a waiting lead. */
  escalationSeconds: number;
  escalationIsDefault: boolean;
  hours: BusinessHours;
  /** The team's own zone (or DEFAULT_TIMEZONE): "today" for slip alerts, times in messages. */
  timezone: string;
  slipEnabled: boolean;
  /** Channel for the third step; null = off. */
  channelId: string | null;
}

/** A change to a team's settings; absent fields stay as they are. */
export interface AlertSettingsPatch {
  slaSeconds?: number;
  /** null = back to the default (3 × SLA). */
  escalationSeconds?: number | null;
  /** `timezone` undefined keeps the zone already set (null = the team's zone). */
  hours?:
    | { kind: 'always' }
    | { kind: 'hours'; days: number[]; startMinute: number; endMinute: number; timezone?: string | null };
  slipEnabled?: boolean;
  channelId?: string | null;
}

interface SettingsRow {
  team_id: number;
  team_name: string;
  sla_seconds: number;
  team_timezone: string | null;
  escalation_seconds: number | null;
  business_days: number[] | null;
  day_start_minute: number | null;
  day_end_minute: number | null;
  hours_timezone: string | null;
  slip_enabled: boolean | null;
  channel_id: string | null;
}

const selectSettings = sql`
  select t.id as team_id, t.name as team_name, t.response_sla_seconds as sla_seconds,
         t.timezone as team_timezone, s.escalation_seconds, s.business_days::int[] as business_days,
         s.day_start_minute::int as day_start_minute, s.day_end_minute::int as day_end_minute,
         s.timezone as hours_timezone, s.slip_enabled, s.channel_id
  from teams t left join alert_settings s on s.team_id = t.id`;

function toSettings(row: SettingsRow, defaultTimezone: string): AlertSettings {
  const timezone = row.team_timezone ?? defaultTimezone;
  const hours: BusinessHours =
    row.business_days === null || row.day_start_minute === null || row.day_end_minute === null
      ? { kind: 'always' }
      : {
          kind: 'hours',
          days: row.business_days,
          startMinute: row.day_start_minute,
          endMinute: row.day_end_minute,
          timezone: row.hours_timezone ?? timezone,
        };
  return {
    teamId: row.team_id,
    teamName: row.team_name,
    slaSeconds: row.sla_seconds,
    escalationSeconds: row.escalation_seconds ?? row.sla_seconds * DEFAULT_ESCALATION_FACTOR,
    escalationIsDefault: row.escalation_seconds === null,
    hours,
    timezone,
    slipEnabled: row.slip_enabled ?? true,
    channelId: row.channel_id,
  };
}

/** Settings of every team (teams without a row get the defaults). */
export async function listAlertSettings(db: Db, defaultTimezone: string): Promise<AlertSettings[]> {
  const result = (await db.execute(sql`${selectSettings} order by t.id`)) as unknown as {
    rows: SettingsRow[];
  };
  return result.rows.map((r) => toSettings(r, defaultTimezone));
}

/** Settings of one team, or null when the team does not exist. */
export async function getAlertSettings(
  db: Db,
  teamId: number,
  defaultTimezone: string,
): Promise<AlertSettings | null> {
  const result = (await db.execute(sql`${selectSettings} where t.id = ${teamId}`)) as unknown as {
    rows: SettingsRow[];
  };
  const row = result.rows[0];
  return row ? toSettings(row, defaultTimezone) : null;
}

/** Finds a team by name, case-insensitively. */
export async function findTeamByName(db: Db, name: string): Promise<{ id: number; name: string } | null> {
  const rows = await db
    .select({ id: teams.id, name: teams.name })
    .from(teams)
    .where(sql`lower(${teams.name}) = lower(${name.trim()})`)
    .limit(1);
  return rows[0] ?? null;
}

/** Applies `patch` to a team's settings (the SLA goes to `teams`, the rest to `alert_settings`) in one transaction. */
export async function updateAlertSettings(
  db: Db,
  teamId: number,
  patch: AlertSettingsPatch,
  byRepId: number | null,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (patch.slaSeconds !== undefined) {
      await tx.update(teams).set({ responseSlaSeconds: patch.slaSeconds }).where(eq(teams.id, teamId));
    }
    const set: Partial<typeof alertSettings.$inferInsert> = {};
    if (patch.escalationSeconds !== undefined) set.escalationSeconds = patch.escalationSeconds;
    if (patch.slipEnabled !== undefined) set.slipEnabled = patch.slipEnabled;
    if (patch.channelId !== undefined) set.channelId = patch.channelId;
    if (patch.hours?.kind === 'always') {
      set.businessDays = null;
      set.dayStartMinute = null;
      set.dayEndMinute = null;
    } else if (patch.hours) {
      set.businessDays = [...new Set(patch.hours.days)].sort((a, b) => a - b);
      set.dayStartMinute = patch.hours.startMinute;
      set.dayEndMinute = patch.hours.endMinute;
      if (patch.hours.timezone !== undefined) set.timezone = patch.hours.timezone;
    }
    if (Object.keys(set).length === 0) return;
    await tx
      .insert(alertSettings)
      .values({ teamId, ...set, updatedByRepId: byRepId, updatedAt: now })
      .onConflictDoUpdate({
        target: alertSettings.teamId,
        set: { ...set, updatedByRepId: byRepId, updatedAt: now },
      });
  });
  // The SLA and business hours shape response-time answers: move the version again after the commit, so
  // an answer computed between the triggers and the commit is never served afterwards.
  await bumpDataVersion(db);
}
