import type { Deps } from '../deps.js';
import type { SlackMessage } from '../slack/limits.js';
import { buildDigestMessage } from './blocks.js';
import { type DigestSpec, gatherDigest } from './content.js';

export type { DigestSpec } from './content.js';

/** Builds one digest message. The scheduler and `/metrics digest preview` both call this. */
export type DigestBuilder = (
  deps: Pick<Deps, 'db' | 'config'>,
  spec: DigestSpec,
  now: Date,
) => Promise<SlackMessage>;

/** The digest for `spec` at `now`: gathered from the metrics module, rendered as Block Kit with a text fallback. */
export const buildDigest: DigestBuilder = async (deps, spec, now) =>
  buildDigestMessage(await gatherDigest(deps, spec, now));
