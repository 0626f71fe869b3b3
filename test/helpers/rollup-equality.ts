import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { teamMemberships } from '../../src/db/schema/index.js';
import { getMetric } from '../../src/metrics/index.js';
import type {
  Dimension,
  MetricDeps,
  MetricId,
  MetricQuery,
  MetricResult,
  Scope,
} from '../../src/metrics/types.js';
import { addMembership, addRep, addTeam } from '../metrics/fixtures.js';

/**
 * The shared harness of the rollup tests: a messy org, every combination of metric × scope × period × split,
 * and the check that the rollup answer equals the raw answer.
 */

/** The metrics counted in `metric_rollups` (activities, deals and leads), in the tests' order. */
export const COUNTER_METRICS: MetricId[] = [
  'calls',
  'emails',
  'meetings',
  'winrate',
  'dealsize',
  'revenue',
  'lostdeals',
  'opps',
  'conversion',
];

/** A small deterministic PRNG (values in [0, 1)) so a messy data set is the same on every run and backend. */
export function prng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** Team and rep ids of the org `seedOrg` writes; reps are Ana (Berlin), Ben (New York), Chi (Pune), Dee. */
export interface SeededOrg {
  berlin: number;
  ny: number;
  india: number;
  reps: number[];
}

/**
 * Three teams (Berlin, New York, and Pune at +05:30, whose instants are off the hour) and four reps; Dee
 * moves from Berlin to New York at `deeMovesAt` (default 14:37:12 on 4 Nov 2026: mid-hour, mid-day).
 */
export async function seedOrg(
  db: Db,
  opts: { deeMovesAt?: string; berlinSla?: number } = {},
): Promise<SeededOrg> {
  const deeMovesAt = opts.deeMovesAt ?? '2026-11-04T14:37:12Z';
  const berlin = await addTeam(db, 'Berlin', {
    timezone: 'Europe/Berlin',
    ...(opts.berlinSla === undefined ? {} : { sla: opts.berlinSla }),
  });
  const ny = await addTeam(db, 'New York', { timezone: 'America/New_York' });
  const india = await addTeam(db, 'Pune', { timezone: 'Asia/Kolkata' });
  const reps = [await addRep(db, 'Ana', berlin), await addRep(db, 'Ben', ny), await addRep(db, 'Chi', india)];
  const dee = await addRep(db, 'Dee', berlin, '2020-01-01T00:00:00Z', deeMovesAt);
  await addMembership(db, dee, ny, deeMovesAt);
  reps.push(dee);
  return { berlin, ny, india, reps };
}

/** A membership fixed after the fact, for the triggers to follow: Ben was in Berlin until 1 Oct 2026. */
export async function moveBenAfterTheFact(db: Db, { berlin, ny, reps }: SeededOrg): Promise<void> {
  await db.delete(teamMemberships).where(eq(teamMemberships.repId, reps[1]!));
  await addMembership(db, reps[1]!, berlin, '2020-01-01T00:00:00Z', '2026-10-01T00:00:00Z');
  await addMembership(db, reps[1]!, ny, '2026-10-01T00:00:00Z');
}

/** The org, each team, and Dee (the rep who moved). */
export function orgScopes({ berlin, ny, india, reps }: SeededOrg): Scope[] {
  return [
    { kind: 'org' },
    { kind: 'team', teamId: berlin },
    { kind: 'team', teamId: ny },
    { kind: 'team', teamId: india },
    { kind: 'rep', repId: reps[3]! },
  ];
}

/** Which questions to ask: every metric × scope × period × split (`undefined`: no split). */
export interface Combinations {
  metrics: MetricId[];
  scopes: Scope[];
  periods: string[];
  /** Default: no split only. */
  bys?: (Dimension | undefined)[];
  /** What each answer includes; default: all of it. */
  include?: MetricQuery['include'];
}

/** Every combination as a query, metric outermost, then scope, period and split. */
export function* combinations(c: Combinations): Generator<MetricQuery> {
  for (const metric of c.metrics)
    for (const scope of c.scopes)
      for (const period of c.periods)
        for (const by of c.bys ?? [undefined])
          yield {
            metric,
            scope,
            period,
            ...(by ? { by } : {}),
            ...(c.include ? { include: c.include } : {}),
          };
}

/** A failure label for one query: metric, scope, period and split. */
export function describeQuery(q: MetricQuery): string {
  return `${q.metric} ${JSON.stringify(q.scope)} ${q.period} ${q.by}`;
}

/** The answer compared when none is given: all of it but freshness (which the raw path does not read). */
const withoutFreshness = (r: MetricResult): unknown => ({ ...r, freshness: null });

/**
 * Asks every combination twice, from raw rows and from the rollups (`deps` with `useRollups` false and true,
 * at the same time), and expects `same(rollup answer)` to equal `same(raw answer)` (default: the whole
 * answer but freshness). `each` sees every raw answer (to count what the comparison covered).
 * Returns how many combinations were compared.
 */
export async function expectRollupsEqualRaw(
  deps: MetricDeps,
  c: Combinations,
  opts: { same?: (r: MetricResult) => unknown; each?: (raw: MetricResult) => void } = {},
): Promise<number> {
  const same = opts.same ?? withoutFreshness;
  const raw = { ...deps, useRollups: false };
  const rolled = { ...raw, useRollups: true };
  let compared = 0;
  for (const q of combinations(c)) {
    const [a, b] = await Promise.all([getMetric(raw, q), getMetric(rolled, q)]);
    expect(same(b), describeQuery(q)).toEqual(same(a));
    opts.each?.(a);
    compared++;
  }
  return compared;
}
