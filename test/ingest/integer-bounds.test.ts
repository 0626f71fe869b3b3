import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { integerRange } from '../../src/db/column-range.js';
import {
  accounts,
  activities,
  contracts,
  leads,
  opportunities,
  reps,
  teams,
} from '../../src/db/schema/index.js';
import { buildIngestOpenApi } from '../../src/http/openapi.js';
import { ENTITIES, type Entity, itemSchemas } from '../../src/ingest/schemas.js';
import { MAX_MINOR_UNITS } from '../../src/money/index.js';

const TABLES = { teams, reps, leads, activities, accounts, opportunities, contracts } satisfies Record<
  Entity,
  unknown
>;

type Props = Record<string, { type?: string[]; minimum?: number; maximum?: number }>;
const doc = buildIngestOpenApi('UTC') as { components: { schemas: Record<string, { properties: Props }> } };
const itemProps = (entity: string): Props =>
  doc.components.schemas[`${entity[0]!.toUpperCase()}${entity.slice(1)}Item`]!.properties;

describe('whole-number fields', () => {
  it('accept exactly what their column holds, for every integer column an item can write', () => {
    let checked = 0;
    for (const entity of ENTITIES) {
      const columns = Object.values(getTableColumns(TABLES[entity]));
      for (const [field, prop] of Object.entries(itemProps(entity))) {
        const column = columns.find((c) => c.name === field);
        const integerColumn = column !== undefined && /^Pg(Small|Big)?(Int|Serial)/.test(column.columnType);
        expect(prop.type?.includes('integer') ?? false, `${entity}.${field}`).toBe(integerColumn);
        if (!integerColumn) continue;
        const held = integerRange(column);
        expect(prop.minimum, `${entity}.${field}`).toBeGreaterThanOrEqual(held.min);
        expect(prop.maximum, `${entity}.${field}`).toBeLessThanOrEqual(held.max);
        checked += 1;
      }
    }
    expect(checked).toBe(5);
    expect(itemProps('activities').duration_seconds).toMatchObject({ minimum: 0, maximum: 2_147_483_647 });
    expect(itemProps('teams').response_sla_seconds).toMatchObject({ minimum: 1, maximum: 2_147_483_647 });
    expect(itemProps('contracts').licenses).toMatchObject({ minimum: 0, maximum: 2_147_483_647 });
    expect(itemProps('opportunities').amount_minor).toMatchObject({
      minimum: -Number.MAX_SAFE_INTEGER,
      maximum: Number.MAX_SAFE_INTEGER,
    });
  });

  it('refuse a value past the column with the range, and keep the bounds of the field', () => {
    const s = itemSchemas('UTC');
    const issue = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
      r.error?.issues[0]?.message;
    expect(s.activities.shape.duration_seconds.parse('2147483647')).toBe(2_147_483_647);
    expect(issue(s.activities.shape.duration_seconds.safeParse('2147483648'))).toBe(
      '2147483648 is outside 0..2147483647',
    );
    expect(issue(s.activities.shape.duration_seconds.safeParse(-5))).toBe('-5 is outside 0..2147483647');
    expect(issue(s.teams.shape.week_starts_on.safeParse(7))).toBe('7 is outside 0..6');
    // Helper-236: "1,200" seconds got only "is not a number".
    expect(issue(s.activities.shape.duration_seconds.safeParse('1,200'))).toBe(
      '"1,200" is not a number; write whole seconds without a thousands separator: 1200',
    );
  });
});

describe('integerRange', () => {
  it('reads the range from the drizzle column type and refuses columns without one', () => {
    expect(integerRange(teams.weekStartsOn)).toEqual({ min: -32_768, max: 32_767 });
    expect(integerRange(activities.durationSeconds)).toEqual({
      min: -2_147_483_648,
      max: 2_147_483_647,
    });
    expect(integerRange(opportunities.amountMinor)).toEqual({
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
    });
    expect(() => integerRange(contracts.contractYears)).toThrow(/not an integer column/);
    // Amounts in major units are converted to minor units up to MAX_MINOR_UNITS: the money columns' range.
    for (const column of [
      opportunities.amountMinor,
      contracts.totalValueMinor,
      contracts.revenuePerLicenseMinor,
    ]) {
      expect(integerRange(column), column.name).toEqual({ min: -MAX_MINOR_UNITS, max: MAX_MINOR_UNITS });
    }
  });
});
