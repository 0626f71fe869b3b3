import type { KnownBlock } from '@slack/types';
import { ChartCache } from '../chart-button/cache.js';
import { uploadChart } from '../chart-button/deliver.js';
import type { ChartSpec } from '../charts/types.js';
import type { Deps } from '../deps.js';
import { describeError } from '../errors.js';
import { enforceLimits, type SlackMessage } from '../slack/limits.js';

/** Render + upload of a digest's chart gets this long; after it the digest goes out as text alone. */
export const DIGEST_CHART_TIMEOUT_MS = 8_000;

/** Slack caps an image block's alt text and title at 2,000 characters. */
const MAX_TEXT = 2_000;

/**
 * The digest with its headline chart: renders `chart`, uploads it privately the way the Chart button
 * does (files.uploadV2, no channel) and adds an image block referencing the file (`slack_file`) with the
 * chart's alt text, just above the digest's footer. Called before the delivery is queued, so every retry
 * of the post re-uses the same file. Never throws and never takes longer than `timeoutMs`: on any render
 * or upload failure (or no Slack client) it returns `message` unchanged and logs one line saying which step
 * failed (or was still running at the timeout) and why.
 */
export async function withDigestChart(
  deps: Pick<Deps, 'slack' | 'logger'>,
  message: SlackMessage,
  chart: ChartSpec,
  ref: { subscriptionId: number; runId: number },
  timeoutMs = DIGEST_CHART_TIMEOUT_MS,
): Promise<SlackMessage> {
  if (!deps.slack) return message;
  let timer: NodeJS.Timeout | undefined;
  let step: 'render' | 'upload' = 'render';
  try {
    const upload = uploadChart(deps.slack, new ChartCache(1), `digest:${ref.runId}`, chart, () => {
      step = 'upload';
    });
    upload.catch(() => {}); // a late failure after the timeout has nobody left to tell
    const { fileId } = await Promise.race([
      upload,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`chart took longer than ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return insertImage(message, chart, fileId);
  } catch (err) {
    deps.logger.warn(
      { ...ref, step, err: describeError(err) },
      step === 'render'
        ? 'digest chart could not be rendered; the digest goes out without it'
        : 'digest chart was rendered but its upload to Slack failed; the digest goes out without it',
    );
    return message;
  } finally {
    clearTimeout(timer);
  }
}

/** Puts the image block before the digest's footer (its last context block), or at the end. */
function insertImage(message: SlackMessage, chart: ChartSpec, fileId: string): SlackMessage {
  const image = {
    type: 'image',
    slack_file: { id: fileId },
    alt_text: chart.alt.slice(0, MAX_TEXT),
    title: { type: 'plain_text', text: chart.title.slice(0, MAX_TEXT) },
  } as unknown as KnownBlock;
  const blocks = [...(message.blocks ?? [])];
  const footer = blocks.map((b) => b.type).lastIndexOf('context');
  blocks.splice(footer > 0 ? footer : blocks.length, 0, image);
  return enforceLimits({ ...message, blocks });
}
