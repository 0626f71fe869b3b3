import { and, eq } from 'drizzle-orm';
import { type Db, queryRows, sql } from '../db/client.js';
import { bumpDataVersion } from '../db/data-version.js';
import { isLockTimeout } from '../db/failures.js';
import { targets, targetVersions } from '../db/schema/index.js';
import { isCurrencyCode } from '../money/currencies.js';
import { formatLocalDay } from '../time/format.js';
import { findMetric } from './definitions.js';
import { MetricsError } from './errors.js';
import { busyError, interactiveDeadline, throwIfPastDeadline } from './interactive.js';
import { workingDaysIn, workingShare } from './periods.js';
import { resolveScope } from './scope.js';
import type {
  Attainment,
  MetricDefinition,
  MetricId,
  MetricValue,
  Period,
  Scope,
  Status,
  TargetInfo,
  TargetPeriodKind,
} from './types.js';

/** Status thresholds on pace (running periods of accumulating metrics) or attainment: ≥ 100 % on track, ≥ 85 % at risk. */
export const STATUS_THRESHOLDS = { onTrack: 1.0, atRisk: 0.85 } as const;

/**
 * The duration targets accepted, in the metric's unit: a lead response time from 1 second (the unit's
 * grain: targets are kept in whole seconds, and team SLAs start there too) and a cycle (sales cycle,
 * lead-to-close) from 1 day, up to 10 years for both. A cycle target under a day (`cycle 0.001`, 86 s) is
 * a typo, not a plan: the lead-to-close cycle counts whole calendar days, and a sale that closes within
 * hours is not steered by a cycle target.
 */
export const DURATION_TARGET_RANGE = {
  seconds: { min: 1, max: 10 * 365 * 86_400 },
  days: { min: 1, max: 10 * 365 },
} as const;

/**
 * The pipeline coverage targets accepted, as a multiple of the revenue still needed: from 0.1× to 100×.
 * Coverage is read against the 3× rule of thumb; a target of 0.0001× (met by any pipeline at all) or of
 * 1,000× (met by none) is a typo, not a plan.
 */
export const COVERAGE_TARGET_RANGE = { min: 0.1, max: 100 } as const;

/**
 * The period kind of a target set without one: per month, except ARR's (per quarter, see
 * targetPeriodProblem).
 */
export function defaultTargetPeriod(def: MetricDefinition): TargetPeriodKind {
  return def.id === 'arr' ? 'quarter' : 'month';
}

/**
 * Why `def` takes no target per `periodKind`, as a sentence with an example; null when it does. ARR is an
 * annual run rate, a level read at each period's end: an ARR target "per month" (or week, or day) reads as
 * that period's recurring revenue, a twelfth of the ARR meant for a month, so an ARR target is per quarter
 * (the level to reach by each quarter's end; monthly answers show it too, as a level it is not spread).
 */
export function targetPeriodProblem(def: MetricDefinition, periodKind: TargetPeriodKind): string | null {
  if (def.id !== 'arr' || periodKind === 'quarter') return null;
  return `An annual recurring revenue target is a yearly run rate, set per quarter (the level to reach by each quarter's end; monthly answers show it too), not per ${periodKind}: e.g. \`/metrics target set arr $1.2m team quarter\`. For $100k a month of recurring revenue, that is $1.2m of ARR.`;
}

/**
 * The largest target values accepted: durations up to 10 years (in seconds or days), anything else up to
 * 10^12 (a trillion counts, or 10 billion dollars in cents); the column holds 14 integer digits.
 */
const MAX_TARGET = {
  seconds: DURATION_TARGET_RANGE.seconds.max,
  days: DURATION_TARGET_RANGE.days.max,
  other: 1e12,
} as const;

export interface StoredTarget extends TargetInfo {
  id: number;
  metric: MetricId;
}

const scopeKey = (scope: Scope) => ({
  kind: scope.kind,
  id: scope.kind === 'team' ? scope.teamId : scope.kind === 'rep' ? scope.repId : 0,
});

interface TargetRow {
  id: number;
  metric: string;
  scope_kind: 'org' | 'team' | 'rep';
  scope_id: number;
  period_kind: TargetPeriodKind;
  value: number;
  currency: string | null;
  set_at_epoch: number;
  set_by_name: string | null;
}

