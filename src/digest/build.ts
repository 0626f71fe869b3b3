import { buildTrendChart } from '../charts/trend.js';
import type { ChartSpec } from '../charts/types.js';
import type { Deps } from '../deps.js';
import type { SlackMessage } from '../slack/limits.js';
import { buildDigestMessage } from './blocks.js';
import { type DigestSpec, gatherDigest } from './content.js';

export type { DigestSpec } from './content.js';

/** A digest message, plus the headline trend chart to upload and show with it (absent when off or no data). */
export interface BuiltDigest extends SlackMessage {
  chart?: ChartSpec;
}

/** Builds one digest message. The scheduler and `/metrics digest preview` both call this. */
export type DigestBuilder = (
  deps: Pick<Deps, 'db' | 'config'>,
  spec: DigestSpec,
  now: Date,
) => Promise<BuiltDigest>;

/**
 * The digest for `spec` at `now`: gathered from the metrics module, rendered as Block Kit with a text
 * fallback; with `spec.chart`, also the headline metric's trend chart, drawn from the same result.
 */
export const buildDigest: DigestBuilder = async (deps, spec, now) => {
  const view = await gatherDigest(deps, spec, now);
  const message = buildDigestMessage(view);
  return view.headline ? { ...message, chart: buildTrendChart(view.headline) } : message;
};
