import { NO_MANAGED_TEAM } from '../src/access/permissions.js';
import type { Caller } from '../src/core/types.js';
import type { DigestSubscription } from '../src/db/schema/digests.js';
import type { Deps } from '../src/deps.js';
import { buildDigest } from '../src/digest/build.js';
import { type AddArgs, DIGEST_USAGE, parseDigestCommand } from '../src/digest/parse-command.js';
import { nextSlot } from '../src/digest/slots.js';
import {
  addSubscription,
  findTeam,
  getSubscription,
  listSubscriptions,
  removeSubscription,
  setChart,
  setPaused,
} from '../src/digest/store.js';
import { describeError } from '../src/errors.js';
import type { MetricId } from '../src/metrics/types.js';
import { clipName } from '../src/names.js';
import { buildNoticeMessage } from '../src/slack/blocks/notice.js';
import { section } from '../src/slack/blocks/pieces.js';
import { enforceLimits } from '../src/slack/limits.js';
import { escapeMrkdwn, escapeName, neutraliseMarkers } from '../src/slack/mrkdwn.js';
import type { Reply } from '../src/slack/reply.js';
import { formatDateTime, formatLocalTime } from '../src/time/format.js';
import type { CommandInput, Subcommand } from './types.js';

const notice = (text: string, hint?: string): Reply => ({
  visibility: 'ephemeral',
  message: buildNoticeMessage(text, hint),
});
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `/metrics digest …`: scheduled channel and personal digests (managers and admins). */
export const digestCommand: Subcommand = {
  name: 'digest',
  aliases: ['digests'],
  summary: 'Scheduled digests for a channel, or each rep by DM: add, list, preview, pause, resume, remove',
  usage: DIGEST_USAGE,
  // A changing verb counts even when the rest does not parse: its reply then comes after the caller
  // lookup, so during an outage it says nothing was saved, not that metrics could not be loaded.
  changes: ([verb]) =>
    ['add', 'chart', 'remove', 'delete', 'rm', 'pause', 'resume'].includes(verb?.toLowerCase() ?? ''),
  run: async (deps, input) => {
    const parsed = parseDigestCommand(input.tokens);
    if (!parsed.ok) return notice(parsed.error, DIGEST_USAGE.join('\n'));
    const { command } = parsed;
    if (command.action === 'help')
      return notice('Digests post a team\u2019s numbers on a schedule.', DIGEST_USAGE.join('\n'));
    const { caller } = input;
    if (caller.role === 'rep') {
      return notice(
        'Only managers and admins can manage digests. Ask your manager to add one for your team.',
      );
    }
    switch (command.action) {
      case 'list':
        return listDigests(deps, caller, input.now);
      case 'add':
        return addDigest(deps, input, command.add);
      case 'preview':
        return previewDigest(deps, input, command.id);
      case 'chart':
        return setDigestChart(deps, caller, command.id, command.chart, input.now);
      case 'remove':
      case 'pause':
      case 'resume':
        return changeDigest(deps, caller, command.action, command.id, input.now);
    }
  },
};

/** Whether the caller may manage a subscription of this scope: admins all, managers their teams'. */
function mayManage(caller: Caller, teamId: number | null): boolean {
  if (caller.role === 'admin') return true;
  return teamId !== null && caller.managedTeamIds.includes(teamId);
}

function describeSchedule(sub: DigestSubscription): string {
  const when = sub.cadence === 'weekly' ? `weekly on ${DAY_NAMES[sub.weekday ?? 1]}` : sub.cadence;
  return `${when} at ${sub.localTime} ${sub.timezone}`;
}

async function listDigests(deps: Deps, caller: Caller, now: Date): Promise<Reply> {
  const subs = (await listSubscriptions(deps.db)).filter((s) => mayManage(caller, s.teamId));
  if (subs.length === 0) return notice('No digests yet.', DIGEST_USAGE[0]);
  const lines = await Promise.all(
    subs.slice(0, 40).map(async (s) => {
      const team =
        s.teamId === null ? 'whole org' : escapeName((await findTeam(deps.db, s.teamId))?.name ?? '?');
      const where = s.target === 'dm' ? 'each rep by DM' : `<#${s.target}>`;
      const metrics = s.metrics.length > 0 ? escapeMrkdwn(s.metrics.join(', ')) : 'scorecard';
      let state = '';
      if (s.brokenAt)
        state = ` · :warning: broken (${escapeMrkdwn(s.brokenReason ?? 'error')}) — fix, then \`resume ${s.id}\``;
      else if (s.paused) state = ' · :double_vertical_bar: paused';
      else {
        const next = nextSlot(s, now);
        if (next) state = ` · next ${formatDateTime(next, s.timezone)}`;
      }
      const chart = s.chart ? 'chart on' : 'chart off';
      return `*#${s.id}* ${where} · ${team} · ${describeSchedule(s)} · ${metrics}${state} · ${chart}`;
    }),
  );
  const more = subs.length > 40 ? `\n_…and ${subs.length - 40} more_` : '';
  const text = `Digests (${subs.length})`;
  return {
    visibility: 'ephemeral',
    message: enforceLimits({ text, blocks: [section(`*${text}*\n${lines.join('\n')}${more}`)] }),
  };
}

