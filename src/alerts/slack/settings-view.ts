import { clipName } from '../../names.js';
import { context, fields, header, section } from '../../slack/blocks/pieces.js';
import { formatDuration } from '../../slack/format.js';
import { enforceLimits, type SlackMessage } from '../../slack/limits.js';
import { escapeMrkdwn, showName } from '../../slack/mrkdwn.js';
import { describeBusinessHours } from '../business-time.js';
import type { UnreachedSteps } from '../reach.js';
import type { AlertSettings } from '../settings.js';

/**
 * The `/metrics alerts` answer: one team's settings, with a note of what just changed when there is one, and
 * a warning for steps that can never fire (`unreached`, from unreachableSteps in src/alerts/reach.ts).
 */
export function buildAlertSettingsMessage(
  settings: AlertSettings,
  changed?: string,
  unreached?: UnreachedSteps,
): SlackMessage {
  const channel = settings.channelId ? `<#${settings.channelId}>` : 'off';
  const escalation = `${formatDuration(settings.escalationSeconds)}${settings.escalationIsDefault ? ' _(default: 3 × SLA)_' : ''}`;
  const team = showName(settings.teamName);
  const blocks = [
    header(`Lead alerts · ${clipName(settings.teamName)}`),
    ...(changed ? [section(`:white_check_mark: ${changed}`)] : []),
    ...(unreached && unreached.steps.length > 0 ? [section(unreachedWarning(settings, unreached))] : []),
    fields([
      ['Response SLA', formatDuration(settings.slaSeconds)],
      ['Manager escalation after', escalation],
      ['Business hours', escapeMrkdwn(describeBusinessHours(settings.hours))],
      ['Slip alerts', settings.slipEnabled ? 'on' : 'off'],
      ['Channel step', channel],
    ]),
    context(
      (settings.hours.kind === 'always'
        ? 'Waiting time counts every hour (no business hours are set).'
        : 'Waiting time counts business time only.') +
        ' Change with `/metrics alerts set sla 10m`, `set escalation 30m`, `set hours mon-fri 09:00-17:30 tz Europe/London`, `set slip on|off`, `set channel #sales-leads|off`.',
    ),
  ];
  const text = `Lead alerts for ${team}: SLA ${formatDuration(settings.slaSeconds)}, escalation ${formatDuration(settings.escalationSeconds)}, hours ${describeBusinessHours(settings.hours)}, slip alerts ${settings.slipEnabled ? 'on' : 'off'}, channel step ${settings.channelId ? 'on' : 'off'}.`;
  return enforceLimits({ text: changed ? `${changed} ${text}` : text, blocks });
}

/** Why a step can never fire: a lead is watched for some days, which hold less business time than it waits. */
function unreachedWarning(
  settings: AlertSettings,
  { watchedDays, watchedSeconds, steps }: UnreachedSteps,
): string {
  const named = steps.map((s) =>
    s === 'sla'
      ? `the owner's nudge (after the ${formatDuration(settings.slaSeconds)} SLA)`
      : s === 'escalation'
        ? `the manager's escalation (after ${formatDuration(settings.escalationSeconds)})`
        : 'the channel post (after 2 × the escalation)',
  );
  const list = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0];
  // In hours: "1d 14h" of business time reads like a day and a half of the clock (tester).
  const hours = (watchedSeconds / 3600).toLocaleString('en-US', { maximumFractionDigits: 1 });
  const watched =
    settings.hours.kind === 'always' ? '' : `, ${hours} business ${hours === '1' ? 'hour' : 'hours'}`;
  return `:warning: Tally watches a lead for ${watchedDays} days after it arrives${watched}: ${list} would never be sent. Shorten ${steps.length > 1 ? 'them' : 'it'}${settings.hours.kind === 'always' ? '' : ' or widen the business hours'}.`;
}

/** A short ephemeral text answer (errors, refusals). */
export function buildAlertsNotice(mrkdwn: string): SlackMessage {
  return enforceLimits({ text: mrkdwn, blocks: [section(mrkdwn)] });
}
