import { checkAccess } from '../access/permissions.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { metricDepsFor } from '../deps.js';
import { MetricsError } from '../metrics/index.js';
import { buildNoticeMessage } from '../slack/blocks/notice.js';
import type { Reply } from '../slack/reply.js';
import { getCoachingCard } from './card.js';
import type { CoachingCard } from './types.js';

export const COACH_USAGE =
  'Usage: `/metrics coach @person [period]` (managers, admins) or `/metrics coach me [period]`.';
const USAGE = COACH_USAGE;

/**
 * The card for `repId` if `caller` may see it (themselves; their manager; an admin), with percentiles
 * when the leaderboard policy lets this caller compare reps. Shared by the command, its Chart button
 * and App Home. Database errors propagate.
 */
export async function loadCoachingCard(
  deps: Deps,
  caller: Caller,
  repId: number,
  teamIds: number[],
  options: { now: Date; period?: string },
): Promise<{ ok: true; card: CoachingCard } | { ok: false; reply: Reply }> {
  const decision = checkAccess(caller, { kind: 'rep', repId, teamIds }, null, {
    leaderboardsPublic: deps.config.leaderboardsPublic,
  });
  if (!decision.allowed)
    return {
      ok: false,
      reply: ephemeral(
        buildNoticeMessage(
          repId === caller.repId
            ? decision.reason
            : "Sorry — a coaching card is for the rep's manager and admins. You can see your own with `/metrics coach me`.",
        ),
      ),
    };
  try {
    const card = await getCoachingCard(metricDepsFor(deps, options.now), {
      repId,
      ...(options.period ? { period: options.period } : {}),
      showPeers: deps.config.leaderboardsPublic || caller.role !== 'rep',
    });
    return { ok: true, card };
  } catch (err) {
    if (err instanceof MetricsError)
      return {
        ok: false,
        reply: ephemeral(buildNoticeMessage(err.message, err.code === 'busy' ? undefined : USAGE)),
      };
    throw err;
  }
}

function ephemeral(message: Reply['message']): Reply {
  return { visibility: 'ephemeral', message };
}