/** Checks the channel with Slack: it must exist, not be archived, and have Tally in it. */
async function checkChannel(deps: Deps, id: string, name: string | null): Promise<string | null> {
  if (!deps.slack) return null; // local console: nothing to ask
  // Plain text: the notice escapes it.
  const label = name ? `#${neutraliseMarkers(name)}` : 'that channel';
  try {
    const res = await deps.slack.conversations.info({ channel: id });
    if (res.channel?.is_archived) return `${label} is archived; pick another channel.`;
    if (res.channel?.is_member === false) {
      return `Tally is not in ${label} yet. Invite it there (\`/invite @Tally\`), then add the digest again.`;
    }
    return null;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    if (code === 'channel_not_found')
      return `I can't find ${label} (a private channel needs Tally invited first).`;
    deps.logger.warn({ err: describeError(err) }, 'conversations.info failed for digest add');
    return `I couldn't check ${label} with Slack right now — please try again in a minute.`;
  }
}

async function addDigest(deps: Deps, input: CommandInput, args: AddArgs): Promise<Reply> {
  const { caller } = input;
  // The `manager` role alone manages nothing (docs/usage.md, "Who may see what"): say so, and how to fix it,
  // rather than refuse as if they asked for someone else's team.
  if (caller.role === 'manager' && caller.managedTeamIds.length === 0)
    return notice(`${NO_MANAGED_TEAM} Until then an admin can add the digest.`);
  let team: { id: number; name: string; timezone: string | null } | null = null;
  if (args.scope?.kind === 'team') {
    team = await findTeam(deps.db, args.scope.name);
    // Plain text (the notice escapes `& < >`); names keep `* _ ~` and backticks as typed, not formatting.
    if (!team) return notice(`There is no team called “${neutraliseMarkers(clipName(args.scope.name))}”.`);
  } else if (args.scope === null) {
    // Your team, as `/metrics winrate team` reads it (docs/digests.md), an admin's too (fresh tester
    // helper-231: an admin on a team got a whole-org digest); the whole org for an admin on no team.
    const own = caller.managedTeamIds[0] ?? caller.teamIds[0];
    if (own !== undefined) team = await findTeam(deps.db, own);
  }
  if (!mayManage(caller, team?.id ?? null)) {
    return notice(
      team
        ? `Only managers of ${neutraliseMarkers(clipName(team.name))} and admins can add digests for it.`
        : 'Only admins can add whole-org digests; managers add them for their teams (`team <name>`).',
    );
  }
  if (args.target.kind === 'channel') {
    const problem = await checkChannel(deps, args.target.id, args.target.name);
    if (problem) return { visibility: 'ephemeral', message: buildNoticeMessage(problem) };
  }
  const timezone = args.timezone ?? team?.timezone ?? deps.config.defaultTimezone;
  const outcome = await addSubscription(deps.db, {
    target: args.target.kind === 'dm' ? 'dm' : args.target.id,
    scope: team ? { kind: 'team', teamId: team.id } : { kind: 'org' },
    cadence: args.cadence,
    weekday: args.cadence === 'weekly' ? args.weekday : null,
    localTime: args.localTime,
    timezone,
    metrics: args.metrics,
    chart: args.chart,
    createdByRepId: caller.repId,
    createdBySlackUserId: caller.slackUserId,
    now: input.now,
  });
  if (!outcome.added) return alreadyThere(outcome.existing);
  const sub = outcome.subscription;
  const where = sub.target === 'dm' ? 'each rep by DM (in their own time zone)' : `<#${sub.target}>`;
  const next = nextSlot(sub, input.now);
  const nextText = next
    ? ` First one: ${formatDateTime(next, timezone)} (${formatLocalTime(next, timezone)} ${timezone}).`
    : '';
  return {
    visibility: 'ephemeral',
    message: enforceLimits({
      text: `Digest #${sub.id} added.`,
      blocks: [
        section(
          `:white_check_mark: Digest *#${sub.id}* for *${escapeName(team?.name ?? 'the whole org')}* to ${where}, ${escapeMrkdwn(describeSchedule(sub))}.${nextText}\nSee it now with \`/metrics digest preview ${sub.id}\`.`,
        ),
      ],
    }),
  };
}

