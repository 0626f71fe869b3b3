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

/** Whether `caller` may see the metric for `target`, optionally split `by`. Refusals say what they can ask. */
export function checkAccess(
  caller: Caller,
  target: AccessTarget,
  by: Dimension | null,
  settings: AccessSettings,
): AccessDecision {
  if (caller.role === 'admin') return ALLOWED;
  const manages = (teamIds: number[]) =>
    caller.role === 'manager' && teamIds.some((t) => caller.managedTeamIds.includes(t));

  if (target.kind === 'rep') {
    if (target.repId === caller.repId || manages(target.teamIds)) return ALLOWED;
    return refuse(
      caller,
      "other people's numbers are for their managers. You can ask for your own (`/metrics winrate`), your team's total (`/metrics winrate team`) or the org's (`/metrics winrate org`).",
    );
  }
  if (by !== 'rep' || settings.leaderboardsPublic) return ALLOWED;
  if (target.kind === 'team' && manages([target.teamId])) return ALLOWED;
  return refuse(
    caller,
    caller.role === 'manager'
      ? 'leaderboards by rep are limited to the teams you manage. Try `/metrics winrate team <your team> by rep`.'
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
 * names of the teams they manage (left out of the reason when empty).
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

function listInWords(names: readonly string[]): string {
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
}

function refuse(_caller: Caller, what: string): AccessDecision {
  return { allowed: false, reason: `Sorry — ${what}` };
}
