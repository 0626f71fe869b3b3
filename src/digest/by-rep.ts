import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { metricDepsFor } from '../deps.js';
import { describeError } from '../errors.js';
import { headlineCurrencyNotes } from '../metrics/currency-notes.js';
import { findMetric, getMetric, isBusyError, MetricsError } from '../metrics/index.js';
import type { MetricId, MetricResult, Scope } from '../metrics/types.js';
import { currencyFootnotes, fallbackFigure, segmentTable } from '../slack/blocks/answer-parts.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import { compact, context, header, section } from '../slack/blocks/pieces.js';
import { enforceLimits, type SlackMessage } from '../slack/limits.js';
import { escapeMrkdwn } from '../slack/mrkdwn.js';
import type { Reply } from '../slack/reply.js';
import { type ByRepPayload, DIGEST_BY_REP_ACTION } from './blocks.js';

/** At most this many metrics get a per-rep table in one thread reply (each costs two blocks). */
const MAX_TABLES = 8;

/** A digest's month as the button carries it: a calendar month (`2026-11`) or a fiscal month (`P11 FY2027`). */
const MONTH_SPEC = /^(?:\d{4}-\d{2}|P\d{1,2} FY\d{4})$/;

/** An ISO 4217 code as stored (`USD`). */
const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Reads the "By rep" button value back; null when it is not what the digest put there. */
export function parseByRepPayload(value: string | undefined): ByRepPayload | null {
  try {
    const v = JSON.parse(value ?? '') as Partial<ByRepPayload>;
    const s = v.scope as Scope | undefined;
    const scopeOk = s?.kind === 'org' || (s?.kind === 'team' && Number.isInteger(s.teamId));
    if (!scopeOk || !Array.isArray(v.metrics) || typeof v.tz !== 'string') return null;
    const month = typeof v.month === 'string' && MONTH_SPEC.test(v.month) ? { month: v.month } : {};
    const currencies = currenciesOf(v.currencies);
    const preview = v.preview === true ? { preview: true as const } : {};
    return {
      scope: s as Scope,
      metrics: v.metrics.map(String),
      tz: v.tz,
      ...month,
      ...currencies,
      ...preview,
    };
  } catch {
    return null;
  }
}

/** The payload's `currencies` when well formed (metric ids to ISO 4217 codes), else nothing. */
function currenciesOf(value: unknown): Pick<ByRepPayload, 'currencies'> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const entries = Object.entries(value).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && CURRENCY_CODE.test(e[1]),
  );
  return entries.length > 0 ? { currencies: Object.fromEntries(entries) } : {};
}

/** True for the action id of a digest's "By rep" button (`digest_by_rep`, maybe suffixed `#n`). */
export function isByRepAction(actionId: string): boolean {
  return new RegExp(`^${DIGEST_BY_REP_ACTION}(#\\d+)?$`).test(actionId);
}

/** Told to whoever may not see a digest's per-rep numbers (private leaderboards). */
export const BY_REP_REFUSAL = 'Per-rep numbers are for managers of this team and admins in this workspace.';

/**
 * Whether `caller` (null: not a known rep) may see a digest's per-rep numbers: anyone while leaderboards
 * are public (TALLY_LEADERBOARDS_PUBLIC), else admins and managers of the digest's team.
 */
export function mayViewByRep(
  deps: Pick<Deps, 'config'>,
  caller: Caller | null,
  payload: ByRepPayload,
): boolean {
  if (deps.config.leaderboardsPublic) return true;
  const teamId = payload.scope.kind === 'team' ? payload.scope.teamId : null;
  return caller?.role === 'admin' || (teamId !== null && (caller?.managedTeamIds.includes(teamId) ?? false));
}

/**
 * The "By rep" button pressed outside Slack (the local console, which has no thread to post in): the
 * breakdown the Slack button posts in the digest's thread, or the same refusal, as an ephemeral reply.
 * A value that is not the digest's answers with a notice. Database errors are thrown.
 */