/**
 * The refusal of a digest that is already there (same destination, scope, schedule and metrics): names it
 * and says how to get a different one, rather than post the same numbers twice.
 */
function alreadyThere(sub: DigestSubscription): Reply {
  const metrics = sub.metrics.length > 0 ? sub.metrics.join(', ') : 'the scorecard';
  const where = sub.target === 'dm' ? 'each rep by DM' : `<#${sub.target}>`;
  const state = sub.brokenAt ? 'stopped' : sub.paused ? 'paused' : null;
  const what = `${escapeMrkdwn(metrics)} to ${where} ${escapeMrkdwn(describeSchedule(sub))}`;
  const text = state
    ? `Digest #${sub.id} (${state}) is already set to post ${what} — nothing added. Resume it (\`/metrics digest resume ${sub.id}\`), remove it first (\`/metrics digest remove ${sub.id}\`) or add this one at another time.`
    : `Digest #${sub.id} already posts ${what} — nothing added. Remove it first (\`/metrics digest remove ${sub.id}\`) or add this one at another time.`;
  return { visibility: 'ephemeral', message: enforceLimits({ text, blocks: [section(text)] }) };
}

async function previewDigest(deps: Deps, input: CommandInput, id: number | null): Promise<Reply> {
  const { caller } = input;
  let sub: DigestSubscription | null = null;
  if (id !== null) {
    sub = await getSubscription(deps.db, id);
    if (!sub || !mayManage(caller, sub.teamId)) return notice(`There is no digest #${id} you manage.`);
  }
  const teamId = sub ? sub.teamId : (caller.managedTeamIds[0] ?? caller.teamIds[0] ?? null);
  const team = teamId === null ? null : await findTeam(deps.db, teamId);
  const timezone = sub?.timezone ?? team?.timezone ?? deps.config.defaultTimezone;
  try {
    const message = await buildDigest(
      deps,
      {
        subscriptionId: sub?.id ?? null,
        scope: team ? { kind: 'team', teamId: team.id } : { kind: 'org' },
        scopeLabel: team?.name ?? 'Whole org',
        metrics: (sub?.metrics ?? []) as MetricId[],
        cadence: sub?.cadence ?? 'weekdays',
        timezone,
        slot: input.now,
        lateScheduledLocal: null,
        personal: false,
        preview: true,
      },
      input.now,
    );
    return { visibility: 'ephemeral', message };
  } catch (err) {
    deps.logger.error({ err: describeError(err) }, 'digest preview failed');
    return notice("Couldn't load metrics right now — please try again in a minute.");
  }
}

/** `/metrics digest chart on|off <id>`: the headline trend chart of a subscription's digests. */
async function setDigestChart(
  deps: Deps,
  caller: Caller,
  id: number,
  chart: boolean,
  now: Date,
): Promise<Reply> {
  const sub = await getSubscription(deps.db, id);
  if (!sub || !mayManage(caller, sub.teamId)) return notice(`There is no digest #${id} you manage.`);
  await setChart(deps.db, id, chart, now);
  return notice(
    chart
      ? `Digest #${id} will carry a trend chart of its first metric. \`/metrics digest chart off ${id}\` turns it off.`
      : `Digest #${id} goes out without a chart from now on. \`/metrics digest chart on ${id}\` brings it back.`,
  );
}

async function changeDigest(
  deps: Deps,
  caller: Caller,
  action: 'remove' | 'pause' | 'resume',
  id: number,
  now: Date,
): Promise<Reply> {
  const sub = await getSubscription(deps.db, id);
  if (!sub || !mayManage(caller, sub.teamId)) return notice(`There is no digest #${id} you manage.`);
  if (action === 'remove') {
    await removeSubscription(deps.db, id);
    return notice(`Digest #${id} removed.`);
  }
  if (action === 'resume' && sub.target !== 'dm') {
    // Resuming a broken digest: check the channel was really fixed, rather than break again tomorrow.
    const problem = await checkChannel(deps, sub.target, null);
    if (problem)
      return notice(problem.replace('add the digest again', `run \`/metrics digest resume ${id}\``));
  }
  await setPaused(deps.db, id, action === 'pause', now);
  if (action === 'pause')
    return notice(`Digest #${id} paused. \`/metrics digest resume ${id}\` starts it again.`);
  const wasBroken = sub.brokenAt
    ? ' The channel problem is marked fixed; if it is not, you will hear from me again.'
    : '';
  return notice(`Digest #${id} resumed from its next scheduled time.${wasBroken}`);
}
