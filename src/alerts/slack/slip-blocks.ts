import { clipName } from '../../names.js';
import { context, header, section } from '../../slack/blocks/pieces.js';
import { formatDuration } from '../../slack/format.js';
import { enforceLimits, type SlackMessage } from '../../slack/limits.js';
import { escapeName, showName } from '../../slack/mrkdwn.js';

/** One concrete thing to try, chosen by why the number slipped. */
const TIPS = {
  over_sla: [
    'Turn on push notifications for new leads in your CRM and call before you research: a quick call now beats a perfect one in an hour.',
    'Keep a short call opener ready, so a new lead takes two minutes, not ten, to pick up.',
  ],
  worsened: [
    'Block two 30-minute "new leads" slots in your calendar each day, so new leads do not wait behind meetings.',
    'Check the new-lead view first thing after each meeting; most slow answers are leads that arrived while you were busy.',
  ],
} as const;

export type SlipReason = keyof typeof TIPS;

export interface SlipView {
  repName: string;
  reason: SlipReason;
  medianSeconds: number;
  previousMedianSeconds: number | null;
  teamMedianSeconds: number | null;
  teamName: string;
  slaSeconds: number;
  /** Picks among the tips, so the same rep does not read the same tip every day. */
  tipIndex: number;
}

/** The rep's friendly heads-up DM. */
export function buildSlipAlert(view: SlipView): SlackMessage {
  const tips = TIPS[view.reason];
  const tip = tips[view.tipIndex % tips.length] as string;
  const first = showName(view.repName.split(' ')[0] ?? view.repName);
  const mine = formatDuration(view.medianSeconds);
  const team = view.teamMedianSeconds === null ? 'no answered leads' : formatDuration(view.teamMedianSeconds);
  const change =
    view.previousMedianSeconds !== null
      ? ` (${formatDuration(view.previousMedianSeconds)} the 7 days before)`
      : '';
  const body = `Hi ${first}, a friendly heads-up: your median lead response time over the last 7 days is *${mine}*${change}. ${showName(view.teamName)}: *${team}*; target (SLA): *${formatDuration(view.slaSeconds)}*.`;
  return enforceLimits({
    text: `Heads-up: your median lead response time over the last 7 days is ${mine}${change}; team ${team}, target ${formatDuration(view.slaSeconds)}.`,
    blocks: [
      section(`:snail: ${body}`),
      section(`*One thing to try:* ${tip}`),
      context('Same numbers as `/metrics response me 7d`. You get this at most once a day.'),
    ],
  });
}

/** The managers' weekly roll-up of who slipped. */
export function buildSlipRollup(
  teamName: string,
  rows: { name: string; days: number; latestMedianSeconds: number | null }[],
): SlackMessage {
  const lines = rows.map(
    (r) =>
      `• ${showName(r.name)} — ${r.latestMedianSeconds === null ? 'n/a' : formatDuration(r.latestMedianSeconds)} median, alerted on ${r.days} day${r.days === 1 ? '' : 's'}`,
  );
  const title = `Response-time slips last week · ${clipName(teamName)}`;
  return enforceLimits({
    text: escapeName(`${title}: ${rows.map((r) => clipName(r.name)).join(', ')}`),
    blocks: [
      header(title),
      section(lines.join('\n')),
      context(
        'Reps whose 7-day median lead response time was over the SLA or clearly worse than the week before. See `/metrics response team by rep`.',
      ),
    ],
  });
}
