import type { Caller } from '../core/types.js';
import type { Dimension } from '../metrics/types.js';

/**
 * Who may see what. Pure rules over a resolved caller:
 * - reps see their own numbers and any team or org total; `by rep` leaderboards of teams/org only when
 *   leaderboards are public (TALLY_LEADERBOARDS_PUBLIC, default true);
 * - managers also see each rep of the teams they manage, and those teams' `by rep` splits;
 * - admins see everything.
 * Splits by team, product or source are totals, open to everyone.
 */

/** What is being asked about; a rep carries their current team ids so manager rules can apply. */
export type AccessTarget =
  | { kind: 'org' }
  | { kind: 'team'; teamId: number }
  | { kind: 'rep'; repId: number; teamIds: number[] };

export interface AccessSettings {
  leaderboardsPublic: boolean;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: AccessDecision = { allowed: true };

/**
 * What was asked, for a refusal's suggestions: the command's words before its scope (`calls`, `lost`; ''
 * for the scorecard) and its period spec (null: the default), so `/metrics calls amara 30d` is offered
 * `/metrics calls 30d`, not another metric.
 */
export interface AskedFor {
  words: string;
  period?: string | null;
}

/** A period spec the suggestions repeat: the grammar's normalised words and dates, nothing to escape. */
const PLAIN_PERIOD = /^[a-z0-9 .-]{1,40}$/i;

/** `/metrics <words> <scope> <period> <tail>` in backticks, for a refusal's "you can ask". */
function suggestion(asked: AskedFor, scope: string, tail = ''): string {
  const period = asked.period && PLAIN_PERIOD.test(asked.period) ? asked.period : '';
  return `\`${['/metrics', asked.words, scope, period, tail].filter(Boolean).join(' ')}\``;
}

/** Whether `caller` may see the metric for `target`, optionally split `by`. Refusals say what they can ask. */
export function checkAccess(
  caller: Caller,
  target: AccessTarget,
  by: Dimension | null,
  settings: AccessSettings,
  asked: AskedFor = { words: '' },
): AccessDecision {
  if (caller.role === 'admin') return ALLOWED;
  const manages = (teamIds: number[]) =>
    caller.role === 'manager' && teamIds.some((t) => caller.managedTeamIds.includes(t));

  if (target.kind === 'rep') {
    if (target.repId === caller.repId || manages(target.teamIds)) return ALLOWED;
    return refuse(
      caller,
      `other people's numbers are for their managers. You can ask for your own (${suggestion(asked, asked.words ? '' : 'me')}), your team's total (${suggestion(asked, 'team')}) or the org's (${suggestion(asked, 'org')}).`,
    );
  }
  if (by !== 'rep' || settings.leaderboardsPublic) return ALLOWED;
  if (target.kind === 'team' && manages([target.teamId])) return ALLOWED;
  return refuse(
    caller,
    caller.role === 'manager'
      ? `leaderboards by rep are limited to the teams you manage. Try ${suggestion({ ...asked, words: asked.words || 'winrate' }, 'team <your team>', 'by rep')}.`
      : 'leaderboards by rep are for managers here. You can see your own numbers and team or org totals, or split `by team`, `by product` or `by source`.',
  );
}

/**
 * The one leaderboard policy, for answers, the Share button, the answer's buttons and digests: who may
 * *see* a `by rep` table is checkAccess's rule; posting one where others read it (Share, `share`, a
 * channel digest) is allowed only when leaderboards are public, whoever asks — a manager's channel holds
 * the very reps being ranked. Other splits (team, product, source) are totals and may always be shared.
 */
export function checkShareAccess(by: Dimension | null, settings: AccessSettings): AccessDecision {
  if (by !== 'rep' || settings.leaderboardsPublic) return ALLOWED;
  return {
    allowed: false,
    reason:
      'Sorry — leaderboards by rep are private in this workspace, so they stay with you and are not posted to the channel. You can share the total (without `by rep`) or a split `by team`, `by product` or `by source`.',
  };
}

/** Why a `manager` by role who manages no team is refused: what makes someone a team's manager in Tally. */
export const NO_MANAGED_TEAM =
  "You manage no team in Tally yet: a team's manager is a rep with `is_manager=yes` and that `team` in the reps file (see docs/data-in.md, reps).";

/**
 * Whether the caller may set (or remove: `action`) targets for this scope: admins anywhere; managers for
 * teams they manage and their reps. A refused manager is told where they can: `managedTeamNames`, the
 * names of the teams they manage (left out of the reason when empty), put into the reason as given: the
 * caller makes them safe to show (commands/target.ts neutralises Slack's `* _ ~` and backtick markers; the
 * notice escapes `& < >`), since this layer knows nothing of Slack.
 */
export function checkTargetAccess(
  caller: Caller,
  target: AccessTarget,
  action: 'set' | 'remove' = 'set',
  managedTeamNames: readonly string[] = [],
): AccessDecision {
  if (caller.role === 'admin') return ALLOWED;
  if (caller.role === 'manager') {
    // The role alone manages nothing: a team's managers are those marked `is_manager=yes` on it.
    if (caller.managedTeamIds.length === 0) return { allowed: false, reason: NO_MANAGED_TEAM };
    if (target.kind === 'team' && caller.managedTeamIds.includes(target.teamId)) return ALLOWED;
    if (target.kind === 'rep' && target.teamIds.some((t) => caller.managedTeamIds.includes(t)))
      return ALLOWED;
    const yours =
      managedTeamNames.length === 0
        ? ''
        : ` You can ${action} them for ${managedTeamNames.length === 1 ? 'team ' : 'teams '}${listInWords(managedTeamNames)} and ${managedTeamNames.length === 1 ? 'its' : 'their'} reps.`;
    return {
      allowed: false,
      reason: `Managers can ${action} targets for the teams they manage and their reps; org targets are for admins.${yours}`,
    };
  }
  return {
    allowed: false,
    reason: `Targets are ${action === 'set' ? 'set' : 'removed'} by managers and admins. You can see them with \`/metrics target list\`.`,
  };
}

/**
 * Whether the caller may set (or remove) any target at all, before the command's scope is read: admins, and
 * managers of at least one team. A rep, or a manager by role who manages no team, is told so first, before
 * any advice about the command's wording (a rewritten command they could not run).
 */
export function checkAnyTargetAccess(caller: Caller, action: 'set' | 'remove' = 'set'): AccessDecision {
  if (caller.role === 'admin') return ALLOWED;
  if (caller.role === 'manager')
    return caller.managedTeamIds.length > 0 ? ALLOWED : { allowed: false, reason: NO_MANAGED_TEAM };
  return checkTargetAccess(caller, { kind: 'org' }, action);
}

function listInWords(names: readonly string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
}

function refuse(caller: Caller, what: string): AccessDecision {
  // A manager by role who manages no team is told what makes one (helper-178: a reps file with role=manager
  // and no is_manager heard only "for their managers").
  const why = caller.role === 'manager' && caller.managedTeamIds.length === 0 ? ` ${NO_MANAGED_TEAM}` : '';
  return { allowed: false, reason: `Sorry — ${what}${why}` };
}