function toStored(r: TargetRow): StoredTarget {
  const scope: Scope =
    r.scope_kind === 'team'
      ? { kind: 'team', teamId: r.scope_id }
      : r.scope_kind === 'rep'
        ? { kind: 'rep', repId: r.scope_id }
        : { kind: 'org' };
  return {
    id: r.id,
    metric: r.metric as MetricId,
    value: Number(r.value),
    currency: r.currency,
    periodKind: r.period_kind,
    scope,
    setByName: r.set_by_name,
    setAt: new Date(r.set_at_epoch * 1000),
  };
}

/** A target's fields from `t` (targets or target_versions) and its setter `r`, as TargetRow reads them. */
const TARGET_FIELDS = sql`t.id, t.metric, t.scope_kind, t.scope_id, t.period_kind, t.value::float8 as value, t.currency,
    extract(epoch from t.set_at)::float8 as set_at_epoch, r.name as set_by_name`;

const selectTargets = sql`select ${TARGET_FIELDS} from targets t left join reps r on r.id = t.set_by_rep_id`;

/** Targets, all or for one scope, ordered by metric and period kind. */
export async function listTargets(db: Db, scope?: Scope): Promise<StoredTarget[]> {
  const filter = scope
    ? sql`where t.scope_kind = ${scopeKey(scope).kind} and t.scope_id = ${scopeKey(scope).id}`
    : sql``;
  const rows = await queryRows<TargetRow>(
    db,
    sql`${selectTargets} ${filter} order by t.metric, t.scope_kind, t.scope_id, t.period_kind`,
  );
  return rows.map(toStored);
}

export interface SetTargetInput {
  metric: MetricId | string;
  scope: Scope;
  periodKind: TargetPeriodKind;
  /** In the metric's unit: count, ratio 0..1, seconds, days, or minor units of `currency`. */
  value: number;
  /** ISO 4217 code ("USD", "JPY"): required for money metrics, absent for every other unit. */
  currency?: string | null;
  setByRepId: number | null;
  now: Date;
}

/** A target just set: as stored by this set, and the value it replaced (null: there was none). */
export interface SetTargetResult extends StoredTarget {
  replaced: StoredTarget | null;
}

/**
 * Creates or replaces the target for (metric, scope, period kind); concurrent sets of one target, in any
 * process, run one after another, each replacing the value the one before stored. A replaced value is kept in
 * `target_versions` until the new value's instant (`input.now`, or the replaced value's own when a set that
 * started later committed first), so periods that ended before the change keep the target they had
 * (see findTargetFor). Throws `MetricsError` on bad input or scope, and (`bad_target`) for a money target
 * without an ISO 4217 currency or a currency on any other unit, a duration or coverage target outside its
 * range (DURATION_TARGET_RANGE, COVERAGE_TARGET_RANGE) or an ARR target not per quarter (targetPeriodProblem).
 * Inside an interactive ask (withInteractiveDeadline) it waits for the target's lock only until the ask's
 * deadline, and throws the busy error (isBusyError) with nothing written when the deadline passes first.
 */
