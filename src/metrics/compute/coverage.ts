import { type Db, sql } from '../../db/client.js';
import { formatCount } from '../../numbers/count.js';
import { calcInput, divide, subtract, take } from '../calculation.js';
import type { Scope } from '../types.js';
import {
  type ComputeContext,
  type Computed,
  chooseCurrency,
  type MetricComputer,
  noData,
  otherCurrenciesLeftOut,
  pickCurrency,
  type Row,
  toNumber,
  value,
} from './aggregate.js';
import { closedByInterval, intervalBounds } from './closed-intervals.js';
import { runMetricQuery } from './query.js';
import { type RowSource, scopedRows, span, type Window, windowsRelation } from './rows.js';

/** The rule of thumb: open pipeline worth three times what is still needed. */
export const COVERAGE_REFERENCE = 3;
const YEAR_MS = 365 * 86_400_000;

/**
 * The opportunity rows coverage reads, each tagged `part`: 'closed' (won or lost, by close: won so far and
 * the historical win rate) and 'open' (open with an expected close date, placed at local midnight of that
 * date in `zone`).
 */
function sources(zone: string): RowSource[] {
  return [closedSource(), openSource(zone)];
}

const COLUMNS = (part: string) =>
  sql`${part}::text as part, x.outcome, x.currency, x.amount_minor, x.expected_close_date, x.created_at`;

function closedSource(): RowSource {
  return {
    from: sql`opportunities x`,
    ts: sql`x.closed_at`,
    rep: sql`x.owner_rep_id`,
    where: sql`x.outcome in ('won', 'lost')`,
    columns: COLUMNS('closed'),
  };
}

/**
 * Open deals with an expected close date, at local midnight of that date in `zone`. With `range`, the
 * dates are also bounded by the local dates of its ends (a day either side), so the scan reads the partial
 * indexes of open deals by expected close date (migration `arpu_state_and_open_deals_by_expected_close`);
 * the exact bounds stay on the instants.
 */
function openSource(zone: string, range?: { min: Date; max: Date }): RowSource {
  const localDate = (t: Date) => sql`(${t.toISOString()}::timestamptz at time zone ${zone})::date`;
  const dates = range
    ? sql` and x.expected_close_date >= ${localDate(range.min)} - 1 and x.expected_close_date <= ${localDate(range.max)} + 1`
    : sql``;
  return {
    from: sql`opportunities x`,
    ts: sql`(x.expected_close_date::timestamp at time zone ${zone})`,
    rep: sql`x.owner_rep_id`,
    where: sql`x.outcome = 'open' and x.expected_close_date is not null${dates}`,
    columns: COLUMNS('open'),
  };
}

/** Each window's 12 months of history start: `asOf` − 365 days (as `interval '365 days'` in a UTC session). */
const historyStart = (w: Window) => new Date(w.asOf.getTime() - YEAR_MS);

/**
 * The raw reference: one row per (window, currency) with any closed deal or open deal in the window's
 * reach ([min(start, asOf − 365 days), end)): won so far, open pipeline in the window, overdue count,
 * win-rate counts, records in the window (`cur_n`, choosing the currency), the won and open deals the answer
 * reads in its currency (`used_n`, counting those left out in others) and the newest record: the newest
 * close before asOf or the newest creation of an open deal in the window, whichever is later (the open
 * pipeline is part of the answer: a team that closed nothing for weeks but keeps adding deals is not behind).
 */
