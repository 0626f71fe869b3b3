import { currentTeamIds } from '../access/queries.js';
import { resultForState } from '../answers/answer.js';
import { chartForAnswer } from '../charts/for-answer.js';
import type { ChartSpec } from '../charts/types.js';
import { COACH_CHART_ACTION, decodeCoachState } from '../coach/blocks.js';
import { buildCoachChart } from '../coach/chart.js';
import { loadCoachingCard } from '../coach/load.js';
import type { Caller } from '../core/types.js';
import { type Deps, metricDepsFor } from '../deps.js';
import { beforeDeadline } from '../metrics/index.js';
import { decodeState, encodeState } from '../slack/ask-state.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';

/** Action ids of the "Chart" buttons (pieces.actions may suffix `#2`). */
export const METRIC_CHART = /^metrics_chart(#\d+)?$/;
export const COACH_CHART = new RegExp(`^${COACH_CHART_ACTION}(#\\d+)?$`);

/** A chart to draw, with the answer state it belongs to (the cache key's first half), or what to say instead. */
export type FoundChart = { ok: true; chart: ChartSpec; state: string } | { ok: false; reply: Reply };

/**
 * The chart behind a "Chart" button (a metric answer's or a coaching card's), permission-checked again
 * for `caller`: the same result the text answer showed, drawn as trend, leaderboard, funnel or coaching
 * chart. Shared by Slack and the console. Database errors propagate.
 */
export async function findChart(
  deps: Deps,
  caller: Caller,
  button: { actionId: string; value: string | undefined },
  now: Date,
): Promise<FoundChart> {
  if (COACH_CHART.test(button.actionId)) {
    const state = decodeCoachState(button.value);
    if (!state) return { ok: false, reply: expired() };
    const teamIds = await beforeDeadline(currentTeamIds(deps.db, state.repId, now));
    const loaded = await loadCoachingCard(deps, caller, state.repId, teamIds, { now, period: state.period });
    if (!loaded.ok) return loaded;
    // Percentiles depend on who looks (leaderboard policy), so the role is part of the state.
    return { ok: true, chart: buildCoachChart(loaded.card), state: `coach:${button.value}|${caller.role}` };
  }
  const state = decodeState(button.value);
  if (!state || !METRIC_CHART.test(button.actionId)) return { ok: false, reply: expired() };
  const found = await resultForState(deps, caller, state, now);
  if (!found.ok) return found;
  const isMine = (row: { repId?: number; teamId?: number }) =>
    row.repId === caller.repId || (row.teamId !== undefined && caller.teamIds.includes(row.teamId));
  const chart = await chartForAnswer(metricDepsFor(deps, now), found.result, isMine);
  // The caller is part of the state: "(you)" marks their own bar.
  return { ok: true, chart, state: `${encodeState(state)}|${caller.repId}` };
}

function expired(): Reply {
  return {
    visibility: 'ephemeral',
    message: buildNoticeMessage('That button has expired — ask again with /metrics.'),
  };
}