export async function setTarget(db: Db, input: SetTargetInput): Promise<SetTargetResult> {
  const def = findMetric(input.metric);
  if (!def) throw new MetricsError('unknown_metric', `No metric called "${input.metric}".`);
  if (!Number.isFinite(input.value) || input.value < 0)
    throw new MetricsError('bad_target', 'A target must be a number of zero or more.');
  if (input.value > MAX_TARGET[def.unit === 'seconds' ? 'seconds' : def.unit === 'days' ? 'days' : 'other']) {
    // Name the bound (helper-174: "too large" alone left the user guessing).
    const most =
      def.unit === 'seconds' || def.unit === 'days'
        ? '10 years'
        : `${MAX_TARGET.other.toLocaleString('en-US')}${def.unit === 'money' && input.currency ? ` ${input.currency}` : ''}`;
    throw new MetricsError(
      'bad_target',
      `That ${def.label.toLowerCase()} target is too large to be a target (at most ${most}).`,
    );
  }
  if (def.unit === 'seconds' && input.value < DURATION_TARGET_RANGE.seconds.min)
    throw new MetricsError('bad_target', `A ${def.label.toLowerCase()} target is at least 1 second.`);
  if (def.unit === 'days' && input.value < DURATION_TARGET_RANGE.days.min)
    throw new MetricsError('bad_target', `A ${def.label.toLowerCase()} target is at least 1 day.`);
  if (def.unit === 'ratio' && input.value > 1)
    throw new MetricsError('bad_target', 'A rate target is a share between 0 and 1 (e.g. 0.3 for 30 %).');
  if (
    def.unit === 'multiple' &&
    (input.value < COVERAGE_TARGET_RANGE.min || input.value > COVERAGE_TARGET_RANGE.max)
  )
    throw new MetricsError(
      'bad_target',
      `A ${def.label.toLowerCase()} target is between ${COVERAGE_TARGET_RANGE.min}× and ${COVERAGE_TARGET_RANGE.max}× (e.g. 3 for the 3× rule of thumb).`,
    );
  if (!['day', 'week', 'month', 'quarter'].includes(input.periodKind))
    throw new MetricsError('bad_target', 'A target is per day, week, month or quarter.');
  const periodProblem = targetPeriodProblem(def, input.periodKind);
  if (periodProblem) throw new MetricsError('bad_target', periodProblem);
  const currency = input.currency ? input.currency.trim().toUpperCase() : null;
  if (def.unit === 'money' && (currency === null || !isCurrencyCode(currency)))
    throw new MetricsError('bad_target', 'A money target needs its currency (an ISO 4217 code such as USD).');
  if (def.unit !== 'money' && currency !== null)
    throw new MetricsError('bad_target', `A ${def.label.toLowerCase()} target has no currency.`);
  await resolveScope({ db, defaultTimezone: 'UTC' }, input.scope);
  const key = scopeKey(input.scope);
  const row = {
    metric: def.id,
    scopeKind: key.kind,
    scopeId: key.id,
    periodKind: input.periodKind,
    value: input.value,
    currency,
    setByRepId: input.setByRepId,
  };
  const keyWhere = sql`t.metric = ${row.metric} and t.scope_kind = ${row.scopeKind} and t.scope_id = ${row.scopeId}
    and t.period_kind = ${row.periodKind}`;
  // An interactive set waits for the lock only until its deadline (helper-179: a set queued behind many sets
  // of the same target confirmed long after the asker was told to expect an answer within 3 s).
  const deadline = interactiveDeadline();
  const write = db.transaction(async (tx): Promise<SetTargetResult> => {
    if (deadline !== undefined)
      await tx.execute(
        sql`select set_config('lock_timeout', ${`${Math.max(1, Math.ceil(deadline - Date.now()))}ms`}, true)`,
      );
    // One writer per target at a time, in any process: two sets at once each read the value they replace
    // and keep it in the history (helper-179: 20 sets of one target within 0.5 s confirmed values they did
    // not store and named the wrong value replaced; a first set racing another lost its value unrecorded).
    await tx.execute(
      sql`select pg_advisory_xact_lock(${TARGET_LOCK_CLASS}::int, hashtext(${`${row.metric}:${row.scopeKind}:${row.scopeId}:${row.periodKind}`}))`,
    );
    // Embedded PGlite queues whole transactions instead: a set that got its turn too late writes nothing.
    throwIfPastDeadline();
    const [before] = await queryRows<TargetRow>(tx as unknown as Db, sql`${selectTargets} where ${keyWhere}`);
    // The instant the new value applies from: `input.now`, or the current value's own when a set that
    // started later committed first (the history stays in order; the current value then applied for no time).
    const at =
      before && before.set_at_epoch * 1000 > input.now.getTime()
        ? new Date(before.set_at_epoch * 1000)
        : input.now;
    // The value being replaced applied until `at`: keep it for the periods that ended before.
    await tx.execute(
      sql`insert into target_versions (metric, scope_kind, scope_id, period_kind, value, currency, set_by_rep_id, set_at, replaced_at)
        select metric, scope_kind, scope_id, period_kind, value, currency, set_by_rep_id, set_at, ${at.toISOString()}::timestamptz
        from targets t where ${keyWhere} and t.set_at < ${at.toISOString()}::timestamptz
          and (t.value <> ${row.value} or t.currency is distinct from ${row.currency})`,
    );
    await tx
      .insert(targets)
      .values({ ...row, setAt: at })
      .onConflictDoUpdate({
        target: [targets.metric, targets.scopeKind, targets.scopeId, targets.periodKind],
        set: { value: row.value, currency: row.currency, setByRepId: row.setByRepId, setAt: at },
        // Set again to what it is: nothing changes, so who set it and since when stand (fresh tester
        // helper-503: "It was already that", and `target list` then named the caller as its setter).
        setWhere: sql`${targets.value} <> ${row.value} or ${targets.currency} is distinct from ${row.currency}`,
      });
    // What this set stored, read under the lock: another set may replace it as soon as this one commits.
    const [after] = await queryRows<TargetRow>(tx as unknown as Db, sql`${selectTargets} where ${keyWhere}`);
    return { ...toStored(after!), replaced: before ? toStored(before) : null };
  });
  const saved = await write.catch((err: unknown) => {
    throw deadline !== undefined && isLockTimeout(err) ? busyError() : err;
  });
  // The trigger moved the version before the commit: move it again, so an answer computed in between
  // (old target, new version) is never served afterwards.
  await bumpDataVersion(db);
  return saved;
}