async function coverageRows(db: Db, scope: Scope, windows: Window[], ctx: ComputeContext): Promise<Row[]> {
  const zone = ctx.timezone ?? ctx.defaultTimezone ?? 'UTC';
  const { min, max } = span(windows);
  const earliest = new Date(Math.min(min.getTime(), ...windows.map((w) => historyStart(w).getTime())));
  const rows = sources(zone).map((s) => scopedRows(s, scope, earliest, max));
  const today = sql`(${ctx.now.toISOString()}::timestamptz at time zone ${zone})::date`;
  return runMetricQuery<Row>(
    db,
    sql`select w.i as g, x.currency,
        coalesce(sum(x.amount_minor) filter (where x.part = 'closed' and x.outcome = 'won'
          and x.ts >= w.s and x.ts < w.asof), 0)::float8 as won_amount,
        coalesce(sum(x.amount_minor) filter (where x.part = 'open' and x.ts >= w.s and x.ts < w.e), 0)::float8 as pipeline,
        count(*) filter (where x.part = 'open' and x.ts >= w.s and x.ts < w.e)::int as open_n,
        count(*) filter (where x.part = 'open' and x.ts >= w.s and x.ts < w.e and x.expected_close_date < ${today})::int as overdue,
        count(*) filter (where x.part = 'closed' and x.ts >= w.asof - interval '365 days' and x.ts < w.asof)::int as hist_closed,
        count(*) filter (where x.part = 'closed' and x.outcome = 'won' and x.ts >= w.asof - interval '365 days'
          and x.ts < w.asof)::int as hist_won,
        count(*) filter (where x.ts >= w.s and x.ts < w.e)::int as cur_n,
        count(*) filter (where (x.part = 'closed' and x.outcome = 'won' and x.ts >= w.s and x.ts < w.asof)
          or (x.part = 'open' and x.ts >= w.s and x.ts < w.e))::int as used_n,
        extract(epoch from greatest(max(x.ts) filter (where x.part = 'closed' and x.ts < w.asof),
          max(x.created_at) filter (where x.part = 'open' and x.ts >= w.s and x.ts < w.e)))::float8 as newest_epoch
      from ${windowsRelation(windows)} join (${sql.join(rows, sql` union all `)}) x
        on x.ts >= least(w.s, w.asof - interval '365 days') and x.ts < w.e
      group by w.i, x.currency
      order by w.i, x.currency`,
  );
}

/**
 * The rows of `coverageRows` from the counter rollups: closed deals counted between the windows' bounds
 * (`closedByInterval`: rollup hours, days and months, raw rows for the parts of an hour at the edges, such
 * as now and now − 365 days), open deals read raw through the partial index of open deals by expected
 * close date, the newest close before each asOf by one backward index scan per window. Same groups, same
 * figures.
 */
async function coverageRowsFromRollups(
  db: Db,
  scope: Scope,
  windows: Window[],
  ctx: ComputeContext,
): Promise<Row[]> {
  const zone = ctx.timezone ?? ctx.defaultTimezone ?? 'UTC';
  const reach = (w: Window) => new Date(Math.min(w.start.getTime(), historyStart(w).getTime()));
  const bounds = intervalBounds(windows.flatMap((w) => [w.start, w.end, w.asOf, historyStart(w)]));
  const k = (t: Date) => bounds.indexOf(t.getTime());
  const wrel = sql`(values ${sql.join(
    windows.map(
      (w, i) =>
        sql`(${i}::int, ${w.start.toISOString()}::timestamptz, ${w.end.toISOString()}::timestamptz,
          ${reach(w).toISOString()}::timestamptz, ${k(w.start)}::int, ${k(w.end)}::int, ${k(w.asOf)}::int,
          ${k(historyStart(w))}::int, ${k(reach(w))}::int)`,
    ),
    sql`, `,
  )}) as w(i, s, e, lo, ks, ke, ka, kh, klo)`;
  const min = new Date(Math.min(...windows.map((w) => reach(w).getTime())));
  const { max } = span(windows);
  const open = scopedRows(openSource(zone, { min, max }), scope, min, max);
  const today = sql`(${ctx.now.toISOString()}::timestamptz at time zone ${zone})::date`;
  const newest = windows.map(
    (w, i) => sql`(${i}::int, (select extract(epoch from x.ts)::float8
      from (${scopedRows(closedSource(), scope, reach(w), w.asOf)}) x order by x.ts desc limit 1))`,
  );
  return runMetricQuery<Row>(
    db,
    sql`with c as (${closedByInterval(scope, bounds)}),
      u as (
        select w.i as g, c.currency,
          coalesce(sum(c.won_minor) filter (where c.k >= w.ks and c.k < w.ka), 0) as won_amount,
          0::numeric as pipeline, 0::bigint as open_n, 0::bigint as overdue,
          coalesce(sum(c.won_n + c.lost_n) filter (where c.k >= w.kh and c.k < w.ka), 0) as hist_closed,
          coalesce(sum(c.won_n) filter (where c.k >= w.kh and c.k < w.ka), 0) as hist_won,
          coalesce(sum(c.won_n + c.lost_n) filter (where c.k >= w.ks and c.k < w.ke), 0) as cur_n,
          sum(c.won_n + c.lost_n) as present, null::timestamptz as open_newest,
          coalesce(sum(c.won_n) filter (where c.k >= w.ks and c.k < w.ka), 0) as used_n
        from ${wrel} join c on c.k >= w.klo and c.k < w.ke
        group by 1, 2
        union all
        select w.i, x.currency::text,
          0, coalesce(sum(x.amount_minor) filter (where x.ts >= w.s), 0),
          count(*) filter (where x.ts >= w.s),
          count(*) filter (where x.ts >= w.s and x.expected_close_date < ${today}),
          0, 0, count(*) filter (where x.ts >= w.s), count(*), max(x.created_at) filter (where x.ts >= w.s),
          count(*) filter (where x.ts >= w.s)
        from ${wrel} join (${open}) x on x.ts >= w.lo and x.ts < w.e
        group by 1, 2)
      select u.g, u.currency, sum(u.won_amount)::float8 as won_amount, sum(u.pipeline)::float8 as pipeline,
        sum(u.open_n)::int as open_n, sum(u.overdue)::int as overdue, sum(u.hist_closed)::int as hist_closed,
        sum(u.hist_won)::int as hist_won, sum(u.cur_n)::int as cur_n, sum(u.used_n)::int as used_n,
        greatest(n.e, extract(epoch from max(u.open_newest))::float8) as newest_epoch
      from u join (values ${sql.join(newest, sql`, `)}) n(i, e) on n.i = u.g
      group by u.g, u.currency, n.e having sum(u.present) > 0
      order by u.g, u.currency`,
  );
}

