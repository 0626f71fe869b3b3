import { clipName } from '../../names.js';
import { context, fields, header, section } from '../../slack/blocks/pieces.js';
import { formatDuration } from '../../slack/format.js';
import { enforceLimits, type SlackMessage } from '../../slack/limits.js';
import { escapeMrkdwn, showName } from '../../slack/mrkdwn.js';
import { describeBusinessHours } from '../business-time.js';
import type { AlertSettings } from '../settings.js';

/** The `/metrics alerts` answer: one team's settings, with a note of what just changed when there is one. */
export function buildAlertSettingsMessage(settings: AlertSettings, changed?: string): SlackMessage {
  const channel = settings.channelId ? `<#${settings.channelId}>` : 'off';
  const escalation = `${formatDuration(settings.escalationSeconds)}${settings.escalationIsDefault ? ' _(default: 3 × SLA)_' : ''}`;
  const team = showName(settings.teamName);
  const blocks = [
    header(`Lead alerts · ${clipName(settings.teamName)}`),
    ...(changed ? [section(`:white_check_mark: ${changed}`)] : []),
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

/** A short ephemeral text answer (errors, refusals). */
export function buildAlertsNotice(mrkdwn: string): SlackMessage {
  return enforceLimits({ text: mrkdwn, blocks: [section(mrkdwn)] });
}
