import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import {
  answerSafely,
  callerOrRefusal,
  findCaller,
  rateLimitedSeconds,
  retryingRespond,
  secondsToWait,
  slackErrorCode,
  toResponse,
} from '../slack/respond.js';
import { ChartCache } from './cache.js';
import { type ChartClaim, claimChart, releaseChart } from './claim.js';
import {
  awaitLateUpload,
  buildChartMessage,
  CHART_UPLOAD_LIMIT_MS,
  ChartUploadGaveUpError,
  ChartUploadSlowError,
  uploadChart,
} from './deliver.js';
import { COACH_CHART, findChart, METRIC_CHART } from './find.js';

/** The upload is slow: said at once, and the picture (or the failure) follows once Slack has answered. */
export const CHART_SLOW =
  'Slack is slow to take the chart picture — it will appear here once the upload finishes. The numbers above are unchanged.';

/** A slow upload Slack still had not taken CHART_UPLOAD_LIMIT_MS after the press. */
export const CHART_GAVE_UP =
  "Slack still hasn't taken the chart picture after a minute, so it won't appear — the numbers above are unchanged. Please try again later.";

export const CHART_FAILED =
  "Couldn't draw that chart right now — the numbers above are unchanged. Please try again in a minute.";

/** Slack refused the upload for good: the app lacks `files:write` (or may not upload files at all). */
export const CHART_NO_PERMISSION =
  "Couldn't show that chart: Slack doesn't let Tally upload files (the app lacks the `files:write` permission). " +
  'A Slack admin needs to reinstall Tally from its manifest, which asks for it. The numbers above are unchanged.';

/** Slack rate-limited the upload: when to try again, with Slack's own Retry-After. */
export function chartRateLimited(retryAfterSeconds: number): string {
  return `Slack is limiting file uploads right now — the numbers above are unchanged. Try the chart again in ${secondsToWait(retryAfterSeconds)}.`;
}

/** What a press joined to another's drawing returns: never posted (the other press answers). */
const NOT_POSTED: Reply = { visibility: 'ephemeral', message: buildNoticeMessage('') };

/** Upload errors that no retry can fix: the token may not upload files. */
const NO_UPLOAD_PERMISSION: ReadonlySet<string> = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
  'restricted_action',
]);

/** What the person is told when drawing or uploading the chart failed with `err`. */
function chartFailure(err: unknown): string {
  if (err instanceof ChartUploadGaveUpError) return CHART_GAVE_UP;
  const retryAfter = rateLimitedSeconds(err);
  if (retryAfter !== undefined) return chartRateLimited(retryAfter);
  if (NO_UPLOAD_PERMISSION.has(slackErrorCode(err))) return CHART_NO_PERMISSION;
  return CHART_FAILED;
}