function finalize(
  rows: Row[],
  currency: string | null,
  w: Window,
  ctx: ComputeContext,
): Omit<Computed, 'newest'> {
  // Deals in other currencies (closed or open in the window) are left out, as revenue leaves them out, and
  // said so (fresh tester helper-172: coverage showed "Won so far: −$50" beside €2,401 won, without a word).
  const { row } = pickCurrency(rows, currency);
  // The deals left out are those coverage would read in its own currency: won so far and open pipeline (a
  // lost deal counts in the historical win rate, in every currency, so it is not left out: helper-174).
  const otherN = rows
    .filter((r) => String(r.currency).trim() !== currency)
    .reduce((n, r) => n + toNumber(r.used_n), 0);
  const won = toNumber(row?.won_amount);
  const pipeline = toNumber(row?.pipeline);
  const histClosed = rows.reduce((s, r) => s + toNumber(r.hist_closed), 0);
  const histWon = rows.reduce((s, r) => s + toNumber(r.hist_won), 0);
  const winRate = histClosed > 0 ? histWon / histClosed : null;
  // A target in another currency than the deals is not used: no exchange rate is assumed.
  const targetCurrency = ctx.revenueTargetCurrency ?? null;
  const otherCurrency = currency !== null && targetCurrency !== null && currency !== targetCurrency;
  const target = otherCurrency ? null : (ctx.revenueTarget ?? null);
  const remaining = target === null ? null : target - won;
  // A running period and one that has not started both look ahead (next quarter's pipeline ÷ its target is
  // the usual question); only a finished one has nothing left to cover.
  const ended = ctx.now.getTime() >= w.end.getTime();
  let v = value(0);
  if (otherCurrency)
    v = noData(
      `the revenue target is in ${targetCurrency} and the deals are in ${currency}; set a ${currency} revenue target`,
    );
  // `all time` takes no target and ends today: it was told "no revenue target is set" (helper-171 #12).
  else if (ctx.allTime)
    v = noData(
      'coverage looks ahead to a period with a revenue target, and all time has neither: ask about this quarter or next quarter',
    );
  else if (target === null) v = noData('no revenue target is set for this scope and period');
  else if (ended) v = noData('coverage looks ahead: ask about a period that has not ended');
  // A target spread over working days gives a weekend or holiday-only period nothing to reach.
  else if (target === 0 && won === 0)
    v = noData('the revenue target is spread over working days, and this period has none');
  else if (remaining !== null && remaining <= 0) v = noData('the revenue target is already reached');
  else v = value(pipeline / (remaining as number));
  const formula = `open pipeline expected to close in the period ÷ (revenue target − won so far); reference ${COVERAGE_REFERENCE}×`;
  // `all time` has no coverage, so no pipeline, won so far or forecast either: its window ends today, so
  // those would be today's overdue deals and everything ever won (helper-174).
  if (ctx.allTime) return { value: v, n: 0, currency, notes: [], calc: { formula, inputs: [] }, figures: [] };
  const overdue = toNumber(row?.overdue);
  const notes: string[] =
    otherN > 0 && currency !== null
      ? [
          `${otherCurrenciesLeftOut(otherN, ['deal', 'deals'])} (no exchange rates); figures are in ${currency}.`,
        ]
      : [];
  if (overdue > 0)
    notes.push(
      `${formatCount(overdue)} open deal${overdue === 1 ? ' is' : 's are'} past the expected close date and still counted.`,
    );
  const forecast = winRate === null ? null : won + pipeline * winRate;
  return {
    value: v,
    n: toNumber(row?.open_n),
    currency,
    notes,
    calc: {
      formula,
      inputs: [
        calcInput('open pipeline expected to close', pipeline, 'money'),
        ...(target !== null
          ? [
              calcInput('revenue target for the period', target, 'money'),
              calcInput('won so far', won, 'money'),
            ]
          : []),
      ],
      ...(target !== null ? { step: divide(take(0), subtract(take(1), take(2))) } : {}),
    },
    figures: [
      { key: 'pipeline', label: 'Open pipeline expected to close', unit: 'money', value: value(pipeline) },
      // A finished period has no "still needed" and no forecast at all: its result is what was won.
      ...(ended
        ? []
        : [
            {
              key: 'needed',
              label: 'Still needed for target',
              unit: 'money' as const,
              value:
                remaining === null
                  ? noData(otherCurrency ? `no ${currency} revenue target` : 'no revenue target')
                  : value(Math.max(0, remaining)),
            },
          ]),
      { key: 'won', label: 'Won so far', unit: 'money', value: value(won) },
      {
        key: 'win_rate',
        label: 'Historical win rate (12 months)',
        unit: 'ratio',
        value: winRate === null ? noData('no deals closed in the last 12 months') : value(winRate),
      },
      ...(ended
        ? []
        : [
            {
              key: 'forecast',
              label: 'Forecast (won + pipeline × win rate)',
              unit: 'money' as const,
              value: forecast === null ? noData('no historical win rate') : value(forecast),
            },
          ]),
      {
        key: 'reference',
        label: 'Rule of thumb',
        unit: 'multiple',
        value: value(COVERAGE_REFERENCE),
        fixed: true,
      },
    ],
  };
}