/** Advisory lock class of `setTarget` (the first key of pg_advisory_xact_lock(int, int)): "TRGT". */
const TARGET_LOCK_CLASS = 0x54524754;

/** Removes the target for (metric, scope, period kind), earlier values included; true when one existed. */
export async function removeTarget(
  db: Db,
  input: { metric: MetricId | string; scope: Scope; periodKind: TargetPeriodKind },
): Promise<boolean> {
  const def = findMetric(input.metric);
  if (!def) return false;
  const key = scopeKey(input.scope);
  await db
    .delete(targetVersions)
    .where(
      and(
        eq(targetVersions.metric, def.id),
        eq(targetVersions.scopeKind, key.kind),
        eq(targetVersions.scopeId, key.id),
        eq(targetVersions.periodKind, input.periodKind),
      ),
    );
  const deleted = await db
    .delete(targets)
    .where(
      and(
        eq(targets.metric, def.id),
        eq(targets.scopeKind, key.kind),
        eq(targets.scopeId, key.id),
        eq(targets.periodKind, input.periodKind),
      ),
    )
    .returning({ id: targets.id });
  // As in setTarget: an answer computed between the trigger and the commit is never served afterwards.
  await bumpDataVersion(db);
  return deleted.length > 0;
}

export async function findTargets(db: Db, metric: MetricId, scope: Scope): Promise<StoredTarget[]> {
  const key = scopeKey(scope);
  const rows = await queryRows<TargetRow>(
    db,
    sql`${selectTargets} where t.metric = ${metric} and t.scope_kind = ${key.kind} and t.scope_id = ${key.id}`,
  );
  return rows.map(toStored);
}

const KIND_PREFERENCE: TargetPeriodKind[] = ['month', 'quarter', 'week', 'day'];
const MONTHS: Partial<Record<string, number>> = { month: 1, quarter: 3, year: 12 };
/** Average weekdays per target period kind: a target is worked on weekdays (Mon–Fri, local). */
const WORKING_DAYS: Record<TargetPeriodKind, number> = {
  day: 1,
  week: 5,
  month: (365.25 * 5) / 7 / 12,
  quarter: (365.25 * 5) / 7 / 4,
};

/**
 * The target that applies to `period`: one of the same kind if set, else month, quarter, week, day. Of each
 * kind, the value in effect at the period's last instant (set before `period.end`, replaced at or after it:
 * a target raised today leaves last quarter's as it was); a period that ended before the first value was
 * set takes that first value.
 */
export async function findTargetFor(
  db: Db,
  metric: MetricId,
  scope: Scope,
  period: Period,
): Promise<TargetInfo | null> {
  const key = scopeKey(scope);
  // The current values and the earlier ones in one statement (every answer with a target reads them).
  const rows = await queryRows<TargetRow & { replaced_at_epoch: number | null }>(
    db,
    sql`select ${TARGET_FIELDS}, null::float8 as replaced_at_epoch
        from targets t left join reps r on r.id = t.set_by_rep_id
        where t.metric = ${metric} and t.scope_kind = ${key.kind} and t.scope_id = ${key.id}
      union all
      select ${TARGET_FIELDS}, extract(epoch from t.replaced_at)::float8 as replaced_at_epoch
        from target_versions t left join reps r on r.id = t.set_by_rep_id
        where t.metric = ${metric} and t.scope_kind = ${key.kind} and t.scope_id = ${key.id}`,
  );
  const earlier = rows.filter(
    (r): r is TargetRow & { replaced_at_epoch: number } => r.replaced_at_epoch !== null,
  );
  const all = rows
    .filter((r) => r.replaced_at_epoch === null)
    .map((r) => inEffectAt(toStored(r), earlier, period.end));
  const same = all.find((t) => t.periodKind === period.kind);
  if (same) return same;
  for (const k of KIND_PREFERENCE) {
    const t = all.find((x) => x.periodKind === k);
    if (t) return t;
  }
  return null;
}

