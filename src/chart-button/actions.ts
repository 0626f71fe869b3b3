import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import { answerSafely, callerOrRefusal, findCaller, retryingRespond, toResponse } from '../slack/respond.js';
import { ChartCache } from './cache.js';
import { buildChartMessage, uploadChart } from './deliver.js';
import { COACH_CHART, findChart, METRIC_CHART } from './find.js';

export const CHART_FAILED =
  "Couldn't draw that chart right now — the numbers above are unchanged. Please try again in a minute.";

/**
 * "Chart" on a metric answer or a coaching card: ack at once, check permissions again, draw the chart from
 * the same result, upload it (or re-use the upload for the same state and data) and answer with an
 * ephemeral image block beside the text answer, which is never replaced. Any render or upload failure
 * becomes one polite sentence; the details go to the log.
 */
export function registerChartActions(app: App, deps: Deps): void {
  const cache = new ChartCache();
  const handle = async ({
    ack,
    body,
    action,
    respond,
    client,
  }: Parameters<Parameters<typeof app.action<BlockAction<ButtonAction>>>[1]>[0]) => {
    await ack();
    const now = deps.clock();
    const reply = await answerSafely(deps, 'chart button', async (): Promise<Reply> => {
      const asking = callerOrRefusal(await findCaller(deps, client, body.user.id, now));
      if (!asking.ok) return asking.reply;
      const { caller } = asking;
      const found = await findChart(deps, caller, { actionId: action.action_id, value: action.value }, now);
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
      await retryingRespond(respond)(toResponse(reply, { replaceOriginal: false }));
    } catch (err) {
      deps.logger.error({ err: describeError(err) }, 'chart response_url post failed');
    }
  };

  app.action<BlockAction<ButtonAction>>(METRIC_CHART, handle);
  app.action<BlockAction<ButtonAction>>(COACH_CHART, handle);
}