export async function pressByRepButton(
  deps: Pick<Deps, 'db' | 'config' | 'logger'>,
  caller: Caller,
  value: string,
  now: Date,
): Promise<Reply> {
  const payload = parseByRepPayload(value);
  if (!payload) return { visibility: 'ephemeral', message: buildNoticeMessage('That button has expired.') };
  if (!mayViewByRep(deps, caller, payload))
    return { visibility: 'ephemeral', message: buildNoticeMessage(BY_REP_REFUSAL) };
  return { visibility: 'ephemeral', message: await buildByRepMessage(deps, payload, now) };
}

/**
 * The per-rep breakdown of the digest's metrics over the digest's month (`payload.month`, a calendar or a
 * fiscal month; else the running month), for the digest's thread. A metric that cannot be computed by rep
 * (a MetricsError: no rep split, no longer a metric, a fiscal month the org's calendar no longer has) is
 * left out; with none left the message says there are no per-rep numbers. A metric whose computation
 * failed otherwise (a database error) keeps its place with "couldn't load" and the error is logged.
 * Past capacity (`isBusyError`) is thrown, for the caller to say "busy".
 */
export async function buildByRepMessage(
  deps: Pick<Deps, 'db' | 'config' | 'logger'>,
  payload: ByRepPayload,
  now: Date,
): Promise<SlackMessage> {
  const metricDeps = metricDepsFor(deps, now);
  const tables: ({ ok: true; result: MetricResult } | { ok: false; label: string })[] = [];
  for (const id of payload.metrics.slice(0, MAX_TABLES)) {
    const currency = payload.currencies?.[id];
    try {
      const result = await getMetric(metricDeps, {
        metric: id as MetricId,
        scope: payload.scope,
        period: payload.month ?? 'this month',
        by: 'rep',
        include: { target: false, trend: false, series: false },
        // In the currency of the digest's line for this metric (ByRepPayload.currencies).
        ...(typeof currency === 'string' ? { currency } : {}),
      });
      tables.push({ ok: true, result });
    } catch (err) {
      if (isBusyError(err)) throw err;
      // A metric that cannot split by rep (or no longer exists) is left out of the breakdown.
      if (err instanceof MetricsError) continue;
      deps.logger.error({ err: describeError(err), metric: id }, 'digest by-rep metric failed');
      tables.push({ ok: false, label: findMetric(id)?.label ?? id });
    }
  }
  const results = tables.flatMap((t) => (t.ok ? [t.result] : []));
  // "November 2026" or "P11 FY2027 (29 Nov – 26 Dec 2026)" for a digest's month; buttons from before
  // `month` keep "month to date".
  const month = payload.month ? (results[0]?.period.label ?? payload.month) : 'month to date';
  const blocks = compact([
    header(`By rep, ${month}`),
    ...tables.flatMap((t) =>
      t.ok
        ? [
            section(`*${escapeMrkdwn(t.result.metric.label)}* — ${escapeMrkdwn(t.result.period.label)}`),
            segmentTable(t.result),
          ]
        : [section(`*${escapeMrkdwn(t.label)}* — couldn't load right now; please try again in a minute.`)],
    ),
    tables.length === 0 ? section('No per-rep numbers for these metrics.') : null,
    context(
      'Best first; `n` is the number of records behind each figure.',
      currencyFootnotes(results.map((r) => ({ about: r.metric.label, result: r }))),
    ),
  ]);
  // A table's currency footnote rides along in short: "Revenue won (1 won deal in another currency left out)".
  const labels = tables.map((t) =>
    t.ok
      ? escapeMrkdwn(fallbackFigure(t.result.metric.label, headlineCurrencyNotes(t.result)))
      : `${escapeMrkdwn(t.label)} (couldn't load)`,
  );
  const text = `By rep, ${month}: ${labels.join(', ') || 'no metrics'}`;
  return enforceLimits({ text, blocks });
}
