import { businessSecondsBetween } from './business-time.js';
import { CHANNEL_STEP_FACTOR, NUDGE_LOOKBACK_DAYS } from './nudges.js';
import type { AlertSettings } from './settings.js';

/** What unreachableSteps finds: the days a lead is watched, the business seconds they hold, the steps never reached. */
export interface UnreachedSteps {
  watchedDays: number;
  watchedSeconds: number;
  steps: ('sla' | 'escalation' | 'channel')[];
}

/**
 * The alert steps that can never fire with a team's settings. A lead is watched for NUDGE_LOOKBACK_DAYS
 * days after it arrives (src/alerts/nudges.ts); `watchedSeconds` is the business time those days hold under
 * the team's business hours (every second with `hours always`), measured over the week from `now` (business
 * hours repeat weekly, so any week gives the same, a DST change aside). A step due after at least that much
 * business time (the SLA, the manager escalation, the channel post at 2 × escalation when a channel is set)
 * is never reached: `steps` lists them, empty when all fire.
 * Pure.
 */
export function unreachableSteps(
  settings: Pick<AlertSettings, 'slaSeconds' | 'escalationSeconds' | 'hours' | 'channelId'>,
  now: Date,
): UnreachedSteps {
  const end = new Date(now.getTime() + NUDGE_LOOKBACK_DAYS * 86_400_000);
  const watchedSeconds = businessSecondsBetween(now, end, settings.hours);
  const steps: UnreachedSteps['steps'] = [];
  if (settings.slaSeconds >= watchedSeconds) steps.push('sla');
  if (settings.escalationSeconds >= watchedSeconds) steps.push('escalation');
  if (settings.channelId && CHANNEL_STEP_FACTOR * settings.escalationSeconds >= watchedSeconds)
    steps.push('channel');
  return { watchedDays: NUDGE_LOOKBACK_DAYS, watchedSeconds, steps };
}