/** Of `current`'s kind, the value in effect just before `end` (see findTargetFor). */
function inEffectAt(
  current: StoredTarget,
  earlier: (TargetRow & { replaced_at_epoch: number })[],
  end: Date,
): StoredTarget {
  const endS = end.getTime() / 1000;
  if (current.setAt.getTime() / 1000 < endS) return current;
  const versions = earlier
    .filter((v) => v.period_kind === current.periodKind)
    .sort((a, b) => a.set_at_epoch - b.set_at_epoch);
  const then = versions.find((v) => v.set_at_epoch < endS && v.replaced_at_epoch >= endS) ?? versions[0];
  return then ? toStored(then) : current;
}

/**
 * A target of `kind` scaled to `period` (accumulating metrics): exact for month/quarter/year, else by
 * weekdays, since targets are worked Monday to Friday: a daily target × the period's weekdays (× 5 for a
 * week, 0 on a Saturday), a weekly one × weekdays ÷ 5, a monthly one × weekdays ÷ 21.74 (the average).
 */
export function scaleTarget(value: number, kind: TargetPeriodKind, period: Period): number {
  if (kind === period.kind && kind !== 'day') return value;
  const pm = MONTHS[period.kind];
  const tm = MONTHS[kind];
  if (pm !== undefined && tm !== undefined) return (value * pm) / tm;
  return (value * workingDaysIn(period)) / WORKING_DAYS[kind];
}

/** False only for a money target whose currency differs from the answer's (both known). */
export function sameCurrency(def: MetricDefinition, target: TargetInfo, currency: string | null): boolean {
  return (
    def.unit !== 'money' || currency === null || target.currency === null || target.currency === currency
  );
}

/** The note an answer carries when its money target is in another currency than its figures. */
export function currencyNote(def: MetricDefinition, target: TargetInfo, currency: string | null): string {
  return `The ${def.label.toLowerCase()} target is in ${target.currency} and these figures are in ${currency}, so they are not compared (no exchange rate is assumed); set a ${currency} target to track it.`;
}

function statusOf(basis: number | null): Status | null {
  if (basis === null) return null;
  if (basis >= STATUS_THRESHOLDS.onTrack) return 'on_track';
  if (basis >= STATUS_THRESHOLDS.atRisk) return 'at_risk';
  return 'off_track';
}

/**
 * Attainment = actual ÷ target (target ÷ actual for lower-is-better). For accumulating metrics in a
 * running period, pace = actual ÷ (target × elapsed share of the period's weekdays, `workingShare`), and
 * status follows pace;
 * otherwise status follows attainment. A lower-is-better actual of 0 is on track. `currency` is the
 * answer's (ISO 4217, money metrics): a money target in another currency is shown but not compared
 * (attainment, pace and status null; no exchange rates are guessed). A period that has not started yet
 * (`now` before its start) has no attainment, pace or status, and says when it starts (`startsOn`).
 */
export function computeAttainment(
  def: MetricDefinition,
  actual: MetricValue,
  target: TargetInfo,
  period: Period,
  now: Date,
  currency: string | null = null,
): Attainment {
  const targetForPeriod = def.accumulates
    ? scaleTarget(target.value, target.periodKind, period)
    : target.value;
  if (now < period.start)
    return {
      target,
      targetForPeriod,
      attainment: null,
      pace: null,
      status: null,
      startsOn: formatLocalDay(period.start, period.timezone),
    };
  if (actual.kind === 'no_data' || !sameCurrency(def, target, currency))
    return { target, targetForPeriod, attainment: null, pace: null, status: null };
  const v = actual.value;
  let attainment: number | null;
  if (def.direction === 'higher') attainment = targetForPeriod > 0 ? v / targetForPeriod : null;
  else attainment = v > 0 ? targetForPeriod / v : null;
  let pace: number | null = null;
  let early = false;
  if (def.accumulates && period.running) {
    const share = workingShare(period, now);
    const expected = share === null ? 0 : targetForPeriod * share;
    pace = expected > 0 ? v / expected : null;
    // Before the period's first working hour nothing is expected yet: no status rather than "off track".
    early = pace === null && v < targetForPeriod;
  }
  let status = early ? null : statusOf(pace ?? attainment);
  if (def.direction === 'lower' && v === 0) status = 'on_track';
  if (def.direction === 'higher' && targetForPeriod === 0) status = 'on_track';
  return { target, targetForPeriod, attainment, pace, status };
}