/**
 * Pipeline coverage for a running or future period: open pipeline with an expected close date inside the period ÷
 * the revenue still needed for the scope's revenue target (ctx.revenueTarget, already scaled to the
 * period), with won so far, the historical win rate (won ÷ closed over the 12 months to now) and the
 * forecast won + pipeline × win rate. Splits by rep, team or product are not offered (one target).
 * A team or the org reads the counter rollups (`coverageRowsFromRollups`), a rep its raw rows.
 */
export const coverageComputer: MetricComputer = {
  async windows(db, scope, windows, headline, ctx) {
    // A rep's own deals are few and reached through the owner indexes: the raw rows cost less than
    // planning the rollup ranges (bench, rep × quarter: 15 ms raw, 32 ms from rollups).
    const rows =
      ctx.useRollups && scope.kind !== 'rep'
        ? await coverageRowsFromRollups(db, scope, windows, ctx)
        : await coverageRows(db, scope, windows, ctx);
    // The currency asked for (ctx.currency), else the one with the most records in the headline window, the
    // target's on a tie; without any records there, the target's (a quiet day must not pick whichever
    // currency's all-zero row comes first), then the other windows'. chooseCurrency keeps the first of
    // equals: target rows go first.
    const target = ctx.revenueTargetCurrency ?? null;
    const withRecords = (list: Row[]) =>
      list
        .filter((r) => toNumber(r.cur_n) > 0)
        .sort(
          (a, b) =>
            Number(String(b.currency).trim() === target) - Number(String(a.currency).trim() === target),
        );
    const headRows = withRecords(rows.filter((r) => String(r.g) === String(headline)));
    // Coverage is measured against the revenue target: in its currency whenever the period has deals in it
    // (others are left out and said so). By most deals alone, a team with 2 USD wins and 3 EUR deals answered
    // "the revenue target is in USD and the deals are in EUR" beside revenue won in USD (fresh tester helper-173).
    const inTarget = target !== null && headRows.some((r) => String(r.currency).trim() === target);
    const currency =
      ctx.currency ??
      (inTarget ? target : null) ??
      chooseCurrency(headRows, { prefer: target, usual: rows }) ??
      target ??
      chooseCurrency(withRecords(rows), { prefer: target }) ??
      chooseCurrency(rows);
    return windows.map((w, i) => {
      const group = rows.filter((r) => String(r.g) === String(i));
      const newest = Math.max(0, ...group.map((r) => toNumber(r.newest_epoch)));
      return { ...finalize(group, currency, w, ctx), newest: newest > 0 ? new Date(newest * 1000) : null };
    });
  },
  async segments() {
    return [];
  },
};
