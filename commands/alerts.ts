import { describeBusinessHours } from '../src/alerts/business-time.js';
import { unreachableSteps } from '../src/alerts/reach.js';
import {
  type AlertSettings,
  type AlertSettingsPatch,
  findTeamByName,
  getAlertSettings,
  updateAlertSettings,
} from '../src/alerts/settings.js';
import { ALERTS_USAGE, parseAlertsCommand } from '../src/alerts/settings-parse.js';
import { buildAlertSettingsMessage, buildAlertsNotice } from '../src/alerts/slack/settings-view.js';
import type { Caller } from '../src/core/types.js';
import type { Deps } from '../src/deps.js';
import { formatDuration } from '../src/slack/format.js';
import { escapeMrkdwn, escapeName } from '../src/slack/mrkdwn.js';
import type { Reply } from '../src/slack/reply.js';
import type { CommandInput, Subcommand } from './types.js';

const notice = (text: string): Reply => ({ visibility: 'ephemeral', message: buildAlertsNotice(text) });

/** `/metrics alerts …`: show or change a team's lead-alert settings (managers of the team and admins may change). */
export const alertsCommand: Subcommand = {
  name: 'alerts',
  aliases: ['alert', 'nudges'],
  summary: 'Lead response alerts: SLA, escalation, business hours, slip alerts, channel step',
  usage: ALERTS_USAGE,
  changes: (tokens) => {
    const parsed = parseAlertsCommand(tokens);
    return parsed.ok && parsed.action === 'set';
  },
  run: async (deps, input) => runAlerts(deps, input),
};

async function runAlerts(deps: Deps, input: CommandInput): Promise<Reply> {
  const parsed = parseAlertsCommand(input.tokens);
  if (!parsed.ok) return notice(`${parsed.error}\n${ALERTS_USAGE.join('\n')}`);
  const team = await resolveTeam(deps, input.caller, parsed.team, parsed.action === 'set');
  if ('error' in team) return notice(team.error);
  const { caller } = input;
  const manages = caller.role === 'admin' || caller.managedTeamIds.includes(team.id);
  if (parsed.action === 'show' && !manages && !caller.teamIds.includes(team.id)) {
    return notice(`You can see the alert settings of your own team; ${escapeName(team.name)} is not yours.`);
  }
  const current = await getAlertSettings(deps.db, team.id, deps.config.defaultTimezone);
  if (!current) return notice(`I can't find that team any more.`);
  if (parsed.action === 'show')
    return {
      visibility: 'ephemeral',
      message: buildAlertSettingsMessage(current, undefined, unreachableSteps(current, input.now)),
    };
  if (!manages) {
    return notice(
      `Only managers of ${escapeName(team.name)} and admins can change its alerts. You can still see them with \`/metrics alerts\`.`,
    );
  }
  const conflict = checkConsistency(current, parsed.patch);
  if (conflict) return notice(conflict);
  await updateAlertSettings(deps.db, team.id, parsed.patch, caller.repId, input.now);
  const updated = await getAlertSettings(deps.db, team.id, deps.config.defaultTimezone);
  if (!updated) return notice(`I can't find that team any more.`);
  return {
    visibility: 'ephemeral',
    message: buildAlertSettingsMessage(
      updated,
      describeChange(updated, parsed.patch),
      unreachableSteps(updated, input.now),
    ),
  };
}

/** The named team, else the one the caller manages, else the caller's own. */
async function resolveTeam(
  deps: Deps,
  caller: Caller,
  name: string | null,
  forChange: boolean,
): Promise<{ id: number; name: string } | { error: string }> {
  if (name) {
    const found = await findTeamByName(deps.db, name);
    return found ?? { error: `There is no team called “${escapeName(name)}”.` };
  }
  if (forChange && caller.managedTeamIds.length > 1) {
    return {
      error: 'You manage several teams; say which one, e.g. `/metrics alerts set sla 10m team EMEA`.',
    };
  }
  const id = caller.managedTeamIds[0] ?? caller.teamIds[0];
  if (id === undefined)
    return { error: 'You are not on a team; say which one, e.g. `/metrics alerts team EMEA`.' };
  const settings = await getAlertSettings(deps.db, id, deps.config.defaultTimezone);
  return settings ? { id, name: settings.teamName } : { error: `I can't find your team.` };
}

/** Escalation must come after the SLA, or the manager would hear before the rep. */
function checkConsistency(current: AlertSettings, patch: AlertSettingsPatch): string | null {
  const sla = patch.slaSeconds ?? current.slaSeconds;
  const explicitEscalation =
    patch.escalationSeconds !== undefined
      ? patch.escalationSeconds
      : current.escalationIsDefault
        ? null
        : current.escalationSeconds;
  if (explicitEscalation !== null && explicitEscalation <= sla) {
    return `Escalation (${formatDuration(explicitEscalation)}) must be longer than the SLA (${formatDuration(sla)}). Change one of them first, or \`set escalation default\` (3 × SLA).`;
  }
  return null;
}

function describeChange(s: AlertSettings, patch: AlertSettingsPatch): string {
  if (patch.slaSeconds !== undefined) return `Response SLA is now ${formatDuration(s.slaSeconds)}.`;
  if (patch.escalationSeconds !== undefined)
    return `Managers now hear after ${formatDuration(s.escalationSeconds)}.`;
  if (patch.hours) return `Business hours are now ${escapeMrkdwn(describeBusinessHours(s.hours))}.`;
  if (patch.slipEnabled !== undefined) return `Slip alerts are ${s.slipEnabled ? 'on' : 'off'}.`;
  if (patch.channelId !== undefined) {
    return s.channelId
      ? `Still-waiting leads will be posted to <#${s.channelId}> (invite me there if I'm not in it yet).`
      : 'The channel step is off.';
  }
  return 'Saved.';
}
