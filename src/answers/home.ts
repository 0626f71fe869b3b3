import type { App } from '@slack/bolt';
import type { HomeView } from '@slack/types';
import { getTeams } from '../access/queries.js';
import { buildCoachingHomeBlocks } from '../coach/home.js';
import type { Caller } from '../core/types.js';
import type { Deps } from '../deps.js';
import { metricDepsFor } from '../deps.js';
import { describeError } from '../errors.js';
import { getScorecard } from '../metrics/index.js';
import {
  buildHomeErrorView,
  buildHomeView,
  buildUnknownHomeView,
  type HomeScorecard,
} from '../slack/blocks/home.js';
import { findCaller } from '../slack/respond.js';

/** Managers see at most this many team scorecards on App Home (each is ~8 blocks of the 100 allowed). */
const MAX_HOME_TEAMS = 5;

/** The caller's home content: their scorecard and, for managers and admins, their managed teams'. */
export async function loadHomeView(deps: Deps, caller: Caller, now: Date): Promise<HomeView> {
  const metricDeps = metricDepsFor(deps, now);
  const mine = await getScorecard(metricDeps, { scope: { kind: 'rep', repId: caller.repId } });
  const cards: HomeScorecard[] = [{ title: 'Your scorecard', results: mine }];
  if (caller.role !== 'rep') {
    const teams = await getTeams(deps.db, caller.managedTeamIds.slice(0, MAX_HOME_TEAMS));
    for (const team of teams) {
      const results = await getScorecard(metricDeps, { scope: { kind: 'team', teamId: team.id } });
      cards.push({ title: `Team ${team.name}`, results });
    }
  }
  const coaching =
    caller.role === 'rep' ? [] : await buildCoachingHomeBlocks(metricDeps, caller.managedTeamIds);
  return buildHomeView({
    callerName: caller.name,
    scorecards: cards,
    extraBlocks: coaching,
    now,
    staleAfterHours: deps.config.staleAfterHours,
  });
}

/** `app_home_opened` → views.publish, so the tab is fresh every time it is opened. */
export function registerAppHome(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab && event.tab !== 'home') return;
    const now = deps.clock();
    let view: HomeView;
    try {
      const caller = await findCaller(deps, client, event.user, now);
      view = caller ? await loadHomeView(deps, caller, now) : buildUnknownHomeView();
    } catch (err) {
      deps.logger.error({ err: describeError(err) }, 'app home failed');
      view = buildHomeErrorView();
    }
    try {
      await client.views.publish({ user_id: event.user, view });
    } catch (err) {
      deps.logger.error({ err: describeError(err) }, 'views.publish failed');
    }
  });
}