/**
 * "Chart" on a metric answer or a coaching card: ack at once, check permissions again, draw the chart from
 * the same result, upload it (or re-use the upload for the same state and data) and answer with an
 * ephemeral image block beside the text answer, which is never replaced. A render or upload failure
 * becomes one polite sentence (a missing `files:write` says an admin must reinstall the app; a 429 says
 * when to try again; an upload Slack has not taken within UPLOAD_TIMEOUT_MS is said to be slow, and its
 * picture, or failure, follows as a second ephemeral answer); the details go to the log. The upload goes
 * through `deps.slackUploads` (request timeout CHART_UPLOAD_LIMIT_MS, not the usual 10 s), so once the
 * person was told the picture follows, a Slack slower than 10 s still delivers it; only a real failure, or
 * no upload by CHART_UPLOAD_LIMIT_MS after the press, says it did not work.
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
    // Real time, not the app's clock: the upload's bound and the claim's expiry are elapsed time, and the
    // claim table's other rows and its purge are in real time too.
    const pressedAt = new Date();
    const uploadDeadline = pressedAt.getTime() + CHART_UPLOAD_LIMIT_MS;
    // A second press while the same chart is being drawn for the first (a double click) posts nothing:
    // the first press answers with the picture. Within one process the upload is joined (ChartCache);
    // across instances the press is claimed in the database (claimChart), held until it has answered.
    let joined = false;
    let claim: ChartClaim | null = null;
    // An upload still running past UPLOAD_TIMEOUT_MS: the person is told it is slow, then gets its outcome.
    let late: { upload: Promise<string>; chart: Parameters<typeof buildChartMessage>[0] } | undefined;
    const reply = await answerSafely(deps, 'chart button', async (): Promise<Reply> => {
      const asking = callerOrRefusal(await findCaller(deps, client, body.user.id, now));
      if (!asking.ok) return asking.reply;
      const { caller } = asking;
      const found = await findChart(deps, caller, { actionId: action.action_id, value: action.value }, now);
      if (!found.ok) return found.reply;
      const container = body.container as { channel_id?: string; message_ts?: string } | undefined;
      claim = await claimChart(
        deps.db,
        {
          userId: body.user.id,
          ...(container?.channel_id ? { channelId: container.channel_id } : {}),
          ...(container?.message_ts ? { messageTs: container.message_ts } : {}),
          actionId: action.action_id,
          value: action.value ?? '',
        },
        pressedAt,
      );
      if (!claim) {
        joined = true;
        return NOT_POSTED;
      }
      try {
        const upload = await uploadChart(deps.slackUploads ?? client, cache, found.state, found.chart);
        joined = upload.joined === true;
        const { fileId } = upload;
        return { visibility: 'ephemeral', message: buildChartMessage(found.chart, fileId) };
      } catch (err) {
        if (err instanceof ChartUploadSlowError) {
          deps.logger.warn({ chart: found.chart.kind, ms: err.ms }, 'chart upload slow: the picture follows');
          late = { upload: err.late, chart: found.chart };
          return { visibility: 'ephemeral', message: buildNoticeMessage(CHART_SLOW) };
        }
        deps.logger.error(
          { err: describeError(err), chart: found.chart.kind },
          'chart render or upload failed',
        );
        return { visibility: 'ephemeral', message: buildNoticeMessage(chartFailure(err)) };
      }
    });
    try {
      if (joined) {
        deps.logger.info({ user: body.user.id }, 'chart button pressed again while drawing: answered once');
        return;
      }
      try {
        await retryingRespond(respond)(toResponse(reply, { replaceOriginal: false }));
      } catch (err) {
        deps.logger.error({ err: describeError(err) }, 'chart response_url post failed');
      }
      if (!late) return;
      // The listener waits for the late upload (at most CHART_UPLOAD_LIMIT_MS from the press), so a stop's
      // drain waits for it too; its outcome goes to the same response_url.
      let outcome: Reply;
      try {
        const fileId = await awaitLateUpload(late.upload, uploadDeadline);
        outcome = { visibility: 'ephemeral', message: buildChartMessage(late.chart, fileId) };
      } catch (err) {
        deps.logger.error(
          { err: describeError(err), chart: late.chart.kind },
          'chart upload failed after being slow',
        );
        outcome = { visibility: 'ephemeral', message: buildNoticeMessage(chartFailure(err)) };
      }
      try {
        await retryingRespond(respond)(toResponse(outcome, { replaceOriginal: false }));
      } catch (err) {
        deps.logger.error({ err: describeError(err) }, 'chart response_url post failed');
      }
    } finally {
      // Answered (picture or failure): a later press may draw again. Left in place if this fails; it
      // then expires after CHART_CLAIM_MS.
      if (claim)
        await releaseChart(deps.db, claim).catch((err: unknown) =>
          deps.logger.warn({ err: describeError(err) }, 'could not release a chart claim'),
        );
    }
  };

  app.action<BlockAction<ButtonAction>>(METRIC_CHART, handle);
  app.action<BlockAction<ButtonAction>>(COACH_CHART, handle);
}
