import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { currentTeamIds } from '../access/queries.js';
import { resultForState } from '../answers/answer.js';
import { chartForAnswer } from '../charts/for-answer.js';
import type { ChartSpec } from '../charts/types.js';
import { COACH_CHART_ACTION, decodeCoachState } from '../coach/blocks.js';
import { buildCoachChart } from '../coach/chart.js';
import { loadCoachingCard } from '../coach/load.js';
import { type Deps, metricDepsFor } from '../deps.js';
import { describeError } from '../errors.js';
import { decodeState, encodeState } from '../slack/ask-state.js';
import { buildNoticeMessage, buildUnknownUserMessage } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import { answerSafely, findCaller, toResponse } from '../slack/respond.js';
import { ChartCache } from './cache.js';
import { buildChartMessage, uploadChart } from './deliver.js';

const CHART = /^metrics_chart(#\d+)?$/;
const COACH_CHART = new RegExp(`^${COACH_CHART_ACTION}(#\\d+)?$`);

export const CHART_FAILED =
  "Couldn't draw that chart right now — the numbers above are unchanged. Please try again in a minute.";

type Found = { ok: true; chart: ChartSpec; state: string } | { ok: false; reply: Reply };

/**
 * "Chart" on a metric answer or a coaching card: ack at once, check permissions again, draw the chart from
 * the same result, upload it (or re-use the upload for the same state and data) and answer with an
 * ephemeral image block beside the text answer, which is never replaced. Any render or upload failure
 * becomes one polite sentence; the details go to the log.
 */
export function registerChartActions(app: App, deps: Deps): void {
  const cache = new ChartCache();
  const handle =
    (
      find: (
        caller: NonNullable<Awaited<ReturnType<typeof findCaller>>>,
        value: string | undefined,
        now: Date,
      ) => Promise<Found>,
    ) =>
    async ({
      ack,
      body,
      action,
      respond,
      client,
    }: Parameters<Parameters<typeof app.action<BlockAction<ButtonAction>>>[1]>[0]) => {
      await ack();
      const now = deps.clock();
      const reply = await answerSafely(deps, 'chart button', async (): Promise<Reply> => {
        const caller = await findCaller(deps, client, body.user.id, now);
        if (!caller) return { visibility: 'ephemeral', message: buildUnknownUserMessage() };
        const found = await find(caller, action.value, now);
        if (!found.ok) return found.reply;
        try {
          const { fileId } = await uploadChart(client, cache, found.state, found.chart);
          return { visibility: 'ephemeral', message: buildChartMessage(found.chart, fileId) };
        } catch (err) {
          deps.logger.error(
            { err: describeError(err), chart: found.chart.kind },
            'chart render or upload failed',
          );
          return { visibility: 'ephemeral', message: buildNoticeMessage(CHART_FAILED) };
        }
      });
      try {
        await respond(toResponse(reply, { replaceOriginal: false }));
      } catch (err) {
        deps.logger.error({ err: describeError(err) }, 'chart response_url post failed');
      }
    };

  app.action<BlockAction<ButtonAction>>(
    CHART,
    handle(async (caller, value, now) => {
      const state = decodeState(value);
      if (!state) return { ok: false, reply: expired() };
      const found = await resultForState(deps, caller, state, now);
      if (!found.ok) return found;
      const isMine = (row: { repId?: number; teamId?: number }) =>
        row.repId === caller.repId || (row.teamId !== undefined && caller.teamIds.includes(row.teamId));
      const chart = await chartForAnswer(metricDepsFor(deps, now), found.result, isMine);
      // The caller is part of the state: "(you)" marks their own bar.
      return { ok: true, chart, state: `${encodeState(state)}|${caller.repId}` };
    }),
  );
  app.action<BlockAction<ButtonAction>>(
    COACH_CHART,
    handle(async (caller, value, now) => {
      const state = decodeCoachState(value);
      if (!state) return { ok: false, reply: expired() };
      const teamIds = await currentTeamIds(deps.db, state.repId, now);
      const loaded = await loadCoachingCard(deps, caller, state.repId, teamIds, {
        now,
        period: state.period,
      });
      if (!loaded.ok) return loaded;
      return { ok: true, chart: buildCoachChart(loaded.card), state: `coach:${value}|${caller.role}` };
    }),
  );
}

function expired(): Reply {
  return {
    visibility: 'ephemeral',
    message: buildNoticeMessage('That button has expired — ask again with /metrics.'),
  };
}
