import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { renderChart } from '../charts/render.js';
import type { ChartSpec } from '../charts/types.js';
import { context } from '../slack/blocks/pieces.js';
import { enforceLimits, type SlackMessage } from '../slack/limits.js';
import { escapeName } from '../slack/mrkdwn.js';
import { type ChartCache, chartKey } from './cache.js';

/** Slack caps an image block's alt text at 2,000 characters and its title at 2,000. */
const MAX_ALT = 2_000;

/**
 * Renders `chart` and uploads it privately (files.uploadV2: getUploadURLExternal → POST → completeUploadExternal,
 * no channel, so nothing is posted by the upload itself), unless the same state and data were uploaded
 * before; a press while the same chart is being uploaded joins that upload (`joined`) instead of drawing
 * again. Returns the Slack file id. Throws on render or upload errors; callers keep the text answer.
 * `onRendered` is called once the PNG is drawn, before the upload starts (so a caller can tell which step
 * failed).
 */
export async function uploadChart(
  client: WebClient,
  cache: ChartCache,
  state: string,
  chart: ChartSpec,
  onRendered?: () => void,
): Promise<{ fileId: string; cached: boolean; joined?: boolean }> {
  const key = chartKey(state, chart);
  const hit = cache.get(key);
  if (hit) return { fileId: hit.fileId, cached: true };
  // The same chart being drawn and uploaded for an earlier press (a double click): wait for that one.
  const running = cache.pending(key);
  if (running) return { fileId: await withTimeout(running, UPLOAD_TIMEOUT_MS), cached: true, joined: true };
  let rendered: () => void = () => {};
  const drawn = new Promise<void>((resolve) => {
    rendered = resolve;
  });
  const upload = (async () => {
    const { png } = await renderChart(chart);
    onRendered?.();
    rendered();
    const res = await client.files.uploadV2({
      file: png,
      filename: `tally-${chart.kind}.png`,
      title: chart.title,
      alt_text: chart.alt.slice(0, MAX_ALT),
    });
    const fileId = firstFileId(res);
    if (!fileId) throw new Error('files.uploadV2 returned no file id');
    cache.set(key, { png, fileId });
    return fileId;
  })();
  cache.track(key, upload);
  upload.catch(() => {}); // past the timeout below, nobody waits for it
  await Promise.race([drawn, upload]);
  return { fileId: await withTimeout(upload, UPLOAD_TIMEOUT_MS), cached: false };
}

/**
 * The chart was drawn but Slack had not taken the upload within UPLOAD_TIMEOUT_MS; `late` is that upload,
 * still running (it resolves to the file id, or rejects), so the caller can still deliver or report it.
 */
export class ChartUploadSlowError extends Error {
  constructor(
    readonly ms: number,
    readonly late: Promise<string>,
  ) {
    super(`chart upload took longer than ${ms} ms`);
    this.name = 'ChartUploadSlowError';
  }
}

/**
 * How long a press waits for Slack to take the upload before answering that it is slow (ChartUploadSlowError);
 * the answer's own 10 s limit would otherwise answer first.
 */
export const UPLOAD_TIMEOUT_MS = 7_000;

/**
 * How long a chart upload may take in all, from the press, once the person has been told the picture
 * follows (CHART_SLOW): its own bound, separate from the answer's 10 s (ANSWER_TIMEOUT_MS, and the Web API
 * client's 10 s request timeout). Uploads of the Chart button go through a client with this request
 * timeout (Deps.slackUploads), so a Slack slower than 10 s to take the picture still delivers it; past
 * this the person is told Slack did not take it (CHART_GAVE_UP).
 */
export const CHART_UPLOAD_LIMIT_MS = 60_000;

/** The late upload did not finish within CHART_UPLOAD_LIMIT_MS of the press (the caller stops waiting). */
export class ChartUploadGaveUpError extends Error {
  constructor(readonly ms: number) {
    super(`chart upload not finished within ${ms} ms of the press`);
    this.name = 'ChartUploadGaveUpError';
  }
}

/** `late` (a slow upload's file id), or ChartUploadGaveUpError once `deadline` (epoch ms) has passed. */
export function awaitLateUpload(late: Promise<string>, deadline: number): Promise<string> {
  return orTimeout(
    late,
    Math.max(0, deadline - Date.now()),
    () => new ChartUploadGaveUpError(CHART_UPLOAD_LIMIT_MS),
  );
}

function withTimeout(work: Promise<string>, ms: number): Promise<string> {
  return orTimeout(work, ms, () => new ChartUploadSlowError(ms, work));
}

/** `work`'s outcome, or the error `timedOut()` makes once `ms` have passed; the timer is cleared either way. */
async function orTimeout<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timedOut()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function firstFileId(res: unknown): string | undefined {
  // uploadV2 answers { ok, files: [completeUploadExternal response, …] }, each with its own `files`.
  const completions = (res as { files?: { files?: { id?: string }[] }[] }).files ?? [];
  return completions[0]?.files?.[0]?.id;
}

/**
 * The chart as a message: an image block showing the uploaded file (slack_file, no public URL) and its alt
 * text. The alt text and title are plain text (names as they are); the caption under the image and the
 * message's fallback `text` are mrkdwn, so there the sentence, which carries team and rep names, goes
 * through escapeName: `& < >` escaped and `* _ ~` and backticks shown as written (the sentence itself has no
 * formatting of ours).
 */
export function buildChartMessage(chart: ChartSpec, fileId: string): SlackMessage {
  const image = {
    type: 'image',
    slack_file: { id: fileId },
    alt_text: chart.alt.slice(0, MAX_ALT),
    title: { type: 'plain_text', text: chart.title.slice(0, 2_000) },
  } as unknown as KnownBlock;
  const caption = escapeName(chart.alt);
  return enforceLimits({ text: caption, blocks: [image, context(caption)] });
}
